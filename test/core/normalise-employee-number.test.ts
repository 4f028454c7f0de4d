import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normaliseEmployeeNumber } from '../../src/core/normalise-employee-number.js';

describe('normaliseEmployeeNumber', () => {
  it.each([
    ['12345678', '12345678'],
    ['00123456', '00123456'],
    ['123456', '00123456'], // Excel dropped the leading zeros
    ['1', '00000001'],
    ['  12345678  ', '12345678'],
    ['1234 5678', '12345678'],
    ['12345678.0', '12345678'], // Excel float
    ['123456.00', '00123456'],
    ['1.2345678E+7', '12345678'], // Excel scientific
    ['1.2345678e7', '12345678'],
    ['1.23456E+5', '00123456'],
    ['12345678-2', '12345678'], // assignment number → the person
    ['00123456-10', '00123456'],
    ["'00123456", '00123456'], // Excel text marker
    ['="00123456"', '00123456'], // CSV writer's formula trick
    ['000012345678', '12345678'], // padded too far, still 8 significant digits
  ])('%j → %j', (raw, want) => {
    expect(normaliseEmployeeNumber(raw)).toBe(want);
  });

  it.each([
    [undefined],
    [''],
    ['   '],
    ['0'],
    ['00000000'], // all zeros
    ['0.0'],
    ['123456789'], // 9 significant digits
    ['1.23456789E+8'],
    ['1.23E+7'], // rounded for display: 12300000 or 12345678?
    ['1.2345678E+3'], // not an integer
    ['12345678.5'],
    ['E1234567'],
    ['12345678A'],
    ['-12345678'],
    ['12345678-'],
    ['12345678/2'],
    ['N/A'],
    ['12345678;87654321'],
  ])('%j → undefined', (raw) => {
    expect(normaliseEmployeeNumber(raw)).toBeUndefined();
  });

  it('every 1–8 digit number comes back zero-padded, in each Excel form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999 }), (n) => {
        const want = String(n).padStart(8, '0');
        expect(normaliseEmployeeNumber(String(n))).toBe(want);
        expect(normaliseEmployeeNumber(want)).toBe(want);
        expect(normaliseEmployeeNumber(`${n}.0`)).toBe(want);
        expect(normaliseEmployeeNumber(`${want}-1`)).toBe(want);
        // Scientific with every digit kept, as Excel writes it: 1.2345678E+7.
        const s = String(n);
        const sci = s.length === 1 ? `${s}E+0` : `${s[0]}.${s.slice(1)}E+${s.length - 1}`;
        expect(normaliseEmployeeNumber(sci)).toBe(want);
      }),
    );
  });
});

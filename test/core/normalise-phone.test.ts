import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { normalisePhone, normalisePhoneWithLibrary, type PhoneInfo } from '../../src/core/normalise-phone.js';

// Counts library parses, to show which inputs the fast path answers on its own.
const library = vi.hoisted(() => ({ parses: 0 }));
vi.mock('libphonenumber-js/max', async (importOriginal) => {
  const real = await importOriginal<typeof import('libphonenumber-js/max')>();
  return {
    ...real,
    parsePhoneNumberFromString: (...args: Parameters<typeof real.parsePhoneNumberFromString>) => {
      library.parses++;
      return real.parsePhoneNumberFromString(...args);
    },
  };
});

function parsesDuring(f: () => void): number {
  const before = library.parses;
  f();
  return library.parses - before;
}

const MOBILE: PhoneInfo = { e164: '+447911123456', mobile: true, valid: true };

describe('normalisePhone: every way a UK mobile arrives is one E.164', () => {
  it.each([
    '07911 123456',
    '07911123456',
    '+44 (0) 7911 123456',
    '+44(0)7911123456',
    '+44 0 7911 123456',
    '+44 07911 123456',
    '+447911123456',
    '+44 7911 123456',
    '0044 7911 123456',
    '0044 (0) 7911 123456',
    '00447911123456',
    '447911123456',
    '44 7911 123456',
    '4407911123456',
    '7911123456', // Excel dropped the leading zero
    '7911 123456',
    '07911-123-456',
    '07911.123.456',
    '(07911) 123456',
    'tel:+447911123456',
    'tel:07911 123456',
    'TEL:07911123456',
    '  07911 123456  ',
    "'07911123456", // Excel text marker
    '="07911123456"', // CSV writer's formula trick
    '7911123456.0', // Excel float
    '4.47911123456E+11', // Excel scientific, all digits kept
    '07911 123456 (work)',
    '+44 7911 123456 ext 12',
  ])('%j', (raw) => {
    expect(normalisePhone(raw)).toEqual(MOBILE);
  });
});

describe('normalisePhone: validity is a flag, not a rejection', () => {
  it.each([
    // Ofcom drama range: well-formed, never allocated.
    ['07700 900123', { e164: '+447700900123', mobile: false, valid: false }],
    ['+44 7700 900999', { e164: '+447700900999', mobile: false, valid: false }],
    ['7700900000', { e164: '+447700900000', mobile: false, valid: false }],
    // Ofcom drama range for landlines.
    ['01632 960123', { e164: '+441632960123', mobile: false, valid: false }],
  ] as const)('%j', (raw, want) => {
    expect(normalisePhone(raw)).toEqual(want);
  });
});

describe('normalisePhone: other numbers keep their own E.164', () => {
  it.each([
    ['020 7946 0000', { e164: '+442079460000', mobile: false, valid: true }], // London landline
    ['0800 123456', { e164: '+44800123456', mobile: false, valid: true }], // toll-free
    ['07624 123456', { e164: '+447624123456', mobile: true, valid: true }], // Isle of Man mobile
    ['07781 123456', { e164: '+447781123456', mobile: true, valid: true }], // Guernsey mobile
    ['07797 123456', { e164: '+447797123456', mobile: true, valid: true }], // Jersey mobile
    ['07600 123456', { e164: '+447600123456', mobile: false, valid: true }], // pager, not a mobile
    ['+33 6 12 34 56 78', { e164: '+33612345678', mobile: true, valid: true }],
    ['0033 6 12 34 56 78', { e164: '+33612345678', mobile: true, valid: true }],
    ['+353 85 123 4567', { e164: '+353851234567', mobile: true, valid: true }],
    ['+1 212 555 0100', { e164: '+12125550100', mobile: true, valid: true }], // NANP: fixed line or mobile
  ] as const)('%j', (raw, want) => {
    expect(normalisePhone(raw)).toEqual(want);
  });
});

describe('normalisePhone: not a phone number at all', () => {
  it.each([
    [undefined],
    [''],
    ['   '],
    ['abc'],
    ['mobile'],
    ['N/A'],
    ['123'],
    ['0791'],
    ['079111234567890'], // too long for the UK
    ['4.47911E+11'], // Excel rounded it for display: digits are gone
    ['07911 123456 / 07922 654321'], // two numbers in one cell: which one?
  ])('%j → undefined', (raw) => {
    expect(normalisePhone(raw)).toBeUndefined();
  });
});

describe('normalisePhone: results are the caller’s own', () => {
  it('returns a fresh object from the cached library path', () => {
    const a = normalisePhone('020 7946 0000')!;
    a.valid = false;
    expect(normalisePhone('020 7946 0000')!.valid).toBe(true);
  });
});

// --- fast path ≡ library ----------------------------------------------------------------------

describe('normalisePhone fast path is live', () => {
  it.each(['07400 123456', '+44 (0) 7400 123456', '447400123456', '7400123456', '0044 7400 123456'])(
    '%j is answered without the library',
    (raw) => {
      expect(parsesDuring(() => normalisePhone(raw))).toBe(0);
      expect(normalisePhone(raw)).toEqual({ e164: '+447400123456', mobile: true, valid: true });
    },
  );

  it.each(['07700 900321', '020 7946 0321', '+33 6 12 34 56 79', '07911 123457'])('%j goes to the library', (raw) => {
    // 07911 1… is a Guernsey range: only the library knows the other +44 regions.
    expect(parsesDuring(() => normalisePhone(raw))).toBe(1);
  });
});

/** Ten-digit UK national numbers starting 7: mobiles, pagers, personal numbers, drama range, gaps. */
const nsn7 = fc.stringMatching(/^7\d{9}$/);
/** Biased towards the ranges where GB, GG, IM and JE patterns meet. */
const nsnEdge = fc
  .tuple(fc.constantFrom('7700', '7457', '7911', '7781', '7839', '7624', '7524', '7924', '7797', '7829', '7509', '7937', '7600', '7000', '7400'), fc.stringMatching(/^\d{6}$/))
  .map(([p, r]) => p + r);

const SHAPES: ReadonlyArray<(n: string) => string> = [
  (n) => `0${n}`,
  (n) => `0${n.slice(0, 4)} ${n.slice(4)}`,
  (n) => `0${n.slice(0, 4)} ${n.slice(4, 7)} ${n.slice(7)}`,
  (n) => `0${n.slice(0, 4)}-${n.slice(4, 7)}-${n.slice(7)}`,
  (n) => `0${n.slice(0, 4)}.${n.slice(4, 7)}.${n.slice(7)}`,
  (n) => `(0${n.slice(0, 4)}) ${n.slice(4)}`,
  (n) => `+44${n}`,
  (n) => `+44 ${n.slice(0, 4)} ${n.slice(4)}`,
  (n) => `+44 (0) ${n.slice(0, 4)} ${n.slice(4)}`,
  (n) => `+44(0)${n}`,
  (n) => `+44 0${n}`,
  (n) => `0044 ${n.slice(0, 4)} ${n.slice(4)}`,
  (n) => `0044 (0) ${n}`,
  (n) => `0044${n}`,
  (n) => `44${n}`,
  (n) => `44 ${n}`,
  (n) => `440${n}`,
  (n) => n,
  (n) => `${n.slice(0, 4)} ${n.slice(4)}`,
  (n) => `tel:+44${n}`,
  (n) => `'0${n}`,
  (n) => `${n}.0`,
];

describe('normalisePhone fast path gives exactly the library’s answer', () => {
  it('on generated UK 7-numbers in every shape', () => {
    fc.assert(
      fc.property(fc.oneof(nsn7, nsnEdge), fc.integer({ min: 0, max: SHAPES.length - 1 }), (n, shape) => {
        const raw = SHAPES[shape]!(n);
        expect(normalisePhone(raw)).toEqual(normalisePhoneWithLibrary(raw));
      }),
      { numRuns: 3000 },
    );
  });

  it('on digits and separators in any arrangement', () => {
    const junk = fc
      .array(fc.constantFrom(...'0123456789', ' ', '-', '.', '(', ')', '+', '0044', '44', '07', '(0)'), { minLength: 1, maxLength: 20 })
      .map((xs) => xs.join(''));
    fc.assert(
      fc.property(junk, (raw) => {
        expect(normalisePhone(raw)).toEqual(normalisePhoneWithLibrary(raw));
      }),
      { numRuns: 3000 },
    );
  });

  it('all shapes of one valid mobile agree', () => {
    const validGb = fc.stringMatching(/^7[4-9]\d{8}$/).filter((n) => {
      const p = normalisePhoneWithLibrary(`0${n}`);
      return p?.valid === true && p.mobile;
    });
    fc.assert(
      fc.property(validGb, (n) => {
        const want = { e164: `+44${n}`, mobile: true, valid: true };
        for (const shape of SHAPES) expect(normalisePhone(shape(n))).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });
});

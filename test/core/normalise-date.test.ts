import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { daysBetween, parseDate, toIsoDate, type DateParse } from '../../src/core/normalise-date.js';

const utc = (iso: string): number => Date.parse(iso);
const ok = (iso: string): DateParse => ({ status: 'ok', ms: utc(iso) });

describe('parseDate: UK day-first dates', () => {
  it.each([
    ['03/04/2025', '2025-04-03T00:00:00Z'], // 3 April, never 4 March
    ['3/4/2025', '2025-04-03T00:00:00Z'],
    ['13/04/2025', '2025-04-13T00:00:00Z'],
    ['31/12/2025', '2025-12-31T00:00:00Z'],
    ['03-04-2025', '2025-04-03T00:00:00Z'],
    ['03.04.2025', '2025-04-03T00:00:00Z'],
    ['03/04/25', '2025-04-03T00:00:00Z'],
    ['03/04/69', '2069-04-03T00:00:00Z'], // pivot: 69 → 2069
    ['03/04/70', '1970-04-03T00:00:00Z'], // 70 → 1970
    ['29/02/2024', '2024-02-29T00:00:00Z'],
    ['29/02/2000', '2000-02-29T00:00:00Z'],
    ['03/04/2025 10:11', '2025-04-03T10:11:00Z'],
    ['03/04/2025 10:11:12', '2025-04-03T10:11:12Z'],
    ['3/4/2025 9:05:07', '2025-04-03T09:05:07Z'],
    ['  03/04/2025  ', '2025-04-03T00:00:00Z'],
  ])('%j → %s', (raw, iso) => {
    expect(parseDate(raw)).toEqual(ok(iso));
  });

  it.each([
    ['12/31/2025'], // US month/day: never guessed
    ['31/02/2025'],
    ['29/02/2025'],
    ['29/02/1900'],
    ['00/01/2025'],
    ['01/13/2025'],
    ['03/04/2025 24:00'],
    ['03/04/2025 10:60'],
    ['03/04/2025 10:11:12 AM'], // 12-hour clock: a US-culture export
    ['03/04/025'],
    ['03/04-2025'], // mixed separators
  ])('%j → invalid', (raw) => {
    expect(parseDate(raw)).toEqual({ status: 'invalid' });
  });
});

describe('parseDate: month names (ESR, Oracle DD-MON-YYYY)', () => {
  it.each([
    ['01-Jan-2025', '2025-01-01T00:00:00Z'],
    ['01-JAN-2025', '2025-01-01T00:00:00Z'],
    ['1-jan-25', '2025-01-01T00:00:00Z'],
    ['01 Jan 2025', '2025-01-01T00:00:00Z'],
    ['3 April 2025', '2025-04-03T00:00:00Z'],
    ['30 Sept 2025', '2025-09-30T00:00:00Z'],
    ['01-Jan-2025 10:11:12', '2025-01-01T10:11:12Z'],
  ])('%j → %s', (raw, iso) => {
    expect(parseDate(raw)).toEqual(ok(iso));
  });

  it.each([['31-Feb-2025'], ['01-Foo-2025'], ['01-Janu-2025']])('%j → invalid', (raw) => {
    expect(parseDate(raw)).toEqual({ status: 'invalid' });
  });
});

describe('parseDate: ISO 8601', () => {
  it.each([
    ['2025-04-03', '2025-04-03T00:00:00Z'],
    ['2025-04-03T10:11:12Z', '2025-04-03T10:11:12Z'],
    ['2025-04-03T10:11:12z', '2025-04-03T10:11:12Z'],
    ['2025-04-03T10:11:12', '2025-04-03T10:11:12Z'], // no zone: UTC
    ['2025-04-03 10:11:12', '2025-04-03T10:11:12Z'],
    ['2025-04-03T10:11', '2025-04-03T10:11:00Z'],
    ['2025-04-03T10:11:12.5Z', '2025-04-03T10:11:12.500Z'],
    ['2025-04-03T10:11:12.123Z', '2025-04-03T10:11:12.123Z'],
    ['2025-04-03T10:11:12.1234567Z', '2025-04-03T10:11:12.123Z'], // Entra's 7 digits, truncated
    ['2025-04-03T10:11:12+01:00', '2025-04-03T09:11:12Z'],
    ['2025-04-03T10:11:12+0100', '2025-04-03T09:11:12Z'],
    ['2025-04-03T10:11:12-05', '2025-04-03T15:11:12Z'],
    ['2025-04-03T00:30:00+01:00', '2025-04-02T23:30:00Z'], // crosses midnight
    ['2025/04/03', '2025-04-03T00:00:00Z'],
  ])('%j → %s', (raw, iso) => {
    expect(parseDate(raw)).toEqual(ok(iso));
  });

  it.each([['2025-02-29'], ['2025-13-01'], ['2025-04-03T25:00:00Z'], ['2025-04-03T10:11:12+25:00'], ['0000-01-01'], ['2025-04'], ['2025-04-03T']])(
    '%j → invalid',
    (raw) => {
      expect(parseDate(raw)).toEqual({ status: 'invalid' });
    },
  );
});

describe('parseDate: Excel serial numbers', () => {
  it.each([
    ['1', '1900-01-01T00:00:00Z'],
    ['59', '1900-02-28T00:00:00Z'],
    ['61', '1900-03-01T00:00:00Z'], // Lotus bug: 61 is the day after 28 Feb
    ['45000', '2023-03-15T00:00:00Z'],
    ['45750', '2025-04-03T00:00:00Z'],
    ['045750', '2025-04-03T00:00:00Z'],
    ['45750.5', '2025-04-03T12:00:00Z'],
    ['45750.424444444444', '2025-04-03T10:11:12Z'], // 10:11:12 as Excel stores it
    ['45750.0', '2025-04-03T00:00:00Z'],
    ['2958465', '9999-12-31T00:00:00Z'],
    ['2025', '1905-07-17T00:00:00Z'], // a bare year is a serial too: callers must not pass years
  ])('%j → %s', (raw, iso) => {
    expect(parseDate(raw)).toEqual(ok(iso));
  });

  it.each([['60'], ['60.5'], ['2958466'], ['9999999']])('%j → invalid (phantom 1900-02-29, past 9999)', (raw) => {
    expect(parseDate(raw)).toEqual({ status: 'invalid' });
  });

  it.each([
    ['1', '1904-01-02T00:00:00Z'],
    ['44288', '2025-04-03T00:00:00Z'],
    ['60', '1904-03-01T00:00:00Z'], // no phantom day in the 1904 system
    ['2957003', '9999-12-31T00:00:00Z'],
  ])('1904 system: %j → %s', (raw, iso) => {
    expect(parseDate(raw, { excel1904: true })).toEqual(ok(iso));
  });

  it('1904 system: past 9999-12-31 is invalid', () => {
    expect(parseDate('2957004', { excel1904: true })).toEqual({ status: 'invalid' });
  });

  it('the two systems are 1462 days apart', () => {
    const a = parseDate('45750');
    const b = parseDate('45750', { excel1904: true });
    expect(a.status === 'ok' && b.status === 'ok' ? daysBetween(a.ms, b.ms) : NaN).toBe(1462);
  });
});

describe('parseDate: 8-digit yyyymmdd', () => {
  it.each([
    ['20250403', '2025-04-03T00:00:00Z'],
    ['19991231', '1999-12-31T00:00:00Z'],
  ])('%j → %s', (raw, iso) => {
    expect(parseDate(raw)).toEqual(ok(iso));
  });

  it.each([['20250230'], ['20251301'], ['12345678']])('%j → invalid', (raw) => {
    expect(parseDate(raw)).toEqual({ status: 'invalid' });
  });
});

describe('parseDate: AD FILETIME', () => {
  it.each([
    ['116444736000000000', '1970-01-01T00:00:00Z'],
    ['133000000000000000', '2022-06-18T04:26:40Z'],
    // Float division would make this 04:26:40.001: 1.33000000000009999e17 is not representable.
    ['133000000000009999', '2022-06-18T04:26:40Z'],
    ['133881120000000000', '2025-04-03T00:00:00Z'],
    ['133881120001234567', '2025-04-03T00:00:00.123Z'],
    ['100000000000000', '1601-04-26T17:46:40Z'], // 15 digits: the shortest read as FILETIME
  ])('%j → %s', (raw, iso) => {
    expect(parseDate(raw)).toEqual(ok(iso));
  });

  it.each([['0'], ['000000000000000000'], ['9223372036854775807']])('%j → never', (raw) => {
    expect(parseDate(raw)).toEqual({ status: 'never' });
  });

  it.each([['9223372036854775808'], ['9999999999999999999'], ['1234567890'], ['1743638400000']])(
    '%j → invalid (beyond FILETIME, or epoch seconds/ms nobody here writes)',
    (raw) => {
      expect(parseDate(raw)).toEqual({ status: 'invalid' });
    },
  );
});

describe('parseDate: words and blanks', () => {
  it.each([['Never'], ['never'], ['NEVER'], ['Never logged in']])('%j → never', (raw) => {
    expect(parseDate(raw)).toEqual({ status: 'never' });
  });

  it.each([[undefined], [''], ['   '], ['N/A'], ['n/a'], ['NULL'], ['-']])('%j → empty', (raw) => {
    expect(parseDate(raw)).toEqual({ status: 'empty' });
  });

  it.each([['yesterday'], ['2025-'], ['-5'], ['03/04'], ['1e5'], ['45,000']])('%j → invalid', (raw) => {
    expect(parseDate(raw)).toEqual({ status: 'invalid' });
  });
});

describe('toIsoDate and daysBetween', () => {
  it.each([
    [0, '1970-01-01'],
    [-1, '1969-12-31'],
    [utc('2025-04-03T23:59:59.999Z'), '2025-04-03'],
    [utc('2024-02-29T12:00:00Z'), '2024-02-29'],
    [utc('0001-01-01T00:00:00Z'), '0001-01-01'],
    [utc('9999-12-31T23:59:59.999Z'), '9999-12-31'],
  ])('toIsoDate(%d) = %s', (ms, iso) => {
    expect(toIsoDate(ms)).toBe(iso);
  });

  it.each([[NaN], [Infinity], [utc('9999-12-31T00:00:00Z') + 86_400_000]])('toIsoDate(%d) throws', (ms) => {
    expect(() => toIsoDate(ms)).toThrow(RangeError);
  });

  it.each([
    ['2025-04-01T00:00:00Z', '2025-04-03T00:00:00Z', 2],
    ['2025-04-01T00:00:00Z', '2025-04-03T23:59:59Z', 2],
    ['2025-04-01T12:00:00Z', '2025-04-02T11:59:59Z', 0],
    ['2025-04-03T00:00:00Z', '2025-04-01T00:00:00Z', -2],
    ['2025-04-03T00:00:00Z', '2025-04-02T23:00:00Z', -1], // floored, not truncated
    ['2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z', 366],
  ])('daysBetween(%s, %s) = %i', (from, to, days) => {
    expect(daysBetween(utc(from), utc(to))).toBe(days);
  });
});

describe('properties', () => {
  const anyInstant = fc.integer({ min: utc('0001-01-01T00:00:00Z'), max: utc('9999-12-31T23:59:59.999Z') });
  const dayStart = (ms: number): number => Math.floor(ms / 86_400_000) * 86_400_000;

  it('parseDate(toIsoDate(x)) is x’s UTC midnight', () => {
    fc.assert(
      fc.property(anyInstant, (ms) => {
        expect(parseDate(toIsoDate(ms))).toEqual({ status: 'ok', ms: dayStart(ms) });
      }),
      { numRuns: 2000 },
    );
  });

  it('toIsoDate agrees with Date for every year 1–9999', () => {
    fc.assert(
      fc.property(anyInstant, (ms) => {
        expect(toIsoDate(ms)).toBe(new Date(ms).toISOString().slice(0, 10));
      }),
      { numRuns: 2000 },
    );
  });

  it('dd/mm/yyyy, dd-Mon-yyyy, ISO and Excel serial of one day agree', () => {
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const day = fc.integer({ min: utc('1900-03-01T00:00:00Z'), max: utc('9999-12-31T00:00:00Z') }).map(dayStart);
    fc.assert(
      fc.property(day, (ms) => {
        const iso = toIsoDate(ms);
        const [y, m, d] = iso.split('-') as [string, string, string];
        const serial = String(daysBetween(utc('1899-12-30T00:00:00Z'), ms));
        const want = { status: 'ok', ms };
        expect(parseDate(`${d}/${m}/${y}`)).toEqual(want);
        expect(parseDate(`${d}-${months[Number(m) - 1]}-${y}`)).toEqual(want);
        expect(parseDate(`${iso}T00:00:00Z`)).toEqual(want);
        expect(parseDate(serial)).toEqual(want);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads DD/MM/YYYY, YYYY-MM-DD and YYYY-MM-DDTHH:MM:SSZ as the same value written the general way, valid or not', () => {
    // Every field from 00 to 99 (years 0000 to 9999), so that out-of-range days, months and
    // hours are met too; the other separators take parseDate's general path (its patterns).
    const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    const four = fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0'));
    fc.assert(
      fc.property(four, two, two, two, two, two, (y, m, d, hh, mi, ss) => {
        expect(parseDate(`${d}/${m}/${y}`)).toEqual(parseDate(`${d}.${m}.${y}`));
        expect(parseDate(`${y}-${m}-${d}`)).toEqual(parseDate(`${y}/${m}/${d}`));
        expect(parseDate(`${y}-${m}-${d}T${hh}:${mi}:${ss}Z`)).toEqual(parseDate(`${y}-${m}-${d} ${hh}:${mi}:${ss}Z`));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads the common forms exactly', () => {
    expect(parseDate('20/03/2007')).toEqual(ok('2007-03-20T00:00:00Z'));
    expect(parseDate('2026-10-23')).toEqual(ok('2026-10-23T00:00:00Z'));
    expect(parseDate('2026-10-23T18:07:06Z')).toEqual(ok('2026-10-23T18:07:06Z'));
    expect(parseDate('31/02/2020').status).toBe('invalid');
    expect(parseDate('2026-10-23T24:00:00Z').status).toBe('invalid');
    expect(parseDate('0000-01-01').status).toBe('invalid');
  });

  it('FILETIME matches exact BigInt arithmetic', () => {
    const ft = fc.bigInt({ min: 100_000_000_000_000n, max: 2_650_467_743_999_999_999n }); // 1601-04-26 .. 9999-12-31
    fc.assert(
      fc.property(ft, (t) => {
        expect(parseDate(t.toString())).toEqual({ status: 'ok', ms: Number(t / 10_000n - 11_644_473_600_000n) });
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws, whatever the cell', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(['ok', 'never', 'empty', 'invalid']).toContain(parseDate(s).status);
      }),
    );
  });
});

/**
 * Dates and timestamps from every export, to epoch milliseconds UTC (formats.md "Phone numbers,
 * names, dates" and the AD FILETIME notes).
 *
 * Rules that callers rely on:
 * - Day first, always: 03/04/2025 is 3 April; 12/31/2025 is invalid, never read as US m/d.
 *   A 12-hour clock (`AM`/`PM`) marks a US-culture export, so it is rejected rather than guessed.
 * - A value with no zone (calendar dates, `2025-04-03 10:11:12`, Excel serials) is taken as UTC.
 * - Integers by length: 1–7 digits Excel serial, 8 digits yyyymmdd, 15–19 digits AD FILETIME;
 *   `0` (FILETIME 0) means never. 9–14 digits are rejected: no export here writes epoch seconds.
 * - Calendar arithmetic is done on integers (days from 1970-01-01), never through `Date`,
 *   so years 1–9999 behave the same and nothing depends on the host time zone.
 */

export type DateParse =
  | { status: 'ok'; ms: number } // epoch ms UTC; calendar dates at UTC midnight
  | { status: 'never' } // AD FILETIME 0 / 9223372036854775807, or text "Never"
  | { status: 'empty' }
  | { status: 'invalid' };

export interface DateOptions {
  /**
   * The workbook uses Excel's 1904 date system (old Mac workbooks): serial 1 = 1904-01-02.
   * A bare `0` still reads as never (FILETIME 0), not as 1904-01-01.
   */
  excel1904?: boolean;
}

const MS_PER_DAY = 86_400_000;
const MS_PER_MINUTE = 60_000;

// Shared and frozen: these carry no data, so one object each saves an allocation per cell.
const EMPTY: DateParse = Object.freeze({ status: 'empty' });
const NEVER: DateParse = Object.freeze({ status: 'never' });
const INVALID: DateParse = Object.freeze({ status: 'invalid' });
const ok = (ms: number): DateParse => ({ status: 'ok', ms });

// --- calendar arithmetic (proleptic Gregorian, Howard Hinnant's days_from_civil) ---------------

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 for a valid y-m-d (month 1–12). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400; // 0..399
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1; // 0..365
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // 0..146096
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** Epoch ms of a calendar date and time, or undefined when any field is out of range. */
function civilMs(y: number, m: number, d: number, hh = 0, mi = 0, ss = 0, msec = 0): number | undefined {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  if (hh > 23 || mi > 59 || ss > 59) return undefined;
  return daysFromCivil(y, m, d) * MS_PER_DAY + ((hh * 60 + mi) * 60 + ss) * 1000 + msec;
}

// --- formats -------------------------------------------------------------------------------------

/** 1900 system: day 0 is 1899-12-30 once past Lotus's phantom 1900-02-29 (serial 60). */
const EXCEL_1900_EPOCH_MS = daysFromCivil(1899, 12, 30) * MS_PER_DAY;
const EXCEL_1904_EPOCH_MS = daysFromCivil(1904, 1, 1) * MS_PER_DAY;
/** Largest serials Excel accepts: 9999-12-31 in each system. */
const EXCEL_1900_MAX = 2_958_465;
const EXCEL_1904_MAX = 2_957_003;

/** Windows FILETIME: 100-ns ticks since 1601-01-01 UTC. */
const FILETIME_NEVER = 9_223_372_036_854_775_807n;
const FILETIME_TICKS_PER_MS = 10_000n;
const FILETIME_EPOCH_OFFSET_MS = 11_644_473_600_000n;
/** 9999-12-31T23:59:59.999Z: beyond it toIsoDate has no 4-digit year to write. */
const MAX_MS = civilMs(9999, 12, 31, 23, 59, 59, 999)!;

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5,
  jun: 6, june: 6, jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9,
  oct: 10, october: 10, nov: 11, november: 11, dec: 12, december: 12,
};

const EMPTY_WORDS = new Set(['n/a', 'na', 'null', 'none', '-', '--']);
const NEVER_WORDS = new Set(['never', 'never logged in', 'never logged on']);

const ISO = /^(\d{4})([-/])(\d{1,2})\2(\d{1,2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const UK = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?$/;
const NAMED = /^(\d{1,2})[-\s/]+([a-z]{3,9})\.?[-\s/,]+(\d{2}|\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?$/i;
const DECIMAL = /^\d+\.\d+$/;

const num = (s: string | undefined): number => (s === undefined ? 0 : Number(s));
/** Fractional seconds to whole ms, truncated (Entra writes 7 digits). */
const fracMs = (s: string | undefined): number => (s === undefined ? 0 : Number(s.slice(0, 3).padEnd(3, '0')));
/** Two-digit years pivot at 69: 00–69 → 2000s, 70–99 → 1900s (as Excel does). */
const fullYear = (s: string): number => (s.length === 2 ? (Number(s) <= 69 ? 2000 : 1900) + Number(s) : Number(s));

function fromCivil(y: number, m: number, d: number, hh?: string, mi?: string, ss?: string, frac?: string): DateParse {
  const ms = civilMs(y, m, d, num(hh), num(mi), num(ss), fracMs(frac));
  return ms === undefined ? INVALID : ok(ms);
}

function parseIso(g: RegExpExecArray): DateParse {
  const base = civilMs(num(g[1]), num(g[3]), num(g[4]), num(g[5]), num(g[6]), num(g[7]), fracMs(g[8]));
  if (base === undefined) return INVALID;
  const zone = g[9];
  if (zone === undefined || zone === 'Z' || zone === 'z') return ok(base);
  const digits = zone.replace(':', '');
  const sign = digits[0] === '-' ? -1 : 1;
  const oh = Number(digits.slice(1, 3));
  const om = digits.length > 3 ? Number(digits.slice(3, 5)) : 0;
  if (oh > 23 || om > 59) return INVALID;
  // A local time at +01:00 is one hour earlier in UTC.
  return ok(base - sign * (oh * 60 + om) * MS_PER_MINUTE);
}

/** Excel serial (days, fraction = time of day) to epoch ms; 1900 system keeps Lotus's leap bug. */
function fromExcelSerial(serial: number, excel1904: boolean): DateParse {
  const day = Math.floor(serial);
  // Whole ms of the time of day, rounded: Excel stores 10:11:12 as 0.42444…, not exactly.
  const timeMs = Math.round((serial - day) * MS_PER_DAY);
  if (excel1904) {
    if (day < 0 || day > EXCEL_1904_MAX) return INVALID;
    return ok(EXCEL_1904_EPOCH_MS + day * MS_PER_DAY + timeMs);
  }
  if (day < 1 || day > EXCEL_1900_MAX || day === 60) return INVALID; // 60 = the phantom 1900-02-29
  // Serials 1..59 are one day later than the 1899-12-30 epoch suggests, because Excel counts
  // a 29 February 1900 that never existed.
  const shifted = day < 60 ? day + 1 : day;
  return ok(EXCEL_1900_EPOCH_MS + shifted * MS_PER_DAY + timeMs);
}

function fromFiletime(digits: string): DateParse {
  const ft = BigInt(digits);
  if (ft === 0n || ft === FILETIME_NEVER) return NEVER;
  if (ft > FILETIME_NEVER) return INVALID;
  // BigInt: an 18-digit FILETIME exceeds 2^53, so float division would be off by a few ms.
  const ms = Number(ft / FILETIME_TICKS_PER_MS - FILETIME_EPOCH_OFFSET_MS);
  return ms > MAX_MS ? INVALID : ok(ms);
}

function parseInteger(s: string, opts: DateOptions | undefined): DateParse {
  const len = s.length;
  if (len >= 15 && len <= 19) return fromFiletime(s);
  if (/^0+$/.test(s)) return NEVER; // lastLogonTimestamp 0, however padded
  if (len === 8) return fromCivil(Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6, 8)));
  if (len <= 7) return fromExcelSerial(Number(s), opts?.excel1904 === true);
  return INVALID;
}

/** The number written by s[from..to) if every one of them is a digit, else -1. */
function digitsAt(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

const SLASH = 0x2f;
const DASH = 0x2d;
const COLON = 0x3a;

/**
 * The three forms that fill the national exports' date columns, read without a regular
 * expression: 'DD/MM/YYYY' (ESR's assignment dates), 'YYYY-MM-DD', and 'YYYY-MM-DDTHH:MM:SSZ'
 * (NHSmail's Last Logon). Undefined for anything else, which the general path reads. Each
 * gives what the general path gives (the UK pattern for the first, ISO for the others; a
 * property test checks): an invalid day or hour is still invalid. On the 1.5M-person files the
 * general path took about 260 ns an ESR date and 630 ns a Last Logon (1.8M and 1.4M of them),
 * in the load workers that the whole run waits for.
 */
function parseCommonForm(s: string): DateParse | undefined {
  const n = s.length;
  if (n === 10) {
    if (s.charCodeAt(2) === SLASH && s.charCodeAt(5) === SLASH) {
      const d = digitsAt(s, 0, 2);
      const m = digitsAt(s, 3, 5);
      const y = digitsAt(s, 6, 10);
      return d < 0 || m < 0 || y < 0 ? undefined : fromCivil(y, m, d);
    }
    if (s.charCodeAt(4) === DASH && s.charCodeAt(7) === DASH) {
      const y = digitsAt(s, 0, 4);
      const m = digitsAt(s, 5, 7);
      const d = digitsAt(s, 8, 10);
      return d < 0 || m < 0 || y < 0 ? undefined : fromCivil(y, m, d);
    }
    return undefined;
  }
  if (n !== 20 || s.charCodeAt(4) !== DASH || s.charCodeAt(7) !== DASH || s[10] !== 'T' || s.charCodeAt(13) !== COLON || s.charCodeAt(16) !== COLON || s[19] !== 'Z') return undefined;
  const y = digitsAt(s, 0, 4);
  const m = digitsAt(s, 5, 7);
  const d = digitsAt(s, 8, 10);
  const hh = digitsAt(s, 11, 13);
  const mi = digitsAt(s, 14, 16);
  const ss = digitsAt(s, 17, 19);
  if (y < 0 || m < 0 || d < 0 || hh < 0 || mi < 0 || ss < 0) return undefined;
  const ms = civilMs(y, m, d, hh, mi, ss);
  return ms === undefined ? INVALID : ok(ms);
}

export function parseDate(raw: string | undefined, opts?: DateOptions): DateParse {
  if (raw === undefined) return EMPTY;
  const s = raw.trim();
  if (s === '') return EMPTY;
  const c0 = s.charCodeAt(0);
  if (c0 < 48 || c0 > 57) {
    const w = s.toLowerCase().replace(/\s+/g, ' ');
    if (NEVER_WORDS.has(w)) return NEVER;
    if (EMPTY_WORDS.has(w)) return EMPTY;
    return INVALID;
  }
  const common = parseCommonForm(s);
  if (common !== undefined) return common;
  // Cheapest discriminator first: plain integers are the bulk of Excel- and AD-sourced columns.
  let allDigits = true;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) {
      allDigits = false;
      break;
    }
  }
  if (allDigits) return parseInteger(s, opts);
  let g = UK.exec(s);
  if (g) return fromCivil(fullYear(g[4]!), num(g[3]), num(g[1]), g[5], g[6], g[7], g[8]);
  g = ISO.exec(s);
  if (g) return parseIso(g);
  g = NAMED.exec(s);
  if (g) {
    const month = MONTHS[g[2]!.toLowerCase()];
    return month === undefined ? INVALID : fromCivil(fullYear(g[3]!), month, num(g[1]), g[4], g[5], g[6], g[7]);
  }
  if (DECIMAL.test(s)) return fromExcelSerial(Number(s), opts?.excel1904 === true);
  return INVALID;
}

/** 'YYYY-MM-DD' of the UTC day containing ms. Throws RangeError outside years 1–9999. */
export function toIsoDate(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`toIsoDate: not a finite time value (${ms})`);
  const [y, m, d] = civilFromDays(Math.floor(ms / MS_PER_DAY));
  if (y < 1 || y > 9999) throw new RangeError(`toIsoDate: year ${y} has no 4-digit form`);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** Whole UTC days from one instant to another, floored (negative when to is earlier). */
export function daysBetween(fromMs: number, toMs: number): number {
  return Math.floor((toMs - fromMs) / MS_PER_DAY);
}

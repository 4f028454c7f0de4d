/**
 * Phone numbers to E.164, UK by default (formats.md "Phone numbers, names, dates").
 *
 * libphonenumber-js with its 'max' metadata decides: 'min' only checks lengths, so it would call
 * Ofcom's drama range (07700 900xxx) valid. Parsing with the library costs ~40 µs a call,
 * and this runs on every mobile cell of every export, so the common shape (a UK mobile written
 * any of the usual ways) takes a fast path that reads the digits itself and tests them against
 * the same metadata patterns the library uses. The fast path only answers when it can give
 * exactly the library's answer (valid GB mobile); anything else goes to the library.
 * test/core/normalise-phone.test.ts proves the two agree on generated input.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import maxMetadata from 'libphonenumber-js/max/metadata';

export interface PhoneInfo {
  /** E.164, e.g. '+447911123456'. */
  e164: string;
  /** libphonenumber type MOBILE or FIXED_LINE_OR_MOBILE. */
  mobile: boolean;
  /** Digits fall in an allocated range (max metadata). A flag, never a reason to drop the number. */
  valid: boolean;
}

/**
 * Strips what spreadsheets and directories wrap around a number before either path sees it:
 * a `tel:` prefix, Excel's text markers (`'07911…`, `="07911…"`), a float tail (`7911123456.0`)
 * and exact scientific notation (`4.47911123456E+11`). Returns undefined when Excel has already
 * thrown digits away (`4.47911E+11`): no number can be recovered from that.
 */
function unwrap(raw: string): string | undefined {
  let s = raw.trim();
  if (s.length >= 4 && (s.charCodeAt(0) | 0x20) === 0x74 /* t */ && s.slice(0, 4).toLowerCase() === 'tel:') s = s.slice(4).trim();
  if (s.charCodeAt(0) === 0x27 /* ' */) s = s.slice(1);
  // The regexes below run only when their trigger character is present: most cells have none.
  if (s.charCodeAt(0) === 0x3d /* = */) {
    const formula = /^="(.*)"$/.exec(s);
    if (formula) s = formula[1]!.trim();
  }
  if (s.includes('.') && /^\d+\.0+$/.test(s)) return s.slice(0, s.indexOf('.'));
  if (s.includes('E') || s.includes('e')) {
    const sci = /^(\d)(?:\.(\d+))?e\+?(\d{1,2})$/i.exec(s);
    if (sci) {
      const mantissa = sci[1]! + (sci[2] ?? '');
      const digits = Number(sci[3]) + 1;
      // A mantissa shorter than the number means Excel rounded it for display: digits are lost.
      if (mantissa.length !== digits) return undefined;
      return mantissa;
    }
  }
  return s;
}

/** The library's answer; also the reference the fast path is tested against. */
export function normalisePhoneWithLibrary(raw: string | undefined): PhoneInfo | undefined {
  if (raw === undefined) return undefined;
  const s = unwrap(raw);
  if (s === undefined || s === '') return undefined;
  return parse(s);
}

/**
 * Library answers for recent inputs, keyed by the unwrapped cell. The library costs ~40 µs a call
 * and the cells that reach it repeat (a switchboard number typed into every row's mobile field).
 * Bounded: cleared when full, so memory stays flat on any input.
 */
const CACHE_LIMIT = 10_000;
const cache = new Map<string, PhoneInfo | undefined>();

function viaLibrary(s: string): PhoneInfo | undefined {
  if (cache.has(s)) {
    const hit = cache.get(s);
    return hit === undefined ? undefined : { ...hit }; // a copy: callers own what they get
  }
  const info = parse(s);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(s, info);
  return info === undefined ? undefined : { ...info };
}

function parse(s: string): PhoneInfo | undefined {
  const n = parsePhoneNumberFromString(s, 'GB');
  // An impossible length (too short, too long) is not a phone number at all, only digits:
  // returning it would let two typos "agree" on a mobile.
  if (n === undefined || !n.isPossible()) return undefined;
  const type = n.getType();
  // A number with a type is valid by the library's own definition (isValid runs the same type
  // detection), so isValid (~7 µs) is only asked when there is no type.
  return { e164: n.number, mobile: type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE', valid: type !== undefined || n.isValid() };
}

// --- fast path --------------------------------------------------------------------------------

/**
 * GB patterns from the same metadata file the library reads (minified v4 layout: [2] is the
 * national number pattern, [11] the per-type list with MOBILE at index 1). If the layout ever
 * changes these come out undefined and the fast path switches itself off.
 */
function gbPatterns(): { general: RegExp; mobile: RegExp } | undefined {
  const gb = (maxMetadata as unknown as { countries?: Record<string, unknown[]> }).countries?.['GB'];
  const general = gb?.[2];
  const types = gb?.[11];
  const mobileType = Array.isArray(types) ? (types[1] as unknown) : undefined;
  const mobile = Array.isArray(mobileType) ? (mobileType[0] as unknown) : undefined;
  const lengths = Array.isArray(mobileType) ? (mobileType[1] as unknown) : undefined;
  if (typeof general !== 'string' || typeof mobile !== 'string' || mobile === '') return undefined;
  // The fast path only ever hands over 10-digit national numbers; if mobiles could be other lengths,
  // the library's length check would matter, so step aside.
  if (Array.isArray(lengths) && !lengths.includes(10)) return undefined;
  return { general: new RegExp(`^(?:${general})$`), mobile: new RegExp(`^(?:${mobile})$`) };
}

const GB = gbPatterns();

/** Longest accepted shape: 00 44 0 + 10 national digits = 15 digits. */
const MAX_FAST_DIGITS = 15;

/**
 * Reads the national significant number of a UK mobile-shaped string, or undefined when the
 * string is any other shape (the library then decides). Accepted: digits separated by spaces,
 * hyphens, dots and parentheses, optionally one leading '+', in the shapes
 * 07xxxxxxxxx, 7xxxxxxxxx (Excel dropped the 0), 447…, 4407…, 00447…, 004407…, +447…, +4407….
 */
function ukMobileNsn(s: string): string | undefined {
  let digits = '';
  let plus = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits.length === MAX_FAST_DIGITS) return undefined;
      digits += s[i];
    } else if (c === 43 /* + */) {
      if (plus || digits.length > 0) return undefined;
      plus = true;
    } else if (c !== 32 && c !== 45 && c !== 46 && c !== 40 && c !== 41) {
      return undefined;
    }
  }
  let i: number;
  if (plus) {
    if (!digits.startsWith('44')) return undefined;
    i = 2;
  } else if (digits.startsWith('0044')) i = 4;
  else if (digits.startsWith('44')) i = 2;
  else i = 0;
  if (digits.charCodeAt(i) === 48 /* 0 */) i++; // trunk prefix, including "+44 (0) 7…"
  const nsn = i === 0 ? digits : digits.slice(i);
  // After +44 / 0044 / 44 / 0 exactly ten digits starting 7 must remain.
  if (nsn.length !== 10 || nsn.charCodeAt(0) !== 55 /* 7 */) return undefined;
  return nsn;
}

export function normalisePhone(raw: string | undefined): PhoneInfo | undefined {
  if (raw === undefined) return undefined;
  const s = unwrap(raw);
  if (s === undefined || s === '') return undefined;
  if (GB !== undefined) {
    const nsn = ukMobileNsn(s);
    // The library checks GB first among +44's regions (GB, GG, IM, JE) and returns MOBILE for a
    // national number matching GB's general and mobile patterns; mirror exactly that, nothing more.
    if (nsn !== undefined && GB.general.test(nsn) && GB.mobile.test(nsn)) {
      return { e164: '+44' + nsn, mobile: true, valid: true };
    }
  }
  return viaLibrary(s);
}

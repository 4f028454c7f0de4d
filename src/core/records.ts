/**
 * Typed, normalised records for the reconcile job, built from loaded rows (canonical field →
 * raw cell). Pure: a row either becomes a record or a reject with a reason that names the
 * column, never the value (rejected-rows.csv is shared more widely than the data itself).
 */
import { normaliseEmail, splitEmailList, type EmailInfo } from './normalise-email.js';
import { normalisePhone, type PhoneInfo } from './normalise-phone.js';
import { normaliseEmployeeNumber } from './normalise-employee-number.js';
import { compactNameKey, splitDisplayName, tidyName } from './normalise-name.js';
import { normaliseJobTitle } from './normalise-job-title.js';
import { parseDate } from './normalise-date.js';

export interface SourceRow {
  line: number;
  fields: Readonly<Record<string, string | undefined>>;
}

export interface Reject {
  source: string;
  file: string;
  line: number;
  reason: string;
}

export type Built<T> = { ok: true; record: T } | { ok: false; reason: string };

/** Names as shown in reports, plus the keys they are compared by. */
export interface NameParts {
  firstName?: string;
  lastName?: string;
  firstKey?: string;
  lastKey?: string;
}

export interface EsrAssignment extends NameParts {
  line: number;
  employeeNumber: string;
  assignmentNumber?: string;
  title?: string;
  knownAs?: string;
  knownAsKey?: string;
  emailRaw?: string;
  email?: EmailInfo;
  mobileRaw?: string;
  mobile?: PhoneInfo;
  position?: string;
  positionKey?: string;
  organisation?: string;
  assignmentStatus?: string;
  /** Epoch ms, UTC midnight. */
  start?: number;
  end?: number;
  personType?: string;
}

export type NhsmailStatus =
  | 'Active'
  | 'Inactive'
  | 'Active (Leaver)'
  | 'Locked'
  | 'Deleted'
  | 'Deleted Permanent'
  | 'Disabled'
  | 'Disabled Leaver'
  | 'Pending'
  | 'Other'
  | 'Unknown';

/**
 * An NHSmail account as reconcile uses it. Columns read only to build it (the display name,
 * split when first or last name is missing; the raw status) or that no report shows (department,
 * local ID) are not kept: at national size they were about 150 MB of the records.
 */
export interface NhsmailAccount extends NameParts {
  line: number;
  email: EmailInfo;
  nhsmailId?: string;
  aliases: readonly EmailInfo[];
  mobileRaw?: string;
  mobile?: PhoneInfo;
  position?: string;
  positionKey?: string;
  organisation?: string;
  status: NhsmailStatus;
  lastLogon?: number;
  employeeNumber?: string;
}

/** A local AD account as reconcile uses it (as NhsmailAccount, the display name and department are not kept). */
export interface AdAccount extends NameParts {
  line: number;
  samAccountName: string;
  upn?: string;
  enabled?: boolean;
  emailRaw?: string;
  email?: EmailInfo;
  employeeNumber?: string;
  mobileRaw?: string;
  mobile?: PhoneInfo;
  position?: string;
  positionKey?: string;
  nhsmailId?: string;
  /** Epoch ms; undefined when empty or when lastLogonTimestamp was 0 / max (never logged on). */
  lastLogon?: number;
}

/** A cell trimmed, or undefined when empty or absent: what a SourceRow's fields hold. */
export function nonBlank(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

const get = (row: SourceRow, field: string): string | undefined => nonBlank(row.fields[field]);

/** Parses an optional date field; 'invalid' makes the row a reject naming the column. */
function dateField(row: SourceRow, field: string, label: string): { ms?: number; never?: boolean; error?: string } {
  const raw = get(row, field);
  if (raw === undefined) return {};
  const d = parseDate(raw);
  if (d.status === 'ok') return { ms: d.ms };
  if (d.status === 'never') return { never: true };
  if (d.status === 'empty') return {};
  return { error: `${label} is not a date (expected dd/mm/yyyy, ISO 8601, an Excel serial or a FILETIME)` };
}

/**
 * Longest name idrecon compares, in characters (ESR allows 150 per name part, NHSmail and AD 64).
 * Longer cells are not names but broken exports (cells run together, a stray quote); comparing
 * them would also cost time quadratic in their length (Jaro-Winkler in Review), so such a row is
 * rejected instead.
 */
export const MAX_NAME_CHARS = 256;

/**
 * The reject reason when any of three cells is too long to be a name, else undefined. Labels and
 * values as arguments, not a list of pairs: this runs for every row of every export.
 */
function tooLongName(labels: readonly [string, string, string], a: string | undefined, b: string | undefined, c: string | undefined): string | undefined {
  const label = a !== undefined && a.length > MAX_NAME_CHARS ? labels[0] : b !== undefined && b.length > MAX_NAME_CHARS ? labels[1] : c !== undefined && c.length > MAX_NAME_CHARS ? labels[2] : undefined;
  return label === undefined ? undefined : `${label} is longer than ${MAX_NAME_CHARS} characters, too long to be a name (often cells run together in a broken export)`;
}

const ESR_NAME_CELLS = ['First Name', 'Last Name', 'Known As'] as const;
const NHSMAIL_NAME_CELLS = ['First Name', 'Last Name', 'Display Name'] as const;
const AD_NAME_CELLS = ['GivenName', 'Surname', 'Name'] as const;

/**
 * Remembers a pure string normaliser's results. Names and job titles repeat across hundreds of
 * thousands of rows, and their normalisers (Unicode folding, regexes) were a tenth of loading;
 * equal inputs also get one shared output string. Bounded: the map starts again at `limit`.
 * One map lookup per call (a miss is `undefined`, so a result of `undefined` is held as
 * NONE): at national size these maps are looked up about 40 million times.
 */
function memo<T>(f: (raw: string) => T, limit = 200_000): (raw: string) => T {
  const cache = new Map<string, T | typeof NONE>();
  return (raw) => {
    const hit = cache.get(raw);
    if (hit !== undefined) return hit === NONE ? (undefined as T) : hit;
    if (cache.size >= limit) cache.clear();
    const v = f(raw);
    cache.set(raw, v === undefined ? NONE : v);
    return v;
  };
}

const NONE = Symbol('none');

/** A tidied name and its comparison key, worked out together (one lookup for both). */
interface TidyName {
  name: string | undefined;
  key: string | undefined;
}

const NO_NAME: TidyName = Object.freeze({ name: undefined, key: undefined });
const tidyNameAndKey = memo((raw: string): TidyName => {
  const name = tidyName(raw);
  return name === undefined ? NO_NAME : { name, key: compactNameKey(name) };
});
const nameOf = (raw: string | undefined): TidyName => (raw === undefined ? NO_NAME : tidyNameAndKey(raw));
const jobTitleMemo = memo(normaliseJobTitle);
const jobTitleOf = (raw: string | undefined): string | undefined => (raw === undefined ? undefined : jobTitleMemo(raw));

export function buildEsrAssignment(row: SourceRow, nhsDomains: readonly string[]): Built<EsrAssignment> {
  const rawEmp = get(row, 'employeeNumber');
  if (rawEmp === undefined) return { ok: false, reason: 'Employee Number is empty' };
  const employeeNumber = normaliseEmployeeNumber(rawEmp);
  if (employeeNumber === undefined) return { ok: false, reason: 'Employee Number is not a valid ESR employee number (up to 8 digits)' };
  const start = dateField(row, 'assignmentStart', 'Assignment Start Date');
  if (start.error) return { ok: false, reason: start.error };
  const end = dateField(row, 'assignmentEnd', 'Assignment End Date');
  if (end.error) return { ok: false, reason: end.error };
  const firstRaw = get(row, 'firstName');
  const lastRaw = get(row, 'lastName');
  const knownAsRaw = get(row, 'knownAs');
  const long = tooLongName(ESR_NAME_CELLS, firstRaw, lastRaw, knownAsRaw);
  if (long) return { ok: false, reason: long };
  const emailRaw = get(row, 'email');
  const mobileRaw = get(row, 'mobile');
  const first = nameOf(firstRaw);
  const last = nameOf(lastRaw);
  const knownAs = nameOf(knownAsRaw);
  const position = get(row, 'position');
  return {
    ok: true,
    record: {
      line: row.line,
      employeeNumber,
      assignmentNumber: get(row, 'assignmentNumber'),
      title: get(row, 'title'),
      firstName: first.name,
      lastName: last.name,
      firstKey: first.key,
      lastKey: last.key,
      knownAs: knownAs.name,
      knownAsKey: knownAs.key,
      emailRaw,
      email: normaliseEmail(emailRaw, nhsDomains),
      mobileRaw,
      mobile: normalisePhone(mobileRaw),
      position,
      positionKey: jobTitleOf(position),
      organisation: get(row, 'organisation'),
      assignmentStatus: get(row, 'assignmentStatus'),
      start: start.ms,
      end: end.ms,
      personType: get(row, 'personType'),
    },
  };
}

/** Maps the Portal's many status spellings (formats.md) onto one vocabulary. */
export function normaliseNhsmailStatus(raw: string | undefined): NhsmailStatus {
  if (raw === undefined) return 'Unknown';
  const k = raw.toLowerCase().replace(/[^a-z]/g, '');
  switch (k) {
    case 'active':
      return 'Active';
    case 'inactive':
      return 'Inactive';
    case 'activeleaver':
    case 'leaver':
      return 'Active (Leaver)';
    case 'locked':
      return 'Locked';
    case 'deleted':
    case 'deleting':
      return 'Deleted';
    case 'deletedpermanent':
    case 'permdeleted':
    case 'permanentlydeleted':
      return 'Deleted Permanent';
    case 'disabled':
    case 'disabling':
      return 'Disabled';
    case 'disabledleaver':
      return 'Disabled Leaver';
    case 'pending':
    case 'migrationpending':
    case 'enabling':
    case 'restoring':
      return 'Pending';
    default:
      return 'Other';
  }
}

export function buildNhsmailAccount(row: SourceRow, nhsDomains: readonly string[]): Built<NhsmailAccount> {
  const rawEmail = get(row, 'email');
  if (rawEmail === undefined) return { ok: false, reason: 'Email Address is empty' };
  const email = normaliseEmail(rawEmail, nhsDomains);
  if (email === undefined || !email.valid) return { ok: false, reason: 'Email Address is not a valid email address' };
  const lastLogon = dateField(row, 'lastLogon', 'Last Logon');
  if (lastLogon.error) return { ok: false, reason: lastLogon.error };
  let first = get(row, 'firstName');
  let last = get(row, 'lastName');
  const displayName = get(row, 'displayName');
  const long = tooLongName(NHSMAIL_NAME_CELLS, first, last, displayName);
  if (long) return { ok: false, reason: long };
  if ((first === undefined || last === undefined) && displayName !== undefined) {
    const split = splitDisplayName(displayName);
    first ??= split.first;
    last ??= split.last;
  }
  const mobileRaw = get(row, 'mobile');
  const position = get(row, 'position');
  const rawEmp = get(row, 'employeeNumber');
  const firstName = nameOf(first);
  const lastName = nameOf(last);
  return {
    ok: true,
    record: {
      line: row.line,
      email,
      nhsmailId: get(row, 'nhsmailId')?.toLowerCase(),
      firstName: firstName.name,
      lastName: lastName.name,
      firstKey: firstName.key,
      lastKey: lastName.key,
      aliases: splitEmailList(get(row, 'aliases'), nhsDomains).filter((a) => a.valid && a.value !== email.value),
      mobileRaw,
      mobile: normalisePhone(mobileRaw),
      position,
      positionKey: jobTitleOf(position),
      organisation: get(row, 'organisation'),
      status: normaliseNhsmailStatus(get(row, 'status')),
      lastLogon: lastLogon.ms,
      employeeNumber: rawEmp === undefined ? undefined : normaliseEmployeeNumber(rawEmp),
    },
  };
}

/** AD's Enabled column, else userAccountControl bit 0x2 (ACCOUNTDISABLE). */
function adEnabled(row: SourceRow): boolean | undefined {
  const enabled = get(row, 'enabled')?.toLowerCase();
  if (enabled === 'true' || enabled === 'yes' || enabled === '1') return true;
  if (enabled === 'false' || enabled === 'no' || enabled === '0') return false;
  const uac = get(row, 'userAccountControl');
  if (uac !== undefined && /^\d+$/.test(uac)) return (Number(uac) & 0x2) === 0;
  return undefined;
}

export function buildAdAccount(row: SourceRow, nhsDomains: readonly string[]): Built<AdAccount> {
  const sam = get(row, 'samAccountName');
  if (sam === undefined) return { ok: false, reason: 'SamAccountName is empty' };
  const lastLogon = dateField(row, 'lastLogon', 'lastLogonTimestamp');
  if (lastLogon.error) return { ok: false, reason: lastLogon.error };
  let first = get(row, 'firstName');
  let last = get(row, 'lastName');
  const displayName = get(row, 'name');
  const long = tooLongName(AD_NAME_CELLS, first, last, displayName);
  if (long) return { ok: false, reason: long };
  if ((first === undefined || last === undefined) && displayName !== undefined) {
    const split = splitDisplayName(displayName);
    first ??= split.first;
    last ??= split.last;
  }
  const emailRaw = get(row, 'email');
  const mobileRaw = get(row, 'mobile');
  const position = get(row, 'position');
  const rawEmp = get(row, 'employeeId') ?? get(row, 'employeeNumber');
  const firstName = nameOf(first);
  const lastName = nameOf(last);
  return {
    ok: true,
    record: {
      line: row.line,
      samAccountName: sam,
      upn: get(row, 'upn'),
      enabled: adEnabled(row),
      firstName: firstName.name,
      lastName: lastName.name,
      firstKey: firstName.key,
      lastKey: lastName.key,
      emailRaw,
      email: normaliseEmail(emailRaw, nhsDomains),
      employeeNumber: rawEmp === undefined ? undefined : normaliseEmployeeNumber(rawEmp),
      mobileRaw,
      mobile: normalisePhone(mobileRaw),
      position,
      positionKey: jobTitleOf(position),
      nhsmailId: get(row, 'nhsmailId')?.toLowerCase(),
      lastLogon: lastLogon.ms,
    },
  };
}

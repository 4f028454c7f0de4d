/**
 * `offboard`: redundant TIS accounts checked against Tableau use, per Local Office (the user
 * management group's action "offboard TIS user accounts that should no longer be current").
 *
 * Pure: rows come in as canonical field → cell (src/io/load.ts), the as-of date and the window
 * come in as values; nothing here reads files, the clock or the terminal.
 *
 * The rules, in the order they are applied:
 * - Window: whole UTC calendar days from the day of a login to the as-of day. A login exactly
 *   `windowDays` days before the as-of day is inside the window; one day more is outside; a
 *   login after the as-of day is "in the future" (a data problem, never inside the window).
 * - TIS last login: the latest successful sign-in from the user export's last-login column and
 *   the separate login export (auth events: only `eventType` SignIn/LOGIN with a Pass/Success
 *   response count). The source of the date is kept.
 * - Tableau link, at most one Tableau user per TIS user: email first (the TIS email against
 *   the Tableau email and the Tableau user name, which is often an address, including a B2B
 *   guest's `…#EXT#@tenant` name), then username, then the weighted scheme on names alone.
 * - Recommendation: already-inactive and machine accounts are reported apart (never REMOVE);
 *   any data problem makes the account REVIEW; else KEEP (TIS login in the window), KEEP for a
 *   new account not yet used, KEEP (TABLEAU ACTIVE), else REMOVE.
 */
import { ANCHOR_LABELS, type Scheme } from './config.js';
import { daysBetween, parseDate, toIsoDate, type DateParse } from './normalise-date.js';
import { normaliseEmail } from './normalise-email.js';
import { compactNameKey, splitDisplayName, tidyName } from './normalise-name.js';
import { scorePair, type Identity, type PairScore } from './score.js';
import { dateColumn, numberColumn, textColumn, type Cell, type ColumnSpec } from './table.js';

// --- vocabulary ----------------------------------------------------------------------------------

/**
 * Roles that mark a machine or service account (compared case- and punctuation-insensitively,
 * whole role names only). Extend here when TIS adds integration roles.
 */
export const MACHINE_ROLES: readonly string[] = [
  'ETL',
  'ESR',
  'Machine User',
  'Machine',
  'Service Account',
  'Service User',
  'System User',
  'API User',
];

/** Roles that make an account a Trust user even before a trust is attached. */
export const TRUST_ROLES: readonly string[] = ['HEE Trust Admin', 'HEE Trust Observer'];

/** Roles scoped to programmes: without an associated programme the scope is empty. */
export const PROGRAMME_ROLES: readonly string[] = ['HEE Programme Admin', 'HEE Programme Observer'];

export const RECOMMENDATIONS = [
  'REMOVE',
  'REVIEW',
  'KEEP (TABLEAU ACTIVE)',
  'KEEP',
  'MACHINE ACCOUNT',
  'INACTIVE (ALREADY)',
] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

/** What the login dates alone say, shown on REVIEW rows ("what to do once resolved"). */
export type ActivityOutcome = 'REMOVE' | 'KEEP (TABLEAU ACTIVE)' | 'KEEP' | 'UNKNOWN';

export const USER_TYPES = ['HEE', 'Trust', 'Other', 'Machine'] as const;
export type UserType = (typeof USER_TYPES)[number];

export const UNASSIGNED = 'Unassigned';

export const PROBLEM_CODES = [
  'no-scope',
  'unknown-designated-body',
  'trust-owner',
  'unknown-trust',
  'old-region',
  'login-missing',
  'future-date',
  'duplicate',
  'name-only-link',
  'active-unreadable',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** Label for the Data Problems sheet and what a local team does about each problem. */
export const PROBLEMS: Readonly<Record<ProblemCode, { label: string; action: string }>> = {
  'no-scope': {
    label: 'No designated body or scope',
    action: 'Set the designated body (and trusts or programmes for scoped roles) in TIS user management, or remove the account if it is not needed: a mis-set-up user may see all data.',
  },
  'unknown-designated-body': {
    label: 'Designated body not in reference file',
    action: 'Check the code in TIS; if it is valid, add it to the offices reference file and run again.',
  },
  'trust-owner': {
    label: "Trust's Local Office owner differs from reference",
    action: "Confirm which Local Office owns the Trust; correct the Trust's owner or the account's designated body in TIS.",
  },
  'unknown-trust': {
    label: 'Trust not in reference file',
    action: 'Check the trust code in TIS; if it is valid, add it to the offices reference file with its owning Local Office.',
  },
  'old-region': {
    label: 'Old London region on account',
    action: "Replace the old region with the current Local Office on the account's designated bodies in TIS.",
  },
  'login-missing': {
    label: 'Login data missing or unreadable',
    action: 'Ask for a corrected last-login report, or check the account in TIS before deciding.',
  },
  'future-date': {
    label: 'Login date in the future',
    action: 'Check the export and the as-of date; a date after the as-of date usually means a wrong date format or export.',
  },
  duplicate: {
    label: 'Duplicate accounts for one person',
    action: 'Decide which account the person keeps; remove the others (record which in the Outcome column).',
  },
  'name-only-link': {
    label: 'Tableau use found by name only',
    action: 'Confirm the Tableau account is the same person (ask Data Services) before removing the TIS account.',
  },
  'active-unreadable': {
    label: 'Active flag unreadable',
    action: 'Check in TIS whether the account is active.',
  },
};

// --- rows in, records out --------------------------------------------------------------------

export interface OffboardRow {
  line: number;
  /** Canonical field → trimmed cell; empty cells undefined or absent. */
  fields: Readonly<Record<string, string | undefined>>;
}

export type OffboardSource = 'tis' | 'tis-logins' | 'tableau' | 'offices';
/** Report order of the sources (rejected rows, balance). */
export const SOURCE_ORDER: readonly OffboardSource[] = ['tis', 'tis-logins', 'tableau', 'offices'];

export interface OffboardReject {
  source: OffboardSource;
  line: number;
  /** Names the column, never the value: rejected rows are shared more widely than the data. */
  reason: string;
}

export type Built<T> = { ok: true; record: T } | { ok: false; reason: string };

export interface TisUser {
  line: number;
  username: string;
  /** Lowercased, trimmed. */
  usernameKey: string;
  firstName?: string;
  lastName?: string;
  firstKey?: string;
  lastKey?: string;
  /** Email as shown (trimmed). */
  emailRaw?: string;
  /** Normalised (lowercased) email. */
  email?: string;
  /** GMC number, digits only. */
  gmcId?: string;
  /** False only when the export says so; an unreadable flag is taken as active (and flagged). */
  active: boolean;
  activeReadable: boolean;
  roles: string[];
  /** Raw list cells: split later against the reference names ("Kent, Surrey and Sussex"). */
  designatedBodiesRaw?: string;
  trustsRaw?: string;
  programmes: string[];
  created: DateParse;
  /** Last login column on the user export, when there is one. */
  lastLogin: DateParse;
}

export interface LoginEvent {
  line: number;
  usernameKey?: string;
  email?: string;
  date: DateParse;
  eventType?: string;
  eventResponse?: string;
}

export interface TableauUser {
  line: number;
  username: string;
  usernameKey: string;
  email?: string;
  /** The user name read as an address: itself, or a B2B guest's invited address. */
  usernameEmail?: string;
  /** True when the user name is an Entra B2B guest name (`…#EXT#@tenant`). */
  guest: boolean;
  fullName?: string;
  firstKey?: string;
  lastKey?: string;
  siteRole?: string;
  lastLogin: DateParse;
}

export type OfficeKind = 'dbc' | 'trust' | 'region';

export interface OfficeRow {
  line: number;
  kind: OfficeKind;
  code: string;
  localOffice: string;
  name?: string;
}

const listSplit = /[;|\n\r]+|,/;

/** Splits a list cell (`a; b`, `a, b`, `["a","b"]`, one per line) into trimmed, distinct items. */
export function splitList(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const out: string[] = [];
  for (const piece of raw.replace(/[[\]{}"]/g, '').split(listSplit)) {
    const t = piece.trim();
    if (t !== '' && !out.includes(t)) out.push(t);
  }
  return out;
}

/** Key for codes, role and office names: accents, case, spaces and punctuation ignored. */
export function refKey(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'active', 'enabled', 't']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'inactive', 'disabled', 'f']);

export function buildTisUser(row: OffboardRow, nhsDomains?: readonly string[]): Built<TisUser> {
  const f = row.fields;
  const username = f['username'];
  if (username === undefined) return { ok: false, reason: 'username: empty' };
  const firstName = tidyName(f['firstName']);
  const lastName = tidyName(f['lastName']);
  const email = normaliseEmail(f['email'], nhsDomains);
  const activeRaw = f['active']?.trim().toLowerCase();
  let active = true;
  let activeReadable = true;
  if (activeRaw !== undefined) {
    if (FALSE_WORDS.has(activeRaw)) active = false;
    else if (!TRUE_WORDS.has(activeRaw)) activeReadable = false;
  }
  const gmc = f['gmcId']?.replace(/\D/g, '');
  return {
    ok: true,
    record: {
      line: row.line,
      username,
      usernameKey: username.trim().toLowerCase(),
      firstName,
      lastName,
      firstKey: compactNameKey(firstName),
      lastKey: compactNameKey(lastName),
      emailRaw: f['email'],
      email: email?.value,
      // GMC numbers are 7 digits; "0" placeholders and blanks are not identifiers.
      gmcId: gmc !== undefined && /[1-9]/.test(gmc) ? gmc.padStart(7, '0') : undefined,
      active,
      activeReadable,
      roles: splitList(f['roles']),
      designatedBodiesRaw: f['designatedBodies'],
      trustsRaw: f['trusts'],
      programmes: splitList(f['programmes']),
      created: parseDate(f['created']),
      lastLogin: parseDate(f['lastLogin']),
    },
  };
}

export function buildLoginEvent(row: OffboardRow, nhsDomains?: readonly string[]): Built<LoginEvent> {
  const f = row.fields;
  const username = f['username']?.trim().toLowerCase();
  const email = normaliseEmail(f['email'], nhsDomains)?.value;
  if (username === undefined && email === undefined) return { ok: false, reason: 'username and email: both empty' };
  return {
    ok: true,
    record: {
      line: row.line,
      usernameKey: username,
      email,
      date: parseDate(f['lastLogin']),
      eventType: f['eventType'],
      eventResponse: f['eventResponse'],
    },
  };
}

/**
 * A B2B guest's user principal name is the invited address with `@` as `_`, then `#EXT#@` and
 * the host tenant (`jo.bloggs_gmail.com#EXT#@hee.onmicrosoft.com` → `jo.bloggs@gmail.com`).
 */
export function guestEmailFromUpn(upn: string): string | undefined {
  const i = upn.toUpperCase().indexOf('#EXT#');
  if (i <= 0) return undefined;
  const local = upn.slice(0, i);
  const u = local.lastIndexOf('_');
  if (u <= 0 || u === local.length - 1) return undefined;
  return `${local.slice(0, u)}@${local.slice(u + 1)}`;
}

export function buildTableauUser(row: OffboardRow, nhsDomains?: readonly string[]): Built<TableauUser> {
  const f = row.fields;
  const username = f['username'];
  if (username === undefined) return { ok: false, reason: 'username: empty' };
  const guestEmail = guestEmailFromUpn(username);
  const usernameAsEmail = normaliseEmail(guestEmail ?? username, nhsDomains);
  const fullName = tidyName(f['fullName']);
  const parts = splitDisplayName(fullName);
  return {
    ok: true,
    record: {
      line: row.line,
      username,
      usernameKey: username.trim().toLowerCase(),
      email: normaliseEmail(f['email'], nhsDomains)?.value,
      usernameEmail: usernameAsEmail?.valid ? usernameAsEmail.value : undefined,
      guest: guestEmail !== undefined,
      fullName,
      firstKey: compactNameKey(parts.first),
      lastKey: compactNameKey(parts.last),
      siteRole: f['siteRole'],
      lastLogin: parseDate(f['lastLogin']),
    },
  };
}

const KIND_WORDS: Readonly<Record<string, OfficeKind>> = {
  dbc: 'dbc',
  designatedbody: 'dbc',
  designatedbodycode: 'dbc',
  db: 'dbc',
  trust: 'trust',
  trustcode: 'trust',
  region: 'region',
  oldregion: 'region',
};

export function buildOfficeRow(row: OffboardRow): Built<OfficeRow> {
  const f = row.fields;
  const kindRaw = f['kind'];
  if (kindRaw === undefined) return { ok: false, reason: 'kind: empty (use dbc, trust or region)' };
  const kind = KIND_WORDS[refKey(kindRaw)];
  if (kind === undefined) return { ok: false, reason: 'kind: not dbc, trust or region' };
  const code = f['code'];
  if (code === undefined) return { ok: false, reason: 'code: empty' };
  const localOffice = tidyName(f['localOffice']);
  if (localOffice === undefined) return { ok: false, reason: 'localOffice: empty' };
  return { ok: true, record: { line: row.line, kind, code: code.trim(), localOffice, name: f['name'] } };
}

/** The offices reference data: codes and old names → current Local Office. */
export interface OfficeMap {
  dbc: Map<string, OfficeRow>;
  trust: Map<string, OfficeRow>;
  region: Map<string, OfficeRow>;
  /** refKey → Local Office name as first written, for values that already are an office name. */
  localOffices: Map<string, string>;
  /** Lines loaded (duplicates of an earlier identical row included). */
  loadedLines: number[];
}

export function buildOfficeMap(rows: readonly OfficeRow[]): { map: OfficeMap; rejected: OffboardReject[] } {
  const map: OfficeMap = { dbc: new Map(), trust: new Map(), region: new Map(), localOffices: new Map(), loadedLines: [] };
  const rejected: OffboardReject[] = [];
  for (const r of rows) {
    const m = map[r.kind];
    const key = refKey(r.code);
    const prior = m.get(key);
    if (prior !== undefined && refKey(prior.localOffice) !== refKey(r.localOffice)) {
      rejected.push({ source: 'offices', line: r.line, reason: `code: ${r.kind} code already mapped to a different Local Office at line ${prior.line}` });
      continue;
    }
    if (prior === undefined) m.set(key, r);
    map.loadedLines.push(r.line);
  }
  // Region targets are current offices; dbc and trust targets may be old names resolved later.
  for (const kind of ['region', 'dbc', 'trust'] as const) {
    for (const r of map[kind].values()) {
      const current = kind === 'region' ? r.localOffice : currentOffice(map, r.localOffice).office;
      if (!map.localOffices.has(refKey(current))) map.localOffices.set(refKey(current), current);
    }
  }
  return { map, rejected };
}

/** An office name through the region renames: "South London" → London (old: South London). */
function currentOffice(map: OfficeMap, name: string): { office: string; oldRegion?: string } {
  const renamed = map.region.get(refKey(name));
  return renamed === undefined ? { office: name } : { office: renamed.localOffice, oldRegion: name };
}

/**
 * Splits a designated body or trust list cell, rejoining comma pieces whose joined form is a
 * known reference name ("Kent, Surrey and Sussex" stays whole).
 */
export function splitScopeList(raw: string | undefined, known: (key: string) => boolean): string[] {
  if (raw === undefined) return [];
  const out: string[] = [];
  const push = (s: string): void => {
    const t = s.trim();
    if (t !== '' && !out.includes(t)) out.push(t);
  };
  for (const group of raw.replace(/[[\]{}"]/g, '').split(/[;|\n\r]+/)) {
    const pieces = group.split(',');
    let i = 0;
    while (i < pieces.length) {
      let taken = 1;
      for (let j = pieces.length; j > i + 1; j--) {
        if (known(refKey(pieces.slice(i, j).join(',')))) {
          taken = j - i;
          break;
        }
      }
      push(pieces.slice(i, i + taken).join(','));
      i += taken;
    }
  }
  return out;
}

// --- days and the window ---------------------------------------------------------------------

const MS_PER_DAY = 86_400_000;
const dayStart = (ms: number): number => Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;

/**
 * Whole UTC calendar days from the day of `ms` to the as-of day: 0 the same day, 1 the day
 * before, negative for a later day. Times of day never change the count.
 */
export function daysSince(ms: number, asOfMs: number): number {
  return daysBetween(dayStart(ms), dayStart(asOfMs));
}

/** Inside the window: 0 ≤ days ≤ windowDays (exactly windowDays days ago still counts). */
export function withinWindow(days: number, windowDays: number): boolean {
  return days >= 0 && days <= windowDays;
}

// --- the run -----------------------------------------------------------------------------------

export interface OffboardInput {
  tisRows: readonly OffboardRow[];
  loginRows: readonly OffboardRow[];
  tableauRows: readonly OffboardRow[];
  /** Undefined when no offices file was given: offices are then the raw designated bodies. */
  officeRows?: readonly OffboardRow[];
  /** The run's day, UTC midnight, epoch ms. */
  asOfMs: number;
  /** Days without a login after which an account is redundant (config tisInactiveDays). */
  windowDays: number;
  scheme: Scheme;
  nhsDomains?: readonly string[];
}

export type LinkMethod = 'email' | 'username' | 'names';

export interface TableauLink {
  tableau: TableauUser;
  method: LinkMethod;
  evidence: string;
  /** Names links below the scheme threshold are probable only. */
  confident: boolean;
  score?: PairScore;
}

export interface TisLogin {
  ms: number;
  /** "login export (line 12)" or "user export". */
  source: string;
}

export interface Problem {
  code: ProblemCode;
  detail: string;
}

export interface Account {
  user: TisUser;
  userType: UserType;
  /** The Local Office whose sheet lists the account. */
  localOffice: string;
  /** Every Local Office the account's designated bodies (else trusts) resolve to, sorted. */
  localOffices: string[];
  designatedBodies: string[];
  trusts: string[];
  /** Latest successful TIS login on or before the as-of day. */
  tisLogin?: TisLogin;
  daysSinceTisLogin?: number;
  tableau?: TableauLink;
  daysSinceTableauLogin?: number;
  /** Tableau users tied on names when no single link could be made. */
  nameTies: TableauUser[];
  recommendation: Recommendation;
  /** For REVIEW rows: what the login dates alone say. */
  ifResolved?: ActivityOutcome;
  problems: Problem[];
  /** Every reason behind the recommendation, problems first, in plain words. */
  reasons: string[];
}

export interface UnlinkedTableau {
  tableau: TableauUser;
  daysSinceLogin?: number;
  note: string;
}

export interface LoginRowCounts {
  read: number;
  /** Successful sign-ins matched to a TIS user (whether or not the latest). */
  applied: number;
  ignored: Record<string, number>;
  unmatched: Record<string, number>;
  rejected: number;
  /**
   * Earliest successful sign-in date in the login export (epoch ms), matched or not: when it
   * falls after the window start, the export is too short to prove that no login happened.
   */
  earliestMs?: number;
}

export interface OffboardAnalysis {
  accounts: Account[];
  /** Every Tableau user read (for redaction of free text, which may name them). */
  tableauUsers: TableauUser[];
  unlinkedTableau: UnlinkedTableau[];
  rejected: OffboardReject[];
  loginRows: LoginRowCounts;
  tableauLinks: Record<LinkMethod, number>;
  /** Local Office → user type → recommendation → accounts. */
  counts: Record<string, Record<string, Record<string, number>>>;
  byRecommendation: Record<Recommendation, number>;
  byUserType: Record<UserType, number>;
  problems: Record<ProblemCode, number>;
  /** Rows that reached an output, per source (rejected rows not included). */
  accounted: Record<OffboardSource, number>;
  windowDays: number;
  asOfMs: number;
  officesGiven: boolean;
}

const roleKeys = (roles: readonly string[]): Set<string> => new Set(roles.map(refKey));
const MACHINE_KEYS = new Set(MACHINE_ROLES.map(refKey));
const TRUST_ROLE_KEYS = new Set(TRUST_ROLES.map(refKey));

export function userTypeOf(roles: readonly string[], trusts: readonly string[]): UserType {
  const keys = roleKeys(roles);
  if ([...keys].some((k) => MACHINE_KEYS.has(k))) return 'Machine';
  if (trusts.length > 0 || [...keys].some((k) => TRUST_ROLE_KEYS.has(k))) return 'Trust';
  if ([...keys].some((k) => k.startsWith('hee'))) return 'HEE';
  return 'Other';
}

const iso = (ms: number): string => toIsoDate(ms);
/** Code-point order: the same on every machine, whatever its locale. */
export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
/** "today", "1 day ago", "12 days ago". */
const ago = (days: number): string => (days === 0 ? 'today' : `${plural(days, 'day')} ago`);

function loginAccepted(e: LoginEvent): string | undefined {
  if (e.eventType !== undefined && !['signin', 'login'].includes(refKey(e.eventType))) return 'not a sign-in event';
  if (e.eventResponse !== undefined && !['pass', 'success', 'succeeded', 'ok', 'true'].includes(refKey(e.eventResponse))) return 'failed sign-in';
  return undefined;
}

function bump(rec: Record<string, number>, key: string, by = 1): void {
  rec[key] = (rec[key] ?? 0) + by;
}

interface LoginFacts {
  /** Latest successful login on or before the as-of day. */
  best?: TisLogin;
  /** Successful logins dated after the as-of day. */
  future: TisLogin[];
  /** Where a login date could not be read. */
  unreadable: string[];
}

function pickBestTableau(hits: readonly { t: TableauUser; rank: number }[]): { t: TableauUser; rank: number } {
  // Rank (0 = matched on the Tableau email field) first, then the most recent login, then name.
  const lastMs = (t: TableauUser): number => (t.lastLogin.status === 'ok' ? t.lastLogin.ms : -Infinity);
  return [...hits].sort((a, b) => a.rank - b.rank || lastMs(b.t) - lastMs(a.t) || cmp(a.t.usernameKey, b.t.usernameKey))[0]!;
}

function nameEvidence(s: PairScore, scheme: Scheme): string {
  const parts = s.anchors.filter((a) => a.points > 0).map((a) => `${ANCHOR_LABELS[a.anchor].toLowerCase()} ${a.points}`);
  const below = s.score < scheme.threshold;
  return `names: ${parts.join(' + ')} = ${s.score} points, ${below ? `below the threshold of ${scheme.threshold} (probable)` : `threshold ${scheme.threshold}`}`;
}

/** Runs the whole classification. Deterministic for the same input. */
export function offboard(input: OffboardInput): OffboardAnalysis {
  const { asOfMs, windowDays, scheme } = input;
  const rejected: OffboardReject[] = [];

  // Reference data first: list cells are split against its names.
  let offices: OfficeMap | undefined;
  if (input.officeRows !== undefined) {
    const built: OfficeRow[] = [];
    for (const r of input.officeRows) {
      const b = buildOfficeRow(r);
      if (b.ok) built.push(b.record);
      else rejected.push({ source: 'offices', line: r.line, reason: b.reason });
    }
    const m = buildOfficeMap(built);
    offices = m.map;
    rejected.push(...m.rejected);
  }
  const knownRef = (key: string): boolean =>
    offices !== undefined && (offices.dbc.has(key) || offices.trust.has(key) || offices.region.has(key) || offices.localOffices.has(key));

  // TIS users: one account per username; a repeated username is an export glitch, not a person.
  const users: TisUser[] = [];
  const byUsername = new Map<string, TisUser>();
  for (const r of input.tisRows) {
    const b = buildTisUser(r, input.nhsDomains);
    if (!b.ok) {
      rejected.push({ source: 'tis', line: r.line, reason: b.reason });
      continue;
    }
    const prior = byUsername.get(b.record.usernameKey);
    if (prior !== undefined) {
      rejected.push({ source: 'tis', line: r.line, reason: `username: same as line ${prior.line} (only the first row is used)` });
      continue;
    }
    byUsername.set(b.record.usernameKey, b.record);
    users.push(b.record);
  }
  const byEmail = new Map<string, TisUser[]>();
  for (const u of users) {
    if (u.email === undefined) continue;
    const list = byEmail.get(u.email) ?? [];
    list.push(u);
    byEmail.set(u.email, list);
  }

  // TIS logins: the user export's column, then the login export's successful sign-ins.
  const facts = new Map<TisUser, LoginFacts>();
  const factsOf = (u: TisUser): LoginFacts => {
    let f = facts.get(u);
    if (f === undefined) {
      f = { future: [], unreadable: [] };
      facts.set(u, f);
    }
    return f;
  };
  const offer = (u: TisUser, login: TisLogin): void => {
    const f = factsOf(u);
    if (daysSince(login.ms, asOfMs) < 0) f.future.push(login);
    else if (f.best === undefined || login.ms > f.best.ms) f.best = login;
  };
  for (const u of users) {
    if (u.lastLogin.status === 'ok') offer(u, { ms: u.lastLogin.ms, source: 'user export' });
    else if (u.lastLogin.status === 'invalid') factsOf(u).unreadable.push(`the last-login value on the user export (line ${u.line}) is not a date`);
  }
  const loginRows: LoginRowCounts = { read: input.loginRows.length, applied: 0, ignored: {}, unmatched: {}, rejected: 0 };
  let loginAccounted = 0;
  for (const r of input.loginRows) {
    const b = buildLoginEvent(r, input.nhsDomains);
    if (!b.ok) {
      rejected.push({ source: 'tis-logins', line: r.line, reason: b.reason });
      loginRows.rejected++;
      continue;
    }
    const e = b.record;
    const ignored = loginAccepted(e);
    if (ignored !== undefined) {
      bump(loginRows.ignored, ignored);
      loginAccounted++;
      continue;
    }
    if (e.date.status === 'never' || e.date.status === 'empty') {
      bump(loginRows.ignored, 'no login date');
      loginAccounted++;
      continue;
    }
    let user: TisUser | undefined = e.usernameKey !== undefined ? byUsername.get(e.usernameKey) : undefined;
    let unmatched = 'no TIS user with this username or email';
    if (user === undefined) {
      // Cognito-era events carry the email as the username; older ones the Keycloak name.
      const addresses = [e.email, e.usernameKey].filter((x): x is string => x !== undefined && x.includes('@'));
      for (const a of addresses) {
        const hits = byEmail.get(a) ?? [];
        if (hits.length === 1) {
          user = hits[0];
          break;
        }
        if (hits.length > 1) unmatched = 'email shared by several TIS users';
        const asName = byUsername.get(a);
        if (asName !== undefined) {
          user = asName;
          break;
        }
      }
    }
    if (e.date.status === 'invalid') {
      rejected.push({ source: 'tis-logins', line: r.line, reason: 'lastLogin: not a date' });
      loginRows.rejected++;
      if (user !== undefined) factsOf(user).unreadable.push(`login export line ${r.line} has a login date that is not a date`);
      continue;
    }
    if (loginRows.earliestMs === undefined || e.date.ms < loginRows.earliestMs) loginRows.earliestMs = e.date.ms;
    if (user === undefined) {
      bump(loginRows.unmatched, unmatched);
      loginAccounted++;
      continue;
    }
    offer(user, { ms: e.date.ms, source: `login export (line ${r.line})` });
    loginRows.applied++;
    loginAccounted++;
  }

  // Tableau users and the indexes the links use.
  const tableau: TableauUser[] = [];
  for (const r of input.tableauRows) {
    const b = buildTableauUser(r, input.nhsDomains);
    if (b.ok) tableau.push(b.record);
    else rejected.push({ source: 'tableau', line: r.line, reason: b.reason });
  }
  const tabByEmail = new Map<string, { t: TableauUser; rank: number; via: string }[]>();
  const tabByUsername = new Map<string, TableauUser[]>();
  const addEmail = (key: string, t: TableauUser, rank: number, via: string): void => {
    const list = tabByEmail.get(key) ?? [];
    if (!list.some((h) => h.t === t)) list.push({ t, rank, via });
    tabByEmail.set(key, list);
  };
  for (const t of tableau) {
    if (t.email !== undefined) addEmail(t.email, t, 0, 'Tableau email');
    if (t.usernameEmail !== undefined) addEmail(t.usernameEmail, t, 1, t.guest ? "Tableau guest user name's invited address" : 'Tableau user name');
    const list = tabByUsername.get(t.usernameKey) ?? [];
    list.push(t);
    tabByUsername.set(t.usernameKey, list);
  }

  // Links, pass 1 and 2: email, then username.
  const links = new Map<TisUser, TableauLink>();
  for (const u of users) {
    if (u.email !== undefined) {
      const hits = tabByEmail.get(u.email);
      if (hits !== undefined && hits.length > 0) {
        const best = pickBestTableau(hits);
        const via = hits.find((h) => h.t === best.t)!.via;
        const extra = hits.length > 1 ? `; ${hits.length} Tableau users have this address, linked the one used most recently` : '';
        links.set(u, { tableau: best.t, method: 'email', evidence: `email: TIS email = ${via}${extra}`, confident: true });
        continue;
      }
    }
    const byName = tabByUsername.get(u.usernameKey) ?? [];
    const asEmail = u.usernameKey.includes('@') ? (tabByEmail.get(u.usernameKey) ?? []) : [];
    const hits = [...byName.map((t) => ({ t, rank: 0 })), ...asEmail.filter((h) => !byName.includes(h.t)).map((h) => ({ t: h.t, rank: 1 }))];
    if (hits.length > 0) {
      const best = pickBestTableau(hits);
      const what = best.rank === 0 ? 'TIS username = Tableau user name' : 'TIS username = Tableau email';
      links.set(u, { tableau: best.t, method: 'username', evidence: `username: ${what}`, confident: true });
    }
  }

  // Pass 3: the weighted scheme on names alone, among Tableau users no address or username took.
  const takenTableau = new Set<TableauUser>([...links.values()].map((l) => l.tableau));
  const byLast = new Map<string, TableauUser[]>();
  for (const t of tableau) {
    if (takenTableau.has(t) || t.lastKey === undefined || t.firstKey === undefined) continue;
    const list = byLast.get(t.lastKey) ?? [];
    list.push(t);
    byLast.set(t.lastKey, list);
  }
  const ties = new Map<TisUser, TableauUser[]>();
  const floor = Math.min(scheme.reviewFloor, scheme.threshold);
  for (const u of users) {
    if (links.has(u) || u.firstKey === undefined || u.lastKey === undefined) continue;
    const candidates = byLast.get(u.lastKey) ?? [];
    const me: Identity = { firstNames: [u.firstKey], lastName: u.lastKey };
    let best: { t: TableauUser; s: PairScore }[] = [];
    for (const t of candidates) {
      const s = scorePair(me, { firstNames: [t.firstKey!], lastName: t.lastKey }, scheme);
      if (s.score < floor || s.score <= 0) continue;
      if (best.length === 0 || s.score > best[0]!.s.score) best = [{ t, s }];
      else if (s.score === best[0]!.s.score) best.push({ t, s });
    }
    if (best.length === 1) {
      const { t, s } = best[0]!;
      links.set(u, { tableau: t, method: 'names', evidence: nameEvidence(s, scheme), confident: s.score >= scheme.threshold, score: s });
    } else if (best.length > 1) {
      ties.set(u, best.map((b) => b.t).sort((a, b) => cmp(a.usernameKey, b.usernameKey)));
    }
  }

  // Duplicates: only among active people (machine and already-inactive accounts do not count).
  const isPerson = (u: TisUser): boolean => u.active && userTypeOf(u.roles, splitScopeList(u.trustsRaw, knownRef)) !== 'Machine';
  const people = users.filter(isPerson);
  const dupNotes = new Map<TisUser, string[]>();
  const noteDup = (u: TisUser, note: string): void => {
    const list = dupNotes.get(u) ?? [];
    if (!list.includes(note)) list.push(note);
    dupNotes.set(u, list);
  };
  const groupBy = (key: (u: TisUser) => string | undefined): Map<string, TisUser[]> => {
    const m = new Map<string, TisUser[]>();
    for (const u of people) {
      const k = key(u);
      if (k === undefined) continue;
      const list = m.get(k) ?? [];
      list.push(u);
      m.set(k, list);
    }
    return m;
  };
  const others = (group: readonly TisUser[], u: TisUser): string =>
    group.filter((x) => x !== u).map((x) => x.username).sort().join(', ');
  for (const group of groupBy((u) => u.email).values()) {
    if (group.length > 1) for (const u of group) noteDup(u, `shares its email with TIS user ${others(group, u)}`);
  }
  for (const group of groupBy((u) => u.gmcId).values()) {
    if (group.length > 1) for (const u of group) noteDup(u, `shares its GMC number with TIS user ${others(group, u)}`);
  }
  const byTableau = new Map<TableauUser, TisUser[]>();
  for (const u of people) {
    const l = links.get(u);
    if (l === undefined) continue;
    const list = byTableau.get(l.tableau) ?? [];
    list.push(u);
    byTableau.set(l.tableau, list);
  }
  for (const [t, group] of byTableau) {
    if (group.length > 1) {
      for (const u of group) noteDup(u, `Tableau user ${t.username} is linked to this account and to TIS user ${others(group, u)}`);
    }
  }

  // Classification.
  const accounts: Account[] = users.map((u) =>
    classify(u, {
      offices,
      knownRef,
      facts: facts.get(u) ?? { future: [], unreadable: [] },
      link: links.get(u),
      ties: ties.get(u) ?? [],
      duplicates: dupNotes.get(u) ?? [],
      asOfMs,
      windowDays,
    }),
  );
  accounts.sort(compareAccounts);

  // Unlinked Tableau users: linked to no TIS user at all.
  const linkedTableau = new Set<TableauUser>([...links.values()].map((l) => l.tableau));
  const tiedWith = new Map<TableauUser, string[]>();
  for (const [u, ts] of ties) for (const t of ts) tiedWith.set(t, [...(tiedWith.get(t) ?? []), u.username]);
  const unlinkedTableau: UnlinkedTableau[] = tableau
    .filter((t) => !linkedTableau.has(t))
    .sort((a, b) => cmp(a.usernameKey, b.usernameKey) || a.line - b.line)
    .map((t) => {
      const tied = tiedWith.get(t);
      const note =
        tied !== undefined
          ? `same name as TIS user ${[...tied].sort().join(', ')} and at least one other Tableau user: not linked`
          : t.guest
            ? 'guest account: no TIS user with its invited address, user name or name'
            : 'no TIS user with this email, user name or name';
      return { tableau: t, daysSinceLogin: t.lastLogin.status === 'ok' ? daysSince(t.lastLogin.ms, asOfMs) : undefined, note };
    });

  const tableauLinks: Record<LinkMethod, number> = { email: 0, username: 0, names: 0 };
  for (const l of links.values()) tableauLinks[l.method]++;

  const counts: Record<string, Record<string, Record<string, number>>> = {};
  const byRecommendation = Object.fromEntries(RECOMMENDATIONS.map((r) => [r, 0])) as Record<Recommendation, number>;
  const byUserType = Object.fromEntries(USER_TYPES.map((t) => [t, 0])) as Record<UserType, number>;
  const problems = Object.fromEntries(PROBLEM_CODES.map((c) => [c, 0])) as Record<ProblemCode, number>;
  for (const a of accounts) {
    const lo = (counts[a.localOffice] ??= {});
    const ut = (lo[a.userType] ??= Object.fromEntries(RECOMMENDATIONS.map((r) => [r, 0])));
    bump(ut, a.recommendation);
    byRecommendation[a.recommendation]++;
    byUserType[a.userType]++;
    for (const p of a.problems) problems[p.code]++;
  }
  // Fixed key order (accounts are sorted by office already): user types as USER_TYPES lists them.
  for (const lo of Object.keys(counts)) {
    const byType = counts[lo]!;
    counts[lo] = Object.fromEntries(USER_TYPES.filter((t) => byType[t] !== undefined).map((t) => [t, byType[t]!]));
  }

  return {
    accounts,
    tableauUsers: tableau,
    unlinkedTableau,
    rejected: rejected.sort((a, b) => SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source) || a.line - b.line),
    loginRows,
    tableauLinks,
    counts,
    byRecommendation,
    byUserType,
    problems,
    accounted: {
      tis: new Set(accounts.map((a) => a.user.line)).size,
      'tis-logins': loginAccounted,
      tableau: linkedTableau.size + unlinkedTableau.length,
      offices: offices?.loadedLines.length ?? 0,
    },
    windowDays,
    asOfMs,
    officesGiven: offices !== undefined,
  };
}

interface ClassifyContext {
  offices: OfficeMap | undefined;
  knownRef: (key: string) => boolean;
  facts: LoginFacts;
  link: TableauLink | undefined;
  ties: TableauUser[];
  duplicates: string[];
  asOfMs: number;
  windowDays: number;
}

function officeSortKey(lo: string): string {
  // Unassigned goes last, after every named office.
  return lo === UNASSIGNED ? '\uffff' : lo.toLowerCase();
}

export function compareAccounts(a: Account, b: Account): number {
  return (
    cmp(officeSortKey(a.localOffice), officeSortKey(b.localOffice)) ||
    RECOMMENDATIONS.indexOf(a.recommendation) - RECOMMENDATIONS.indexOf(b.recommendation) ||
    cmp(a.user.usernameKey, b.user.usernameKey) ||
    a.user.line - b.user.line
  );
}

/** Local Offices and scope problems from designated bodies and trusts. */
function resolveScope(u: TisUser, ctx: ClassifyContext): {
  designatedBodies: string[];
  trusts: string[];
  dbOffices: string[];
  trustOffices: string[];
  problems: Problem[];
} {
  const designatedBodies = splitScopeList(u.designatedBodiesRaw, ctx.knownRef);
  const trusts = splitScopeList(u.trustsRaw, ctx.knownRef);
  const problems: Problem[] = [];
  const offices = ctx.offices;
  const dbOffices = new Set<string>();
  const trustOffices = new Set<string>();
  if (offices === undefined) {
    // No reference data: the designated body values stand for themselves.
    for (const d of designatedBodies) dbOffices.add(d);
  } else {
    for (const d of designatedBodies) {
      const key = refKey(d);
      const viaCode = offices.dbc.get(key);
      let resolved: { office: string; oldRegion?: string } | undefined;
      if (viaCode !== undefined) resolved = currentOffice(offices, viaCode.localOffice);
      else if (offices.region.has(key)) resolved = currentOffice(offices, d);
      else if (offices.localOffices.has(key)) resolved = { office: offices.localOffices.get(key)! };
      if (resolved === undefined) {
        problems.push({ code: 'unknown-designated-body', detail: `designated body ${d} is not in the offices reference file` });
        continue;
      }
      dbOffices.add(resolved.office);
      if (resolved.oldRegion !== undefined) {
        const shown = viaCode !== undefined ? `${d} (${resolved.oldRegion})` : d;
        problems.push({ code: 'old-region', detail: `old region ${shown} is still on the account (now ${resolved.office})` });
      }
    }
    for (const t of trusts) {
      const key = refKey(t);
      // "RJ1 - Guy's and St Thomas'": the code is the first word when the whole is unknown.
      const row = offices.trust.get(key) ?? offices.trust.get(refKey(t.split(/\s+/)[0] ?? ''));
      if (row === undefined) {
        problems.push({ code: 'unknown-trust', detail: `trust ${t} is not in the offices reference file` });
        continue;
      }
      const owner = currentOffice(offices, row.localOffice).office;
      trustOffices.add(owner);
      if (dbOffices.size > 0 && !dbOffices.has(owner)) {
        problems.push({
          code: 'trust-owner',
          detail: `trust ${row.code} is owned by ${owner} in the reference file, but the account's designated bodies are in ${[...dbOffices].sort().join(', ')}`,
        });
      }
    }
  }
  return {
    designatedBodies,
    trusts,
    dbOffices: [...dbOffices].sort((a, b) => cmp(a, b)),
    trustOffices: [...trustOffices].sort((a, b) => cmp(a, b)),
    problems,
  };
}

function scopeProblems(u: TisUser, designatedBodies: readonly string[], trusts: readonly string[]): Problem[] {
  const out: Problem[] = [];
  const keys = roleKeys(u.roles);
  if (designatedBodies.length === 0) {
    out.push({ code: 'no-scope', detail: 'no designated body on the account: a mis-set-up user may see all data' });
  }
  const trustRoles = TRUST_ROLES.filter((r) => keys.has(refKey(r)));
  if (trustRoles.length > 0 && trusts.length === 0) {
    out.push({ code: 'no-scope', detail: `role ${trustRoles.join(', ')} with no trust attached: the user may see every trust's data` });
  }
  const progRoles = PROGRAMME_ROLES.filter((r) => keys.has(refKey(r)));
  if (progRoles.length > 0 && u.programmes.length === 0) {
    out.push({ code: 'no-scope', detail: `role ${progRoles.join(', ')} with no programme attached: the user may see every programme's data` });
  }
  return out;
}

function classify(u: TisUser, ctx: ClassifyContext): Account {
  const { asOfMs, windowDays: n } = ctx;
  const scope = resolveScope(u, ctx);
  const localOffices = scope.dbOffices.length > 0 ? scope.dbOffices : scope.trustOffices;
  const localOffice = localOffices[0] ?? UNASSIGNED;
  const userType = userTypeOf(u.roles, scope.trusts);
  const tisLogin = ctx.facts.best;
  const daysSinceTisLogin = tisLogin === undefined ? undefined : daysSince(tisLogin.ms, asOfMs);
  const link = ctx.link;
  const tabLogin = link?.tableau.lastLogin;
  const daysSinceTableauLogin = tabLogin?.status === 'ok' ? daysSince(tabLogin.ms, asOfMs) : undefined;
  const base = {
    user: u,
    userType,
    localOffice,
    localOffices,
    designatedBodies: scope.designatedBodies,
    trusts: scope.trusts,
    tisLogin,
    daysSinceTisLogin,
    tableau: link,
    daysSinceTableauLogin,
    nameTies: ctx.ties,
  };

  // Activity facts, in words, for every recommendation.
  const facts: string[] = [];
  const tisRecent = daysSinceTisLogin !== undefined && withinWindow(daysSinceTisLogin, n);
  let newAccount = false;
  let ageUnknown = false;
  if (tisLogin !== undefined && daysSinceTisLogin !== undefined) {
    facts.push(
      tisRecent
        ? `TIS login ${ago(daysSinceTisLogin)} (${iso(tisLogin.ms)}), within ${n} days`
        : `no TIS login in the last ${n} days (last ${iso(tisLogin.ms)}, ${plural(daysSinceTisLogin, 'day')} ago)`,
    );
  } else if (u.created.status === 'ok' && daysSince(u.created.ms, asOfMs) < 0) {
    // Reported as a future-date problem below; the account's age is unknown meanwhile.
    ageUnknown = true;
  } else if (u.created.status === 'ok') {
    const c = daysSince(u.created.ms, asOfMs);
    newAccount = c <= n;
    facts.push(
      newAccount
        ? `no TIS login yet; account created ${iso(u.created.ms)} (${ago(c)}), within the ${n}-day window`
        : `no successful TIS login in the login data; account created ${iso(u.created.ms)} (${plural(c, 'day')} ago), before the ${n}-day window`,
    );
  } else {
    ageUnknown = true;
  }
  let tabRecent = false;
  if (link === undefined) {
    facts.push(ctx.ties.length > 0 ? `no Tableau link: ${ctx.ties.length} Tableau users have this name` : 'no linked Tableau account');
  } else if (tabLogin?.status === 'ok' && daysSinceTableauLogin !== undefined && daysSinceTableauLogin >= 0) {
    tabRecent = withinWindow(daysSinceTableauLogin, n);
    facts.push(
      tabRecent
        ? `Tableau login ${ago(daysSinceTableauLogin)} (${iso(tabLogin.ms)}), within ${n} days`
        : `no Tableau login in the last ${n} days (last ${iso(tabLogin.ms)}, ${plural(daysSinceTableauLogin, 'day')} ago)`,
    );
  } else if (tabLogin?.status === 'never' || tabLogin?.status === 'empty') {
    facts.push('linked Tableau account has never logged in');
  }

  if (!u.active) {
    return { ...base, recommendation: 'INACTIVE (ALREADY)', problems: [], reasons: ['account already inactive in TIS: nothing to remove', ...facts] };
  }
  if (userType === 'Machine') {
    const roles = u.roles.filter((r) => MACHINE_KEYS.has(refKey(r)));
    return {
      ...base,
      recommendation: 'MACHINE ACCOUNT',
      problems: [],
      reasons: [`machine or service account (role ${roles.join(', ')}): not a person, never proposed for removal`, ...facts],
    };
  }

  const problems: Problem[] = [];
  if (!u.activeReadable) problems.push({ code: 'active-unreadable', detail: `the active value on the user export (line ${u.line}) is not true or false; taken as active` });
  problems.push(...scopeProblems(u, scope.designatedBodies, scope.trusts), ...scope.problems);
  for (const d of ctx.duplicates) problems.push({ code: 'duplicate', detail: d });
  for (const f of [...ctx.facts.future].sort((a, b) => a.ms - b.ms)) {
    problems.push({ code: 'future-date', detail: `TIS login date ${iso(f.ms)} from the ${f.source} is after the as-of date ${iso(asOfMs)}` });
  }
  if (u.created.status === 'ok' && daysSince(u.created.ms, asOfMs) < 0 && tisLogin === undefined) {
    problems.push({ code: 'future-date', detail: `creation date ${iso(u.created.ms)} is after the as-of date ${iso(asOfMs)}` });
  }
  if (link !== undefined && tabLogin?.status === 'ok' && daysSinceTableauLogin !== undefined && daysSinceTableauLogin < 0) {
    problems.push({ code: 'future-date', detail: `Tableau login date ${iso(tabLogin.ms)} is after the as-of date ${iso(asOfMs)}` });
  }
  for (const w of ctx.facts.unreadable) problems.push({ code: 'login-missing', detail: w });
  if (link !== undefined && tabLogin?.status === 'invalid') {
    problems.push({ code: 'login-missing', detail: `the Tableau last-login value (Tableau export line ${link.tableau.line}) is not a date` });
  }
  if (ageUnknown && u.created.status !== 'ok' && ctx.facts.future.length === 0) {
    problems.push({
      code: 'login-missing',
      detail: u.created.status === 'invalid'
        ? 'no TIS login date, and the creation date is not a date: cannot tell whether the account is new'
        : 'no TIS login date and no creation date: cannot tell whether the account is new',
    });
  }

  let outcome: ActivityOutcome;
  if (tisRecent || newAccount) outcome = 'KEEP';
  else if (tabRecent) outcome = 'KEEP (TABLEAU ACTIVE)';
  else if (ageUnknown) outcome = 'UNKNOWN';
  else outcome = 'REMOVE';

  // A probable link by name alone must not be what saves an account from removal unchecked.
  if (outcome === 'KEEP (TABLEAU ACTIVE)' && link?.method === 'names' && !link.confident) {
    problems.push({ code: 'name-only-link', detail: `the only recent use is on Tableau user ${link.tableau.username}, linked by name alone` });
  }
  if (outcome === 'REMOVE' && link === undefined && ctx.ties.length > 0) {
    const recent = ctx.ties.filter((t) => t.lastLogin.status === 'ok' && withinWindow(daysSince(t.lastLogin.ms, asOfMs), n));
    if (recent.length > 0) {
      problems.push({
        code: 'name-only-link',
        detail: `Tableau users with this name used Tableau within ${n} days (${recent.map((t) => t.username).join(', ')}): check whether one is this person`,
      });
    }
  }
  if (link?.method === 'names' && !problems.some((p) => p.code === 'name-only-link')) {
    facts.push(`Tableau account linked by name only${link.confident ? '' : ' (probable)'}`);
  }

  const reasons = [...problems.map((p) => p.detail), ...facts];
  if (problems.length > 0) return { ...base, recommendation: 'REVIEW', ifResolved: outcome, problems, reasons };
  // Without problems the outcome is never UNKNOWN (an unknown age is a login-missing problem).
  const recommendation: Recommendation = outcome === 'UNKNOWN' ? 'REVIEW' : outcome;
  return { ...base, recommendation, problems, reasons };
}

// --- report tables ---------------------------------------------------------------------------

export interface OffboardTable {
  name: string;
  /** Undefined: XLSX only. */
  csvName?: string;
  columns: ColumnSpec[];
  rows: Cell[][];
  /** Index of a column whose value "REVIEW" or "REMOVE" gets the row filled (XLSX). */
  flagColumn?: number;
}

const text = textColumn;
const num = numberColumn;
const date = (header: string): ColumnSpec => dateColumn(header, 12);

export const ACCOUNT_COLUMNS: readonly ColumnSpec[] = [
  text('Local Office', 22),
  text('TIS Username', 28, 'value'),
  text('First Name', 14, 'name'),
  text('Last Name', 16, 'name'),
  text('Email', 30, 'email'),
  text('GMC Number', 10, 'key'),
  text('User Type', 9),
  text('Roles', 30),
  text('Designated Bodies', 22),
  text('Local Offices (All)', 22),
  text('Trusts', 16),
  text('Active', 7),
  date('Created'),
  date('Last TIS Login'),
  text('TIS Login Source', 22),
  num('Days Since TIS Login', 8),
  text('Tableau User', 28, 'value'),
  text('Tableau Link', 9),
  text('Tableau Link Evidence', 40),
  date('Last Tableau Login'),
  num('Days Since Tableau Login', 8),
  text('Tableau Site Role', 14),
  text('Recommendation', 22),
  text('If Problems Resolved', 22),
  text('Reasons', 80),
  text('Outcome', 16),
  date('Outcome Date'),
  text('Actioned By', 16),
  num('TIS Export Line', 8),
];

const RECOMMENDATION_COLUMN = ACCOUNT_COLUMNS.findIndex((c) => c.header === 'Recommendation');
const okDate = (p: DateParse): Date | undefined => (p.status === 'ok' ? new Date(p.ms) : undefined);

export function accountRow(a: Account): Cell[] {
  const u = a.user;
  const t = a.tableau?.tableau;
  return [
    a.localOffice,
    u.username,
    u.firstName,
    u.lastName,
    u.emailRaw,
    u.gmcId,
    a.userType,
    u.roles.join('; '),
    a.designatedBodies.join('; '),
    a.localOffices.join('; '),
    a.trusts.join('; '),
    u.activeReadable ? (u.active ? 'Yes' : 'No') : 'Unreadable',
    okDate(u.created),
    a.tisLogin === undefined ? undefined : new Date(a.tisLogin.ms),
    a.tisLogin?.source,
    a.daysSinceTisLogin,
    t?.username,
    a.tableau?.method,
    a.tableau?.evidence ?? (a.nameTies.length > 0 ? `names match ${a.nameTies.length} Tableau users equally: not linked` : undefined),
    t === undefined ? undefined : okDate(t.lastLogin),
    a.daysSinceTableauLogin,
    t?.siteRole,
    a.recommendation,
    a.ifResolved,
    a.reasons.join('; '),
    undefined,
    undefined,
    undefined,
    u.line,
  ];
}

/** Excel sheet names: ≤ 31 characters, none of : \ / ? * [ ], unique case-insensitively. */
export function sheetName(wanted: string, taken: Set<string>): string {
  const clean = wanted.replace(/[:\\/?*[\]]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 31) || 'Sheet';
  let name = clean;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${clean.slice(0, 31 - ` (${i})`.length)} (${i})`;
  taken.add(name.toLowerCase());
  return name;
}

export interface OffboardTables {
  summary: OffboardTable;
  offices: OffboardTable[];
  dataProblems: OffboardTable;
  all: OffboardTable;
  unlinkedTableau: OffboardTable;
  rejected: OffboardTable;
}

/**
 * The report as tables: Summary (counts by Local Office × user type × recommendation), one
 * sheet per Local Office, Data Problems, All Accounts (redundant-accounts.csv), Unlinked
 * Tableau Users and Rejected Rows. `fileOf` names the input file of each source.
 */
export function buildOffboardTables(r: OffboardAnalysis, fileOf: (s: OffboardSource) => string, extraRejected: readonly OffboardReject[] = []): OffboardTables {
  const reserved = new Set(['summary', 'run details', 'data problems', 'all accounts', 'unlinked tableau users', 'rejected rows']);
  const taken = new Set(reserved);

  const summaryRows: Cell[][] = [];
  const officeNames = Object.keys(r.counts).sort((a, b) => cmp(officeSortKey(a), officeSortKey(b)));
  const total = (rec: Record<string, number>): number => RECOMMENDATIONS.reduce((s, k) => s + (rec[k] ?? 0), 0);
  const grand: Record<string, Record<string, number>> = {};
  for (const lo of officeNames) {
    const byType = r.counts[lo]!;
    const loTotal: Record<string, number> = {};
    for (const ut of USER_TYPES) {
      const rec = byType[ut];
      if (rec === undefined) continue;
      summaryRows.push([lo, ut, ...RECOMMENDATIONS.map((k) => rec[k] ?? 0), total(rec)]);
      for (const k of RECOMMENDATIONS) {
        bump(loTotal, k, rec[k] ?? 0);
        bump((grand[ut] ??= {}), k, rec[k] ?? 0);
      }
    }
    summaryRows.push([lo, 'All', ...RECOMMENDATIONS.map((k) => loTotal[k] ?? 0), total(loTotal)]);
  }
  const all: Record<string, number> = {};
  for (const ut of USER_TYPES) {
    const rec = grand[ut];
    if (rec === undefined) continue;
    summaryRows.push(['All Local Offices', ut, ...RECOMMENDATIONS.map((k) => rec[k] ?? 0), total(rec)]);
    for (const k of RECOMMENDATIONS) bump(all, k, rec[k] ?? 0);
  }
  summaryRows.push(['All Local Offices', 'All', ...RECOMMENDATIONS.map((k) => all[k] ?? 0), total(all)]);
  const summary: OffboardTable = {
    name: 'Summary',
    csvName: 'summary-counts.csv',
    columns: [text('Local Office', 24), text('User Type', 10), ...RECOMMENDATIONS.map((k) => num(k, 12)), num('Total', 8)],
    rows: summaryRows,
  };

  const offices: OffboardTable[] = officeNames.map((lo) => ({
    name: sheetName(lo, taken),
    columns: [...ACCOUNT_COLUMNS],
    rows: r.accounts.filter((a) => a.localOffice === lo).map(accountRow),
    flagColumn: RECOMMENDATION_COLUMN,
  }));

  const dataProblems: OffboardTable = {
    name: 'Data Problems',
    csvName: 'data-problems.csv',
    columns: [
      text('Local Office', 22),
      text('TIS Username', 28, 'value'),
      text('Email', 30, 'email'),
      text('User Type', 9),
      text('Recommendation', 14),
      text('If Problems Resolved', 22),
      text('Problem', 34),
      text('Detail', 70),
      text('What To Do', 70),
      num('TIS Export Line', 8),
    ],
    rows: r.accounts.flatMap((a) =>
      a.problems.map((p): Cell[] => [
        a.localOffice,
        a.user.username,
        a.user.emailRaw,
        a.userType,
        a.recommendation,
        a.ifResolved,
        PROBLEMS[p.code].label,
        p.detail,
        PROBLEMS[p.code].action,
        a.user.line,
      ]),
    ),
  };

  const allTable: OffboardTable = {
    name: 'All Accounts',
    csvName: 'redundant-accounts.csv',
    columns: [...ACCOUNT_COLUMNS],
    rows: r.accounts.map(accountRow),
    flagColumn: RECOMMENDATION_COLUMN,
  };

  const unlinkedTableau: OffboardTable = {
    name: 'Unlinked Tableau Users',
    csvName: 'unlinked-tableau-users.csv',
    columns: [
      text('Tableau User', 30, 'value'),
      text('Email', 30, 'email'),
      text('Full Name', 20, 'name'),
      text('Site Role', 14),
      text('Guest', 6),
      date('Last Tableau Login'),
      num('Days Since Tableau Login', 8),
      text('Note', 60),
      num('Tableau Export Line', 8),
    ],
    rows: r.unlinkedTableau.map((x) => [
      x.tableau.username,
      x.tableau.email,
      x.tableau.fullName,
      x.tableau.siteRole,
      x.tableau.guest ? 'Yes' : 'No',
      okDate(x.tableau.lastLogin),
      x.daysSinceLogin,
      x.note,
      x.tableau.line,
    ]),
  };

  const rejectedAll = [...extraRejected, ...r.rejected].sort(
    (a, b) => SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source) || a.line - b.line,
  );
  const rejected: OffboardTable = {
    name: 'Rejected Rows',
    csvName: 'rejected-rows.csv',
    columns: [text('File', 30), text('Source', 12), num('Line', 8), text('Reason', 60)],
    rows: rejectedAll.map((x) => [fileOf(x.source), x.source, x.line, x.reason]),
  };

  return { summary, offices, dataProblems, all: allTable, unlinkedTableau, rejected };
}


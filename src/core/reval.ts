/**
 * Revalidation connection lists (pure): who to Add, Remove, Ignore, flag for Review, or leave
 * alone, from TIS programme memberships, the GMC's list of connected doctors and the local
 * ignore list. The rules and trigger scenarios come from the revalidation connection rules
 * (seed); every decision names its idrecon reason code and the seed scenario(s) it implements.
 *
 * The rules are data: `RULES` is an ordered list and its order *is* the precedence. Each rule
 * states its whole condition (it does not rely on earlier rules having failed), so every rule
 * that matches a doctor can be reported, not just the winner.
 *
 * No fs, console, clock or process here: the as-of date comes in as a value (UTC ms).
 */
import { parseDate } from './normalise-date.js';
import { textColumn, type Cell, type ColumnSpec } from './table.js';

/** One UTC calendar day in ms. Dates are compared as whole UTC days (day numbers). */
const DAY_MS = 86_400_000;

export type RevalSource = 'doctors' | 'gmc' | 'hidden';
export const REVAL_SOURCES: readonly RevalSource[] = ['doctors', 'gmc', 'hidden'];

/** A loaded row: canonical field → raw cell (see the doctors, gmc and hidden profiles). */
export interface RevalSourceRow {
  line: number;
  fields: Readonly<Record<string, string | undefined>>;
}

export type Built<T> = { ok: true; record: T } | { ok: false; reason: string };

/** A row that could not be used. The reason names the column, never the value. */
export interface RowReject {
  source: RevalSource;
  line: number;
  reason: string;
}

// ---------------------------------------------------------------------------------------------
// Records

export interface Membership {
  line: number;
  programme: string;
  /** As written in the export (trimmed), e.g. "Substantive", "Military", "M", "Visitor". */
  membershipType: string;
  typeKind: 'military' | 'visitor' | 'other';
  /** UTC day numbers (days since 1970-01-01); endDay is Infinity for an open-ended membership. */
  startDay: number;
  endDay: number;
  /** CCT date: shown, and used to tell scenarios 8/10/12 apart, never to decide. */
  curriculumEndDay?: number;
  /** Curriculum names on this row (a cell may list several, separated by ";" or "|"). */
  curricula: string[];
  grade?: string;
  gradeId?: string;
  /** Grade F1 (TIS grade id 279): TIS excludes these doctors from connection lists. */
  isF1: boolean;
  /** Programme owner designated body (falls back to the row's TIS DB when empty). */
  ownerDb?: string;
}

export interface DoctorRow {
  line: number;
  /** Seven digits, or undefined when missing or invalid (→ Review, no GMC number). */
  gmcNumber?: string;
  firstName?: string;
  lastName?: string;
  /** Undefined: a TIS record with no programme membership (programme, type and dates empty). */
  membership?: Membership;
}

export type LicenceState = 'held' | 'removed' | 'unknown' | 'not-given';

export interface GmcRow {
  line: number;
  gmcNumber?: string;
  /** The connected designated body; undefined when the GMC lists the doctor unconnected. */
  db?: string;
  firstName?: string;
  lastName?: string;
  licence: LicenceState;
  /** The licence status as written, for the report. */
  licenceStatus?: string;
}

export interface HiddenRow {
  line: number;
  gmcNumber: string;
  db: string;
  reason?: string;
  hiddenBy?: string;
  /** Last UTC day the entry applies (inclusive); Infinity for "never expires". */
  untilDay: number;
}

/** Everything idrecon knows about one doctor: all rows from every file for one GMC number. */
export interface Doctor {
  /** GMC number, or "doctors:LINE" / "gmc:LINE" for a row without a valid GMC number. */
  key: string;
  gmcNumber?: string;
  tis: DoctorRow[];
  gmc: GmcRow[];
  hidden: HiddenRow[];
}

// ---------------------------------------------------------------------------------------------
// Normalisation

/** Digits only, exactly 7 (GMC reference numbers); anything else is "no GMC number". */
export function normaliseGmcNumber(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const digits = raw.replace(/\D/g, '');
  return /^\d{7}$/.test(digits) ? digits : undefined;
}

/** Designated body codes compare without case or spaces ("1-1rssq05 " is 1-1RSSQ05). */
export function normaliseDb(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const v = raw.replace(/\s+/g, '').toUpperCase();
  return v === '' ? undefined : v;
}

export function membershipTypeKind(raw: string | undefined): Membership['typeKind'] {
  const v = (raw ?? '').trim().toLowerCase();
  // The seed writes Military as "M"; TIS exports spell the types out.
  if (v === 'm' || v === 'military') return 'military';
  if (v === 'visitor') return 'visitor';
  return 'other';
}

/** F1 by grade abbreviation or name, or by TIS grade id 279. */
export function isF1Grade(grade: string | undefined, gradeId: string | undefined): boolean {
  if ((gradeId ?? '').trim() === '279') return true;
  const g = (grade ?? '').trim().toLowerCase();
  return g === 'f1' || g === 'fy1' || /^foundation\s+year\s*1\b/.test(g);
}

// Licence wording varies between GMC exports; "without" must be tested before "with".
const LICENCE_REMOVED =
  /suspend|erase|erasure|withdraw|revok|relinquish|without|no licen|not licen|unlicen|removed|lapse|not registered|^(no|n|false)$/i;
const LICENCE_HELD =
  /^(licen[cs]ed|licen[cs]e held|held|full|provisional|yes|y|true|active)$|with (a )?licen[cs]e/i;

export function licenceState(raw: string | undefined): LicenceState {
  const v = (raw ?? '').trim();
  if (v === '') return 'not-given';
  if (LICENCE_REMOVED.test(v)) return 'removed';
  if (LICENCE_HELD.test(v)) return 'held';
  return 'unknown';
}

const tidy = (v: string | undefined): string | undefined => {
  if (v === undefined) return undefined;
  const t = v.replace(/\s+/g, ' ').trim();
  return t === '' ? undefined : t;
};

function field(row: RevalSourceRow, name: string): string | undefined {
  return tidy(row.fields[name]);
}

export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** ISO 8601 date for a UTC day number ("" for none, "open" for Infinity). */
export function isoDay(day: number | undefined): string {
  if (day === undefined) return '';
  if (!Number.isFinite(day)) return 'open';
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

type DateRead = { day?: number; error?: string };

/**
 * Reads a date cell as a UTC day. `never` ("no end", 31/12/9999, FILETIME max) becomes
 * Infinity only where `allowNever`; elsewhere it is an error like any unparseable value.
 */
function readDate(row: RevalSourceRow, name: string, label: string, allowNever: boolean): DateRead {
  const raw = field(row, name);
  if (raw === undefined) return {};
  const d = parseDate(raw);
  if (d.status === 'ok') return { day: dayOf(d.ms) };
  if (d.status === 'empty') return {};
  if (d.status === 'never' && allowNever) return { day: Infinity };
  return { error: `${label} is not a date (expected dd/mm/yyyy, ISO 8601 or an Excel serial)` };
}

// ---------------------------------------------------------------------------------------------
// Row builders (one input row → a record or a reject naming the column)

export function buildDoctorRow(row: RevalSourceRow): Built<DoctorRow> {
  const base: DoctorRow = {
    line: row.line,
    gmcNumber: normaliseGmcNumber(field(row, 'gmcNumber')),
    firstName: field(row, 'firstName'),
    lastName: field(row, 'lastName'),
  };
  const programme = field(row, 'programme');
  const membershipType = field(row, 'membershipType');
  const startRaw = field(row, 'start');
  const endRaw = field(row, 'end');
  // A TIS person with no programme membership (outer-joined export): scenarios 7 and 18.
  if (programme === undefined && membershipType === undefined && startRaw === undefined && endRaw === undefined) {
    return { ok: true, record: base };
  }
  const start = readDate(row, 'start', 'Programme Start Date', false);
  if (start.error) return { ok: false, reason: start.error };
  if (start.day === undefined) return { ok: false, reason: 'Programme Start Date is empty' };
  const end = readDate(row, 'end', 'Programme End Date', true);
  if (end.error) return { ok: false, reason: end.error };
  if (end.day === undefined) return { ok: false, reason: 'Programme End Date is empty' };
  if (end.day < start.day) return { ok: false, reason: 'Programme End Date is before Programme Start Date' };
  const cct = readDate(row, 'curriculumEnd', 'Curriculum End Date', true);
  if (cct.error) return { ok: false, reason: cct.error };
  const grade = field(row, 'grade');
  const gradeId = field(row, 'gradeId');
  const curricula = (field(row, 'curriculum') ?? '')
    .split(/[;|]/)
    .map((c) => c.trim())
    .filter((c) => c !== '');
  return {
    ok: true,
    record: {
      ...base,
      membership: {
        line: row.line,
        programme: programme ?? '',
        membershipType: membershipType ?? '',
        typeKind: membershipTypeKind(membershipType),
        startDay: start.day,
        endDay: end.day,
        curriculumEndDay: cct.day !== undefined && Number.isFinite(cct.day) ? cct.day : undefined,
        curricula,
        grade,
        gradeId,
        isF1: isF1Grade(grade, gradeId),
        ownerDb: normaliseDb(field(row, 'ownerDb')) ?? normaliseDb(field(row, 'tisDb')),
      },
    },
  };
}

export function buildGmcRow(row: RevalSourceRow): Built<GmcRow> {
  const licenceStatus = field(row, 'licenceStatus');
  // Never rejected: a row without a valid number is still a doctor the GMC sent (→ Review),
  // and an empty designated body means "known to the GMC, not connected".
  return {
    ok: true,
    record: {
      line: row.line,
      gmcNumber: normaliseGmcNumber(field(row, 'gmcNumber')),
      db: normaliseDb(field(row, 'db')),
      firstName: field(row, 'firstName'),
      lastName: field(row, 'lastName'),
      licence: licenceState(licenceStatus),
      licenceStatus,
    },
  };
}

export function buildHiddenRow(row: RevalSourceRow): Built<HiddenRow> {
  // The ignore list is idrecon's own control file: an entry that cannot be keyed or dated
  // cannot be applied, so it is rejected rather than guessed at.
  const gmcNumber = normaliseGmcNumber(field(row, 'gmcNumber'));
  if (gmcNumber === undefined) return { ok: false, reason: 'GMC Number is empty or not 7 digits' };
  const db = normaliseDb(field(row, 'db'));
  if (db === undefined) return { ok: false, reason: 'Designated Body is empty' };
  const until = readDate(row, 'until', 'Until', true);
  if (until.error) return { ok: false, reason: until.error };
  if (until.day === undefined) return { ok: false, reason: 'Until is empty (an ignore entry must expire; use 31/12/9999 for never)' };
  return {
    ok: true,
    record: { line: row.line, gmcNumber, db, reason: field(row, 'reason'), hiddenBy: field(row, 'hiddenBy'), untilDay: until.day },
  };
}

// ---------------------------------------------------------------------------------------------
// Grouping

/**
 * Groups every record by GMC number. A TIS or GMC row without a valid GMC number cannot be
 * grouped safely (two "John Smith"s are not one doctor), so it becomes a doctor on its own.
 * Hidden entries join their GMC number's doctor, or make one (an ignore entry for a doctor in
 * neither file is still a doctor the local office decided about).
 */
export function buildDoctors(input: {
  doctors: readonly DoctorRow[];
  gmc: readonly GmcRow[];
  hidden: readonly HiddenRow[];
}): Doctor[] {
  const byKey = new Map<string, Doctor>();
  const get = (key: string, gmcNumber: string | undefined): Doctor => {
    let d = byKey.get(key);
    if (d === undefined) {
      d = { key, gmcNumber, tis: [], gmc: [], hidden: [] };
      byKey.set(key, d);
    }
    return d;
  };
  for (const r of input.doctors) get(r.gmcNumber ?? `doctors:${r.line}`, r.gmcNumber).tis.push(r);
  for (const r of input.gmc) get(r.gmcNumber ?? `gmc:${r.line}`, r.gmcNumber).gmc.push(r);
  for (const r of input.hidden) get(r.gmcNumber, r.gmcNumber).hidden.push(r);
  for (const d of byKey.values()) {
    d.tis.sort((a, b) => a.line - b.line);
    d.gmc.sort((a, b) => a.line - b.line);
    d.hidden.sort((a, b) => a.line - b.line);
  }
  return [...byKey.values()].sort(compareDoctors);
}

function firstLine(d: Doctor): [number, number] {
  const t = d.tis[0]?.line;
  if (t !== undefined) return [0, t];
  const g = d.gmc[0]?.line;
  if (g !== undefined) return [1, g];
  return [2, d.hidden[0]?.line ?? 0];
}

/** GMC number first; rows without one after, by file (doctors, gmc) then line. */
function compareDoctors(a: Doctor, b: Doctor): number {
  const ga = a.gmcNumber ?? '';
  const gb = b.gmcNumber ?? '';
  if ((ga === '') !== (gb === '')) return ga === '' ? 1 : -1;
  if (ga !== gb) return ga < gb ? -1 : 1;
  const [sa, la] = firstLine(a);
  const [sb, lb] = firstLine(b);
  return sa - sb || la - lb;
}

// ---------------------------------------------------------------------------------------------
// Facts: what the rules look at, computed once per doctor

export interface Facts {
  doctor: Doctor;
  asOfDay: number;
  inTis: boolean;
  memberships: Membership[];
  /** start ≤ as-of ≤ end, inclusive, whole UTC days. */
  current: Membership[];
  /** end < as-of. */
  ended: Membership[];
  /** start > as-of. */
  future: Membership[];
  /** Owner DBs of current memberships, sorted, unique. */
  currentOwners: string[];
  /** DBs the GMC lists the doctor as connected to, sorted, unique. */
  gmcDbs: string[];
  licence: LicenceState;
  licenceStatus?: string;
  /** The ignore entry that applies (unexpired, for a DB in question), if any. */
  hiddenApplied?: HiddenRow;
  /** Unexpired entries for a DB the doctor no longer relates to (scenario 15). */
  hiddenOtherDb: HiddenRow[];
  /** Entries whose until date has passed (scenario 14). */
  hiddenExpired: HiddenRow[];
}

const uniqSorted = (xs: Iterable<string | undefined>): string[] =>
  [...new Set([...xs].filter((x): x is string => x !== undefined))].sort();

/** The worst licence state across the doctor's GMC rows: removed > unknown > held > not given. */
function worstLicence(rows: readonly GmcRow[]): { state: LicenceState; status?: string } {
  const order: LicenceState[] = ['removed', 'unknown', 'held', 'not-given'];
  for (const s of order) {
    const r = rows.find((g) => g.licence === s);
    if (r) return { state: s, status: r.licenceStatus };
  }
  return { state: 'not-given' };
}

export function factsOf(doctor: Doctor, asOfMs: number): Facts {
  const asOfDay = dayOf(asOfMs);
  const memberships = doctor.tis.flatMap((r) => (r.membership ? [r.membership] : []));
  const current = memberships.filter((m) => m.startDay <= asOfDay && asOfDay <= m.endDay);
  const ended = memberships.filter((m) => m.endDay < asOfDay);
  const future = memberships.filter((m) => m.startDay > asOfDay);
  const currentOwners = uniqSorted(current.map((m) => m.ownerDb));
  const gmcDbs = uniqSorted(doctor.gmc.map((g) => g.db));
  const licence = worstLicence(doctor.gmc);

  // An ignore entry is per (GMC number, DB): it applies while unexpired and while its DB is
  // still one the doctor is listed under: the GMC connection or a current programme owner.
  // With neither, the doctor is on every office's list, so any unexpired entry applies.
  const inQuestion = new Set([...gmcDbs, ...currentOwners]);
  const unexpired = doctor.hidden.filter((h) => h.untilDay >= asOfDay);
  const applicable = unexpired.filter((h) => inQuestion.size === 0 || inQuestion.has(h.db));
  // Several applicable entries: the longest-lasting wins, then DB, then line (deterministic).
  const hiddenApplied = [...applicable].sort((a, b) => b.untilDay - a.untilDay || (a.db < b.db ? -1 : a.db > b.db ? 1 : 0) || a.line - b.line)[0];
  return {
    doctor,
    asOfDay,
    inTis: doctor.tis.length > 0,
    memberships,
    current,
    ended,
    future,
    currentOwners,
    gmcDbs,
    licence: licence.state,
    licenceStatus: licence.status,
    hiddenApplied,
    hiddenOtherDb: unexpired.filter((h) => !applicable.includes(h)),
    hiddenExpired: doctor.hidden.filter((h) => h.untilDay < asOfDay),
  };
}

// ---------------------------------------------------------------------------------------------
// Rules

export type RevalAction = 'Add' | 'Remove' | 'Ignore' | 'Review' | 'No action';
export const REVAL_ACTIONS: readonly RevalAction[] = ['Add', 'Remove', 'Ignore', 'Review', 'No action'];

/** GMC Connect reason codes (formats.md): only ever "no connection" or "has a connection" here. */
export interface GmcReason {
  code: number;
  text: string;
}
export const GMC_ADD_REASON: GmcReason = { code: 1, text: 'The doctor has a connection with this designated body' };
export const GMC_REMOVE_REASON: GmcReason = { code: 3, text: 'The doctor does not have a connection with this designated body' };

interface RuleMatch {
  reason: string;
  /** The DB an Add or Remove is for. */
  target?: string;
  /** Scenarios when they depend on the data (else the rule's own). */
  scenarios?: number[];
}

export interface Rule {
  code: string;
  action: RevalAction;
  /** Seed trigger scenarios the rule implements (empty: an idrecon data check). */
  scenarios: readonly number[];
  /** One line for docs and the Summary sheet. */
  summary: string;
  test: (f: Facts) => RuleMatch | undefined;
}

const list = (xs: readonly string[]): string => xs.join('; ');

/** The single GMC DB, when there is exactly one (two or more is its own Review rule). */
const oneGmcDb = (f: Facts): string | undefined => (f.gmcDbs.length === 1 ? f.gmcDbs[0] : undefined);
const oneOwner = (f: Facts): string | undefined => (f.currentOwners.length === 1 ? f.currentOwners[0] : undefined);

function latestEnded(f: Facts): Membership | undefined {
  return [...f.ended].sort((a, b) => b.endDay - a.endDay || a.line - b.line)[0];
}

function jointProgramme(f: Facts): { programme: string; dbs: string[] } | undefined {
  const byProgramme = new Map<string, Set<string>>();
  for (const m of f.current) {
    if (m.ownerDb === undefined) continue;
    const k = m.programme.toLowerCase();
    byProgramme.set(k, (byProgramme.get(k) ?? new Set()).add(m.ownerDb));
  }
  for (const [k, dbs] of [...byProgramme].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (dbs.size >= 2) {
      const programme = f.current.find((m) => m.programme.toLowerCase() === k)?.programme ?? k;
      return { programme, dbs: [...dbs].sort() };
    }
  }
  return undefined;
}

function overlappingDbs(f: Facts): string[] | undefined {
  for (const a of f.current) {
    for (const b of f.current) {
      if (a.ownerDb && b.ownerDb && a.ownerDb !== b.ownerDb && a.programme.toLowerCase() !== b.programme.toLowerCase()) {
        return f.currentOwners;
      }
    }
  }
  return undefined;
}

function dualCurriculum(f: Facts): { programme: string; curricula: string[] } | undefined {
  const byProgramme = new Map<string, Set<string>>();
  for (const m of f.current) {
    const k = `${m.programme.toLowerCase()}\u0000${m.ownerDb ?? ''}`;
    const set = byProgramme.get(k) ?? new Set<string>();
    for (const c of m.curricula) set.add(c);
    byProgramme.set(k, set);
  }
  for (const [k, set] of [...byProgramme].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // Compare curricula without case: "General Surgery" twice is one curriculum.
    const byKey = new Map<string, string>();
    for (const c of [...set].sort()) if (!byKey.has(c.toLowerCase())) byKey.set(c.toLowerCase(), c);
    const distinct = [...byKey.values()].sort();
    if (distinct.length >= 2) {
      const programme = f.current.find((m) => `${m.programme.toLowerCase()}\u0000${m.ownerDb ?? ''}` === k)?.programme ?? '';
      return { programme, curricula: distinct };
    }
  }
  return undefined;
}

/**
 * The rules in precedence order: the first that matches decides. Rationale for the order:
 * 1. no GMC number and conflicting GMC data first: nothing can be keyed or sent;
 * 2. F1 and Military next: TIS leaves them out of connection lists altogether;
 * 3. licence removed: a GMC fact that outweighs any local decision;
 * 4. the ignore list: a person's deliberate decision persists (until its date) over the
 *    automatic red flags and add/remove suggestions;
 * 5. red flags (joint, overlap, dual curriculum, Visitor, no owner DB): never sent to the GMC;
 * 6. Remove, then Add, then Ignore (no membership, no DB), then No action.
 */
export const RULES: readonly Rule[] = [
  {
    code: 'REVIEW-NO-GMC-NUMBER',
    action: 'Review',
    scenarios: [23],
    summary: 'No GMC number (missing or not 7 digits): cannot be connected or matched',
    test: (f) =>
      f.doctor.gmcNumber === undefined
        ? {
            reason: f.inTis
              ? 'TIS record without a valid GMC number (missing or not 7 digits): cannot be connected or matched to the GMC list'
              : 'GMC list row without a valid GMC number (missing or not 7 digits)',
          }
        : undefined,
  },
  {
    code: 'REVIEW-GMC-MULTIPLE-DBS',
    action: 'Review',
    scenarios: [],
    summary: 'The GMC list connects the doctor to two or more designated bodies',
    test: (f) =>
      f.gmcDbs.length >= 2
        ? { reason: `The GMC list connects this doctor to ${f.gmcDbs.length} designated bodies (${list(f.gmcDbs)}); a doctor has one` }
        : undefined,
  },
  {
    code: 'IGNORE-F1',
    action: 'Ignore',
    scenarios: [16],
    summary: 'Current membership at grade F1 (grade id 279): TIS leaves F1 doctors out of connection lists',
    test: (f) => (f.current.some((m) => m.isF1) ? { reason: 'Current programme membership at grade F1: F1 doctors are not managed in connection lists' } : undefined),
  },
  {
    code: 'IGNORE-MILITARY',
    action: 'Ignore',
    scenarios: [17],
    summary: 'Current membership type Military: TIS leaves Military doctors out of connection lists',
    test: (f) =>
      f.current.some((m) => m.typeKind === 'military')
        ? { reason: 'Current programme membership type is Military: Military doctors are not managed in connection lists' }
        : undefined,
  },
  {
    code: 'REMOVE-LICENCE',
    action: 'Remove',
    scenarios: [11],
    summary: 'Connected, and the GMC shows the licence to practise removed',
    test: (f) => {
      const db = oneGmcDb(f);
      return db !== undefined && f.licence === 'removed'
        ? { reason: `Licence to practise removed (GMC status "${f.licenceStatus ?? ''}"): remove the connection to ${db}`, target: db }
        : undefined;
    },
  },
  {
    code: 'REVIEW-LICENCE-UNKNOWN',
    action: 'Review',
    scenarios: [],
    summary: 'GMC licence status not recognised: check before acting',
    test: (f) =>
      f.licence === 'unknown' ? { reason: `GMC licence status "${f.licenceStatus ?? ''}" is not recognised: check it before acting` } : undefined,
  },
  {
    code: 'IGNORE-HIDDEN',
    action: 'Ignore',
    scenarios: [13],
    summary: 'On the --hidden ignore list for a DB in question, until date not passed',
    test: (f) => {
      const h = f.hiddenApplied;
      if (h === undefined) return undefined;
      const until = Number.isFinite(h.untilDay) ? `until ${isoDay(h.untilDay)}` : 'with no end date';
      // The entry's free-text reason and author go in their own columns (redactable), not here.
      return { reason: `On the ignore list for ${h.db} ${until}` };
    },
  },
  {
    code: 'REVIEW-JOINT',
    action: 'Review',
    scenarios: [20],
    summary: 'Joint programme membership: one current programme owned by two or more DBs',
    test: (f) => {
      const j = jointProgramme(f);
      return j ? { reason: `Joint programme membership: "${j.programme}" is owned by ${j.dbs.length} designated bodies (${list(j.dbs)})` } : undefined;
    },
  },
  {
    code: 'REVIEW-OVERLAP',
    action: 'Review',
    scenarios: [21],
    summary: 'Current memberships of different programmes overlap across two or more DBs',
    test: (f) => {
      const dbs = overlappingDbs(f);
      return dbs ? { reason: `Current programme memberships overlap across ${dbs.length} designated bodies (${list(dbs)})` } : undefined;
    },
  },
  {
    code: 'REVIEW-DUAL-CURRICULUM',
    action: 'Review',
    scenarios: [24],
    summary: 'A current programme membership with two or more curricula',
    test: (f) => {
      const d = dualCurriculum(f);
      return d ? { reason: `Dual curriculum: current programme "${d.programme}" has ${d.curricula.length} curricula (${list(d.curricula)})` } : undefined;
    },
  },
  {
    code: 'REVIEW-VISITOR',
    action: 'Review',
    scenarios: [19],
    summary: 'Current membership type Visitor',
    test: (f) => (f.current.some((m) => m.typeKind === 'visitor') ? { reason: 'Current programme membership type is Visitor' } : undefined),
  },
  {
    code: 'REVIEW-NO-OWNER-DB',
    action: 'Review',
    scenarios: [],
    summary: 'Current membership with no programme owner designated body: cannot tell where to connect',
    test: (f) =>
      f.current.length > 0 && f.currentOwners.length === 0
        ? { reason: 'Current programme membership has no programme owner designated body: cannot tell where to connect' }
        : undefined,
  },
  {
    code: 'REMOVE-NOT-IN-TIS',
    action: 'Remove',
    scenarios: [6],
    summary: 'Connected per the GMC, but no TIS record for the GMC number',
    test: (f) => {
      const db = oneGmcDb(f);
      return db !== undefined && !f.inTis ? { reason: `Connected to ${db} per the GMC, but there is no TIS record for this GMC number`, target: db } : undefined;
    },
  },
  {
    code: 'REMOVE-NO-MEMBERSHIP',
    action: 'Remove',
    scenarios: [7],
    summary: 'Connected, but the TIS record has no programme membership',
    test: (f) => {
      const db = oneGmcDb(f);
      return db !== undefined && f.inTis && f.memberships.length === 0
        ? { reason: `Connected to ${db}, but the TIS record has no programme membership`, target: db }
        : undefined;
    },
  },
  {
    code: 'REMOVE-EXPIRED',
    action: 'Remove',
    scenarios: [5, 9],
    summary: 'Connected, and every programme membership has ended (programme end date before as-of; CCT date not used)',
    test: (f) => {
      const db = oneGmcDb(f);
      const last = latestEnded(f);
      if (db === undefined || f.current.length > 0 || f.future.length > 0 || last === undefined) return undefined;
      const cct = last.curriculumEndDay;
      // Scenarios 8/12: programme end before the CCT date still removes (the seed insists on
      // the programme end date); scenario 10: the CCT date has passed as well.
      const scenarios = [5, 9, ...(cct !== undefined && cct > last.endDay ? [8, 12] : []), ...(cct !== undefined && cct < f.asOfDay ? [10] : [])];
      const cctText = cct !== undefined ? `; CCT date ${isoDay(cct)}${cct >= f.asOfDay ? ' is later, but the programme end date decides' : ''}` : '';
      return { reason: `Connected to ${db}, but the last programme membership ended on ${isoDay(last.endDay)}${cctText}`, target: db, scenarios };
    },
  },
  {
    code: 'REMOVE-NOT-STARTED',
    action: 'Remove',
    // The seed's Remove list item "no current programme membership, has designated body";
    // no numbered scenario covers a membership that has not started yet.
    scenarios: [],
    summary: 'Connected, but no membership is current: the next one has not started',
    test: (f) => {
      const db = oneGmcDb(f);
      const next = [...f.future].sort((a, b) => a.startDay - b.startDay || a.line - b.line)[0];
      return db !== undefined && f.current.length === 0 && next !== undefined
        ? { reason: `Connected to ${db}, but no programme membership is current: the next starts on ${isoDay(next.startDay)}`, target: db }
        : undefined;
    },
  },
  {
    code: 'REVIEW-NO-LICENCE',
    action: 'Review',
    scenarios: [11],
    summary: 'Would be added, but the GMC shows the licence to practise removed',
    test: (f) => {
      const owner = oneOwner(f);
      return owner !== undefined && f.licence === 'removed' && !f.gmcDbs.includes(owner)
        ? { reason: `Current programme membership with ${owner}, but the GMC shows the licence to practise removed ("${f.licenceStatus ?? ''}"): do not add` }
        : undefined;
    },
  },
  {
    code: 'ADD-NO-CONNECTION',
    action: 'Add',
    scenarios: [1],
    summary: 'Current programme membership and no designated body connected',
    test: (f) => {
      const owner = oneOwner(f);
      const m = f.current.find((c) => c.ownerDb === owner);
      return owner !== undefined && m !== undefined && f.gmcDbs.length === 0 && f.licence !== 'removed'
        ? { reason: `Current programme membership with ${owner} (${isoDay(m.startDay)} to ${isoDay(m.endDay)}) and no designated body connected`, target: owner }
        : undefined;
    },
  },
  {
    code: 'ADD-DB-MISMATCH',
    action: 'Add',
    scenarios: [4],
    summary: "Connected to a DB other than the current programme owner's",
    test: (f) => {
      const owner = oneOwner(f);
      const db = oneGmcDb(f);
      return owner !== undefined && db !== undefined && db !== owner && f.licence !== 'removed'
        ? { reason: `Current programme membership with ${owner}, but connected to ${db}: adding to ${owner} moves the connection`, target: owner }
        : undefined;
    },
  },
  {
    code: 'IGNORE-NO-MEMBERSHIP',
    action: 'Ignore',
    scenarios: [18],
    summary: 'No current programme membership and no designated body connected',
    test: (f) =>
      f.current.length === 0 && f.gmcDbs.length === 0
        ? { reason: f.memberships.length === 0 ? 'No programme membership and no designated body connected' : 'No current programme membership and no designated body connected' }
        : undefined,
  },
  {
    code: 'NONE-CONNECTED',
    action: 'No action',
    scenarios: [2],
    summary: 'Connected to the current programme owner: correctly connected',
    test: (f) => {
      const owner = oneOwner(f);
      return owner !== undefined && f.gmcDbs.length === 1 && f.gmcDbs[0] === owner
        ? { reason: `Connected to ${owner}, the owner of the current programme membership`, target: owner }
        : undefined;
    },
  },
];

export type ReasonCode = string;
export const REASON_CODES: readonly string[] = RULES.map((r) => r.code);

// ---------------------------------------------------------------------------------------------
// Decisions

export interface Decision {
  key: string;
  gmcNumber?: string;
  firstName?: string;
  lastName?: string;
  action: RevalAction;
  code: string;
  reason: string;
  /** Seed scenario numbers, sorted. */
  scenarios: number[];
  /** Only for Add and Remove (the only actions ever sent to the GMC). */
  gmcReason?: GmcReason;
  /** The DB an Add or Remove (or No action) concerns. */
  targetDb?: string;
  /** DBs whose local office may act on the row; empty with `editableByAll`. */
  editableBy: string[];
  /** No current connection (Ignore/Review/No action): every local office may act. */
  editableByAll: boolean;
  /** DBs that see the row read-only: past connections (see `pastDbs`). */
  readOnly: string[];
  /** Every other rule that also matched, in precedence order (the winner excluded). */
  alsoMatched: string[];
  /** Red flag: shown in red in the All sheet; never sent to the GMC. */
  redFlag: boolean;
  /** Memberships shown in the row: current ones, else the latest ended, else the next. */
  shown: Membership[];
  currentOwners: string[];
  gmcDbs: string[];
  licenceStatus?: string;
  hidden?: HiddenRow;
  notes: string[];
  /** Input lines that made this doctor, per file (nothing lost). */
  lines: Record<RevalSource, number[]>;
}

/**
 * Past connections (read-only): owners of ended memberships, DBs on any ignore-list entry for
 * the doctor, and any other DB the doctor is connected to or owned by now that is not the one
 * acting (e.g. the DB an Add moves the connection away from). Empty when everyone may edit.
 */
function pastDbs(f: Facts, editable: readonly string[]): string[] {
  return uniqSorted([
    ...f.ended.map((m) => m.ownerDb),
    ...f.doctor.hidden.map((h) => h.db),
    ...f.gmcDbs,
    ...f.currentOwners,
  ]).filter((db) => !editable.includes(db));
}

function shownMemberships(f: Facts): Membership[] {
  const byStart = (a: Membership, b: Membership): number => a.startDay - b.startDay || a.line - b.line;
  if (f.current.length > 0) return [...f.current].sort(byStart);
  const last = latestEnded(f);
  if (last) return [last];
  const next = [...f.future].sort(byStart)[0];
  return next ? [next] : [];
}

/** Checks the seed's interaction rules on one decision; returns every breach (empty = fine). */
export function interactionProblems(d: Decision): string[] {
  const out: string[] = [];
  if (d.action === 'Add') {
    if (d.targetDb === undefined) out.push('Add without a target DB');
    else if (d.gmcDbs.includes(d.targetDb)) out.push('Add where a connection to that DB already exists');
  }
  if (d.action === 'Remove') {
    if (d.targetDb === undefined) out.push('Remove without a target DB');
    else if (!d.gmcDbs.includes(d.targetDb)) out.push('Remove where there is no connection to that DB');
  }
  if ((d.action === 'Add' || d.action === 'Remove') !== (d.gmcReason !== undefined)) {
    out.push('only Add and Remove carry a GMC reason (Ignore and Review are never sent to the GMC)');
  }
  if (d.editableByAll && (d.editableBy.length > 0 || d.readOnly.length > 0)) out.push('editable by all, yet scoped to DBs');
  if (!d.editableByAll && d.editableBy.length === 0) out.push('nobody may edit');
  if (d.readOnly.some((db) => d.editableBy.includes(db))) out.push('a DB both edits and reads only');
  return out;
}

export function classifyDoctor(doctor: Doctor, asOfMs: number): Decision {
  const f = factsOf(doctor, asOfMs);
  const matches = RULES.map((rule) => ({ rule, match: rule.test(f) })).filter(
    (x): x is { rule: Rule; match: RuleMatch } => x.match !== undefined,
  );
  const winner = matches[0];
  // The rules are complete (every combination of facts meets one); reaching here is a bug.
  if (winner === undefined) throw new Error(`reval: no rule matched doctor ${doctor.key}`);
  const { rule, match } = winner;

  const notes: string[] = [];
  const scenarios = new Set<number>(match.scenarios ?? rule.scenarios);
  if (rule.code !== 'IGNORE-HIDDEN') {
    for (const h of f.hiddenExpired) {
      notes.push(`Ignore entry for ${h.db} expired on ${isoDay(h.untilDay)}`);
      scenarios.add(14);
    }
    for (const h of f.hiddenOtherDb) {
      notes.push(`Ignore entry for ${h.db} no longer applies: the doctor is now with ${list(uniqSorted([...f.gmcDbs, ...f.currentOwners]))}`);
      scenarios.add(15);
    }
  }

  const connected = f.gmcDbs.length > 0;
  let editableBy: string[];
  if ((rule.action === 'Add' || rule.action === 'Remove') && match.target !== undefined) editableBy = [match.target];
  else if (connected) editableBy = f.gmcDbs;
  else editableBy = [];
  const editableByAll = editableBy.length === 0;

  const t = doctor.tis.find((r) => r.firstName !== undefined || r.lastName !== undefined);
  const g = doctor.gmc.find((r) => r.firstName !== undefined || r.lastName !== undefined);
  const decision: Decision = {
    key: doctor.key,
    gmcNumber: doctor.gmcNumber,
    firstName: t?.firstName ?? g?.firstName,
    lastName: t?.lastName ?? g?.lastName,
    action: rule.action,
    code: rule.code,
    reason: match.reason,
    scenarios: [...scenarios].sort((a, b) => a - b),
    gmcReason: rule.action === 'Add' ? GMC_ADD_REASON : rule.action === 'Remove' ? GMC_REMOVE_REASON : undefined,
    targetDb: match.target,
    editableBy,
    editableByAll,
    readOnly: editableByAll ? [] : pastDbs(f, editableBy),
    alsoMatched: matches.slice(1).map((m) => m.rule.code),
    redFlag: rule.action === 'Review',
    shown: shownMemberships(f),
    currentOwners: f.currentOwners,
    gmcDbs: f.gmcDbs,
    licenceStatus: f.licenceStatus,
    hidden: rule.code === 'IGNORE-HIDDEN' ? f.hiddenApplied : undefined,
    notes,
    lines: {
      doctors: doctor.tis.map((r) => r.line),
      gmc: doctor.gmc.map((r) => r.line),
      hidden: doctor.hidden.map((r) => r.line),
    },
  };
  const problems = interactionProblems(decision);
  if (problems.length > 0) throw new Error(`reval: decision for ${doctor.key} breaks the interaction rules: ${problems.join('; ')}`);
  return decision;
}

/** One decision per doctor, in the doctors' order (GMC number, then file and line). */
export function classify(doctors: readonly Doctor[], asOfMs: number): Decision[] {
  return [...doctors].sort(compareDoctors).map((d) => classifyDoctor(d, asOfMs));
}

// ---------------------------------------------------------------------------------------------
// Nothing lost

export interface Balance {
  source: RevalSource;
  inputRows: number;
  accountedRows: number;
  rejectedRows: number;
  balanced: boolean;
}

/**
 * Every input row must be in exactly one doctor's decision or in the rejected rows. A row
 * counted twice (in two decisions) or not at all breaks the balance.
 */
export function balanceRows(
  inputRows: Readonly<Partial<Record<RevalSource, number>>>,
  decisions: readonly Decision[],
  rejects: readonly RowReject[],
): Balance[] {
  return REVAL_SOURCES.filter((s) => inputRows[s] !== undefined).map((source) => {
    const lines = decisions.flatMap((d) => d.lines[source]);
    const rejected = rejects.filter((r) => r.source === source);
    const seen = new Set<number>();
    let duplicates = 0;
    for (const l of [...lines, ...rejected.map((r) => r.line)]) {
      if (seen.has(l)) duplicates++;
      seen.add(l);
    }
    const inputCount = inputRows[source] ?? 0;
    return {
      source,
      inputRows: inputCount,
      accountedRows: lines.length,
      rejectedRows: rejected.length,
      balanced: duplicates === 0 && inputCount === lines.length + rejected.length,
    };
  });
}

export interface RevalCounts {
  doctors: number;
  byAction: Record<RevalAction, number>;
  byReason: Record<string, number>;
  /** Decisions an office would submit to the GMC (Add and Remove). */
  toSubmit: number;
}

export function countDecisions(decisions: readonly Decision[]): RevalCounts {
  const byAction = Object.fromEntries(REVAL_ACTIONS.map((a) => [a, 0])) as Record<RevalAction, number>;
  const byReason: Record<string, number> = Object.fromEntries(REASON_CODES.map((c) => [c, 0]));
  for (const d of decisions) {
    byAction[d.action]++;
    byReason[d.code] = (byReason[d.code] ?? 0) + 1;
  }
  return { doctors: decisions.length, byAction, byReason, toSubmit: byAction.Add + byAction.Remove };
}

// ---------------------------------------------------------------------------------------------
// Report tables (fixed column order: part of the output contract in docs/reval.md)

export interface RevalTable {
  name: string;
  csvName: string;
  columns: ColumnSpec[];
  rows: Cell[][];
  /** XLSX: rows to fill red. */
  flagRow?: (row: Cell[]) => boolean;
}

const text = textColumn;

export const DECISION_COLUMNS: readonly ColumnSpec[] = [
  text('GMC Number', 11, 'key'),
  text('Forename', 14, 'name'),
  text('Surname', 16, 'name'),
  text('Programme', 30),
  text('Membership Type', 13),
  text('Programme Start', 12),
  text('Programme End', 12),
  text('CCT Date', 12),
  text('Grade', 8),
  text('TIS DB', 12),
  text('GMC DB', 12),
  text('Licence Status', 14),
  text('Action', 10),
  text('Reason Code', 24),
  text('Reason', 60),
  text('Scenario', 9),
  text('GMC Reason Code', 8),
  text('GMC Reason', 40),
  text('Editable By', 14),
  text('Read Only', 24),
  text('Red Flag', 8),
  text('Also Matched', 30),
  text('Hidden Until', 12),
  text('Hidden By', 16, 'value'),
  text('Hidden Reason', 24, 'value'),
  text('Notes', 40),
  text('Source Rows', 24),
];

const ACTION_COLUMN = DECISION_COLUMNS.findIndex((c) => c.header === 'Action');

const joinUnique = (xs: readonly string[]): string => [...new Set(xs.filter((x) => x !== ''))].join('; ');

export function decisionRow(d: Decision): Cell[] {
  const m = d.shown;
  const cct = m.map((x) => x.curriculumEndDay).filter((x): x is number => x !== undefined);
  const lines = REVAL_SOURCES.filter((s) => d.lines[s].length > 0)
    .map((s) => `${s} ${d.lines[s].join(', ')}`)
    .join('; ');
  return [
    d.gmcNumber ?? '',
    d.firstName ?? '',
    d.lastName ?? '',
    joinUnique(m.map((x) => x.programme)),
    joinUnique(m.map((x) => x.membershipType)),
    joinUnique(m.map((x) => isoDay(x.startDay))),
    joinUnique(m.map((x) => isoDay(x.endDay))),
    // Of several curricula, the most recent CCT date counts (seed, scenario 10 note).
    cct.length > 0 ? isoDay(Math.max(...cct)) : '',
    joinUnique(m.map((x) => x.grade ?? '')),
    list(d.currentOwners),
    list(d.gmcDbs),
    d.licenceStatus ?? '',
    d.action,
    d.code,
    d.reason,
    d.scenarios.join(', '),
    d.gmcReason ? String(d.gmcReason.code) : '',
    d.gmcReason?.text ?? '',
    d.editableByAll ? 'All local offices' : list(d.editableBy),
    list(d.readOnly),
    d.redFlag ? 'Yes' : '',
    d.alsoMatched.join('; '),
    d.hidden ? isoDay(d.hidden.untilDay) : '',
    d.hidden?.hiddenBy ?? '',
    d.hidden?.reason ?? '',
    d.notes.join('; '),
    lines,
  ];
}

const isReviewRow = (row: Cell[]): boolean => row[ACTION_COLUMN] === 'Review';

export const REJECT_COLUMNS: readonly ColumnSpec[] = [text('File', 30), text('Source', 8), { header: 'Line', kind: 'number', width: 6 }, text('Reason', 70)];

/** The lists: Add, Remove, Ignore, Review, No Action, All (review rows red), Rejected Rows. */
export function buildRevalTables(
  decisions: readonly Decision[],
  rejects: readonly RowReject[],
  fileOf: (source: RevalSource) => string,
): RevalTable[] {
  const table = (name: string, csvName: string, action?: RevalAction): RevalTable => ({
    name,
    csvName,
    columns: [...DECISION_COLUMNS],
    rows: decisions.filter((d) => action === undefined || d.action === action).map(decisionRow),
  });
  const rejected = [...rejects]
    .sort((a, b) => REVAL_SOURCES.indexOf(a.source) - REVAL_SOURCES.indexOf(b.source) || a.line - b.line)
    .map((r): Cell[] => [fileOf(r.source), r.source, r.line, r.reason]);
  return [
    table('Add', 'connections-add.csv', 'Add'),
    table('Remove', 'connections-remove.csv', 'Remove'),
    table('Ignore', 'connections-ignore.csv', 'Ignore'),
    table('Review', 'connections-review.csv', 'Review'),
    table('No Action', 'connections-no-action.csv', 'No action'),
    { ...table('All', 'connections-all.csv'), flagRow: isReviewRow },
    { name: 'Rejected Rows', csvName: 'connections-rejected-rows.csv', columns: [...REJECT_COLUMNS], rows: rejected },
  ];
}

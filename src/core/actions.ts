/**
 * Data validation actions (JML onboarding guide, sections 6.3–6.6, 8.7; FAQ 11.15, 11.29):
 * what each team must fix before JML switch-on, derived from a ReconcileResult. Pure.
 *
 * - Anchor updates: one row per proposed field change, owned by Workforce (ESR) or IT
 *   (NHSmail, AD). ESR is authoritative for names and mobile; NHSmail for the email address
 *   and NHSmail ID that ESR and AD must carry.
 * - Issues: person-level problems with a code and a plain explanation.
 */
import type { Config } from './config.js';
import { daysBetween, toIsoDate } from './normalise-date.js';
import { personLines, type EsrPerson } from './people.js';
import { duplicateGroups, hashKey, IntPairs, itemsSharingAHash, KeyTableBuilder } from './key-table.js';
import { Int32Pool } from './int32-pool.js';
import type { AdAccount, NhsmailAccount } from './records.js';
import type { ReconcileResult, ReconciledIdentity } from './reconcile.js';

export type System = 'ESR' | 'NHSmail' | 'AD';

export interface AnchorUpdate {
  system: System;
  /** ESR Employee Number, NHSmail email, or AD sAMAccountName. */
  key: string;
  lines: string;
  field: string;
  /** For AD rows: the AD attribute a Set-ADUser loop writes. */
  adAttribute?: string;
  current?: string;
  proposed: string;
  reason: string;
  owner: 'Workforce' | 'IT';
}

export type IssueCode =
  | 'NHSMAIL_DELETED'
  | 'NHSMAIL_DISABLED'
  | 'NHSMAIL_INACTIVE'
  | 'NHSMAIL_DUE_FOR_DELETION'
  | 'AD_LINKED_TO_DELETED_NHSMAIL'
  | 'TWO_ORGANISATIONS'
  | 'LEAVER_NHSMAIL_ACTIVE'
  | 'LEAVER_AD_ENABLED'
  | 'DUPLICATE_ESR_EMAIL'
  | 'DUPLICATE_NHSMAIL_EMPLOYEE_NUMBER'
  | 'DUPLICATE_NHSMAIL_ID'
  | 'DUPLICATE_NHSMAIL_EMAIL'
  | 'DUPLICATE_AD_EMPLOYEE_ID'
  | 'DUPLICATE_AD_NHSMAIL_ID'
  | 'DUPLICATE_AD_MAIL'
  | 'ESR_AD_WITHOUT_NHSMAIL';

/**
 * The duplicate checks over one export's own records (an NHSmail account's or an AD account's
 * fields, nothing matched): each a code and the key records must not share. A load worker can
 * hash their keys as it reads (SourceKeyHashes), so that findIssues need only look again at the
 * few records whose hashes another shares.
 */
export const SOURCE_DUPLICATE_CHECKS: { readonly nhsmail: readonly SourceCheck<NhsmailAccount>[]; readonly ad: readonly SourceCheck<AdAccount>[] } = {
  nhsmail: [
    { code: 'DUPLICATE_NHSMAIL_EMPLOYEE_NUMBER', what: () => 'Employee Number', key: (m) => m.employeeNumber },
    { code: 'DUPLICATE_NHSMAIL_ID', what: () => 'NHSmail ID', key: (m) => m.nhsmailId },
    // Primary addresses are unique in the Portal; a repeat means a report stitched from two exports.
    { code: 'DUPLICATE_NHSMAIL_EMAIL', what: () => 'primary email address', key: (m) => m.email.value },
  ],
  ad: [
    { code: 'DUPLICATE_AD_EMPLOYEE_ID', what: () => 'employeeID', key: (a) => a.employeeNumber },
    { code: 'DUPLICATE_AD_NHSMAIL_ID', what: (config) => `NHSmail ID (${config.ad.nhsmailIdAttribute})`, key: (a) => a.nhsmailId },
    { code: 'DUPLICATE_AD_MAIL', what: () => 'mail address', key: (a) => (a.email?.valid ? a.email.value : undefined) },
  ],
};

/** One of SOURCE_DUPLICATE_CHECKS: its code, what the records share (for the explanation), and the key. */
export interface SourceCheck<T> {
  readonly code: IssueCode;
  readonly what: (config: Config) => string;
  readonly key: (t: T) => string | undefined;
}

/**
 * By check: the indices (ascending) of an export's records whose key's hash another record's
 * key shares. Every record of a duplicate group is among them, with the rare record whose hash
 * only collides: findIssues groups these few by their keys instead of every record.
 */
export type KnownDuplicates = Partial<Record<IssueCode, Int32Array>>;

/**
 * A source's duplicate-check keys, hashed record by record in load order (a load worker's, as
 * it reads: a hash each, the key itself not kept), then per check the records whose hash
 * another shares (KnownDuplicates).
 */
export class SourceKeyHashes<T> {
  private readonly tables: KeyTableBuilder[];
  private records = 0;

  constructor(private readonly checks: readonly SourceCheck<T>[]) {
    this.tables = checks.map(() => new KeyTableBuilder(1024));
  }

  add(record: T): void {
    for (let c = 0; c < this.checks.length; c++) {
      const key = this.checks[c]!.key(record);
      if (key !== undefined) this.tables[c]!.add(hashKey(key), this.records);
    }
    this.records++;
  }

  /** Per check, the records whose key's hash another shares. Call once: the tables are built from what was added. */
  sharing(): KnownDuplicates {
    const out: KnownDuplicates = {};
    this.checks.forEach((check, c) => (out[check.code] = itemsSharingAHash(this.tables[c]!.build())));
    return out;
  }
}

export interface Issue {
  code: IssueCode;
  owner: 'Workforce' | 'IT' | 'IT and Workforce';
  employeeNumber?: string;
  nhsmailEmail?: string;
  samAccountName?: string;
  explanation: string;
  lines: string;
}

/** The AD attribute names the Set-ADUser loop writes for each field. */
const AD_ATTR = { mail: 'mail', employeeID: 'employeeID', mobile: 'mobile', givenName: 'givenName', sn: 'sn' } as const;

function nhsmailDeleted(m: NhsmailAccount): boolean {
  return m.status === 'Deleted' || m.status === 'Deleted Permanent';
}

/** Days since last logon at the as-of date; undefined when the report has no logon date. */
function daysIdle(m: NhsmailAccount, asOfMs: number): number | undefined {
  return m.lastLogon === undefined ? undefined : daysBetween(m.lastLogon, asOfMs);
}

/** Will (or did) the account reach deletion by inactivity: idle ≥ inactive + delete days. */
function dueForDeletion(m: NhsmailAccount, asOfMs: number, config: Config): boolean {
  const idle = daysIdle(m, asOfMs);
  const { nhsmailInactiveDays, nhsmailDeleteAfterInactiveDays } = config.inactivity;
  return idle !== undefined && idle >= nhsmailInactiveDays + nhsmailDeleteAfterInactiveDays;
}

export function anchorUpdates(r: ReconcileResult, config: Config): AnchorUpdate[] {
  return [...anchorUpdateSource(r, config).each()];
}

/** One identity's records; a rule reads only those it needs. */
interface Linked {
  p: EsrPerson | undefined;
  m: NhsmailAccount | undefined;
  a: AdAccount | undefined;
}

/**
 * One kind of anchor update: whether an identity needs it, and the update itself. Kept apart
 * so that which identities need what is worked out once, and the updates are built only when
 * a table is written (once per table and format: they are never all held).
 */
interface UpdateRule {
  system: System;
  /** The `field` and whether an `adAttribute` of every update it builds (a test checks). */
  field: string;
  adAttribute: boolean;
  applies(x: Linked): boolean;
  build(x: Linked, config: Config): AnchorUpdate;
}

/** Why ESR's email must change to the matched account's primary address, if it must (guide 6.4, 6.6). */
function esrEmailReason(p: EsrPerson, m: NhsmailAccount): string | undefined {
  const esrEmail = p.identity.email;
  const withEmail = p.assignments.find((x) => x.emailRaw !== undefined || x.email !== undefined);
  const raw = withEmail?.emailRaw ?? withEmail?.email?.value;
  if (raw === undefined) return 'ESR has no email address; JML matches on it';
  if (esrEmail === undefined) return 'ESR email address is not a valid address';
  if (m.aliases.some((x) => x.value === esrEmail)) return 'ESR holds an NHSmail alias, not the primary address (guide 6.6)';
  if (!p.assignments.some((x) => x.email?.nhsNet)) return 'ESR email is not an NHS.net address (guide 6.6)';
  if (esrEmail !== m.email.value) return 'ESR email differs from the matched NHSmail account';
  return undefined;
}

const firstNameAgrees = (p: EsrPerson, m: NhsmailAccount): boolean => m.firstKey !== undefined && p.identity.firstNames?.includes(m.firstKey) === true;
/** The employee number an AD account should carry: ESR's, else the NHSmail account's. */
const adEmployeeNumber = ({ p, m }: Linked): string | undefined => p?.employeeNumber ?? m?.employeeNumber;
/** Names and mobile flow NHSmail → AD under JML; ESR's values where a person is linked. */
const adMobile = ({ p, m }: Linked): string | undefined => p?.identity.mobile ?? m?.mobile?.e164;

/** The rules in report order: an identity's updates come out in this order. */
const RULES: readonly UpdateRule[] = [
  {
    system: 'ESR',
    field: 'Email Address',
    adAttribute: false,
    applies: ({ p, m }) => p !== undefined && m !== undefined && esrEmailReason(p, m) !== undefined,
    build: ({ p, m }) => {
      const withEmail = p!.assignments.find((x) => x.emailRaw !== undefined || x.email !== undefined);
      const current = withEmail?.emailRaw ?? withEmail?.email?.value;
      return { system: 'ESR', key: p!.employeeNumber, lines: personLines(p!), field: 'Email Address', current, proposed: m!.email.value, reason: esrEmailReason(p!, m!)!, owner: 'Workforce' };
    },
  },
  // ESR is authoritative for names and mobile: NHSmail should carry ESR's values.
  {
    system: 'NHSmail',
    field: 'Mobile',
    adAttribute: false,
    applies: ({ p, m }) => p !== undefined && m !== undefined && p.identity.mobile !== undefined && m.mobile?.e164 !== p.identity.mobile,
    build: ({ p, m }) => ({ system: 'NHSmail', key: m!.email.value, lines: String(m!.line), field: 'Mobile', current: m!.mobileRaw, proposed: p!.identity.mobile!, reason: m!.mobileRaw === undefined ? 'NHSmail has no mobile; ESR is authoritative' : 'Mobile differs from ESR; ESR is authoritative', owner: 'IT' }),
  },
  {
    system: 'NHSmail',
    field: 'First Name',
    adAttribute: false,
    applies: ({ p, m }) => p !== undefined && m !== undefined && !firstNameAgrees(p, m) && p.primary.firstName !== undefined,
    build: ({ p, m }) => ({ system: 'NHSmail', key: m!.email.value, lines: String(m!.line), field: 'First Name', current: m!.firstName, proposed: p!.primary.firstName!, reason: 'First name differs from ESR (neither First Name nor Known As); ESR is authoritative', owner: 'IT' }),
  },
  {
    system: 'NHSmail',
    field: 'Last Name',
    adAttribute: false,
    applies: ({ p, m }) => p !== undefined && m !== undefined && p.identity.lastName !== undefined && m.lastKey !== p.identity.lastName && p.primary.lastName !== undefined,
    build: ({ p, m }) => ({ system: 'NHSmail', key: m!.email.value, lines: String(m!.line), field: 'Last Name', current: m!.lastName, proposed: p!.primary.lastName!, reason: 'Last name differs from ESR; ESR is authoritative (names do not sync after switch-on, guide 6.6)', owner: 'IT' }),
  },
  {
    system: 'NHSmail',
    field: 'Employee Number',
    adAttribute: false,
    applies: ({ p, m }) => p !== undefined && m !== undefined && m.employeeNumber !== p.employeeNumber,
    build: ({ p, m }) => ({ system: 'NHSmail', key: m!.email.value, lines: String(m!.line), field: 'Employee Number', current: m!.employeeNumber, proposed: p!.employeeNumber, reason: m!.employeeNumber === undefined ? 'Employee Number missing on the NHSmail account' : 'Employee Number differs from ESR', owner: 'IT' }),
  },
  {
    system: 'AD',
    field: 'Mail',
    adAttribute: true,
    applies: ({ m, a }) => a !== undefined && m !== undefined && a.email?.value !== m.email.value,
    build: ({ m, a }) => ({ system: 'AD', key: a!.samAccountName, lines: String(a!.line), field: 'Mail', adAttribute: AD_ATTR.mail, current: a!.emailRaw, proposed: m!.email.value, reason: a!.emailRaw === undefined ? 'AD mail is empty; set the NHS.net address (guide 6.4)' : m!.aliases.some((x) => x.value === a!.email?.value) ? 'AD mail holds an NHSmail alias, not the primary address' : 'AD mail differs from the matched NHSmail account', owner: 'IT' }),
  },
  {
    system: 'AD',
    field: 'NHSmail ID',
    adAttribute: true,
    applies: ({ m, a }) => a !== undefined && m !== undefined && m.nhsmailId !== undefined && a.nhsmailId !== m.nhsmailId,
    build: ({ m, a }, config) => {
      const attr = config.ad.nhsmailIdAttribute;
      return { system: 'AD', key: a!.samAccountName, lines: String(a!.line), field: 'NHSmail ID', adAttribute: attr, current: a!.nhsmailId, proposed: m!.nhsmailId!, reason: a!.nhsmailId === undefined ? `AD ${attr} (NHSmail ID anchor) is empty` : `AD ${attr} (NHSmail ID anchor) differs from the NHSmail account`, owner: 'IT' };
    },
  },
  {
    system: 'AD',
    field: 'Employee ID',
    adAttribute: true,
    applies: (x) => {
      const empNo = adEmployeeNumber(x);
      return x.a !== undefined && empNo !== undefined && x.a.employeeNumber !== empNo;
    },
    build: (x) => ({ system: 'AD', key: x.a!.samAccountName, lines: String(x.a!.line), field: 'Employee ID', adAttribute: AD_ATTR.employeeID, current: x.a!.employeeNumber, proposed: adEmployeeNumber(x)!, reason: x.a!.employeeNumber === undefined ? 'Employee Number missing on the AD account' : 'AD employeeID differs from ESR', owner: 'IT' }),
  },
  {
    system: 'AD',
    field: 'Mobile',
    adAttribute: true,
    applies: (x) => {
      const mobile = adMobile(x);
      return x.a !== undefined && mobile !== undefined && x.a.mobile?.e164 !== mobile;
    },
    build: (x) => ({ system: 'AD', key: x.a!.samAccountName, lines: String(x.a!.line), field: 'Mobile', adAttribute: AD_ATTR.mobile, current: x.a!.mobileRaw, proposed: adMobile(x)!, reason: x.p ? 'AD mobile differs from ESR; ESR is authoritative' : 'AD mobile differs from NHSmail', owner: 'IT' }),
  },
  {
    system: 'AD',
    field: 'Last Name',
    adAttribute: true,
    applies: ({ p, m, a }) => {
      const last = p?.primary.lastName ?? m?.lastName;
      const lastKey = p?.identity.lastName ?? m?.lastKey;
      return a !== undefined && last !== undefined && lastKey !== undefined && a.lastKey !== lastKey;
    },
    build: ({ p, m, a }) => ({ system: 'AD', key: a!.samAccountName, lines: String(a!.line), field: 'Last Name', adAttribute: AD_ATTR.sn, current: a!.lastName, proposed: (p?.primary.lastName ?? m?.lastName)!, reason: p ? 'AD surname differs from ESR; ESR is authoritative' : 'AD surname differs from NHSmail', owner: 'IT' }),
  },
];

/**
 * Which anchor updates are due, in report order: entry e is rule `second[e]` for identity
 * `first[e]`. Eight bytes an update where the updates themselves would be hundreds (about two
 * per person at national size).
 */
type UpdatePlan = IntPairs;

export interface UpdateCounts {
  all: number;
  bySystem: Record<System, number>;
  /** ESR Email Address updates (the ESR mass-update list). */
  esrEmail: number;
  /** AD updates with an attribute to set (the Set-ADUser list). */
  adAnchor: number;
}

/**
 * The anchor updates: counted when this is made, built one at a time each time `each` is read
 * (once per table and format; `only`: one system's worklist), never all held at once.
 */
export interface AnchorUpdates {
  counts: UpdateCounts;
  each(only?: System): Iterable<AnchorUpdate>;
}

function linkedOf(r: ReconcileResult, k: number, x: Linked): Linked {
  const id = r.identities[k]!;
  x.p = id.esr === undefined ? undefined : r.people[id.esr]!;
  x.m = id.nhsmail === undefined ? undefined : r.nhsmail[id.nhsmail]!;
  x.a = id.ad === undefined ? undefined : r.ad[id.ad]!;
  return x;
}

/** Works out which anchor updates each identity needs (one pass, no updates built). */
function planAnchorUpdates(r: ReconcileResult, pool: Int32Pool): UpdatePlan {
  // Room for one update an identity to start with: doubling from a small list allocated about
  // twice its final size outside the heap (see Int32Pool).
  const plan = new IntPairs(Math.max(1024, r.identities.length), pool);
  const x: Linked = { p: undefined, m: undefined, a: undefined };
  for (let k = 0; k < r.identities.length; k++) {
    linkedOf(r, k, x);
    for (let u = 0; u < RULES.length; u++) if (RULES[u]!.applies(x)) plan.push(k, u);
  }
  return plan;
}

/**
 * `pool`: where the plan's arrays come from (see Int32Pool): the one matching used, whose
 * arrays it no longer needs, saves allocating them again.
 */
export function anchorUpdateSource(r: ReconcileResult, config: Config, pool: Int32Pool = new Int32Pool()): AnchorUpdates {
  const plan = planAnchorUpdates(r, pool);
  // Counted per rule, then summed by system: not a keyed property count per update (millions
  // at national size).
  const perRule = new Int32Array(RULES.length);
  const { second } = plan;
  for (let e = 0; e < plan.length; e++) perRule[second[e]!]!++;
  const counts: UpdateCounts = { all: plan.length, bySystem: { ESR: 0, NHSmail: 0, AD: 0 }, esrEmail: 0, adAnchor: 0 };
  for (let u = 0; u < RULES.length; u++) {
    const rule = RULES[u]!;
    const n = perRule[u]!;
    counts.bySystem[rule.system] += n;
    if (rule.system === 'ESR' && rule.field === 'Email Address') counts.esrEmail += n;
    if (rule.system === 'AD' && rule.adAttribute) counts.adAnchor += n;
  }
  return {
    counts,
    each: function* (only) {
      const x: Linked = { p: undefined, m: undefined, a: undefined };
      for (let e = 0; e < plan.length; e++) {
        const rule = RULES[plan.second[e]!]!;
        if (only !== undefined && rule.system !== only) continue;
        yield rule.build(linkedOf(r, plan.first[e]!, x), config);
      }
    },
  };
}

/**
 * Issues of the reconciled identities, then duplicated anchors within each source. `pool`:
 * where the duplicate checks' arrays come from and go back to (see anchorUpdateSource).
 * `known`: by check, the records a load worker found sharing a key's hash (SourceKeyHashes):
 * only those are grouped by their keys; a check without it looks at every record.
 */
export function findIssues(r: ReconcileResult, config: Config, asOfMs: number, pool: Int32Pool = new Int32Pool(), known: KnownDuplicates = {}): Issue[] {
  const out: Issue[] = [];
  const { nhsmailInactiveDays, nhsmailDeleteAfterInactiveDays, nhsmailRestoreDays } = config.inactivity;
  const base = (id: ReconciledIdentity): Pick<Issue, 'employeeNumber' | 'nhsmailEmail' | 'samAccountName' | 'lines'> => {
    const p = id.esr === undefined ? undefined : r.people[id.esr];
    const m = id.nhsmail === undefined ? undefined : r.nhsmail[id.nhsmail];
    const a = id.ad === undefined ? undefined : r.ad[id.ad];
    const lines = [p ? `ESR ${personLines(p)}` : '', m ? `NHSmail ${m.line}` : '', a ? `AD ${a.line}` : ''].filter(Boolean).join('; ');
    return { employeeNumber: p?.employeeNumber, nhsmailEmail: m?.email.value, samAccountName: a?.samAccountName, lines };
  };

  for (const id of r.identities) {
    const p = id.esr === undefined ? undefined : r.people[id.esr]!;
    const m = id.nhsmail === undefined ? undefined : r.nhsmail[id.nhsmail]!;
    const a = id.ad === undefined ? undefined : r.ad[id.ad]!;
    // Built only for an identity with an issue: most have none, and the line list is costly.
    let cached: ReturnType<typeof base> | undefined;
    const b = (): ReturnType<typeof base> => (cached ??= base(id));

    if (m && p) {
      if (nhsmailDeleted(m)) {
        out.push({ code: 'NHSMAIL_DELETED', owner: 'IT', ...b(), explanation: `Matched NHSmail account is ${m.status}; JML can match ESR to deleted accounts, so put the replacement NHS.net address in ESR and AD before switch-on (guide 6.6).` });
      } else if (m.status === 'Disabled' || m.status === 'Disabled Leaver') {
        out.push({ code: 'NHSMAIL_DISABLED', owner: 'IT', ...b(), explanation: `Matched NHSmail account is ${m.status}; confirm whether the person still needs it.` });
      }
    }
    if (m && !nhsmailDeleted(m)) {
      const idle = daysIdle(m, asOfMs);
      const limit = nhsmailInactiveDays + nhsmailDeleteAfterInactiveDays;
      if (dueForDeletion(m, asOfMs, config)) {
        out.push({ code: 'NHSMAIL_DUE_FOR_DELETION', owner: 'IT', ...b(), explanation: `No NHSmail logon for ${idle} days (last ${toIsoDate(m.lastLogon!)}); accounts are deleted after ${limit} days unused and restorable for ${nhsmailRestoreDays} more.` });
      } else if (m.status === 'Inactive' || (idle !== undefined && idle >= nhsmailInactiveDays)) {
        out.push({ code: 'NHSMAIL_INACTIVE', owner: 'IT', ...b(), explanation: m.status === 'Inactive' ? 'NHSmail account is Inactive; it will be deleted if it stays unused (FAQ 11.15).' : `No NHSmail logon for ${idle} days; accounts go Inactive after ${nhsmailInactiveDays} days unused (FAQ 11.15).` });
      }
    }
    if (a && m && (nhsmailDeleted(m) || dueForDeletion(m, asOfMs, config))) {
      out.push({ code: 'AD_LINKED_TO_DELETED_NHSMAIL', owner: 'IT', ...b(), explanation: 'AD account is linked to an NHSmail account that is or will be deleted; disconnect it from the NHSmail account so TANSync does not disable it, or connect a new account (guide 8.7).' });
    }
    if (p && p.currentOrganisations.length >= 2) {
      out.push({ code: 'TWO_ORGANISATIONS', owner: 'Workforce', ...b(), explanation: `Current assignments in ${p.currentOrganisations.length} organisations (${p.currentOrganisations.join('; ')}); only one organisation can manage the user under JML, so choose the primary one (FAQ 11.29).` });
    }
    if (p && p.leaver) {
      const when = p.leftOn === undefined ? 'has no current assignment' : `left on ${toIsoDate(p.leftOn)}`;
      if (m && (m.status === 'Active' || m.status === 'Locked')) {
        out.push({ code: 'LEAVER_NHSMAIL_ACTIVE', owner: 'IT and Workforce', ...b(), explanation: `ESR leaver (${when}) whose NHSmail account is still ${m.status}; mark it as a leaver in the Portal.` });
      }
      if (a && a.enabled === true) {
        out.push({ code: 'LEAVER_AD_ENABLED', owner: 'IT', ...b(), explanation: `ESR leaver (${when}) whose AD account is still enabled.` });
      }
    }
    if (id.employeeType === 'Invalid: needs NHSmail') {
      out.push({ code: 'ESR_AD_WITHOUT_NHSMAIL', owner: 'IT', ...b(), explanation: 'In ESR and AD but with no NHSmail account; JML cannot manage this: create or link an NHSmail account, or remove the AD account (guide 2.3).' });
    }
  }

  // Duplicated anchors within one source break JML's one-to-one joins. The seven checks share
  // one pool of arrays: each builds a key table the size of its source, outside the heap, and
  // every 64 MB or so of such arrays allocated afresh sets off a full collection of a
  // multi-GiB heap ("external memory pressure", see Int32Pool).
  const duplicates = <T>(items: readonly T[], key: (t: T) => string | undefined): T[][] => duplicateGroups(items, key, pool);
  const people = r.people;
  for (const g of duplicates(people, (p) => p.identity.email)) {
    out.push({ code: 'DUPLICATE_ESR_EMAIL', owner: 'Workforce', employeeNumber: g.map((p) => p.employeeNumber).join('; '), explanation: `${g.length} ESR people share one email address; each person needs their own.`, lines: g.map((p) => `ESR ${personLines(p)}`).join('; ') });
  }
  // A check's groups, among the records a worker singled out (indices ascending; a list that
  // does not fit these records is not used), or among all.
  const groupsOf = <T>(items: readonly T[], check: SourceCheck<T>): T[][] => {
    const given = known[check.code];
    const fits = given !== undefined && (given.length === 0 || given[given.length - 1]! < items.length);
    return duplicates(fits ? Array.from(given, (i) => items[i]!) : items, check.key);
  };
  for (const check of SOURCE_DUPLICATE_CHECKS.nhsmail) {
    for (const g of groupsOf(r.nhsmail, check)) {
      out.push({ code: check.code, owner: 'IT', nhsmailEmail: g.map((m) => m.email.value).join('; '), explanation: `${g.length} NHSmail accounts share one ${check.what(config)}.`, lines: g.map((m) => `NHSmail ${m.line}`).join('; ') });
    }
  }
  for (const check of SOURCE_DUPLICATE_CHECKS.ad) {
    for (const g of groupsOf(r.ad, check)) {
      out.push({ code: check.code, owner: 'IT', samAccountName: g.map((a) => a.samAccountName).join('; '), explanation: `${g.length} AD accounts share one ${check.what(config)}.`, lines: g.map((a) => `AD ${a.line}`).join('; ') });
    }
  }
  return out;
}

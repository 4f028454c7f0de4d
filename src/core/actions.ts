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
import type { EsrPerson } from './people.js';
import { duplicateGroups as duplicates } from './key-table.js';
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

export interface Issue {
  code: IssueCode;
  owner: 'Workforce' | 'IT' | 'IT and Workforce';
  employeeNumber?: string;
  nhsmailEmail?: string;
  samAccountName?: string;
  explanation: string;
  lines: string;
}

const lineList = (p: EsrPerson): string => p.assignments.map((a) => a.line).sort((x, y) => x - y).join(' ');

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
  return [...eachAnchorUpdate(r, config)];
}

const SYSTEM_BIT: Readonly<Record<System, number>> = { ESR: 1, NHSmail: 2, AD: 4 };

/**
 * Which systems each identity has anchor updates for (bits of SYSTEM_BIT), filled in by the
 * first complete pass over all systems; later passes skip identities without updates (for the
 * one system asked for, or for any).
 */
export interface UpdateMarks {
  systems: Uint8Array;
  complete: boolean;
}

/**
 * The anchor updates as a function the report calls once per table (`only`: one system's
 * worklist). At national size there are about two per person, so they are regenerated for each
 * table instead of held; after the first full pass, later passes visit only the identities
 * that have updates (for that system).
 */
export function anchorUpdateSource(r: ReconcileResult, config: Config): (only?: System) => Iterable<AnchorUpdate> {
  const marks: UpdateMarks = { systems: new Uint8Array(r.identities.length), complete: false };
  return (only) => eachAnchorUpdate(r, config, only, marks);
}

/**
 * The anchor updates one at a time, in report order. `only` skips building the other systems'
 * updates (the per-system worklists); `marks` see UpdateMarks.
 */
export function* eachAnchorUpdate(r: ReconcileResult, config: Config, only?: System, marks?: UpdateMarks): Generator<AnchorUpdate> {
  const esr = only === undefined || only === 'ESR';
  const nhs = only === undefined || only === 'NHSmail';
  const adSys = only === undefined || only === 'AD';
  // One identity's updates, yielded before the next identity is looked at.
  const pending: AnchorUpdate[] = [];
  const attr = config.ad.nhsmailIdAttribute;
  // Once marked: skip identities without updates for the system asked for (any system for all).
  const skip = marks !== undefined && marks.complete ? (only !== undefined ? SYSTEM_BIT[only] : 7) : 0;
  const mark = marks !== undefined && !marks.complete && only === undefined ? marks.systems : undefined;
  const identities = r.identities;
  for (let k = 0; k < identities.length; k++) {
    if (skip !== 0 && (marks!.systems[k]! & skip) === 0) continue;
    const id = identities[k]!;
    const p = id.esr === undefined ? undefined : r.people[id.esr]!;
    const m = id.nhsmail === undefined ? undefined : r.nhsmail[id.nhsmail]!;
    const a = id.ad === undefined ? undefined : r.ad[id.ad]!;

    if (p && m && esr) {
      // ESR email must be the account's primary nhs.net address (guide 6.4, 6.6).
      const esrEmail = p.identity.email;
      const withEmail = p.assignments.find((x) => x.emailRaw !== undefined || x.email !== undefined);
      const raw = withEmail?.emailRaw ?? withEmail?.email?.value;
      let reason: string | undefined;
      if (raw === undefined) reason = 'ESR has no email address; JML matches on it';
      else if (esrEmail === undefined) reason = 'ESR email address is not a valid address';
      else if (m.aliases.some((x) => x.value === esrEmail)) reason = 'ESR holds an NHSmail alias, not the primary address (guide 6.6)';
      else if (!p.assignments.some((x) => x.email?.nhsNet)) reason = 'ESR email is not an NHS.net address (guide 6.6)';
      else if (esrEmail !== m.email.value) reason = 'ESR email differs from the matched NHSmail account';
      if (reason) {
        pending.push({ system: 'ESR', key: p.employeeNumber, lines: lineList(p), field: 'Email Address', current: raw, proposed: m.email.value, reason, owner: 'Workforce' });
      }
    }
    if (p && m && nhs) {
      // ESR is authoritative for names and mobile: NHSmail should carry ESR's values.
      const esrMobile = p.identity.mobile;
      if (esrMobile !== undefined && m.mobile?.e164 !== esrMobile) {
        pending.push({ system: 'NHSmail', key: m.email.value, lines: String(m.line), field: 'Mobile', current: m.mobileRaw, proposed: esrMobile, reason: m.mobileRaw === undefined ? 'NHSmail has no mobile; ESR is authoritative' : 'Mobile differs from ESR; ESR is authoritative', owner: 'IT' });
      }
      const firstOk = m.firstKey !== undefined && p.identity.firstNames?.includes(m.firstKey);
      if (!firstOk && p.primary.firstName !== undefined) {
        pending.push({ system: 'NHSmail', key: m.email.value, lines: String(m.line), field: 'First Name', current: m.firstName, proposed: p.primary.firstName, reason: 'First name differs from ESR (neither First Name nor Known As); ESR is authoritative', owner: 'IT' });
      }
      if (p.identity.lastName !== undefined && m.lastKey !== p.identity.lastName && p.primary.lastName !== undefined) {
        pending.push({ system: 'NHSmail', key: m.email.value, lines: String(m.line), field: 'Last Name', current: m.lastName, proposed: p.primary.lastName, reason: 'Last name differs from ESR; ESR is authoritative (names do not sync after switch-on, guide 6.6)', owner: 'IT' });
      }
      if (m.employeeNumber !== p.employeeNumber) {
        pending.push({ system: 'NHSmail', key: m.email.value, lines: String(m.line), field: 'Employee Number', current: m.employeeNumber, proposed: p.employeeNumber, reason: m.employeeNumber === undefined ? 'Employee Number missing on the NHSmail account' : 'Employee Number differs from ESR', owner: 'IT' });
      }
    }

    if (a && m && adSys) {
      if (a.email?.value !== m.email.value) {
        pending.push({ system: 'AD', key: a.samAccountName, lines: String(a.line), field: 'Mail', adAttribute: AD_ATTR.mail, current: a.emailRaw, proposed: m.email.value, reason: a.emailRaw === undefined ? 'AD mail is empty; set the NHS.net address (guide 6.4)' : m.aliases.some((x) => x.value === a.email?.value) ? 'AD mail holds an NHSmail alias, not the primary address' : 'AD mail differs from the matched NHSmail account', owner: 'IT' });
      }
      if (m.nhsmailId !== undefined && a.nhsmailId !== m.nhsmailId) {
        pending.push({ system: 'AD', key: a.samAccountName, lines: String(a.line), field: 'NHSmail ID', adAttribute: attr, current: a.nhsmailId, proposed: m.nhsmailId, reason: a.nhsmailId === undefined ? `AD ${attr} (NHSmail ID anchor) is empty` : `AD ${attr} (NHSmail ID anchor) differs from the NHSmail account`, owner: 'IT' });
      }
    }

    if (a && (p || m) && adSys) {
      const empNo = p?.employeeNumber ?? m?.employeeNumber;
      if (empNo !== undefined && a.employeeNumber !== empNo) {
        pending.push({ system: 'AD', key: a.samAccountName, lines: String(a.line), field: 'Employee ID', adAttribute: AD_ATTR.employeeID, current: a.employeeNumber, proposed: empNo, reason: a.employeeNumber === undefined ? 'Employee Number missing on the AD account' : 'AD employeeID differs from ESR', owner: 'IT' });
      }
      // Names and mobile flow NHSmail → AD under JML; ESR's values where a person is linked.
      const mobile = p?.identity.mobile ?? m?.mobile?.e164;
      if (mobile !== undefined && a.mobile?.e164 !== mobile) {
        pending.push({ system: 'AD', key: a.samAccountName, lines: String(a.line), field: 'Mobile', adAttribute: AD_ATTR.mobile, current: a.mobileRaw, proposed: mobile, reason: p ? 'AD mobile differs from ESR; ESR is authoritative' : 'AD mobile differs from NHSmail', owner: 'IT' });
      }
      const last = p?.primary.lastName ?? m?.lastName;
      const lastKey = p?.identity.lastName ?? m?.lastKey;
      if (last !== undefined && lastKey !== undefined && a.lastKey !== lastKey) {
        pending.push({ system: 'AD', key: a.samAccountName, lines: String(a.line), field: 'Last Name', adAttribute: AD_ATTR.sn, current: a.lastName, proposed: last, reason: p ? 'AD surname differs from ESR; ESR is authoritative' : 'AD surname differs from NHSmail', owner: 'IT' });
      }
    }
    if (mark !== undefined) for (const u of pending) mark[k] = mark[k]! | SYSTEM_BIT[u.system];
    yield* pending;
    pending.length = 0;
  }
  if (mark !== undefined) marks!.complete = true;
}

export function findIssues(r: ReconcileResult, config: Config, asOfMs: number): Issue[] {
  const out: Issue[] = [];
  const { nhsmailInactiveDays, nhsmailDeleteAfterInactiveDays, nhsmailRestoreDays } = config.inactivity;
  const base = (id: ReconciledIdentity): Pick<Issue, 'employeeNumber' | 'nhsmailEmail' | 'samAccountName' | 'lines'> => {
    const p = id.esr === undefined ? undefined : r.people[id.esr];
    const m = id.nhsmail === undefined ? undefined : r.nhsmail[id.nhsmail];
    const a = id.ad === undefined ? undefined : r.ad[id.ad];
    const lines = [p ? `ESR ${lineList(p)}` : '', m ? `NHSmail ${m.line}` : '', a ? `AD ${a.line}` : ''].filter(Boolean).join('; ');
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

  // Duplicated anchors within one source break JML's one-to-one joins.
  const people = r.people;
  for (const g of duplicates(people, (p) => p.identity.email)) {
    out.push({ code: 'DUPLICATE_ESR_EMAIL', owner: 'Workforce', employeeNumber: g.map((p) => p.employeeNumber).join('; '), explanation: `${g.length} ESR people share one email address; each person needs their own.`, lines: g.map((p) => `ESR ${lineList(p)}`).join('; ') });
  }
  const dupM = (code: IssueCode, what: string, key: (m: NhsmailAccount) => string | undefined): void => {
    for (const g of duplicates(r.nhsmail, key)) {
      out.push({ code, owner: 'IT', nhsmailEmail: g.map((m) => m.email.value).join('; '), explanation: `${g.length} NHSmail accounts share one ${what}.`, lines: g.map((m) => `NHSmail ${m.line}`).join('; ') });
    }
  };
  dupM('DUPLICATE_NHSMAIL_EMPLOYEE_NUMBER', 'Employee Number', (m) => m.employeeNumber);
  dupM('DUPLICATE_NHSMAIL_ID', 'NHSmail ID', (m) => m.nhsmailId);
  // Primary addresses are unique in the Portal; a repeat means a report stitched from two exports.
  dupM('DUPLICATE_NHSMAIL_EMAIL', 'primary email address', (m) => m.email.value);
  const dupA = (code: IssueCode, what: string, key: (a: AdAccount) => string | undefined): void => {
    for (const g of duplicates(r.ad, key)) {
      out.push({ code, owner: 'IT', samAccountName: g.map((a) => a.samAccountName).join('; '), explanation: `${g.length} AD accounts share one ${what}.`, lines: g.map((a) => `AD ${a.line}`).join('; ') });
    }
  };
  dupA('DUPLICATE_AD_EMPLOYEE_ID', 'employeeID', (a) => a.employeeNumber);
  dupA('DUPLICATE_AD_NHSMAIL_ID', `NHSmail ID (${config.ad.nhsmailIdAttribute})`, (a) => a.nhsmailId);
  dupA('DUPLICATE_AD_MAIL', 'mail address', (a) => (a.email?.valid ? a.email.value : undefined));
  return out;
}

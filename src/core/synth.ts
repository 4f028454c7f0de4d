/**
 * Synthetic NHS exports for scale tests and demos: ESR, NHSmail, local AD, TIS users, TIS
 * last logins and Tableau users for N fictional people, plus the truth (which records are one
 * person). Pure: options and a seed in, records out; no fs, no clock (dates count back from
 * `asOfMs`), so the same options give the same records on every machine.
 *
 * Records hold exactly the cells of one export row (strings, as the export writes them); the
 * `*Cells` functions give them in header order. Corruption is applied by mutating a record that
 * started consistent with the person, so each kind of corruption is one place and one rate.
 *
 * Speed matters (1.5M people ≈ 5M rows): the generator draws from a small sfc32 PRNG, picks
 * from weighted tables by binary search, caches folded names, and keeps only name-collision
 * counters (bounded by distinct names, not by people) between entities.
 */

// --- PRNG --------------------------------------------------------------------------------------

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128-bit state, fast, well mixed. */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 spreads a small integer seed over the four state words.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = 1;
    for (let i = 0; i < 15; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p (always draws, so rates never shift the stream of other choices). */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** `n` random decimal digits. */
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(48 + this.int(10));
    return s;
  }
}

/** Items with relative weights; `pick` is a binary search over the cumulative weights. */
export class Weighted<T> {
  readonly items: readonly T[];
  private readonly cum: Float64Array;
  private readonly total: number;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    this.items = entries.map((e) => e[0]);
    this.cum = new Float64Array(entries.length);
    let t = 0;
    entries.forEach((e, i) => {
      t += e[1];
      this.cum[i] = t;
    });
    this.total = t;
  }

  pick(rng: Sfc32): T {
    const x = rng.float() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

// --- Records: one per export row -----------------------------------------------------------------

export interface EsrRecord {
  employeeNumber: string;
  assignmentNumber: string;
  title: string;
  firstName: string;
  lastName: string;
  knownAs: string;
  email: string;
  workMobile: string;
  positionTitle: string;
  organisation: string;
  assignmentStatus: string;
  /** dd/mm/yyyy */
  startDate: string;
  endDate: string;
  personType: string;
}

export interface NhsmailRecord {
  email: string;
  nhsmailId: string;
  firstName: string;
  lastName: string;
  displayName: string;
  mobile: string;
  jobTitle: string;
  department: string;
  organisation: string;
  odsCode: string;
  status: string;
  /** ISO 8601 UTC, YYYY-MM-DDTHH:MM:SSZ; '' when never. */
  lastLogon: string;
  employeeNumber: string;
  /** Aliases, `;`-separated. */
  secondaryEmails: string;
}

export interface AdRecord {
  distinguishedName: string;
  /** True / False, as PowerShell writes booleans. */
  enabled: string;
  givenName: string;
  name: string;
  objectGuid: string;
  samAccountName: string;
  sid: string;
  surname: string;
  upn: string;
  mail: string;
  employeeId: string;
  mobile: string;
  title: string;
  department: string;
  /** Windows FILETIME (100 ns since 1601-01-01 UTC); 0 or 9223372036854775807 = never. */
  lastLogonTimestamp: string;
  userAccountControl: string;
  /** dd/MM/yyyy HH:mm:ss, as Export-Csv writes a DateTime in en-GB. */
  whenCreated: string;
  /** The organisation's NHSmail-ID attribute (header from options). */
  nhsmailId: string;
}

export interface TisRecord {
  name: string;
  firstName: string;
  lastName: string;
  emailAddress: string;
  phoneNumber: string;
  gmcId: string;
  active: string;
  /** Lists are `;`-separated. */
  roles: string;
  designatedBodyCodes: string;
  associatedTrusts: string;
  associatedProgrammes: string;
  createdDate: string;
}

/** One sign-in event (Cognito auth-event shape); the file holds each user's latest events. */
export interface TisLoginRecord {
  name: string;
  eventType: string;
  eventResponse: string;
  creationDate: string;
}

export interface TableauRecord {
  name: string;
  fullName: string;
  email: string;
  siteRole: string;
  lastLogin: string;
  authSetting: string;
}

export interface TruthRecord {
  personId: string;
  /** Canonical 8-digit ESR Employee Number ('' when not in ESR). */
  employeeNumber: string;
  nhsmailEmail: string;
  adSam: string;
  tisUsername: string;
  tableauUsername: string;
}

/** Everything generated for one person (or one non-person account such as a service account). */
export interface SynthEntity {
  personId: string;
  esr: EsrRecord[];
  nhsmail: NhsmailRecord[];
  ad: AdRecord[];
  tis: TisRecord[];
  tisLogins: TisLoginRecord[];
  tableau: TableauRecord[];
  truth: TruthRecord[];
}

export type SystemName = 'esr' | 'nhsmail' | 'ad' | 'tis' | 'tisLogins' | 'tableau' | 'truth';

export const ESR_HEADERS = [
  'Employee Number', 'Assignment Number', 'Title', 'First Name', 'Last Name', 'Known As', 'Email Address',
  'Work Mobile', 'Position Title', 'Organisation', 'Assignment Status', 'Assignment Start Date',
  'Assignment End Date', 'System Person Type',
] as const;
export const NHSMAIL_HEADERS = [
  'Email Address', 'NHSmail unique ID', 'First Name', 'Last Name', 'Display Name', 'Mobile', 'Job Title',
  'Department', 'Organisation', 'ODS Code', 'Account Status', 'Last Logon', 'Employee Number',
  'Secondary Email Addresses',
] as const;
/** AD headers without the NHSmail-ID attribute, which the organisation names (adHeaders). */
const AD_BASE_HEADERS = [
  'DistinguishedName', 'Enabled', 'GivenName', 'Name', 'ObjectGUID', 'SamAccountName', 'SID', 'Surname',
  'UserPrincipalName', 'mail', 'employeeID', 'mobile', 'title', 'department', 'lastLogonTimestamp',
  'userAccountControl', 'whenCreated',
] as const;
export const TIS_HEADERS = [
  'name', 'firstName', 'lastName', 'emailAddress', 'phoneNumber', 'gmcId', 'active', 'roles',
  'designatedBodyCodes', 'associatedTrusts', 'associatedProgrammes', 'createdDate',
] as const;
export const TIS_LOGIN_HEADERS = ['name', 'eventType', 'eventResponse', 'creationDate'] as const;
export const TABLEAU_HEADERS = ['name', 'fullName', 'email', 'siteRole', 'lastLogin', 'authSetting'] as const;
export const TRUTH_HEADERS = [
  'Person Id', 'ESR Employee Number', 'NHSmail Email', 'AD sAMAccountName', 'TIS Username', 'Tableau Username',
] as const;

export function adHeaders(nhsmailIdAttribute: string): string[] {
  return [...AD_BASE_HEADERS, nhsmailIdAttribute];
}

// Cells in header order. Plain array literals: these run once per row.
export const esrCells = (r: EsrRecord): string[] => [
  r.employeeNumber, r.assignmentNumber, r.title, r.firstName, r.lastName, r.knownAs, r.email, r.workMobile,
  r.positionTitle, r.organisation, r.assignmentStatus, r.startDate, r.endDate, r.personType,
];
export const nhsmailCells = (r: NhsmailRecord): string[] => [
  r.email, r.nhsmailId, r.firstName, r.lastName, r.displayName, r.mobile, r.jobTitle, r.department,
  r.organisation, r.odsCode, r.status, r.lastLogon, r.employeeNumber, r.secondaryEmails,
];
export const adCells = (r: AdRecord): string[] => [
  r.distinguishedName, r.enabled, r.givenName, r.name, r.objectGuid, r.samAccountName, r.sid, r.surname,
  r.upn, r.mail, r.employeeId, r.mobile, r.title, r.department, r.lastLogonTimestamp, r.userAccountControl,
  r.whenCreated, r.nhsmailId,
];
export const tisCells = (r: TisRecord): string[] => [
  r.name, r.firstName, r.lastName, r.emailAddress, r.phoneNumber, r.gmcId, r.active, r.roles,
  r.designatedBodyCodes, r.associatedTrusts, r.associatedProgrammes, r.createdDate,
];
export const tisLoginCells = (r: TisLoginRecord): string[] => [r.name, r.eventType, r.eventResponse, r.creationDate];
export const tableauCells = (r: TableauRecord): string[] => [r.name, r.fullName, r.email, r.siteRole, r.lastLogin, r.authSetting];
export const truthCells = (r: TruthRecord): string[] => [
  r.personId, r.employeeNumber, r.nhsmailEmail, r.adSam, r.tisUsername, r.tableauUsername,
];

/** Calls `emit` with each row of an entity, system by system, in header order. */
export function entityRows(e: SynthEntity, emit: (system: SystemName, cells: string[]) => void): void {
  for (const r of e.esr) emit('esr', esrCells(r));
  for (const r of e.nhsmail) emit('nhsmail', nhsmailCells(r));
  for (const r of e.ad) emit('ad', adCells(r));
  for (const r of e.tis) emit('tis', tisCells(r));
  for (const r of e.tisLogins) emit('tisLogins', tisLoginCells(r));
  for (const r of e.tableau) emit('tableau', tableauCells(r));
  for (const r of e.truth) emit('truth', truthCells(r));
}

// --- Options -----------------------------------------------------------------------------------

/**
 * Share of the N entities in each combination of systems (sums to 1). Defaults give ESR ≈ 0.96 N
 * people, NHSmail ≈ 0.925 N accounts and AD ≈ 0.665 N accounts (1.5M people → ~1.4M NHSmail,
 * ~1M AD), as in a region's JML data.
 */
export interface Membership {
  esrNhsmailAd: number;
  esrNhsmail: number;
  esrAd: number;
  esrOnly: number;
  /** Agency, locum and other non-ESR staff: the TANSync (NHSmail + AD) type. */
  nhsmailAd: number;
  nhsmailOnly: number;
  /** Service accounts and students. */
  adOnly: number;
  /** TIS machine users and external users with no trust accounts. */
  tisOnly: number;
  /** Tableau B2B guests with no other account. */
  tableauOnly: number;
}

/** Probabilities, 0..1. "of X" means among the records or people where X holds. */
export interface SynthRates {
  // ESR email (per ESR person)
  esrEmailMissing: number;
  /** ESR holds an NHSmail alias instead of the primary address (of people whose mailbox has one). */
  esrEmailAlias: number;
  esrEmailTrustDomain: number;
  esrEmailPersonal: number;
  /** ESR email typed in mixed case (John.Smith@NHS.net). */
  esrEmailCase: number;
  /** ESR rows whose Employee Number lost its leading zeros (Excel re-save) (of numbers with a leading 0). */
  esrEmployeeNumberZerosLost: number;
  // Phones
  /** A phone cell in a format other than `07911 123456`. */
  phoneFormat: number;
  /** A non-ESR record holds a different (old) mobile number. */
  phoneDiffers: number;
  // Names
  /** One-edit typo in a first or last name of a non-ESR record. */
  nameTypo: number;
  /** Person goes by a Known As name (of first names with a usual short form). */
  knownAs: number;
  /** Surname changed (marriage) and not updated everywhere. */
  surnameChange: number;
  /** A non-ESR record spells an accented name without accents (of accented names). */
  accentFolded: number;
  /** A non-ESR record uses another apostrophe (’ vs ') or none (of names with one). */
  apostropheVariant: number;
  /** A non-ESR record writes a double-barrelled surname with a space (of such surnames). */
  hyphenVariant: number;
  /** "Dr" typed into the first-name field of a non-ESR record (of doctors). */
  titleInName: number;
  /** NHSmail / AD job title abbreviated or reworded (HCA, Snr Staff Nurse). */
  positionVariant: number;
  // NHSmail
  /** NHSmail account carries the Employee Number. */
  nhsmailEmployeeNumber: number;
  /** NHSmail or AD copy of the Employee Number lost its leading zeros (of numbers with a leading 0). */
  employeeNumberZerosLost: number;
  /** Mailbox has an unrelated extra alias (besides name-change aliases). */
  nhsmailExtraAlias: number;
  // AD
  adNhsmailIdMissing: number;
  /** AD NHSmail-ID attribute holds someone else's ID. */
  adNhsmailIdWrong: number;
  adMailMissing: number;
  /** AD mail is the trust-domain address instead of NHSmail. */
  adMailTrustDomain: number;
  adEmployeeId: number;
  /** Person has a second AD account (old or admin) sharing employeeID and/or NHSmail ID. */
  adDuplicateAccount: number;
  /** Current employee's AD account disabled (userAccountControl 514). */
  adDisabled: number;
  /** lastLogonTimestamp 0 or 9223372036854775807 (never). */
  adNeverLoggedOn: number;
  // Lifecycle
  leaver: number;
  /** Leaver's NHSmail still plain Active (of leavers with NHSmail). */
  leaverNhsmailActive: number;
  /** Leaver's AD account still enabled (of leavers with AD). */
  leaverAdEnabled: number;
  multipleAssignments: number;
  /** Second current assignment in another organisation (of people with several assignments). */
  twoOrganisations: number;
  /** Current staff mailbox not Active (Inactive, Deleted, Disabled, …). */
  nhsmailNotActive: number;
  // HEE systems
  /** Has a TIS account (of people with NHSmail). */
  tis: number;
  /** TIS user with no designated body (sees everything if mis-set-up). */
  tisNoDesignatedBody: number;
  /** TIS user with a Tableau account. */
  tableauOfTis: number;
  /** Tableau account as a B2B guest with a personal email (of TIS users in Tableau). */
  tableauGuest: number;
  /** Has Tableau without TIS (of people with NHSmail). */
  tableauWithoutTis: number;
}

export type SynthProfile = 'realistic' | 'clean';

export const DEFAULT_MEMBERSHIP: Readonly<Membership> = {
  esrNhsmailAd: 0.62,
  esrNhsmail: 0.28,
  esrAd: 0.02,
  esrOnly: 0.04,
  nhsmailAd: 0.015,
  nhsmailOnly: 0.01,
  adOnly: 0.01,
  tisOnly: 0.002,
  tableauOnly: 0.003,
};

export const REALISTIC_RATES: Readonly<SynthRates> = {
  esrEmailMissing: 0.12,
  esrEmailAlias: 0.3,
  esrEmailTrustDomain: 0.05,
  esrEmailPersonal: 0.02,
  esrEmailCase: 0.03,
  esrEmployeeNumberZerosLost: 0.05,
  phoneFormat: 0.5,
  phoneDiffers: 0.03,
  nameTypo: 0.01,
  knownAs: 0.3,
  surnameChange: 0.02,
  accentFolded: 0.6,
  apostropheVariant: 0.5,
  hyphenVariant: 0.3,
  titleInName: 0.1,
  positionVariant: 0.25,
  nhsmailEmployeeNumber: 0.2,
  employeeNumberZerosLost: 0.3,
  nhsmailExtraAlias: 0.08,
  adNhsmailIdMissing: 0.3,
  adNhsmailIdWrong: 0.005,
  adMailMissing: 0.1,
  adMailTrustDomain: 0.1,
  adEmployeeId: 0.6,
  adDuplicateAccount: 0.01,
  adDisabled: 0.02,
  adNeverLoggedOn: 0.03,
  leaver: 0.06,
  leaverNhsmailActive: 0.45,
  leaverAdEnabled: 0.35,
  multipleAssignments: 0.1,
  twoOrganisations: 0.15,
  nhsmailNotActive: 0.08,
  tis: 0.018,
  tisNoDesignatedBody: 0.02,
  tableauOfTis: 0.7,
  tableauGuest: 0.25,
  tableauWithoutTis: 0.002,
};

/** Rates that are data-quality faults; the clean profile sets them all to 0. */
const FAULT_RATES: readonly (keyof SynthRates)[] = [
  'esrEmailMissing', 'esrEmailAlias', 'esrEmailTrustDomain', 'esrEmailPersonal', 'esrEmailCase',
  'esrEmployeeNumberZerosLost', 'phoneFormat', 'phoneDiffers', 'nameTypo', 'knownAs', 'surnameChange',
  'accentFolded', 'apostropheVariant', 'hyphenVariant', 'titleInName', 'positionVariant',
  'employeeNumberZerosLost', 'adNhsmailIdMissing', 'adNhsmailIdWrong', 'adMailMissing', 'adMailTrustDomain',
  'adDuplicateAccount', 'adDisabled', 'adNeverLoggedOn', 'leaverNhsmailActive', 'leaverAdEnabled',
  'tisNoDesignatedBody', 'tableauGuest',
];

/**
 * Clean: every anchor present and equal everywhere (AD carries employeeID, mail and the
 * NHSmail ID); lifecycle (leavers, assignments, mailbox statuses, membership) as realistic.
 */
export const CLEAN_RATES: Readonly<SynthRates> = {
  ...REALISTIC_RATES,
  ...Object.fromEntries(FAULT_RATES.map((k) => [k, 0])),
  adEmployeeId: 1,
};

export function ratesFor(profile: SynthProfile): SynthRates {
  return { ...(profile === 'clean' ? CLEAN_RATES : REALISTIC_RATES) };
}

export const RATE_NAMES: readonly (keyof SynthRates)[] = Object.keys(REALISTIC_RATES) as (keyof SynthRates)[];

export interface SynthOptions {
  people: number;
  seed: number;
  /** The extract date, epoch ms at UTC midnight: every date is counted back from it. */
  asOfMs: number;
  rates: SynthRates;
  membership: Membership;
  /** AD attribute holding the NHSmail ID (header of the last AD column). */
  nhsmailIdAttribute: string;
}

export function defaultSynthOptions(people: number, seed = 1, profile: SynthProfile = 'realistic'): SynthOptions {
  return {
    people,
    seed,
    asOfMs: Date.UTC(2026, 10, 1),
    rates: ratesFor(profile),
    membership: { ...DEFAULT_MEMBERSHIP },
    nhsmailIdAttribute: 'extensionAttribute1',
  };
}

/** Every problem with the options, as "name: message" (empty when fine). */
export function checkSynthOptions(o: SynthOptions): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(o.people) || o.people < 1 || o.people > 50_000_000) problems.push('people: must be a whole number from 1 to 50000000');
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) problems.push('seed: must be a whole number from 0 to 4294967295');
  for (const [k, v] of Object.entries(o.rates)) {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) problems.push(`rates.${k}: must be a number from 0 to 1`);
  }
  const total = Object.values(o.membership).reduce((a, b) => a + b, 0);
  if (Object.values(o.membership).some((v) => !(v >= 0)) || Math.abs(total - 1) > 1e-6) problems.push('membership: shares must be ≥ 0 and sum to 1');
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(o.nhsmailIdAttribute)) problems.push('nhsmailIdAttribute: must be an attribute name');
  return problems;
}

// --- Reference data (fictional organisations; names are common, combined at random) -------------

export interface Org {
  name: string;
  /** Fictional ODS code (R9x trusts, Q9x ICBs: not allocated to real bodies). */
  ods: string;
  /** The organisation's own email domain. */
  domain: string;
  /** OU name in AD. */
  ou: string;
}

const ORG_TABLE: ReadonlyArray<readonly [Org, number]> = [
  [{ name: 'Northfield Community NHS Trust', ods: 'R9N', domain: 'northfield.nhs.uk', ou: 'Northfield' }, 6],
  [{ name: 'Eastmoor Hospitals NHS Foundation Trust', ods: 'R9E', domain: 'eastmoor.nhs.uk', ou: 'Eastmoor' }, 10],
  [{ name: 'Westbrook Teaching Hospitals NHS Trust', ods: 'R9W', domain: 'westbrook.nhs.uk', ou: 'Westbrook' }, 12],
  [{ name: 'Southvale Mental Health NHS Foundation Trust', ods: 'R9S', domain: 'southvale.nhs.uk', ou: 'Southvale' }, 5],
  [{ name: 'Kingsmead University Hospitals NHS Foundation Trust', ods: 'R9K', domain: 'kingsmead.nhs.uk', ou: 'Kingsmead' }, 14],
  [{ name: 'Ashcombe and Fernley NHS Trust', ods: 'R9A', domain: 'ashcombefernley.nhs.uk', ou: 'Ashcombe' }, 7],
  [{ name: 'Millbrook Healthcare NHS Trust', ods: 'R9M', domain: 'millbrook.nhs.uk', ou: 'Millbrook' }, 6],
  [{ name: 'Riverside Ambulance Service NHS Trust', ods: 'R9R', domain: 'riversideambulance.nhs.uk', ou: 'Riverside' }, 4],
  [{ name: 'Harbourside Children\'s NHS Foundation Trust', ods: 'R9H', domain: 'harbourside.nhs.uk', ou: 'Harbourside' }, 3],
  [{ name: 'Thornbury Partnership NHS Foundation Trust', ods: 'R9T', domain: 'thornbury.nhs.uk', ou: 'Thornbury' }, 5],
  [{ name: 'Lowfield and Dunmore NHS Foundation Trust', ods: 'R9L', domain: 'lowfielddunmore.nhs.uk', ou: 'Lowfield' }, 8],
  [{ name: 'Castleton General Hospital NHS Trust', ods: 'R9C', domain: 'castleton.nhs.uk', ou: 'Castleton' }, 6],
  [{ name: 'Greystone Integrated Care Board', ods: 'Q9G', domain: 'greystone-icb.nhs.uk', ou: 'GreystoneICB' }, 1],
  [{ name: 'Brackenridge Integrated Care Board', ods: 'Q9B', domain: 'brackenridge-icb.nhs.uk', ou: 'BrackenridgeICB' }, 1],
];
const ORGS = new Weighted(ORG_TABLE);
export const NORTHFIELD: Org = ORG_TABLE[0]![0];
export const EASTMOOR: Org = ORG_TABLE[1]![0];

interface Position {
  title: string;
  /** How NHSmail / AD often write it instead. */
  variants: readonly string[];
  departments: readonly string[];
  doctor: boolean;
}

const WARDS = ['Ward 7 - Acute Medicine', 'Ward 12 - Surgery', 'Emergency Department', 'Critical Care', 'Maternity', 'Paediatrics', 'Community Nursing', 'Outpatients', 'Theatres', 'Elderly Care'];
const p = (title: string, weight: number, variants: readonly string[], departments: readonly string[], doctor = false): readonly [Position, number] => [
  { title, variants, departments, doctor },
  weight,
];
const POSITION_TABLE: ReadonlyArray<readonly [Position, number]> = [
  p('Staff Nurse', 14, ['SN', 'Staff Nurse Band 5', 'Registered Nurse'], WARDS),
  p('Healthcare Assistant', 10, ['HCA', 'Health Care Assistant', 'Healthcare Support Worker'], WARDS),
  p('Senior Staff Nurse', 4, ['Snr Staff Nurse', 'Sr Staff Nurse', 'Senior SN'], WARDS),
  p('Ward Manager', 1.5, ['Ward Mgr', 'Ward Sister'], WARDS),
  p('Clinical Nurse Specialist', 2, ['CNS', 'Clin Nurse Specialist'], ['Oncology', 'Diabetes', 'Respiratory', 'Tissue Viability']),
  p('Matron', 0.5, ['Modern Matron'], WARDS),
  p('Midwife', 2.5, ['Registered Midwife', 'Community Midwife'], ['Maternity']),
  p('Consultant Anaesthetist', 1, ['Consultant in Anaesthesia', 'Cons Anaesthetist'], ['Anaesthetics'], true),
  p('Consultant Physician', 1.5, ['Consultant', 'Cons Physician'], ['Acute Medicine', 'Cardiology', 'Respiratory Medicine'], true),
  p('Specialty Registrar', 2.5, ['StR', 'Registrar', 'Speciality Registrar'], ['General Surgery', 'Acute Medicine', 'Paediatrics', 'Obstetrics and Gynaecology'], true),
  p('Foundation Year 1 Doctor', 1.5, ['FY1', 'F1 Doctor', 'Foundation Doctor'], ['Acute Medicine', 'General Surgery'], true),
  p('General Practitioner', 0.5, ['GP', 'Salaried GP'], ['Primary Care'], true),
  p('Physiotherapist', 2, ['Physio', 'Band 6 Physiotherapist'], ['Physiotherapy']),
  p('Occupational Therapist', 1.5, ['OT', 'Occ Therapist'], ['Occupational Therapy']),
  p('Radiographer', 1.5, ['Diagnostic Radiographer'], ['Radiology']),
  p('Pharmacist', 1, ['Clinical Pharmacist'], ['Pharmacy']),
  p('Pharmacy Technician', 1, ['Pharmacy Tech'], ['Pharmacy']),
  p('Biomedical Scientist', 1, ['BMS', 'Biomedical Scientist Band 6'], ['Pathology']),
  p('Paramedic', 2, ['Registered Paramedic'], ['Emergency Operations']),
  p('Administrator', 6, ['Admin', 'Admin Assistant', 'Administrative Assistant'], ['Outpatients', 'Medical Records', 'Finance', 'Human Resources']),
  p('Medical Secretary', 3, ['Med Sec', 'Medical Sec'], ['Surgery', 'Medicine', 'Women and Children']),
  p('Receptionist', 2, ['Recep', 'Reception'], ['Outpatients', 'Emergency Department']),
  p('Ward Clerk', 1.5, ['Ward Clerical Officer'], WARDS),
  p('Porter', 2, ['Hospital Porter', 'Portering'], ['Estates and Facilities']),
  p('Domestic Assistant', 3, ['Domestic', 'Housekeeper'], ['Estates and Facilities']),
  p('Catering Assistant', 1.5, ['Catering'], ['Catering']),
  p('Finance Manager', 0.6, ['Finance Mgr'], ['Finance']),
  p('HR Advisor', 0.8, ['Human Resources Advisor', 'HR Adviser'], ['Human Resources']),
  p('IT Service Desk Analyst', 0.8, ['Service Desk Analyst', 'IT Analyst'], ['Information Technology']),
  p('Project Manager', 0.6, ['PM', 'Project Mgr'], ['Transformation']),
  p('Head of Nursing', 0.2, ['HoN', 'Head of Nursing and Quality'], ['Nursing Directorate']),
];
const POSITIONS = new Weighted(POSITION_TABLE);
const BANK_PREFIX = 'Bank ';

const NON_ESR_POSITIONS: readonly string[] = ['Agency Nurse', 'Locum Consultant', 'Locum Registrar', 'Volunteer', 'Contractor', 'Student Nurse', 'Honorary Contract', 'Agency HCA'];

/** Usual short forms, for Known As. */
const SHORT_FORMS: Readonly<Record<string, readonly string[]>> = {
  Robert: ['Bob', 'Rob'], William: ['Bill', 'Will'], Elizabeth: ['Liz', 'Beth'], Margaret: ['Maggie', 'Peggy'],
  Catherine: ['Kate', 'Cathy'], Katherine: ['Kate', 'Katie'], Christopher: ['Chris'], Michael: ['Mike'],
  Andrew: ['Andy', 'Drew'], Alexander: ['Alex'], Samuel: ['Sam'], Thomas: ['Tom'], James: ['Jim', 'Jamie'],
  Richard: ['Rick', 'Richie'], Jennifer: ['Jenny', 'Jen'], Rebecca: ['Becky', 'Becca'], Victoria: ['Vicky'],
  Deborah: ['Debbie'], Susan: ['Sue'], Patricia: ['Pat', 'Trish'], Nicholas: ['Nick'], Jonathan: ['Jon'],
  Daniel: ['Dan', 'Danny'], Matthew: ['Matt'], Benjamin: ['Ben'], Joseph: ['Joe'], Anthony: ['Tony'],
  Edward: ['Ed', 'Ted'], Alexandra: ['Alex', 'Sasha'], Stephen: ['Steve'], Timothy: ['Tim'], Peter: ['Pete'],
  Philip: ['Phil'], Gregory: ['Greg'], Charlotte: ['Lottie', 'Charlie'], Abigail: ['Abi'], Jessica: ['Jess'],
  Samantha: ['Sam'], Oluwaseun: ['Seun'], Muhammad: ['Mo'], Mohammed: ['Mo'], Nicola: ['Nicky'],
  Joanne: ['Jo'], Victor: ['Vic'], Eleanor: ['Ellie', 'Nell'], Georgina: ['Georgie'], Philippa: ['Pippa'],
  Chinedu: ['Chin'], Gareth: ['Gaz'],
};

const parseWeights = (s: string): Array<readonly [string, number]> =>
  s.split(',').map((e) => {
    const [name, w] = e.trim().split(':');
    return [name!, Number(w)] as const;
  });

// Relative frequencies among NHS staff (rough; skewed so common names collide as they do).
const FEMALE = new Weighted(parseWeights(
  'Sarah:30,Emma:22,Claire:18,Laura:20,Rebecca:15,Nicola:15,Karen:15,Lisa:14,Julie:14,Helen:16,Rachel:15,Amy:14,' +
  'Jennifer:10,Elizabeth:12,Catherine:10,Katherine:8,Margaret:6,Susan:12,Deborah:8,Victoria:10,Samantha:10,' +
  'Charlotte:12,Hannah:12,Jessica:9,Sophie:10,Lucy:10,Emily:9,Joanne:12,Michelle:12,Louise:11,Gemma:10,Kelly:8,' +
  'Natalie:8,Zoe:6,Zoë:2,Jane:10,Alison:9,Angela:9,Patricia:5,Mary:10,Anne:7,Ann:5,Amanda:8,Kate:6,Abigail:5,' +
  'Alexandra:5,Grace:6,Chloe:7,Olivia:5,Megan:6,Priya:6,Fatima:5,Aisha:5,Ayesha:3,Nadia:3,Maria:10,Mary Grace:2,' +
  'Marites:2,Rowena:2,Jocelyn:2,Chioma:3,Ngozi:3,Folasade:2,Adaeze:2,Blessing:4,Precious:2,Agnieszka:3,' +
  'Katarzyna:3,Małgorzata:2,Anna:6,Siobhán:2,Siobhan:3,Niamh:3,Aoife:2,Renée:1,Chloé:1,Ana:2,Inês:1,Sinéad:2,' +
  'Bethan:3,Ffion:2,Rhiannon:3,Eleanor:5,Harriet:3,Philippa:2,Georgina:3,Rosie:3,Jasmine:4,Amina:3,Deepa:2,' +
  'Anjali:2,Lakshmi:2,Sunita:2',
));
const MALE = new Weighted(parseWeights(
  'David:20,John:22,Paul:14,Mark:14,Andrew:14,Michael:14,James:16,Richard:11,Robert:10,Christopher:11,Daniel:11,' +
  'Matthew:10,Stephen:10,Peter:8,Thomas:9,William:6,Simon:8,Ian:7,Gary:5,Steven:6,Anthony:5,Jonathan:6,Benjamin:5,' +
  'Samuel:5,Alexander:5,Nicholas:5,Edward:4,Joseph:5,Timothy:3,Philip:4,Gregory:2,Adam:6,Ryan:5,Luke:5,Jack:5,' +
  'Oliver:4,Mohammed:8,Muhammad:6,Ahmed:3,Ali:3,Imran:3,Arjun:3,Rajesh:3,Sanjay:3,Vikram:2,Anil:3,Suresh:2,' +
  'Chinedu:3,Oluwaseun:2,Emeka:2,Kwame:2,Tunde:2,José:2,Jose:3,Mark Anthony:1,Jerome:2,Łukasz:2,Lukasz:1,Piotr:3,' +
  'Tomasz:2,Krzysztof:1,Seán:2,Sean:4,Ciarán:1,Darragh:1,Rhys:3,Gareth:4,Dafydd:1,Aled:1,Neil:5,Craig:5,' +
  'Stuart:5,Graham:4,Kevin:6,Martin:6,Lee:4,Dean:3,Carl:3',
));

const LISTED_SURNAMES =
  'Smith:110,Jones:75,Williams:60,Taylor:50,Brown:50,Davies:47,Evans:30,Wilson:30,Thomas:30,Johnson:30,' +
  'Roberts:28,Robinson:24,Thompson:24,Wright:24,Walker:23,White:22,Edwards:22,Hughes:22,Green:21,Hall:21,' +
  'Lewis:20,Harris:20,Clarke:20,Patel:26,Jackson:19,Wood:18,Turner:17,Martin:17,Cooper:17,Hill:17,Ward:16,' +
  'Morris:16,Moore:16,Clark:16,Lee:16,King:15,Baker:15,Harrison:15,Morgan:15,Allen:15,James:15,Scott:14,' +
  'Phillips:14,Watson:14,Davis:14,Parker:13,Price:13,Bennett:13,Young:13,Griffiths:13,Mitchell:13,Kelly:13,' +
  'Cook:13,Carter:13,Richardson:12,Bailey:12,Collins:12,Bell:12,Shaw:12,Murphy:12,Miller:11,Cox:11,' +
  'Richards:11,Khan:14,Marshall:11,Anderson:11,Simpson:10,Ellis:10,Adams:10,Singh:12,Begum:9,Wilkinson:10,' +
  'Foster:10,Chapman:10,Powell:10,Webb:10,Rogers:10,Gray:10,Mason:10,Ali:10,Hunt:10,Hussain:9,Campbell:9,' +
  'Matthews:9,Owen:9,Palmer:9,Holmes:9,Mills:9,Barnes:9,Knight:9,Lloyd:9,Butler:9,Russell:9,Barker:8,' +
  'Fisher:8,Stevens:8,Jenkins:8,Murray:8,Dixon:8,Harvey:8,Graham:8,Pearson:8,Ahmed:8,Fletcher:8,Walsh:8,' +
  'Kaur:8,Gibson:8,Howard:8,Andrews:8,Stewart:8,Elliott:8,Reynolds:7,Saunders:7,Payne:7,Fox:7,Ford:7,' +
  "Pearce:7,Day:7,Brooks:7,West:7,Lawrence:7,Cole:7,Atkinson:7,Bradley:7,Spencer:7,Gill:7,Dawson:7,Ball:7," +
  "Burton:7,O'Brien:7,Watts:7,Rose:7,Booth:7,Perry:7,Ryan:7,Grant:7,Wells:7,Armstrong:7,Francis:7,Rees:7," +
  "Hayes:7,Hart:6,Hudson:6,Newman:6,Barrett:6,Webster:6,Hunter:6,Gregory:6,Carr:6,Lowe:6,Page:6,Marsh:6," +
  "Riley:6,Dunn:6,Woods:6,Parsons:6,Berry:6,Stone:6,Reid:6,Holland:6,Hawkins:6,Harding:6,Porter:6," +
  "Robertson:6,Newton:6,Oliver:6,Reed:6,Kennedy:6,Williamson:6,Bird:6,Gardner:6,Shah:6,Dean:6,Lane:6," +
  "Cooke:6,Bates:6,Henderson:6,Parry:6,Burgess:6,Bishop:6,Walton:6,Burns:6,Nicholson:6,Shepherd:6,Ross:6," +
  "O'Connor:5,Harper:5,Coleman:5,Watkins:5,Moss:5,McCarthy:5,Chambers:5,O'Neill:5,Griffin:5,Sharp:5," +
  "Hardy:5,Wheeler:5,Potter:5,Osborne:5,Johnston:5,Gordon:5,Doyle:5,Wallace:5,George:5,Jordan:5," +
  "Hutchinson:5,Rahman:5,O'Sullivan:4,Okafor:4,Adeyemi:4,Okonkwo:3,Mensah:3,Asante:3,Nwosu:3,Oyelaran:2," +
  "Santos:5,Reyes:4,Cruz:4,Bautista:3,Garcia:4,Mendoza:3,Dela Cruz:3,Sharma:5,Kumar:6,Gupta:4,Nair:4," +
  "Menon:3,Pillai:3,Joseph:4,Varghese:3,Mathew:3,Nowak:3,Kowalski:2,Wiśniewski:2,Wiśniewska:2,Wójcik:2," +
  "Kowalczyk:2,Lewandowski:2,Müller:1,García:2,Gonçalves:2,Fernandes:2,Sousa:2,Rodrigues:2,Rodríguez:1," +
  "Fernández:1,Martínez:1,Papadopoulos:1,Lloyd-Davies:1,Harper-Smith:1,Lloyd-Williams:1,Wynne-Jones:1," +
  "Fox-Taylor:1,Sinclair-Hall:1,Owen-Jones:1,Ní Bhriain:1,van Dijk:1";
const TAIL_PREFIXES = ['Ash', 'Black', 'Brad', 'Brom', 'Cal', 'Craw', 'Dun', 'East', 'Fair', 'Fen', 'Gold', 'Hal', 'Hart', 'Hol', 'Kings', 'Lang', 'Mar', 'Mid', 'Nor', 'Oak', 'Rad', 'Red', 'Ros', 'Shel', 'Stan', 'Sud', 'Thorn', 'Wal', 'Whit', 'Wood'];
const TAIL_SUFFIXES = ['bury', 'by', 'croft', 'den', 'field', 'ford', 'ham', 'hurst', 'ley', 'low', 'more', 'ridge', 'shaw', 'stone', 'ton', 'well', 'wick', 'worth'];
/**
 * Listed surnames cover about a third of people (Smith ≈ 1.1%), a long tail of place-name
 * surnames the rest, so "John Smith" is common and most full names are rare.
 */
const SURNAMES = new Weighted([
  ...parseWeights(LISTED_SURNAMES),
  ...TAIL_PREFIXES.flatMap((pre, i) => TAIL_SUFFIXES.map((suf, j) => [pre + suf, 2 + ((i * 7 + j * 13) % 11) / 5] as const)),
]);

const PERSONAL_DOMAINS = new Weighted<string>([['gmail.com', 5], ['hotmail.co.uk', 3], ['outlook.com', 2], ['yahoo.co.uk', 2], ['icloud.com', 1], ['btinternet.com', 1]]);

const DESIGNATED_BODIES = ['1-AIIDR8', '1-AIIDSA', '1-AIIDWA', '1-AIIDQQ', '1-AIIDHJ', '1-1RSG4X0', '1-1RSSPZ7', '1-1RUZV1D'];
const HEE_ROLES = new Weighted<string>([
  ['HEE', 3], ['HEE Admin', 4], ['HEE Admin Sensitive', 2], ['HEE Admin Revalidation', 1.5], ['HEE Programme Admin', 2],
  ['HEE Programme Observer', 1], ['RevalAdmin', 1], ['RevalApprover', 0.5], ['RevalObserver', 1],
]);
const TRUST_ROLES = new Weighted<string>([['HEE Trust Admin', 2], ['HEE Trust Observer', 3]]);
const MACHINE_ROLES = ['ETL', 'ESR', 'Machine User'];
const PROGRAMMES = ['Core Medical Training', 'General Practice', 'Foundation', 'General Surgery', 'Paediatrics', 'Psychiatry Core Training', 'Anaesthetics'];
const SITE_ROLES = new Weighted<string>([
  ['Viewer', 60], ['Explorer', 20], ['ExplorerCanPublish', 5], ['Creator', 4], ['SiteAdministratorExplorer', 2],
  ['SiteAdministratorCreator', 1], ['Unlicensed', 8],
]);
/** Entra tenant B2B guests are invited into (fictional). */
const GUEST_TENANT = 'heeregionx.onmicrosoft.com';
const AD_DOMAIN = { dc: 'DC=nhsx,DC=local', upn: 'nhsx.local' };
const SERVICE_APPS = ['sql', 'backup', 'print', 'citrix', 'epr', 'pacs', 'scan', 'sccm', 'web', 'lims', 'ris', 'esr-interface'];

// --- Small helpers ------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
/** ms from 1601-01-01 (FILETIME epoch) to 1970-01-01. */
const FILETIME_EPOCH_OFFSET_MS = 11_644_473_600_000;
export const FILETIME_NEVER_MAX = '9223372036854775807';
const PAD2: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)));

/**
 * Calendar-day strings are cached by day number: a run touches a few thousand distinct days but
 * formats millions of dates, and a Date object per cell was a tenth of the generator's time.
 */
const ukDays = new Map<number, string>();
const isoDays = new Map<number, string>();
function dayStrings(day: number): void {
  const d = new Date(day * DAY_MS);
  const y = String(d.getUTCFullYear());
  const m = PAD2[d.getUTCMonth() + 1]!;
  const dd = PAD2[d.getUTCDate()]!;
  ukDays.set(day, `${dd}/${m}/${y}`);
  isoDays.set(day, `${y}-${m}-${dd}`);
}
function ukDay(day: number): string {
  let s = ukDays.get(day);
  if (s === undefined) {
    dayStrings(day);
    s = ukDays.get(day)!;
  }
  return s;
}
function isoDay(day: number): string {
  let s = isoDays.get(day);
  if (s === undefined) {
    dayStrings(day);
    s = isoDays.get(day)!;
  }
  return s;
}
/** HH:mm:ss of an epoch-ms instant (UTC). */
function clock(ms: number): string {
  const t = Math.floor((ms - Math.floor(ms / DAY_MS) * DAY_MS) / 1000);
  return `${PAD2[Math.floor(t / 3600)]}:${PAD2[Math.floor(t / 60) % 60]}:${PAD2[t % 60]}`;
}

/** dd/mm/yyyy (UTC). */
export function ukDate(ms: number): string {
  return ukDay(Math.floor(ms / DAY_MS));
}
/** dd/MM/yyyy HH:mm:ss (UTC), PowerShell's en-GB DateTime. */
export function ukDateTime(ms: number): string {
  return `${ukDay(Math.floor(ms / DAY_MS))} ${clock(ms)}`;
}
/** YYYY-MM-DDTHH:MM:SSZ. */
export function isoDateTime(ms: number): string {
  return `${isoDay(Math.floor(ms / DAY_MS))}T${clock(ms)}Z`;
}
/**
 * Windows FILETIME for an epoch-ms instant: (ms + offset) × 10 000. The product passes 2^53,
 * so the × 10 000 is written as four more digits (random sub-millisecond ticks, as real ones have).
 */
export function filetime(ms: number, subMsTicks = 0): string {
  const t = subMsTicks % 10000;
  return String(ms + FILETIME_EPOCH_OFFSET_MS) + (t >= 1000 ? '' : t >= 100 ? '0' : t >= 10 ? '00' : '000') + t;
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
function hex8(n: number): string {
  return HEX[(n >>> 24) & 255]! + HEX[(n >>> 16) & 255]! + HEX[(n >>> 8) & 255]! + HEX[n & 255]!;
}
/** A version-4-shaped GUID, lowercase. */
export function guid(rng: Sfc32): string {
  const a = hex8(rng.u32());
  const b = hex8(rng.u32());
  const c = hex8(rng.u32());
  const d = hex8(rng.u32());
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${'89ab'[rng.int(4)]}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

const MARKS = /\p{M}+/gu;
const FOLD_SPECIAL: Readonly<Record<string, string>> = { ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', ß: 'ss', æ: 'ae', Æ: 'AE', đ: 'd', Đ: 'D' };
const foldCache = new Map<string, string>();
/** Accents removed (Łukasz → Lukasz, Siobhán → Siobhan), as systems without Unicode names store them. */
export function foldAccents(s: string): string {
  let f = foldCache.get(s);
  if (f === undefined) {
    f = s.normalize('NFKD').replace(MARKS, '').replace(/[łŁøØßæÆđĐ]/g, (c) => FOLD_SPECIAL[c] ?? c);
    if (foldCache.size < 100_000) foldCache.set(s, f);
  }
  return f;
}
const hasAccent = (s: string): boolean => foldAccents(s) !== s;

const samCache = new Map<string, string>();
/** Letters only, for sAMAccountNames (O'Brien-Smith → obriensmith). */
function samPart(s: string): string {
  let l = samCache.get(s);
  if (l === undefined) {
    l = localPart(s).replace(/[^a-z]/g, '');
    if (samCache.size < 100_000) samCache.set(s, l);
  }
  return l;
}

const localCache = new Map<string, string>();
/** Lowercase letters, digits, dots and hyphens for an email local part (O'Brien → obrien). */
function localPart(s: string): string {
  let l = localCache.get(s);
  if (l === undefined) {
    l = foldAccents(s).toLowerCase().replace(/['’\s]/g, '').replace(/[^a-z0-9.-]/g, '');
    if (localCache.size < 100_000) localCache.set(s, l);
  }
  return l;
}

/** One edit (substitute, delete, transpose, insert) after the first letter; differs from s. */
export function typo(rng: Sfc32, s: string): string {
  if (s.length < 3) return s + 'e';
  const i = 1 + rng.int(s.length - 1);
  const letter = String.fromCharCode(97 + rng.int(26));
  let out: string;
  switch (rng.int(4)) {
    case 0:
      out = s.slice(0, i) + letter + s.slice(i + 1);
      break;
    case 1:
      out = s.slice(0, i) + s.slice(i + 1);
      break;
    case 2:
      out = i + 1 < s.length ? s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2) : s.slice(0, i) + letter + s.slice(i);
      break;
    default:
      out = s.slice(0, i) + letter + s.slice(i);
  }
  return out === s ? s + letter : out;
}

/** A UK mobile as 11 national digits, 07[4-9]xx xxxxxx; never Ofcom's 07700 900xxx drama range. */
function mobileDigits(rng: Sfc32): string {
  for (;;) {
    const n = '07' + '457899'[rng.int(6)] + rng.digits(8);
    if (!n.startsWith('07700900')) return n;
  }
}

export type PhoneStyle =
  | 'spaced' // 07911 123456
  | 'compact' // 07911123456
  | 'intlZero' // +44 (0) 7911 123456
  | 'e164' // +447911123456
  | 'intlSpaced' // +44 7911 123456
  | 'doubleZero' // 0044 7911 123456
  | 'doubleZeroCompact' // 00447911123456
  | 'noPlus' // 447911123456
  | 'noZero' // 7911123456 (Excel dropped the 0)
  | 'threes'; // 07911 123 456
const PHONE_VARIANTS: readonly PhoneStyle[] = ['compact', 'intlZero', 'e164', 'intlSpaced', 'doubleZero', 'doubleZeroCompact', 'noPlus', 'noZero', 'threes'];

/** Writes 11 national digits (07911123456) in one of the styles people and systems use. */
export function formatMobile(n: string, style: PhoneStyle): string {
  const sub = n.slice(1);
  switch (style) {
    case 'spaced': return `${n.slice(0, 5)} ${n.slice(5)}`;
    case 'compact': return n;
    case 'intlZero': return `+44 (0) ${sub.slice(0, 4)} ${sub.slice(4)}`;
    case 'e164': return `+44${sub}`;
    case 'intlSpaced': return `+44 ${sub.slice(0, 4)} ${sub.slice(4)}`;
    case 'doubleZero': return `0044 ${sub.slice(0, 4)} ${sub.slice(4)}`;
    case 'doubleZeroCompact': return `0044${sub}`;
    case 'noPlus': return `44${sub}`;
    case 'noZero': return sub;
    case 'threes': return `${n.slice(0, 5)} ${n.slice(5, 8)} ${n.slice(8)}`;
  }
}

function stripZeros(emp: string): string {
  return emp.replace(/^0+/, '');
}

// --- The person model ---------------------------------------------------------------------------

/** A person's true identity, from which every record starts before corruption. */
export interface Person {
  personId: string;
  title: string;
  firstName: string;
  lastName: string;
  /** Preferred first name ('' when none). */
  knownAs: string;
  /** Surname before a change not yet made everywhere ('' when none). */
  previousLastName: string;
  /** 8 digits. */
  employeeNumber: string;
  /** 11 national digits, '' when none. */
  mobile: string;
  position: Position;
  department: string;
  org: Org;
  /** Hire date, epoch ms (UTC midnight). */
  startMs: number;
  /** Last day, epoch ms, when a leaver. */
  leftMs?: number;
  gmcId: string;
}

/** Creates a Person from explicit values (the samples' planted people use this). */
export function makePerson(v: {
  personId: string;
  title?: string;
  firstName: string;
  lastName: string;
  knownAs?: string;
  previousLastName?: string;
  employeeNumber?: string;
  mobile?: string;
  position: string;
  department?: string;
  doctor?: boolean;
  org?: Org;
  startMs: number;
  leftMs?: number;
  gmcId?: string;
}): Person {
  const known = POSITION_TABLE.find(([pos]) => pos.title === v.position)?.[0];
  const position: Position = known ?? { title: v.position, variants: [], departments: [v.department ?? 'Corporate'], doctor: v.doctor ?? false };
  return {
    personId: v.personId,
    title: v.title ?? '',
    firstName: v.firstName,
    lastName: v.lastName,
    knownAs: v.knownAs ?? '',
    previousLastName: v.previousLastName ?? '',
    employeeNumber: v.employeeNumber ?? '',
    mobile: v.mobile ?? '',
    position,
    department: v.department ?? position.departments[0] ?? '',
    org: v.org ?? NORTHFIELD,
    startMs: v.startMs,
    leftMs: v.leftMs,
    gmcId: v.gmcId ?? '',
  };
}

/** The first name a person uses day to day. */
const usedFirst = (p: Person): string => p.knownAs || p.firstName;

/** NHSmail display names: "SURNAME, First (ORGANISATION)". */
const orgUpper = new Map<Org, string>();
export function nhsmailDisplayName(first: string, last: string, org: Org): string {
  let o = orgUpper.get(org);
  if (o === undefined) orgUpper.set(org, (o = org.name.toUpperCase()));
  return `${last.toUpperCase()}, ${first} (${o})`;
}

/** A consistent ESR assignment row for the person's primary (or given) assignment. */
export function esrRecord(p: Person, email: string, opts: { assignment?: number; org?: Org; position?: string; startMs?: number; endMs?: number; leaver?: boolean } = {}): EsrRecord {
  const n = opts.assignment ?? 1;
  const endMs = opts.endMs ?? p.leftMs;
  const ended = endMs !== undefined && endMs < Date.UTC(9999, 0, 1) && (opts.leaver ?? p.leftMs !== undefined);
  return {
    employeeNumber: p.employeeNumber,
    assignmentNumber: n === 1 ? p.employeeNumber : `${p.employeeNumber}-${n}`,
    title: p.title,
    firstName: p.firstName,
    lastName: p.lastName,
    knownAs: p.knownAs,
    email,
    workMobile: p.mobile ? formatMobile(p.mobile, 'spaced') : '',
    positionTitle: opts.position ?? p.position.title,
    organisation: (opts.org ?? p.org).name,
    assignmentStatus: ended ? 'Terminate Process Assignment' : 'Active Assignment',
    startDate: ukDate(opts.startMs ?? p.startMs),
    endDate: endMs !== undefined ? ukDate(endMs) : '',
    personType: ended ? 'EX_EMP' : 'EMP',
  };
}

/** A consistent, Active NHSmail account (named `first last`, by default the person's). */
export function nhsmailRecord(p: Person, email: string, id: string, lastLogonMs: number, first = usedFirst(p), last = p.lastName): NhsmailRecord {
  return {
    email,
    nhsmailId: id,
    firstName: first,
    lastName: last,
    displayName: nhsmailDisplayName(first, last, p.org),
    mobile: p.mobile ? formatMobile(p.mobile, 'spaced') : '',
    jobTitle: p.position.title,
    department: p.department,
    organisation: p.org.name,
    odsCode: p.org.ods,
    status: 'Active',
    lastLogon: isoDateTime(lastLogonMs),
    employeeNumber: '',
    secondaryEmails: '',
  };
}

/** A consistent, enabled AD account carrying every anchor (named `first last`, by default the person's). */
export function adRecord(
  p: Person,
  a: { sam: string; guid: string; sid: string; mail: string; nhsmailId: string; lastLogonMs: number; lastLogonTicks?: number; createdMs: number; ou?: string },
  first = usedFirst(p),
  last = p.lastName,
): AdRecord {
  const name = `${first} ${last}`;
  return {
    distinguishedName: `CN=${escapeDn(name)},OU=${a.ou ?? 'Staff'},OU=${p.org.ou},${AD_DOMAIN.dc}`,
    enabled: 'True',
    givenName: first,
    name,
    objectGuid: a.guid,
    samAccountName: a.sam,
    sid: a.sid,
    surname: last,
    upn: `${a.sam}@${AD_DOMAIN.upn}`,
    mail: a.mail,
    employeeId: p.employeeNumber,
    mobile: p.mobile ? formatMobile(p.mobile, 'spaced') : '',
    title: p.position.title,
    department: p.department,
    lastLogonTimestamp: filetime(a.lastLogonMs, a.lastLogonTicks),
    userAccountControl: '512',
    whenCreated: ukDateTime(a.createdMs),
    nhsmailId: a.nhsmailId,
  };
}

/** Disables an AD record: Enabled False and the ACCOUNTDISABLE bit (0x2) in userAccountControl. */
export function disableAd(r: AdRecord): void {
  r.enabled = 'False';
  r.userAccountControl = String(Number(r.userAccountControl) | 2);
}

/** RFC 4514: , + " \ < > ; need a backslash in a DN; a leading # or space too. */
const DN_SPECIAL = /[,+"\\<>;]|^[#\s]/;
function escapeDn(s: string): string {
  if (!DN_SPECIAL.test(s)) return s;
  return s.replace(/[,+"\\<>;]/g, (c) => `\\${c}`).replace(/^[#\s]/, (c) => `\\${c}`);
}

// --- Unique names: collision numbers ----------------------------------------------------------

/** Namespaces whose names must be unique: NHSmail addresses, sAMAccountNames, TIS usernames, personal addresses. */
type NameKind = 'email' | 'sam' | 'tis' | 'personal';

/**
 * How often each name was handed out before, per kind. Keyed (a, b) in two levels by the cached
 * name strings, whose hashes V8 keeps: a fresh "a.b" key per call was the generator's costliest line.
 */
class NameCounts {
  private readonly maps = new Map<NameKind, Map<string, Map<string, number>>>();

  count(kind: NameKind, a: string, b: string): number {
    let outer = this.maps.get(kind);
    if (outer === undefined) this.maps.set(kind, (outer = new Map()));
    let inner = outer.get(a);
    if (inner === undefined) outer.set(a, (inner = new Map()));
    const n = inner.get(b) ?? 0;
    inner.set(b, n + 1);
    return n;
  }
}

/** The n-th repeat's suffix: john.smith, john.smith1, john.smith2; personal addresses get ".n". */
function suffixFor(kind: NameKind, n: number): string {
  return n === 0 ? '' : kind === 'personal' ? `.${n}` : String(n);
}

// --- The generator ------------------------------------------------------------------------------

/** Counts of what was generated and which faults were applied, for tests and the summary. */
export interface SynthStats {
  entities: number;
  rows: Record<SystemName, number>;
  /** ESR people (distinct Employee Numbers). */
  esrPeople: number;
  faults: Record<string, number>;
}

function emptySynthStats(): SynthStats {
  return { entities: 0, rows: { esr: 0, nhsmail: 0, ad: 0, tis: 0, tisLogins: 0, tableau: 0, truth: 0 }, esrPeople: 0, faults: {} };
}

type Category = keyof Membership;

/**
 * The generator: `next()` returns the next entity, or undefined after `people` of them.
 * Call it from a loop that writes as it goes; only name-collision counters are kept.
 */
export class Synth {
  readonly options: SynthOptions;
  readonly stats: SynthStats;
  private readonly rng: Sfc32;
  private readonly names = new NameCounts();
  private readonly r: SynthRates;
  private readonly categories: Weighted<Category>;
  private i = 0;
  private readonly idWidth: number;
  /** Employee numbers are a bijection of the entity index onto 8 digits: distinct without a set. */
  private readonly empMul: number;
  private readonly empAdd: number;
  private readonly sidPrefix: string;
  private rid = 1100;
  /** The previous mailbox's ID: what a "wrong NHSmail ID" in AD points at. */
  private lastNhsmailId = '';

  constructor(options: SynthOptions) {
    this.options = options;
    this.rng = new Sfc32(options.seed);
    this.r = options.rates;
    this.categories = new Weighted(Object.entries(options.membership) as Array<[Category, number]>);
    this.idWidth = Math.max(7, String(options.people).length);
    // Odd and not a multiple of 5: coprime with 10^8, so i → (i·mul + add) mod 10^8 is a bijection.
    let mul = 10_000_001 + 2 * this.rng.int(40_000_000);
    if (mul % 5 === 0) mul += 2;
    this.empMul = mul;
    this.empAdd = this.rng.int(100_000_000);
    this.sidPrefix = `S-1-5-21-${1_000_000_000 + this.rng.int(2_000_000_000)}-${1_000_000_000 + this.rng.int(2_000_000_000)}-${1_000_000_000 + this.rng.int(2_000_000_000)}-`;
    this.stats = emptySynthStats();
  }

  /** The n-th repeat of a name in its namespace gets n: john.smith, john.smith1, john.smith2… */
  private suffix(kind: NameKind, a: string, b: string): string {
    return suffixFor(kind, this.names.count(kind, a, b));
  }

  private fault(name: string): void {
    this.stats.faults[name] = (this.stats.faults[name] ?? 0) + 1;
  }

  /** True with probability p, counting the fault when it fires. */
  private hit(p: number, name: string): boolean {
    if (this.rng.float() < p) {
      this.fault(name);
      return true;
    }
    return false;
  }

  private employeeNumber(i: number): string {
    // i·mul < 2^53 for any i ≤ 50M, so the arithmetic is exact.
    return String((i * this.empMul + this.empAdd) % 100_000_000).padStart(8, '0');
  }

  /** A base name made unique in its namespace by a collision number (svc-print, svc-print1…). */
  private unique(kind: NameKind, base: string): string {
    return base + this.suffix(kind, '', base);
  }

  /** NHSmail addresses are first.last@nhs.net, then first.last1, first.last2… */
  private nhsmailAddress(first: string, last: string): string {
    const f = localPart(first);
    const l = localPart(last);
    return `${f}.${l}${this.suffix('email', f, l)}@nhs.net`;
  }

  private samAccountName(first: string, last: string): string {
    // sAMAccountName holds 20 characters: 16 of name leaves room for the collision number.
    const l = samPart(last).slice(0, 15);
    const f = localPart(first).charAt(0) || 'x';
    // Initial + letters (+ digits): the other AD bases (svc-…, s + 7 digits) never take that
    // shape, so no two namespaces hand out the same name.
    return f + l + this.suffix('sam', f, l);
  }

  private drawPerson(i: number): Person {
    const rng = this.rng;
    const female = rng.float() < 0.72;
    const firstName = (female ? FEMALE : MALE).pick(rng);
    const lastName = SURNAMES.pick(rng);
    const position = POSITIONS.pick(rng);
    const asOf = this.options.asOfMs;
    // Length of service skewed to recent starters: up to ~25 years.
    const years = 25 * rng.float() * rng.float();
    const startMs = asOf - Math.floor(years * 365.25 + 1) * DAY_MS;
    const title = position.doctor ? 'Dr' : rng.chance(0.005) ? 'Mx' : female ? (['Mrs', 'Miss', 'Ms'] as const)[rng.int(3)]! : 'Mr';
    const shorts = SHORT_FORMS[firstName];
    const knownAs = shorts !== undefined && this.hit(this.r.knownAs, 'knownAs') ? rng.pick(shorts) : '';
    const previousLastName = this.hit(this.r.surnameChange, 'surnameChange') ? SURNAMES.pick(rng) : '';
    return {
      personId: `P${String(i + 1).padStart(this.idWidth, '0')}`,
      title,
      firstName,
      lastName: previousLastName === lastName ? `${lastName}-${SURNAMES.pick(rng)}` : lastName,
      knownAs,
      previousLastName,
      employeeNumber: this.employeeNumber(i),
      mobile: rng.chance(0.8) ? mobileDigits(rng) : '',
      position,
      department: rng.pick(position.departments),
      org: ORGS.pick(rng),
      startMs,
      gmcId: position.doctor ? String(rng.range(3_000_000, 7_999_999)) : '',
    };
  }

  /** A phone cell: the person's number, maybe an old one, in some style. */
  private phone(mobile: string, where: 'esr' | 'other'): string {
    if (mobile === '') return '';
    let n = mobile;
    if (where === 'other' && this.hit(this.r.phoneDiffers, 'phoneDiffers')) n = mobileDigits(this.rng);
    if (this.hit(this.r.phoneFormat, 'phoneFormat')) return formatMobile(n, this.rng.pick(PHONE_VARIANTS));
    return formatMobile(n, 'spaced');
  }

  /** A name as another system stores it: accents, apostrophes, hyphens, typos. */
  private variantName(name: string, what: 'first' | 'last'): string {
    let s = name;
    if (hasAccent(s) && this.hit(this.r.accentFolded, 'accentFolded')) s = foldAccents(s);
    if (s.includes("'") && this.hit(this.r.apostropheVariant, 'apostropheVariant')) s = s.replace("'", this.rng.chance(0.7) ? '’' : '');
    if (what === 'last' && s.includes('-') && this.hit(this.r.hyphenVariant, 'hyphenVariant')) s = s.replace('-', ' ');
    if (this.hit(this.r.nameTypo, 'nameTypo')) s = typo(this.rng, s);
    return s;
  }

  private positionText(p: Person): string {
    if (p.position.variants.length > 0 && this.hit(this.r.positionVariant, 'positionVariant')) return this.rng.pick(p.position.variants);
    return p.position.title;
  }

  /** Days ago → epoch ms at a random time of that day. */
  private daysAgo(days: number): number {
    return this.options.asOfMs - days * DAY_MS + this.rng.int(DAY_MS);
  }

  next(): SynthEntity | undefined {
    if (this.i >= this.options.people) return undefined;
    const i = this.i++;
    const category = this.categories.pick(this.rng);
    const e = this.build(i, category);
    const s = this.stats;
    s.entities++;
    s.rows.esr += e.esr.length;
    s.rows.nhsmail += e.nhsmail.length;
    s.rows.ad += e.ad.length;
    s.rows.tis += e.tis.length;
    s.rows.tisLogins += e.tisLogins.length;
    s.rows.tableau += e.tableau.length;
    s.rows.truth += e.truth.length;
    if (e.esr.length > 0) s.esrPeople++;
    return e;
  }

  private build(i: number, category: Category): SynthEntity {
    const rng = this.rng;
    const r = this.r;
    const p = this.drawPerson(i);
    const e: SynthEntity = { personId: p.personId, esr: [], nhsmail: [], ad: [], tis: [], tisLogins: [], tableau: [], truth: [] };
    const inEsr = category.startsWith('esr');
    const inNhsmail = category === 'esrNhsmailAd' || category === 'esrNhsmail' || category === 'nhsmailAd' || category === 'nhsmailOnly';
    const inAd = category === 'esrNhsmailAd' || category === 'esrAd' || category === 'nhsmailAd' || category === 'adOnly';
    if (!inEsr) p.employeeNumber = '';
    const leaver = inEsr && this.hit(r.leaver, 'leaver');
    if (leaver) p.leftMs = this.options.asOfMs - rng.range(1, 720) * DAY_MS;

    if (category === 'adOnly') {
      e.ad.push(rng.chance(0.5) ? this.serviceAccount() : this.studentAccount(p));
    } else if (category === 'tisOnly') {
      this.tisOnly(p, e);
    } else if (category === 'tableauOnly') {
      e.tableau.push(this.guestTableau(p, this.personalEmail(p)));
    } else {
      if (!inEsr) p.position = { title: rng.pick(NON_ESR_POSITIONS), variants: [], departments: [p.department], doctor: false };
      // The mailbox is named after the surname it was created with.
      const mailboxLast = p.previousLastName || p.lastName;
      let mailbox: NhsmailRecord | undefined;
      if (inNhsmail) mailbox = this.nhsmail(p, mailboxLast, leaver);
      if (inEsr) this.esr(p, e, mailbox, leaver);
      if (mailbox) e.nhsmail.push(mailbox);
      if (inAd) this.ad(p, e, mailbox, leaver);
      if (mailbox && rng.chance(r.tis)) this.tis(p, e, mailbox.email, leaver);
      else if (mailbox && rng.chance(r.tableauWithoutTis)) e.tableau.push(this.memberTableau(p, mailbox.email));
    }

    const extraAd = e.ad.slice(1);
    e.truth.push({
      personId: p.personId,
      employeeNumber: e.esr.length > 0 ? p.employeeNumber : '',
      nhsmailEmail: e.nhsmail[0]?.email ?? '',
      adSam: e.ad[0]?.samAccountName ?? '',
      tisUsername: e.tis[0]?.name ?? '',
      tableauUsername: e.tableau[0]?.name ?? '',
    });
    for (const a of extraAd) {
      e.truth.push({ personId: p.personId, employeeNumber: '', nhsmailEmail: '', adSam: a.samAccountName, tisUsername: '', tableauUsername: '' });
    }
    return e;
  }

  /**
   * A personal address, unique (TIS and Tableau key guests by it). A repeat gets ".n": no base
   * ends in "." and digits, so suffixed and unsuffixed addresses never meet.
   */
  private personalEmail(p: Person): string {
    const sep = this.rng.pick(['.', '', '_']);
    const local = `${localPart(usedFirst(p))}${sep}${localPart(p.lastName)}${this.rng.chance(0.6) ? this.rng.range(1, 99) : ''}`;
    const domain = PERSONAL_DOMAINS.pick(this.rng);
    return `${local}${this.suffix('personal', local, domain)}@${domain}`;
  }

  private nhsmail(p: Person, mailboxLast: string, leaver: boolean): NhsmailRecord {
    const rng = this.rng;
    const r = this.r;
    // Known As people usually get a mailbox in their preferred name.
    const first = p.knownAs && rng.chance(0.7) ? p.knownAs : p.firstName;
    const doctor = p.position.doctor;
    let nameLast = mailboxLast;
    const aliases: string[] = [];
    let email = this.nhsmailAddress(first, mailboxLast);
    if (p.previousLastName && rng.chance(0.4)) {
      // Renamed in the Portal: new primary address, the old one kept as an alias.
      aliases.push(email);
      email = this.nhsmailAddress(first, p.lastName);
      nameLast = p.lastName;
    }
    if (this.hit(r.nhsmailExtraAlias, 'nhsmailExtraAlias')) {
      aliases.push(this.nhsmailAddress(first.charAt(0), mailboxLast));
    }
    const id = guid(rng);
    const m = nhsmailRecord(p, email, id, this.options.asOfMs, first);
    let displayFirst = this.variantName(first, 'first');
    if (doctor && this.hit(r.titleInName, 'titleInName')) displayFirst = `Dr ${displayFirst}`;
    m.firstName = displayFirst;
    m.lastName = this.variantName(nameLast, 'last');
    m.displayName = nhsmailDisplayName(m.firstName, m.lastName, p.org);
    m.mobile = rng.chance(0.75) ? this.phone(p.mobile, 'other') : '';
    m.jobTitle = this.positionText(p);
    m.secondaryEmails = aliases.join(';');
    if (p.employeeNumber && this.hit(r.nhsmailEmployeeNumber, 'nhsmailEmployeeNumber')) {
      m.employeeNumber = p.employeeNumber.startsWith('0') && this.hit(r.employeeNumberZerosLost, 'nhsmailEmployeeNumberZerosLost') ? stripZeros(p.employeeNumber) : p.employeeNumber;
    }
    this.mailboxStatus(m, leaver, p);
    this.lastNhsmailId = id;
    return m;
  }

  /** Status and Last Logon: days idle follow the Portal's 90-day Inactive / 180-day delete rules. */
  private mailboxStatus(m: NhsmailRecord, leaver: boolean, p: Person): void {
    const rng = this.rng;
    let status = 'Active';
    let idle = rng.chance(0.9) ? rng.range(0, 30) : rng.range(31, 89);
    if (leaver) {
      const since = Math.max(0, Math.round((this.options.asOfMs - (p.leftMs ?? this.options.asOfMs)) / DAY_MS));
      if (this.hit(this.r.leaverNhsmailActive, 'leaverNhsmailActive')) {
        idle = rng.chance(0.5) ? rng.range(0, 30) : since + rng.range(0, 30); // some still use it after leaving
      } else {
        const x = rng.float();
        if (x < 0.25) status = 'Active (Leaver)';
        else if (x < 0.45) status = 'Disabled_Leaver';
        else if (x < 0.65) status = 'Inactive';
        else status = 'Deleted';
        idle = since + rng.range(0, 60);
      }
    } else if (rng.chance(this.r.nhsmailNotActive)) {
      const x = rng.float();
      if (x < 0.45) [status, idle] = ['Inactive', rng.range(90, 179)];
      else if (x < 0.65) [status, idle] = ['Deleted', rng.range(180, 500)];
      else if (x < 0.75) [status, idle] = [rng.pick(['Deleted Permanent', 'Deleted Permanent', 'Deleted_Permanent', 'perm_deleted']), rng.range(210, 900)];
      else if (x < 0.85) [status, idle] = ['Disabled', rng.range(30, 400)];
      else if (x < 0.92) [status, idle] = ['Locked', rng.range(0, 60)];
      else [status, idle] = [rng.pick(['Pending', 'Migration Pending', 'Enabling']), -1];
      this.fault(`nhsmail${status.replace(/[^A-Za-z]/g, '')}`);
    }
    m.status = status;
    m.lastLogon = idle < 0 ? '' : isoDateTime(this.daysAgo(idle));
  }

  private esr(p: Person, e: SynthEntity, mailbox: NhsmailRecord | undefined, leaver: boolean): void {
    const rng = this.rng;
    const r = this.r;
    let email = '';
    const alias = mailbox?.secondaryEmails.split(';')[0] ?? '';
    if (this.hit(r.esrEmailMissing, 'esrEmailMissing')) email = '';
    else if (this.hit(r.esrEmailPersonal, 'esrEmailPersonal')) email = this.personalEmail(p);
    else if (this.hit(r.esrEmailTrustDomain, 'esrEmailTrustDomain')) email = `${localPart(usedFirst(p))}.${localPart(p.lastName)}@${p.org.domain}`;
    else if (mailbox) {
      email = alias && this.hit(r.esrEmailAlias, 'esrEmailAlias') ? alias : mailbox.email;
      if (this.hit(r.esrEmailCase, 'esrEmailCase')) email = email.replace(/(^|[.@])([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
    } else if (rng.chance(0.5)) email = `${localPart(usedFirst(p))}.${localPart(p.lastName)}@${p.org.domain}`;

    const first = esrRecord(p, email);
    first.workMobile = rng.chance(0.85) ? this.phone(p.mobile, 'esr') : '';
    if (leaver && !rng.chance(0.85)) {
      // ESR lags: the assignment has ended but the person type still says EMP.
      first.personType = 'EMP';
      this.fault('leaverStillEmp');
    }
    if (!leaver && rng.chance(0.05)) first.endDate = ukDate(this.options.asOfMs + rng.range(30, 700) * DAY_MS); // fixed term
    const rows = [first];
    if (rng.chance(r.multipleAssignments)) {
      const count = rng.chance(0.1) ? 3 : 2;
      for (let n = 2; n <= count; n++) {
        const otherOrg = this.hit(r.twoOrganisations, 'twoOrganisations');
        let org = p.org;
        while (otherOrg && org === p.org) org = ORGS.pick(rng);
        const startMs = p.startMs + rng.range(30, 1500) * DAY_MS;
        const s = Math.min(startMs, this.options.asOfMs - DAY_MS);
        const endedEarlier = !leaver && rng.chance(0.3);
        const a = esrRecord(p, email, {
          assignment: n,
          org,
          position: rng.chance(0.6) ? BANK_PREFIX + p.position.title : POSITIONS.pick(rng).title,
          startMs: s,
          endMs: leaver ? p.leftMs : endedEarlier ? Math.min(this.options.asOfMs - DAY_MS, s + rng.range(30, 700) * DAY_MS) : undefined,
          leaver: leaver || endedEarlier,
        });
        if (endedEarlier) a.personType = 'EMP';
        a.workMobile = first.workMobile;
        rows.push(a);
      }
    }
    if (p.employeeNumber.startsWith('0') && this.hit(r.esrEmployeeNumberZerosLost, 'esrEmployeeNumberZerosLost')) {
      for (const row of rows) {
        row.employeeNumber = stripZeros(row.employeeNumber);
        row.assignmentNumber = stripZeros(row.assignmentNumber);
      }
    }
    e.esr.push(...rows);
  }

  private adAccount(p: Person, mailbox: NhsmailRecord | undefined, sam: string, ou: string): AdRecord {
    const rng = this.rng;
    const r = this.r;
    const first = mailbox && rng.chance(0.85) ? mailbox.firstName.replace(/^Dr /, '') : usedFirst(p);
    const last = mailbox && rng.chance(0.7) ? mailbox.lastName : p.lastName;
    let mail = mailbox?.email ?? (rng.chance(0.5) ? `${localPart(first)}.${localPart(last)}@${p.org.domain}` : '');
    if (mailbox) {
      if (this.hit(r.adMailMissing, 'adMailMissing')) mail = '';
      else if (this.hit(r.adMailTrustDomain, 'adMailTrustDomain')) mail = `${localPart(first)}.${localPart(last)}@${p.org.domain}`;
    }
    let nhsmailId = '';
    if (mailbox && !this.hit(r.adNhsmailIdMissing, 'adNhsmailIdMissing')) {
      nhsmailId = this.lastNhsmailId && this.lastNhsmailId !== mailbox.nhsmailId && this.hit(r.adNhsmailIdWrong, 'adNhsmailIdWrong') ? this.lastNhsmailId : mailbox.nhsmailId;
    }
    const created = Math.max(p.startMs - rng.range(0, 20) * DAY_MS, this.options.asOfMs - 9000 * DAY_MS) + rng.int(DAY_MS);
    const a = adRecord(p, {
      sam,
      guid: guid(rng),
      sid: this.sidPrefix + this.rid++,
      mail,
      nhsmailId,
      lastLogonMs: this.daysAgo(rng.chance(0.85) ? rng.range(0, 14) : rng.range(15, 200)),
      lastLogonTicks: rng.int(10000),
      createdMs: created,
      ou,
    }, first, last);
    a.givenName = this.variantName(first, 'first');
    a.surname = this.variantName(last, 'last');
    if (p.position.doctor && this.hit(r.titleInName, 'titleInName')) a.givenName = `Dr ${a.givenName}`;
    a.title = this.positionText(p);
    a.mobile = rng.chance(0.45) ? this.phone(p.mobile, 'other') : '';
    a.employeeId = '';
    if (p.employeeNumber && this.hit(r.adEmployeeId, 'adEmployeeId')) {
      a.employeeId = p.employeeNumber.startsWith('0') && this.hit(r.employeeNumberZerosLost, 'adEmployeeIdZerosLost') ? stripZeros(p.employeeNumber) : p.employeeNumber;
    }
    if (rng.chance(0.15)) a.userAccountControl = '66048'; // NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD
    if (this.hit(r.adNeverLoggedOn, 'adNeverLoggedOn')) a.lastLogonTimestamp = rng.chance(0.8) ? '0' : FILETIME_NEVER_MAX;
    return a;
  }

  private ad(p: Person, e: SynthEntity, mailbox: NhsmailRecord | undefined, leaver: boolean): void {
    const rng = this.rng;
    const r = this.r;
    const sam = this.samAccountName(usedFirst(p), p.lastName);
    const a = this.adAccount(p, mailbox, sam, leaver ? 'Leavers' : 'Staff');
    if (leaver) {
      if (!this.hit(r.leaverAdEnabled, 'leaverAdEnabled')) disableAd(a);
    } else if (this.hit(r.adDisabled, 'adDisabled')) disableAd(a);
    e.ad.push(a);
    if (this.hit(r.adDuplicateAccount, 'adDuplicateAccount')) {
      // An old account never cleaned up, or a separate admin account: same person, same anchors.
      const admin = rng.chance(0.4);
      // adm-<sam> is unique because <sam> is.
      const dup = this.adAccount(p, mailbox, admin ? `adm-${sam}` : this.samAccountName(usedFirst(p), p.lastName), admin ? 'Admin Accounts' : 'Staff');
      if (a.employeeId) dup.employeeId = a.employeeId;
      if (a.nhsmailId && rng.chance(0.6)) dup.nhsmailId = a.nhsmailId;
      if (!admin) disableAd(dup);
      e.ad.push(dup);
    }
  }

  private serviceAccount(): AdRecord {
    const rng = this.rng;
    const app = rng.pick(SERVICE_APPS);
    const sam = this.unique('sam', `svc-${app}`);
    const org = ORGS.pick(rng);
    return {
      distinguishedName: `CN=${sam},OU=Service Accounts,OU=${org.ou},${AD_DOMAIN.dc}`,
      enabled: 'True',
      givenName: '',
      name: sam,
      objectGuid: guid(rng),
      samAccountName: sam,
      sid: this.sidPrefix + this.rid++,
      surname: '',
      upn: `${sam}@${AD_DOMAIN.upn}`,
      mail: '',
      employeeId: '',
      mobile: '',
      title: '',
      department: 'Information Technology',
      lastLogonTimestamp: rng.chance(0.9) ? filetime(this.daysAgo(rng.range(0, 3)), rng.int(10000)) : '0',
      userAccountControl: rng.chance(0.7) ? '66048' : '512',
      whenCreated: ukDateTime(this.daysAgo(rng.range(100, 5000))),
      nhsmailId: '',
    };
  }

  private studentAccount(p: Person): AdRecord {
    const rng = this.rng;
    const sam = this.unique('sam', `s${rng.digits(7)}`);
    const a = adRecord({ ...p, position: { title: rng.pick(['Student Nurse', 'Medical Student', 'Student Midwife', 'Student Paramedic']), variants: [], departments: ['Education and Training'], doctor: false }, department: 'Education and Training', employeeNumber: '' }, {
      sam,
      guid: guid(rng),
      sid: this.sidPrefix + this.rid++,
      mail: '',
      nhsmailId: '',
      lastLogonMs: this.daysAgo(rng.range(0, 120)),
      createdMs: this.daysAgo(rng.range(10, 900)),
      ou: 'Students',
    });
    a.mobile = '';
    if (rng.chance(0.2)) disableAd(a);
    return a;
  }

  private tisUser(p: Person, email: string, leaver: boolean, kind: 'hee' | 'trust' | 'external'): TisRecord {
    const rng = this.rng;
    const username = rng.chance(0.6) ? email.toLowerCase() : this.unique('tis', `${localPart(usedFirst(p)).charAt(0)}${samPart(p.lastName)}`);
    const roles = kind === 'trust' ? [TRUST_ROLES.pick(rng)] : [HEE_ROLES.pick(rng)];
    if (kind === 'hee' && rng.chance(0.3)) {
      const extra = HEE_ROLES.pick(rng);
      if (!roles.includes(extra)) roles.push(extra);
    }
    const dbcs = this.hit(this.r.tisNoDesignatedBody, 'tisNoDesignatedBody') ? [] : [rng.pick(DESIGNATED_BODIES)];
    if (dbcs.length > 0 && rng.chance(0.1)) {
      const extra = rng.pick(DESIGNATED_BODIES);
      if (!dbcs.includes(extra)) dbcs.push(extra);
    }
    return {
      name: username,
      firstName: usedFirst(p),
      lastName: p.lastName,
      emailAddress: email,
      phoneNumber: rng.chance(0.5) ? this.phone(p.mobile, 'other') : '',
      gmcId: p.gmcId,
      active: leaver && rng.chance(0.4) ? 'false' : rng.chance(0.95) ? 'true' : 'false',
      roles: roles.join(';'),
      designatedBodyCodes: dbcs.join(';'),
      associatedTrusts: kind === 'trust' ? p.org.ods : '',
      associatedProgrammes: roles.some((x) => x.includes('Programme')) ? rng.pick(PROGRAMMES) : '',
      createdDate: isoDateTime(this.daysAgo(rng.range(30, 2500))),
    };
  }

  /** The user's latest successful sign-in, and sometimes a failed attempt after it. */
  private tisLogins(name: string, e: SynthEntity, leaver: boolean): void {
    const rng = this.rng;
    if (!rng.chance(0.85)) return; // never signed in
    const idle = leaver ? rng.range(60, 700) : rng.chance(0.7) ? rng.range(0, 60) : rng.range(61, 500);
    const last = this.daysAgo(idle);
    e.tisLogins.push({ name, eventType: 'SignIn', eventResponse: 'Pass', creationDate: isoDateTime(last) });
    if (rng.chance(0.1)) e.tisLogins.push({ name, eventType: 'SignIn', eventResponse: 'Fail', creationDate: isoDateTime(last + rng.range(1, 60) * DAY_MS) });
  }

  private tis(p: Person, e: SynthEntity, email: string, leaver: boolean): void {
    const rng = this.rng;
    const t = this.tisUser(p, email, leaver, rng.chance(0.4) ? 'hee' : 'trust');
    t.firstName = this.variantName(t.firstName, 'first');
    e.tis.push(t);
    this.tisLogins(t.name, e, leaver);
    if (rng.chance(this.r.tableauOfTis)) {
      if (this.hit(this.r.tableauGuest, 'tableauGuest')) {
        const personal = this.personalEmail(p);
        // Half the guests also gave TIS their personal address: the email match a guest needs.
        if (rng.chance(0.5)) t.emailAddress = personal;
        e.tableau.push(this.guestTableau(p, personal));
      } else e.tableau.push(this.memberTableau(p, email));
    }
  }

  private tisOnly(p: Person, e: SynthEntity): void {
    const rng = this.rng;
    if (rng.chance(0.3)) {
      const name = this.unique('tis', `${rng.pick(['etl', 'esr-sync', 'reval-sync', 'gmc-sync', 'ndw-export'])}-machine`);
      e.tis.push({
        name, firstName: '', lastName: '', emailAddress: '', phoneNumber: '', gmcId: '', active: 'true',
        roles: rng.pick(MACHINE_ROLES), designatedBodyCodes: DESIGNATED_BODIES.join(';'), associatedTrusts: '', associatedProgrammes: '',
        createdDate: isoDateTime(this.daysAgo(rng.range(300, 2500))),
      });
      e.tisLogins.push({ name, eventType: 'SignIn', eventResponse: 'Pass', creationDate: isoDateTime(this.daysAgo(rng.range(0, 2))) });
      return;
    }
    const email = this.personalEmail(p);
    const t = this.tisUser(p, email, false, 'external');
    e.tis.push(t);
    this.tisLogins(t.name, e, false);
  }

  private tableauLastLogin(role: string): string {
    if (role === 'Unlicensed' || this.rng.chance(0.05)) return '';
    return isoDateTime(this.daysAgo(this.rng.chance(0.7) ? this.rng.range(0, 90) : this.rng.range(91, 700)));
  }

  private memberTableau(p: Person, email: string): TableauRecord {
    const role = SITE_ROLES.pick(this.rng);
    return { name: email.toLowerCase(), fullName: `${usedFirst(p)} ${p.lastName}`, email: email.toLowerCase(), siteRole: role, lastLogin: this.tableauLastLogin(role), authSetting: 'SAML' };
  }

  /** B2B guests sign in as local_domain#EXT#@tenant with the personal address they were invited with. */
  private guestTableau(p: Person, personal: string): TableauRecord {
    const role = SITE_ROLES.pick(this.rng);
    return {
      name: `${personal.replace('@', '_')}#EXT#@${GUEST_TENANT}`,
      fullName: `${usedFirst(p)} ${p.lastName}`,
      email: personal,
      siteRole: role,
      lastLogin: this.tableauLastLogin(role),
      authSetting: 'SAML',
    };
  }
}

/** Every entity at once: for tests and small runs (the CLI streams with Synth.next instead). */
export function synthesise(options: SynthOptions): { entities: SynthEntity[]; stats: SynthStats } {
  const s = new Synth(options);
  const entities: SynthEntity[] = [];
  for (let e = s.next(); e; e = s.next()) entities.push(e);
  return { entities, stats: s.stats };
}

// --- Bundled samples: a small fictional trust with planted problems -----------------------------

/** One planted problem, as listed in samples/README.md. */
export interface SamplePlant {
  id: string;
  problem: string;
  /** The fictional person or account it is planted on. */
  on: string;
  /** Which file and record: the key to find it by. */
  where: string;
}

export interface SampleSet {
  esr: EsrRecord[];
  nhsmail: NhsmailRecord[];
  ad: AdRecord[];
  plants: SamplePlant[];
}

export const SAMPLE_AS_OF_MS = Date.UTC(2026, 10, 1);
/** The samples' AD keeps the NHSmail ID in this attribute (samples/idrecon.config.json says so). */
export const SAMPLE_NHSMAIL_ID_ATTRIBUTE = 'extensionAttribute10';
const SAMPLE_BACKGROUND = 250;
const SAMPLE_SEED = 20261101;

interface SampleSpec {
  id: string;
  first: string;
  last: string;
  title?: string;
  knownAs?: string;
  emp?: string;
  /** Last three digits of an 07700 900xxx number (Ofcom's drama range: never a real phone). */
  mobile?: number;
  position: string;
  department?: string;
  doctor?: boolean;
  startDaysAgo?: number;
  in?: { esr?: boolean; nhsmail?: boolean; ad?: boolean };
}

/** Records consistent across the three systems, for a spec; callers then plant the fault. */
class SampleBuilder {
  readonly rng = new Sfc32(SAMPLE_SEED);
  readonly out: SampleSet = { esr: [], nhsmail: [], ad: [], plants: [] };
  private readonly emails = new Map<string, number>();
  private readonly sams = new Map<string, number>();
  private rid = 2104;

  private unique(counts: Map<string, number>, base: string): string {
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    return n === 0 ? base : base + (n + 1);
  }

  person(s: SampleSpec): { p: Person; esr?: EsrRecord; nhsmail?: NhsmailRecord; ad?: AdRecord } {
    const rng = this.rng;
    const startMs = SAMPLE_AS_OF_MS - (s.startDaysAgo ?? rng.range(60, 6000)) * DAY_MS;
    const p = makePerson({
      personId: s.id,
      title: s.title ?? (s.doctor ? 'Dr' : ''),
      firstName: s.first,
      lastName: s.last,
      knownAs: s.knownAs,
      employeeNumber: s.emp ?? '',
      mobile: s.mobile === undefined ? '' : `07700900${String(s.mobile).padStart(3, '0')}`,
      position: s.position,
      department: s.department,
      doctor: s.doctor,
      startMs,
    });
    const where = { esr: true, nhsmail: true, ad: true, ...s.in };
    const email = where.nhsmail ? `${this.unique(this.emails, `${localPart(usedFirst(p))}.${localPart(p.lastName)}`)}@nhs.net` : '';
    const res: { p: Person; esr?: EsrRecord; nhsmail?: NhsmailRecord; ad?: AdRecord } = { p };
    if (where.esr) {
      res.esr = esrRecord(p, email);
      this.out.esr.push(res.esr);
    }
    if (where.nhsmail) {
      res.nhsmail = nhsmailRecord(p, email, guid(rng), SAMPLE_AS_OF_MS - rng.range(0, 20) * DAY_MS - rng.int(DAY_MS));
      this.out.nhsmail.push(res.nhsmail);
    }
    if (where.ad) {
      const sam = this.unique(this.sams, (localPart(usedFirst(p)).charAt(0) + localPart(p.lastName).replace(/[^a-z]/g, '')).slice(0, 16));
      res.ad = adRecord(p, {
        sam,
        guid: guid(rng),
        sid: `S-1-5-21-3390475218-1874430293-2716845580-${this.rid++}`,
        mail: email,
        nhsmailId: res.nhsmail?.nhsmailId ?? '',
        lastLogonMs: SAMPLE_AS_OF_MS - rng.range(0, 13) * DAY_MS - rng.int(DAY_MS),
        createdMs: startMs - rng.range(0, 10) * DAY_MS + rng.int(DAY_MS),
      });
      res.ad.lastLogonTimestamp = filetime(SAMPLE_AS_OF_MS - rng.range(0, 13) * DAY_MS - rng.int(DAY_MS), rng.int(10000));
      this.out.ad.push(res.ad);
    }
    return res;
  }

  /** An extra AD account for a person (duplicates, admin accounts). */
  extraAd(from: AdRecord, sam: string, ou: string): AdRecord {
    const a: AdRecord = {
      ...from,
      samAccountName: this.unique(this.sams, sam),
      objectGuid: guid(this.rng),
      sid: `S-1-5-21-3390475218-1874430293-2716845580-${this.rid++}`,
    };
    a.upn = `${a.samAccountName}@${AD_DOMAIN.upn}`;
    a.distinguishedName = `CN=${escapeDn(a.name)} (${a.samAccountName}),OU=${ou},OU=${NORTHFIELD.ou},${AD_DOMAIN.dc}`;
    this.out.ad.push(a);
    return a;
  }

  serviceAccount(sam: string, description: string): AdRecord {
    const a: AdRecord = {
      distinguishedName: `CN=${sam},OU=Service Accounts,OU=${NORTHFIELD.ou},${AD_DOMAIN.dc}`,
      enabled: 'True',
      givenName: '',
      name: sam,
      objectGuid: guid(this.rng),
      samAccountName: sam,
      sid: `S-1-5-21-3390475218-1874430293-2716845580-${this.rid++}`,
      surname: '',
      upn: `${sam}@${AD_DOMAIN.upn}`,
      mail: '',
      employeeId: '',
      mobile: '',
      title: description,
      department: 'Information Technology',
      lastLogonTimestamp: filetime(SAMPLE_AS_OF_MS - this.rng.range(0, 2) * DAY_MS - this.rng.int(DAY_MS), this.rng.int(10000)),
      userAccountControl: '66048',
      whenCreated: ukDateTime(SAMPLE_AS_OF_MS - this.rng.range(400, 4000) * DAY_MS),
      nhsmailId: '',
    };
    this.out.ad.push(a);
    return a;
  }

  plant(id: string, problem: string, on: string, where: string): void {
    this.out.plants.push({ id, problem, on, where });
  }
}

const daysBefore = (days: number, hour = 9, minute = 12): number => SAMPLE_AS_OF_MS - days * DAY_MS + (hour * 60 + minute) * 60_000;

/**
 * The reconcile samples: ~250 clean staff of Northfield Community NHS Trust (every anchor equal
 * in ESR, NHSmail and AD) and the planted problems of samples/README.md, each on its own
 * fictional person. Deterministic: a fixed seed and as-of date; no real person's data (phones in
 * Ofcom's 07700 900xxx drama range).
 */
export function buildSamples(): SampleSet {
  const b = new SampleBuilder();
  const rng = b.rng;
  let emp = 26_000_100;
  const nextEmp = (): string => String(emp++);
  const P = (id: string, spec: Omit<SampleSpec, 'id'>) => b.person({ id, emp: spec.in?.esr === false ? undefined : nextEmp(), ...spec });

  // ESR email anchor
  const r01 = P('R01', { first: 'Amara', last: 'Okafor', position: 'Staff Nurse', department: 'Ward 7 - Acute Medicine', mobile: 801 });
  r01.esr!.email = '';
  b.plant('R01', 'ESR email missing', 'Amara Okafor', `ESR ${r01.p.employeeNumber}: Email Address blank (NHSmail amara.okafor@nhs.net)`);

  const r02 = P('R02', { first: 'Hannah', last: 'Price', position: 'Physiotherapist', mobile: 802 });
  r02.nhsmail!.secondaryEmails = 'hannah.lowe@nhs.net';
  r02.esr!.email = 'hannah.lowe@nhs.net';
  b.plant('R02', 'ESR email is an NHSmail alias (old married-name address)', 'Hannah Price (née Lowe)', `ESR ${r02.p.employeeNumber}: hannah.lowe@nhs.net, a Secondary Email Address of hannah.price@nhs.net`);

  const r03 = P('R03', { first: 'David', last: 'Okonkwo', position: 'Pharmacist' });
  r03.esr!.email = 'david.okonkwo@northfield.nhs.uk';
  b.plant('R03', 'ESR email not nhs.net: trust domain', 'David Okonkwo', `ESR ${r03.p.employeeNumber}: david.okonkwo@northfield.nhs.uk`);

  const r04 = P('R04', { first: 'Sophie', last: 'Turner', position: 'Administrator', department: 'Outpatients' });
  r04.esr!.email = 'soph.turner.sample@gmail.com';
  b.plant('R04', 'ESR email not nhs.net: personal address', 'Sophie Turner', `ESR ${r04.p.employeeNumber}: soph.turner.sample@gmail.com`);

  // Mobile formats: the ESR email is blank on some so the mobile decides the match.
  const r05 = P('R05', { first: 'Thomas', last: 'Reed', position: 'Radiographer', mobile: 805 });
  r05.esr!.email = '';
  r05.esr!.workMobile = '+44 (0) 7700 900805';
  b.plant('R05', 'Mobile as +44 (0) 7700 900805 (ESR email blank: the mobile must match)', 'Thomas Reed', `ESR ${r05.p.employeeNumber}: Work Mobile; NHSmail has 07700 900805`);

  const r06 = P('R06', { first: 'Fiona', last: 'Grant', position: 'Midwife', mobile: 806 });
  r06.esr!.workMobile = '0044 7700 900806';
  b.plant('R06', 'Mobile as 0044 7700 900806', 'Fiona Grant', `ESR ${r06.p.employeeNumber}: Work Mobile`);

  const r07 = P('R07', { first: 'Kwame', last: 'Mensah', position: 'Biomedical Scientist', mobile: 807 });
  r07.nhsmail!.mobile = '447700900807';
  b.plant('R07', 'Mobile as 447700900807 (no + or 0)', 'Kwame Mensah', `ESR ${r07.p.employeeNumber}; NHSmail ${r07.nhsmail!.email}: Mobile`);

  const r08 = P('R08', { first: 'Nicola', last: 'Shaw', position: 'Medical Secretary', mobile: 808 });
  r08.esr!.email = '';
  r08.esr!.workMobile = '7700900808';
  b.plant('R08', 'Mobile as 7700900808 (Excel dropped the 0; ESR email blank)', 'Nicola Shaw', `ESR ${r08.p.employeeNumber}: Work Mobile`);

  const r09 = P('R09', { first: 'Gareth', last: 'Rees', position: 'Porter', mobile: 809 });
  r09.esr!.workMobile = '+447700900809';
  r09.ad!.mobile = '07700900809';
  b.plant('R09', 'Mobile as +447700900809 (E.164) in ESR and 07700900809 in AD', 'Gareth Rees', `ESR ${r09.p.employeeNumber}; AD ${r09.ad!.samAccountName}`);

  // Names
  const r10 = P('R10', { first: 'Robert', knownAs: 'Bob', last: 'Hughes', position: 'Catering Assistant', mobile: 810 });
  b.plant('R10', 'Known As differs from First Name (Robert / Bob)', 'Robert "Bob" Hughes', `ESR ${r10.p.employeeNumber}: Known As Bob; NHSmail ${r10.nhsmail!.email}, AD ${r10.ad!.samAccountName} use Bob`);

  const r11 = P('R11', { first: 'Elizabeth', knownAs: 'Liz', last: 'Carter', position: 'Staff Nurse', department: 'Theatres', mobile: 811 });
  r11.esr!.email = '';
  r11.nhsmail!.jobTitle = '';
  b.plant('R11', 'Known As differs from First Name (Elizabeth / Liz); ESR email blank, so the match needs Known As', 'Elizabeth "Liz" Carter', `ESR ${r11.p.employeeNumber}; NHSmail ${r11.nhsmail!.email}`);

  const r12 = P('R12', { first: 'Łukasz', last: 'Wiśniewski', position: 'IT Service Desk Analyst', mobile: 812 });
  r12.esr!.email = '';
  r12.nhsmail!.email = r12.ad!.mail = 'lukasz.wisniewski@nhs.net';
  r12.nhsmail!.firstName = r12.ad!.givenName = 'Lukasz';
  r12.nhsmail!.lastName = r12.ad!.surname = 'Wisniewski';
  r12.nhsmail!.displayName = nhsmailDisplayName('Lukasz', 'Wisniewski', NORTHFIELD);
  r12.ad!.name = 'Lukasz Wisniewski';
  r12.ad!.distinguishedName = `CN=Lukasz Wisniewski,OU=Staff,OU=${NORTHFIELD.ou},${AD_DOMAIN.dc}`;
  b.plant('R12', 'Accents: Łukasz Wiśniewski in ESR, Lukasz Wisniewski in NHSmail and AD (ESR email blank)', 'Łukasz Wiśniewski', `ESR ${r12.p.employeeNumber}; NHSmail lukasz.wisniewski@nhs.net`);

  const r13 = P('R13', { first: 'Siobhan', last: 'O’Brien', position: 'Occupational Therapist', mobile: 813 });
  r13.esr!.email = '';
  r13.nhsmail!.lastName = r13.ad!.surname = "O'Brien";
  r13.nhsmail!.displayName = nhsmailDisplayName('Siobhan', "O'Brien", NORTHFIELD);
  b.plant('R13', 'Apostrophes: O’Brien (curly) in ESR, O\'Brien (straight) in NHSmail and AD (ESR email blank)', 'Siobhan O’Brien', `ESR ${r13.p.employeeNumber}; NHSmail ${r13.nhsmail!.email}`);

  const r14 = P('R14', { first: 'Harriet', last: 'Lloyd-Davies', position: 'Ward Manager', department: 'Elderly Care', mobile: 814 });
  r14.esr!.email = '';
  r14.nhsmail!.lastName = 'Lloyd Davies';
  r14.nhsmail!.displayName = nhsmailDisplayName('Harriet', 'Lloyd Davies', NORTHFIELD);
  b.plant('R14', 'Double-barrelled surname: Lloyd-Davies in ESR and AD, Lloyd Davies in NHSmail (ESR email blank)', 'Harriet Lloyd-Davies', `ESR ${r14.p.employeeNumber}; NHSmail ${r14.nhsmail!.email}`);

  const r15 = P('R15', { first: 'Anil', last: 'Kapoor', position: 'Consultant Physician', department: 'Cardiology', doctor: true, mobile: 815 });
  r15.esr!.email = '';
  r15.nhsmail!.firstName = 'Dr Anil';
  r15.nhsmail!.displayName = nhsmailDisplayName('Dr Anil', 'Kapoor', NORTHFIELD);
  r15.ad!.givenName = 'Dr. Anil';
  b.plant('R15', 'Title in the name field: First Name "Dr Anil" in NHSmail, GivenName "Dr. Anil" in AD (ESR email blank)', 'Dr Anil Kapoor', `ESR ${r15.p.employeeNumber}; NHSmail ${r15.nhsmail!.email}; AD ${r15.ad!.samAccountName}`);

  const r16 = P('R16', { first: 'Emma', last: 'Clarke', position: 'Healthcare Assistant', department: 'Maternity', mobile: 816 });
  r16.esr!.email = '';
  r16.nhsmail!.email = r16.ad!.mail = 'emma.walsh@nhs.net';
  r16.nhsmail!.lastName = r16.ad!.surname = 'Walsh';
  r16.nhsmail!.displayName = nhsmailDisplayName('Emma', 'Walsh', NORTHFIELD);
  r16.ad!.name = 'Emma Walsh';
  r16.ad!.distinguishedName = `CN=Emma Walsh,OU=Staff,OU=${NORTHFIELD.ou},${AD_DOMAIN.dc}`;
  b.plant('R16', 'Surname changed in NHSmail (Walsh) but not in ESR (Clarke); ESR email blank, matched on mobile + first name + position', 'Emma Clarke / Emma Walsh', `ESR ${r16.p.employeeNumber}; NHSmail emma.walsh@nhs.net`);

  const r17 = b.person({ id: 'R17', first: 'Oluwaseun', last: 'Adebayo', emp: '00412345', position: 'Clinical Nurse Specialist', department: 'Diabetes' });
  r17.esr!.email = '';
  r17.nhsmail!.employeeNumber = '412345';
  r17.ad!.employeeId = '412345';
  b.plant('R17', 'Employee Number lost its leading zeros: 00412345 in ESR, 412345 in NHSmail and AD employeeID (ESR email blank, no mobile)', 'Oluwaseun Adebayo', `ESR 00412345; NHSmail ${r17.nhsmail!.email}; AD ${r17.ad!.samAccountName}`);

  // Assignments
  const r18 = P('R18', { first: 'Maria', last: 'Santos', position: 'Staff Nurse', department: 'Critical Care', mobile: 818 });
  b.out.esr.push(esrRecord(r18.p, r18.esr!.email, { assignment: 2, org: EASTMOOR, position: 'Bank Staff Nurse', startMs: SAMPLE_AS_OF_MS - 400 * DAY_MS }));
  b.plant('R18', 'Two current assignments in two organisations (Northfield and Eastmoor)', 'Maria Santos', `ESR ${r18.p.employeeNumber} and ${r18.p.employeeNumber}-2`);

  const r19 = P('R19', { first: 'Joanne', last: 'Kelly', position: 'Healthcare Assistant', department: 'Elderly Care', mobile: 819 });
  b.out.esr.push(esrRecord(r19.p, r19.esr!.email, { assignment: 2, position: 'Bank Healthcare Assistant', startMs: SAMPLE_AS_OF_MS - 300 * DAY_MS }));
  b.plant('R19', 'Two current assignments in one organisation (substantive + bank)', 'Joanne Kelly', `ESR ${r19.p.employeeNumber} and ${r19.p.employeeNumber}-2`);

  // Leavers still active elsewhere
  const r20 = P('R20', { first: 'Paul', last: 'Marsh', position: 'Finance Manager', mobile: 820 });
  Object.assign(r20.esr!, { endDate: '31/07/2026', assignmentStatus: 'Terminate Process Assignment', personType: 'EX_EMP' });
  r20.nhsmail!.lastLogon = isoDateTime(daysBefore(12, 8, 3));
  b.plant('R20', 'Leaver (EX_EMP, ended 31/07/2026) whose NHSmail is still Active and AD still enabled', 'Paul Marsh', `ESR ${r20.p.employeeNumber}; NHSmail ${r20.nhsmail!.email}; AD ${r20.ad!.samAccountName}`);

  const r21 = P('R21', { first: 'Karen', last: 'Doyle', position: 'Receptionist', mobile: 821 });
  Object.assign(r21.esr!, { endDate: '30/09/2026', assignmentStatus: 'Terminate Process Assignment' });
  b.plant('R21', 'Leaver by end date (30/09/2026) with System Person Type still EMP; NHSmail Active, AD enabled', 'Karen Doyle', `ESR ${r21.p.employeeNumber}; AD ${r21.ad!.samAccountName}`);

  // NHSmail statuses and idle accounts
  const status = (id: string, spec: Omit<SampleSpec, 'id'>, value: string, lastLogonMs: number, problem: string) => {
    const r = P(id, spec);
    r.nhsmail!.status = value;
    r.nhsmail!.lastLogon = isoDateTime(lastLogonMs);
    b.plant(id, problem, `${spec.first} ${spec.last}`, `ESR ${r.p.employeeNumber}; NHSmail ${r.nhsmail!.email}: Account Status ${value}, Last Logon ${r.nhsmail!.lastLogon.slice(0, 10)}`);
    return r;
  };
  status('R22', { first: 'Stephen', last: 'Hunt', position: 'Porter', mobile: 822 }, 'Deleted', daysBefore(244), 'NHSmail Deleted (idle 244 days) while ESR and AD still point at it');
  status('R23', { first: 'Angela', last: 'Moss', position: 'Administrator', department: 'Medical Records' }, 'Deleted Permanent', daysBefore(413), 'NHSmail Deleted Permanent');
  status('R24', { first: 'Ian', last: 'Porter', position: 'Domestic Assistant' }, 'Deleted_Permanent', daysBefore(489), 'NHSmail Deleted_Permanent (older report spelling)');
  status('R25', { first: 'Lisa', last: 'Barker', position: 'HR Advisor', mobile: 825 }, 'Disabled', daysBefore(61), 'NHSmail Disabled for a current employee');
  status('R26', { first: 'Gary', last: 'Fletcher', position: 'Pharmacy Technician' }, 'Inactive', daysBefore(104), 'NHSmail Inactive, Last Logon 104 days ago (over 90)');
  status('R27', { first: 'Deborah', last: 'Lane', position: 'Ward Clerk', mobile: 827 }, 'Active', daysBefore(203), 'NHSmail Active but Last Logon 203 days ago (over 180: due for deletion)');

  // AD anchors and account states
  const r28 = P('R28', { first: 'Megan', last: 'Webb', position: 'Senior Staff Nurse', department: 'Paediatrics', mobile: 828 });
  r28.ad!.nhsmailId = '';
  b.plant('R28', `AD account with no NHSmail ID (${SAMPLE_NHSMAIL_ID_ATTRIBUTE} blank; mail set)`, 'Megan Webb', `ESR ${r28.p.employeeNumber}; AD ${r28.ad!.samAccountName}`);

  const r29 = P('R29', { first: 'Craig', last: 'Dunn', position: 'Project Manager' });
  const r30 = P('R30', { first: 'Rachel', last: 'Burns', position: 'Midwife', mobile: 830 });
  r29.ad!.nhsmailId = r30.nhsmail!.nhsmailId;
  b.plant('R29', `AD account with the wrong NHSmail ID (${SAMPLE_NHSMAIL_ID_ATTRIBUTE} holds Rachel Burns's ID; mail is his own)`, 'Craig Dunn', `ESR ${r29.p.employeeNumber}; AD ${r29.ad!.samAccountName}`);
  disableAd(r30.ad!);
  b.plant('R30', 'AD account disabled (userAccountControl 514, Enabled False) for a current employee', 'Rachel Burns', `ESR ${r30.p.employeeNumber}; AD ${r30.ad!.samAccountName}`);

  const r31 = P('R31', { first: 'Adam', last: 'Cole', position: 'Paramedic', department: 'Emergency Department' });
  r31.ad!.lastLogonTimestamp = '0';
  b.plant('R31', 'AD lastLogonTimestamp 0 (never logged on)', 'Adam Cole', `ESR ${r31.p.employeeNumber}; AD ${r31.ad!.samAccountName}`);
  const r32 = P('R32', { first: 'Natalie', last: 'Hayes', position: 'Receptionist', department: 'Emergency Department' });
  r32.ad!.lastLogonTimestamp = FILETIME_NEVER_MAX;
  b.plant('R32', 'AD lastLogonTimestamp 9223372036854775807 (never)', 'Natalie Hayes', `ESR ${r32.p.employeeNumber}; AD ${r32.ad!.samAccountName}`);

  for (const [sam, what] of [['svc-sqlbackup', 'SQL Server backup agent'], ['svc-print01', 'Print server spooler'], ['svc-pacs-scan', 'PACS scanning service']] as const) b.serviceAccount(sam, what);
  b.plant('R33', 'AD-only service accounts (no person)', 'svc-sqlbackup, svc-print01, svc-pacs-scan', 'AD OU=Service Accounts');

  const students = [
    b.person({ id: 'R34a', first: 'Ellie', last: 'Norbury', position: 'Student Nurse', department: 'Education and Training', in: { esr: false, nhsmail: false } }),
    b.person({ id: 'R34b', first: 'Tunde', last: 'Bakare', position: 'Medical Student', department: 'Education and Training', in: { esr: false, nhsmail: false } }),
  ];
  for (const s of students) {
    s.ad!.distinguishedName = s.ad!.distinguishedName.replace('OU=Staff', 'OU=Students');
    s.ad!.employeeId = '';
  }
  b.plant('R34', 'AD-only student accounts (no ESR, no NHSmail)', 'Ellie Norbury, Tunde Bakare', `AD ${students.map((s) => s.ad!.samAccountName).join(', ')}`);

  const tansync = [
    b.person({ id: 'R35a', first: 'Chioma', last: 'Eze', position: 'Agency Nurse', department: 'Ward 12 - Surgery', mobile: 835, in: { esr: false } }),
    b.person({ id: 'R35b', first: 'Rhys', last: 'Vaughan', position: 'Locum Registrar', department: 'General Surgery', doctor: true, in: { esr: false } }),
  ];
  for (const t of tansync) t.ad!.employeeId = '';
  b.plant('R35', 'NHSmail + AD without ESR (agency / locum: the JML (TANSync) type)', 'Chioma Eze, Rhys Vaughan', `NHSmail ${tansync.map((t) => t.nhsmail!.email).join(', ')}`);

  const mailOnly = [
    b.person({ id: 'R36a', first: 'Blessing', last: 'Okoro', position: 'Volunteer', department: 'Patient Experience', in: { esr: false, ad: false } }),
    b.person({ id: 'R36b', first: 'Martin', last: 'Kearney', position: 'Contractor', department: 'Estates and Facilities', in: { esr: false, ad: false } }),
  ];
  b.plant('R36', 'NHSmail-only accounts (no ESR, no AD)', 'Blessing Okoro, Martin Kearney', `NHSmail ${mailOnly.map((t) => t.nhsmail!.email).join(', ')}`);

  const esrOnly = [
    P('R37a', { first: 'Aled', last: 'Pritchard', position: 'Porter', startDaysAgo: 6, in: { nhsmail: false, ad: false } }),
    P('R37b', { first: 'Zoe', last: 'Marsden', position: 'Domestic Assistant', startDaysAgo: 20, in: { nhsmail: false, ad: false } }),
  ];
  b.plant('R37', 'ESR people with no NHSmail and no AD (new starters: Manual)', 'Aled Pritchard, Zoe Marsden', `ESR ${esrOnly.map((t) => t.p.employeeNumber).join(', ')}`);

  const esrAd = [
    P('R38a', { first: 'Deepa', last: 'Nair', position: 'Pharmacist', in: { nhsmail: false } }),
    P('R38b', { first: 'Kevin', last: 'Lowry', position: 'Porter', in: { nhsmail: false } }),
  ];
  for (const t of esrAd) {
    t.esr!.email = t.ad!.mail = `${localPart(t.p.firstName)}.${localPart(t.p.lastName)}@${NORTHFIELD.domain}`;
  }
  b.plant('R38', 'ESR + AD without NHSmail (trust-domain email only: needs NHSmail)', 'Deepa Nair, Kevin Lowry', `ESR ${esrAd.map((t) => t.p.employeeNumber).join(', ')}; AD ${esrAd.map((t) => t.ad!.samAccountName).join(', ')}`);

  // Two John Smiths: porters with no email or mobile in ESR; the mailboxes differ only by mobile.
  const js = [
    P('R39a', { first: 'John', last: 'Smith', position: 'Porter', department: 'Estates and Facilities', mobile: 839 }),
    P('R39b', { first: 'John', last: 'Smith', position: 'Porter', department: 'Estates and Facilities', mobile: 840 }),
  ];
  for (const j of js) {
    j.esr!.email = '';
    j.esr!.workMobile = '';
  }
  b.plant('R39', 'Two John Smiths, both Porters, ESR email and mobile blank: each ESR John Smith ties with both mailboxes (ambiguous)', 'John Smith ×2', `ESR ${js.map((j) => j.p.employeeNumber).join(', ')}; NHSmail ${js.map((j) => j.nhsmail!.email).join(', ')}`);

  const r40 = P('R40', { first: 'Grace', last: 'Adeyemi', position: 'Clinical Nurse Specialist', department: 'Tissue Viability', mobile: 841 });
  Object.assign(r40.esr!, { email: '', workMobile: '', positionTitle: 'Tissue Viability Nurse' });
  b.plant('R40', 'Near miss (score 5): names agree, position differs, no email, mobile or Employee Number to compare', 'Grace Adeyemi', `ESR ${r40.p.employeeNumber}; NHSmail ${r40.nhsmail!.email}`);

  // Duplicates within AD
  const r41 = P('R41', { first: 'Mohammed', last: 'Khan', position: 'Biomedical Scientist', mobile: 842 });
  const r41old = b.extraAd(r41.ad!, r41.ad!.samAccountName, 'Staff');
  r41old.nhsmailId = '';
  r41old.mail = '';
  r41old.whenCreated = ukDateTime(daysBefore(3100, 10, 40));
  r41old.lastLogonTimestamp = filetime(daysBefore(1900, 16, 5), 4321);
  disableAd(r41old);
  b.plant('R41', 'Same Employee Number on two AD accounts (an old, disabled account kept its employeeID)', 'Mohammed Khan', `ESR ${r41.p.employeeNumber}; AD ${r41.ad!.samAccountName} and ${r41old.samAccountName} (employeeID ${r41.p.employeeNumber})`);

  const r42 = P('R42', { first: 'Priya', last: 'Sharma', position: 'IT Service Desk Analyst', mobile: 843 });
  const r42adm = b.extraAd(r42.ad!, `adm-${r42.ad!.samAccountName}`, 'Admin Accounts');
  r42adm.mail = '';
  r42adm.mobile = '';
  b.plant('R42', `Same NHSmail ID on two AD accounts (her admin account copied ${SAMPLE_NHSMAIL_ID_ATTRIBUTE})`, 'Priya Sharma', `ESR ${r42.p.employeeNumber}; AD ${r42.ad!.samAccountName} and ${r42adm.samAccountName}`);

  // Spreadsheet formula injection attempts
  const r43 = P('R43', { first: 'Laura', last: 'Bell', position: 'Administrator', department: 'Finance', mobile: 844 });
  r43.esr!.knownAs = '=HYPERLINK("http://example.invalid/x","Laura")';
  b.plant('R43', 'Formula injection in a name cell: Known As =HYPERLINK(...)', 'Laura Bell', `ESR ${r43.p.employeeNumber}: Known As`);
  const r44 = P('R44', { first: 'Simon', last: 'Ward', position: 'Finance Manager', mobile: 845 });
  r44.nhsmail!.department = '@SUM(1+1)*cmd|\' /C calc\'!A0';
  b.plant('R44', 'Formula injection in NHSmail Department (a DDE payload starting @SUM(1+1)*cmd): reports must show it as text', 'Simon Ward', `ESR ${r44.p.employeeNumber}; NHSmail ${r44.nhsmail!.email}: Department`);

  b.plant('R45', 'Dates: ESR dd/mm/yyyy (Assignment Start/End Date); NHSmail Last Logon typed date-times in the XLSX; AD lastLogonTimestamp FILETIME, whenCreated dd/MM/yyyy HH:mm:ss', 'every row', 'all three files');

  // The clean background: plain names (no accents, apostrophes, spaces or hyphens), all unique.
  const taken = new Set([...b.out.esr, ...b.out.nhsmail].map((r) => `${r.firstName} ${r.lastName}`));
  const plain = /^[A-Z][a-z]+$/;
  let made = 0;
  let mobile = 100;
  while (made < SAMPLE_BACKGROUND) {
    const female = rng.float() < 0.72;
    const first = (female ? FEMALE : MALE).pick(rng);
    const last = SURNAMES.pick(rng);
    const pos = POSITIONS.pick(rng);
    if (!plain.test(first) || !plain.test(last) || taken.has(`${first} ${last}`)) continue;
    taken.add(`${first} ${last}`);
    made++;
    const r = P(`B${String(made).padStart(3, '0')}`, {
      first,
      last,
      title: pos.doctor ? 'Dr' : female ? rng.pick(['Mrs', 'Miss', 'Ms']) : 'Mr',
      position: pos.title,
      department: rng.pick(pos.departments),
      doctor: pos.doctor,
      mobile: rng.chance(0.7) ? mobile++ : undefined,
    });
    // The Portal's Employee Number is often blank: filled for about half.
    if (rng.chance(0.5)) r.nhsmail!.employeeNumber = r.p.employeeNumber;
  }

  // Extract order: ESR by Employee Number then assignment; the Portal report by email; AD by creation.
  b.out.esr.sort((x, y) => cmp(x.employeeNumber, y.employeeNumber) || cmp(x.assignmentNumber, y.assignmentNumber));
  b.out.nhsmail.sort((x, y) => cmp(x.email, y.email));
  const created = (a: AdRecord): string => a.whenCreated.replace(/^(\d\d)\/(\d\d)\/(\d{4}) (.*)$/, '$3$2$1 $4');
  b.out.ad.sort((x, y) => cmp(created(x), created(y)) || cmp(x.samAccountName, y.samAccountName));
  return b.out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

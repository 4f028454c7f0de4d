/**
 * Source profiles: the canonical fields idrecon reads from each export, and the header names
 * real exports use for them (formats.md). Headers match case-, space-, underscore- and
 * punctuation-insensitively; a config `columns` mapping overrides any field.
 */

export type SourceKind =
  | 'esr'
  | 'nhsmail'
  | 'ad'
  | 'tis'
  | 'tis-logins'
  | 'tableau'
  | 'offices'
  | 'doctors'
  | 'gmc'
  | 'hidden';

export interface FieldSpec {
  /** Canonical field name used in code and in config mappings. */
  name: string;
  required?: boolean;
  /** Header variants seen in real exports (the canonical name itself always matches). */
  synonyms: readonly string[];
}

export interface Profile {
  source: SourceKind;
  label: string;
  fields: readonly FieldSpec[];
  /**
   * At least one field of each group must be present (e.g. a TIS login file needs a username
   * or an email). Checked with the required fields.
   */
  oneOf?: readonly (readonly string[])[];
}

const f = (name: string, synonyms: readonly string[], required = false): FieldSpec => ({
  name,
  synonyms,
  required,
});

export const PROFILES: Readonly<Record<SourceKind, Profile>> = {
  esr: {
    source: 'esr',
    label: 'ESR extract',
    fields: [
      f('employeeNumber', ['Employee Number', 'Employee No', 'Emp No', 'Staff Number', 'Person Number', 'EmployeeNumber'], true),
      f('assignmentNumber', ['Assignment Number', 'Assignment No', 'Assignment']),
      f('title', ['Title', 'Salutation']),
      f('firstName', ['First Name', 'Forename', 'Given Name', 'Firstname', 'First Forename'], true),
      f('lastName', ['Last Name', 'Family Name', 'Surname', 'Lastname'], true),
      f('knownAs', ['Known As', 'Preferred Name', 'Known As Name']),
      f('email', ['Email Address', 'Work Email', 'Work Email Address', 'Email', 'E-mail Address']),
      f('mobile', ['Work Mobile', 'Mobile Number', 'Mobile', 'Work Mobile Number', 'Mobile Phone']),
      f('position', ['Position Title', 'Job Role', 'Position Description', 'Position', 'Job Title', 'Position Name']),
      f('organisation', ['Organisation', 'Primary Assignment Organisation', 'Organisation Name', 'Org', 'Employing Organisation', 'Organisation Code', 'VPD']),
      f('assignmentStatus', ['Assignment Status', 'Status', 'User Assignment Status']),
      f('assignmentStart', ['Assignment Start Date', 'Assignment Start', 'Start Date', 'Effective Start Date']),
      f('assignmentEnd', ['Assignment End Date', 'Assignment End', 'End Date', 'Effective End Date', 'Projected Assignment End']),
      f('personType', ['System Person Type', 'Person Type', 'User Person Type']),
      f('niNumber', ['NI Number', 'National Insurance Number', 'NINO']),
      f('vpd', ['VPD Number', 'VPD Code']),
    ],
  },
  nhsmail: {
    source: 'nhsmail',
    label: 'NHSmail mailbox report',
    fields: [
      f('email', ['Email Address', 'Primary Email Address', 'Primary SMTP Address', 'PrimarySmtpAddress', 'Mail', 'Email'], true),
      f('nhsmailId', ['NHSmail unique ID', 'NHSmail ID', 'Unique ID', 'UniqueId', 'Unique Identifier', 'NHSmailUniqueID', 'Object ID', 'UPN', 'User Principal Name']),
      f('firstName', ['First Name', 'Given Name', 'GivenName', 'Forename'], true),
      f('lastName', ['Last Name', 'Surname', 'Family Name', 'sn'], true),
      f('displayName', ['Display Name', 'DisplayName']),
      f('mobile', ['Mobile', 'Mobile Number', 'Mobile Phone', 'MobilePhone', 'Mobile Telephone Number']),
      f('position', ['Job Title', 'Title', 'Position', 'Position Description']),
      f('department', ['Department']),
      f('organisation', ['Organisation', 'Organisation Name', 'ODS Code', 'ODS', 'Organisation ODS Code', 'Org Code']),
      f('status', ['Account Status', 'Status', 'Mailbox Status']),
      f('lastLogon', ['Last Logon', 'Last Logon Time', 'Last Login', 'LastLogonTime', 'Last Logon Date']),
      f('employeeNumber', ['Employee Number', 'Employee ID', 'EmployeeID', 'ESR Employee Number']),
      f('localId', ['Local ID', 'ExternalSyncID', 'External Sync ID', 'LocalID']),
      f('aliases', ['Secondary Email Addresses', 'Alias Addresses', 'Aliases', 'Proxy Addresses', 'ProxyAddresses', 'Secondary SMTP Addresses', 'Other Email Addresses']),
    ],
  },
  ad: {
    source: 'ad',
    label: 'local Active Directory export',
    fields: [
      f('samAccountName', ['SamAccountName', 'sAMAccountName', 'Logon Name', 'Username'], true),
      f('distinguishedName', ['DistinguishedName', 'DN']),
      f('enabled', ['Enabled']),
      f('userAccountControl', ['userAccountControl', 'UAC']),
      f('firstName', ['GivenName', 'givenName', 'First Name']),
      f('lastName', ['Surname', 'sn', 'Last Name']),
      f('name', ['Name', 'cn', 'DisplayName', 'Display Name']),
      f('objectGuid', ['ObjectGUID', 'objectGUID']),
      f('sid', ['SID', 'objectSid']),
      f('upn', ['UserPrincipalName', 'UPN']),
      f('email', ['mail', 'EmailAddress', 'Email Address', 'E-mail']),
      f('employeeId', ['employeeID', 'EmployeeID']),
      f('employeeNumber', ['employeeNumber', 'EmployeeNumber']),
      f('mobile', ['mobile', 'MobilePhone', 'Mobile Phone']),
      f('position', ['title', 'Job Title']),
      f('department', ['department']),
      f('lastLogon', ['lastLogonTimestamp', 'LastLogonDate', 'lastLogon']),
      f('whenCreated', ['whenCreated', 'Created']),
      // The NHSmail ID anchor attribute is organisation-specific: config `ad.nhsmailIdAttribute`
      // names the header (default extensionAttribute1) and maps it to this field.
      f('nhsmailId', []),
    ],
  },
  tis: {
    source: 'tis',
    label: 'TIS user export',
    fields: [
      f('username', ['name', 'Username', 'User Name', 'userName', 'Login'], true),
      f('firstName', ['firstName', 'First Name', 'Forename']),
      f('lastName', ['lastName', 'Last Name', 'Surname']),
      f('email', ['emailAddress', 'Email Address', 'Email']),
      f('phone', ['phoneNumber', 'Phone Number', 'Phone', 'Mobile']),
      f('gmcId', ['gmcId', 'GMC Number', 'GMC Id', 'GMC']),
      f('active', ['active', 'Active', 'Enabled', 'Status']),
      f('roles', ['roles', 'Roles', 'Role']),
      f('designatedBodies', ['designatedBodyCodes', 'Designated Body Codes', 'Designated Bodies', 'DBCs', 'DBC', 'Local Offices', 'Local Office']),
      f('trusts', ['associatedTrusts', 'Associated Trusts', 'Trusts', 'Trust Codes', 'Trust']),
      f('programmes', ['associatedProgrammes', 'Associated Programmes', 'Programmes']),
      f('created', ['createdDate', 'Created', 'Created Date', 'creationDate']),
      f('lastLogin', ['lastLogin', 'Last Login', 'Last Login Date', 'Last Logged In']),
    ],
  },
  'tis-logins': {
    source: 'tis-logins',
    label: 'TIS last-login export',
    fields: [
      f('username', ['name', 'Username', 'User Name', 'userName', 'Login']),
      f('email', ['emailAddress', 'Email Address', 'Email']),
      f('lastLogin', ['lastLogin', 'Last Login', 'Last Login Date', 'creationDate', 'Event Date', 'Last Logged In'], true),
      f('eventType', ['eventType', 'Event Type']),
      f('eventResponse', ['eventResponse', 'Event Response', 'Result']),
    ],
    oneOf: [['username', 'email']],
  },
  tableau: {
    source: 'tableau',
    label: 'Tableau users export',
    fields: [
      f('username', ['name', 'User Name', 'Username'], true),
      f('fullName', ['fullName', 'Full Name', 'Display Name', 'Friendly Name']),
      f('email', ['email', 'User Email', 'Email Address', 'Email']),
      f('siteRole', ['siteRole', 'Site Role', 'License Level']),
      f('lastLogin', ['lastLogin', 'Last Logged In At', 'Last Login', 'Last Sign In']),
      f('authSetting', ['authSetting', 'Auth Setting']),
      f('externalAuthUserId', ['externalAuthUserId', 'External Auth User Id']),
    ],
  },
  offices: {
    source: 'offices',
    label: 'Local Office reference data',
    fields: [
      f('kind', ['Kind', 'Type', 'Record Type'], true),
      f('code', ['Code', 'Trust Code', 'Old Region', 'From'], true),
      f('localOffice', ['Local Office', 'Owning Local Office', 'Current Local Office', 'To'], true),
      f('name', ['Name', 'Trust Name', 'Description']),
    ],
  },
  doctors: {
    source: 'doctors',
    label: 'TIS programme memberships export',
    fields: [
      f('gmcNumber', ['GMC Number', 'GMC Reference Number', 'gmcNumber', 'GMC No', 'GMC'], true),
      f('firstName', ['Forename', 'First Name', 'firstName', 'Doctor First Name']),
      f('lastName', ['Surname', 'Last Name', 'lastName', 'Doctor Last Name']),
      f('programme', ['Programme Name', 'Programme', 'programmeName'], true),
      f('membershipType', ['Programme Membership Type', 'Membership Type', 'programmeMembershipType'], true),
      f('start', ['Programme Start Date', 'Membership Start Date', 'Start Date', 'programmeStartDate', 'Programme Membership Start Date'], true),
      f('end', ['Programme End Date', 'Membership End Date', 'End Date', 'programmeEndDate', 'Programme Membership End Date'], true),
      f('curriculumEnd', ['Curriculum End Date', 'CCT Date', 'curriculumEndDate']),
      f('curriculum', ['Curriculum', 'Curriculum Name', 'curriculumName']),
      f('grade', ['Grade', 'Placement Grade', 'gradeAbbreviation', 'Grade Name']),
      f('gradeId', ['Grade Id', 'gradeId', 'Placement Grade Id']),
      f('ownerDb', ['Programme Owner Designated Body', 'Programme Owner DB', 'Owner DB', 'Designated Body Code', 'programmeOwnerDesignatedBodyCode', 'Programme Owner']),
      f('tisDb', ['TIS Designated Body', 'TIS DB', 'tisDesignatedBody', 'TCS Designated Body']),
    ],
  },
  gmc: {
    source: 'gmc',
    label: 'GMC connected doctors list',
    fields: [
      f('gmcNumber', ['GMC Number', 'GMC Reference Number', 'gmcNumber', 'GMC No', 'Doctor GMC Number'], true),
      f('db', ['Designated Body', 'Designated Body Code', 'DB', 'DBC', 'designatedBodyCode', 'GMC Designated Body'], true),
      f('firstName', ['Forename', 'First Name', 'Given Name']),
      f('lastName', ['Surname', 'Last Name', 'Family Name']),
      f('licenceStatus', ['Licence Status', 'License Status', 'Licence', 'Licence To Practise', 'License To Practice']),
      f('submissionDate', ['Revalidation Submission Date', 'Submission Date', 'Revalidation Date']),
    ],
  },
  hidden: {
    source: 'hidden',
    label: 'revalidation ignore list',
    fields: [
      f('gmcNumber', ['GMC Number', 'GMC Reference Number', 'GMC'], true),
      f('db', ['Designated Body', 'Designated Body Code', 'DB', 'DBC'], true),
      f('reason', ['Reason', 'Ignore Reason']),
      f('hiddenBy', ['Hidden By', 'Ignored By', 'By']),
      f('until', ['Until', 'Hidden Until', 'Ignore Until', 'Expires'], true),
    ],
  },
};

/** Header comparison key: case, spaces, underscores, hyphens and punctuation removed. */
export function headerKey(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

export interface HeaderResolution {
  /** Canonical field → column index in the file. */
  index: Record<string, number>;
  /** Canonical field → the header it was read from. */
  from: Record<string, string>;
  /** Required fields (and unmet one-of groups, joined by " or ") with no column. */
  missing: string[];
  /** Headers that no field uses. */
  unmapped: string[];
  /** Headers that appear more than once (by comparison key): the first wins. */
  duplicates: string[];
}

/**
 * Maps a file's headers onto a profile. `mapping` (from config: field → local header) is
 * tried first, then the field name, then its synonyms, in order.
 */
export function resolveHeaders(
  profile: Profile,
  headers: readonly string[],
  mapping: Readonly<Record<string, string>> = {},
): HeaderResolution {
  const byKey = new Map<string, number>();
  const duplicates: string[] = [];
  headers.forEach((h, i) => {
    const k = headerKey(h);
    if (k === '') return;
    if (byKey.has(k)) duplicates.push(h);
    else byKey.set(k, i);
  });
  const index: Record<string, number> = {};
  const from: Record<string, string> = {};
  const used = new Set<number>();
  for (const field of profile.fields) {
    const mapped = mapping[field.name];
    const candidates = mapped !== undefined ? [mapped] : [field.name, ...field.synonyms];
    for (const c of candidates) {
      const i = byKey.get(headerKey(c));
      if (i !== undefined && !used.has(i)) {
        index[field.name] = i;
        from[field.name] = headers[i] ?? c;
        used.add(i);
        break;
      }
    }
  }
  const missing = profile.fields.filter((fs) => fs.required && index[fs.name] === undefined).map((fs) => fs.name);
  for (const group of profile.oneOf ?? []) {
    if (!group.some((g) => index[g] !== undefined)) missing.push(group.join(' or '));
  }
  const unmapped = headers.filter((h, i) => !used.has(i) && h.trim() !== '');
  return { index, from, missing, unmapped, duplicates };
}

/**
 * Guesses which export a header row belongs to: the profile whose required fields all
 * resolve and which maps the most headers. Undefined when none fits.
 */
export function detectSource(headers: readonly string[]): SourceKind | undefined {
  let best: { source: SourceKind; score: number } | undefined;
  for (const profile of Object.values(PROFILES)) {
    const r = resolveHeaders(profile, headers);
    if (r.missing.length > 0) continue;
    const score = Object.keys(r.index).length / Math.max(1, profile.fields.length) + Object.keys(r.index).length;
    if (!best || score > best.score) best = { source: profile.source, score };
  }
  return best?.source;
}

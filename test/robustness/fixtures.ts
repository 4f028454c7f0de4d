/**
 * Shared fixtures and checks for the robustness tests: small exports written with fs into a
 * temp dir by each test (no committed binaries), readers for the reports the built CLI
 * writes, and the one-sentence error check.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';
import type { CliResult } from '../helpers/run-cli.js';
export { ensureBuilt } from '../helpers/build.js';
import { rng } from '../helpers/rng.js';

export const AS_OF = '2026-11-01';

// ---------------------------------------------------------------------------------------------
// Build

export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvText(header: readonly string[], rows: readonly (readonly string[])[], eol = '\r\n'): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join(eol) + eol;
}

export function writeCsv(dir: string, name: string, header: readonly string[], rows: readonly (readonly string[])[]): string {
  const file = join(dir, name);
  writeFileSync(file, csvText(header, rows));
  return file;
}

/** A CSV report as rows of cells (header first); the BOM is dropped. */
export function readCsv(file: string): string[][] {
  return parse(readFileSync(file), { bom: true, relax_column_count: false }) as string[][];
}

/** A CSV report as objects keyed by header. */
export function readCsvObjects(file: string): Record<string, string>[] {
  return parse(readFileSync(file), { bom: true, columns: true }) as Record<string, string>[];
}

// ---------------------------------------------------------------------------------------------
// People for reconcile

export interface Person {
  emp: string;
  first: string;
  last: string;
  email: string;
  /** UK mobile as typed in ESR: 07700 9xxxxx. */
  mobile: string;
  position: string;
  sam: string;
  nhsId: string;
}

// Made-up, distinctive names: a scan of the outputs for them cannot hit ordinary words.
const FIRST = ['Zephyrine', 'Quillon', 'Brisewen', 'Talvorin', 'Ysmerelda', 'Corvane', 'Maelgwyn', 'Orsolya', 'Peregrix', 'Ulfhilda', 'Xandrielle', 'Vortigan'];
const LAST = ['Quillbottom', 'Farthingale', 'Mottrasham', 'Ekwuazi', 'Brindlecombe', 'Osterhaven', 'Thistlewood', 'Galvraith', 'Pennycuick', 'Ravensmoor', 'Wolstenholme', 'Yarborough'];
const POSITIONS = ['Staff Nurse', 'Porter', 'Consultant Physician', 'Ward Clerk', 'Healthcare Assistant', 'Pharmacist'];

export { rng };

/** `n` distinct people; person 0 has employee number 00123456. */
export function makePeople(n: number, seed = 1): Person[] {
  const rand = rng(seed);
  const out: Person[] = [];
  for (let i = 0; i < n; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = `${LAST[Math.floor(i / FIRST.length) % LAST.length]!}${i >= FIRST.length * LAST.length ? String(i) : ''}`;
    const emp = String(123456 + i * 7).padStart(8, '0');
    const tail = String(900100 + i).padStart(6, '0');
    out.push({
      emp,
      first,
      last,
      email: `${first}.${last}${i}@nhs.net`.toLowerCase(),
      mobile: `07700 ${tail}`,
      position: POSITIONS[Math.floor(rand() * POSITIONS.length)]!,
      sam: `${first.slice(0, 1)}${last}${i}`.toLowerCase(),
      nhsId: `${first}.${last}${i}`.toLowerCase(),
    });
  }
  return out;
}

export const ESR_HEADER = [
  'Employee Number',
  'First Name',
  'Last Name',
  'Known As',
  'Email Address',
  'Work Mobile',
  'Position Title',
  'Organisation',
  'Assignment Status',
  'Assignment Start Date',
  'Assignment End Date',
] as const;

export const NHSMAIL_HEADER = [
  'Email Address',
  'NHSmail unique ID',
  'First Name',
  'Last Name',
  'Display Name',
  'Mobile',
  'Job Title',
  'Organisation',
  'Account Status',
  'Last Logon',
  'Employee Number',
] as const;

export const AD_HEADER = [
  'SamAccountName',
  'Enabled',
  'GivenName',
  'Surname',
  'Name',
  'UserPrincipalName',
  'mail',
  'employeeID',
  'mobile',
  'title',
  'extensionAttribute1',
] as const;

export function esrRow(p: Person, over: Partial<Record<(typeof ESR_HEADER)[number], string>> = {}): string[] {
  const base: Record<string, string> = {
    'Employee Number': p.emp,
    'First Name': p.first,
    'Last Name': p.last,
    'Known As': '',
    'Email Address': p.email,
    'Work Mobile': p.mobile,
    'Position Title': p.position,
    Organisation: 'RXX Trust',
    'Assignment Status': 'Active Assignment',
    'Assignment Start Date': '01/04/2020',
    'Assignment End Date': '',
  };
  return ESR_HEADER.map((h) => over[h] ?? base[h]!);
}

export function nhsmailRow(p: Person, over: Partial<Record<(typeof NHSMAIL_HEADER)[number], string>> = {}): string[] {
  const base: Record<string, string> = {
    'Email Address': p.email,
    'NHSmail unique ID': p.nhsId,
    'First Name': p.first,
    'Last Name': p.last,
    'Display Name': `${p.first} ${p.last}`,
    Mobile: p.mobile.replace(' ', ''),
    'Job Title': p.position,
    Organisation: 'RXX Trust',
    'Account Status': 'Active',
    'Last Logon': '2026-10-20',
    'Employee Number': '',
  };
  return NHSMAIL_HEADER.map((h) => over[h] ?? base[h]!);
}

export function adRow(p: Person, over: Partial<Record<(typeof AD_HEADER)[number], string>> = {}): string[] {
  const base: Record<string, string> = {
    SamAccountName: p.sam,
    Enabled: 'True',
    GivenName: p.first,
    Surname: p.last,
    Name: `${p.first} ${p.last}`,
    UserPrincipalName: `${p.sam}@trust.local`,
    mail: p.email,
    employeeID: p.emp,
    mobile: p.mobile,
    title: p.position,
    extensionAttribute1: p.nhsId,
  };
  return AD_HEADER.map((h) => over[h] ?? base[h]!);
}

export interface ReconcileFixture {
  dir: string;
  esr: string;
  nhsmail: string;
  ad: string;
  people: Person[];
}

/**
 * A realistic reconcile fixture: most people in all three systems, with gaps and conflicts
 * (missing emails, differing mobiles, an ESR-only and an NHSmail-only person, a two-assignment
 * person, a leaver, and two people who tie on name alone).
 */
export function reconcileFixture(dir: string, n = 30, seed = 7): ReconcileFixture {
  const people = makePeople(n, seed);
  const esrRows: string[][] = [];
  const nhsRows: string[][] = [];
  const adRows: string[][] = [];
  people.forEach((p, i) => {
    if (i % 11 !== 5) {
      esrRows.push(esrRow(p, i % 7 === 3 ? { 'Email Address': '' } : i % 13 === 4 ? { 'Assignment End Date': '30/09/2026' } : {}));
      if (i % 9 === 2) esrRows.push(esrRow(p, { 'Position Title': 'Bank Porter', Organisation: 'RYY Trust' }));
    }
    if (i % 10 !== 8) nhsRows.push(nhsmailRow(p, i % 6 === 1 ? { Mobile: '07700 111111' } : {}));
    if (i % 4 !== 0) adRows.push(adRow(p, i % 5 === 2 ? { extensionAttribute1: '' } : {}));
  });
  // Two people who share a name and nothing else: an ambiguous tie for Review.
  const twinA = { ...people[0]!, emp: '00999001', email: '', mobile: '', first: 'Corvane', last: 'Twinfold' };
  const twinB = { ...twinA, emp: '00999002' };
  esrRows.push(esrRow(twinA), esrRow(twinB));
  nhsRows.push(nhsmailRow({ ...twinA, email: 'corvane.twinfold@nhs.net', nhsId: 'corvane.twinfold', mobile: '' }));
  return {
    dir,
    esr: writeCsv(dir, 'esr.csv', ESR_HEADER, esrRows),
    nhsmail: writeCsv(dir, 'nhsmail.csv', NHSMAIL_HEADER, nhsRows),
    ad: writeCsv(dir, 'ad.csv', AD_HEADER, adRows),
    people,
  };
}

// ---------------------------------------------------------------------------------------------
// Offboard and reval

export const TIS_HEADER = ['name', 'firstName', 'lastName', 'emailAddress', 'phoneNumber', 'gmcId', 'active', 'roles', 'designatedBodyCodes', 'associatedTrusts', 'associatedProgrammes', 'createdDate', 'lastLogin'];
export const TIS_LOGIN_HEADER = ['username', 'eventType', 'eventResponse', 'creationDate'];
export const TABLEAU_HEADER = ['User Name', 'Friendly Name', 'User Email', 'Site Role', 'Last Logged In At'];
export const OFFICES_HEADER = ['Kind', 'Code', 'Local Office', 'Name'];

export interface OffboardFixture {
  tis: string;
  tisLogins: string;
  tableau: string;
  offices: string;
}

/** TIS, login, Tableau and offices exports; `tisName` names the TIS file (for refusal tests). */
export function offboardFixture(dir: string, extra: { first?: string; last?: string; username?: string } = {}, tisName = 'tis-users.csv'): OffboardFixture {
  const people = makePeople(12, 3);
  const tisRows = people.map((p, i) => [
    i === 0 && extra.username ? extra.username : p.sam,
    i === 0 && extra.first ? extra.first : p.first,
    i === 0 && extra.last ? extra.last : p.last,
    p.email,
    p.mobile,
    '',
    i === 7 ? 'false' : 'true',
    i % 3 === 0 ? 'HEE Admin' : 'HEE Trust Admin',
    i % 2 === 0 ? '1-1RSSQ2H' : '1-1RSG4X0',
    i % 3 === 0 ? '' : 'R0A',
    '',
    '2021-03-04',
    '',
  ]);
  const loginRows = people.flatMap((p, i) => (i % 3 === 1 ? [] : [[p.sam, 'SignIn', 'Pass', i % 2 === 0 ? '2026-10-20T08:11:42.120Z' : '2025-11-03T10:15:00.000Z']]));
  const tableauRows = people.filter((_, i) => i % 4 === 0).map((p) => [p.email, `${p.first} ${p.last}`, p.email, 'Viewer', '30/10/2026 09:12']);
  const officeRows = [
    ['dbc', '1-1RSSQ2H', 'North West', ''],
    ['dbc', '1-1RSG4X0', 'Yorkshire and the Humber', ''],
    ['trust', 'R0A', 'North West', 'Manchester University NHS Foundation Trust'],
  ];
  return {
    tis: writeCsv(dir, tisName, TIS_HEADER, tisRows),
    tisLogins: writeCsv(dir, 'tis-last-logins.csv', TIS_LOGIN_HEADER, loginRows),
    tableau: writeCsv(dir, 'tableau-users.csv', TABLEAU_HEADER, tableauRows),
    offices: writeCsv(dir, 'local-offices.csv', OFFICES_HEADER, officeRows),
  };
}

export const DOCTORS_HEADER = [
  'GMC Number',
  'Forename',
  'Surname',
  'Programme Name',
  'Programme Membership Type',
  'Programme Start Date',
  'Programme End Date',
  'Curriculum End Date',
  'Curriculum Name',
  'Grade',
  'Grade Id',
  'Programme Owner Designated Body',
  'TIS Designated Body',
];
export const GMC_HEADER = ['GMC Reference Number', 'Forename', 'Surname', 'Designated Body Code', 'Licence Status', 'Revalidation Submission Date'];
export const HIDDEN_HEADER = ['GMC Number', 'Designated Body', 'Reason', 'Hidden By', 'Until'];

export interface RevalFixture {
  doctors: string;
  gmc: string;
  hidden: string;
}

/** Doctors, GMC and ignore-list exports; `doctorsName` names the doctors file. */
export function revalFixture(dir: string, extra: { first?: string; last?: string; programme?: string } = {}, doctorsName = 'reval-doctors.csv'): RevalFixture {
  const people = makePeople(10, 5);
  const dbs = ['1-1RSSQ05', '1-1RSG4X0', '1-1RSSPZ7'];
  const doctorRows = people.map((p, i) => [
    String(9900101 + i),
    i === 0 && extra.first ? extra.first : p.first,
    i === 0 && extra.last ? extra.last : p.last,
    i === 0 && extra.programme ? extra.programme : i % 2 === 0 ? 'General Practice' : 'Anaesthetics',
    'Substantive',
    '07/08/2024',
    i % 5 === 3 ? '04/08/2026' : '06/08/2027',
    '06/08/2027',
    'General Practice',
    'ST2',
    '',
    dbs[i % 3]!,
    '',
  ]);
  const gmcRows = people.filter((_, i) => i % 3 !== 2).map((p, i) => [String(9900101 + i * 1), p.first, p.last, dbs[(i + 1) % 3]!, 'Licensed', '']);
  const hiddenRows = [[String(9900104), dbs[1]!, 'Awaiting transfer paperwork', 'nw.reval.admin', '2027-01-31']];
  return {
    doctors: writeCsv(dir, doctorsName, DOCTORS_HEADER, doctorRows),
    gmc: writeCsv(dir, 'gmc-connections.csv', GMC_HEADER, gmcRows),
    hidden: writeCsv(dir, 'reval-hidden.csv', HIDDEN_HEADER, hiddenRows),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading reports back

export interface XlsxCell {
  sheet: string;
  row: number;
  col: number;
  /** exceljs ValueType: 2 number, 3 string, 4 date, 6 formula, 9 boolean, 8 rich text. */
  type: number;
  value: unknown;
  text: string;
}

/** Every non-empty cell of every sheet, read back with exceljs. */
export async function xlsxCells(file: string): Promise<XlsxCell[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const out: XlsxCell[] = [];
  wb.eachSheet((ws) => {
    ws.eachRow({ includeEmpty: false }, (row, r) => {
      row.eachCell({ includeEmpty: false }, (cell, c) => {
        out.push({ sheet: ws.name, row: r, col: c, type: cell.type, value: cell.value, text: cell.text });
      });
    });
  });
  return out;
}

/** A sheet as rows of cell text (header first). */
export async function xlsxSheet(file: string, sheet: string): Promise<string[][]> {
  const cells = (await xlsxCells(file)).filter((c) => c.sheet === sheet);
  const rows: string[][] = [];
  for (const c of cells) {
    const r = (rows[c.row - 1] ??= []);
    while (r.length < c.col - 1) r.push('');
    r[c.col - 1] = c.text;
  }
  return rows.map((r) => r ?? []);
}

// ---------------------------------------------------------------------------------------------
// Errors

/** Words that say what to do next, one of which every error sentence should carry. */
const ADVICE = /\b(check|export|re-?export|save|re-save|give|map|choose|ask|try|rename|remove|use|pass|copy|fix|correct)\b/i;

/**
 * The run failed with `codes`, and stderr is one line (the error sentence) that names `names`
 * (when given) and says what to do, without a stack trace and without any of `values`.
 */
export function expectOneSentenceError(r: CliResult, opts: { codes: readonly number[]; names?: string; values?: readonly string[] }): void {
  expect(opts.codes, `exit code ${r.code}; stderr: ${r.stderr}`).toContain(r.code);
  const lines = r.stderr.trim().split(/\r?\n/);
  expect(lines, r.stderr).toHaveLength(1);
  const line = lines[0]!;
  expect(line).toMatch(/^idrecon: /);
  expect(r.stderr, 'no stack trace without --verbose').not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/--verbose/);
  expect(line, 'says what to do').toMatch(ADVICE);
  if (opts.names !== undefined) expect(line).toContain(opts.names);
  for (const v of opts.values ?? []) {
    if (v.trim().length >= 3) expect(r.stderr, `stderr must not show the value ${JSON.stringify(v)}`).not.toContain(v.trim());
  }
}

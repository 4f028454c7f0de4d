/**
 * End-to-end: the built CLI (`npm test` builds first) on the bundled samples, compared with
 * golden files in test/golden/reconcile/, plus one assertion per planted problem listed in
 * samples/README.md. Regenerate the golden files with
 * `UPDATE_GOLDEN=1 npx vitest run test/commands/reconcile.test.ts` and review the diff.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, type CliResult } from '../helpers/run-cli.js';
import { ensureBuilt } from '../helpers/build.js';
import { expectMatchesGoldenFile } from '../helpers/golden.js';

const GOLDEN = join(ROOT, 'test', 'golden', 'reconcile');
const ARGS = [
  'reconcile',
  '--esr', 'samples/esr-extract.csv',
  '--nhsmail', 'samples/nhsmail-mailbox-report.xlsx',
  '--ad', 'samples/local-ad-users.csv',
  '--config', 'samples/idrecon.config.json',
  '--as-of', '2026-11-01',
];
const CSVS = [
  'people.csv',
  'esr-nhsmail.csv',
  'review.csv',
  'unmatched-esr.csv',
  'unmatched-nhsmail.csv',
  'unmatched-ad.csv',
  'rejected-rows.csv',
  'anchor-updates.csv',
  'esr-email-updates.csv',
  'ad-anchor-updates.csv',
  'issues.csv',
];

type Row = Record<string, string>;
const rowsOf = (file: string): Row[] => parse(readFileSync(file), { bom: true, columns: true }) as Row[];

let out: string;
let run: CliResult;
const csv = (name: string): Row[] => rowsOf(join(out, name));

beforeAll(() => {
  ensureBuilt();
  out = join(tempDir('idrecon-reconcile-'), 'out');
  run = runCli([...ARGS, '--out', out]);
});

describe('idrecon reconcile on samples/', () => {
  it('exits 0 and prints a summary without personal data', () => {
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Matched ESR ↔ NHSmail\s+\d+/);
    expect(run.stderr).not.toMatch(/@nhs\.net|Okafor|Santos/);
  });

  it('writes every report', () => {
    expect(readdirSync(out).sort()).toEqual([...CSVS, 'reconciliation.xlsx', 'summary.json'].sort());
  });

  it.each(CSVS)('%s matches its golden file', (name) => {
    expectMatchesGoldenFile(GOLDEN, join(out, name), name, rowsOf);
  });

  it('summary.json balances every source and counts what the CSVs hold', () => {
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    for (const b of s.balance) expect(b.inputRows).toBe(b.accountedRows + b.rejectedRows);
    expect(s.counts.unmatched.esr).toBe(csv('unmatched-esr.csv').length);
    expect(s.counts.unmatched.nhsmail).toBe(csv('unmatched-nhsmail.csv').length);
    expect(s.counts.esrPeople).toBe(csv('esr-nhsmail.csv').length);
    expect(s.scheme.weights).toEqual({ email: 5, employeeNumber: 5, mobile: 4, lastName: 1, firstName: 1, fullName: 3, position: 1 });
    expect(s.inputs.map((i: { sha256: string }) => i.sha256)).toEqual(expect.arrayContaining([expect.stringMatching(/^[0-9a-f]{64}$/)]));
  });

  it('esr-nhsmail.csv mirrors the Pre-Matched Data Set: score = sum of points, TRUE iff matched', () => {
    const points = ['Email Points', 'Employee Number Points', 'Mobile Points', 'Last Name Points', 'First Name Points', 'Full Name Points', 'Position Points'];
    for (const r of csv('esr-nhsmail.csv')) {
      expect(Number(r['Score'])).toBe(points.reduce((t, p) => t + Number(r[p]), 0));
      expect(r['MatchedToNhsMail']).toBe(r['Match Status'] === 'Matched' ? 'TRUE' : 'FALSE');
      if (r['MatchedToNhsMail'] === 'TRUE') expect(Number(r['Score'])).toBeGreaterThanOrEqual(6);
    }
  });

  it('the workbook has the sheets in review order, frozen headers, filters and typed cells', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, 'reconciliation.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Summary', 'Unmatched ESR', 'Unmatched NHSmail', 'Unmatched AD', 'Review', 'Anchor Updates', 'Issues',
      'ESR-NHSmail', 'People', 'ESR Email Updates', 'AD Anchor Updates', 'Rejected Rows',
    ]);
    const people = wb.getWorksheet('People')!;
    expect(people.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(people.autoFilter).toBeTruthy();
    const header = (people.getRow(1).values as unknown[]).slice(1);
    const col = (name: string): number => header.indexOf(name) + 1;
    expect(typeof people.getRow(2).getCell(col('ESR-NHSmail Score')).value).toBe('number');
    expect(typeof people.getRow(2).getCell(col('ESR Leaver')).value).toBe('boolean');
    expect(people.getRow(2).getCell(col('ESR Employee Number')).value).toMatch(/^\d{8}$/);
    const summary = wb.getWorksheet('Summary')!;
    const items = summary.getColumn(1).values.slice(2).map(String);
    expect(items).toEqual(expect.arrayContaining(['Command', 'As-of date', 'Threshold', 'Sheet: Unmatched ESR']));
  });
});

describe('planted problems (samples/README.md) show up where the README says', () => {
  const find = (name: string, key: string, value: string): Row | undefined => csv(name).find((r) => r[key] === value);
  const updates = (key: string): Row[] => csv('anchor-updates.csv').filter((r) => r['Record Key'] === key);
  const issues = (emp: string): string[] => csv('issues.csv').filter((r) => r['ESR Employee Number'] === emp).map((r) => r['Code']!);

  it('R01–R04: ESR email missing, alias, trust domain, personal → an ESR email update owned by Workforce', () => {
    for (const [emp, reason] of [['26000100', /no email/], ['26000101', /alias/], ['26000102', /not an NHS\.net/], ['26000103', /not an NHS\.net/]] as const) {
      const u = updates(emp).find((x) => x['Field'] === 'Email Address');
      expect(u, emp).toBeDefined();
      expect(u!['Owner']).toBe('Workforce');
      expect(u!['Reason']).toMatch(reason);
      expect(find('esr-email-updates.csv', 'Employee Number', emp)).toBeDefined();
    }
    expect(find('esr-nhsmail.csv', 'ESR Employee Number', '26000101')!['Matched Via Alias']).toBe('TRUE');
  });

  it('R05–R08: mobiles in every UK shape agree (4 points)', () => {
    for (const emp of ['26000104', '26000105', '26000106', '26000107']) {
      const r = find('esr-nhsmail.csv', 'ESR Employee Number', emp)!;
      expect(r['Mobile Points'], emp).toBe('4');
      expect(r['MatchedToNhsMail']).toBe('TRUE');
    }
  });

  it('R11–R15: Known As, accents, apostrophes, hyphens and titles do not break name agreement', () => {
    for (const emp of ['26000110', '26000111', '26000112', '26000113', '26000114']) {
      const r = find('esr-nhsmail.csv', 'ESR Employee Number', emp)!;
      expect(r['Full Name Points'], emp).toBe('3');
      expect(r['MatchedToNhsMail']).toBe('TRUE');
    }
  });

  it('R16: a surname changed in NHSmail matches at exactly 6 and proposes ESR’s surname', () => {
    const r = find('esr-nhsmail.csv', 'ESR Employee Number', '26000115')!;
    expect(r['Score']).toBe('6');
    expect(updates(r['NHSmail Email']!).map((u) => u['Field'])).toContain('Last Name');
  });

  it('R17: an employee number that lost its leading zeros still agrees', () => {
    expect(find('esr-nhsmail.csv', 'ESR Employee Number', '00412345')!['Employee Number Points']).toBe('5');
  });

  it('R18–R27: organisations, leavers and NHSmail statuses raise their issue codes', () => {
    expect(issues('26000116')).toContain('TWO_ORGANISATIONS');
    expect(issues('26000117')).toEqual([]);
    expect(issues('26000118')).toEqual(expect.arrayContaining(['LEAVER_NHSMAIL_ACTIVE', 'LEAVER_AD_ENABLED']));
    expect(issues('26000119')).toEqual(expect.arrayContaining(['LEAVER_NHSMAIL_ACTIVE', 'LEAVER_AD_ENABLED']));
    for (const emp of ['26000120', '26000121', '26000122']) expect(issues(emp)).toEqual(['NHSMAIL_DELETED', 'AD_LINKED_TO_DELETED_NHSMAIL']);
    expect(issues('26000123')).toEqual(['NHSMAIL_DISABLED']);
    expect(issues('26000124')).toEqual(['NHSMAIL_INACTIVE']);
    expect(issues('26000125')).toEqual(['NHSMAIL_DUE_FOR_DELETION', 'AD_LINKED_TO_DELETED_NHSMAIL']);
  });

  it('R28–R29: AD NHSmail ID missing or wrong → a Set-ADUser row for the configured attribute', () => {
    const ad = csv('ad-anchor-updates.csv');
    expect(ad.find((r) => r['sAMAccountName'] === 'mwebb' && r['Attribute'] === 'extensionAttribute10')).toBeDefined();
    expect(ad.find((r) => r['sAMAccountName'] === 'cdunn' && r['Attribute'] === 'extensionAttribute10')).toBeDefined();
  });

  it('R33–R38: employee types from the guide tables', () => {
    const people = csv('people.csv');
    const type = (pred: (r: Row) => boolean): string | undefined => people.find(pred)?.['Employee Type'];
    expect(type((r) => r['AD sAMAccountName'] === 'svc-sqlbackup')).toBe('Manual');
    expect(type((r) => r['NHSmail Email'] === 'chioma.eze@nhs.net')).toBe('JML (TANSync)');
    expect(type((r) => r['NHSmail Email'] === 'blessing.okoro@nhs.net')).toBe('Manual');
    expect(type((r) => r['ESR Employee Number'] === '26000131')).toBe('Manual');
    expect(type((r) => r['ESR Employee Number'] === '26000133')).toBe('Invalid: needs NHSmail');
    expect(issues('26000133')).toContain('ESR_AD_WITHOUT_NHSMAIL');
  });

  it('R39–R40: two John Smiths tie and are not linked; a score-5 near miss is reviewed', () => {
    const review = csv('review.csv');
    const ties = review.filter((r) => r['Kind'] === 'Ambiguous tie' && ['26000135', '26000136'].includes(r['Left Key']!));
    expect(ties).toHaveLength(4);
    expect(find('esr-nhsmail.csv', 'ESR Employee Number', '26000135')!['MatchedToNhsMail']).toBe('FALSE');
    const near = review.find((r) => r['Left Key'] === '26000137')!;
    expect(near['Kind']).toBe('Near miss');
    expect(near['Score']).toBe('5');
    expect(near['Suggested Change']).toMatch(/Email/);
  });

  it('R41–R42: duplicated anchors within AD are issues', () => {
    const codes = csv('issues.csv').map((r) => `${r['Code']}:${r['AD sAMAccountName']}`);
    expect(codes).toContain('DUPLICATE_AD_EMPLOYEE_ID:mkhan; mkhan2');
    expect(codes).toContain('DUPLICATE_AD_NHSMAIL_ID:adm-psharma; psharma');
  });

  it('R43–R44: formula payloads are written as text with a leading apostrophe', () => {
    const knownAs = find('people.csv', 'ESR Employee Number', '26000140')!['ESR Known As']!;
    expect(knownAs.startsWith("'=")).toBe(true);
  });
});

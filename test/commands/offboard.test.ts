/**
 * End-to-end: the built CLI on samples/tis-users.csv, tis-last-logins.csv, tableau-users.csv
 * (Windows-1252) and local-offices.csv, compared with golden files in test/golden/offboard/.
 * Regenerate with `UPDATE_GOLDEN=1 npx vitest run test/commands/offboard.test.ts`, then review
 * the diff by eye before accepting it.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, type CliResult } from '../helpers/run-cli.js';
import { ensureBuilt } from '../helpers/build.js';
import { expectMatchesGoldenFile, expectMatchesGoldenJson, normalisedSummary, readCsv } from '../helpers/golden.js';

const GOLDEN = join(ROOT, 'test', 'golden', 'offboard');

const SAMPLE_ARGS = [
  '--tis',
  'samples/tis-users.csv',
  '--tis-logins',
  'samples/tis-last-logins.csv',
  '--tableau',
  'samples/tableau-users.csv',
  '--offices',
  'samples/local-offices.csv',
  '--as-of',
  '2026-11-01',
];

const CSVS = ['redundant-accounts.csv', 'data-problems.csv', 'unlinked-tableau-users.csv', 'rejected-rows.csv', 'summary-counts.csv'];

const RECOMMENDATIONS = ['REMOVE', 'REVIEW', 'KEEP (TABLEAU ACTIVE)', 'KEEP', 'MACHINE ACCOUNT', 'INACTIVE (ALREADY)'];

/** Rows as header → value records, for readable assertions. */
function records(file: string): Record<string, string>[] {
  const [header, ...rows] = readCsv(file);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

let out: string;
let run: CliResult;

beforeAll(() => {
  ensureBuilt();
  expect(existsSync(join(ROOT, 'dist', 'commands', 'offboard.js'))).toBe(true);
  out = join(tempDir('idrecon-offboard-'), 'out');
  run = runCli(['offboard', ...SAMPLE_ARGS, '--out', out]);
}, 120_000);

describe('idrecon offboard on the samples', () => {
  it('exits 0 and prints counts per recommendation, without personal data', () => {
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/REMOVE\s+15/);
    expect(run.stderr).toMatch(/REVIEW\s+26/);
    expect(run.stderr).toMatch(/KEEP \(TABLEAU ACTIVE\)\s+6/);
    expect(run.stderr).toMatch(/KEEP\s+19/);
    expect(run.stderr).toMatch(/MACHINE ACCOUNT\s+5/);
    expect(run.stderr).toMatch(/INACTIVE \(ALREADY\)\s+3/);
    // No names, usernames or addresses from the samples on the terminal.
    expect(run.stderr).not.toMatch(/@|Okafor|O'Connor|O’Connor|amartin|dkhan/);
  });

  it('writes the workbook, the CSVs and summary.json', () => {
    expect(readdirSync(out).sort()).toEqual([...CSVS, 'redundant-accounts.xlsx', 'summary.json'].sort());
  });

  it.each(CSVS)('%s matches its golden file', (name) => {
    expectMatchesGoldenFile(GOLDEN, join(out, name), name, readCsv);
  });

  it('summary.json matches its golden file', () => {
    expectMatchesGoldenJson(GOLDEN, 'summary.json', normalisedSummary(join(out, 'summary.json'), out));
  });

  it('redundant-accounts.csv carries the required columns', () => {
    const [header] = readCsv(join(out, 'redundant-accounts.csv'));
    for (const col of ['TIS Username', 'Email', 'Local Office', 'User Type', 'Last TIS Login', 'Last Tableau Login', 'Days Since TIS Login', 'Recommendation', 'Reasons']) {
      expect(header).toContain(col);
    }
  });

  it('the samples exercise every recommendation and every review reason', () => {
    const recs = new Set(records(join(out, 'redundant-accounts.csv')).map((r) => r['Recommendation']));
    expect([...recs].sort()).toEqual([...RECOMMENDATIONS].sort());
    const problems = new Set(records(join(out, 'data-problems.csv')).map((r) => r['Problem']));
    expect([...problems].sort()).toEqual(
      [
        'No designated body or scope',
        'Designated body not in reference file',
        "Trust's Local Office owner differs from reference",
        'Trust not in reference file',
        'Old London region on account',
        'Login data missing or unreadable',
        'Login date in the future',
        'Duplicate accounts for one person',
        'Tableau use found by name only',
        'Active flag unreadable',
      ].sort(),
    );
  });

  it('window edges in the samples: exactly 183 days is kept, 184 is not', () => {
    const byUser = new Map(records(join(out, 'redundant-accounts.csv')).map((r) => [r['TIS Username'], r]));
    expect(byUser.get('efinch')).toMatchObject({ 'Days Since TIS Login': '183', Recommendation: 'KEEP' });
    expect(byUser.get('fgreen')).toMatchObject({ 'Days Since TIS Login': '184', Recommendation: 'REMOVE' });
    expect(byUser.get('rgrant')).toMatchObject({ 'Days Since Tableau Login': '183', Recommendation: 'KEEP (TABLEAU ACTIVE)' });
    expect(byUser.get('sjoseph')).toMatchObject({ 'Days Since Tableau Login': '184', Recommendation: 'REMOVE' });
    expect(byUser.get('wcooper')).toMatchObject({ 'Days Since TIS Login': '0', Recommendation: 'KEEP' });
  });

  it('reads the Windows-1252 Tableau export: Zoë O’Connor is linked by name', () => {
    const z = records(join(out, 'redundant-accounts.csv')).find((r) => r['TIS Username'] === 'zoconnor')!;
    expect(z['Tableau Link']).toBe('names');
    const u = records(join(out, 'unlinked-tableau-users.csv')).map((r) => r['Full Name']);
    expect(u).toContain('Renée Dubois');
  });

  it('machine accounts are never REMOVE', () => {
    for (const r of records(join(out, 'redundant-accounts.csv'))) {
      if (r['User Type'] === 'Machine') expect(r['Recommendation']).toBe('MACHINE ACCOUNT');
    }
  });

  it('nothing lost: every input row is in the report or in the rejected rows', () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      balance: { source: string; inputRows: number; accountedRows: number; rejectedRows: number; balanced: boolean }[];
      loginRows: { read: number; applied: number; ignored: Record<string, number>; unmatched: Record<string, number>; rejected: number };
    };
    expect(summary.balance.map((b) => b.source)).toEqual(['tis', 'tis-logins', 'tableau', 'offices']);
    expect(summary.balance.every((b) => b.balanced)).toBe(true);
    const rejected = records(join(out, 'rejected-rows.csv'));
    const lines = (s: string): number => rejected.filter((r) => r['Source'] === s).length;
    // TIS: one report row per account line, none twice, and the rest rejected.
    const accountLines = records(join(out, 'redundant-accounts.csv')).map((r) => r['TIS Export Line']);
    expect(new Set(accountLines).size).toBe(accountLines.length);
    expect(accountLines.length + lines('tis')).toBe(summary.balance[0]!.inputRows);
    // Tableau: linked in an account row, or listed unlinked, or rejected.
    const linked = new Set(records(join(out, 'redundant-accounts.csv')).map((r) => r['Tableau User']).filter(Boolean));
    const unlinked = records(join(out, 'unlinked-tableau-users.csv'));
    expect(linked.size + unlinked.length + lines('tableau')).toBe(summary.balance[2]!.inputRows);
    // Login rows: applied, ignored, unmatched or rejected.
    const l = summary.loginRows;
    const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
    expect(l.applied + sum(l.ignored) + sum(l.unmatched) + l.rejected).toBe(l.read);
    expect(l.rejected).toBe(lines('tis-logins'));
  });

  it('the workbook has Summary, one sheet per Local Office, and Data Problems', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, 'redundant-accounts.xlsx'));
    const names = wb.worksheets.map((w) => w.name);
    expect(names).toEqual([
      'Summary',
      'East of England',
      'Kent, Surrey and Sussex',
      'London',
      'North East',
      'North West',
      'Thames Valley',
      'Wessex',
      'West Midlands',
      'Yorkshire and the Humber',
      'Unassigned',
      'Data Problems',
      'All Accounts',
      'Unlinked Tableau Users',
      'Rejected Rows',
      'Run Details',
    ]);
    // Each office sheet lists exactly that office's accounts, as the CSV does.
    const all = records(join(out, 'redundant-accounts.csv'));
    for (const office of names.slice(1, 11)) {
      const ws = wb.getWorksheet(office)!;
      const rows: string[] = [];
      ws.eachRow((row, n) => {
        if (n > 1) rows.push(String(row.getCell(2).value));
      });
      expect(rows).toEqual(all.filter((r) => r['Local Office'] === office).map((r) => r['TIS Username']));
    }
    const summary = wb.getWorksheet('Summary')!;
    expect(summary.getRow(1).values).toEqual([undefined, 'Local Office', 'User Type', ...RECOMMENDATIONS, 'Total']);
    const last = summary.getRow(summary.rowCount).values as unknown[];
    expect(last.slice(1)).toEqual(['All Local Offices', 'All', 15, 26, 6, 19, 5, 3, 74]);
    expect(wb.getWorksheet('Data Problems')!.rowCount).toBe(1 + 26);
  });

  it('without login data it refuses rather than propose removing everyone (exit 2)', () => {
    const dir = tempDir();
    const r = runCli(['offboard', '--tis', 'samples/tis-users.csv', '--tableau', 'samples/tableau-users.csv', '--out', join(dir, 'out')]);
    // tis-users.csv has a lastLogin column, so this runs; a user export without one must not.
    expect(r.code).toBe(0);
    const bare = join(dir, 'users.csv');
    writeFileSync(bare, 'name,emailAddress,active\nsomeone,someone@nhs.net,true\n');
    const r2 = runCli(['offboard', '--tis', bare, '--tableau', 'samples/tableau-users.csv', '--out', join(dir, 'out2')]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--tis-logins/);
  });

  it('--redact leaves no username or address from the samples in any CSV, reasons included', () => {
    const dir = join(tempDir(), 'out');
    const r = runCli(['offboard', ...SAMPLE_ARGS, '--out', dir, '--format', 'csv', '--redact', '--redact-key', 'test-key']);
    expect(r.code).toBe(0);
    const users = records(join(out, 'redundant-accounts.csv')).flatMap((x) => [x['TIS Username']!, x['Email']!, x['Tableau User']!]);
    const tab = records(join(out, 'unlinked-tableau-users.csv')).flatMap((x) => [x['Tableau User']!, x['Email']!]);
    const secrets = [...users, ...tab].filter((x) => x.length > 3);
    for (const name of CSVS.filter((c) => c !== 'rejected-rows.csv')) {
      const text = readFileSync(join(dir, name), 'utf8');
      for (const s of secrets) expect(text.includes(s), `${s} in ${name}`).toBe(false);
    }
    // The same account keeps one pseudonym across columns: a duplicate's reason names its twin.
    const byLine = new Map(records(join(dir, 'redundant-accounts.csv')).map((x) => [x['TIS Export Line'], x]));
    expect(byLine.get('41')!['Reasons']).toContain(byLine.get('40')!['TIS Username']);
  });

  it('--inactive-days must be a whole number of days', () => {
    const r = runCli(['offboard', ...SAMPLE_ARGS, '--inactive-days', 'six months', '--out', join(tempDir(), 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--inactive-days/);
  });

  it('--help has an Examples section and states the cost', () => {
    const r = runCli(['offboard', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:/);
    expect(r.stdout).toMatch(/Cost: reads every input into memory/);
  });
});

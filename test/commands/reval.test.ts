/**
 * End-to-end: the built CLI on samples/reval-*.csv, compared with golden files in
 * test/golden/reval/. Regenerate with `UPDATE_GOLDEN=1 npx vitest run test/commands/reval.test.ts`,
 * then review the diff by eye before committing it.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, type CliResult } from '../helpers/run-cli.js';
import { ensureBuilt } from '../helpers/build.js';
import { expectMatchesGoldenFile, expectMatchesGoldenJson, normalisedSummary, readCsv } from '../helpers/golden.js';

const GOLDEN = join(ROOT, 'test', 'golden', 'reval');

const SAMPLE_ARGS = [
  '--doctors',
  'samples/reval-doctors.csv',
  '--gmc',
  'samples/gmc-connections.csv',
  '--hidden',
  'samples/reval-hidden.csv',
  '--as-of',
  '2026-11-01',
];

const CSVS = [
  'connections-add.csv',
  'connections-remove.csv',
  'connections-ignore.csv',
  'connections-review.csv',
  'connections-no-action.csv',
  'connections-all.csv',
  'connections-rejected-rows.csv',
];

let out: string;
let run: CliResult;

beforeAll(() => {
  ensureBuilt();
  expect(existsSync(join(ROOT, 'dist', 'commands', 'reval.js'))).toBe(true);
  out = join(tempDir('idrecon-reval-'), 'out');
  run = runCli(['reval', ...SAMPLE_ARGS, '--out', out]);
}, 120_000);

describe('idrecon reval on the samples', () => {
  it('exits 0 and prints counts per action, without personal data', () => {
    expect(run.stderr).toMatch(/Add\s+7/);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Review \(red flag\)\s+13/);
    expect(run.stderr).toMatch(/No action\s+8/);
    // No GMC numbers or names from the samples on the terminal.
    expect(run.stderr).not.toMatch(/99001\d\d/);
    expect(run.stderr).not.toMatch(/Okafor|Wiśniewski|Harriet/);
  });

  it('writes the workbook, one CSV per list and summary.json', () => {
    expect(readdirSync(out).sort()).toEqual([...CSVS, 'connections.xlsx', 'summary.json'].sort());
  });

  it.each(CSVS)('%s matches its golden file', (name) => {
    expectMatchesGoldenFile(GOLDEN, join(out, name), name, readCsv);
  });

  it('summary.json matches its golden file', () => {
    expectMatchesGoldenJson(GOLDEN, 'summary.json', normalisedSummary(join(out, 'summary.json'), out));
  });

  it('the lists carry the required columns', () => {
    const [header] = readCsv(join(out, 'connections-all.csv'));
    for (const col of ['GMC Number', 'Forename', 'Surname', 'Programme', 'Membership Type', 'Programme End', 'TIS DB', 'GMC DB', 'Action', 'Reason Code', 'Reason', 'Scenario', 'GMC Reason Code']) {
      expect(header).toContain(col);
    }
  });

  it('nothing lost: every input row is in exactly one list row or in the rejected rows', () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      balance: { source: string; inputRows: number; accountedRows: number; rejectedRows: number; balanced: boolean }[];
      counts: { doctors: number; byAction: Record<string, number> };
    };
    expect(summary.balance.every((b) => b.balanced)).toBe(true);
    const [header, ...rows] = readCsv(join(out, 'connections-all.csv'));
    const sourceCol = header!.indexOf('Source Rows');
    const seen = new Map<string, number>();
    for (const r of rows) {
      for (const part of r[sourceCol]!.split('; ')) {
        const [source, lines] = part.split(/ (.*)/s) as [string, string];
        for (const l of lines.split(', ')) seen.set(`${source}:${l}`, (seen.get(`${source}:${l}`) ?? 0) + 1);
      }
    }
    const [, ...rejected] = readCsv(join(out, 'connections-rejected-rows.csv'));
    for (const r of rejected) seen.set(`${r[1]}:${r[2]}`, (seen.get(`${r[1]}:${r[2]}`) ?? 0) + 1);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    for (const [source, file] of [['doctors', 'samples/reval-doctors.csv'], ['gmc', 'samples/gmc-connections.csv'], ['hidden', 'samples/reval-hidden.csv']] as const) {
      const dataRows = readCsv(join(ROOT, file)).length - 1;
      const lines = [...seen.keys()].filter((k) => k.startsWith(`${source}:`));
      expect(lines).toHaveLength(dataRows);
    }
    // Each doctor is in All once and in exactly one of the five lists.
    const listed = ['add', 'remove', 'ignore', 'review', 'no-action'].map((l) => readCsv(join(out, `connections-${l}.csv`)).length - 1);
    expect(listed.reduce((a, b) => a + b, 0)).toBe(rows.length);
    expect(rows).toHaveLength(summary.counts.doctors);
  });

  it('connections.xlsx has the sheets in order and Review rows filled red in All', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(out, 'connections.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'Add', 'Remove', 'Ignore', 'Review', 'No Action', 'All', 'Rejected Rows']);
    const all = wb.getWorksheet('All')!;
    const header = (all.getRow(1).values as unknown[]).slice(1);
    const actionCol = header.indexOf('Action') + 1;
    let red = 0;
    let plain = 0;
    for (let i = 2; i <= all.rowCount; i++) {
      const row = all.getRow(i);
      const fill = row.getCell(1).fill as { fgColor?: { argb?: string } } | undefined;
      const isRed = fill?.fgColor?.argb === 'FFFFC7CE';
      if (row.getCell(actionCol).value === 'Review') {
        expect(isRed).toBe(true);
        // The fill covers the whole row, not just filled cells.
        expect((row.getCell(header.length).fill as { fgColor?: { argb?: string } } | undefined)?.fgColor?.argb).toBe('FFFFC7CE');
        red++;
      } else {
        expect(isRed).toBe(false);
        plain++;
      }
    }
    expect(red).toBe(13);
    expect(red + plain).toBe(50);
    const summary = wb.getWorksheet('Summary')!;
    const items = summary.getColumn(1).values.slice(2);
    expect(items).toContain('Action: Review');
    expect(items).toContain('Precedence');
  });
});

describe('idrecon reval options', () => {
  it('--help states the cost and has Examples', () => {
    const r = runCli(['reval', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Cost: reads every input into memory/);
    expect(r.stdout).toMatch(/Examples:/);
  });

  it('--format csv writes no workbook and no summary.json; --hidden is optional', () => {
    const dir = join(tempDir('idrecon-reval-'), 'out');
    const r = runCli(['reval', '--doctors', 'samples/reval-doctors.csv', '--gmc', 'samples/gmc-connections.csv', '--as-of', '2026-11-01', '--format', 'csv', '--out', dir]);
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([...CSVS].sort());
    const [header, ...rows] = readCsv(join(dir, 'connections-all.csv'));
    const code = header!.indexOf('Reason Code');
    // Without the ignore list, the doctors it hid are classified on their own facts.
    expect(rows.filter((r2) => r2[code] === 'IGNORE-HIDDEN')).toHaveLength(0);
    expect(rows.length).toBe(48); // 50 less the two doctors only the ignore list knows
  });

  it('--redact pseudonymises names and the ignore list author, keeps GMC numbers', () => {
    const dir = join(tempDir('idrecon-reval-'), 'out');
    const r = runCli([
      'reval', ...SAMPLE_ARGS, '--format', 'csv', '--out', dir, '--redact', '--redact-key', 'test-key',
    ]);
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, 'connections-all.csv'), 'utf8');
    expect(text).not.toMatch(/Okafor|london\.reval\.admin/);
    expect(text).toMatch(/9900101/);
    expect(text).toMatch(/Name-[0-9a-f]{10}/);
  });

  it('a GMC list without a designated body column is one sentence and exit 1', () => {
    const dir = tempDir('idrecon-reval-');
    const gmc = join(dir, 'gmc.csv');
    writeFileSync(gmc, 'GMC Reference Number,Forename\n9900101,Amara\n');
    const r = runCli(['reval', '--doctors', 'samples/reval-doctors.csv', '--gmc', gmc, '--out', join(dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has no column for db/);
    expect(r.stderr).not.toMatch(/Amara/);
  });

  it('the same file for --doctors and --gmc is refused (exit 2)', () => {
    const r = runCli(['reval', '--doctors', 'samples/reval-doctors.csv', '--gmc', 'samples/reval-doctors.csv', '--out', join(tempDir(), 'o')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/same file/);
  });
});

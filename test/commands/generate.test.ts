/**
 * `idrecon generate` end to end: the built CLI writes files, which are read back with the
 * project's own table readers (encoding and delimiter detection included) and compared.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openTable } from '../../src/io/open-table.js';
import { isRejected, type TableInfo } from '../../src/io/table.js';
import { parseConfig } from '../../src/core/config.js';
import { normaliseEmployeeNumber } from '../../src/core/normalise-employee-number.js';
import { buildSamples } from '../../src/core/synth.js';
import { csvLine } from '../../src/io/write-exports.js';
import { ROOT, runCli, tempDir } from '../helpers/run-cli.js';
import { ensureBuilt } from '../helpers/build.js';

const FILES = ['esr-extract.csv', 'nhsmail-mailbox-report.csv', 'local-ad-users.csv', 'tis-users.csv', 'tis-last-logins.csv', 'tableau-users.csv', 'truth.csv'];

async function readAll(file: string): Promise<{ info: TableInfo; rows: string[][]; rejected: number }> {
  const table = await openTable(file);
  const rows: string[][] = [];
  let rejected = 0;
  for await (const r of table.rows()) {
    if (isRejected(r)) rejected++;
    else rows.push(r.values);
  }
  return { info: table.info, rows, rejected };
}

function generate(dir: string, ...args: string[]): void {
  const r = runCli(['generate', '--out', dir, ...args]);
  expect(r.stderr).toMatch(/Wrote \d+ files/);
  expect(r.code).toBe(0);
}

const bytes = (dir: string, f: string): Buffer => readFileSync(join(dir, f));

beforeAll(() => {
  ensureBuilt();
}, 180_000);

describe('csvLine (the generator\'s hand-made CSV)', () => {
  it.each([
    [['a', 'b'], 'a,b', '"a","b"'],
    [['', ''], ',', '"",""'],
    [['SMITH, John (X)', 'a,b', 'c'], '"SMITH, John (X)","a,b",c', '"SMITH, John (X)","a,b","c"'],
    [['x"y', 'z'], '"x""y",z', '"x""y","z"'],
    [['a\nb', 'c\r'], '"a\nb","c\r"', '"a\nb","c\r"'],
    [['=HYPERLINK("h","L")', 'q'], '"=HYPERLINK(""h"",""L"")",q', '"=HYPERLINK(""h"",""L"")","q"'],
  ])('%j → %s (quoted only when needed) and %s (Export-Csv)', (cells, asNeeded, always) => {
    expect(csvLine(cells, false)).toBe(asNeeded);
    expect(csvLine(cells, true)).toBe(always);
  });
});

describe('idrecon generate', () => {
  it('--help shows the cost and examples', () => {
    const r = runCli(['generate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Cost: streams/);
    expect(r.stdout).toMatch(/Examples:/);
  });

  it.each([
    [[], /--people/],
    [['--people', 'lots'], /--people must be a whole number/],
    [['--people', '10', '--profile', 'messy'], /--profile takes realistic or clean/],
    [['--people', '10', '--rate', 'shoeSize=0.5'], /--rate takes NAME=VALUE/],
    [['--people', '10', '--rate', 'leaver=2'], /--rate takes NAME=VALUE|must be from 0 to 1/],
    [['--people', '10', '--as-of', '01/11/2026'], /YYYY-MM-DD/],
  ])('refuses %j with one sentence and exit 2', (args, message) => {
    const r = runCli(['generate', '--out', tempDir(), ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('writes the same bytes for the same seed and different bytes for another seed', () => {
    const [a, b, c] = [tempDir(), tempDir(), tempDir()];
    generate(a, '--people', '3000', '--seed', '5');
    generate(b, '--people', '3000', '--seed', '5');
    generate(c, '--people', '3000', '--seed', '6');
    for (const f of FILES) {
      expect(bytes(b, f).equals(bytes(a, f)), f).toBe(true);
      expect(bytes(c, f).equals(bytes(a, f)), f).toBe(false);
    }
  });

  describe('a realistic run read back', () => {
    const dir = tempDir();
    const N = 8000;
    let read: Record<string, Awaited<ReturnType<typeof readAll>>>;

    beforeAll(async () => {
      generate(dir, '--people', String(N), '--seed', '11', '--ad-encoding', 'utf-16le');
      read = {};
      for (const f of FILES) read[f] = await readAll(join(dir, f));
    }, 60_000);

    it('writes each export in its real encoding, and every row reads back whole', () => {
      expect(bytes(dir, 'esr-extract.csv').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const ad = bytes(dir, 'local-ad-users.csv');
      expect(ad.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfe]));
      expect(ad.toString('utf16le', 2, 200).split('\r\n')[0]).toBe('#TYPE Microsoft.ActiveDirectory.Management.ADUser');
      expect(read['local-ad-users.csv']!.info).toMatchObject({ encoding: 'utf-16le', headerLine: 2 });
      expect(read['local-ad-users.csv']!.info.headers.at(-1)).toBe('extensionAttribute1');
      expect(read['esr-extract.csv']!.info.encoding).toBe('utf-8-bom');
      for (const f of FILES) expect(read[f]!.rejected, f).toBe(0);
    });

    it('sizes the files in the expected ratios', () => {
      const n = (f: string): number => read[f]!.rows.length;
      const esrPeople = new Set(read['esr-extract.csv']!.rows.map((r) => normaliseEmployeeNumber(r[0])));
      expect(esrPeople.size / N).toBeCloseTo(0.96, 1);
      expect(n('esr-extract.csv')).toBeGreaterThan(esrPeople.size);
      expect(n('nhsmail-mailbox-report.csv') / N).toBeCloseTo(0.93, 1);
      expect(n('local-ad-users.csv') / N).toBeCloseTo(0.67, 1);
      for (const f of ['tis-users.csv', 'tableau-users.csv']) {
        expect(n(f) / N, f).toBeGreaterThan(0.01);
        expect(n(f) / N, f).toBeLessThan(0.03);
      }
      expect(n('truth.csv')).toBeGreaterThanOrEqual(N);
    });

    it('truth names every record once, and every truth key is a record in its file', () => {
      const truth = read['truth.csv']!.rows;
      const col = (i: number): string[] => truth.map((r) => r[i]!).filter((v) => v !== '').sort();
      const keys = (f: string, i: number): string[] => read[f]!.rows.map((r) => r[i]!).sort();
      const esrPeople = [...new Set(read['esr-extract.csv']!.rows.map((r) => normaliseEmployeeNumber(r[0])!))].sort();
      expect(col(1)).toEqual(esrPeople);
      expect(col(2)).toEqual(keys('nhsmail-mailbox-report.csv', 0));
      expect(col(3)).toEqual(keys('local-ad-users.csv', 5));
      expect(col(4)).toEqual(keys('tis-users.csv', 0));
      expect(col(5)).toEqual(keys('tableau-users.csv', 0));
      for (const c of [2, 3, 4, 5]) expect(new Set(col(c)).size).toBe(col(c).length);
    });

    it('writes the corruption the realistic profile promises', () => {
      const esr = read['esr-extract.csv']!.rows;
      expect(esr.filter((r) => r[6] === '').length / esr.length).toBeGreaterThan(0.1);
      expect(esr.some((r) => /^\+44 \(0\) 7/.test(r[7]!))).toBe(true);
      expect(esr.some((r) => r[13] === 'EX_EMP')).toBe(true);
      const ad = read['local-ad-users.csv']!.rows;
      expect(ad.some((r) => r[15] === '514' && r[1] === 'False')).toBe(true);
      expect(ad.some((r) => r[14] === '0')).toBe(true);
      expect(ad.filter((r) => r[17] === '').length / ad.length).toBeGreaterThan(0.2);
      const statuses = new Set(read['nhsmail-mailbox-report.csv']!.rows.map((r) => r[10]));
      for (const s of ['Active', 'Inactive', 'Deleted']) expect(statuses).toContain(s);
      expect(read['tableau-users.csv']!.rows.some((r) => r[0]!.includes('#EXT#@'))).toBe(true);
      expect(read['tableau-users.csv']!.rows.every((r) => r[4] === '' || /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(r[4]!))).toBe(true);
    });
  });

  it('writes AD as UTF-8 with BOM by default, with the NHSmail-ID attribute named by option', async () => {
    const dir = tempDir();
    generate(dir, '--people', '500', '--nhsmail-id-attribute', 'extensionAttribute7', '--profile', 'clean');
    const ad = await readAll(join(dir, 'local-ad-users.csv'));
    expect(ad.info.encoding).toBe('utf-8-bom');
    expect(ad.info.headers.at(-1)).toBe('extensionAttribute7');
  });
});

describe('idrecon generate --samples', () => {
  const dir = tempDir();
  beforeAll(() => generate(dir, '--samples'), 60_000);
  const committed = join(ROOT, 'samples');

  it('regenerates the committed CSV and config byte for byte', () => {
    for (const f of ['esr-extract.csv', 'local-ad-users.csv', 'idrecon.config.json']) {
      expect(bytes(dir, f).equals(bytes(committed, f)), `${f}: run "node bin/idrecon generate --samples --out samples"`).toBe(true);
    }
    expect(parseConfig(JSON.parse(readFileSync(join(dir, 'idrecon.config.json'), 'utf8'))).problems).toEqual([]);
  });

  it('regenerates the committed mailbox report cell for cell', async () => {
    const cells = async (file: string): Promise<unknown[][]> => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      const out: unknown[][] = [];
      wb.worksheets[0]!.eachRow((row) => out.push(row.values as unknown[]));
      return out;
    };
    const fresh = await cells(join(dir, 'nhsmail-mailbox-report.xlsx'));
    expect(fresh.length).toBeGreaterThan(280);
    expect(await cells(join(committed, 'nhsmail-mailbox-report.xlsx'))).toEqual(fresh);
  });

  it('lists every planted problem in samples/README.md', () => {
    const readme = readFileSync(join(committed, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Reconcile samples'), readme.indexOf('## Offboard samples'));
    for (const p of buildSamples().plants) {
      expect(section).toContain(`| ${p.id} | ${p.problem} | ${p.on} | ${p.where} |`);
    }
  });

  it('reads back through the project readers: UTF-16 AD with #TYPE, BOM ESR, typed XLSX dates', async () => {
    const ad = await readAll(join(dir, 'local-ad-users.csv'));
    expect(ad.info).toMatchObject({ encoding: 'utf-16le', headerLine: 2 });
    expect(ad.info.headers.at(-1)).toBe('extensionAttribute10');
    expect(ad.rejected).toBe(0);
    const esr = await readAll(join(dir, 'esr-extract.csv'));
    expect(esr.info.encoding).toBe('utf-8-bom');
    expect(esr.rows.find((r) => r[3] === 'Łukasz')).toBeDefined();
    const mail = await readAll(join(dir, 'nhsmail-mailbox-report.xlsx'));
    expect(mail.rejected).toBe(0);
    const lastLogon = mail.info.headers.indexOf('Last Logon');
    expect(mail.rows.every((r) => r[lastLogon] === '' || /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/.test(r[lastLogon]!))).toBe(true);
  });
});

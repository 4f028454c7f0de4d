/**
 * Issue "Robustness and data safety", part 6: determinism. The same inputs give byte-identical
 * CSV and JSON output (here also across time zones), for reconcile, offboard and reval; and
 * shuffling the data rows of the inputs gives the same links.
 *
 * Reconcile runs on a fixture built here (with ties and conflicts to shuffle) and, when they are
 * present, on the bundled samples (samples/esr-extract.csv, nhsmail-mailbox-report.xlsx, …,
 * which arrived after this test was written); offboard and reval run on their samples.
 */
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, type CliResult } from '../helpers/run-cli.js';
import { AS_OF, csvText, ensureBuilt, readCsv, readCsvObjects, reconcileFixture, rng, type ReconcileFixture } from './fixtures.js';

interface Pair {
  first: string;
  second: string;
  r1: CliResult;
  r2: CliResult;
}

const pairs = new Map<string, Pair>();

/**
 * Runs `args` twice with the same --out path (moving the first result aside), so that even the
 * command line recorded in summary.json is the same; the second run in another time zone.
 */
function twice(name: string, args: string[], dir: string): void {
  const out = join(dir, `${name}-out`);
  // CSV and JSON are what must match byte for byte; the workbook would only cost time here.
  args = [...args, '--format', 'csv,json'];
  const r1 = runCli([...args, '--out', out], { env: { TZ: 'UTC' } });
  const first = join(dir, `${name}-first`);
  renameSync(out, first);
  const r2 = runCli([...args, '--out', out], { env: { TZ: 'Pacific/Kiritimati', LANG: 'de_DE.UTF-8' } });
  pairs.set(name, { first, second: out, r1, r2 });
}

/** Data rows shuffled with a seeded generator; the header stays first. */
function shuffleCsv(file: string, to: string, seed: number): void {
  const [header, ...rows] = readCsv(file);
  const rand = rng(seed);
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  writeFileSync(to, csvText(header!, rows));
}

let fx: ReconcileFixture;
let dir: string;

const reconcileArgs = (esr: string, nhsmail: string, ad: string): string[] => ['reconcile', '--esr', esr, '--nhsmail', nhsmail, '--ad', ad, '--as-of', AS_OF];

const RECONCILE_SAMPLES = ['samples/esr-extract.csv', 'samples/nhsmail-mailbox-report.xlsx', 'samples/local-ad-users.csv', 'samples/idrecon.config.json'];
const haveReconcileSamples = RECONCILE_SAMPLES.every((f) => existsSync(join(ROOT, f)));
const COMMANDS = ['reconcile', ...(haveReconcileSamples ? ['reconcile-samples'] : []), 'offboard', 'reval'];

beforeAll(() => {
  ensureBuilt();
  dir = tempDir('idrecon-determinism-');
  fx = reconcileFixture(dir, 60, 29);
  twice('reconcile', reconcileArgs(fx.esr, fx.nhsmail, fx.ad), dir);
  if (haveReconcileSamples) {
    const [esr, nhsmail, ad, config] = RECONCILE_SAMPLES as [string, string, string, string];
    twice('reconcile-samples', [...reconcileArgs(esr, nhsmail, ad), '--config', config], dir);
  }
  twice(
    'offboard',
    ['offboard', '--tis', 'samples/tis-users.csv', '--tis-logins', 'samples/tis-last-logins.csv', '--tableau', 'samples/tableau-users.csv', '--offices', 'samples/local-offices.csv', '--as-of', AS_OF],
    dir,
  );
  twice('reval', ['reval', '--doctors', 'samples/reval-doctors.csv', '--gmc', 'samples/gmc-connections.csv', '--hidden', 'samples/reval-hidden.csv', '--as-of', AS_OF], dir);
}, 180_000);

describe.each(COMMANDS)('%s twice', (name) => {
  it('exits 0 both times', () => {
    const p = pairs.get(name)!;
    expect(p.r1.code, p.r1.stderr).toBe(0);
    expect(p.r2.code, p.r2.stderr).toBe(0);
  });

  it('writes byte-identical CSV and JSON', () => {
    const p = pairs.get(name)!;
    const files = readdirSync(p.first).filter((f) => f.endsWith('.csv') || f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(3);
    expect(readdirSync(p.second).sort()).toEqual(readdirSync(p.first).sort());
    for (const f of files) {
      const a = readFileSync(join(p.first, f));
      const b = readFileSync(join(p.second, f));
      expect(b.equals(a), `${f} differs between runs`).toBe(true);
    }
  });
});

describe('reconcile with shuffled input rows', () => {
  type Links = string[];

  /** Reconciled identities as (ESR person, NHSmail account, AD account), sorted. */
  function links(out: string): Links {
    return readCsvObjects(join(out, 'people.csv'))
      .map((p) => `${p['ESR Employee Number']} | ${p['NHSmail Email']} | ${p['AD sAMAccountName']} | ${p['Employee Type']}`)
      .sort();
  }

  /** ESR ↔ NHSmail links only, as (ESR Employee Number, NHSmail Email) with both present. */
  function esrNhsmailLinks(out: string): Links {
    return readCsvObjects(join(out, 'people.csv'))
      .filter((p) => p['ESR Employee Number'] !== '' && p['NHSmail Email'] !== '')
      .map((p) => `${p['ESR Employee Number']} | ${p['NHSmail Email']}`)
      .sort();
  }

  /** Review items without line numbers (which move when rows are shuffled). */
  function review(out: string): Links {
    return readCsvObjects(join(out, 'review.csv'))
      .map((r) => `${r['Link']} | ${r['Kind']} | ${r['Left Key']} | ${r['Right Key']} | ${r['Score']}`)
      .sort();
  }

  let base: string;
  const shuffled: string[] = [];

  beforeAll(() => {
    base = pairs.get('reconcile')!.first;
    for (const seed of [1, 2]) {
      const esr = join(dir, `esr-shuffled-${seed}.csv`);
      const nhsmail = join(dir, `nhsmail-shuffled-${seed}.csv`);
      const ad = join(dir, `ad-shuffled-${seed}.csv`);
      shuffleCsv(fx.esr, esr, seed);
      shuffleCsv(fx.nhsmail, nhsmail, seed + 100);
      shuffleCsv(fx.ad, ad, seed + 200);
      const out = join(dir, `shuffled-${seed}`);
      const r = runCli([...reconcileArgs(esr, nhsmail, ad), '--out', out, '--format', 'csv,json']);
      expect(r.code, r.stderr).toBe(0);
      shuffled.push(out);
    }
  }, 120_000);

  it('the fixture has links, ties and near misses to get wrong', () => {
    expect(esrNhsmailLinks(base).length).toBeGreaterThan(30);
    expect(review(base).some((r) => r.includes('Ambiguous'))).toBe(true);
  });

  it('gives the same set of (ESR Employee Number, NHSmail Email) links', () => {
    for (const out of shuffled) expect(esrNhsmailLinks(out)).toEqual(esrNhsmailLinks(base));
  });

  it('gives the same identities (ESR, NHSmail and AD) and employee types', () => {
    for (const out of shuffled) expect(links(out)).toEqual(links(base));
  });

  it('gives the same review items', () => {
    for (const out of shuffled) expect(review(out)).toEqual(review(base));
  });
});

describe.runIf(haveReconcileSamples)('reconcile samples with shuffled ESR and NHSmail rows', () => {
  /** A permutation of 0..n-1: the identity for seed 0, else a seeded shuffle. */
  function order(n: number, seed: number): number[] {
    const idx = Array.from({ length: n }, (_, i) => i);
    if (seed === 0) return idx;
    const rand = rng(seed);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    return idx;
  }

  /**
   * Rewrites the ESR sample (CSV) and the NHSmail sample (XLSX) with their data rows in `seed`
   * order. The unshuffled baseline goes through the same rewriting, so any difference comes
   * from row order alone (the samples hold deliberately broken rows the rewrite may tidy).
   */
  async function rewrite(seed: number): Promise<{ esr: string; nhsmail: string }> {
    const [header, ...rows] = parse(readFileSync(join(ROOT, 'samples/esr-extract.csv')), { bom: true, relax_column_count: true, relax_quotes: true }) as string[][];
    const esr = join(dir, `sample-esr-${seed}.csv`);
    writeFileSync(esr, csvText(header!, order(rows.length, seed).map((i) => rows[i]!)));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(ROOT, 'samples/nhsmail-mailbox-report.xlsx'));
    const ws = wb.worksheets[0]!;
    const all: unknown[][] = [];
    ws.eachRow({ includeEmpty: false }, (row) => all.push((row.values as unknown[]).slice(1)));
    const [head, ...data] = all;
    const out = new ExcelJS.Workbook();
    const sheet = out.addWorksheet(ws.name);
    sheet.addRow(head!);
    for (const i of order(data.length, seed)) sheet.addRow(data[i]!);
    const nhsmail = join(dir, `sample-nhsmail-${seed}.xlsx`);
    await out.xlsx.writeFile(nhsmail);
    return { esr, nhsmail };
  }

  function esrNhsmailLinks(out: string): string[] {
    return readCsvObjects(join(out, 'people.csv'))
      .filter((p) => p['ESR Employee Number'] !== '' && p['NHSmail Email'] !== '')
      .map((p) => `${p['ESR Employee Number']} | ${p['NHSmail Email']}`)
      .sort();
  }

  const outs: string[] = [];
  beforeAll(async () => {
    for (const seed of [0, 1]) {
      const { esr, nhsmail } = await rewrite(seed);
      const out = join(dir, `sample-shuffled-${seed}`);
      const r = runCli([...reconcileArgs(esr, nhsmail, 'samples/local-ad-users.csv'), '--config', 'samples/idrecon.config.json', '--out', out, '--format', 'csv,json']);
      expect(r.code, r.stderr).toBe(0);
      outs.push(out);
    }
  }, 120_000);

  it('gives the same set of (ESR Employee Number, NHSmail Email) links', () => {
    const base = esrNhsmailLinks(outs[0]!);
    expect(base.length).toBeGreaterThan(50);
    for (const out of outs.slice(1)) expect(esrNhsmailLinks(out)).toEqual(base);
  });
});

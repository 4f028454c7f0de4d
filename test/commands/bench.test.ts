/**
 * `idrecon bench` end to end at a small size (2,000 people), so the benchmark keeps working:
 * every figure the issue asks for is printed with a value, the links are good against the
 * generator's truth, and the working data is removed unless --keep. Speed is printed, never
 * asserted (timed tests are flaky; the figures live in the README's Performance section).
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { BIN, ROOT, runCli, tempDir, type CliResult } from '../helpers/run-cli.js';
import { aloneAfterReads, compareReports, speedCheck, type LoadRunFigures } from '../../src/commands/bench.js';
import type { LoadPartTimes as LoadTimes, RunTimeline } from '../../src/commands/reconcile.js';

let run: CliResult;
let dir: string;

/** The value printed after a figure's label in `stdout` (labels are padded to one column). */
function printed(stdout: string, label: string): string {
  const line = stdout.split('\n').find((l) => l.trim().startsWith(label));
  expect(line, `no "${label}" line in:\n${stdout}`).toBeDefined();
  return line!.trim().slice(label.length).trim();
}

/** A stand-in for a built idrecon checkout (a --baseline) whose bin/idrecon is `program` (JavaScript). */
function fakeCheckout(program: string): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist', 'cli.js'), '');
  writeFileSync(join(dir, 'bin', 'idrecon'), program);
  return dir;
}

/** A stand-in checkout that runs this build's program, then `after` (JavaScript, given the run's `spec` and node:fs's functions). */
function realProgramThen(after: string): string {
  return fakeCheckout(`const { spawnSync } = require('node:child_process');
const { appendFileSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const r = spawnSync(process.execPath, [${JSON.stringify(BIN)}, ...process.argv.slice(2)], { stdio: 'inherit' });
const spec = JSON.parse(readFileSync(process.argv[process.argv.length - 1], 'utf8'));
${after}
process.exit(r.status ?? 1);
`);
}

/** The same in the 2,000-person bench's output. */
const figure = (label: string): string => printed(run.stdout, label);

const seconds = (s: string): number => {
  expect(s).toMatch(/^\d+(\.\d+)? s$/);
  return Number(s.slice(0, -2));
};

beforeAll(() => {
  ensureBuilt();
  dir = tempDir();
  run = runCli(['bench', '--people', '2000', '--dir', dir, '--keep']);
});

describe('idrecon bench --people 2000', () => {
  it('runs and prints a section for the size', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('== 2,000 people (seed 1)');
  });

  it('prints input rows, rows per second, the bare parse, the ratio and every phase', () => {
    const rows = Number(figure('input rows (ESR + NHSmail + AD)').replace(/,/g, ''));
    expect(rows).toBeGreaterThan(4000);
    expect(Number(figure('rows read per second').replace(/,/g, ''))).toBeGreaterThan(0);
    const bare = seconds(figure('bare csv-parse pass'));
    const wall = seconds(figure('reconcile wall (CSV output)'));
    expect(Number(figure('ratio reconcile ÷ bare parse'))).toBeCloseTo(wall / bare, 0);
    const phases = ['load + normalise', 'candidates + score', 'assign', 'other matching (group, identities, review)', 'write reports'].map((p) => seconds(figure(p)));
    // The phases are parts of the wall time (rounded to 10 ms each).
    expect(phases.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(wall + 0.05);
    expect(seconds(figure('garbage collection (main thread, all phases)'))).toBeGreaterThanOrEqual(0);
    expect(figure('peak RSS')).toMatch(/^\d+ MiB$/);
  });

  it("splits the run's garbage collection into scavenges, full collections and the rest, as its process measured them", () => {
    const figures = JSON.parse(readFileSync(join(dir, 'people-2000', 'reports', 'bench-result.json'), 'utf8')) as {
      gcSeconds: number;
      gc: { scavenges: number; scavengeSeconds: number; fullCollections: number; fullSeconds: number; otherSeconds: number };
    };
    const g = figures.gc;
    expect(figure('scavenges (young generation)')).toBe(`${g.scavengeSeconds} s in ${g.scavenges.toLocaleString('en-GB')}`);
    expect(figure('full collections')).toBe(`${g.fullSeconds} s in ${g.fullCollections.toLocaleString('en-GB')}`);
    expect(figure('incremental marking and callbacks')).toBe(`${g.otherSeconds} s`);
    // A 2,000-person run allocates enough for some scavenges; the parts make up the total
    // (each rounded to 10 ms).
    expect(g.scavenges).toBeGreaterThan(0);
    expect(Math.abs(g.scavengeSeconds + g.fullSeconds + g.otherSeconds - figures.gcSeconds)).toBeLessThanOrEqual(0.03);
    expect(seconds(figure('garbage collection (main thread, all phases)'))).toBe(figures.gcSeconds);
  });

  it('runs each reconciliation in a process of its own, whose figures it prints', () => {
    // The run's process leaves its figures beside its reports: the peak RSS printed is that
    // process's, not the bench's (which generated the data and ran the bare parse).
    const figures = JSON.parse(readFileSync(join(dir, 'people-2000', 'reports', 'bench-result.json'), 'utf8')) as { peakRssBytes: number; seconds: number; quality: { correct: number } };
    expect(figure('peak RSS')).toBe(`${Math.round(figures.peakRssBytes / 2 ** 20)} MiB`);
    expect(seconds(figure('reconcile wall (CSV output)'))).toBe(figures.seconds);
    expect(figure('default scheme precision / recall')).toContain(`(${figures.quality.correct} of `);
  });

  it('prints the speed check and the CPU time of the bare parse and of the reconcile run', () => {
    expect(seconds(figure('speed check (fixed csv-parse job, best of 5)'))).toBeGreaterThan(0);
    expect(seconds(figure('CPU of the bare parse (user + system)'))).toBeGreaterThan(0);
    // The run's CPU comes from its own process, all threads: as it measured it, with the cores
    // busy on average worked out from its wall time.
    const figures = JSON.parse(readFileSync(join(dir, 'people-2000', 'reports', 'bench-result.json'), 'utf8')) as { seconds: number; cpuSeconds: number };
    expect(figures.cpuSeconds).toBeGreaterThan(0);
    const cores = Math.round((figures.cpuSeconds / figures.seconds) * 100) / 100;
    expect(figure('CPU of the reconcile run (all threads)')).toBe(`${figures.cpuSeconds} s (${cores} cores busy on average)`);
  });

  it("prints the load's parts as its run measured them", () => {
    const figures = JSON.parse(readFileSync(join(dir, 'people-2000', 'reports', 'bench-result.json'), 'utf8')) as {
      timings: { loadWork: LoadTimes & { cpu?: LoadTimes } };
    };
    const w = figures.timings.loadWork;
    const s = (ms: number): string => `${Math.round(ms / 10) / 100} s`;
    // Wall time, and CPU time where the system gives threads' CPU time (Linux).
    const printed = (part: keyof LoadTimes): string => (w.cpu === undefined ? s(w[part]) : `${s(w[part])} (CPU ${s(w.cpu[part])})`);
    expect(w.cpu !== undefined).toBe(existsSync('/proc/thread-self/schedstat'));
    expect(figure('reading and splitting the exports (threads summed)')).toBe(printed('read'));
    expect(figure('normalising rows into records (threads summed)')).toBe(printed('normalise'));
    expect(figure('handing records over (threads summed)')).toBe(printed('handOver'));
    expect(figure("unpacking workers' records (main thread)")).toBe(printed('unpack'));
    // 2,000 people are read in one thread (under 8 MiB of input): no worker batches to unpack.
    expect(w.read).toBeGreaterThan(0);
    expect(w.normalise).toBeGreaterThan(0);
    expect(w.unpack).toBe(0);
  });

  it("prints the run's timeline as its run measured it, and how long its main thread worked alone", () => {
    const figures = JSON.parse(readFileSync(join(dir, 'people-2000', 'reports', 'bench-result.json'), 'utf8')) as { seconds: number; timeline: RunTimeline };
    const t = figures.timeline;
    const s = (ms: number): string => String(Math.round(ms / 10) / 100);
    expect(figure('exports read: ESR / NHSmail / AD')).toBe(`${s(t.esrRead)} / ${s(t.nhsmailRead)} / ${s(t.adRead!)}`);
    expect(figure('ESR ↔ NHSmail matched / all matched / written')).toBe(`${s(t.stageOneDone)} / ${s(t.matched)} / ${s(t.written)}`);
    // Read in this thread at this size: one export after another, then matching, then writing.
    expect(t.esrRead).toBeLessThanOrEqual(t.nhsmailRead);
    expect(t.nhsmailRead).toBeLessThanOrEqual(t.adRead!);
    expect(t.stageOneDone).toBeLessThanOrEqual(t.matched);
    expect(t.matched).toBeLessThanOrEqual(t.written);
    // The run's wall time is measured around the same run, so it ends at or after the reports.
    expect(t.written / 1000).toBeLessThanOrEqual(figures.seconds + 0.01);
    const alone = t.written - t.adRead!;
    expect(figure('main thread alone after the last export was read')).toBe(`${s(alone)} s (${Math.round((100 * alone) / t.written)}% of the run, on one core)`);
  });

  it('times the same fixed job for the speed check every time: 20,000 rows of csv-parse', () => {
    const a = speedCheck();
    const b = speedCheck();
    expect(a.rows).toBe(20_000);
    expect(b.rows).toBe(20_000);
    expect(a.seconds).toBeGreaterThan(0);
  });

  it("prints the fuzzy run's wall and peak RSS as its process measured them", () => {
    const fuzzy = JSON.parse(readFileSync(join(dir, 'people-2000', 'reports-fuzzy', 'bench-result.json'), 'utf8')) as { seconds: number; peakRssBytes: number; quality: { correct: number; links: number } };
    const tail = `(${fuzzy.quality.correct} of ${fuzzy.quality.links}; ${fuzzy.seconds} s; peak RSS ${Math.round(fuzzy.peakRssBytes / 2 ** 20)} MiB)`;
    expect(figure('fuzzy mode precision / recall').endsWith(tail), figure('fuzzy mode precision / recall')).toBe(true);
  });

  it('prints pairs scored per ESR person, and precision of at least 99.5% for the default scheme and fuzzy mode', () => {
    const pairs = Number(figure('pairs scored per ESR person'));
    expect(pairs).toBeGreaterThan(0.5);
    expect(pairs).toBeLessThan(20);
    for (const label of ['default scheme precision / recall', 'fuzzy mode precision / recall']) {
      const m = /^(\d+\.\d+)% \/ (\d+\.\d+)%/.exec(figure(label));
      expect(m, label).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThanOrEqual(99.5);
      expect(Number(m![2])).toBeGreaterThan(90);
    }
  });

  it('keeps the generated data and reports with --keep, removes them without it, times XLSX output with --xlsx, and shows growth from size to size', () => {
    const kept = join(dir, 'people-2000');
    expect(readdirSync(kept)).toEqual(expect.arrayContaining(['truth.csv', 'esr-extract.csv', 'reports', 'reports-fuzzy']));
    const other = tempDir();
    const r = runCli(['bench', '--people', '200,50', '--dir', other, '--no-fuzzy', '--xlsx']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('fuzzy mode');
    // --xlsx times the same run writing the workbook.
    expect(r.stdout).toMatch(/reconcile wall \(XLSX output\)\s+\d+(\.\d+)? s \(writing the workbook \d+(\.\d+)? s; peak RSS \d+ MiB\)/);
    expect(existsSync(join(other, 'people-50'))).toBe(false);
    expect(existsSync(join(other, 'people-200'))).toBe(false);

    // Sizes run smallest first, then how time and memory grew from one to the next, worked
    // out here from the figures printed for each size.
    const sections = r.stdout.split('\n== ').slice(1);
    expect(sections.map((x) => x.split('\n')[0])).toEqual(['50 people (seed 1)', '200 people (seed 1)', 'Growth from each size to the next (n = input rows)']);
    const value = (section: string, label: string): number => {
      const line = section.split('\n').find((l) => l.trim().startsWith(label))!;
      return Number(/([\d,.]+)/.exec(line.trim().slice(label.length))![1]!.replace(/,/g, ''));
    };
    const [small, large] = [sections[0]!, sections[1]!];
    const rows = [value(small, 'input rows'), value(large, 'input rows')] as const;
    const wall = [value(small, 'reconcile wall (CSV output)'), value(large, 'reconcile wall (CSV output)')] as const;
    const rss = [value(small, 'peak RSS'), value(large, 'peak RSS')] as const;
    const r2 = (x: number): number => Math.round(x * 100) / 100;
    const nLogN = r2((rows[1] * Math.log(rows[1])) / (rows[0] * Math.log(rows[0])));
    const wallX = r2(wall[1] / wall[0]);
    expect(sections[2]).toContain('50 → 200 people');
    expect(sections[2]).toContain(
      `rows ×${r2(rows[1] / rows[0])}; wall ×${wallX} (n log n: ×${nLogN}, ${wallX <= nLogN ? 'within' : 'over'}); peak RSS ×${r2(rss[1] / rss[0])} (linear: ×${r2(rows[1] / rows[0])})`,
    );
  });

  it('with --repeat, alternates bare parses and reconcile runs and prints the median run, every wall and the highest peak RSS', () => {
    const other = tempDir();
    const r = runCli(['bench', '--people', '100', '--dir', other, '--no-fuzzy', '--repeat', '3', '--keep']);
    expect(r.code, r.stderr).toBe(0);
    const line = (label: string): string => printed(r.stdout, label);
    expect(line("runs (figures below: the median run's)")).toBe('3; peak RSS the highest of them');
    const eachWall = line('reconcile wall (CSV output), each run').split(', ').map(seconds);
    const eachBare = line('bare csv-parse pass, each run').split(', ').map(seconds);
    expect(eachWall).toHaveLength(3);
    expect(eachBare).toHaveLength(3);
    // Each run's ratio to its own bare parse (the one just before it), in run order.
    const r2 = (x: number): number => Math.round(x * 100) / 100;
    expect(line('each run ÷ the bare parse before it')).toBe(eachWall.map((w, k) => String(r2(w / eachBare[k]!))).join(', '));
    // A speed check before each bare parse.
    expect(line('speed check (fixed csv-parse job, best of 5)').split(', ').map(seconds)).toHaveLength(3);
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1]!;
    expect(seconds(line('reconcile wall (CSV output)'))).toBe(median(eachWall));
    expect(seconds(line('bare csv-parse pass'))).toBe(median(eachBare));
    // Each run leaves its figures in a reports folder of its own; the printed ones are the median run's.
    const results = ['reports', 'reports-2', 'reports-3'].map(
      (d) => JSON.parse(readFileSync(join(other, 'people-100', d, 'bench-result.json'), 'utf8')) as { seconds: number; peakRssBytes: number; pairsPerEsrPerson: number },
    );
    expect(results.map((x) => x.seconds)).toEqual(eachWall);
    const medianRun = results.find((x) => x.seconds === median(eachWall))!;
    expect(Number(line('pairs scored per ESR person'))).toBe(medianRun.pairsPerEsrPerson);
    expect(line('peak RSS')).toBe(`${Math.round(Math.max(...results.map((x) => x.peakRssBytes)) / 2 ** 20)} MiB`);
  });

  it("with --baseline, runs the other build's CSV runs in turn with this build's, prints each pair's ratio and finds their reports the same", () => {
    const other = tempDir();
    // This checkout as its own baseline: the same code, so the same reports.
    const r = runCli(['bench', '--people', '100', '--dir', other, '--no-fuzzy', '--repeat', '2', '--keep', '--baseline', ROOT]);
    expect(r.code, r.stderr).toBe(0);
    const line = (label: string): string => printed(r.stdout, label);
    const people = join(other, 'people-100');
    const wallOf = (d: string): number => (JSON.parse(readFileSync(join(people, d, 'bench-result.json'), 'utf8')) as { seconds: number }).seconds;
    // Each build's runs leave their figures in reports folders of their own.
    const mine = ['reports', 'reports-2'].map(wallOf);
    const base = ['reports-baseline', 'reports-baseline-2'].map(wallOf);
    expect(line('baseline build')).toBe(ROOT);
    expect(line('baseline reconcile wall (CSV output), each run')).toBe(base.map((x) => `${x} s`).join(', '));
    expect(line('reconcile wall (CSV output), each run')).toBe(mine.map((x) => `${x} s`).join(', '));
    const r2 = (x: number): number => Math.round(x * 100) / 100;
    expect(line('this build ÷ baseline, each pair')).toBe(mine.map((m, k) => String(r2(m / base[k]!))).join(', '));
    expect(line('this build ÷ baseline, medians')).toBe(String(r2(Math.min(...mine) / Math.min(...base))));
    const csvFiles = readdirSync(join(people, 'reports')).filter((f) => f.endsWith('.csv'));
    expect(csvFiles.length).toBeGreaterThan(5);
    expect(line("reports the same as the baseline's")).toBe(`yes (${csvFiles.length} CSV files, byte for byte, every pair)`);
  });

  it("with --baseline, names the reports whose bytes differ from the baseline build's", () => {
    // A stand-in baseline: the real program, then one more line in its run's issues.csv.
    const fake = realProgramThen("appendFileSync(join(spec.outDir, 'issues.csv'), 'extra\\r\\n');");
    const r = runCli(['bench', '--people', '100', '--dir', tempDir(), '--no-fuzzy', '--baseline', fake]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/reports the same as the baseline's\s+NO; differing: issues\.csv\n/);
  });

  it("prints the run's page faults and system CPU as its process measured them", () => {
    const figures = JSON.parse(readFileSync(join(dir, 'people-2000', 'reports', 'bench-result.json'), 'utf8')) as { minorFaults: number; systemCpuSeconds: number };
    // Any process touches fresh memory: a run of 2,000 people takes thousands of pages.
    expect(figures.minorFaults).toBeGreaterThan(1000);
    expect(figure('page faults (minor, all threads)')).toBe(`${figures.minorFaults.toLocaleString('en-GB')} (system CPU ${figures.systemCpuSeconds} s)`);
  });

  it('with --match fuzzy, times its runs (and the baseline\'s) in fuzzy mode and makes no separate fuzzy run', () => {
    const other = tempDir();
    const r = runCli(['bench', '--people', '100', '--dir', other, '--match', 'fuzzy', '--keep', '--baseline', ROOT]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('== 100 people (seed 1), timed runs in fuzzy mode');
    const people = join(other, 'people-100');
    // Both builds' timed runs were asked for fuzzy matching; there is no other run.
    for (const d of ['reports', 'reports-baseline']) {
      expect((JSON.parse(readFileSync(join(people, d, 'bench-run.json'), 'utf8')) as { fuzzy: boolean }).fuzzy, d).toBe(true);
    }
    expect(existsSync(join(people, 'reports-fuzzy'))).toBe(false);
    expect(r.stdout).not.toContain('default scheme precision / recall');
    const quality = (JSON.parse(readFileSync(join(people, 'reports', 'bench-result.json'), 'utf8')) as { quality: { correct: number; links: number } }).quality;
    expect(printed(r.stdout, 'fuzzy mode precision / recall')).toContain(`(${quality.correct} of ${quality.links} links correct;`);
    expect(printed(r.stdout, "reports the same as the baseline's")).toMatch(/^yes /);
  });

  it('refuses a --match other than default or fuzzy', () => {
    const r = runCli(['bench', '--people', '100', '--dir', tempDir(), '--match', 'loose']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("option '--match <scheme>' argument 'loose' is invalid");
  });

  it('refuses a --baseline that is not a built idrecon checkout before generating anything', () => {
    const other = tempDir();
    const r = runCli(['bench', '--people', '100', '--dir', other, '--baseline', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--baseline takes a built checkout of idrecon');
    expect(readdirSync(other)).toEqual([]);
  });

  it('refuses a --repeat that is not 1 to 20 with a usage error', () => {
    for (const bad of ['0', '21', '1.5', 'two']) {
      const r = runCli(['bench', '--people', '100', '--repeat', bad, '--dir', tempDir()]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain('--repeat takes a whole number from 1 to 20');
    }
  });

  it('refuses sizes outside 10 to 20,000,000 with a usage error', () => {
    const r = runCli(['bench', '--people', '5', '--dir', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--people takes whole numbers');
  });
});

describe('aloneAfterReads', () => {
  const t = (reads: [number, number, number | undefined], written: number): RunTimeline => ({
    esrRead: reads[0],
    nhsmailRead: reads[1],
    adRead: reads[2],
    stageOneDone: 0,
    matched: 0,
    written,
  });

  it('counts from the last export read, whichever it was, to the reports written', () => {
    expect(aloneAfterReads(t([15_000, 14_000, 31_000], 72_000))).toBe(41_000);
    expect(aloneAfterReads(t([15_000, 17_000, 9_000], 72_000))).toBe(55_000);
  });

  it('without an AD export, from the later of ESR and NHSmail', () => {
    expect(aloneAfterReads(t([15_000, 14_000, undefined], 40_000))).toBe(25_000);
  });

  it('is never negative', () => {
    expect(aloneAfterReads(t([15_000, 14_000, 50_000], 40_000))).toBe(0);
  });
});

describe('compareReports', () => {
  it('counts the CSV files of both folders and names those that differ in bytes or are in one only', async () => {
    const a = tempDir();
    const b = tempDir();
    writeFileSync(join(a, 'same.csv'), 'x,y\r\n1,2\r\n');
    writeFileSync(join(b, 'same.csv'), 'x,y\r\n1,2\r\n');
    writeFileSync(join(a, 'changed.csv'), 'x\r\n1\r\n');
    writeFileSync(join(b, 'changed.csv'), 'x\r\n2\r\n');
    writeFileSync(join(a, 'only-a.csv'), 'x\r\n');
    // Not reports: the run's figures and summary differ from run to run.
    writeFileSync(join(a, 'summary.json'), '{"seconds":1}');
    writeFileSync(join(b, 'summary.json'), '{"seconds":2}');
    expect(await compareReports(a, b)).toEqual({ files: 3, differing: ['changed.csv', 'only-a.csv'] });
    // In both folders now, with other bytes.
    writeFileSync(join(b, 'only-a.csv'), 'x\r\n');
    appendFileSync(join(b, 'only-a.csv'), 'y\r\n');
    writeFileSync(join(b, 'changed.csv'), 'x\r\n1\r\n');
    expect(await compareReports(a, b)).toEqual({ files: 3, differing: ['only-a.csv'] });
    writeFileSync(join(b, 'only-a.csv'), 'x\r\n');
    expect(await compareReports(a, b)).toEqual({ files: 3, differing: [] });
  });
});

describe('idrecon bench --load-only', () => {
  let other: string;
  let r: CliResult;
  beforeAll(() => {
    ensureBuilt();
    other = tempDir();
    // This checkout as its own baseline, two pairs.
    r = runCli(['bench', '--people', '300', '--dir', other, '--load-only', '--repeat', '2', '--keep', '--baseline', ROOT]);
  });
  const figuresOf = (d: string): LoadRunFigures => JSON.parse(readFileSync(join(other, 'people-300', d, 'bench-result.json'), 'utf8')) as LoadRunFigures;

  it('reads the exports in a process of its own per run, and no reconcile run or report is made', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('== 300 people (seed 1), reading the exports alone');
    const folders = readdirSync(join(other, 'people-300')).filter((f) => !f.includes('.'));
    expect(folders.sort()).toEqual(['load', 'load-2', 'load-baseline', 'load-baseline-2']);
    for (const f of folders) expect(readdirSync(join(other, 'people-300', f)).sort(), f).toEqual(['bench-result.json', 'bench-run.json']);
  });

  it("accounts for every row: each export's rows are its records and rejects", () => {
    const run = figuresOf('load');
    expect(run.kind).toBe('load');
    const rows = run.read.rows.esr + run.read.rows.nhsmail + run.read.rows.ad;
    expect(rows).toBeGreaterThan(600);
    expect(run.read.records + run.read.rejects).toBe(rows);
    // The bare parse counts each export's header line too.
    expect(Number(printed(r.stdout, 'input rows (ESR + NHSmail + AD)').replace(/,/g, ''))).toBe(rows + 3);
  });

  it("prints the median run's figures, as its process measured them, and each pair against the baseline", () => {
    const mine = [figuresOf('load'), figuresOf('load-2')];
    const base = [figuresOf('load-baseline'), figuresOf('load-baseline-2')];
    const median = mine[0]!.seconds <= mine[1]!.seconds ? mine[0]! : mine[1]!;
    const s = (ms: number): string => String(Math.round(ms / 10) / 100);
    const line = (label: string): string => printed(r.stdout, label);
    expect(line('exports read (load-only run)')).toBe(`${median.seconds} s (each run: ${mine.map((m) => `${m.seconds} s`).join(', ')}; figures below: the median run's)`);
    expect(line('exports read: ESR / NHSmail / AD')).toBe(`${s(median.read.esrRead)} / ${s(median.read.nhsmailRead)} / ${s(median.read.adRead!)}`);
    expect(line('page faults (minor, all threads)')).toBe(`${median.minorFaults.toLocaleString('en-GB')} (system CPU ${median.systemCpuSeconds} s)`);
    expect(median.minorFaults).toBeGreaterThan(1000);
    expect(line('peak RSS')).toBe(`${Math.round(Math.max(...mine.map((m) => m.peakRssBytes)) / 2 ** 20)} MiB`);
    const r2 = (x: number): number => Math.round(x * 100) / 100;
    expect(line('baseline exports read, each run')).toBe(base.map((b) => `${b.seconds} s`).join(', '));
    expect(line('this build ÷ baseline, each pair')).toBe(mine.map((m, k) => String(r2(m.seconds / base[k]!.seconds))).join(', '));
    expect(line("records and rejects the same as the baseline's")).toBe('yes (every run)');
  });

  it("names a baseline run that made a different number of records", () => {
    // A stand-in baseline: the real program, then one record more in its run's figures.
    const fake = realProgramThen(`const file = join(spec.outDir, 'bench-result.json');
const figures = JSON.parse(readFileSync(file, 'utf8'));
figures.read.records += 1;
writeFileSync(file, JSON.stringify(figures));`);
    const odd = runCli(['bench', '--people', '50', '--dir', tempDir(), '--load-only', '--baseline', fake]);
    expect(odd.code, odd.stderr).toBe(0);
    expect(printed(odd.stdout, "records and rejects the same as the baseline's")).toMatch(/^NO; the baseline's runs read [\d,]+ and 0 in pair 1$/);
  });

  it('refuses a baseline build whose bench predates --load-only, in one sentence', () => {
    // A stand-in for an older build: its bench knows no --load-only.
    const fake = fakeCheckout(`process.stderr.write("error: unknown option '--load-only'\\n"); process.exit(1);\n`);
    const old = runCli(['bench', '--people', '50', '--dir', tempDir(), '--load-only', '--baseline', fake]);
    expect(old.code).toBe(2);
    expect(old.stderr).toContain("The baseline build's bench has no load-only runs (it predates --load-only)");
  });

  it('refuses --xlsx and --match fuzzy with --load-only', () => {
    for (const extra of [['--xlsx'], ['--match', 'fuzzy']]) {
      const bad = runCli(['bench', '--people', '50', '--dir', tempDir(), '--load-only', ...extra]);
      expect(bad.code, extra.join(' ')).toBe(2);
      expect(bad.stderr).toContain('--load-only times reading the exports alone');
    }
  });
});

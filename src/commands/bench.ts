/**
 * `idrecon bench` (also `npm run bench`): generates synthetic exports at one or more sizes, runs
 * `reconcile` on them with CSV output, and prints speed, memory and link quality against the
 * generator's truth.csv. Speed goals live here, printed as figures, never in timed tests.
 * Each reconcile run is a process of its own (as `idrecon reconcile` would be), so its peak RSS
 * is its own. Cost: a run holds every record in memory; the largest size sets the peak.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PerformanceObserver, constants as perfConstants, type PerformanceEntry } from 'node:perf_hooks';
import { sha256File } from '../io/evidence.js';
import { isHeapFlag, restartForHeapIfNeeded, RESPAWNED_ENV } from '../io/heap.js';
import { Transform, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Option, type Command } from 'commander';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { UsageError } from '../errors.js';
import { runGenerate, generateOptions } from './generate.js';
import { readInputsOnly, runReconcile, type InputsReadAlone, type LoadPartTimes, type PhaseTimings, type ReconcileRunResult, type RunTimeline } from './reconcile.js';

export interface BenchOptions {
  sizes: number[];
  seed: number;
  dir: string;
  keep: boolean;
  fuzzy: boolean;
  /** Also time a reconcile run with XLSX output (the workbook alone). */
  xlsx?: boolean;
  /**
   * Bare parses and CSV reconcile runs per size, taken in turn (default 1). The figures printed
   * are the median run's; the peak RSS is the highest of any run.
   */
  repeat?: number;
  /**
   * Another build of idrecon (a checkout with bin/idrecon and its dist/ built) whose CSV runs
   * are timed beside this build's, in turn, and whose reports are compared with this build's.
   */
  baseline?: string;
  /** The matching of the timed CSV runs (and of the baseline's): the default scheme, or fuzzy mode (default 'default'). */
  match?: 'default' | 'fuzzy';
  toolVersion: string;
  out: NodeJS.WritableStream;
}

export interface QualityFigures {
  links: number;
  truePairs: number;
  correct: number;
  precision: number;
  recall: number;
}

export interface BenchFigures {
  people: number;
  inputRows: number;
  generateSeconds: number;
  bareParseSeconds: number;
  reconcileSeconds: number;
  ratio: number;
  /** CPU seconds (user + system) of the median bare parse and of the median reconcile run (all its threads). */
  bareParseCpuSeconds: number;
  reconcileCpuSeconds: number;
  /** The speed check before each bare parse (seconds, in run order; see speedCheck). */
  speedChecks: number[];
  rowsPerSecond: number;
  phases: ReconcileRunResult['timings'];
  timeline: RunTimeline;
  /** Peak RSS of the CSV run's process (each run is a process of its own). */
  peakRssMiB: number;
  /** The median run's minor page faults and system CPU seconds (all threads of its process). */
  minorFaults?: number;
  systemCpuSeconds?: number;
  /** Main-thread garbage collection pauses during the reconcile run (all phases). */
  gcSeconds: number;
  /** The same pauses by kind. */
  gc: GcFigures;
  pairsPerEsrPerson: number;
  quality: QualityFigures;
  fuzzyQuality?: QualityFigures;
  fuzzySeconds?: number;
  /** Peak RSS of the fuzzy run's process: fuzzy mode holds more than the default scheme. */
  fuzzyPeakRssMiB?: number;
  /** Wall time of the same run writing the XLSX workbook instead of CSV, and its write phase. */
  xlsxSeconds?: number;
  xlsxWriteSeconds?: number;
  xlsxPeakRssMiB?: number;
  baseline?: BaselineFigures;
}

/** The baseline build's CSV runs beside this build's (BenchOptions.baseline). */
export interface BaselineFigures {
  /** The baseline's wall time, each run, in pair order, and the median. */
  runs: number[];
  seconds: number;
  /** Each pair's wall of this build ÷ the baseline's, and the medians' ratio. */
  pairRatios: number[];
  ratio: number;
  peakRssMiB: number;
  /** The median run's page faults and system CPU, where the baseline build measured them. */
  minorFaults?: number;
  systemCpuSeconds?: number;
  /** Report files compared in each pair, and those whose bytes differed in any (or were in one build's reports only). */
  filesCompared: number;
  differing: string[];
}

/** A CSV stream decoded as reconcile would decode it (UTF-16 AD exports included). */
function decoded(file: string): Readable {
  let decoder: StringDecoder | undefined;
  const transform = new Transform({
    transform(chunk: Buffer, _enc, done) {
      decoder ??= new StringDecoder(chunk[0] === 0xff && chunk[1] === 0xfe ? 'utf16le' : 'utf8');
      done(null, decoder.write(chunk));
    },
    flush(done) {
      done(null, decoder?.end() ?? '');
    },
  });
  return createReadStream(file).pipe(transform);
}

/** Rows and columns of speedCheck's text. */
const CHECK_ROWS = 20_000;
const CHECK_COLUMNS = 12;
let checkText: string | undefined;

/**
 * A fixed job timed before each bare parse: csv-parse over the same few megabytes of text
 * every time, in memory (best of five). The machine is shared and its speed drifts, by a
 * factor of two between days: the bare parse of the same 1.5M files has taken from 35 s to
 * 71 s. This figure tells such drift from a change in the code: compared with another
 * bench's, it says how fast the machine was, whatever the code under test does. It is a
 * snapshot of a second or so, and varied by about a third from one second to the next here
 * (so did a plain arithmetic loop; scratch timings, not kept): it shows drift of that factor
 * of two, not of 10 %.
 */
export function speedCheck(): { seconds: number; rows: number } {
  if (checkText === undefined) {
    const lines: string[] = [];
    for (let r = 0; r < CHECK_ROWS; r++) {
      const cells: string[] = [];
      // Cells like an export's: numbers, names, a quoted display name with a comma, an email.
      for (let c = 0; c < CHECK_COLUMNS; c++) {
        const k = (r * 31 + c * 17) % 997;
        cells.push(c % 4 === 0 ? String(10_000_000 + r) : c % 4 === 1 ? `Name${k}` : c % 4 === 2 ? `"SURNAME${k}, First"` : `user${k}.x@nhs.net`);
      }
      lines.push(cells.join(','));
    }
    checkText = lines.join('\r\n');
  }
  let best = Infinity;
  let rows = 0;
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    rows = (parseSync(checkText, { relax_column_count: true }) as unknown[]).length;
    best = Math.min(best, performance.now() - t);
  }
  return { seconds: Math.round(best) / 1000, rows };
}

/** CPU seconds (user + system) of this process, all threads, since `from`. */
function cpuSecondsSince(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return secs((u.user + u.system) / 1000);
}

/** The floor to beat: csv-parse alone over the same files, no decoding tricks or records. */
async function bareParse(files: readonly string[]): Promise<number> {
  let rows = 0;
  for (const file of files) {
    const parser = decoded(file).pipe(parse({ relax_column_count: true, bom: true, skip_empty_lines: true, comment: '#', comment_no_infix: true }));
    for await (const _ of parser) rows++;
  }
  return rows;
}

async function readTruth(file: string): Promise<Map<string, string>> {
  const truth = new Map<string, string>();
  const parser = createReadStream(file).pipe(parse({ columns: true, bom: true }));
  for await (const row of parser as AsyncIterable<Record<string, string>>) {
    const emp = row['ESR Employee Number'];
    const mail = row['NHSmail Email'];
    if (emp && mail) truth.set(emp.padStart(8, '0'), mail.toLowerCase());
  }
  return truth;
}

function quality(run: ReconcileRunResult, truth: ReadonlyMap<string, string>): QualityFigures {
  const r = run.result;
  let correct = 0;
  for (const [i, c] of r.esrNhsmail.assignment.links) {
    if (truth.get(r.people[i]!.employeeNumber) === r.nhsmail[c.right]!.email.value) correct++;
  }
  const links = r.esrNhsmail.assignment.links.size;
  return { links, truePairs: truth.size, correct, precision: links === 0 ? 1 : correct / links, recall: truth.size === 0 ? 1 : correct / truth.size };
}

const secs = (ms: number): number => Math.round(ms / 10) / 100;

/**
 * One of the load's parts as printed: its threads' wall time, and their CPU time where the
 * system gives it. Threads sharing the cores wait for one, so the wall times summed exceed the
 * CPU used: the CPU time is the part's cost.
 */
export function loadPart(work: PhaseTimings['loadWork'], part: keyof LoadPartTimes): string {
  const wall = `${secs(work[part])} s`;
  return work.cpu === undefined ? wall : `${wall} (CPU ${secs(work.cpu[part])} s)`;
}
const mib = (bytes: number): number => Math.round(bytes / 2 ** 20);

/**
 * Milliseconds from the last export read to the reports written: the part of the run in which
 * its main thread works alone (matching and writing), so that on two cores one is idle.
 */
export function aloneAfterReads(t: RunTimeline): number {
  return Math.max(0, t.written - Math.max(t.esrRead, t.nhsmailRead, t.adRead ?? 0));
}

/** A run's timeline as printed (seconds from its start). */
export function timelineLines(t: RunTimeline): [string, string][] {
  const alone = aloneAfterReads(t);
  return [
    ['  timeline (seconds from the run\'s start)', ''],
    ['    exports read: ESR / NHSmail / AD', [t.esrRead, t.nhsmailRead, t.adRead].map((x) => (x === undefined ? '-' : String(secs(x)))).join(' / ')],
    ['    ESR ↔ NHSmail matched / all matched / written', [t.stageOneDone, t.matched, t.written].map(secs).join(' / ')],
    ['    main thread alone after the last export was read', `${secs(alone)} s (${Math.round((100 * alone) / Math.max(1, t.written))}% of the run, on one core)`],
  ];
}
/** A ratio as printed: two decimals. */
const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * The main thread's garbage-collection pauses by kind: scavenges (young generation), full
 * collections (mark-compact of the whole heap), and the rest (incremental marking steps and
 * weak callbacks). Seconds, and counts of scavenges and full collections.
 */
export interface GcFigures {
  scavenges: number;
  scavengeSeconds: number;
  fullCollections: number;
  fullSeconds: number;
  otherSeconds: number;
}

/** Sums the main thread's garbage-collection pauses until `stop`: all (milliseconds), and by kind. */
function gcMeter(): { stop: () => { ms: number; byKind: GcFigures } } {
  let ms = 0;
  const kindMs = { minor: 0, major: 0, other: 0 };
  const count = { minor: 0, major: 0 };
  const take = (entries: readonly PerformanceEntry[]): void => {
    for (const e of entries) {
      ms += e.duration;
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) {
        kindMs.minor += e.duration;
        count.minor++;
      } else if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) {
        kindMs.major += e.duration;
        count.major++;
      } else {
        kindMs.other += e.duration;
      }
    }
  };
  const observer = new PerformanceObserver((list) => take(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: () => {
      take(observer.takeRecords());
      observer.disconnect();
      const byKind: GcFigures = {
        scavenges: count.minor,
        scavengeSeconds: secs(kindMs.minor),
        fullCollections: count.major,
        fullSeconds: secs(kindMs.major),
        otherSeconds: secs(kindMs.other),
      };
      return { ms, byKind };
    },
  };
}
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

/** One measured reconcile run, as its process hands it to the bench. */
interface RunSpec {
  files: string[];
  outDir: string;
  fuzzy: boolean;
  format: 'csv' | 'xlsx';
  truth: string;
  commandLine: string;
  toolVersion: string;
}

/** What a run's process reports back. */
interface RunFigures {
  seconds: number;
  timings: ReconcileRunResult['timings'];
  timeline: RunTimeline;
  gcSeconds: number;
  gc: GcFigures;
  /** The process's peak RSS: the run's, as `idrecon reconcile` would have it. */
  peakRssBytes: number;
  /** CPU seconds (user + system) of the run, every thread of its process (the load's workers too). */
  cpuSeconds: number;
  /** The process's minor page faults and system CPU seconds (all threads); absent from builds before they were measured. */
  minorFaults?: number;
  systemCpuSeconds?: number;
  pairsPerEsrPerson: number;
  quality: QualityFigures;
}

/** What a load-only run's process reports back (`--load-only`): reading the exports, nothing else. */
export interface LoadRunFigures {
  kind: 'load';
  /** Wall seconds until every export was read. */
  seconds: number;
  read: InputsReadAlone;
  peakRssBytes: number;
  cpuSeconds: number;
  minorFaults: number;
  systemCpuSeconds: number;
}

/** Where a run's process leaves its figures, in its reports folder. */
const RESULT_FILE = 'bench-result.json';

/**
 * Runs one reconciliation in a process of its own (this command with `--run`), so that its
 * peak RSS is its own: in one process, each run's figure held the earlier runs' leftovers (at
 * 1.5M people the XLSX run, after the CSV run, peaked 4,498 MiB, and 3,668 MiB alone).
 */
async function runInChild(spec: RunSpec, program?: string): Promise<RunFigures> {
  return (await runChild(spec, program, false)) as RunFigures;
}

const NO_BASELINE_LOAD_ONLY = "The baseline build's bench has no load-only runs (it predates --load-only): compare the two builds with whole runs instead.";

/** runInChild's load-only run (`--load-only`): the exports read as the run reads them, and nothing else. */
async function loadInChild(spec: RunSpec, program?: string): Promise<LoadRunFigures> {
  const figures = (await runChild(spec, program, true)) as Partial<LoadRunFigures>;
  if (figures.kind !== 'load') throw new UsageError(NO_BASELINE_LOAD_ONLY);
  return figures as LoadRunFigures;
}

async function runChild(spec: RunSpec, program = process.argv[1]!, loadOnly: boolean): Promise<unknown> {
  mkdirSync(spec.outDir, { recursive: true });
  const specFile = join(spec.outDir, 'bench-run.json');
  const resultFile = join(spec.outDir, RESULT_FILE);
  rmSync(resultFile, { force: true });
  writeFileSync(specFile, JSON.stringify(spec));
  const env = { ...process.env };
  delete env[RESPAWNED_ENV];
  // --load-only before --run: an older build's bench refuses the flag at once, rather than
  // making a whole run of it.
  const child = spawn(process.execPath, [...process.execArgv.filter((a) => !isHeapFlag(a)), program, 'bench', ...(loadOnly ? ['--load-only'] : []), '--run', specFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env,
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number>((resolve) => {
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
    child.on('error', () => resolve(1));
  });
  if (code !== 0) {
    const last = stderr.trim().split('\n').pop() ?? '';
    const which = program === process.argv[1] ? '' : ', baseline build';
    if (loadOnly && which !== '' && stderr.includes("unknown option '--load-only'")) throw new UsageError(NO_BASELINE_LOAD_ONLY);
    const what = loadOnly ? `load-only run${which === '' ? '' : ' (baseline build)'}` : `reconcile run (${spec.format}${spec.fuzzy ? ', fuzzy' : ''}${which})`;
    throw new Error(`The bench's ${what} failed with exit code ${code}${last ? `: ${last}` : ''}`);
  }
  return JSON.parse(readFileSync(resultFile, 'utf8')) as unknown;
}

/** The process's minor page faults and system CPU seconds since `from`, all its threads. */
function faultsSince(from: NodeJS.ResourceUsage): { minorFaults: number; systemCpuSeconds: number } {
  const now = process.resourceUsage();
  return { minorFaults: now.minorPageFault - from.minorPageFault, systemCpuSeconds: secs((now.systemCPUTime - from.systemCPUTime) / 1000) };
}

/** The `--load-only --run` side: the exports read as a reconcile run reads them, and its figures written. */
async function loadOne(specFile: string): Promise<void> {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as RunSpec;
  // With the heap, flags and allocator settings a reconcile run of these files would have.
  if (await restartForHeapIfNeeded(spec.files)) return;
  const usage = process.resourceUsage();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const read = await readInputsOnly({ esr: spec.files[0]!, nhsmail: spec.files[1]!, ad: spec.files[2]! });
  const figures: LoadRunFigures = {
    kind: 'load',
    seconds: secs(performance.now() - start),
    read,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    cpuSeconds: cpuSecondsSince(cpu),
    ...faultsSince(usage),
  };
  writeFileSync(join(spec.outDir, RESULT_FILE), JSON.stringify(figures));
}

/** The `--run` side: one reconciliation, its figures written beside its reports. */
async function runOne(specFile: string): Promise<void> {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as RunSpec;
  // As `idrecon reconcile` does; a warning is shown by the bench if the run then fails.
  if (await restartForHeapIfNeeded(spec.files)) return;
  const gc = gcMeter();
  const usage = process.resourceUsage();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const run = await runReconcile({
    esr: spec.files[0]!,
    nhsmail: spec.files[1]!,
    ad: spec.files[2]!,
    asOf: new Date(Date.UTC(2026, 10, 1)),
    outDir: spec.outDir,
    formats: new Set([spec.format, 'json']),
    shareMode: false,
    verbose: false,
    fuzzy: spec.fuzzy,
    failOn: new Set(),
    commandLine: spec.commandLine,
    toolVersion: spec.toolVersion,
  });
  const seconds = secs(performance.now() - start);
  const cpuSeconds = cpuSecondsSince(cpu);
  const faults = faultsSince(usage);
  const gcPauses = gc.stop();
  // Read before truth.csv is loaded, so it is the reconcile run's.
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  const figures: RunFigures = {
    seconds,
    timings: run.timings,
    timeline: run.timeline,
    gcSeconds: secs(gcPauses.ms),
    gc: gcPauses.byKind,
    peakRssBytes,
    cpuSeconds,
    ...faults,
    pairsPerEsrPerson: round2(run.result.esrNhsmail.pairsScored / Math.max(1, run.result.people.length)),
    quality: quality(run, await readTruth(spec.truth)),
  };
  writeFileSync(join(spec.outDir, RESULT_FILE), JSON.stringify(figures));
}

/**
 * The CSV reports of two runs compared byte for byte: how many file names the two folders hold
 * between them, and those whose bytes differ or which only one holds, sorted. The run's figures
 * and summary.json (timings, the command line) are not reports and differ from run to run.
 */
export async function compareReports(a: string, b: string): Promise<{ files: number; differing: string[] }> {
  const csv = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.csv'));
  const inA = new Set(csv(a));
  const inB = new Set(csv(b));
  const names = [...new Set([...inA, ...inB])].sort();
  const differing: string[] = [];
  for (const name of names) {
    if (!inA.has(name) || !inB.has(name) || (await sha256File(join(a, name))) !== (await sha256File(join(b, name)))) differing.push(name);
  }
  return { files: names.length, differing };
}

/** The program of the idrecon checkout at `dir`, or a usage error saying what is missing. */
export function baselineProgram(dir: string): string {
  const program = resolve(dir, 'bin', 'idrecon');
  if (!existsSync(program) || !existsSync(resolve(dir, 'dist', 'cli.js'))) {
    throw new UsageError(`--baseline takes a built checkout of idrecon (with bin/idrecon and dist/cli.js; run npm ci there), not ${dir}.`);
  }
  return program;
}

/** Generates the exports for `people` into a fresh folder of `o.dir`: the folder, the ESR, NHSmail and AD exports, and the seconds it took. */
async function generateSize(o: Pick<BenchOptions, 'dir' | 'seed'>, people: number): Promise<{ dir: string; files: string[]; generateSeconds: number }> {
  const dir = join(o.dir, `people-${people}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t = performance.now();
  await runGenerate(
    generateOptions({ people: String(people), seed: String(o.seed), out: dir, profile: 'realistic', asOf: '2026-11-01', adEncoding: 'utf-16le', nhsmailIdAttribute: 'extensionAttribute1', rate: [] }),
  );
  const files = ['esr-extract.csv', 'nhsmail-mailbox-report.csv', 'local-ad-users.csv'].map((f) => join(dir, f));
  return { dir, files, generateSeconds: secs(performance.now() - t) };
}

/**
 * Pair `k`'s runs: this build's (into `runs`), and the baseline's (into `baseRuns`) when there is
 * one, the baseline first in every other pair, so that neither build is always the one that
 * runs on a machine warmed (or slowed) by the other.
 */
async function inTurn<T>(k: number, runs: T[], mine: () => Promise<T>, baseRuns: T[], base: (() => Promise<T>) | undefined): Promise<void> {
  if (base !== undefined && k % 2 === 0) baseRuns.push(await base());
  runs.push(await mine());
  if (base !== undefined && k % 2 === 1) baseRuns.push(await base());
}

/** Each pair's wall of this build ÷ the baseline's, as printed. */
function pairRatios(runs: readonly { seconds: number }[], baseRuns: readonly { seconds: number }[]): number[] {
  return runs.map((r, k) => round2(r.seconds / baseRuns[k]!.seconds));
}

/** A run's page faults as printed, with its system CPU time (where the run's build measured them). */
function faultsLine(f: { minorFaults?: number; systemCpuSeconds?: number }): string {
  return f.minorFaults === undefined ? 'not measured by this build' : `${f.minorFaults.toLocaleString('en-GB')} (system CPU ${f.systemCpuSeconds} s)`;
}

export async function runBench(o: BenchOptions): Promise<BenchFigures[]> {
  const baseline = o.baseline === undefined ? undefined : baselineProgram(o.baseline);
  const fuzzyRuns = o.match === 'fuzzy';
  const results: BenchFigures[] = [];
  for (const people of [...o.sizes].sort((a, b) => a - b)) {
    o.out.write(`\n== ${people.toLocaleString('en-GB')} people (seed ${o.seed})${fuzzyRuns ? ', timed runs in fuzzy mode' : ''}\n`);
    const { dir, files, generateSeconds } = await generateSize(o, people);

    const csvDir = (repeat: number, base = false): string => join(dir, `reports${base ? '-baseline' : ''}${repeat === 0 ? '' : `-${repeat + 1}`}`);
    const reconcileOnce = (fuzzy: boolean, format: 'csv' | 'xlsx' = 'csv', repeat = 0, program?: string): Promise<RunFigures> =>
      runInChild(
        {
          files,
          outDir: fuzzy && !fuzzyRuns ? join(dir, 'reports-fuzzy') : format === 'xlsx' ? join(dir, 'reports-xlsx') : csvDir(repeat, program !== undefined),
          fuzzy,
          format,
          truth: join(dir, 'truth.csv'),
          commandLine: `idrecon bench --people ${people}`,
          toolVersion: o.toolVersion,
        },
        program,
      );
    // A bare parse then a reconcile run, `repeat` times: on a shared machine whose speed drifts,
    // each pair sees much the same machine, and the medians are steadier than one run.
    let inputRows = 0;
    const bareRuns: { seconds: number; cpu: number }[] = [];
    const speedChecks: number[] = [];
    const runs: RunFigures[] = [];
    const baseRuns: RunFigures[] = [];
    const differing = new Set<string>();
    let filesCompared = 0;
    for (let k = 0; k < (o.repeat ?? 1); k++) {
      speedChecks.push(speedCheck().seconds);
      const cpu = process.cpuUsage();
      const t = performance.now();
      inputRows = await bareParse(files);
      bareRuns.push({ seconds: secs(performance.now() - t), cpu: cpuSecondsSince(cpu) });
      await inTurn(
        k,
        runs,
        () => reconcileOnce(fuzzyRuns, 'csv', k),
        baseRuns,
        baseline === undefined ? undefined : () => reconcileOnce(fuzzyRuns, 'csv', k, baseline),
      );
      if (baseline === undefined) continue;
      const compared = await compareReports(csvDir(k, true), csvDir(k));
      filesCompared = Math.max(filesCompared, compared.files);
      for (const f of compared.differing) differing.add(f);
    }
    const run = medianBy(runs, (r) => r.seconds);
    const bare = medianBy(bareRuns, (x) => x.seconds);
    const bareParseSeconds = bare.seconds;
    const seconds = run.seconds;
    const figures: BenchFigures = {
      people,
      inputRows,
      generateSeconds,
      bareParseSeconds,
      reconcileSeconds: seconds,
      ratio: round2(seconds / bareParseSeconds),
      bareParseCpuSeconds: bare.cpu,
      reconcileCpuSeconds: run.cpuSeconds,
      speedChecks,
      rowsPerSecond: Math.round(inputRows / seconds),
      phases: run.timings,
      timeline: run.timeline,
      peakRssMiB: mib(Math.max(...runs.map((r) => r.peakRssBytes))),
      minorFaults: run.minorFaults,
      systemCpuSeconds: run.systemCpuSeconds,
      gcSeconds: run.gcSeconds,
      gc: run.gc,
      pairsPerEsrPerson: run.pairsPerEsrPerson,
      quality: run.quality,
    };
    if (baseline !== undefined) {
      const base = medianBy(baseRuns, (r) => r.seconds);
      figures.baseline = {
        runs: baseRuns.map((r) => r.seconds),
        seconds: base.seconds,
        pairRatios: pairRatios(runs, baseRuns),
        ratio: round2(seconds / base.seconds),
        peakRssMiB: mib(Math.max(...baseRuns.map((r) => r.peakRssBytes))),
        minorFaults: base.minorFaults,
        systemCpuSeconds: base.systemCpuSeconds,
        filesCompared,
        differing: [...differing].sort(),
      };
    }
    if (o.fuzzy && !fuzzyRuns) {
      const f = await reconcileOnce(true);
      figures.fuzzyQuality = f.quality;
      figures.fuzzySeconds = f.seconds;
      figures.fuzzyPeakRssMiB = mib(f.peakRssBytes);
    }
    if (o.xlsx) {
      const x = await reconcileOnce(false, 'xlsx');
      figures.xlsxSeconds = x.seconds;
      figures.xlsxWriteSeconds = secs(x.timings.write);
      figures.xlsxPeakRssMiB = mib(x.peakRssBytes);
    }
    results.push(figures);
    const p = figures.phases;
    const lines: [string, string][] = [
      ['input rows (ESR + NHSmail + AD)', figures.inputRows.toLocaleString('en-GB')],
      ['generate', `${generateSeconds} s`],
      ['speed check (fixed csv-parse job, best of 5)', speedChecks.map((x) => `${x} s`).join(', ')],
      ['bare csv-parse pass', `${bareParseSeconds} s`],
      ['  CPU of the bare parse (user + system)', `${bare.cpu} s`],
      ['reconcile wall (CSV output)', `${seconds} s`],
      ['  CPU of the reconcile run (all threads)', `${run.cpuSeconds} s (${round2(run.cpuSeconds / Math.max(0.01, seconds))} cores busy on average)`],
      ...(runs.length > 1
        ? ([
            ['runs (figures below: the median run\'s)', `${runs.length}; peak RSS the highest of them`],
            ['  bare csv-parse pass, each run', bareRuns.map((x) => `${x.seconds} s`).join(', ')],
            ['  reconcile wall (CSV output), each run', runs.map((r) => `${r.seconds} s`).join(', ')],
            // Each run against the bare parse just before it: the machine's speed drifts from
            // minute to minute, and the ratio above mixes the median run with the median parse.
            ['  each run ÷ the bare parse before it', runs.map((r, k) => String(round2(r.seconds / bareRuns[k]!.seconds))).join(', ')],
          ] as [string, string][])
        : []),
      ['ratio reconcile ÷ bare parse', String(figures.ratio)],
      ['rows read per second', figures.rowsPerSecond.toLocaleString('en-GB')],
      ['  load + normalise', `${secs(p.loadAndNormalise)} s`],
      ['    of it waiting for AD after ESR ↔ NHSmail', `${secs(p.loadAfterStageOne)} s`],
      ['    reading and splitting the exports (threads summed)', loadPart(p.loadWork, 'read')],
      ['    normalising rows into records (threads summed)', loadPart(p.loadWork, 'normalise')],
      ['    handing records over (threads summed)', loadPart(p.loadWork, 'handOver')],
      ['    unpacking workers\' records (main thread)', loadPart(p.loadWork, 'unpack')],
      ['  candidates + score', `${secs(p.candidatesAndScore)} s`],
      ['  assign', `${secs(p.assign)} s`],
      ['  other matching (group, identities, review)', `${secs(p.otherMatch)} s`],
      ['  write reports', `${secs(p.write)} s`],
      ...timelineLines(figures.timeline),
      ['  garbage collection (main thread, all phases)', `${figures.gcSeconds} s`],
      ['    scavenges (young generation)', `${figures.gc.scavengeSeconds} s in ${figures.gc.scavenges.toLocaleString('en-GB')}`],
      ['    full collections', `${figures.gc.fullSeconds} s in ${figures.gc.fullCollections.toLocaleString('en-GB')}`],
      ['    incremental marking and callbacks', `${figures.gc.otherSeconds} s`],
      ['page faults (minor, all threads)', faultsLine(figures)],
      ['peak RSS', `${figures.peakRssMiB} MiB`],
      ['pairs scored per ESR person', String(figures.pairsPerEsrPerson)],
      [
        `${fuzzyRuns ? 'fuzzy mode' : 'default scheme'} precision / recall`,
        `${pct(figures.quality.precision)} / ${pct(figures.quality.recall)} (${figures.quality.correct} of ${figures.quality.links} links correct; ${figures.quality.truePairs} true pairs)`,
      ],
    ];
    if (figures.baseline !== undefined) {
      const b = figures.baseline;
      lines.push(
        ['baseline build', resolve(o.baseline!)],
        ['  baseline reconcile wall (CSV output), each run', b.runs.map((x) => `${x} s`).join(', ')],
        ['  baseline reconcile wall, median', `${b.seconds} s (peak RSS ${b.peakRssMiB} MiB)`],
        ["  baseline median run's page faults", faultsLine(b)],
        ['  this build ÷ baseline, each pair', b.pairRatios.map(String).join(', ')],
        ['  this build ÷ baseline, medians', String(b.ratio)],
        [
          "  reports the same as the baseline's",
          b.differing.length === 0 ? `yes (${b.filesCompared} CSV files, byte for byte, every pair)` : `NO; differing: ${b.differing.join(', ')}`,
        ],
      );
    }
    if (figures.fuzzyQuality) {
      const q = figures.fuzzyQuality;
      lines.push(['fuzzy mode precision / recall', `${pct(q.precision)} / ${pct(q.recall)} (${q.correct} of ${q.links}; ${figures.fuzzySeconds} s; peak RSS ${figures.fuzzyPeakRssMiB} MiB)`]);
    }
    if (figures.xlsxSeconds !== undefined) {
      lines.push(['reconcile wall (XLSX output)', `${figures.xlsxSeconds} s (writing the workbook ${figures.xlsxWriteSeconds} s; peak RSS ${figures.xlsxPeakRssMiB} MiB)`]);
    }
    for (const [k, v] of lines) o.out.write(`${`  ${k.padEnd(54)} ${v}`.trimEnd()}\n`);
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  }
  if (results.length >= 2) {
    o.out.write('\n== Growth from each size to the next (n = input rows)\n');
    for (let k = 1; k < results.length; k++) {
      const g = growth(results[k - 1]!, results[k]!);
      const label = `${results[k - 1]!.people.toLocaleString('en-GB')} → ${results[k]!.people.toLocaleString('en-GB')} people`;
      o.out.write(
        `  ${label.padEnd(54)} rows ×${g.rows}; wall ×${g.wall} (n log n: ×${g.nLogN}, ${g.wall <= g.nLogN ? 'within' : 'over'}); peak RSS ×${g.peakRss} (linear: ×${g.rows})\n`,
      );
    }
  }
  return results;
}

/** A load-only bench's figures for one size (runLoadBench). */
export interface LoadBenchFigures {
  people: number;
  inputRows: number;
  bareParseSeconds: number;
  /** The median load-only run's figures, every run's wall time, and the highest peak RSS. */
  run: LoadRunFigures;
  runs: number[];
  peakRssMiB: number;
  /** With `differing`: the baseline runs whose records or rejects differ in number from this build's run of the same pair, as printed. */
  baseline?: { runs: number[]; run: LoadRunFigures; pairRatios: number[]; ratio: number; differing: string[] };
}

/**
 * `idrecon bench --load-only`: per size, the exports read as a reconcile run reads them (the
 * same jobs, threads, heap and allocator settings, in a process of its own) and nothing else,
 * `repeat` times after a bare parse each, and beside the baseline build's in turn. A whole
 * run's load shares the cores with ESR ↔ NHSmail matching; this times the readers alone, with
 * their CPU and page faults, so that a change to them can be measured on its own.
 */
export async function runLoadBench(o: BenchOptions): Promise<LoadBenchFigures[]> {
  const baseline = o.baseline === undefined ? undefined : baselineProgram(o.baseline);
  const results: LoadBenchFigures[] = [];
  for (const people of [...o.sizes].sort((a, b) => a - b)) {
    o.out.write(`\n== ${people.toLocaleString('en-GB')} people (seed ${o.seed}), reading the exports alone\n`);
    const { dir, files, generateSeconds } = await generateSize(o, people);
    const loadOnce = (k: number, program?: string): Promise<LoadRunFigures> =>
      loadInChild(
        {
          files,
          outDir: join(dir, `load${program === undefined ? '' : '-baseline'}${k === 0 ? '' : `-${k + 1}`}`),
          fuzzy: false,
          format: 'csv',
          truth: join(dir, 'truth.csv'),
          commandLine: `idrecon bench --load-only --people ${people}`,
          toolVersion: o.toolVersion,
        },
        program,
      );
    const bare: number[] = [];
    const runs: LoadRunFigures[] = [];
    const baseRuns: LoadRunFigures[] = [];
    let inputRows = 0;
    for (let k = 0; k < (o.repeat ?? 1); k++) {
      const t = performance.now();
      inputRows = await bareParse(files);
      bare.push(secs(performance.now() - t));
      await inTurn(k, runs, () => loadOnce(k), baseRuns, baseline === undefined ? undefined : () => loadOnce(k, baseline));
    }
    const run = medianBy(runs, (r) => r.seconds);
    const figures: LoadBenchFigures = {
      people,
      inputRows,
      bareParseSeconds: medianBy(bare, (x) => x),
      run,
      runs: runs.map((r) => r.seconds),
      peakRssMiB: mib(Math.max(...runs.map((r) => r.peakRssBytes))),
    };
    if (baseline !== undefined) {
      const base = medianBy(baseRuns, (r) => r.seconds);
      figures.baseline = {
        runs: baseRuns.map((r) => r.seconds),
        run: base,
        pairRatios: pairRatios(runs, baseRuns),
        ratio: round2(run.seconds / base.seconds),
        differing: baseRuns.flatMap((b, k) =>
          b.read.records === runs[k]!.read.records && b.read.rejects === runs[k]!.read.rejects
            ? []
            : [`${b.read.records.toLocaleString('en-GB')} and ${b.read.rejects.toLocaleString('en-GB')} in pair ${k + 1}`],
        ),
      };
    }
    results.push(figures);
    const r = run.read;
    const lines: [string, string][] = [
      ['input rows (ESR + NHSmail + AD)', inputRows.toLocaleString('en-GB')],
      ['generate', `${generateSeconds} s`],
      ['bare csv-parse pass', `${figures.bareParseSeconds} s${bare.length > 1 ? ` (each run: ${bare.map((x) => `${x} s`).join(', ')})` : ''}`],
      ['exports read (load-only run)', `${run.seconds} s${runs.length > 1 ? ` (each run: ${figures.runs.map((x) => `${x} s`).join(', ')}; figures below: the median run's)` : ''}`],
      ['  ratio to the bare parse', String(round2(run.seconds / figures.bareParseSeconds))],
      ['  records and rejects', `${r.records.toLocaleString('en-GB')} and ${r.rejects.toLocaleString('en-GB')}`],
      ['  exports read: ESR / NHSmail / AD', [r.esrRead, r.nhsmailRead, r.adRead].map((x) => (x === undefined ? '-' : String(secs(x)))).join(' / ')],
      ['  reading and splitting the exports (threads summed)', loadPart(r.loadWork, 'read')],
      ['  normalising rows into records (threads summed)', loadPart(r.loadWork, 'normalise')],
      ['  handing records over (threads summed)', loadPart(r.loadWork, 'handOver')],
      ["  unpacking workers' records (main thread)", loadPart(r.loadWork, 'unpack')],
      ['  CPU (all threads)', `${run.cpuSeconds} s (${round2(run.cpuSeconds / Math.max(0.01, run.seconds))} cores busy on average)`],
      ['  page faults (minor, all threads)', faultsLine(run)],
      ['  peak RSS', `${figures.peakRssMiB} MiB`],
    ];
    if (figures.baseline !== undefined) {
      const b = figures.baseline;
      lines.push(
        ['baseline build', resolve(o.baseline!)],
        ['  baseline exports read, each run', b.runs.map((x) => `${x} s`).join(', ')],
        ["  baseline median run's CPU", `${b.run.cpuSeconds} s`],
        ["  baseline median run's page faults", faultsLine(b.run)],
        ["  baseline median run's peak RSS", `${mib(b.run.peakRssBytes)} MiB`],
        [
          "  records and rejects the same as the baseline's",
          b.differing.length === 0 ? 'yes (every run)' : `NO; the baseline's runs read ${b.differing.join('; ')}`,
        ],
        ['  this build ÷ baseline, each pair', b.pairRatios.map(String).join(', ')],
        ['  this build ÷ baseline, medians', String(b.ratio)],
      );
    }
    for (const [k, v] of lines) o.out.write(`${`  ${k.padEnd(54)} ${v}`.trimEnd()}\n`);
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

/** The median item by `key` (the lower of the middle two for an even count); `items` is not empty. */
export function medianBy<T>(items: readonly T[], key: (t: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Growth factors from run `a` to a larger run `b`: input rows, wall time, n log n of the rows, peak RSS (2 decimals). */
function growth(a: BenchFigures, b: BenchFigures): { rows: number; wall: number; nLogN: number; peakRss: number } {
  const nLogN = (n: number): number => n * Math.log(n);
  return {
    rows: round2(b.inputRows / a.inputRows),
    wall: round2(b.reconcileSeconds / a.reconcileSeconds),
    nLogN: round2(nLogN(b.inputRows) / nLogN(a.inputRows)),
    peakRss: round2(b.peakRssMiB / a.peakRssMiB),
  };
}

export function parseSizes(value: string): number[] {
  const sizes = value.split(',').map((s) => s.trim().replace(/_/g, ''));
  if (sizes.some((s) => !/^\d+$/.test(s) || Number(s) < 10 || Number(s) > 20_000_000)) {
    throw new UsageError('--people takes whole numbers from 10 to 20000000, comma-separated, e.g. 150000,1500000.');
  }
  return sizes.map(Number);
}

export function registerBench(program: Command, version: () => string): void {
  program
    .command('bench')
    .description('Generate synthetic exports, reconcile them with CSV output, and print speed, memory and precision/recall against truth.')
    .option('--people <list>', 'sizes to run, comma-separated (ESR people)', '1500000')
    .option('--seed <n>', 'generator seed', '1')
    .option('--dir <dir>', 'working directory for generated data and reports', 'bench-data')
    .option('--keep', 'keep the generated data and reports', false)
    .option('--no-fuzzy', 'skip the fuzzy-mode run')
    .option('--xlsx', 'also time the same reconcile writing the XLSX workbook', false)
    .option('--repeat <n>', 'bare parses and CSV reconcile runs per size, 1 to 20: prints the median run and every wall time', '1')
    .option('--baseline <dir>', "another idrecon checkout (built) to time beside this one: its CSV runs alternate with this build's, and the reports are compared byte for byte")
    .addOption(new Option('--match <scheme>', 'matching of the timed CSV runs and of --baseline\'s: the default scheme, or fuzzy mode').choices(['default', 'fuzzy']).default('default'))
    .option('--load-only', 'time reading the exports alone (as reconcile reads them: threads, CPU, page faults), instead of whole runs', false)
    .addHelpText(
      'after',
      `
Cost: writes the generated exports to --dir (about 1 GB per million people) and holds one
reconcile run in memory at a time.

Examples:
  $ npm run bench
  $ idrecon bench --people 150000,1500000
  $ idrecon bench --people 2000 --keep --dir /tmp/bench
  $ idrecon bench --people 1500000 --repeat 3 --no-fuzzy
  $ git worktree add ../idrecon-base main && (cd ../idrecon-base && npm ci)
  $ idrecon bench --people 1500000 --repeat 4 --no-fuzzy --baseline ../idrecon-base
  $ idrecon bench --people 1500000 --repeat 4 --match fuzzy --baseline ../idrecon-base
  $ idrecon bench --people 1500000 --repeat 4 --load-only --baseline ../idrecon-base`,
    )
    .addOption(new Option('--run <spec>', 'one measured run, in a process of its own (used by the bench itself)').hideHelp())
    .action(async (flags: { people: string; seed: string; dir: string; keep: boolean; fuzzy: boolean; xlsx: boolean; repeat: string; baseline?: string; match: 'default' | 'fuzzy'; loadOnly: boolean; run?: string }) => {
      if (flags.run !== undefined) return flags.loadOnly ? loadOne(flags.run) : runOne(flags.run);
      if (!/^\d+$/.test(flags.seed)) throw new UsageError('--seed takes a whole number.');
      const sizes = parseSizes(flags.people);
      const repeat = Number(flags.repeat);
      if (!/^\d+$/.test(flags.repeat.trim()) || repeat < 1 || repeat > 20) throw new UsageError(`--repeat takes a whole number from 1 to 20, not "${flags.repeat}".`);
      // Checked before any data is generated.
      if (flags.baseline !== undefined) baselineProgram(flags.baseline);
      if (flags.loadOnly && (flags.xlsx || flags.match === 'fuzzy')) throw new UsageError('--load-only times reading the exports alone: it takes no --xlsx or --match fuzzy.');
      await (flags.loadOnly ? runLoadBench : runBench)({
        sizes,
        seed: Number(flags.seed),
        dir: flags.dir,
        keep: flags.keep,
        fuzzy: flags.fuzzy,
        xlsx: flags.xlsx,
        repeat,
        baseline: flags.baseline,
        match: flags.match,
        toolVersion: version(),
        out: process.stdout,
      });
    });
}

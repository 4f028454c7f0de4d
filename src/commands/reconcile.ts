/**
 * `idrecon reconcile`: weighted anchor matching of ESR people, NHSmail accounts and local AD
 * accounts (JML onboarding guide, sections 6.1–6.6). Reads every input into memory.
 */
import { availableParallelism } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import type { Command } from 'commander';
import chalk from 'chalk';
import { DataError, UsageError } from '../errors.js';
import type { Config } from '../core/config.js';
import type { AdAccount, EsrAssignment, NhsmailAccount, Reject } from '../core/records.js';
import { beginReconcile, EMPLOYEE_TYPES, type ReconcileResult } from '../core/reconcile.js';
import { buildActionTables, buildReconcileTables, type TableData } from '../core/reconcile-report.js';
import { anchorUpdateSource, findIssues } from '../core/actions.js';
import { Int32Pool } from '../core/int32-pool.js';
import { redactRow } from '../core/redact.js';
import { loadConfigFile } from '../io/config-file.js';
import { assertDistinctInputs, describeInputsInBackground, type InputEvidence } from '../io/evidence.js';
import { WorkerPassHelper } from '../io/pass-share.js';
import { autoThreads, noWork, startLoads, type LoadJob, type LoadedRecords, type LoadParts, type RecordSource } from '../io/load-records.js';
import { restartForHeapIfNeeded } from '../io/heap.js';
import type { Cell, SheetData } from '../io/report.js';
import { splitNote } from '../io/write-report.js';
import { silentProgress, terminalProgress, type Progress } from '../progress.js';
import { addSharedOptions, redactCommandLine, sharedOptions, writeReportAndSummary, type RawSharedFlags, type SharedOptions } from './shared.js';

export type FailOn = 'unmatched' | 'review' | 'rejected';

export interface ReconcileOptions extends SharedOptions {
  esr: string;
  nhsmail: string;
  ad?: string;
  sheet?: string;
  /** Turn on fuzzy name/title agreement regardless of config. */
  fuzzy?: boolean;
  /** Worker threads reading the inputs (1: read in this thread); default from the input size. */
  threads?: number;
  failOn: ReadonlySet<FailOn>;
  /** The command line as typed, for the evidence in summary.json (keys removed). */
  commandLine: string;
  toolVersion: string;
  progress?: Progress;
}

/** The load's parts, each reading thread's summed, and the main thread's unpacking (see PhaseTimings). */
export interface LoadPartTimes extends LoadParts {
  unpack: number;
}

/** Adds one load's parts, and the main thread's unpacking of its batches, to `into`. */
function addLoadParts(into: LoadPartTimes, parts: LoadParts, unpack: number): void {
  into.read += parts.read;
  into.normalise += parts.normalise;
  into.handOver += parts.handOver;
  into.unpack += unpack;
}

/** The loads' parts summed over the inputs, in wall time and, where the system gives it, CPU time. */
function loadWorkOf(loads: readonly LoadedRecords<unknown>[]): PhaseTimings['loadWork'] {
  const loadWork: PhaseTimings['loadWork'] = { read: 0, normalise: 0, handOver: 0, unpack: 0 };
  for (const l of loads) {
    addLoadParts(loadWork, l.work, l.unpack);
    // CPU times where the system gives them: every load that ran has them or none does (an
    // input not given has no time of either kind).
    if (l.work.cpu !== undefined) addLoadParts((loadWork.cpu ??= { read: 0, normalise: 0, handOver: 0, unpack: 0 }), l.work.cpu, l.unpackCpu ?? 0);
  }
  return loadWork;
}

/** When a reading thread finished (LoadWork.endedAt), in milliseconds from `t0` on this thread's clock (their clocks share the epoch's origin). */
function endedSince(load: LoadedRecords<unknown>, t0: number): number | undefined {
  return load.work.endedAt === undefined ? undefined : load.work.endedAt - performance.timeOrigin - t0;
}

/**
 * Wall milliseconds per phase of this thread: they add up to the run's wall time. Loading
 * includes normalising: rows are normalised as they stream in.
 */
export interface PhaseTimings {
  /**
   * Until the ESR and NHSmail exports were read, plus `loadAfterStageOne`. The AD export is
   * read beside ESR ↔ NHSmail matching, which does not need it (see runReconcile): that part of
   * its reading is in no phase of this thread.
   */
  loadAndNormalise: number;
  /** Waiting for the AD export after ESR ↔ NHSmail matching, and making records of its batches. */
  loadAfterStageOne: number;
  /**
   * The load's parts: each reading thread's time (LoadWork), summed over the inputs, and this
   * thread's making records of the workers' batches (`unpack`). Threads run at once, several
   * to a core, so these add up to more than the load's wall time. `cpu`: the same parts in the
   * threads' CPU time, where the system gives it (see io/thread-cpu.ts): what each part cost,
   * without the time its thread waited for a core.
   */
  loadWork: LoadPartTimes & { cpu?: LoadPartTimes };
  candidatesAndScore: number;
  assign: number;
  /** Everything else in matching: grouping people, identities, review. */
  otherMatch: number;
  write: number;
}

/**
 * Moments of a run, in milliseconds from its start. The exports are read by their own threads
 * (see LoadWork.endedAt): once the last is read, this thread works alone, and on two cores one
 * core is left idle until the reports are written.
 */
export interface RunTimeline {
  esrRead: number;
  nhsmailRead: number;
  /** Undefined without an AD export. */
  adRead?: number;
  /** ESR ↔ NHSmail matched (the AD export may still be being read). */
  stageOneDone: number;
  /** All three stages matched. */
  matched: number;
  written: number;
}

export interface ReconcileSummary {
  tool: { name: 'idrecon'; version: string };
  command: string;
  asOf: string;
  inputs: InputEvidence[];
  scheme: Config['scheme'];
  counts: {
    inputRows: Record<string, number>;
    rejectedRows: Record<string, number>;
    esrPeople: number;
    nhsmailAccounts: number;
    adAccounts: number;
    matched: Record<string, number>;
    unmatched: { esr: number; nhsmail: number; ad: number };
    review: { ambiguous: number; nearMiss: number };
    employeeTypes: Record<string, number>;
    anchorUpdates: Record<string, number>;
    issues: Record<string, number>;
  };
  balance: { source: string; inputRows: number; accountedRows: number; rejectedRows: number; balanced: boolean }[];
  outputs: string[];
}

export interface ReconcileRunResult {
  summary: ReconcileSummary;
  result: ReconcileResult;
  timings: PhaseTimings;
  /** Moments of the run (not phases: they do not add up to its wall time). */
  timeline: RunTimeline;
  exitCode: number;
}

/** Counts per key, keys in sorted order. */
function countBy<T>(items: Iterable<T>, key: (t: T) => string): Record<string, number> {
  const counts = new Map<string, number>();
  for (const t of items) {
    const k = key(t);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const out: Record<string, number> = {};
  for (const k of [...counts.keys()].sort()) out[k] = counts.get(k)!;
  return out;
}

function toSheet(t: TableData, redactKey: string | undefined): SheetData {
  const rows =
    redactKey === undefined
      ? t.rows
      : function* (): Iterable<Cell[]> {
          for (const r of t.rows()) yield redactRow(t.columns, r, redactKey);
        };
  return { name: t.name, csvName: t.csvName, columns: t.columns, rows };
}

const OWNERS: Readonly<Record<string, string>> = {
  People: 'IT and Workforce',
  'ESR-NHSmail': 'IT and Workforce',
  Review: 'IT and Workforce',
  'Unmatched ESR': 'Workforce',
  'Unmatched NHSmail': 'IT',
  'Unmatched AD': 'IT',
  'Anchor Updates': 'Workforce (ESR rows) and IT (NHSmail and AD rows)',
  Issues: 'see the Owner column',
  'ESR Email Updates': 'Workforce (ESR bulk email update)',
  'AD Anchor Updates': 'IT (Set-ADUser loop)',
  'Rejected Rows': 'Whoever supplied the file',
};

function summarySheet(summary: ReconcileSummary, tables: readonly TableData[]): SheetData {
  const rows: [string, string | number][] = [
    ['Tool', `idrecon ${summary.tool.version}`],
    ['Command', summary.command],
    ['As-of date', summary.asOf],
    ['Threshold', summary.scheme.threshold],
    ['Review floor', summary.scheme.reviewFloor],
    ['Weights', Object.entries(summary.scheme.weights).map(([k, v]) => `${k} ${v}`).join(', ')],
    ['Fuzzy matching', summary.scheme.fuzzy.enabled ? `on (names JW ≥ ${summary.scheme.fuzzy.nameJaroWinkler}, titles Dice ≥ ${summary.scheme.fuzzy.positionDice})` : 'off'],
    ['AD NHSmail ID points', summary.scheme.nhsmailIdPoints],
  ];
  for (const i of summary.inputs) rows.push([`Input: ${i.role}`, `${i.file} (${i.rows ?? 0} rows, SHA-256 ${i.sha256})`]);
  for (const b of summary.balance) {
    rows.push([`Rows: ${b.source}`, `${b.inputRows} read = ${b.accountedRows} in reports + ${b.rejectedRows} rejected${b.balanced ? '' : ' — DOES NOT BALANCE'}`]);
  }
  rows.push(['ESR people', summary.counts.esrPeople]);
  for (const [link, n] of Object.entries(summary.counts.matched)) rows.push([`Matched ${link}`, n]);
  rows.push(['Unmatched ESR people', summary.counts.unmatched.esr]);
  rows.push(['Unmatched NHSmail accounts', summary.counts.unmatched.nhsmail]);
  rows.push(['Unmatched AD accounts', summary.counts.unmatched.ad]);
  rows.push(['Review: ambiguous ties', summary.counts.review.ambiguous]);
  rows.push(['Review: near misses', summary.counts.review.nearMiss]);
  for (const [t, n] of Object.entries(summary.counts.employeeTypes)) rows.push([`Employee type: ${t}`, n]);
  for (const t of tables) {
    const split = splitNote(t.name, t.count);
    rows.push([`Sheet: ${t.name}`, `${t.count} rows; reviewed by ${OWNERS[t.name] ?? 'IT and Workforce'}${split === '' ? '' : `; ${split}`}`]);
  }
  return {
    name: 'Summary',
    columns: [
      { header: 'Item', kind: 'text', width: 32 },
      { header: 'Value', kind: 'text', width: 90 },
    ],
    rows: () => rows.map(([k, v]) => [k, String(v)]),
  };
}

/**
 * Starts reading and normalising the three inputs, in worker threads when `threads` > 1 (see
 * io/load-records.ts), with repeated values pooled (io/pooled-strings.ts). Each input's
 * promise settles when it is read; the AD export's may still be pending when the other two are
 * in. `threads` defaults to one per input, at most one per core: on two cores the ESR and
 * NHSmail exports then have a core each, and the AD export is read beside ESR ↔ NHSmail matching
 * (a third thread sharing the cores made all three finish late together).
 */
function startInputs(
  opts: Pick<ReconcileOptions, 'esr' | 'nhsmail' | 'ad' | 'sheet' | 'threads'>,
  config: Config,
  configFile: string | undefined,
  progress: Progress,
): {
  esr: Promise<LoadedRecords<EsrAssignment>>;
  nhs: Promise<LoadedRecords<NhsmailAccount>>;
  ad: Promise<LoadedRecords<AdAccount>>;
  /** The AD export open and its header accepted (see StartedLoads.opened). */
  adOpened: Promise<void>;
  stop: () => void;
} {
  const nhsDomains = config.nhsDomains;
  const job = (source: RecordSource, file: string): LoadJob => ({
    source,
    file,
    sheet: opts.sheet,
    configFile,
    mapping: config.columns[source],
    adNhsmailIdAttribute: source === 'ad' ? config.ad.nhsmailIdAttribute : undefined,
    nhsDomains,
  });
  const jobs = [job('esr', opts.esr), job('nhsmail', opts.nhsmail), ...(opts.ad ? [job('ad', opts.ad)] : [])];
  const threads = opts.threads ?? Math.min(autoThreads(jobs.map((j) => j.file)), availableParallelism());
  progress.phase(threads > 1 ? `Reading ${jobs.length} inputs in ${Math.min(threads, jobs.length)} threads` : 'Reading inputs');
  const { loaded, opened, stop } = startLoads(jobs, threads);
  const noAd: LoadedRecords<AdAccount> = { records: [], rejects: [], rows: 0, work: noWork(), unpack: 0 };
  return {
    esr: loaded[0] as Promise<LoadedRecords<EsrAssignment>>,
    nhs: loaded[1] as Promise<LoadedRecords<NhsmailAccount>>,
    ad: (loaded[2] as Promise<LoadedRecords<AdAccount>> | undefined) ?? Promise.resolve(noAd),
    adOpened: opened[2] ?? Promise.resolve(),
    stop,
  };
}

/** What reading the inputs alone took (readInputsOnly). */
export interface InputsReadAlone {
  /** Data rows read per input (rejected ones included), and records and rejects in all. */
  rows: { esr: number; nhsmail: number; ad: number };
  records: number;
  rejects: number;
  /** When each input was read, and all of them, in milliseconds from the start. */
  esrRead: number;
  nhsmailRead: number;
  adRead?: number;
  allRead: number;
  loadWork: PhaseTimings['loadWork'];
}

/**
 * Reads and normalises the inputs as runReconcile does (the same jobs, threads and pooling),
 * and nothing else: no matching, no reports. For `idrecon bench --load-only`, which times the
 * load alone, reproducibly, where a whole run's figures mix it with stage 1 on the other core.
 */
export async function readInputsOnly(opts: Pick<ReconcileOptions, 'esr' | 'nhsmail' | 'ad' | 'config' | 'sheet' | 'threads'>): Promise<InputsReadAlone> {
  const { config, file: configFile } = loadConfigFile(opts.config);
  const t0 = performance.now();
  const loads = startInputs(opts, config, configFile, silentProgress);
  const read: LoadedRecords<unknown>[] = [];
  try {
    for (const p of [loads.esr, loads.nhs, loads.ad]) read.push(await p);
  } catch (err) {
    loads.stop();
    throw err;
  }
  const allRead = performance.now() - t0;
  const [esr, nhs, ad] = read as [LoadedRecords<unknown>, LoadedRecords<unknown>, LoadedRecords<unknown>];
  return {
    rows: { esr: esr.rows, nhsmail: nhs.rows, ad: ad.rows },
    records: read.reduce((n, l) => n + l.records.length, 0),
    rejects: read.reduce((n, l) => n + l.rejects.length, 0),
    esrRead: endedSince(esr, t0) ?? allRead,
    nhsmailRead: endedSince(nhs, t0) ?? allRead,
    adRead: opts.ad === undefined ? undefined : (endedSince(ad, t0) ?? allRead),
    allRead,
    loadWork: loadWorkOf(read),
  };
}

export async function runReconcile(opts: ReconcileOptions): Promise<ReconcileRunResult> {
  const progress = opts.progress ?? silentProgress;
  const inputsGiven = [
    { flag: '--esr', file: opts.esr },
    { flag: '--nhsmail', file: opts.nhsmail },
    ...(opts.ad ? [{ flag: '--ad', file: opts.ad }] : []),
    ...(opts.config ? [{ flag: '--config', file: opts.config }] : []),
  ];
  assertDistinctInputs(inputsGiven);
  const { config, file: configFile } = loadConfigFile(opts.config);
  if (opts.fuzzy) config.scheme.fuzzy.enabled = true;
  const asOfMs = opts.asOf.getTime();

  const t0 = performance.now();
  const loads = startInputs(opts, config, configFile, progress);
  // Until every input is in, a failure (an input that cannot be read, or matching's own) stops
  // the workers still reading; errors come in input order.
  const stopOnError = async <T>(work: () => T | Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      loads.stop();
      throw err;
    }
  };
  const esr = await stopOnError(() => loads.esr);
  const nhs = await stopOnError(() => loads.nhs);
  // An AD export that cannot be read (a missing column, say) fails the run now, not after
  // ESR ↔ NHSmail matching: its worker reports its header as soon as it starts.
  await stopOnError(() => loads.adOpened);
  const t1 = performance.now();
  progress.phase('Matching');
  // Matching's typed arrays, handed on to the anchor updates and issues (see Int32Pool), then
  // let go: writing needs none of them.
  let pool: Int32Pool | undefined = new Int32Pool();
  // ESR ↔ NHSmail needs no AD account: it runs while the AD export is still being read (its
  // worker's batches wait for this thread, which makes records of them afterwards).
  const begun = await stopOnError(() => beginReconcile({ esr: esr.records, nhsmail: nhs.records, config, asOfMs, clock: () => performance.now(), pool }));
  const tBegun = performance.now();
  const ad = await stopOnError(() => loads.ad);
  const tAd = performance.now();
  const roles = [
    { role: 'ESR extract', file: opts.esr, rows: esr.rows },
    { role: 'NHSmail report', file: opts.nhsmail, rows: nhs.rows },
    ...(opts.ad ? [{ role: 'AD export', file: opts.ad, rows: ad.rows }] : []),
  ];
  // Hashed beside the rest of matching, which uses one core but for NHSmail ↔ AD's first pass
  // (describeInputsInBackground); not beside the AD export's reading, which has the other core
  // until now.
  const described = describeInputsInBackground(roles);
  // NHSmail ↔ AD's first pass is shared with a worker thread (the second core is otherwise idle
  // from here on), unless the run was asked to keep to one thread.
  const helper = new WorkerPassHelper({ warn: (message) => process.stderr.write(`idrecon: ${message}\n`) });
  const result = opts.threads === 1 ? begun.finish(ad.records) : await begun.finishShared(ad.records, helper);
  const t2 = performance.now();
  // Rejects in input order: ESR, NHSmail, then AD. A loop, not push(...spread): a file of a
  // million bad rows would overflow the call stack.
  const rejects: Reject[] = [];
  for (const l of [esr, nhs, ad]) for (const r of l.rejects) rejects.push(r);

  // Nothing lost: every row read is in exactly one identity or in rejected rows.
  const accounted = { esr: 0, nhsmail: 0, ad: 0 };
  const seenNhs = new Uint8Array(result.nhsmail.length);
  const seenAd = new Uint8Array(result.ad.length);
  for (const id of result.identities) {
    if (id.esr !== undefined) accounted.esr += result.people[id.esr]!.assignments.length;
    if (id.nhsmail !== undefined && seenNhs[id.nhsmail] === 0) {
      seenNhs[id.nhsmail] = 1;
      accounted.nhsmail++;
    } else if (id.nhsmail !== undefined) accounted.nhsmail += 1e9; // a record in two identities can never balance
    if (id.ad !== undefined && seenAd[id.ad] === 0) {
      seenAd[id.ad] = 1;
      accounted.ad++;
    } else if (id.ad !== undefined) accounted.ad += 1e9;
  }
  const rejectedBy = (s: string): number => rejects.filter((r) => r.source === s).length;
  const balance = (
    [
      ['esr', esr.rows, accounted.esr],
      ['nhsmail', nhs.rows, accounted.nhsmail],
      ...(opts.ad ? [['ad', ad.rows, accounted.ad] as const] : []),
    ] as const
  ).map(([source, inputRows, accountedRows]) => ({
    source,
    inputRows,
    accountedRows,
    rejectedRows: rejectedBy(source),
    balanced: inputRows === accountedRows + rejectedBy(source),
  }));

  progress.phase('Writing reports');
  const tables = buildReconcileTables(result, rejects, config);
  const updates = anchorUpdateSource(result, config, pool);
  // The exports' own duplicate checks, run by the workers that read them (when they were).
  const known = { ...(await nhs.duplicates), ...(await ad.duplicates) };
  const issues = findIssues(result, config, asOfMs, pool, known);
  pool = undefined;
  const actions = buildActionTables(updates, issues);
  // Sheet order follows the guide's review sequence (6.2): Workforce reviews unmatched ESR,
  // IT reviews unmatched NHSmail and AD, then both review everything jointly.
  const ordered = [
    tables.unmatchedEsr,
    tables.unmatchedNhsmail,
    tables.unmatchedAd,
    tables.review,
    actions.anchorUpdates,
    actions.issues,
    tables.esrNhsmail,
    tables.people,
    actions.esrEmailUpdates,
    actions.adAnchorUpdates,
    tables.rejected,
  ];

  const inputs: InputEvidence[] = (await described()).map((e, k) => ({ ...e, rows: roles[k]!.rows }));

  const employeeTypes: Record<string, number> = {};
  for (const t of EMPLOYEE_TYPES) employeeTypes[t] = 0;
  for (const id of result.identities) employeeTypes[id.employeeType] = (employeeTypes[id.employeeType] ?? 0) + 1;

  const summary: ReconcileSummary = {
    tool: { name: 'idrecon', version: opts.toolVersion },
    command: opts.commandLine,
    asOf: opts.asOf.toISOString().slice(0, 10),
    inputs,
    scheme: config.scheme,
    counts: {
      inputRows: Object.fromEntries(balance.map((b) => [b.source, b.inputRows])),
      rejectedRows: Object.fromEntries(balance.map((b) => [b.source, b.rejectedRows])),
      esrPeople: result.people.length,
      nhsmailAccounts: result.nhsmail.length,
      adAccounts: result.ad.length,
      matched: {
        'ESR-NHSmail': result.esrNhsmail.assignment.links.size,
        'NHSmail-AD': result.nhsmailAd.assignment.links.size,
        'ESR-AD': result.esrAd.assignment.links.size,
      },
      unmatched: {
        esr: tables.unmatchedEsr.count,
        nhsmail: tables.unmatchedNhsmail.count,
        ad: tables.unmatchedAd.count,
      },
      review: {
        ambiguous: result.review.count('ambiguous'),
        nearMiss: result.review.count('near-miss'),
      },
      employeeTypes,
      anchorUpdates: { ...actions.updatesBySystem },
      issues: countBy(issues, (i) => i.code),
    },
    balance,
    outputs: [],
  };

  const inputFiles = inputsGiven.map((i) => i.file);
  await writeReportAndSummary(
    {
      outDir: opts.outDir,
      formats: opts.formats,
      workbook: 'reconciliation',
      sheets: [summarySheet(summary, ordered), ...ordered.map((t) => toSheet(t, opts.redactKey))],
      asOf: opts.asOf,
      inputs: inputFiles,
      shareMode: opts.shareMode,
    },
    summary,
  );
  const t3 = performance.now();
  progress.done();

  let exitCode = 0;
  if (balance.some((b) => !b.balanced)) {
    throw new DataError('Input rows do not balance with the rows in the reports; this is a bug in idrecon, please report it with summary.json.');
  }
  const u = summary.counts.unmatched;
  if (
    (opts.failOn.has('unmatched') && u.esr + u.nhsmail + u.ad > 0) ||
    (opts.failOn.has('review') && result.review.length > 0) ||
    (opts.failOn.has('rejected') && rejects.length > 0)
  ) {
    exitCode = 3;
  }
  const stages = [result.esrNhsmail, result.nhsmailAd, result.esrAd];
  const candidatesAndScore = stages.reduce((t, s) => t + s.candidatesMs, 0);
  const assign = stages.reduce((t, s) => t + s.assignMs, 0);
  const loadWork = loadWorkOf([esr, nhs, ad]);
  const loadAfterStageOne = tAd - tBegun;
  const timeline: RunTimeline = {
    esrRead: endedSince(esr, t0) ?? t1 - t0,
    nhsmailRead: endedSince(nhs, t0) ?? t1 - t0,
    adRead: opts.ad === undefined ? undefined : (endedSince(ad, t0) ?? tAd - t0),
    stageOneDone: tBegun - t0,
    matched: t2 - t0,
    written: t3 - t0,
  };
  const timings = {
    loadAndNormalise: t1 - t0 + loadAfterStageOne,
    loadAfterStageOne,
    loadWork,
    candidatesAndScore,
    assign,
    otherMatch: t2 - t1 - loadAfterStageOne - candidatesAndScore - assign,
    write: t3 - t2,
  };
  return { summary, result, timings, timeline, exitCode };
}

export function printReconcileSummary(s: ReconcileSummary, outDir: string, out: NodeJS.WritableStream): void {
  const c = s.counts;
  const line = (label: string, value: number | string, colour = (x: string) => x): void => {
    out.write(`  ${label.padEnd(30)} ${colour(String(value))}\n`);
  };
  out.write(chalk.bold(`idrecon reconcile — as of ${s.asOf}\n`));
  for (const b of s.balance) line(`${b.source} rows read`, `${b.inputRows} (${b.rejectedRows} rejected)`, b.rejectedRows ? chalk.yellow : undefined);
  line('ESR people', c.esrPeople);
  line('Matched ESR ↔ NHSmail', c.matched['ESR-NHSmail'] ?? 0, chalk.green);
  line('Matched NHSmail ↔ AD', c.matched['NHSmail-AD'] ?? 0, chalk.green);
  line('Matched ESR ↔ AD (no NHSmail)', c.matched['ESR-AD'] ?? 0, chalk.yellow);
  line('Unmatched ESR / NHSmail / AD', `${c.unmatched.esr} / ${c.unmatched.nhsmail} / ${c.unmatched.ad}`, chalk.yellow);
  line('Review (ties / near misses)', `${c.review.ambiguous} / ${c.review.nearMiss}`, chalk.yellow);
  for (const [t, n] of Object.entries(c.employeeTypes)) line(`Employee type ${t}`, n);
  line('Anchor updates ESR / NHSmail / AD', `${c.anchorUpdates['ESR'] ?? 0} / ${c.anchorUpdates['NHSmail'] ?? 0} / ${c.anchorUpdates['AD'] ?? 0}`);
  line('Issues', Object.values(c.issues).reduce((a, b) => a + b, 0));
  if ((c.anchorUpdates['ESR'] ?? 0) > 100) {
    out.write(`  ${chalk.yellow('Over 100 ESR email updates: raise a one-off Service Request for an email mass update (guide 6.4) with esr-email-updates.csv.')}\n`);
  }
  out.write(`  Reports written to ${outDir}/: ${s.outputs.join(', ')}\n`);
}

const FAIL_ON: readonly FailOn[] = ['unmatched', 'review', 'rejected'];

export function parseFailOn(value: string | undefined): Set<FailOn> {
  const out = new Set<FailOn>();
  if (value === undefined) return out;
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!FAIL_ON.includes(part as FailOn)) throw new UsageError(`--fail-on takes unmatched, review and rejected (comma-separated), not "${part}".`);
    out.add(part as FailOn);
  }
  return out;
}

export function parseThreads(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < 1 || n > 3) throw new UsageError(`--threads takes a whole number from 1 to 3, not "${value}".`);
  return n;
}

export function registerReconcile(program: Command, version: () => string): void {
  const cmd = program
    .command('reconcile')
    .description('Match ESR people to NHSmail and local AD accounts with the JML weighted anchor scheme (score ≥ 6 is a match).')
    .requiredOption('--esr <file>', 'ESR extract (.csv or .xlsx), one row per assignment')
    .requiredOption('--nhsmail <file>', 'NHSmail Portal mailbox report (.csv or .xlsx)')
    .option('--ad <file>', 'local AD export (Get-ADUser | Export-Csv, csvde, or .xlsx)')
    .option('--sheet <name>', 'XLSX inputs: sheet to read (default the first)')
    .option('--fuzzy', 'also count names by Jaro-Winkler and job titles by Dice similarity (config scheme.fuzzy)', false)
    .option('--fail-on <list>', 'exit 3 when any of: unmatched, review, rejected (comma-separated), for CI')
    .option('--threads <n>', 'worker threads reading the inputs at the same time, 1 to 3 (1: one after another); default 3 when the inputs total 8 MiB or more, else 1');
  addSharedOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Cost: reads every input into memory (4–10 bytes per byte of CSV input); restarts itself once
with a larger Node.js heap when the inputs need more than the default 4 GiB.

Outputs (in --out): reconciliation.xlsx; people.csv, esr-nhsmail.csv, review.csv,
unmatched-esr.csv, unmatched-nhsmail.csv, unmatched-ad.csv, rejected-rows.csv; summary.json.

Exit codes: 0 ok, 1 data error, 2 usage or config error, 3 a --fail-on condition was met.

Examples:
  $ idrecon reconcile --esr esr.csv --nhsmail mailbox-report.xlsx --ad ad-users.csv
  $ idrecon reconcile --esr esr.csv --nhsmail mb.csv --as-of 2026-11-01 --format csv,json --fail-on rejected
  $ idrecon reconcile --esr esr.csv --nhsmail mb.csv --ad ad.csv --config idrecon.config.json --out reports/trust`,
  );
  cmd.action(async (flags: RawSharedFlags & { esr: string; nhsmail: string; ad?: string; sheet?: string; fuzzy?: boolean; failOn?: string; threads?: string }) => {
    const shared = sharedOptions(flags, new Date(), process.env);
    const restarted = await restartForHeapIfNeeded([flags.esr, flags.nhsmail, ...(flags.ad ? [flags.ad] : [])], (heapMiB) =>
      process.stderr.write(`idrecon: large inputs; restarting with a ${heapMiB / 1024} GiB heap (Node.js allows ${Math.round(getHeapStatistics().heap_size_limit / 2 ** 30)} GiB by default).\n`),
    );
    if (restarted) return;
    const run = await runReconcile({
      ...shared,
      esr: flags.esr,
      nhsmail: flags.nhsmail,
      ad: flags.ad,
      sheet: flags.sheet,
      fuzzy: flags.fuzzy,
      failOn: parseFailOn(flags.failOn),
      threads: parseThreads(flags.threads),
      commandLine: redactCommandLine(['idrecon', ...process.argv.slice(2)]),
      toolVersion: version(),
      progress: terminalProgress(),
    });
    printReconcileSummary(run.summary, shared.outDir, process.stderr);
    process.exitCode = run.exitCode;
  });
}


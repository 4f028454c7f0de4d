/**
 * Reads the reconcile inputs into typed records: each export is opened (loadSource), its rows
 * normalised into records (core/records.ts), and bad rows turned into rejects. With `threads`
 * above 1, each export is read in a worker thread of its own, `threads` at a time, and records
 * come back in batches, so exports are parsed and normalised at the same time on two or more
 * cores; the caller gets the same records and rejects, in the same order, either way, and each
 * export's as soon as it is read (startLoads).
 *
 * Cost: records cross to the main thread packed by field (record-codec.ts), their pooled fields
 * as table indices (pooled-strings.ts); the JSON text they went as before was a third of the
 * load's CPU at national size. For small inputs starting workers costs more than it saves (see
 * `autoThreads`).
 */
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { KnownDuplicates } from '../core/actions.js';
import {
  buildAdAccount,
  buildEsrAssignment,
  buildNhsmailAccount,
  type AdAccount,
  type Built,
  type EsrAssignment,
  type NhsmailAccount,
  type Reject,
  type SourceRow,
} from '../core/records.js';
import { ConfigError, DataError, InputError, OutputError, UsageError } from '../errors.js';
import { loadSource } from './load.js';
import { FieldDecoder, poolRecord, StringPool } from './pooled-strings.js';
import { RecordUnpacker, type PackedBatch } from './record-codec.js';
import { openThreadCpuClock, type ThreadCpuClock } from './thread-cpu.js';

export type RecordSource = 'esr' | 'nhsmail' | 'ad';

export interface RecordOf {
  esr: EsrAssignment;
  nhsmail: NhsmailAccount;
  ad: AdAccount;
}

/** Everything needed to read one export; plain data, so it can be sent to a worker. */
export interface LoadJob {
  source: RecordSource;
  file: string;
  sheet?: string;
  configFile?: string;
  mapping?: Record<string, string>;
  adNhsmailIdAttribute?: string;
  nhsDomains: readonly string[];
}

export interface Batch<T> {
  records: T[];
  rejects: Reject[];
}

/**
 * Where a load's time went (milliseconds of the thread that did it): a load is one phase to the
 * wall clock, since rows are normalised as they stream in, so its parts are timed a batch of
 * rows at a time: a few clock reads per HAND_ROWS rows, each about 4 µs where it reads the
 * thread's CPU time (see thread-cpu.ts).
 */
export interface LoadParts {
  /** Reading, decoding and splitting the export into rows, waiting for the file included. */
  read: number;
  /** Making each row a normalised record, or a reject. */
  normalise: number;
  /** Handing each batch of records on: in a worker, packing and posting it; in one thread, keeping it. */
  handOver: number;
}

/**
 * A load's parts in the thread's wall time, and in its CPU time (`cpu`, see thread-cpu.ts)
 * where the system gives it. Wall time includes waiting for a core, which threads sharing two
 * cores do much of; CPU time is what each part cost.
 */
export interface LoadWork extends LoadParts {
  cpu?: LoadParts;
  /**
   * When the thread finished reading (its last records handed on), in milliseconds since the
   * epoch (`performance.timeOrigin` plus `performance.now()`, comparable across threads); for
   * a run's timeline. A worker's finishing can be seen by the main thread only when it is next
   * free, which during matching is much later.
   */
  endedAt?: number;
}

export const noWork = (): LoadWork => ({ read: 0, normalise: 0, handOver: 0 });

/** A moment of this thread's wall clock and CPU clock (undefined where it has none). */
interface Stamp {
  wall: number;
  cpu: number | undefined;
}

const stamp = (cpu: ThreadCpuClock): Stamp => ({ wall: performance.now(), cpu: cpu.now() });

/**
 * Adds the time from `from` to `to` to `work`'s `part`, less `lessWall` and `lessCpu`
 * milliseconds (time inside it already counted as another part).
 */
function addPart(work: LoadWork, part: keyof LoadParts, from: Stamp, to: Stamp, lessWall = 0, lessCpu = 0): void {
  work[part] += to.wall - from.wall - lessWall;
  if (to.cpu !== undefined && from.cpu !== undefined) {
    work.cpu ??= { read: 0, normalise: 0, handOver: 0 };
    work.cpu[part] += to.cpu - from.cpu - lessCpu;
  }
}

/**
 * Records and rejects handed on at a time by loadJob. Small, so that in a worker each record is
 * packed (record-codec.ts) soon after it is made and dies young: with 8,192 a hand, a load
 * worker's young-generation collections kept copying the records waiting in the batch.
 */
export const HAND_ROWS = 512;

/** Records and rejects a load worker sends per message: large enough to amortise, small enough to overlap. */
export const BATCH_ROWS = 2048;

const BUILDERS: { [S in RecordSource]: (row: SourceRow, nhsDomains: readonly string[]) => Built<RecordOf[S]> } = {
  esr: buildEsrAssignment,
  nhsmail: buildNhsmailAccount,
  ad: buildAdAccount,
};

/**
 * Reads one export in this thread, handing records and rejects to `onBatch` in file order, at
 * most HAND_ROWS at a time; the last call has `last` true (its batch may be empty). Returns the
 * number of data rows read (rejected ones included); adds its time to `work`. `onOpened` is
 * called once the export is open and its header accepted, before any row is read.
 */
export async function loadJob<S extends RecordSource>(
  job: LoadJob & { source: S },
  onBatch: (batch: Batch<RecordOf[S]>, last: boolean) => void,
  work: LoadWork = noWork(),
  onOpened?: () => void,
): Promise<number> {
  const clock = openThreadCpuClock();
  try {
    return await readJob(job, onBatch, work, clock, onOpened);
  } finally {
    clock.close();
  }
}

async function readJob<S extends RecordSource>(
  job: LoadJob & { source: S },
  onBatch: (batch: Batch<RecordOf[S]>, last: boolean) => void,
  work: LoadWork,
  clock: ThreadCpuClock,
  onOpened: (() => void) | undefined,
): Promise<number> {
  // Opening the export and reading its header count as reading.
  let mark = stamp(clock);
  const loaded = await loadSource(job.file, job.source, {
    sheet: job.sheet,
    configFile: job.configFile,
    mapping: job.mapping,
    adNhsmailIdAttribute: job.adNhsmailIdAttribute,
  });
  onOpened?.();
  const build = BUILDERS[job.source] as (row: SourceRow, nhsDomains: readonly string[]) => Built<RecordOf[S]>;
  let batch: Batch<RecordOf[S]> = { records: [], rejects: [] };
  let rows = 0;
  const hand = (b: Batch<RecordOf[S]>, last: boolean): void => {
    const t = stamp(clock);
    onBatch(b, last);
    addPart(work, 'handOver', t, stamp(clock));
  };
  // A batch of rows at a time: a row at a time went through two async generators, a promise
  // and a microtask each, for millions of rows.
  for await (const rawBatch of loaded.rawBatches()) {
    const got = stamp(clock);
    addPart(work, 'read', mark, got);
    // Hand-overs made within this batch of rows are taken out of its normalising.
    const handedWall = work.handOver;
    const handedCpu = work.cpu?.handOver ?? 0;
    for (const raw of rawBatch) {
      rows++;
      if ('reason' in raw) {
        batch.rejects.push({ source: job.source, file: job.file, line: raw.line, reason: raw.reason });
      } else {
        const row = loaded.toRow(raw);
        const built = build(row, job.nhsDomains);
        if (built.ok) batch.records.push(built.record);
        else batch.rejects.push({ source: job.source, file: job.file, line: row.line, reason: built.reason });
      }
      if (batch.records.length + batch.rejects.length >= HAND_ROWS) {
        hand(batch, false);
        batch = { records: [], rejects: [] };
      }
    }
    mark = stamp(clock);
    addPart(work, 'normalise', got, mark, work.handOver - handedWall, (work.cpu?.handOver ?? 0) - handedCpu);
  }
  hand(batch, true);
  work.endedAt = performance.timeOrigin + performance.now();
  return rows;
}

/** Messages from load-worker.js. */
export type WorkerMessage =
  /** Records packed by record-codec.ts, with the values first used in their pooled fields. */
  | { type: 'batch'; batch: PackedBatch }
  /** The export is open and its header accepted: what is left is reading its rows. */
  | { type: 'opened' }
  | { type: 'done'; rows: number; work?: LoadWork }
  /** After 'done', for NHSmail and AD: per duplicate check, the records whose key's hash another shares (SourceKeyHashes). */
  | { type: 'duplicates'; duplicates: KnownDuplicates }
  | { type: 'error'; error: SerialisedError };

export interface SerialisedError {
  name: string;
  message: string;
  file?: string;
  line?: number;
  column?: string;
  problems?: readonly string[];
  stack?: string;
}

export function serialiseError(err: unknown): SerialisedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const e = err as Error & Partial<InputError> & Partial<ConfigError>;
  return { name: e.name, message: e.message, file: e.file, line: e.line, column: e.column, problems: e.problems, stack: e.stack };
}

/** The error a worker reported, as the class the main thread would have thrown itself. */
export function reviveError(s: SerialisedError): Error {
  let err: Error;
  switch (s.name) {
    case 'InputError':
      err = new InputError(s.message, s.file, s.line, s.column);
      break;
    case 'ConfigError':
      err = new ConfigError(s.message, s.problems ?? []);
      break;
    case 'UsageError':
      err = new UsageError(s.message);
      break;
    case 'OutputError':
      err = new OutputError(s.message);
      break;
    case 'DataError':
      err = new DataError(s.message);
      break;
    default:
      err = new Error(s.message);
  }
  if (s.stack !== undefined) err.stack = s.stack;
  return err;
}

/** The compiled worker script; absent when running from TypeScript sources (tests). */
const WORKER_URL = new URL('./load-worker.js', import.meta.url);

export function workersAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL));
}

/** Inputs smaller than this in total are read in the main thread: workers cost more to start. */
export const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;

/**
 * Threads to use when the user did not say: one per export when the exports total at least
 * PARALLEL_MIN_BYTES and the compiled worker is there, else 1 (read in this thread).
 */
export function autoThreads(files: readonly string[]): number {
  if (!workersAvailable()) return 1;
  let bytes = 0;
  for (const f of files) {
    try {
      bytes += statSync(f).size;
    } catch {
      // loadSource reports a missing or unreadable file in its own words.
    }
  }
  return bytes >= PARALLEL_MIN_BYTES ? files.length : 1;
}

/**
 * Reads `job` in a worker thread (load-worker.js; `script` for tests), handing each batch to
 * `onBatch`. `done` resolves to the rows read, or rejects with the worker's error, with the
 * error `onBatch` throws (the worker is then stopped), or when the worker ends without a word.
 * `opened` resolves once the worker says the export is open and its header accepted (or once it
 * is done), and rejects as `done` does if it fails before. The worker's time (LoadWork) goes to
 * `onWork` when it finishes.
 */
export function runInWorker(
  job: LoadJob,
  onBatch: (batch: PackedBatch) => void,
  script: URL = WORKER_URL,
  onWork?: (work: LoadWork) => void,
): { done: Promise<number>; opened: Promise<void>; stop: () => void; duplicates: Promise<KnownDuplicates | undefined> } {
  const worker = new Worker(script, { workerData: job });
  let settled = false;
  // The duplicate checks' groups come after 'done', if at all: undefined when the worker ends
  // without them (a source without checks, or a failure), and the main thread runs the checks.
  let giveDuplicates!: (d: KnownDuplicates | undefined) => void;
  const duplicates = new Promise<KnownDuplicates | undefined>((resolve) => (giveDuplicates = resolve));
  worker.once('exit', () => giveDuplicates(undefined));
  let markOpened!: () => void;
  const saidOpened = new Promise<void>((resolve) => (markOpened = resolve));
  const done = new Promise<number>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'opened') {
        markOpened();
      } else if (m.type === 'batch') {
        try {
          onBatch(m.batch);
        } catch (err) {
          // A batch the main thread cannot take (RecordUnpacker's layout check) fails the load
          // like a worker's own error, rather than escaping the event handler.
          settled = true;
          reject(err);
          void worker.terminate();
        }
      } else if (m.type === 'done') {
        settled = true;
        if (m.work !== undefined) onWork?.(m.work);
        resolve(m.rows);
      } else if (m.type === 'duplicates') {
        giveDuplicates(m.duplicates);
      } else {
        settled = true;
        reject(reviveError(m.error));
      }
    });
    worker.on('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the worker reading ${job.file} stopped unexpectedly (exit code ${code})`));
    });
  });
  const opened = Promise.race([saidOpened, done.then(() => undefined)]);
  // Asked for or not: a failure is reported through `done`.
  opened.catch(() => undefined);
  return { done, opened, stop: () => void worker.terminate(), duplicates };
}

export interface LoadedRecords<T> {
  records: T[];
  rejects: Reject[];
  /** Data rows read, rejected ones included. */
  rows: number;
  /** The time of the thread that read it (a worker's, or this thread's). */
  work: LoadWork;
  /** Milliseconds this thread spent making records of a worker's batches (0 when read here). */
  unpack: number;
  /** The same in this thread's CPU time, where the system gives it (see thread-cpu.ts). */
  unpackCpu?: number;
  /**
   * Per duplicate check, the records whose key's hash another shares (SourceKeyHashes), from
   * the worker that read the export, after its records; absent when read in this thread, and
   * settling to undefined when the worker did not send them.
   */
  duplicates?: Promise<KnownDuplicates | undefined>;
}

/** Loads started by startLoads. */
export interface StartedLoads {
  /**
   * Each job's records and rejects, in job order, each settling when that job is read: a caller
   * can use the first inputs while later ones are still being read. A job that fails rejects its
   * own promise; the jobs after it are stopped and reject too. Awaiting them in order gives the
   * first job's error, as reading one after another would. Every promise has a handler, so
   * one left unawaited after an earlier error is not an unhandled rejection.
   */
  loaded: Promise<LoadedRecords<unknown>>[];
  /**
   * Each job's export open and its header accepted (a wrong or unmapped export fails here, in a
   * worker as soon as it starts); in this thread, when the job is read. Rejects as `loaded` does.
   */
  opened: Promise<void>[];
  /** Stops the workers still reading (for a caller that gives up after an error). */
  stop: () => void;
}

/**
 * Starts reading every job, `threads` at a time in worker threads, jobs started in order (1: one
 * after another in this thread). Repeated values are pooled (pooled-strings.ts): one copy of each
 * across all jobs, whichever thread read it. Each job's records and rejects are in file order.
 */
export function startLoads(jobs: readonly LoadJob[], threads: number): StartedLoads {
  const results: LoadedRecords<unknown>[] = jobs.map(() => ({ records: [], rejects: [], rows: 0, work: noWork(), unpack: 0 }));
  const pool = new StringPool();
  let started: StartedLoads;
  if (threads <= 1 || !workersAvailable()) {
    const keep = (k: number, batch: Batch<unknown>): void => {
      const r = results[k]!;
      for (const rec of batch.records) r.records.push(rec);
      for (const rej of batch.rejects) r.rejects.push(rej);
    };
    let stopped = false;
    const loaded: Promise<LoadedRecords<unknown>>[] = [];
    for (let k = 0; k < jobs.length; k++) {
      const source = jobs[k]!.source;
      const after = k === 0 ? Promise.resolve() : loaded[k - 1]!.then(() => undefined);
      loaded.push(
        after.then(async () => {
          if (stopped) throw new Error(`reading ${jobs[k]!.file} was stopped`);
          results[k]!.rows = await loadJob(
            jobs[k]!,
            (batch) => {
              for (const rec of batch.records) poolRecord(source, rec, pool);
              keep(k, batch);
            },
            results[k]!.work,
          );
          return results[k]!;
        }),
      );
    }
    started = { loaded, opened: loaded.map((p) => p.then(() => undefined)), stop: () => void (stopped = true) };
  } else {
    started = loadInWorkers(jobs, threads, results, pool);
  }
  for (const p of [...started.loaded, ...started.opened]) p.catch(() => undefined);
  return started;
}

/**
 * Reads every job (see startLoads) and waits for all of them; if two inputs are bad, the error
 * thrown is the first job's, as when reading one after another.
 */
export async function loadAll(jobs: readonly LoadJob[], threads: number): Promise<LoadedRecords<unknown>[]> {
  const { loaded, stop } = startLoads(jobs, threads);
  const out: LoadedRecords<unknown>[] = [];
  try {
    for (const p of loaded) out.push(await p);
  } catch (err) {
    stop();
    throw err;
  }
  return out;
}

/** startLoads' worker side: `threads` workers at a time, each batch unpacked into `results` as it comes. */
function loadInWorkers(jobs: readonly LoadJob[], threads: number, results: LoadedRecords<unknown>[], pool: StringPool): StartedLoads {
  const decoders = jobs.map(() => new FieldDecoder(pool));
  // This thread's clock, for its unpacking of the workers' batches; closed when every job has settled.
  const clock = openThreadCpuClock();
  const take = (k: number) => (batch: PackedBatch) => {
    const t = stamp(clock);
    const decoder = decoders[k]!;
    decoder.extend(batch.fresh);
    const r = results[k]!;
    new RecordUnpacker(batch, decoder.table).unpackInto(r.records);
    for (const rej of batch.rejects) r.rejects.push(rej);
    const done = stamp(clock);
    r.unpack += done.wall - t.wall;
    if (done.cpu !== undefined && t.cpu !== undefined) r.unpackCpu = (r.unpackCpu ?? 0) + done.cpu - t.cpu;
  };
  const stops: (() => void)[] = [];
  // Each job's outcome and its opening, settled by the slot that runs it (or by a failure
  // before it starts).
  const settle = jobs.map(() => outcome<LoadedRecords<unknown>>());
  const opening = jobs.map(() => outcome<void>());
  let next = 0;
  let failed = false;
  const stopFrom = (from: number, why: string): void => {
    failed = true;
    for (let later = from; later < jobs.length; later++) {
      stops[later]?.();
      // A job not started, or stopped, fails; one that already finished keeps its records.
      const stopped = new Error(`reading ${jobs[later]!.file} was stopped: ${why}`);
      settle[later]!.reject(stopped);
      opening[later]!.reject(stopped);
    }
  };
  // A pool of `threads` workers, jobs started in order.
  const startNext = async (): Promise<void> => {
    while (next < jobs.length && !failed) {
      const k = next++;
      const run = runInWorker(jobs[k]!, take(k), undefined, (work) => (results[k]!.work = work));
      results[k]!.duplicates = run.duplicates;
      stops[k] = run.stop;
      run.opened.then(opening[k]!.resolve, opening[k]!.reject);
      try {
        results[k]!.rows = await run.done;
        settle[k]!.resolve(results[k]!);
      } catch (err) {
        settle[k]!.reject(err);
        opening[k]!.reject(err);
        // Jobs after this one will not be reported: stop them.
        stopFrom(k + 1, `${jobs[k]!.file} could not be read`);
        return;
      }
    }
  };
  const slots: Promise<void>[] = [];
  for (let s = 0; s < Math.min(threads, jobs.length); s++) slots.push(startNext());
  void Promise.all(slots).finally(() => clock.close());
  return { loaded: settle.map((s) => s.promise), opened: opening.map((o) => o.promise), stop: () => stopFrom(0, 'the run stopped') };
}

/** A promise and the functions that settle it. */
function outcome<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

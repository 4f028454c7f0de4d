/**
 * Room for the reconcile job in V8's heap. Reconcile holds every record in memory, four to ten
 * bytes per byte of UTF-8 input, the most for small inputs (measured with `idrecon bench`: peak
 * RSS 0.9 GiB for the 100 MB of a 150,000-person run, 3.6 GiB for the 0.8 GB at 1.5 million;
 * it was 6–8 GiB there before matching kept less). Node's default heap limit is about
 * 4 GiB, and running out of it is a crash with a V8 stack dump, not an error a user can act on.
 * So before reading, the inputs' size is compared with the heap limit: when they need more and
 * the machine has the memory, the command restarts itself once with a larger heap; when the
 * machine has not, it warns in one sentence and carries on (the estimate is deliberately high).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/**
 * Heap bytes per byte of UTF-8 CSV input asked for: the bench figures with room to spare (a
 * limit is only a ceiling; fuzzy and XLSX runs need more than CSV ones).
 */
export const HEAP_PER_INPUT_BYTE = 10;
/** XLSX is zipped: its XML is about this many times the file, and its text about half that. */
export const XLSX_EXPANSION = 5;
/** Heap the program needs whatever the input (code, exceljs, buffers). */
export const BASE_HEAP_BYTES = 256 * 2 ** 20;
/** Memory left to the system and the worker threads when choosing a larger heap. */
const SYSTEM_RESERVE_BYTES = 2 * 2 ** 30;
/**
 * Young-generation semi-space for a restarted (large) run, in MiB; Node's default is 16. A run
 * this size allocates report rows and index entries by the million: with a small young
 * generation many survive two scavenges, are promoted, and each full collection then walks
 * the whole multi-GiB heap. Beside that, on a heap this size each scavenge costs about 10 ms
 * whatever it frees (`--trace-gc-nvp` of an XLSX run at 1.5M people: 9.6 ms a scavenge while
 * writing, 2 ms of it copying), so fewer, larger ones cost less: at 128 MiB rather than 64,
 * that run's main-thread scavenging fell from 17.4 s to 9.1 s (`--trace-gc`). Costs three
 * times this in memory (about 0.1 GB more at peak than 64 did; 256 went over 4 GiB).
 */
export const SEMI_SPACE_MIB = 128;
/**
 * Old-generation size a restarted run starts with, per byte of input as UTF-8 (as planHeap
 * counts it): V8 starts small and grows the old generation by full collections, each of which
 * walks everything held so far, so a run that ends up holding gigabytes pays for several full
 * collections on the way up. Starting nearer what the run holds skips most of them and keeps
 * the same peak (pages are mapped as they are used). `idrecon bench --people 1500000` (0.99
 * GB as UTF-8, so 1,885 MiB) printed 8 or 9 full collections and 8.3–9.4 s of main-thread
 * collection in four benches before this, 4 or 5 and 7.9–8.1 s in two after; peak RSS
 * 3,768–3,844 MiB before, 3,792–3,794 MiB after. docs/performance-notes.md has alternated
 * runs and larger sizes.
 */
export const INITIAL_OLD_SPACE_PER_INPUT_BYTE = 2;
/** Set in the restarted process, so it never restarts again. */
export const RESPAWNED_ENV = 'IDRECON_HEAP_RESPAWNED';

const MIB = 2 ** 20;

/** Input bytes as UTF-8 CSV text would hold them: UTF-16 files count half, XLSX more. */
export function effectiveInputBytes(file: string): number {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return 0; // the loader reports a missing file in its own words
  }
  if (/\.xlsx$/i.test(file)) return size * XLSX_EXPANSION;
  const head = Buffer.alloc(2);
  try {
    const fd = openSync(file, 'r');
    try {
      readSync(fd, head, 0, 2, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return size;
  }
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  return utf16 ? size / 2 : size;
}

export type HeapPlan =
  | { action: 'ok'; needBytes: number }
  | { action: 'respawn'; needBytes: number; heapMiB: number; initialOldMiB: number }
  | { action: 'warn'; needBytes: number; message: string };

/**
 * What to do about the heap for inputs totalling `inputBytes` (as UTF-8): pure, so the rule
 * can be tested without the memory. A restart is offered only once (not when `respawned`).
 */
export function planHeap(inputBytes: number, heapLimitBytes: number, totalMemBytes: number, respawned: boolean): HeapPlan {
  const needBytes = BASE_HEAP_BYTES + inputBytes * HEAP_PER_INPUT_BYTE;
  if (needBytes <= heapLimitBytes) return { action: 'ok', needBytes };
  const gib = (b: number): string => (b / 2 ** 30).toFixed(1);
  if (!respawned && needBytes + SYSTEM_RESERVE_BYTES <= totalMemBytes) {
    const heapMiB = Math.ceil(needBytes / (1024 * MIB)) * 1024;
    // Always well under the heap: 2 bytes per input byte against 10 and the base.
    const initialOldMiB = Math.ceil((inputBytes * INITIAL_OLD_SPACE_PER_INPUT_BYTE) / MIB);
    return { action: 'respawn', needBytes, heapMiB, initialOldMiB };
  }
  return {
    action: 'warn',
    needBytes,
    message: `These inputs may need about ${gib(needBytes)} GiB of memory, more than the ${gib(heapLimitBytes)} GiB heap Node.js has here${respawned ? '' : ` and more than this machine (${gib(totalMemBytes)} GiB) can spare`}; if the run stops with "heap out of memory", run it on a machine with more memory or split the extracts by organisation.`,
  };
}

/** The plan for these input files in this process. */
export function heapPlanFor(files: readonly string[], env: NodeJS.ProcessEnv = process.env): HeapPlan {
  const bytes = files.reduce((t, f) => t + effectiveInputBytes(f), 0);
  return planHeap(bytes, getHeapStatistics().heap_size_limit, totalmem(), env[RESPAWNED_ENV] === '1');
}

/**
 * The heap step before a command reads `files`: when they need a larger heap, runs the command
 * again in a child with one (`announce` first tells the user) and resolves to true once it has
 * ended, its exit code set (the caller then stops); when the machine cannot spare one, warns in
 * one sentence and resolves to false, as when all is well.
 */
export async function restartForHeapIfNeeded(files: readonly string[], announce: (heapMiB: number) => void = () => undefined): Promise<boolean> {
  const heap = heapPlanFor(files);
  if (heap.action === 'respawn') {
    announce(heap.heapMiB);
    process.exitCode = await respawnWithHeap(heap.heapMiB, heap.initialOldMiB);
    return true;
  }
  if (process.env[RESPAWNED_ENV] === '1') youngGenerationForThisThreadOnly();
  if (heap.action === 'warn') process.stderr.write(`idrecon: ${heap.message}\n`);
  return false;
}

/**
 * glibc's threshold above which malloc maps a block of its own, returned to the system when
 * freed. By default the threshold rises to the size of each mapped block freed (up to 32 MiB),
 * so later blocks that size come from the heap and stay with the process once freed. A large
 * run queues hundreds of messages of a few hundred KB each: the AD export's batches wait for
 * the main thread while it matches ESR ↔ NHSmail (see runReconcile). Freed after, they stayed
 * in the process: peak RSS at 1.5M people was 3,995 and 4,043 MiB, and 3,840 MiB with this
 * threshold fixed (scratch runs). Other C libraries ignore the variable.
 */
export const MALLOC_MMAP_THRESHOLD = 128 * 1024;

/** The restarted process's environment: RESPAWNED_ENV set, and the malloc threshold unless the user set one. */
export function respawnEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { MALLOC_MMAP_THRESHOLD_: String(MALLOC_MMAP_THRESHOLD), ...env, [RESPAWNED_ENV]: '1' };
}

/**
 * Keeps a restarted run's young generation (SEMI_SPACE_MIB) to its main thread. V8's flags are
 * the process's, and `--max-semi-space-size` overrides a worker's `resourceLimits`: under it
 * every worker thread's new space grew to 256 MiB, with `maxYoungGenerationSizeMb: 48` or
 * without (measured with v8.getHeapSpaceStatistics in a worker). So each load worker, whose
 * garbage is rows and records dead within a hand, and the shared pass's worker (pass-share.ts)
 * touched a quarter of a GiB of fresh young generation, page by page. Set back to 0 (V8's
 * "unset") once this thread's heap is made, the flag leaves workers started after it to their
 * own limits, or to V8's default (16 MiB semi-spaces); this thread keeps its own.
 */
export function youngGenerationForThisThreadOnly(): void {
  setFlagsFromString('--max-semi-space-size=0');
}

/** V8 flags for a restarted run: the heap limit, its starting old generation, the young generation. */
export function respawnFlags(heapMiB: number, initialOldMiB: number): string[] {
  return [`--max-old-space-size=${heapMiB}`, `--initial-old-space-size=${initialOldMiB}`, `--max-semi-space-size=${SEMI_SPACE_MIB}`];
}

/** The names of respawnFlags' flags, each with its "=". */
const HEAP_FLAG_PREFIXES = respawnFlags(0, 0).map((f) => f.slice(0, f.indexOf('=') + 1));

/**
 * Whether `arg` (a Node.js option) is one of the flags a restarted run chooses for itself, so
 * that a process started for a run of its own can leave an inherited one out.
 */
export function isHeapFlag(arg: string): boolean {
  return HEAP_FLAG_PREFIXES.some((p) => arg.startsWith(p));
}

/**
 * Runs this same command line again in a child Node.js with a `heapMiB` heap starting at
 * `initialOldMiB` of old generation, its output on this terminal, and resolves to its exit
 * code (128 + signal number if it was killed).
 */
export function respawnWithHeap(heapMiB: number, initialOldMiB: number): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...respawnFlags(heapMiB, initialOldMiB), ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: respawnEnv(process.env),
  });
  // This process writes nothing, so it has nothing to clean up: the child reports the
  // interruption (once) and this one exits with its code.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  // Ctrl-C reaches the child from the terminal itself (same process group): passing it on too
  // would interrupt the child's clean-up. SIGTERM (a scheduler stopping this process) is passed on.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => void child.kill('SIGTERM'));
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1)));
    child.on('error', () => resolve(1));
  });
}

/**
 * A stage's first pass shared with a worker thread (core/reconcile.ts, PassHelper): this thread
 * scores the earlier left records while a worker (pass-worker.js) scores the later ones. At
 * national size NHSmail ↔ AD's first pass is about 12 s on one core while the other has
 * nothing of the run's to do.
 *
 * The worker gets no records and no copy of their strings: the identities it needs go as
 * columns of numbers with a table of the distinct names and titles (core/identity-codes.ts),
 * and the worker makes each identity from them when it reads it. The columns, a copy of the
 * right side's index and the worker's range of the left side's key hashes lie in
 * SharedArrayBuffers, which the worker reads where they are. Those are new for each pass:
 * typed arrays this thread made or received otherwise (from the stage's pool, or moved here)
 * would count towards V8's "external memory pressure", which at national size answers them
 * with a full collection of this thread's heap (1.3–1.8 s). The right side goes first, for the
 * worker to start while this thread codes the left side.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PassPart } from '../core/candidates.js';
import { codeLeft, codeRight, TextCodes } from '../core/identity-codes.js';
import { Int32Pool, MIN_POOLED } from '../core/int32-pool.js';
import type { PassHelper, SharedPass } from '../core/reconcile.js';

const WORKER_URL = new URL('./pass-worker.js', import.meta.url);

/** Passes with fewer left records are not shared: a worker costs more to start and feed. */
export const SHARE_MIN_LEFT = 50_000;

/**
 * The share of the left records the worker takes. Both threads start scoring at about the same
 * time (the worker once the right side is coded, this thread once the left is), and each
 * scores about as fast: the worker makes its identities as it reads them, but from compact
 * columns, in a small heap.
 */
export const WORKER_SHARE = 0.5;

/** The worker's young generation, in MiB (see share). */
const PASS_WORKER_YOUNG_MB = 48;

/** The worker's answer. */
export type PassReply = { type: 'part'; part: PassPart } | { type: 'error'; message: string };

export function passWorkerAvailable(script: URL = WORKER_URL): boolean {
  return script.protocol === 'file:' && existsSync(fileURLToPath(script));
}

export interface PassHelperOptions {
  /** Passes with fewer left records are left to the main thread (SHARE_MIN_LEFT). */
  minLeft?: number;
  /** The compiled worker (tests give others). */
  script?: URL;
  /** The share of the left records the worker takes (WORKER_SHARE). */
  workerShare?: number;
  /** Arrays of at least this many elements go in shared memory, smaller ones as copies (Int32Pool's MIN_POOLED; tests share every size). */
  sharedFrom?: number;
  /** Told, in one sentence, when a worker failed and the main thread did its records instead. */
  warn?: (message: string) => void;
}

/** A PassHelper that shares passes with a worker thread, on a machine with more than one core. */
export class WorkerPassHelper implements PassHelper {
  private readonly minLeft: number;
  private readonly script: URL;
  private readonly workerShare: number;
  private readonly sharedFrom: number;

  constructor(private readonly opts: PassHelperOptions = {}) {
    this.minLeft = opts.minLeft ?? SHARE_MIN_LEFT;
    this.script = opts.script ?? WORKER_URL;
    this.workerShare = opts.workerShare ?? WORKER_SHARE;
    this.sharedFrom = opts.sharedFrom ?? MIN_POOLED;
  }

  fellBack(err: unknown): void {
    const why = err instanceof Error ? err.message : String(err);
    this.opts.warn?.(`${why}; the main thread matched its records instead (the same result, later).`);
  }

  share(pass: SharedPass): { from: number; part: Promise<PassPart> } | undefined {
    if (pass.left.length < this.minLeft || availableParallelism() < 2 || !passWorkerAvailable(this.script)) return undefined;
    const n = pass.left.length;
    const from = Math.min(n, Math.max(0, Math.round(n * (1 - this.workerShare))));
    // The worker's arrays, made for this pass and let go with it (see above).
    const pool = new Int32Pool(this.sharedFrom, true);
    const texts = new TextCodes();
    const right = codeRight(pass, texts, pool);
    // Its garbage is the identities it makes as it reads them, each dead at once: a young
    // generation of the default size, not the main thread's (heap.ts), which a worker started
    // under the restarted run's flag would get whatever it asked (youngGenerationForThisThreadOnly).
    const worker = new Worker(this.script, { workerData: right, resourceLimits: { maxYoungGenerationSizeMb: PASS_WORKER_YOUNG_MB } });
    worker.postMessage(codeLeft(pass, from, texts, right.texts.length, pool));
    const part = new Promise<PassPart>((resolve, reject) => {
      let settled = false;
      worker.once('message', (m: PassReply) => {
        settled = true;
        if (m.type === 'part') resolve(m.part);
        else reject(new Error(`the worker matching ${pass.link} failed: ${m.message}`));
        void worker.terminate();
      });
      worker.once('error', (err) => {
        settled = true;
        reject(err);
      });
      worker.once('exit', (code) => {
        if (!settled) reject(new Error(`the worker matching ${pass.link} stopped unexpectedly (exit code ${code})`));
      });
    });
    return { from, part };
  }
}

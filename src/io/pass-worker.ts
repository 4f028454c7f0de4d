/**
 * Worker thread entry for pass-share.ts: started with the right side of a stage's first pass
 * (workerData: CodedRight), it takes its left records (a CodedLeft message) and posts back its
 * share of the pass as a PassPart, or the error that stopped it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PassPart } from '../core/candidates.js';
import { codedPassPart, type CodedLeft, type CodedRight } from '../core/identity-codes.js';
import type { PassReply } from './pass-share.js';

const port = parentPort;
if (port === null) throw new Error('pass-worker.js runs only as a worker thread');

port.once('message', (left: CodedLeft) => {
  let p: PassPart;
  try {
    p = codedPassPart(workerData as CodedRight, left);
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies PassReply);
    return;
  }
  // The results move to the main thread rather than being copied.
  const arrays = [p.left, p.right, p.total, p.extra, p.levels, p.deferredLeft, p.deferredRunStart, p.deferredRuns];
  port.postMessage({ type: 'part', part: p } satisfies PassReply, arrays.map((a) => a.buffer as ArrayBuffer));
});

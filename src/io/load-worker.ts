/**
 * Worker thread entry for load-records.ts: reads one export (workerData: LoadJob) and posts its
 * records and rejects in batches, then the row count, or the error that stopped it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { encodeBatch, loadJob, serialiseError, type LoadJob, type WorkerMessage } from './load-records.js';
import { FieldEncoder } from './pooled-strings.js';

const port = parentPort;
if (port === null) throw new Error('load-worker.js runs only as a worker thread');
const post = (m: WorkerMessage): void => port.postMessage(m);

try {
  const job = workerData as LoadJob;
  const encoder = new FieldEncoder(job.source);
  const rows = await loadJob(job, (batch) => {
    for (const r of batch.records) encoder.encode(r);
    post({ type: 'batch', text: encodeBatch(batch), strings: encoder.takeFresh() });
  });
  post({ type: 'done', rows });
} catch (err) {
  post({ type: 'error', error: serialiseError(err) });
}

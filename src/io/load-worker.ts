/**
 * Worker thread entry for load-records.ts: reads one export (workerData: LoadJob) and posts its
 * records and rejects in batches, then the row count, or the error that stopped it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SOURCE_DUPLICATE_CHECKS, SourceKeyHashes } from '../core/actions.js';
import type { AdAccount, NhsmailAccount, Reject } from '../core/records.js';
import { BATCH_ROWS, loadJob, noWork, serialiseError, type LoadJob, type WorkerMessage } from './load-records.js';
import { FieldEncoder } from './pooled-strings.js';
import { RecordPacker } from './record-codec.js';

const port = parentPort;
if (port === null) throw new Error('load-worker.js runs only as a worker thread');
const post = (m: WorkerMessage): void => {
  // The packed batch's typed arrays move to the main thread rather than being copied.
  port.postMessage(m, m.type === 'batch' ? [m.batch.numbers.buffer, m.batch.codes.buffer] : []);
};

try {
  const job = workerData as LoadJob;
  const packer = new RecordPacker(job.source, new FieldEncoder());
  const work = noWork();
  // The export's own duplicate checks (findIssues'): their keys hashed here as records are read
  // (hot in cache, and not kept), so that the main thread, alone by then, need only look at the
  // records whose hashes another shares.
  const duplicateKeys =
    job.source === 'nhsmail'
      ? new SourceKeyHashes<NhsmailAccount>(SOURCE_DUPLICATE_CHECKS.nhsmail)
      : job.source === 'ad'
        ? new SourceKeyHashes<AdAccount>(SOURCE_DUPLICATE_CHECKS.ad)
        : undefined;
  // Records are packed as each hand of them comes (HAND_ROWS), and sent BATCH_ROWS at a time.
  let rejects: Reject[] = [];
  const rows = await loadJob(
    job,
    (batch, last) => {
      for (const r of batch.records) {
        packer.add(r);
        duplicateKeys?.add(r as NhsmailAccount & AdAccount);
      }
      for (const r of batch.rejects) rejects.push(r);
      if (packer.size + rejects.length >= BATCH_ROWS || (last && packer.size + rejects.length > 0)) {
        post({ type: 'batch', batch: packer.take(rejects) });
        rejects = [];
      }
    },
    work,
    () => post({ type: 'opened' }),
  );
  post({ type: 'done', rows, work });
  // After 'done', so that the main thread can start on the records meanwhile.
  if (duplicateKeys !== undefined) post({ type: 'duplicates', duplicates: duplicateKeys.sharing() });
} catch (err) {
  post({ type: 'error', error: serialiseError(err) });
}

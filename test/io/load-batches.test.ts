/**
 * How a load hands records on (src/io/load-records.ts): loadJob a few hundred rows at a time
 * (HAND_ROWS), so that a worker packs each record soon after making it, and a load worker
 * BATCH_ROWS at a time to the main thread. Every record and reject arrives once, in file order,
 * whatever the sizes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { BATCH_ROWS, HAND_ROWS, loadJob, type LoadJob } from '../../src/io/load-records.js';
import type { EsrAssignment } from '../../src/core/records.js';
import { FieldDecoder, StringPool } from '../../src/io/pooled-strings.js';
import { RecordUnpacker, type PackedBatch } from '../../src/io/record-codec.js';
import { ensureBuilt } from '../helpers/build.js';
import { ROOT, tempDir } from '../helpers/run-cli.js';

type LoadRecords = typeof import('../../src/io/load-records.js');

const HEADER = 'Employee Number,First Name,Last Name,Position Title,Assignment Start Date';
/** Rows, and which of them are rejects (an employee number that is not one), every 97th. */
const ROWS = BATCH_ROWS * 2 + HAND_ROWS + 7;
const isReject = (k: number): boolean => k % 97 === 50;

let file: string;

beforeAll(() => {
  const lines = [HEADER];
  for (let k = 0; k < ROWS; k++) lines.push(`${isReject(k) ? 'not-a-number' : String(10_000_000 + k)},Ann,Lee${k},Nurse,01/02/2020`);
  file = join(tempDir('load-batches'), 'esr.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
});

const job = (): LoadJob & { source: 'esr' } => ({ source: 'esr', file, nhsDomains: DEFAULT_CONFIG.nhsDomains });

/** The file's data lines (2 is the first), records' and rejects' apart. */
const expectedLines = (): { records: number[]; rejects: number[] } => {
  const records: number[] = [];
  const rejects: number[] = [];
  for (let k = 0; k < ROWS; k++) (isReject(k) ? rejects : records).push(k + 2);
  return { records, rejects };
};

describe('loadJob', () => {
  it('hands on at most HAND_ROWS rows at a time, the last call marked, every row once in order', async () => {
    const hands: { size: number; last: boolean }[] = [];
    const records: number[] = [];
    const rejects: number[] = [];
    const rows = await loadJob(job(), (batch, last) => {
      hands.push({ size: batch.records.length + batch.rejects.length, last });
      for (const r of batch.records) records.push(r.line);
      for (const r of batch.rejects) rejects.push(r.line);
    });
    expect(rows).toBe(ROWS);
    expect({ records, rejects }).toEqual(expectedLines());
    expect(hands.every((h) => h.size <= HAND_ROWS)).toBe(true);
    expect(hands.filter((h) => h.size === HAND_ROWS).length).toBe(Math.floor(ROWS / HAND_ROWS));
    expect(hands.map((h) => h.last)).toEqual(hands.map((_, k) => k === hands.length - 1));
  });
});

describe('a load worker', () => {
  let compiled: LoadRecords;

  beforeAll(async () => {
    ensureBuilt();
    // The compiled module, whose worker script exists.
    compiled = (await import(join(ROOT, 'dist', 'io', 'load-records.js'))) as LoadRecords;
  });

  it('sends BATCH_ROWS rows a message (the last one the rest), every row once in order', async () => {
    const sizes: number[] = [];
    const records: number[] = [];
    const rejects: number[] = [];
    const decoder = new FieldDecoder(new StringPool());
    const run = compiled.runInWorker(job(), (batch: PackedBatch) => {
      sizes.push(batch.count + batch.rejects.length);
      decoder.extend(batch.fresh);
      const unpacked: EsrAssignment[] = [];
      new RecordUnpacker(batch, decoder.table).unpackInto(unpacked);
      for (const r of unpacked) records.push(r.line);
      for (const r of batch.rejects) rejects.push(r.line);
    });
    await expect(run.done).resolves.toBe(ROWS);
    expect(sizes).toEqual([BATCH_ROWS, BATCH_ROWS, ROWS - 2 * BATCH_ROWS]);
    expect({ records, rejects }).toEqual(expectedLines());
  });
});

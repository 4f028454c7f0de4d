/**
 * A disk that fills while a report is written: the run stops with one sentence, keeps the old
 * report and leaves no temp file. CSV report streams buffer megabytes ahead of the disk (see
 * CSV_IN_FLIGHT_BYTES), so the failure arrives rows after the write that caused it; this
 * checks it still arrives, and that nothing waits forever for it. `createWriteStream` is wrapped so that
 * temp files take LIMIT bytes and then fail as a full disk does (ENOSPC).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { OutputError } from '../../src/errors.js';
import type { SheetData } from '../../src/io/report.js';
import { writeReport } from '../../src/io/write-report.js';
import { tempDir } from '../helpers/run-cli.js';

const LIMIT = 1024 * 1024;

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  type Callback = (err?: Error | null) => void;
  const createWriteStream = ((path: string, opts?: Parameters<typeof fs.createWriteStream>[1]) => {
    const stream = fs.createWriteStream(path, opts);
    if (!String(path).includes('.tmp-')) return stream;
    let written = 0;
    const full = (bytes: number, cb: Callback): boolean => {
      written += bytes;
      if (written <= LIMIT) return false;
      cb(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      return true;
    };
    const write = stream._write.bind(stream);
    stream._write = (chunk: Buffer, encoding: BufferEncoding, cb: Callback) => {
      if (!full(chunk.length, cb)) write(chunk, encoding, cb);
    };
    const writev = stream._writev?.bind(stream);
    if (writev) {
      stream._writev = (chunks: { chunk: Buffer; encoding: BufferEncoding }[], cb: Callback) => {
        if (!full(chunks.reduce((n, c) => n + c.chunk.length, 0), cb)) writev(chunks, cb);
      };
    }
    return stream;
  }) as typeof fs.createWriteStream;
  return { ...fs, default: { ...fs, createWriteStream }, createWriteStream };
});

/** About 12 MB of CSV: many times LIMIT, and more than the stream buffers. */
const BIG: SheetData = {
  name: 'People',
  csvName: 'people.csv',
  columns: [{ header: 'Name' }, { header: 'Note' }, { header: 'Score', kind: 'number' }],
  rows: function* () {
    for (let i = 0; i < 200_000; i++) yield [`Person ${i}`, 'x'.repeat(40), i];
  },
};

describe('writeReport on a disk that fills up', () => {
  it('stops with a one-sentence error, keeps the old report and leaves no temp file (CSV)', async () => {
    const out = tempDir('idrecon-full-');
    writeFileSync(join(out, 'people.csv'), 'old report');
    const run = writeReport({ outDir: out, formats: new Set(['csv']), workbook: 'reconciliation', sheets: [BIG], asOf: new Date(0), inputs: [] });
    await expect(run).rejects.toThrow(OutputError);
    await expect(run).rejects.toThrow(/^Cannot write .*people\.csv: the disk is full; free some space or choose another --out directory\.$/);
    expect(readFileSync(join(out, 'people.csv'), 'utf8')).toBe('old report');
    expect(readdirSync(out)).toEqual(['people.csv']);
  });

  it('does the same when the workbook and the CSV are written in one pass, and keeps both old files', async () => {
    const out = tempDir('idrecon-full-');
    writeFileSync(join(out, 'people.csv'), 'old report');
    writeFileSync(join(out, 'reconciliation.xlsx'), 'old workbook');
    const run = writeReport({ outDir: out, formats: new Set(['xlsx', 'csv']), workbook: 'reconciliation', sheets: [BIG], asOf: new Date(0), inputs: [] });
    // The CSV (about 12 MB) fills the disk first: the workbook's deflated sheet is far smaller.
    await expect(run).rejects.toThrow(/^Cannot write .*people\.csv: the disk is full/);
    expect(readFileSync(join(out, 'people.csv'), 'utf8')).toBe('old report');
    expect(readFileSync(join(out, 'reconciliation.xlsx'), 'utf8')).toBe('old workbook');
    expect(readdirSync(out).sort()).toEqual(['people.csv', 'reconciliation.xlsx']);
  });

  it('does the same for the XLSX workbook', async () => {
    const out = tempDir('idrecon-full-');
    const run = writeReport({ outDir: out, formats: new Set(['xlsx']), workbook: 'reconciliation', sheets: [BIG], asOf: new Date(0), inputs: [] });
    await expect(run).rejects.toThrow(/^Cannot write .*reconciliation\.xlsx: the disk is full/);
    expect(readdirSync(out)).toEqual([]);
  });
});

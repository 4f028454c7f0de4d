/**
 * The native CRC-32 swapped into exceljs's zip (src/io/zip-crc.ts): it must give what the
 * `crc-32` package gives for every input crc32-stream can pass, and the workbooks written with
 * it must carry the right checksum for every part (checked here against the central directory,
 * inflating each part with zlib).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../src/io/write-report.js';
import { nativeBuf, useNativeZipCrc, zipCrcModule, zipCrcPath, type Crc32Module } from '../../src/io/zip-crc.js';
import { tempDir } from '../helpers/run-cli.js';

const native = (zlib as unknown as { crc32?: (d: ArrayBufferView, v?: number) => number }).crc32;

/** The package's own `buf`, from a fresh load: the module exceljs uses may already be swapped. */
function packageBuf(): Crc32Module['buf'] {
  const path = zipCrcPath();
  if (path === undefined) throw new Error('crc-32 not found through exceljs');
  const req = createRequire(import.meta.url);
  const cached = req.cache[path];
  delete req.cache[path];
  try {
    const fresh = req(path) as Crc32Module;
    return fresh.buf.bind(fresh);
  } finally {
    if (cached !== undefined) req.cache[path] = cached;
  }
}

/** Each part's name, stored CRC-32 and the CRC-32 of its inflated bytes. */
function partCrcs(file: string): Array<{ name: string; stored: number; actual: number }> {
  const zip = readFileSync(file);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out: Array<{ name: string; stored: number; actual: number }> = [];
  for (let k = 0; k < count; k++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const stored = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLen);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataAt, dataAt + size);
    const data = method === 8 ? zlib.inflateRawSync(raw) : raw;
    out.push({ name, stored, actual: native!(data) >>> 0 });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

describe.runIf(typeof native === 'function')('native CRC-32 for the zip', () => {
  it('finds the crc-32 module that exceljs zips with', () => {
    expect(zipCrcPath()).toMatch(/crc-32/);
    expect(zipCrcModule()?.buf).toBeTypeOf('function');
    // The package's check value: CRC-32 of "123456789" is 0xCBF43926.
    expect(packageBuf()(Buffer.from('123456789')) >>> 0).toBe(0xcbf43926);
  });

  it('gives what the package gives, for any bytes and any seed crc32-stream passes', () => {
    const original = packageBuf();
    const swapped = nativeBuf(original, native!);
    const seed = fc.oneof(
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      fc.constant(undefined),
      // crc32-stream's first seed is a zeroed 4-byte Buffer.
      fc.constant(Buffer.alloc(4)),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), seed, (bytes, s) => {
        const b = Buffer.from(bytes);
        expect(swapped(b, s)).toBe(original(b, s));
        expect(swapped(bytes, s)).toBe(original(bytes, s));
      }),
      { numRuns: 500 },
    );
    // Chained over chunks, as the zip stream does.
    const data = Buffer.from('a'.repeat(1000) + 'ü€'.repeat(300));
    let a: unknown = Buffer.alloc(4);
    let b: unknown = Buffer.alloc(4);
    for (let o = 0; o < data.length; o += 97) {
      a = original(data.subarray(o, o + 97), a) >>> 0;
      b = swapped(data.subarray(o, o + 97), b) >>> 0;
    }
    expect(b).toBe(a);
    expect(b).toBe(native!(data));
  });

  it('hands anything but bytes to the package', () => {
    const swapped = nativeBuf(() => 42, native!);
    expect(swapped([1, 2, 3], 0)).toBe(42);
  });

  it('writes workbooks whose every part has the right checksum', async () => {
    expect(useNativeZipCrc()).toBe(true);
    const dir = tempDir('idrecon-zipcrc-');
    const rows = Array.from({ length: 3000 }, (_, i) => [`name ${i} ü`, i, i % 2 === 0, '2026-01-02']);
    await writeReport({
      outDir: dir,
      formats: new Set(['xlsx']),
      workbook: 'w',
      asOf: new Date(Date.UTC(2026, 10, 1)),
      inputs: [],
      sheets: [
        {
          name: 'Data',
          csvName: 'data.csv',
          columns: [
            { header: 'Name', kind: 'text' },
            { header: 'N', kind: 'number' },
            { header: 'Flag', kind: 'boolean' },
            { header: 'Date', kind: 'date' },
          ],
          rows: () => rows,
        },
      ],
    });
    const parts = partCrcs(join(dir, 'w.xlsx'));
    expect(parts.map((p) => p.name)).toContain('xl/worksheets/sheet1.xml');
    for (const p of parts) expect(p.actual, p.name).toBe(p.stored);
  });
});

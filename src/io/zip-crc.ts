/**
 * The CRC-32 of exceljs's zip, done by zlib's native code instead of the `crc-32` package's
 * JavaScript. exceljs writes workbooks through archiver, whose deflate stream (crc32-stream)
 * checksums every chunk with `crc-32`'s `buf` on the main thread, about 4.5 GB of XML for the
 * 1.5M-person workbook. In a CPU profile of writing the 150,000-person workbook (`node
 * --cpu-prof bin/idrecon reconcile … --format xlsx`) it was 0.65 s of 5.5 s. Node.js 20.15 and
 * later have `zlib.crc32`, the same checksum in native code.
 *
 * The replacement keeps `buf`'s contract (signed 32-bit result; any seed converted as
 * `seed ^ -1` would convert it, so the Buffer that crc32-stream passes as its first seed counts
 * as 0) and hands anything but bytes to the original. Where Node.js has no `zlib.crc32`, or the
 * chain of packages is not found, nothing changes.
 */
import { createRequire } from 'node:module';
import zlib from 'node:zlib';

/** The part of the `crc-32` package used here. */
export interface Crc32Module {
  buf(data: ArrayLike<number>, seed?: unknown): number;
}

type NativeCrc32 = (data: ArrayBufferView, value?: number) => number;

/** The path of the `crc-32` module that exceljs's zip uses (followed package by package). */
export function zipCrcPath(): string | undefined {
  try {
    let from = createRequire(import.meta.url).resolve('exceljs');
    for (const pkg of ['archiver', 'zip-stream', 'compress-commons', 'crc32-stream', 'crc-32']) from = createRequire(from).resolve(pkg);
    return from;
  } catch {
    return undefined;
  }
}

/** The `crc-32` module that exceljs's zip uses, or undefined. */
export function zipCrcModule(): Crc32Module | undefined {
  const path = zipCrcPath();
  if (path === undefined) return undefined;
  const mod = createRequire(import.meta.url)(path) as Partial<Crc32Module>;
  return typeof mod.buf === 'function' ? (mod as Crc32Module) : undefined;
}

/** `original`'s contract, with byte arrays checksummed by `native`. */
export function nativeBuf(original: Crc32Module['buf'], native: NativeCrc32): Crc32Module['buf'] {
  return (data, seed) =>
    ArrayBuffer.isView(data) ? native(data, ((seed as number) ^ 0) >>> 0) | 0 : original(data, seed);
}

let done = false;
/** Swaps in the native checksum once per process; returns whether it is in use. */
export function useNativeZipCrc(): boolean {
  if (done) return true;
  const native = (zlib as unknown as { crc32?: NativeCrc32 }).crc32;
  const mod = zipCrcModule();
  if (typeof native !== 'function' || mod === undefined) return false;
  mod.buf = nativeBuf(mod.buf.bind(mod), native);
  done = true;
  return true;
}

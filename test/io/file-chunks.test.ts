import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileChunks } from '../../src/io/file-chunks.js';
import { tempDir } from '../helpers/run-cli.js';

const dir = tempDir('idrecon-chunks-');
let n = 0;
function fixture(content: Buffer): string {
  const file = join(dir, `f${n++}.bin`);
  writeFileSync(file, content);
  return file;
}

/** Bytes that differ from chunk to chunk, so a chunk read into the wrong buffer shows. */
const bytes = (length: number): Buffer => Buffer.from(Array.from({ length }, (_, i) => (i * 7 + (i >> 8)) & 0xff));

/** Every chunk, copied as it comes (a chunk is valid only until the next is asked for), and the buffers they lay in. */
async function readAll(chunks: FileChunks): Promise<{ copies: Buffer[]; buffers: Set<ArrayBufferLike> }> {
  const copies: Buffer[] = [];
  const buffers = new Set<ArrayBufferLike>();
  for (let r = await chunks.next(); r.done !== true; r = await chunks.next()) {
    copies.push(Buffer.from(r.value));
    buffers.add(r.value.buffer);
  }
  await chunks.close();
  return { copies, buffers };
}

describe('FileChunks', () => {
  it('gives the whole file in order, in full chunks and a last short one, through two buffers', async () => {
    const content = bytes(10 * 1000 + 123);
    const { copies, buffers } = await readAll(new FileChunks(fixture(content), 1000));
    expect(Buffer.concat(copies).equals(content)).toBe(true);
    expect(copies.map((c) => c.length)).toEqual([...Array<number>(10).fill(1000), 123]);
    // Recycled: eleven chunks lay in two buffers, taken in turn.
    expect(buffers.size).toBe(2);
  });

  it('ends at once on an empty file, and after the last full chunk of an exact multiple', async () => {
    expect((await readAll(new FileChunks(fixture(Buffer.alloc(0)), 64))).copies).toEqual([]);
    const exact = bytes(3 * 64);
    const { copies } = await readAll(new FileChunks(fixture(exact), 64));
    expect(copies.map((c) => c.length)).toEqual([64, 64, 64]);
    expect(Buffer.concat(copies).equals(exact)).toBe(true);
  });

  it('fails the first read of a file that cannot be opened, and closes quietly', async () => {
    const missing = new FileChunks(join(dir, 'no-such-file.csv'), 64);
    await expect(missing.next()).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(missing.close()).resolves.toBeUndefined();
    // Closed before any read: no unhandled rejection (vitest fails the run on one).
    await new FileChunks(join(dir, 'no-such-file-either.csv'), 64).close();
  });

  it('reads nothing more once closed', async () => {
    const chunks = new FileChunks(fixture(bytes(640)), 64);
    expect((await chunks.next()).done).toBe(false);
    await chunks.close();
    expect(await chunks.next()).toEqual({ done: true, value: undefined });
  });
});

import { describe, expect, it } from 'vitest';
import { batchesOf, eachOf } from '../../src/io/table.js';

async function* from<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const x of items) yield x;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('batchesOf and eachOf', () => {
  it('groups rows into batches of the size asked, the last one shorter, and eachOf undoes it', async () => {
    const rows = Array.from({ length: 2_500 }, (_, i) => i);
    const batches = await collect(batchesOf(from(rows), 1_000));
    expect(batches.map((b) => b.length)).toEqual([1_000, 1_000, 500]);
    expect(await collect(eachOf(from(batches)))).toEqual(rows);
  });

  it('gives no batch for no rows, and one for a size that divides them exactly', async () => {
    expect(await collect(batchesOf(from([]), 10))).toEqual([]);
    expect((await collect(batchesOf(from([1, 2, 3, 4]), 2))).map((b) => b.length)).toEqual([2, 2]);
  });
});

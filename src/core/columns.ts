/**
 * A growable column of numbers held in fixed-size chunks, for lists of millions of entries
 * (candidate pairs, links, review items).
 *
 * A plain array grown by `push` is copied to a new backing store half as large again each time
 * it fills, so a long column leaves about twice its final size behind it in dead copies; being
 * large objects, the copies stay in the old generation until the next full collection. At
 * national size the candidate lists' copies were the main reason the heap grew between
 * collections in the matching stages. Chunks are filled in place and never copied.
 *
 * The chunks are plain arrays of numbers, not typed arrays: a typed array's buffer lives outside
 * the JavaScript heap, and V8 answers enough such memory allocated with full collections of the
 * whole heap (see CandidateList).
 */

const CHUNK_BITS = 13;
/** Entries a chunk: 64 KiB of 8-byte slots, a regular heap object (not a large one). */
export const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;

export class NumberColumn {
  private readonly chunks: number[][] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(v: number): void {
    const c = this.size >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(new Array<number>(CHUNK_SIZE).fill(0));
    this.chunks[c]![this.size & CHUNK_MASK] = v;
    this.size++;
  }

  /** Entry k (a whole number, 0 ≤ k < length). */
  at(k: number): number {
    if (!(k >= 0 && k < this.size) || (k | 0) !== k) throw new RangeError(`entry ${k} is not one of 0..${this.size - 1}`);
    return this.chunks[k >>> CHUNK_BITS]![k & CHUNK_MASK]!;
  }
}

/**
 * Int32Arrays recycled between the passes and stages of one reconciliation. A typed array's
 * memory lies outside the JavaScript heap, and V8 answers every 64 MB or so of it allocated
 * since the last full collection by starting another ("external memory pressure"). Each of
 * matching's six passes builds a blocking index of a few arrays per kind of key, each the
 * size of its right side, and each stage's assignment four more, all garbage a moment later:
 * a run of 1.5M people had seven full collections of its multi-GiB heap while matching, 1 to
 * 2.5 s each (`--trace-gc --trace-incremental-marking`), and three with this pool, which
 * hands the same buffers to the next pass and stage instead.
 *
 * Only arrays of at least MIN_POOLED elements are pooled; smaller ones are plain allocations.
 * `give` must be the array's last use: the pool hands its buffer to the next `take`.
 */

/** Smaller arrays are cheap to allocate and count little towards external memory. */
export const MIN_POOLED = 16_384;

export class Int32Pool {
  /** Free buffers, by capacity ascending. */
  private free: ArrayBufferLike[] = [];
  /** Bytes of the arrays the pool has allocated (not those it recycled). */
  allocatedBytes = 0;

  /**
   * `minPooled`: the smallest array pooled, in elements (tests pool every size). `shared`: new
   * arrays lie on SharedArrayBuffers, which a worker thread reads where they are. V8 does not
   * count those towards the collections that free typed arrays, so a shared pool's arrays stay
   * in memory until the pool and they are collected in the ordinary way: for short-lived use.
   */
  constructor(
    private readonly minPooled = MIN_POOLED,
    readonly shared = false,
  ) {}

  /** A zero-filled array of `n` elements, on a recycled buffer when one is large enough. */
  take(n: number): Int32Array {
    if (n < this.minPooled) return new Int32Array(n);
    const bytes = n * Int32Array.BYTES_PER_ELEMENT;
    const at = this.free.findIndex((b) => b.byteLength >= bytes);
    if (at < 0) {
      this.allocatedBytes += bytes;
      return this.shared ? new Int32Array(new SharedArrayBuffer(bytes)) : new Int32Array(n);
    }
    const [buffer] = this.free.splice(at, 1);
    return new Int32Array(buffer!, 0, n).fill(0);
  }

  /** A zero-filled Float64Array of `n` elements, on a recycled buffer when one is large enough. */
  takeFloat64(n: number): Float64Array {
    return new Float64Array(this.take(2 * n).buffer, 0, n);
  }

  /** Returns `a`'s buffer to the pool; `a` (and any other view of its buffer) must not be used again. */
  give(a: Int32Array | Float64Array): void {
    const buffer = a.buffer;
    if (buffer.byteLength < this.minPooled * Int32Array.BYTES_PER_ELEMENT || this.free.includes(buffer)) return;
    let at = 0;
    while (at < this.free.length && this.free[at]!.byteLength < buffer.byteLength) at++;
    this.free.splice(at, 0, buffer);
  }
}

/** A pool that pools nothing: plain allocations, for callers that keep no pool. */
export const NO_POOL = new Int32Pool(Number.POSITIVE_INFINITY);

/**
 * A file's bytes in chunks, read into two buffers in turn: the next chunk is read while the
 * caller works on this one. A stream (createReadStream) gives each chunk a new buffer; at
 * 256 KiB a buffer is above glibc's mmap threshold as a restarted run sets it (io/heap.ts), so
 * every chunk was fresh memory from the system, each of its pages a page fault, then given
 * back: about 85,000 faults in reading the AD export of a 1.5M-person run (scratch harness).
 *
 * A chunk's bytes stay valid until the caller asks for the next one: read-csv.ts decodes
 * each chunk before asking for the next, so it never holds one longer.
 */
import { open, type FileHandle } from 'node:fs/promises';

export class FileChunks implements AsyncIterator<Buffer, undefined> {
  private readonly buffers: [Buffer, Buffer];
  /** The buffer the read under way (or the next one) fills. */
  private turn = 0;
  private readonly handle: Promise<FileHandle>;
  private pending: Promise<number> | undefined;
  private ended = false;

  constructor(file: string, readonly chunkBytes: number) {
    this.buffers = [Buffer.allocUnsafeSlow(chunkBytes), Buffer.allocUnsafeSlow(chunkBytes)];
    this.handle = open(file, 'r');
    // A file that cannot be opened fails the first next(); a reader closed before that must not
    // leave an unhandled rejection.
    this.handle.catch(() => undefined);
  }

  private read(handle: FileHandle, into: Buffer): Promise<number> {
    const p = handle.read(into, 0, this.chunkBytes, null).then((r) => r.bytesRead);
    p.catch(() => undefined); // surfaced by the next() that awaits it
    return p;
  }

  async next(): Promise<IteratorResult<Buffer, undefined>> {
    if (this.ended) return { done: true, value: undefined };
    const handle = await this.handle;
    const buf = this.buffers[this.turn]!;
    const n = await (this.pending ?? this.read(handle, buf));
    this.pending = undefined;
    if (n === 0) {
      this.ended = true;
      return { done: true, value: undefined };
    }
    // The caller is done with the other buffer: it asked for this chunk.
    this.turn ^= 1;
    this.pending = this.read(handle, this.buffers[this.turn]!);
    return { done: false, value: buf.subarray(0, n) };
  }

  /** Stops reading and closes the file (after any read under way); safe to call more than once. */
  async close(): Promise<void> {
    this.ended = true;
    const pending = this.pending;
    this.pending = undefined;
    await pending?.catch(() => undefined);
    const handle = await this.handle.catch(() => undefined);
    await handle?.close().catch(() => undefined);
  }
}

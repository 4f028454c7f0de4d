/**
 * Text to a file stream through a few buffers used again and again, not a new Buffer per
 * write. A string handed to a stream's write becomes a new Buffer, and V8 counts every
 * Buffer's memory as external: each 64 MiB or so of it starts a full collection ("external
 * memory pressure"), which on a national-size heap marks some 2.4 GiB of objects. The CSV
 * reports of a 1.5M-person run are 1.36 GB of text, so writing them as strings started full
 * collections that the run did not otherwise need (`node --trace-gc`, see the README's
 * Performance section).
 *
 * Only for streams that call a write's callback once they are done with its bytes, as
 * `fs.WriteStream` does (after the write to the file). A stream that queues chunks for a
 * reader (a PassThrough, a zip entry) calls it earlier, while the bytes are still queued, and
 * a slot written again would change them.
 */
import type { Writable } from 'node:stream';

const ENCODER = new TextEncoder();

export class RecycledTextWriter {
  private readonly free: Buffer[] = [];
  private wake: (() => void) | undefined;
  private readonly release: (slot: Buffer) => void;

  /** `slots` buffers of `slotBytes` each (at least 4: one character's UTF-8) are all it allocates. */
  constructor(
    private readonly out: Writable,
    slots: number,
    slotBytes: number,
  ) {
    if (!(slots >= 1) || !(slotBytes >= 4)) throw new RangeError('RecycledTextWriter needs at least one slot of at least 4 bytes');
    for (let k = 0; k < slots; k++) this.free.push(Buffer.allocUnsafeSlow(slotBytes));
    this.release = (slot) => {
      this.free.push(slot);
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    };
  }

  /**
   * Writes `text` as UTF-8, in order after earlier writes. Resolves once every byte is handed
   * to the stream (waiting for a slot to come back when all are in flight); rejects with
   * `failed`'s error if the stream fails meanwhile. One write at a time: await each before the
   * next (a second waiting write would take the first one's wake-up).
   */
  async write(text: string, failed: Promise<never>): Promise<void> {
    let rest = text;
    while (rest.length > 0) {
      while (this.free.length === 0) await Promise.race([new Promise<void>((resolve) => (this.wake = resolve)), failed]);
      const slot = this.free.pop()!;
      // Whole characters only: a surrogate pair is never split between two slots.
      const { read, written } = ENCODER.encodeInto(rest, slot);
      rest = read === rest.length ? '' : rest.slice(read);
      // The callback also runs on a failed write; the stream's 'error' reaches `failed`.
      this.out.write(slot.subarray(0, written), () => this.release(slot));
    }
  }
}

/**
 * Text to a file stream through a few buffers used again and again, not a new Buffer per
 * write. A string handed to a stream's write becomes a new Buffer, and V8 counts every
 * Buffer's memory as external: each 64 MiB or so of it starts a full collection ("external
 * memory pressure"), which on a national-size heap marks some 2.4 GiB of objects. The CSV
 * reports of a 1.5M-person run are 1.36 GB of text, so writing them as strings started full
 * collections that the run did not otherwise need (`node --trace-gc`, see
 * docs/performance-notes.md).
 *
 * Only for streams that call a write's callback once they are done with its bytes, as
 * `fs.WriteStream` does (after the write to the file). A stream that queues chunks for a
 * reader (a PassThrough, a zip entry) calls it earlier, while the bytes are still queued, and
 * a slot written again would change them.
 */
import type { Writable } from 'node:stream';
import { setImmediate as turn } from 'node:timers/promises';

const ENCODER = new TextEncoder();

/** `text` and CRLF as UTF-8 into `slot` from `at` (appendLine's encoder); returns the end. */
function textLine(text: string, slot: Buffer, at: number): number {
  let end = at + slot.write(text, at);
  slot[end++] = 13;
  slot[end++] = 10;
  return end;
}

export class RecycledTextWriter {
  private readonly free: Buffer[] = [];
  private wake: (() => void) | undefined;
  private readonly release: (slot: Buffer) => void;
  /** The slot `appendLine` is filling, and the bytes in it so far. */
  private open: Buffer | undefined;
  private used = 0;

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

  /** Bytes appended and not yet handed to the stream. */
  get pending(): number {
    return this.used;
  }

  /**
   * Appends `text` and CRLF to the slot being filled, encoded straight into it, when a slot is
   * free and the text surely fits (3 bytes a UTF-16 code unit); false, with nothing appended,
   * when not: then `flush` and `write` the line instead. Each line is encoded on its own rather
   * than lines joined first into one string: a string past V8's regular object size (128 KiB)
   * is allocated in the large-object space, and at national size those joins took 8.6 s of the
   * write phase's 38 s in a CPU profile of a 1.5M-person reconcile run (and in a scratch
   * micro-benchmark, not kept, a join of 512 lines cost about fifteen times one of 128).
   */
  appendLine(text: string): boolean {
    return this.appendWith(text.length * 3 + 2, textLine, text);
  }

  /**
   * Appends what `encode(value, slot, at)` writes (returning its end) to the slot being filled,
   * when a slot is free and `maxBytes` fit in what is left of it; false, with nothing appended,
   * when not. For callers that encode into the slot themselves (CSV report lines) rather than
   * make a string of each line first.
   */
  appendWith<T>(maxBytes: number, encode: (value: T, slot: Buffer, at: number) => number, value: T): boolean {
    let slot = this.open;
    if (slot === undefined) {
      slot = this.free.pop();
      if (slot === undefined) return false;
      this.open = slot;
      this.used = 0;
    }
    if (maxBytes > slot.length - this.used) return false;
    const end = encode(value, slot, this.used);
    // A Buffer drops writes past its end without a word, and Buffer.write stops at it: an
    // encoder whose bound was short could leave the file short, unseen whenever the slot's end
    // came first. So writing past the bound it asked for is an error even where the slot had
    // room, and a wrong bound shows in the first line that breaks it.
    if (end - this.used > maxBytes) throw new Error(`an encoder wrote ${end - this.used} bytes where it asked for ${maxBytes}`);
    this.used = end;
    return true;
  }

  /** Hands what `appendLine` and `appendWith` put in the open slot to the stream. */
  flush(): void {
    const slot = this.open;
    if (slot === undefined) return;
    this.open = undefined;
    const bytes = this.used;
    this.used = 0;
    if (bytes === 0) {
      this.free.push(slot);
      return;
    }
    // The callback also runs on a failed write; the stream's 'error' reaches `failed`.
    this.out.write(slot.subarray(0, bytes), () => this.release(slot));
  }

  /**
   * Resolves once a slot is free for `appendLine`, or with `failed`, after a turn of the event
   * loop: slots come back only through the stream's write callbacks, which run there, and
   * awaiting a resolved promise gives no turn. Without it the loop turned only when every slot
   * was in flight; the file stream, which writes one batch at a time, then had one write done
   * and the rest queued behind it, and the caller waited for them all (about 15 % of the CSV
   * write phase idle in a CPU profile of a 1.5M-person reconcile run).
   */
  async ready(failed: Promise<never>): Promise<void> {
    await turn();
    while (this.open === undefined && this.free.length === 0) await this.slotBack(failed);
  }

  /** Resolves when a slot in flight comes back, or with `failed`. */
  private slotBack(failed: Promise<never>): Promise<void> {
    return Promise.race([new Promise<void>((resolve) => (this.wake = resolve)), failed]);
  }

  /**
   * Writes `text` as UTF-8, in order after earlier writes (lines appended first). Resolves once
   * every byte is handed to the stream (waiting for a slot to come back when all are in
   * flight); rejects with `failed`'s error if the stream fails meanwhile. One write at a time:
   * await each before the next (a second waiting write would take the first one's wake-up).
   */
  async write(text: string, failed: Promise<never>): Promise<void> {
    this.flush();
    let rest = text;
    while (rest.length > 0) {
      while (this.free.length === 0) await this.slotBack(failed);
      const slot = this.free.pop()!;
      // Whole characters only: a surrogate pair is never split between two slots.
      const { read, written } = ENCODER.encodeInto(rest, slot);
      rest = read === rest.length ? '' : rest.slice(read);
      // The callback also runs on a failed write; the stream's 'error' reaches `failed`.
      this.out.write(slot.subarray(0, written), () => this.release(slot));
    }
  }
}

/**
 * RecycledTextWriter (src/io/recycled-text-writer.ts): the bytes that reach the stream are the
 * text's UTF-8 in order, although its few buffers are written again and again. The stream here
 * reads each chunk only when it finishes writing it, later, as fs.WriteStream does: a slot
 * reused before its callback would change bytes still waiting, and the output would differ.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecycledTextWriter } from '../../src/io/recycled-text-writer.js';

/** A stream that copies a chunk's bytes only after a delay, then calls back (like a file write). */
function slowSink(delays: readonly number[]): { stream: Writable; bytes: () => Buffer; chunks: () => number } {
  const got: Buffer[] = [];
  let n = 0;
  const stream = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, done) {
      const delay = delays[n++ % Math.max(1, delays.length)] ?? 0;
      setTimeout(() => {
        got.push(Buffer.from(chunk)); // read now, as a file write reads its buffer when it runs
        done();
      }, delay);
    },
  });
  return { stream, bytes: () => Buffer.concat(got), chunks: () => n };
}

const never = new Promise<never>(() => undefined);

async function writeAll(texts: readonly string[], slots: number, slotBytes: number, delays: readonly number[]): Promise<{ bytes: Buffer; chunks: number }> {
  const sink = slowSink(delays);
  const writer = new RecycledTextWriter(sink.stream, slots, slotBytes);
  for (const t of texts) await writer.write(t, never);
  sink.stream.end();
  await new Promise<void>((resolve) => sink.stream.once('finish', () => resolve()));
  return { bytes: sink.bytes(), chunks: sink.chunks() };
}

describe('RecycledTextWriter', () => {
  it('delivers the UTF-8 of every text in order, through slots reused while writes are pending', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 60 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 4, max: 24 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
        async (texts, slots, slotBytes, delays) => {
          const { bytes } = await writeAll(texts, slots, slotBytes, delays);
          expect(bytes.equals(Buffer.from(texts.join(''), 'utf8'))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('appended lines (CRLF each), flushes and writes arrive in the order made, whatever fits where', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Each step: a line to append (written instead when it does not fit), or a flush.
        fc.array(fc.option(fc.string({ unit: 'binary', maxLength: 12 }), { nil: undefined, freq: 4 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 4, max: 48 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
        async (steps, slots, slotBytes, delays) => {
          const sink = slowSink(delays);
          const writer = new RecycledTextWriter(sink.stream, slots, slotBytes);
          let appended = 0;
          for (const step of steps) {
            if (step === undefined) {
              writer.flush();
              await writer.ready(never);
            } else if (writer.appendLine(step)) {
              appended++;
            } else {
              await writer.write(`${step}\r\n`, never);
            }
          }
          writer.flush();
          sink.stream.end();
          await new Promise<void>((resolve) => sink.stream.once('finish', () => resolve()));
          const expected = steps.filter((s) => s !== undefined).map((s) => `${s}\r\n`).join('');
          expect(sink.bytes().equals(Buffer.from(expected, 'utf8'))).toBe(true);
          // The first line, if it fits an empty slot, is appended: a slot is free at the start.
          const first = steps[0];
          if (first !== undefined && first.length * 3 + 2 <= slotBytes) expect(appended).toBeGreaterThan(0);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('appendLine says no, appending nothing, when the line may not fit the slot left', async () => {
    const sink = slowSink([0]);
    const writer = new RecycledTextWriter(sink.stream, 1, 16);
    expect(writer.appendLine('abcd')).toBe(true); // 4 × 3 + 2 = 14 bytes of room needed, 16 free
    expect(writer.pending).toBe(6);
    expect(writer.appendLine('xyz')).toBe(false); // 11 needed, 10 left
    expect(writer.pending).toBe(6);
    writer.flush();
    expect(writer.appendLine('x')).toBe(false); // the only slot is in flight
    await writer.ready(never);
    expect(writer.appendLine('x')).toBe(true);
    writer.flush();
    sink.stream.end();
    await new Promise<void>((resolve) => sink.stream.once('finish', () => resolve()));
    expect(sink.bytes().toString('utf8')).toBe('abcd\r\nx\r\n');
  });

  it('appendWith puts what its encoder writes in the slot, or says no, appending nothing, when maxBytes may not fit', async () => {
    const sink = slowSink([0]);
    const writer = new RecycledTextWriter(sink.stream, 1, 16);
    const ascii = (text: string, slot: Buffer, at: number): number => at + slot.write(text, at, 'latin1');
    expect(writer.appendWith(10, ascii, 'abcd')).toBe(true); // 10 of 16 bytes asked for
    expect(writer.pending).toBe(4); // what the encoder wrote, not what was asked for
    expect(writer.appendWith(13, ascii, 'never')).toBe(false); // 13 asked for, 12 left
    expect(writer.pending).toBe(4);
    expect(writer.appendLine('e')).toBe(true); // appendLine and appendWith share the slot, in order
    expect(writer.appendWith(1, ascii, 'f')).toBe(true);
    writer.flush();
    expect(writer.appendWith(1, ascii, 'x')).toBe(false); // the only slot is in flight
    await writer.ready(never);
    expect(writer.appendWith(1, ascii, 'x')).toBe(true);
    writer.flush();
    sink.stream.end();
    await new Promise<void>((resolve) => sink.stream.once('finish', () => resolve()));
    expect(sink.bytes().toString('latin1')).toBe('abcde\r\nfx');
  });

  it('appendWith throws rather than risk losing bytes when an encoder writes past the bound it asked for', () => {
    const writer = new RecycledTextWriter(slowSink([0]).stream, 1, 8);
    const liar = (n: number, slot: Buffer, at: number): number => {
      for (let k = 0; k < n; k++) slot[at + k] = 0x41; // past the end: dropped by the Buffer
      return at + n;
    };
    expect(writer.appendWith(4, liar, 4)).toBe(true); // exactly its bound
    // Past its bound with room left in the slot: still an error, appending nothing.
    expect(() => writer.appendWith(1, liar, 3)).toThrow(/wrote 3 bytes where it asked for 1/);
    expect(writer.pending).toBe(4);
    // Past the slot's end too.
    expect(() => writer.appendWith(2, liar, 6)).toThrow(/wrote 6 bytes where it asked for 2/);
    expect(writer.pending).toBe(4);
  });

  it('never splits a character between slots, and fills each slot as far as whole characters go', async () => {
    // '€' is 3 bytes and '😀' 4 (a surrogate pair): a 5-byte slot holds one of either.
    const text = 'a€😀€b😀';
    const { bytes, chunks } = await writeAll([text], 2, 5, [1]);
    expect(bytes.toString('utf8')).toBe(text);
    // a€ (4) | 😀 (4) | € (3) + b (1) | 😀 (4)
    expect(chunks).toBe(4);
  });

  it('allocates only its slots: a text many times their size goes through them in turn', async () => {
    const text = 'x'.repeat(10_000);
    const { bytes, chunks } = await writeAll([text], 2, 1000, [0, 2]);
    expect(bytes.toString('utf8')).toBe(text);
    expect(chunks).toBe(10);
  });

  it('rejects with the stream failure instead of waiting for a slot that will not come back', async () => {
    const stuck = new Writable({ write: () => undefined }); // never calls back
    const writer = new RecycledTextWriter(stuck, 1, 8);
    let fail: (e: Error) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    await writer.write('12345678', failed); // fills the only slot
    const second = writer.write('more', failed);
    fail(new Error('disk full'));
    await expect(second).rejects.toThrow('disk full');
  });

  it('refuses slots too small for one character', () => {
    expect(() => new RecycledTextWriter(new Writable(), 1, 3)).toThrow(RangeError);
    expect(() => new RecycledTextWriter(new Writable(), 0, 64)).toThrow(RangeError);
  });
});

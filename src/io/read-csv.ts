/**
 * CSV adapter for the Table interface. Streams: the file is read in 256 KiB chunks (into two
 * buffers in turn, io/file-chunks.ts), decoded to text, and split into records by
 * csv-split.ts, which hands the rest of the file to csv-parse at the first record it cannot
 * read exactly as csv-parse would (a stray quote, mixed line endings, a quote never closed).
 * The file is never held whole in memory (records in batches, each up to
 * CSV_MAX_RECORD_BYTES). Throughput on well-formed files is several times that of a bare
 * csv-parse pass; on others, from the first odd record on, it is that of csv-parse.
 *
 * What it copes with, because real exports do it:
 * - Encoding from the first bytes: UTF-8 (with or without BOM), UTF-16 LE/BE with BOM (as
 *   PowerShell's Export-Csv writes), UTF-16 LE without BOM, else Windows-1252 when the first
 *   64 KiB are not valid UTF-8 (Excel "CSV" saves). A file valid as UTF-8 for its first 64 KiB
 *   and not after is read as UTF-8 with U+FFFD for the bad bytes; `encoding` forces a choice.
 * - Delimiter from the header line: comma, semicolon or tab (the most frequent outside quotes).
 * - PowerShell's `#TYPE …` first line is skipped (csvde writes none).
 * - Blank lines (and lines whose cells are all blank, like Excel's trailing ",,,") hold no data:
 *   they are not rows and are counted nowhere.
 * - Bad rows are yielded as RejectedRaw and reading goes on: a row with a different number of
 *   cells from the header (extra cells that are all blank are dropped silently), or a row
 *   holding NUL bytes. Errors that stop csv-parse (a quote never closed, a record larger than
 *   CSV_MAX_RECORD_BYTES) yield one reject for the rest of the file and end the table.
 * - `line` is the 1-based physical line where the record starts, counting quoted newlines.
 */
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { TextDecoder } from 'node:util';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { InputError, UsageError } from '../errors.js';
import { FileChunks } from './file-chunks.js';
import { lineBreaks, RecordSplitter, type Declined } from './csv-split.js';
import { eachOf, type OpenTableOptions, type RawRow, type RejectedRaw, type Table, type TableInfo } from './table.js';

/** Bytes sniffed for encoding, binary content and the header line. */
export const SNIFF_BYTES = 64 * 1024;
/** Largest record accepted (bytes of cell text): a 1 MB cell is fine, 16 MiB is not. */
export const CSV_MAX_RECORD_BYTES = 16 * 1024 * 1024;

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';
export type CsvDelimiter = ',' | ';' | '\t';

/** Reads up to `bytes` from the start of a file. */
export async function readHead(file: string, bytes = SNIFF_BYTES): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Guesses the encoding from a file's first bytes: BOMs first, then UTF-16 LE/BE without BOM
 * (zero bytes at most odd or even offsets: ASCII text in UTF-16), then UTF-8 if the sample
 * decodes strictly, else Windows-1252.
 */
export function detectEncoding(sample: Uint8Array): CsvEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8-bom';
  if (sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  const utf16 = utf16WithoutBom(sample);
  if (utf16 !== undefined) return utf16;
  try {
    // stream: true tolerates a multi-byte character cut at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

function utf16WithoutBom(sample: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = Math.floor(sample.length / 2);
  if (pairs < 2) return undefined;
  let zeroOdd = 0;
  let zeroEven = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (sample[i] === 0) zeroEven++;
    if (sample[i + 1] === 0) zeroOdd++;
  }
  // Mostly-ASCII UTF-16: the high byte of nearly every code unit is zero.
  if (zeroOdd > pairs * 0.3 && zeroEven < pairs * 0.05) return 'utf-16le';
  if (zeroEven > pairs * 0.3 && zeroOdd < pairs * 0.05) return 'utf-16be';
  return undefined;
}

/**
 * True when a (non-UTF-16) sample holds too many control bytes to be text: at least 8 and
 * more than 2% of it. Tab, LF, FF, CR, ESC and SUB (Ctrl-Z end-of-file) are allowed. A stray
 * NUL or two is a bad row (rejected later), not a binary file.
 */
export function looksBinary(sample: Uint8Array): boolean {
  let controls = 0;
  for (const b of sample) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1a && b !== 0x1b) controls++;
  }
  return controls >= 8 && controls > sample.length * 0.02;
}

/** Counts `,` `;` and tab outside double quotes in the header line; ties go to comma. */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  const counts: Record<CsvDelimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  let best: CsvDelimiter = ',';
  for (const d of [';', '\t'] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

/** Maps a user-given encoding name onto one TextDecoder accepts; UsageError if unknown. */
export function normaliseEncodingName(name: string): string {
  const n = name.trim().toLowerCase();
  if (n === 'utf8' || n === 'utf-8') return 'utf-8';
  if (n === 'utf-8-bom' || n === 'utf8-bom') return 'utf-8-bom';
  if (n === 'utf16le' || n === 'utf-16le' || n === 'utf-16' || n === 'ucs2' || n === 'ucs-2') return 'utf-16le';
  if (n === 'utf16be' || n === 'utf-16be') return 'utf-16be';
  if (['windows-1252', 'cp1252', 'win1252', 'ansi', 'latin1', 'latin-1', 'iso-8859-1'].includes(n)) return 'windows-1252';
  try {
    new TextDecoder(n);
    return n;
  } catch {
    throw new UsageError(`Unknown encoding "${name}"; use utf-8, utf-16le, utf-16be or windows-1252.`);
  }
}

interface Sniffed {
  encoding: string;
  delimiter: CsvDelimiter;
  /** 1 when the first line is PowerShell's `#TYPE …`, else 0. */
  preamble: number;
}

function decoderLabel(encoding: string): string {
  return encoding === 'utf-8-bom' ? 'utf-8' : encoding;
}

async function sniff(file: string, forced: string | undefined): Promise<Sniffed> {
  const head = await readHead(file);
  const encoding = forced !== undefined ? normaliseEncodingName(forced) : detectEncoding(head);
  if (!encoding.startsWith('utf-16') && looksBinary(head)) {
    throw new InputError(
      `${file} does not look like a CSV or XLSX file (binary content); export the data as CSV or XLSX and try again.`,
      file,
    );
  }
  let text = new TextDecoder(decoderLabel(encoding)).decode(head, { stream: true });
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let preamble = 0;
  if (/^#TYPE\b/i.test(text)) {
    preamble = 1;
    const nl = text.search(/\r\n|\r|\n/);
    text = nl < 0 ? '' : text.slice(nl).replace(/^(\r\n|\r|\n)/, '');
  }
  text = text.replace(/^(?:[ \t]*(?:\r\n|\r|\n))+/, '');
  return { encoding, delimiter: detectDelimiter(firstLine(text)), preamble };
}

/** The first line of `text`, where newlines inside double quotes do not end it. */
function firstLine(text: string): string {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) return text.slice(0, i);
  }
  return text;
}

export interface Rec {
  cells: string[];
  line: number;
}
export interface Fail {
  fail: string;
  line: number;
}

/** Line breaks inside a record's cells (quoted newlines): the lines it spans, less one. */
function countBreaks(cells: readonly string[]): number {
  let n = 0;
  for (const c of cells) n += lineBreaks(c);
  return n;
}

function failReason(err: CsvError): string {
  // csv-parse's own messages quote cell values, so they are never passed on.
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted cell is never closed: this line and the rest of the file could not be read';
    case 'CSV_MAX_RECORD_SIZE':
      return `a record is larger than ${CSV_MAX_RECORD_BYTES / 1024 / 1024} MiB (often a stray quote): this line and the rest of the file could not be read`;
    default:
      return `unreadable CSV (${err.code}): this line and the rest of the file could not be read`;
  }
}

function ioError(file: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
  return new InputError(`Cannot read ${file} (${code}); check the file and try again.`, file);
}

/**
 * Objects from an object-mode stream in batches: everything readable now, one await per batch
 * rather than per record (a stream's own async iterator costs several microtasks per item).
 */
async function* batches<T>(stream: Readable): AsyncGenerator<T[]> {
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const onReadable = (): void => wake?.();
  const onEnd = (): void => {
    ended = true;
    wake?.();
  };
  const onError = (error: unknown): void => {
    failure = { error };
    wake?.();
  };
  stream.on('readable', onReadable);
  stream.once('end', onEnd);
  stream.once('error', onError);
  try {
    for (;;) {
      const batch: T[] = [];
      for (let item = stream.read() as T | null; item !== null; item = stream.read() as T | null) batch.push(item);
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (failure) throw failure.error;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    stream.off('readable', onReadable);
    stream.off('end', onEnd);
    stream.off('error', onError);
  }
}

/**
 * Bytes read from the file at a time. A chunk's records are split at once and live until its
 * last hand of rows is built, so they are what a load worker's young-generation collections
 * find alive, and promote, each time. With 1 MiB chunks the ESR worker of a 1.5M-person run
 * promoted 198 MB in one load and 804 MB in another (collection 0.4 s against 1.15 s of its
 * 10-11 s); with 256 KiB, 169-175 MB in each of four loads (0.26-0.34 s), and the NHSmail and
 * AD workers the same or less (scratch, `--trace-gc-nvp`).
 */
export const READ_CHUNK_BYTES = 256 * 1024;

/**
 * Bytes of a read chunk decoded at a time: a piece's text (and, for TextDecoder, its UTF-16
 * buffer of twice the bytes) stays in memory that is reused. A string over 128 KiB is
 * allocated apart from V8's young generation, and a buffer of 128 KiB or more is fresh memory
 * from the system in a restarted run (glibc's mmap threshold; see io/heap.ts), so decoding a
 * whole 256 KiB chunk at once took fresh memory twice a chunk, a page fault for each of its
 * pages. The decoder carries a character cut between pieces over.
 */
export const DECODE_PIECE_BYTES = 32 * 1024;

/**
 * Records with their start lines: a record spans 1 + its quoted line breaks, given by the
 * splitter or counted here.
 */
function withLines(cells: readonly string[][], first: number, breaks?: readonly number[]): { out: Rec[]; next: number } {
  const out: Rec[] = new Array<Rec>(cells.length);
  let line = first;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i] as string[];
    out[i] = { cells: c, line };
    line += 1 + (breaks === undefined ? countBreaks(c) : breaks[i]!);
  }
  return { out, next: line };
}

async function nextChunk(chunks: AsyncIterator<Buffer>, file: string): Promise<IteratorResult<Buffer>> {
  try {
    return await chunks.next();
  } catch (err) {
    throw ioError(file, err);
  }
}

/** A file's text, decoded a piece at a time: a character cut between pieces is carried over. */
interface ChunkDecoder {
  write(bytes: Uint8Array): string;
  /** The text of bytes held back (an incomplete character at the end of the file: U+FFFD). */
  end(): string;
}

/**
 * A decoder for `label` (see decoderLabel) that drops a byte order mark at the start, as
 * csv-parse's bom option did. UTF-8 goes through Node's StringDecoder: decoding the 1.5M AD
 * export (379 MB) 32 KiB at a time took 0.31 s and 3,000 page faults with it, 1.5 s and 86,000
 * with TextDecoder, which decodes through a buffer of UTF-16 (scratch). Both put U+FFFD for
 * bytes that are not UTF-8. The other encodings (UTF-16, Windows-1252) keep TextDecoder.
 */
export function chunkDecoder(label: string): ChunkDecoder {
  if (label !== 'utf-8') {
    const d = new TextDecoder(label);
    return { write: (bytes) => d.decode(bytes, { stream: true }), end: () => d.decode() };
  }
  const d = new StringDecoder('utf8');
  let started = false;
  const dropBom = (text: string): string => {
    if (started || text.length === 0) return text;
    started = true;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  };
  return { write: (bytes) => dropBom(d.write(bytes)), end: () => dropBom(d.end()) };
}

/**
 * What `records` has met in the text it decoded so far, set before it yields the batch that
 * text ends in: a reader need check rows for NUL characters only once one has been met (a
 * check of each decoded chunk, where a check of every row's cells was about 1.5 % of a load
 * worker's time).
 */
interface TextSeen {
  nul: boolean;
}

/**
 * Every record of the file in order and in batches, each with its start line; a Fail ends the
 * sequence. The text is decoded once and split by csv-split.ts; from the first record it
 * declines (a stray quote, mixed line endings, a quote never closed), the rest of the text
 * goes to csv-parse, which reads it exactly as it would have read the whole file. Blank lines
 * come through as one-cell blank records (skip_empty_lines is off) so that lines can be
 * counted here. This is exact, and much faster than csv-parse's `info` option (which also
 * counts a quoted CRLF as two).
 */
async function* records(file: string, s: Sniffed, seen: TextSeen = { nul: false }): AsyncGenerator<Rec[] | Fail> {
  const chunks = new FileChunks(file, READ_CHUNK_BYTES);
  const label = decoderLabel(s.encoding);
  const decoder = chunkDecoder(label);
  const splitter = new RecordSplitter(s.delimiter, s.preamble === 1);
  let line = s.preamble + 1; // where the next record starts
  try {
    for (let final = false; !final; ) {
      const next = await nextChunk(chunks, file);
      final = next.done === true;
      const cells: string[][] = [];
      const breaks: number[] = [];
      let declined: Declined | undefined;
      if (next.done === true) {
        const rest = decoder.end();
        if (!seen.nul && rest.includes('\u0000')) seen.nul = true;
        declined = splitter.push(rest, true, cells, breaks);
      } else {
        for (const piece of decodePieces(next.value, label)) {
          const text = decoder.write(piece);
          if (!seen.nul && text.includes('\u0000')) seen.nul = true;
          // Once declined, the rest of the chunk goes to csv-parse with the declined text.
          if (declined === undefined) declined = splitter.push(text, false, cells, breaks);
          else declined.rest += text;
        }
      }
      if (cells.length > 0) {
        const batch = withLines(cells, line, breaks);
        line = batch.next;
        yield batch.out;
      }
      if (declined !== undefined) {
        seen.nul = true; // the text csv-parse reads is not looked at here, so every row is checked
        yield* csvParseRest(file, s, declined, chunks, decoder, line);
        return;
      }
    }
  } finally {
    void chunks.close();
  }
}

/**
 * Cuts a chunk into the pieces decoded one at a time: none longer than DECODE_PIECE_BYTES,
 * and cut at line feeds so that the lines holding characters beyond Latin-1 (a Ł, a curly
 * apostrophe) are decoded apart from the rest. V8 stores a string with any such character at
 * two bytes a character, and a cell sliced from it keeps that width: decoding the whole chunk
 * at once would double the memory of every cell near one. Where the cuts fall does not change
 * the text: the decoder carries a character split by a cut over to the next piece.
 */
function decodePieces(buf: Buffer, encoding: string): Buffer[] {
  const lf = encoding === 'utf-16le' ? UTF16LE_LF : UTF8_LF;
  const pieces: Buffer[] = [];
  const cut = (from: number, to: number): void => {
    for (let at = from; at < to; at += DECODE_PIECE_BYTES) pieces.push(buf.subarray(at, Math.min(to, at + DECODE_PIECE_BYTES)));
  };
  let from = 0;
  for (let i = nextWide(buf, 0, encoding); i >= 0; i = nextWide(buf, from, encoding)) {
    const before = buf.lastIndexOf(lf, i);
    const lineStart = Math.max(from, before < 0 ? 0 : before + lf.length);
    const after = buf.indexOf(lf, i);
    const end = after < 0 ? buf.length : after + lf.length;
    cut(from, lineStart);
    cut(lineStart, end);
    from = end;
  }
  cut(from, buf.length);
  return pieces;
}

const UTF8_LF = Buffer.from([0x0a]);
const UTF16LE_LF = Buffer.from([0x0a, 0x00]);

/** The first byte at or after `from` that begins a character above U+00FF, or -1. */
function nextWide(buf: Buffer, from: number, encoding: string): number {
  const n = buf.length;
  if (encoding === 'utf-8') {
    for (let i = from; i < n; i++) if (buf[i]! >= 0xc4) return i; // lead bytes of U+0100 and up
  } else if (encoding === 'windows-1252') {
    for (let i = from; i < n; i++) if (buf[i]! >= 0x80 && buf[i]! <= 0x9f) return i; // ’ “ ” – € …
  } else if (encoding === 'utf-16le') {
    for (let i = from | 1; i < n; i += 2) if (buf[i] !== 0) return i; // a code unit's high byte
  }
  return -1;
}

/** csv-parse over the declined text and the rest of the file, numbering lines from `line`. */
async function* csvParseRest(
  file: string,
  s: Sniffed,
  declined: Declined,
  chunks: AsyncIterator<Buffer>,
  decoder: ChunkDecoder,
  line: number,
): AsyncGenerator<Rec[] | Fail> {
  const parser = parse({
    delimiter: s.delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: CSV_MAX_RECORD_BYTES,
    from_line: declined.skipFirstLine ? 2 : 1,
    ...(declined.ending === undefined ? {} : { record_delimiter: declined.ending }),
  });
  async function* text(): AsyncGenerator<Buffer> {
    if (declined.rest.length > 0) yield Buffer.from(declined.rest, 'utf8');
    for (;;) {
      const next = await chunks.next();
      const t = next.done === true ? decoder.end() : decoder.write(next.value);
      if (t.length > 0) yield Buffer.from(t, 'utf8');
      if (next.done === true) return;
    }
  }
  const done = pipeline(Readable.from(text()), parser);
  done.catch(() => undefined); // errors surface through the parser below
  try {
    for await (const batch of batches<string[]>(parser)) {
      const b = withLines(batch, line);
      line = b.next;
      yield b.out;
    }
  } catch (err) {
    if (err instanceof CsvError) {
      yield { fail: failReason(err), line };
      return;
    }
    throw ioError(file, err);
  } finally {
    parser.destroy();
  }
}

/** Every record of a CSV file as read for openCsv, header and blank lines included (for tests). */
export async function* csvRecords(file: string, opts: OpenTableOptions = {}): AsyncGenerator<Rec[] | Fail> {
  yield* records(file, await sniff(file, opts.encoding));
}

function isBlank(cells: readonly string[], from = 0): boolean {
  for (let i = from; i < cells.length; i++) {
    const c = cells[i] as string;
    if (c.length > 0 && c.trim() !== '') return false;
  }
  return true;
}

function hasNul(cells: readonly string[]): boolean {
  for (const c of cells) if (c.indexOf('\u0000') >= 0) return true;
  return false;
}

/**
 * Opens a CSV file: sniffs encoding, delimiter and preamble, reads the header row, and
 * returns a Table whose `rows()` streams the data rows (each call reads the file again).
 */
export async function openCsv(file: string, opts: OpenTableOptions = {}): Promise<Table> {
  const s = await sniff(file, opts.encoding);
  let header: Rec | undefined;
  // Reads on to the first record after the header (usually in the same batch) to tell a
  // header-only export from one with rows; a reader failure there is a (rejected) row too.
  let hasData = false;
  search: for await (const batch of records(file, s)) {
    if ('fail' in batch) {
      if (header !== undefined) {
        hasData = true;
        break;
      }
      throw new InputError(`${file}: the header row could not be read (${batch.fail.split(':')[0]}); check it is a CSV export.`, file, batch.line);
    }
    for (const r of batch) {
      if (isBlank(r.cells)) continue;
      if (header === undefined) {
        header = r;
        continue;
      }
      hasData = true;
      break search;
    }
  }
  if (header === undefined) throw new InputError(`${file} has no header row (no data at all); check it is the right file.`, file);
  const headers = header.cells.map((h) => h.replace(/^\uFEFF/, '').trim());
  if (hasNul(headers)) {
    throw new InputError(`${file} does not look like a CSV or XLSX file (binary content in the header row); export the data as CSV or XLSX and try again.`, file);
  }
  const headerLine = header.line;
  const info: TableInfo = {
    file,
    format: 'csv',
    encoding: s.encoding,
    delimiter: s.delimiter,
    headers,
    headerLine,
    skippedPreamble: headerLine - 1,
    hasData,
  };
  const width = headers.length;

  async function* batches(): AsyncGenerator<(RawRow | RejectedRaw)[]> {
    const seen: TextSeen = { nul: false };
    for await (const batch of records(file, s, seen)) {
      if ('fail' in batch) {
        yield [{ line: batch.line, reason: batch.fail }];
        return;
      }
      const out: (RawRow | RejectedRaw)[] = [];
      for (const { cells, line } of batch) {
        // The header and blank lines before it are skipped exactly as in openCsv.
        if (line <= headerLine || isBlank(cells)) continue;
        if (seen.nul && hasNul(cells)) {
          out.push({ line, reason: 'row contains NUL bytes (binary data); re-export the file' });
        } else if (cells.length === width) {
          out.push({ line, values: cells });
        } else if (cells.length > width && isBlank(cells, width)) {
          out.push({ line, values: cells.slice(0, width) });
        } else {
          out.push({ line, reason: `row has ${cells.length} cells but the header has ${width}` });
        }
      }
      if (out.length > 0) yield out;
    }
  }

  return { info, rows: () => eachOf(batches()), batches };
}

/**
 * A fast record splitter for well-formed CSV text, used by read-csv.ts in front of csv-parse.
 *
 * csv-parse is the reference: it reads every file this splitter declines. The splitter reads
 * only what it can read exactly as csv-parse does with read-csv's options (relax_quotes,
 * relax_column_count, no trimming, empty lines kept as one blank cell), and stops at the first
 * record that holds anything else:
 * - a double quote inside an unquoted cell, or a closing quote followed by anything but the
 *   delimiter, the line ending or the end of the file;
 * - a line break outside quotes that is not the file's line ending (csv-parse takes the first
 *   one it meets, CRLF, LF or CR, for the whole file);
 * - a quote never closed, or a record longer than SPLIT_MAX_RECORD_CHARS.
 * The caller hands the text from that record on to csv-parse, so rows, rejects and line
 * numbers are the same either way (property-tested against csv-parse in test/io/csv-split).
 *
 * Why: csv-parse checks every byte against every option and decodes each cell separately;
 * on a national extract that was most of the load time. This loop looks for four characters
 * and slices cells out of already-decoded text.
 */

export type LineEnding = '\r\n' | '\n' | '\r';

/** A record longer than this (in UTF-16 units) is left to csv-parse and its size limit. */
export const SPLIT_MAX_RECORD_CHARS = 1 << 20;

export interface SplitState {
  /** The file's line ending once seen outside quotes; csv-parse keeps the first it meets. */
  ending: LineEnding | undefined;
}

export interface SplitResult {
  /** Where the first record not split starts: text.length when all of it was. */
  next: number;
  /**
   * True when the record at `next` holds something only csv-parse reads exactly (see above);
   * false when the text ran out mid-record (more is needed, or, when `final`, none was left).
   */
  declined: boolean;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** Line breaks (CRLF, CR or LF) in a cell: only a quoted cell can hold them. */
export function lineBreaks(cell: string): number {
  if (cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) return 0;
  return cell.match(/\r\n|\r|\n/g)?.length ?? 0;
}

/**
 * Splits complete records of `text` from `start`, appending each record's cells to `out` and
 * the line breaks inside its quoted cells to `breaks` (so a record spans 1 + that many
 * lines). `final` says no text follows (the end of the file ends the last record).
 */
export function splitRecords(
  text: string,
  start: number,
  delimiter: string,
  state: SplitState,
  final: boolean,
  out: string[][],
  breaks: number[],
): SplitResult {
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  let pos = start;
  records: while (pos < n) {
    const recordStart = pos;
    const cells: string[] = [];
    let quotedBreaks = 0;
    for (;;) {
      let c = pos < n ? text.charCodeAt(pos) : -1;
      if (c === QUOTE) {
        // Quoted cell: "" is one quote; the cell ends at a lone quote.
        let value = '';
        let from = pos + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0 || (q + 1 >= n && !final)) return stop(recordStart, n, final);
          if (q + 1 < n && text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          value += text.slice(from, q);
          pos = q + 1;
          break;
        }
        cells.push(value);
        quotedBreaks += lineBreaks(value);
        c = pos < n ? text.charCodeAt(pos) : -1;
        if (c !== delim && c !== CR && c !== LF && c !== -1) return { next: recordStart, declined: true };
      } else {
        let i = pos;
        while (i < n) {
          c = text.charCodeAt(i);
          if (c === delim || c === CR || c === LF || c === QUOTE) break;
          i++;
        }
        if (i >= n) c = -1;
        else if (c === QUOTE) return { next: recordStart, declined: true };
        cells.push(text.slice(pos, i));
        pos = i;
      }
      if (pos - recordStart > SPLIT_MAX_RECORD_CHARS) return { next: recordStart, declined: true };
      if (c === delim) {
        pos++;
        continue;
      }
      if (c === -1) {
        // The text ran out: the record is complete only at the end of the file.
        if (!final) return stop(recordStart, n, final);
        out.push(cells);
        breaks.push(quotedBreaks);
        return { next: n, declined: false };
      }
      // CR or LF outside quotes.
      if (state.ending === undefined) {
        if (c === LF) state.ending = '\n';
        else if (pos + 1 >= n) {
          if (!final) return stop(recordStart, n, final);
          state.ending = '\r';
        } else state.ending = text.charCodeAt(pos + 1) === LF ? '\r\n' : '\r';
      }
      const ending = state.ending;
      if (ending === '\n') {
        if (c !== LF) return { next: recordStart, declined: true };
        pos += 1;
      } else if (ending === '\r') {
        if (c !== CR) return { next: recordStart, declined: true };
        pos += 1;
      } else {
        if (c !== CR) return { next: recordStart, declined: true };
        if (pos + 1 >= n) {
          // A CR at the very end: csv-parse reads it as a character of the last cell.
          return final ? { next: recordStart, declined: true } : stop(recordStart, n, final);
        }
        if (text.charCodeAt(pos + 1) !== LF) return { next: recordStart, declined: true };
        pos += 2;
      }
      out.push(cells);
      breaks.push(quotedBreaks);
      continue records;
    }
  }
  return { next: n, declined: false };
}

/** The text ran out inside the record at `recordStart`. */
function stop(recordStart: number, n: number, final: boolean): SplitResult {
  // At the end of the file (a quote never closed) or past the size limit, csv-parse decides.
  return { next: recordStart, declined: final || n - recordStart > SPLIT_MAX_RECORD_CHARS };
}

/** What csv-parse is given when the splitter declines: the text from the declined record on. */
export interface Declined {
  rest: string;
  /** The line ending already taken from the file, for csv-parse's record_delimiter. */
  ending: LineEnding | undefined;
  /** True when `rest` still starts with the preamble line csv-parse must skip (from_line 2). */
  skipFirstLine: boolean;
}

/**
 * Splits a file's decoded text as it arrives in chunks, keeping the part-record at the end
 * of one chunk for the next. Once it declines (returns a Declined), it must not be pushed to
 * again: the rest of the file goes to csv-parse.
 */
export class RecordSplitter {
  private text = '';
  private pos = 0;
  private readonly state: SplitState = { ending: undefined };
  private skipFirstLine: boolean;

  /** `skipFirstLine`: the file starts with a preamble line (PowerShell's `#TYPE …`). */
  constructor(
    private readonly delimiter: string,
    skipFirstLine: boolean,
  ) {
    this.skipFirstLine = skipFirstLine;
  }

  /**
   * Adds the next chunk of text (`final` for the last); complete records go to `out`, and the
   * line breaks inside each one's quoted cells to `breaks`.
   */
  push(chunk: string, final: boolean, out: string[][], breaks: number[]): Declined | undefined {
    this.text = this.pos < this.text.length ? this.text.slice(this.pos) + chunk : chunk;
    this.pos = 0;
    if (this.skipFirstLine) {
      const t = this.text;
      let i = 0;
      while (i < t.length) {
        const c = t.charCodeAt(i);
        if (c === CR || c === LF || c === QUOTE) break;
        i++;
      }
      if (i >= t.length && !final && i <= SPLIT_MAX_RECORD_CHARS) return undefined;
      const c = i < t.length ? t.charCodeAt(i) : -1;
      // A quoted preamble, one with no line ending, or a huge one: csv-parse reads it all.
      if (c === QUOTE || c === -1 || i > SPLIT_MAX_RECORD_CHARS) return { rest: t, ending: undefined, skipFirstLine: true };
      if (c === CR && i + 1 >= t.length && !final) return undefined;
      this.state.ending = c === LF ? '\n' : t.charCodeAt(i + 1) === LF ? '\r\n' : '\r';
      this.pos = i + this.state.ending.length;
      this.skipFirstLine = false;
    }
    const r = splitRecords(this.text, this.pos, this.delimiter, this.state, final, out, breaks);
    this.pos = r.next;
    if (r.declined) return { rest: this.text.slice(r.next), ending: this.state.ending, skipFirstLine: false };
    return undefined;
  }
}

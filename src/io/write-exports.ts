/**
 * Writes synthetic exports the way the real systems do: byte order marks, PowerShell's `#TYPE`
 * line and always-quoted fields, CRLF from Windows tools, UTF-16 LE from `Export-Csv -Encoding
 * Unicode`, and an XLSX mailbox report.
 *
 * CSV lines are built by hand (no csv-stringify per row: at 5M rows its per-record machinery
 * costs more than the generator), collected in an array and joined into ~32K-character chunks
 * for the stream. For the generator, in its own small heap, array + join measured faster than
 * both `+=` ropes (whose pieces live long enough to be promoted, so the GC does the work) and
 * writing each line into a Buffer (a native call per line). The report writer measured the
 * other way and encodes each line into a reused buffer (RecycledTextWriter.appendLine): beside
 * a reconcile run's multi-GiB heap, every new Buffer and every large joined string costs a
 * collection's share, which the generator's heap does not pay. `ready()` exposes the streams'
 * backpressure so the caller waits instead of buffering a whole file in memory.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { join } from 'node:path';

export type ExportEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le';

export interface CsvFileSpec {
  file: string;
  header: readonly string[];
  encoding: ExportEncoding;
  /** Written before the header, without a line ending (e.g. `#TYPE …`). */
  preamble?: string;
  /** Quote every field, as Windows PowerShell's Export-Csv does. Otherwise only when needed. */
  quoteAll?: boolean;
  eol: '\r\n' | '\n';
}

/**
 * Characters at which a chunk is handed to the stream (≈32 KiB). A joined chunk stays under
 * V8's regular object size (128 KiB), even at two bytes a character: a larger string is
 * allocated in the large-object space. `idrecon generate --people 150000` took 4.8 s with
 * 128K-character chunks and 3.3 s with these.
 */
const CHUNK_CHARS = 1 << 15;
const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/** One CSV field: RFC 4180 quoting, always when `quoteAll`, else only when it holds , " CR or LF. */
export function csvField(v: string, quoteAll: boolean): string {
  if (quoteAll || NEEDS_QUOTES.test(v)) return `"${v.includes('"') ? v.replace(QUOTE, '""') : v}"`;
  return v;
}

const QUOTE_OR_NEWLINE = /["\r\n]/;

/**
 * One CSV line (no line ending). Fast path: join the cells natively and check the line once,
 * since almost no cell needs quotes; a per-cell regex test was most of the writer's time at
 * 5M rows × 14 cells. The line is safe unquoted when it holds no quote or newline and exactly
 * one comma per separator (so no cell holds a comma).
 */
export function csvLine(cells: readonly string[], quoteAll: boolean): string {
  if (quoteAll) {
    let plain = true;
    for (const c of cells) {
      if (c.includes('"')) {
        plain = false;
        break;
      }
    }
    if (plain) return `"${cells.join('","')}"`;
  } else {
    const line = cells.join(',');
    if (!QUOTE_OR_NEWLINE.test(line)) {
      let commas = 0;
      for (let i = line.indexOf(','); i !== -1; i = line.indexOf(',', i + 1)) commas++;
      if (commas === cells.length - 1) return line;
      // Only commas to quote (NHSmail's "SURNAME, First" display names): no regex per cell.
      let s = '';
      for (let i = 0; i < cells.length; i++) {
        const c = cells[i]!;
        s += (i === 0 ? '' : ',') + (c.includes(',') ? `"${c}"` : c);
      }
      return s;
    }
  }
  let s = csvField(cells[0] ?? '', quoteAll);
  for (let i = 1; i < cells.length; i++) s += ',' + csvField(cells[i]!, quoteAll);
  return s;
}

/**
 * csvLine(cells, false) and CRLF, as UTF-8, written into `buf` from `at`; returns the end.
 * The caller makes room first: `csvLineMaxBytes(cells)` at most. Each cell's characters are
 * copied a byte at a time while they are ASCII with nothing to quote, which is almost every
 * cell of a report; a cell that is not (a comma, quote or line break to quote, or a character
 * past ASCII) is written again from its start by Buffer's own encoder, as the whole line would
 * be. Nothing is allocated for a plain line: the report writer made a string per line and
 * encoded it, 1.36 GB of lines for a 1.5M-person run (see CsvSheetWriter).
 */
export function encodeCsvLine(cells: readonly string[], buf: Buffer, at: number): number {
  for (let i = 0; i < cells.length; i++) {
    if (i > 0) buf[at++] = 0x2c;
    at = encodeCsvCell(cells[i]!, buf, at);
  }
  buf[at++] = 0x0d;
  buf[at++] = 0x0a;
  return at;
}

/** The most bytes encodeCsvLine can write for `cells`: 3 per UTF-16 unit, quotes, commas, CRLF. */
export function csvLineMaxBytes(cells: readonly string[]): number {
  let units = 0;
  for (let i = 0; i < cells.length; i++) units += cells[i]!.length;
  return units * 3 + cells.length * 3 + 2;
}

function encodeCsvCell(s: string, buf: Buffer, start: number): number {
  let at = start;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0x80 || c === 0x22 || c === 0x2c || c === 0x0d || c === 0x0a) return encodeCsvCellSlowly(s, buf, start);
    buf[at++] = c;
  }
  return at;
}

/** csvField(s, false) from `start`: surrogate pairs and lone surrogates as Buffer encodes them. */
function encodeCsvCellSlowly(s: string, buf: Buffer, start: number): number {
  if (!NEEDS_QUOTES.test(s)) return start + buf.write(s, start);
  buf[start] = 0x22;
  let at = start + 1 + buf.write(s.includes('"') ? s.replace(QUOTE, '""') : s, start + 1);
  buf[at++] = 0x22;
  return at;
}

function encode(text: string, encoding: ExportEncoding): Buffer {
  return Buffer.from(text, encoding === 'utf-16le' ? 'utf16le' : 'utf8');
}

function bom(encoding: ExportEncoding): string {
  return encoding === 'utf-8' ? '' : '\uFEFF';
}

/** A whole CSV file as bytes (small files: the samples). */
export function csvBytes(spec: Omit<CsvFileSpec, 'file'>, rows: Iterable<readonly string[]>): Buffer {
  let text = bom(spec.encoding);
  if (spec.preamble !== undefined) text += spec.preamble + spec.eol;
  text += csvLine(spec.header, spec.quoteAll ?? false) + spec.eol;
  for (const r of rows) text += csvLine(r, spec.quoteAll ?? false) + spec.eol;
  return encode(text, spec.encoding);
}

/** Streams one CSV file in large chunks; `row` is synchronous, `ready` reports backpressure. */
export class CsvChunkWriter {
  readonly path: string;
  rows = 0;
  private parts: string[] = [];
  private chars = 0;
  private readonly stream: WriteStream;
  private readonly quoteAll: boolean;
  private readonly eol: string;
  private readonly encoding: ExportEncoding;
  private draining: Promise<void> | undefined;

  constructor(dir: string, spec: CsvFileSpec) {
    this.path = join(dir, spec.file);
    this.stream = createWriteStream(this.path);
    this.quoteAll = spec.quoteAll ?? false;
    this.eol = spec.eol;
    this.encoding = spec.encoding;
    this.parts.push(bom(spec.encoding) + (spec.preamble !== undefined ? spec.preamble + spec.eol : '') + csvLine(spec.header, this.quoteAll));
  }

  row(cells: readonly string[]): void {
    const line = csvLine(cells, this.quoteAll);
    this.parts.push(line);
    this.chars += line.length + 2;
    this.rows++;
    if (this.chars >= CHUNK_CHARS) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    // Lines are kept without endings and joined with them: no per-line concatenation.
    this.write(this.parts.join(this.eol) + this.eol);
    this.parts = [];
    this.chars = 0;
  }

  private write(text: string): void {
    const ok = this.stream.write(encode(text, this.encoding));
    if (!ok && this.draining === undefined) {
      this.draining = once(this.stream, 'drain').then(() => {
        this.draining = undefined;
      });
    }
  }

  /** Undefined when the stream can take more now; else a promise for when it can. */
  ready(): Promise<void> | undefined {
    return this.draining;
  }

  async close(): Promise<void> {
    this.flush();
    this.stream.end();
    await finished(this.stream);
  }
}

/** Opens one writer per key; the directory is created if missing. */
export function openCsvWriters<K extends string>(dir: string, specs: Readonly<Record<K, CsvFileSpec>>): Record<K, CsvChunkWriter> {
  mkdirSync(dir, { recursive: true });
  const out = {} as Record<K, CsvChunkWriter>;
  for (const k of Object.keys(specs) as K[]) out[k] = new CsvChunkWriter(dir, specs[k]);
  return out;
}

/** Waits until every writer can take more. */
export async function allReady(writers: Iterable<CsvChunkWriter>): Promise<void> {
  for (const w of writers) {
    const p = w.ready();
    if (p) await p;
  }
}

// --- The export formats -------------------------------------------------------------------------

/** What PowerShell writes first: `Get-ADUser | Export-Csv` without -NoTypeInformation. */
export const AD_TYPE_LINE = '#TYPE Microsoft.ActiveDirectory.Management.ADUser';

/** File name, encoding and quoting of each export, as the real systems write them. */
export function exportFileSpecs(headers: {
  esr: readonly string[];
  nhsmail: readonly string[];
  ad: readonly string[];
  tis: readonly string[];
  tisLogins: readonly string[];
  tableau: readonly string[];
  truth: readonly string[];
}, adEncoding: ExportEncoding): Record<keyof typeof headers, CsvFileSpec> {
  return {
    // ESR reports saved from Excel on Windows: UTF-8 with BOM, CRLF, quoted only when needed.
    esr: { file: 'esr-extract.csv', header: headers.esr, encoding: 'utf-8-bom', eol: '\r\n' },
    nhsmail: { file: 'nhsmail-mailbox-report.csv', header: headers.nhsmail, encoding: 'utf-8-bom', eol: '\r\n' },
    // Export-Csv: #TYPE line, every field quoted, CRLF; -Encoding Unicode is UTF-16 LE with BOM.
    ad: { file: 'local-ad-users.csv', header: headers.ad, encoding: adEncoding, preamble: AD_TYPE_LINE, quoteAll: true, eol: '\r\n' },
    // HEE systems' API dumps: plain UTF-8, LF.
    tis: { file: 'tis-users.csv', header: headers.tis, encoding: 'utf-8', eol: '\n' },
    tisLogins: { file: 'tis-last-logins.csv', header: headers.tisLogins, encoding: 'utf-8', eol: '\n' },
    tableau: { file: 'tableau-users.csv', header: headers.tableau, encoding: 'utf-8', eol: '\n' },
    truth: { file: 'truth.csv', header: headers.truth, encoding: 'utf-8', eol: '\n' },
  };
}

// --- XLSX ---------------------------------------------------------------------------------------

export type XlsxCell = string | number | Date;

export interface XlsxSheetSpec {
  sheet: string;
  header: readonly string[];
  rows: readonly (readonly XlsxCell[])[];
  /** Workbook created/modified: the as-of date, never the clock, so reruns match. */
  created: Date;
  /** Number format per column index for Date cells, e.g. 'yyyy-mm-dd hh:mm:ss'. */
  dateFormat?: string;
}

/**
 * Writes a one-sheet workbook (exceljs, in memory: for small files such as the samples). Strings
 * stay strings, even ones starting with "=" (exceljs writes them as text, never as formulas).
 */
export async function writeXlsx(path: string, spec: XlsxSheetSpec): Promise<void> {
  // Loaded here, not at the top: every CLI start imports this module, few write a workbook.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'NHSmail Portal';
  wb.created = spec.created;
  wb.modified = spec.created;
  const ws = wb.addWorksheet(spec.sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow([...spec.header]).font = { bold: true };
  for (const r of spec.rows) ws.addRow([...r]);
  spec.header.forEach((h, i) => {
    const col = ws.getColumn(i + 1);
    const longest = Math.max(h.length, ...spec.rows.map((r) => {
      const v = r[i];
      return v instanceof Date ? 19 : String(v ?? '').length;
    }));
    col.width = Math.min(60, longest + 2);
    if (spec.dateFormat && spec.rows.some((r) => r[i] instanceof Date)) col.numFmt = spec.dateFormat;
  });
  await wb.xlsx.writeFile(path);
}

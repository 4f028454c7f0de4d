/**
 * Writes reports (the ReportWriter side of src/io): one XLSX workbook through exceljs's
 * streaming WorkbookWriter (its data rows as XML built by xlsx-rows.ts, the bytes exceljs
 * would write) and/or one CSV per sheet (csv-stringify's bytes, built by csvLine), and the
 * report's JSON. Rows stream from each sheet's `rows()`, read once for both formats; nothing
 * holds a whole sheet in memory.
 *
 * Safety rules, the same for every file written here:
 * - Each file is written to `.<name>.tmp-<pid>` in the output directory, and a report's files
 *   are renamed into place together once all are complete; on error the temp files are
 *   removed and the previous report's files are left as they were. A killed run can leave
 *   dot-temp files, never a half report under the final names (`removeTempFilesSync` lets a
 *   signal handler clean up).
 * - Before anything is written, a path that resolves to one of the inputs is refused.
 * - Files are created 0600 (owner only: reports hold personal data) unless `shareMode`, when
 *   the umask decides (0666 & ~umask); a directory created for them is 0700 / umask likewise.
 * - Text cells go through `neutraliseFormula`; numbers, dates and booleans are typed cells.
 * - XLSX text longer than Excel's 32,767 characters a cell is cut, saying so in the cell (Excel
 *   would otherwise call the workbook damaged); the CSV keeps the whole value.
 */
import { once } from 'node:events';
import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type ExcelJS from 'exceljs';
import { InputError, OutputError } from '../errors.js';
import { neutraliseFormula } from '../core/safe-cell.js';
import { loadExcelJs } from './read-xlsx.js';
import { RecycledTextWriter } from './recycled-text-writer.js';
import { csvLine, csvLineMaxBytes, encodeCsvLine } from './write-exports.js';
import { directRows, type XlsxCellValue } from './xlsx-rows.js';
import { useNativeZipCrc } from './zip-crc.js';
import type { Cell, ColumnKind, ColumnSpec, ReportOptions, SheetData, XlsxRowsVia } from './report.js';

/** Excel's 1,048,576 rows per sheet, less the header row. */
export const XLSX_MAX_DATA_ROWS = 1_048_575;
/** Excel's limit on sheet-name length. */
export const SHEET_NAME_MAX = 31;
/** Excel's limit on the characters (UTF-16 code units) in one cell. */
export const XLSX_MAX_CELL_CHARS = 32_767;

const XLSX_DATE_FMT = 'yyyy-mm-dd';
const XLSX_DATETIME_FMT = 'yyyy-mm-dd hh:mm';
/** Light red, as Excel's "Light Red Fill" conditional format. */
const FLAG_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } };
const MAX_AUTO_WIDTH = 60;
/**
 * Rows between turns of the event loop (and checks of the zip backlog; see MAX_ZIP_BACKLOG).
 * The zip deflates in the thread pool, but each of its chunks needs a callback on this thread
 * before the next is sent: while rows are being built the deflate waits, so the turns must be
 * frequent (25 rows are about 14 KB of XML). `idrecon bench --people 150000 --xlsx` gives the
 * workbook's time: 8.5 s with a turn every 250 rows, 5.9 s with one every 25 and the native
 * CRC-32 (zip-crc.ts), most of it from this.
 */
const YIELD_EVERY_ROWS = 25;
/**
 * Output chunk of the zip's deflate (zlib's default is 16 KiB): fewer round trips between the
 * thread pool and this thread per megabyte. exceljs's archiver keeps its fastest level (1).
 */
const ZIP_CHUNK_BYTES = 256 * 1024;

// ---------------------------------------------------------------------------------------------
// Paths, refusal, temp-and-rename

/** Resolves a path for comparison: realpath where it exists, else its real parent + name. */
async function canonicalPath(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    try {
      return join(await realpath(dirname(p)), basename(p));
    } catch {
      return resolve(p);
    }
  }
}

async function sameFile(a: string, b: string): Promise<boolean> {
  if ((await canonicalPath(a)) === (await canonicalPath(b))) return true;
  try {
    const [sa, sb] = await Promise.all([stat(a), stat(b)]);
    return sa.dev === sb.dev && sa.ino === sb.ino; // hard links, case-insensitive file systems
  } catch {
    return false;
  }
}

/** Throws InputError when any output would overwrite an input. Writes nothing. */
export async function refuseInputs(outputs: readonly string[], inputs: readonly string[]): Promise<void> {
  for (const out of outputs) {
    for (const input of inputs) {
      if (await sameFile(out, input)) {
        throw new InputError(`Refusing to write ${out}: it is the input file ${input}; choose another --out directory.`, input);
      }
    }
  }
}

/** A file-system error (it has an errno code such as ENOSPC), as opposed to a bug or a producer's error. */
function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/**
 * One sentence for a report (`what` 'file') or its --out directory (`what` 'dir') that could not
 * be written; never the raw errno message alone.
 */
function outputError(path: string, code: string, what: 'file' | 'dir'): OutputError {
  switch (code) {
    case 'EEXIST':
    case 'ENOTDIR':
      if (what === 'dir') {
        return new OutputError(`Cannot write reports to ${path}: a file is in the way of the --out directory; choose another --out directory.`);
      }
      return new OutputError(`Cannot write ${path} (${code}); check the --out directory and try again.`);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new OutputError(`Cannot write ${path}: permission denied; choose an --out directory you can write to.`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new OutputError(`Cannot write ${path}: the disk is full; free some space or choose another --out directory.`);
    default:
      return new OutputError(`Cannot write ${path} (${code}); check the --out directory and try again.`);
  }
}

async function ensureDir(dir: string, shareMode: boolean | undefined): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: shareMode ? 0o777 : 0o700 });
  } catch (err) {
    const code = errnoCode(err);
    throw code === undefined ? err : outputError(dir, code, 'dir');
  }
}

const activeTemps = new Set<string>();

/** Removes temp files of writes still in progress (for a SIGINT/SIGTERM handler). */
export function removeTempFilesSync(): void {
  for (const t of activeTemps) rmSync(t, { force: true });
  activeTemps.clear();
}

export function tempPathFor(final: string): string {
  return join(dirname(final), `.${basename(final)}.tmp-${process.pid}`);
}

/**
 * Bytes of CSV a report may have on their way to the disk before the writer waits (in
 * RecycledTextWriter's slots). With Node's default stream buffer (16 KiB), less than one batch
 * of CSV lines, each batch waited for the disk before the next was built: the writing thread
 * and the disk took turns. With room for a few megabytes, rows are built while the previous
 * batches are written. The XLSX workbook's stream keeps Node's default: its zip already runs
 * beside the rows, and a larger buffer measured no faster there.
 */
const CSV_IN_FLIGHT_BYTES = 4 * 1024 * 1024;

/** A file written under a temp name beside its final path, not yet in place. */
interface TempFile {
  /** Renames the file into place (an error as one sentence; the temp file removed). */
  commit(): Promise<void>;
  /** Removes the temp file instead. */
  discard(): Promise<void>;
}

/**
 * Runs `write` on a stream to a temp file beside `final`; the file is renamed into place only
 * by the result's `commit`. `write` must resolve only once the stream has finished. Removes
 * the temp file on any error.
 */
async function writeToTemp(
  final: string,
  shareMode: boolean | undefined,
  write: (out: WriteStream) => Promise<void>,
): Promise<TempFile> {
  const tmp = tempPathFor(final);
  await rm(tmp, { force: true }); // a stale temp would keep its old mode
  activeTemps.add(tmp);
  const out = createWriteStream(tmp, { flags: 'wx', mode: shareMode ? 0o666 : 0o600 });
  const fail = async (err: unknown): Promise<never> => {
    await rm(tmp, { force: true });
    activeTemps.delete(tmp);
    const code = errnoCode(err);
    throw code === undefined ? err : outputError(final, code, 'file');
  };
  try {
    await write(out);
    if (!out.closed) await once(out, 'close'); // the descriptor is released before the rename
  } catch (err) {
    out.on('error', () => undefined); // late writes from an abandoned zip must not crash the run
    out.destroy();
    // The file is opened asynchronously: removing it before the open has finished (a producer
    // failing on its first row) would leave the temp file behind.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    return fail(err);
  }
  return {
    commit: async () => {
      try {
        await rename(tmp, final);
        activeTemps.delete(tmp);
      } catch (err) {
        await fail(err);
      }
    },
    discard: async () => {
      await rm(tmp, { force: true });
      activeTemps.delete(tmp);
    },
  };
}

/** Rejects when `out` emits 'error' (so a full disk does not leave a write waiting forever). */
function failureOf(out: WriteStream): { promise: Promise<never>; check: () => void } {
  let error: unknown;
  const promise = new Promise<never>((_, reject) => {
    out.once('error', (e) => {
      error = e;
      reject(e);
    });
  });
  promise.catch(() => undefined);
  return {
    promise,
    check: () => {
      if (error !== undefined) throw error;
    },
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Uncompressed sheet XML allowed to wait for the zip before rows pause (bytes). Kept small so
 * the XML's buffers are deflated while young: buffers that wait long enough to be promoted are
 * freed only by a full collection, and V8 counts their memory as external, starting a full
 * collection for every few tens of MB of it ("external memory pressure"). With 8 MiB (and a
 * check every 1,000 rows), an XLSX run of 1.5M people (`--trace-gc --trace-incremental-marking`)
 * had 87 full collections of its multi-GiB heap, 83 of them for external memory, with 156 s
 * of marking on the main thread; with 1 MiB (and a check every 250 rows), 12 in all (7), and
 * the run took 203 s instead of 412 s. At 150,000 people writing was no slower.
 */
const MAX_ZIP_BACKLOG = 1024 * 1024;

/**
 * Bytes of a sheet's XML waiting for the zip. exceljs's streaming writer ignores backpressure:
 * each sheet writes into a PassThrough in front of the archiver that buffers without limit
 * (about 400 MB per million rows otherwise). This reads that PassThrough's internal state;
 * if a later exceljs changes it, this returns 0 and writing simply goes unthrottled.
 */
export function zipBacklog(ws: ExcelJS.Worksheet): number {
  const pipe = (ws as unknown as { _stream?: { pipes?: unknown[] } })._stream?.pipes?.[0] as
    | { _writableState?: { length?: unknown } }
    | undefined;
  const bytes = pipe?._writableState?.length;
  return typeof bytes === 'number' ? bytes : 0;
}

/** Lets the zip and file streams catch up: at least one turn of the event loop. */
async function drainZip(ws: ExcelJS.Worksheet): Promise<void> {
  await tick();
  // Polled rather than awaiting 'drain': the PassThrough is exceljs's, and listeners left on
  // it by a race would pile up.
  while (zipBacklog(ws) > MAX_ZIP_BACKLOG) await sleep(1);
}

// ---------------------------------------------------------------------------------------------
// Cell conversion

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

/** A Date from a Date, an epoch-ms number or an ISO 8601 string (dates as UTC midnight). */
export function toDate(v: Cell): Date | undefined {
  let d: Date | undefined;
  if (v instanceof Date) d = v;
  else if (typeof v === 'number') d = new Date(v);
  else if (typeof v === 'string') {
    const s = v.trim();
    const m = ISO_DATE.exec(s);
    if (m) d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    else if (ISO_DATETIME.test(s)) d = new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);
  }
  return d !== undefined && Number.isFinite(d.getTime()) ? d : undefined;
}

const isoDate = (d: Date): string => d.toISOString().slice(0, 10);
const isoDateTime = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;
const isMidnightUtc = (d: Date): boolean => d.getTime() % 86_400_000 === 0;

/** Text for a cell in a text column, or for a value a typed column cannot take. */
function asText(v: Exclude<Cell, null | undefined>): string {
  if (typeof v === 'string') return neutraliseFormula(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return Number.isFinite(v.getTime()) ? (isMidnightUtc(v) ? isoDate(v) : isoDateTime(v)) : '';
}

const NUMERIC = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseBool(v: string): boolean | undefined {
  const s = v.trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  return undefined;
}

/** Text cut to fit one Excel cell, ending with a note of how long it was. */
export function fitXlsxCell(s: string): string {
  if (s.length <= XLSX_MAX_CELL_CHARS) return s;
  const note = ` … [cut to fit Excel: ${s.length} characters in all, see the CSV]`;
  let end = XLSX_MAX_CELL_CHARS - note.length;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // never split a surrogate pair
  return s.slice(0, end) + note;
}

/** The value exceljs stores for a cell of `kind`. */
export function xlsxValue(v: Cell, kind: ColumnKind): string | number | boolean | Date | null {
  const x = xlsxTypedValue(v, kind);
  return typeof x === 'string' ? fitXlsxCell(x) : x;
}

function xlsxTypedValue(v: Cell, kind: ColumnKind): string | number | boolean | Date | null {
  if (v === null || v === undefined || v === '') return null;
  switch (kind) {
    case 'number':
      if (typeof v === 'number') return Number.isFinite(v) ? v : null;
      if (typeof v === 'string' && NUMERIC.test(v.trim())) return Number(v.trim());
      return asText(v);
    case 'date':
    case 'datetime': {
      const d = toDate(v);
      return d ?? (typeof v === 'number' ? null : asText(v));
    }
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string') return parseBool(v) ?? asText(v);
      return asText(v);
    default:
      return asText(v);
  }
}

/** The text a CSV report holds for a cell of `kind` (before quoting). */
export function csvValue(v: Cell, kind: ColumnKind): string {
  if (v === null || v === undefined) return '';
  if (kind === 'date' || kind === 'datetime') {
    const d = toDate(v);
    if (d !== undefined) return kind === 'date' ? isoDate(d) : isoDateTime(d);
    return typeof v === 'number' ? '' : asText(v);
  }
  if (kind === 'number' && typeof v === 'string' && NUMERIC.test(v.trim())) return v.trim();
  if (kind === 'boolean' && typeof v === 'string') {
    const b = parseBool(v);
    if (b !== undefined) return b ? 'TRUE' : 'FALSE';
  }
  return asText(v);
}

// ---------------------------------------------------------------------------------------------
// Sheet names

/** Excel sheet name: no []:*?/\, no leading/trailing apostrophe, 1..31 characters. */
export function sanitiseSheetName(name: string): string {
  let s = name.replace(/[[\]:*?/\\]/g, '').replace(/^'+|'+$/g, '').trim();
  if (s === '') s = 'Sheet';
  if (s.toLowerCase() === 'history') s = 'History_'; // reserved by Excel
  return s.slice(0, SHEET_NAME_MAX);
}

/** Name of part `part` (1-based) of a sheet: "Name", then "Name (2)", base cut to fit 31. */
export function sheetPartName(name: string, part: number): string {
  const base = sanitiseSheetName(name);
  if (part <= 1) return base;
  const suffix = ` (${part})`;
  return `${base.slice(0, SHEET_NAME_MAX - suffix.length).trimEnd()}${suffix}`;
}

/**
 * What the Summary sheet says about a sheet of `rows` data rows: nothing when it fits one
 * worksheet, else which worksheets hold it (split at Excel's 1,048,576-row limit).
 */
export function splitNote(name: string, rows: number, maxRows = XLSX_MAX_DATA_ROWS): string {
  if (rows <= maxRows) return '';
  const parts = Math.ceil(rows / maxRows);
  const names = Array.from({ length: parts }, (_, k) => `"${sheetPartName(name, k + 1)}"`);
  return `split across ${parts} worksheets (${names.join(', ')}) at Excel's 1,048,576-row limit, ${maxRows.toLocaleString('en-GB')} data rows each`;
}

function uniqueName(wanted: string, used: Set<string>): string {
  let name = wanted;
  for (let k = 2; used.has(name.toLowerCase()); k++) {
    const suffix = `~${k}`;
    name = `${wanted.slice(0, SHEET_NAME_MAX - suffix.length)}${suffix}`;
  }
  used.add(name.toLowerCase());
  return name;
}

export function columnWidth(c: ColumnSpec): number {
  if (c.width !== undefined) return c.width;
  const min = c.kind === 'datetime' ? 17 : c.kind === 'date' ? 12 : c.kind === 'boolean' ? 8 : 10;
  return Math.min(MAX_AUTO_WIDTH, Math.max(min, c.header.length + 2));
}

// ---------------------------------------------------------------------------------------------
// XLSX

/**
 * The workbook, to a temp file until committed. Sheets in `csvPaths` have their CSV written in
 * the same pass over their rows (each row built once for both files); those CSV files are
 * added to `csvDone` as they finish, to be committed or discarded with the workbook.
 */
async function writeXlsx(
  final: string,
  opts: ReportOptions,
  maxRows: number,
  csvPaths: ReadonlyMap<SheetData, string>,
  csvDone: TempFile[],
): Promise<TempFile> {
  const { stream } = await loadExcelJs();
  useNativeZipCrc();
  return writeToTemp(final, opts.shareMode, async (out) => {
    const failed = failureOf(out);
    const wb = new stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: true,
      useSharedStrings: false,
      zip: { zlib: { chunkSize: ZIP_CHUNK_BYTES } },
    });
    wb.creator = 'idrecon';
    wb.lastModifiedBy = 'idrecon';
    wb.created = opts.asOf;
    wb.modified = opts.asOf;
    const used = new Set<string>();
    const via = opts.xlsxRowsVia ?? 'direct';
    for (const sheet of opts.sheets) {
      const csvPath = csvPaths.get(sheet);
      if (csvPath === undefined) {
        await writeXlsxSheet(wb, sheet, maxRows, used, failed.check, via);
        continue;
      }
      const csvFile = await writeToTemp(csvPath, opts.shareMode, async (csvOut) => {
        const csv = new CsvSheetWriter(sheet, csvOut);
        await writeXlsxSheet(wb, sheet, maxRows, used, failed.check, via, csv);
        await csv.end();
      });
      csvDone.push(csvFile);
    }
    await Promise.race([wb.commit(), failed.promise]);
  });
}

/** A column's cell style: a number format for dates. */
function columnStyle(c: ColumnSpec): Partial<ExcelJS.Style> {
  return c.kind === 'date' ? { numFmt: XLSX_DATE_FMT } : c.kind === 'datetime' ? { numFmt: XLSX_DATETIME_FMT } : {};
}

function addPart(wb: ExcelJS.stream.xlsx.WorkbookWriter, sheet: SheetData, part: number, used: Set<string>): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(uniqueName(sheetPartName(sheet.name, part), used), {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }],
  });
  const n = sheet.columns.length;
  ws.columns = sheet.columns.map((c) => ({ width: columnWidth(c), style: columnStyle(c) }));
  if (n > 0) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: n } };
  const header = ws.addRow(sheet.columns.map((c) => neutraliseFormula(c.header)));
  header.font = { bold: true };
  header.commit();
  return ws;
}

/** Per column, per cell value type: the one style object its cells share. */
type SharedStyles = Map<ExcelJS.ValueType, Partial<ExcelJS.Style>>[];

/**
 * exceljs gives every cell a new style object and works out its style id from scratch (render
 * and look up) unless it has seen that object before. Cells of one column and value type have
 * the same style, so they are given one shared object: the same style ids and sheet XML, with
 * the style work done once per column instead of once per cell (a quarter of the XLSX writing
 * time). Flagged rows (with a fill) keep their own objects.
 */
function shareStyles(row: ExcelJS.Row, shared: SharedStyles): void {
  row.eachCell((cell, col) => {
    const byType = shared[col - 1];
    if (byType === undefined) return;
    let style = byType.get(cell.type);
    if (style === undefined) byType.set(cell.type, (style = { ...cell.style }));
    cell.style = style;
  });
}

async function writeXlsxSheet(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  sheet: SheetData,
  maxRows: number,
  used: Set<string>,
  check: () => void,
  rowsVia: XlsxRowsVia,
  csv?: CsvSheetWriter,
): Promise<void> {
  const kinds = sheet.columns.map((c) => c.kind ?? 'text');
  const columnStyles = sheet.columns.map(columnStyle);
  let part = 1;
  let ws = addPart(wb, sheet, part, used);
  // Rows as XML straight into the sheet's stream (xlsx-rows.ts), else through exceljs's rows
  // (with one style object per column and value type: shareStyles).
  let direct = rowsVia === 'direct' ? directRows(wb, ws, columnStyles, FLAG_FILL) : undefined;
  let shared: SharedStyles | undefined;
  let inPart = 0;
  let written = 0;
  // The direct path reads a row's values before add returns: one array for the whole sheet.
  const reused: XlsxCellValue[] = kinds.map(() => undefined);
  /** Writes one row; true when it is time to let the zip catch up. */
  const writeRow = (row: Cell[]): boolean => {
    if (inPart === maxRows) {
      direct?.flush();
      ws.commit();
      ws = addPart(wb, sheet, ++part, used);
      if (direct !== undefined) direct = directRows(wb, ws, columnStyles, FLAG_FILL);
      inPart = 0;
    }
    const flagged = sheet.flagRow?.(row) === true;
    const values = direct !== undefined ? reused : kinds.map((): XlsxCellValue => undefined);
    for (let i = 0; i < kinds.length; i++) {
      const v = xlsxValue(row[i], kinds[i]!);
      // Flagged rows need a cell in every column so the fill covers the whole row.
      values[i] = v === null && !flagged ? undefined : v;
    }
    if (direct !== undefined) {
      // Row 1 is the header.
      direct.add(inPart + 2, values, flagged);
    } else {
      const r = ws.addRow(values);
      if (flagged) r.fill = FLAG_FILL;
      else shareStyles(r, (shared ??= kinds.map(() => new Map())));
      r.commit();
    }
    inPart++;
    return ++written % YIELD_EVERY_ROWS === 0;
  };
  const catchUp = async (): Promise<void> => {
    direct?.flush();
    check();
    await drainZip(ws);
  };
  // With `csv`, the same row also goes to the sheet's CSV file.
  await eachRow(sheet, (row) => {
    const due = writeRow(row);
    const full = csv?.add(row) === true;
    if (!due && !full) return undefined;
    return (async () => {
      if (full) await csv!.flush();
      if (due) await catchUp();
    })();
  });
  direct?.flush();
  ws.commit();
  check();
}

// ---------------------------------------------------------------------------------------------
// CSV

/**
 * Bytes of CSV lines gathered in a slot before it goes to the stream. A slot filled past this
 * is handed on at the next `flush`, which the caller awaits once `add` says it is due.
 */
const CSV_SLOT_BYTES = 256 * 1024;
const CSV_FLUSH_AT = 192 * 1024;

/**
 * One CSV file's lines: UTF-8 with BOM, CRLF, RFC 4180 quoting only where a cell holds a comma,
 * quote or line break. Lines are built by `csvLine` (shared with the generator's exports), not
 * by csv-stringify: its per-field machinery (several small arrays per cell) was a third of the
 * write phase at national size (51 s of 163 s for 1.5M people). A property test checks the
 * bytes are csv-stringify's for any cells. A row's line is encoded straight into the writer's
 * slot (`encodeCsvLine` through RecycledTextWriter.appendWith, csvLine's bytes), with no string
 * made of it, nor joined with others; only a line that finds no room waits as a string.
 * Exported for its tests.
 */
export class CsvSheetWriter {
  private readonly failed: { promise: Promise<never>; check: () => void };
  private readonly kinds: ColumnKind[];
  /** One cells array for the whole file, not a new one per row (8.5M rows at national size). */
  private readonly cells: string[];
  /**
   * Lines that did not fit the open slot (or found none free), and any made after them before
   * the flush that writes them, in order.
   */
  private readonly waiting: string[] = [];
  /** The stream's buffer, as slots used again (see RecycledTextWriter). */
  private readonly writer: RecycledTextWriter;

  constructor(
    sheet: SheetData,
    private readonly out: WriteStream,
  ) {
    this.failed = failureOf(out);
    this.kinds = sheet.columns.map((c) => c.kind ?? 'text');
    this.cells = this.kinds.map(() => '');
    this.writer = new RecycledTextWriter(out, CSV_IN_FLIGHT_BYTES / CSV_SLOT_BYTES, CSV_SLOT_BYTES);
    // The header goes first, into an empty slot: only a header longer than a slot would wait.
    const header = `\uFEFF${csvLine(sheet.columns.map((c) => neutraliseFormula(c.header)), false)}`;
    if (!this.writer.appendLine(header)) this.waiting.push(header);
  }

  /** Adds a row's line; true when `flush` is due. */
  add(row: readonly Cell[]): boolean {
    const { cells, kinds } = this;
    for (let i = 0; i < kinds.length; i++) cells[i] = csvValue(row[i], kinds[i]!);
    if (this.waiting.length === 0 && this.writer.appendWith(csvLineMaxBytes(cells), encodeCsvLine, cells)) return this.writer.pending >= CSV_FLUSH_AT;
    this.waiting.push(csvLine(cells, false));
    return true;
  }

  async flush(): Promise<void> {
    this.failed.check();
    this.writer.flush();
    for (const line of this.waiting.splice(0)) await this.writer.write(`${line}\r\n`, this.failed.promise);
    await this.writer.ready(this.failed.promise);
  }

  /** Writes what is left and resolves once the file stream has finished. */
  async end(): Promise<void> {
    await this.flush();
    this.out.end();
    await Promise.race([once(this.out, 'finish'), this.failed.promise]);
  }
}

/** One CSV file of `sheet`, to a temp file until committed. */
async function writeCsv(final: string, sheet: SheetData, shareMode: boolean | undefined): Promise<TempFile> {
  return writeToTemp(final, shareMode, async (out) => {
    const csv = new CsvSheetWriter(sheet, out);
    await eachRow(sheet, (row) => (csv.add(row) ? csv.flush() : undefined));
    await csv.end();
  });
}

/**
 * Calls `step` on each of the sheet's rows in order, awaiting it only when it returns a
 * promise. The tables' rows are a plain (synchronous) iterable, walked by a plain loop:
 * `for await` would cost a promise a row.
 */
async function eachRow(sheet: SheetData, step: (row: Cell[]) => Promise<void> | undefined): Promise<void> {
  const rows = sheet.rows();
  if (Symbol.iterator in rows) {
    for (const row of rows) {
      const wait = step(row);
      if (wait !== undefined) await wait;
    }
  } else {
    for await (const row of rows) {
      const wait = step(row);
      if (wait !== undefined) await wait;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points

/**
 * Writes the XLSX workbook and/or CSV files of a report, and its JSON when `opts.json` gives it;
 * returns the paths of the workbook and CSV files written.
 */
export async function writeReport(opts: ReportOptions): Promise<string[]> {
  const maxRows = Math.min(XLSX_MAX_DATA_ROWS, Math.max(1, Math.floor(opts.maxRowsPerSheet ?? XLSX_MAX_DATA_ROWS)));
  const xlsxPath = opts.formats.has('xlsx') ? join(opts.outDir, `${opts.workbook}.xlsx`) : undefined;
  const csvJobs = opts.formats.has('csv')
    ? opts.sheets.flatMap((s) => (s.csvName === undefined ? [] : [{ sheet: s, path: join(opts.outDir, s.csvName) }]))
    : [];
  const outputs = [...(xlsxPath ? [xlsxPath] : []), ...csvJobs.map((j) => j.path)];
  const json = opts.formats.has('json') ? [join(opts.outDir, opts.jsonName ?? 'summary.json')] : [];
  await refuseInputs([...outputs, ...json], opts.inputs);
  const jsonValue = opts.json;
  if (outputs.length === 0 && (json.length === 0 || jsonValue === undefined)) return [];
  await ensureDir(opts.outDir, opts.shareMode);
  // Every file goes to a temp name first, and all are renamed into place once all are written:
  // a failure leaves the previous report's files as they were, none half-replaced.
  const done: TempFile[] = [];
  try {
    if (xlsxPath) {
      // The CSV files are written in the workbook's pass over each sheet's rows.
      const csvDone: TempFile[] = [];
      try {
        const workbook = await writeXlsx(xlsxPath, opts, maxRows, new Map(csvJobs.map((j) => [j.sheet, j.path])), csvDone);
        done.push(workbook);
      } finally {
        done.push(...csvDone);
      }
    } else {
      for (const job of csvJobs) done.push(await writeCsv(job.path, job.sheet, opts.shareMode));
    }
    if (json.length > 0 && jsonValue !== undefined) {
      const text = `${JSON.stringify(jsonValue(outputs), null, 2)}\n`;
      done.push(await writeToTemp(json[0]!, opts.shareMode, (out) => endWith(out, text)));
    }
  } catch (err) {
    for (const f of done) await f.discard();
    throw err;
  }
  for (let k = 0; k < done.length; k++) {
    try {
      await done[k]!.commit();
    } catch (err) {
      for (const f of done.slice(k + 1)) await f.discard();
      throw err;
    }
  }
  return outputs;
}

/** Writes `text` as the whole of `out`; resolves once the stream has finished. */
async function endWith(out: WriteStream, text: string): Promise<void> {
  const failed = failureOf(out);
  out.end(text);
  await Promise.race([once(out, 'finish'), failed.promise]);
}


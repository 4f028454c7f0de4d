/**
 * XLSX adapter for the Table interface, on exceljs's streaming WorkbookReader: rows arrive one
 * at a time and the workbook is never loaded whole (shared strings are cached, as exceljs needs
 * them to resolve cells).
 *
 * Cells become strings: dates → `YYYY-MM-DD` at UTC midnight, else full ISO 8601; numbers →
 * their shortest form (`String(n)`, so 12345 not 12345.0); rich text → its plain text; formulas
 * → their cached result; hyperlinks → their text; booleans → TRUE/FALSE; errors → ''.
 * The header is the first row with any value; `line` is the sheet row number. Rows with no
 * values are not rows (as blank lines in CSV). Values in columns right of the last header cell
 * make the row a reject (they would otherwise be dropped silently).
 *
 * 1904 date system: workbook.xml is read before the sheet whatever the zip's order, so its
 * `date1904` flag holds for exceljs's date cells; formula results in date cells are converted
 * here with the same flag.
 */
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { CellValue, Row } from 'exceljs';
import { InputError } from '../errors.js';
import { readHead } from './read-csv.js';
import { openZip } from './zip.js';
import { batchesOf, type OpenTableOptions, type RawRow, type RejectedRaw, type Table, type TableInfo } from './table.js';

/**
 * exceljs, loaded on first use: it takes about 0.4 s to load, which every run (errors and
 * --help included) would otherwise pay whether or not it touches a workbook.
 */
let exceljs: Promise<typeof ExcelJS> | undefined;
export function loadExcelJs(): Promise<typeof ExcelJS> {
  return (exceljs ??= import('exceljs').then((m) => m.default));
}

export const ZIP_MAGIC = [0x50, 0x4b] as const;
export const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0] as const;

export function notXlsxError(file: string, why: string): InputError {
  return new InputError(`${file} is not a valid .xlsx workbook (${why}); re-save it from Excel as .xlsx, or export CSV.`, file);
}

export function encryptedError(file: string): InputError {
  return new InputError(
    `${file} is password-protected or encrypted (or a legacy .xls workbook); save an unprotected copy as .xlsx or CSV and try again.`,
    file,
  );
}

const MS_PER_DAY = 86_400_000;
/** Rows a `batches()` batch holds: the sheet's XML is read row by row, so this only groups them. */
const XLSX_BATCH_ROWS = 1000;
/** Days from Excel's epoch (1899-12-30, 1900 system) to 1970-01-01. */
const EXCEL_EPOCH_OFFSET_DAYS = 25_569;
/** The 1904 system counts from 1904-01-01: 1462 days later than the 1900 system. */
const DATE1904_OFFSET_DAYS = 1_462;

function excelSerialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - EXCEL_EPOCH_OFFSET_DAYS + (date1904 ? DATE1904_OFFSET_DAYS : 0)) * MS_PER_DAY));
}

/** A number format that shows a date or time (y, m, d, h, s outside quotes and brackets). */
function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  const bare = fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return /[ymdhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

export function dateToIso(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/** One cell's value as a string, per the rules in the file comment. */
export function cellToString(value: CellValue | undefined, numFmt: string | undefined, date1904: boolean, formulaResult = false): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    // exceljs turns plain date cells into Dates itself; a formula's cached result stays a number.
    return formulaResult && isDateFormat(numFmt) ? dateToIso(excelSerialToDate(value, date1904)) : String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateToIso(value);
  const v = value as unknown as Record<string, unknown>;
  if ('error' in v) return '';
  if (Array.isArray(v['richText'])) {
    return (v['richText'] as Array<{ text?: unknown }>).map((r) => (typeof r.text === 'string' ? r.text : '')).join('');
  }
  if ('formula' in v || 'sharedFormula' in v || 'result' in v) {
    return cellToString(v['result'] as CellValue | undefined, numFmt, date1904, true);
  }
  if ('text' in v) return cellToString(v['text'] as CellValue | undefined, numFmt, date1904);
  return '';
}

interface SheetRow {
  line: number;
  /** Cells 1..last non-empty, as strings. */
  values: string[];
}

function rowValues(row: Row, date1904: boolean): string[] {
  const out: string[] = [];
  row.eachCell({ includeEmpty: false }, (cell, col) => {
    const s = cellToString(cell.value, cell.numFmt, date1904);
    if (s === '') return;
    while (out.length < col - 1) out.push('');
    out[col - 1] = s;
  });
  return out;
}

/**
 * The parts of exceljs's streaming WorkbookReader used here. Its `parse()` walks the zip in
 * stored order, and on Node 18+ that pass races: it can lose `xl/workbook.xml` (which exceljs
 * and other writers store last), then throws "reading 'sheets'" or never settles, and a sheet
 * parked in a temp file can crash the process on ENOENT (exceljs #3064, #1753; measured here
 * at about one read in thirty of a two-sheet workbook). So the container is read through its
 * central directory instead (as the upstream fix, PR #3065, does), and the reader's own part
 * parsers are fed the parts in the order they depend on: relationships, workbook, shared
 * strings, styles, then only the one sheet wanted. These are exceljs 4.4.0's internal methods;
 * the version is pinned, and the XLSX tests read through them.
 */
interface WorkbookPartReader {
  model?: { sheets?: Array<{ name: string; rId: string }> };
  workbookRels?: Array<{ Id: string; Target: string }>;
  properties?: { model?: { date1904?: boolean } };
  _parseRels(part: Readable): Promise<void>;
  _parseWorkbook(part: Readable): Promise<void>;
  _parseSharedStrings(part: Readable): AsyncIterable<unknown>;
  _parseStyles(part: Readable): Promise<void>;
  _parseWorksheet(part: Readable, sheetNo: string): Iterator<{ value: StreamingWorksheetReader }>;
}
interface StreamingWorksheetReader {
  name: string;
  [Symbol.asyncIterator](): AsyncIterator<Row>;
}

/** The path of a workbook relationship's target inside the zip (targets are relative to xl/). */
function partPath(target: string): string {
  return target.startsWith('/') ? target.slice(1) : posix.normalize(`xl/${target}`);
}

/**
 * Streams the rows of one sheet (the first, or `sheet`) that hold any value. The first call
 * of `onSheet` receives the sheet name; throws InputError for unknown sheets or bad files.
 */
async function* sheetRows(file: string, sheet: string | undefined, onSheet: (name: string) => void): AsyncGenerator<SheetRow> {
  const [{ stream }, zip] = await Promise.all([loadExcelJs(), openZip(file).catch(() => undefined)]);
  if (zip === undefined) throw notXlsxError(file, 'the zip container could not be read');
  const reader = new stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'ignore',
  }) as unknown as WorkbookPartReader;
  let inRows = false;
  try {
    const rels = zip.part('xl/_rels/workbook.xml.rels');
    const book = zip.part('xl/workbook.xml');
    if (rels === undefined || book === undefined) throw notXlsxError(file, 'it has no workbook part');
    await reader._parseRels(rels);
    await reader._parseWorkbook(book);
    const strings = zip.part('xl/sharedStrings.xml');
    if (strings !== undefined) for await (const _ of reader._parseSharedStrings(strings));
    const styles = zip.part('xl/styles.xml');
    if (styles !== undefined) await reader._parseStyles(styles);

    const sheets = reader.model?.sheets ?? [];
    const names = sheets.map((s) => s.name);
    let target: string | undefined;
    if (sheet === undefined) target = names[0];
    else {
      target = names.find((n) => n === sheet) ?? names.find((n) => n.toLowerCase() === sheet.toLowerCase());
      if (target === undefined) {
        throw new InputError(`${file} has no sheet named "${sheet}"; check --sheet: sheets found: ${names.join(', ') || '(none)'}.`, file);
      }
    }
    if (target === undefined) throw notXlsxError(file, 'no worksheets found');
    const rId = sheets.find((s) => s.name === target)?.rId;
    const rel = reader.workbookRels?.find((r) => r.Id === rId);
    const part = rel === undefined ? undefined : zip.part(partPath(rel.Target));
    if (rel === undefined || part === undefined) throw notXlsxError(file, `sheet "${target}" has no worksheet part`);
    const ws = reader._parseWorksheet(part, /sheet(\d+)\.xml$/.exec(rel.Target)?.[1] ?? '').next().value.value;
    ws.name = target;

    onSheet(target);
    const date1904 = reader.properties?.model?.date1904 === true;
    inRows = true;
    for await (const row of ws) {
      const values = rowValues(row, date1904);
      if (values.length > 0) yield { line: row.number, values };
    }
    inRows = false;
  } catch (err) {
    if (err instanceof InputError) throw err;
    if (inRows) throw new InputError(`${file} could not be read to the end (the workbook is damaged); re-save it from Excel and try again.`, file);
    throw notXlsxError(file, 'its workbook parts could not be read');
  } finally {
    zip.close(); // a caller that stops early leaves the sheet's stream open
  }
}

/**
 * Opens an XLSX workbook: checks the container, finds the sheet and its header row, and
 * returns a Table whose `rows()` streams the data rows (each call reads the file again).
 */
export async function openXlsx(file: string, opts: OpenTableOptions = {}): Promise<Table> {
  const head = await readHead(file, 8);
  if (CFB_MAGIC.every((b, i) => head[i] === b)) throw encryptedError(file);
  if (!ZIP_MAGIC.every((b, i) => head[i] === b)) throw notXlsxError(file, 'it is not a zip container');

  let sheetName = '';
  let header: SheetRow | undefined;
  let hasData = false;
  for await (const r of sheetRows(file, opts.sheet, (n) => (sheetName = n))) {
    if (header === undefined) {
      header = r;
      continue;
    }
    hasData = true; // any row after the header: a header-only sheet is told apart
    break;
  }
  if (header === undefined) {
    throw new InputError(`${file} sheet "${sheetName}" is empty: no header row found; check --sheet names the sheet that holds the data.`, file);
  }
  const headers = header.values.map((h) => h.trim());
  const headerLine = header.line;
  const info: TableInfo = {
    file,
    format: 'xlsx',
    sheet: sheetName,
    headers,
    headerLine,
    skippedPreamble: headerLine - 1,
    hasData,
  };
  const width = headers.length;
  const sheet = sheetName;

  async function* rows(): AsyncGenerator<RawRow | RejectedRaw> {
    for await (const r of sheetRows(file, sheet, () => undefined)) {
      if (r.line <= headerLine) continue;
      if (r.values.length > width) {
        yield { line: r.line, reason: `row has values in ${r.values.length} columns but the header has ${width}` };
        continue;
      }
      const values = r.values;
      while (values.length < width) values.push('');
      yield { line: r.line, values };
    }
  }

  return { info, rows, batches: () => batchesOf(rows(), XLSX_BATCH_ROWS) };
}

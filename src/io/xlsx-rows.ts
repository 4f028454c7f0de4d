/**
 * Data rows of a streamed XLSX worksheet written as XML directly, instead of through exceljs's
 * Row and Cell objects. exceljs still writes everything else (workbook, styles, sheet frame,
 * header row, zip): this only replaces its per-row work, which was most of the XLSX writing
 * time. A row is a Row object, a Cell object per value with its own style, a model of each,
 * and an XmlStream of small strings; here a row's XML is written as UTF-8 straight into a
 * buffer that is handed to the sheet's stream every few rows. With the smaller zip
 * backlog (write-report.ts), `idrecon bench --people 150000 --xlsx` writes the workbook in
 * 8.5 s, against 28 s through exceljs's rows.
 *
 * The XML is the bytes exceljs 4.4.0 writes for the same row (a test compares whole
 * workbooks part by part), for the values the report writer gives it (xlsxValue: text,
 * finite numbers, booleans, dates, null) with its styles: a column's number format, and the
 * red fill of a flagged row. Style ids come from exceljs's own style table (`addStyleModel`),
 * asked in the order exceljs would ask, so they are the same ids. It reaches into exceljs's
 * streaming worksheet (its `stream`, `startedData`) and workbook (`styles`); `directRows`
 * returns undefined when those are not as expected, and rows then go through exceljs's
 * `addRow` as before.
 */
import { createRequire } from 'node:module';
import type ExcelJS from 'exceljs';

export type XlsxCellValue = string | number | boolean | Date | null | undefined;

/** What this module uses of exceljs's utils (lib/utils/utils.js). */
interface ExcelJsUtils {
  xmlEncode(text: string): string;
  dateToExcel(d: Date, date1904?: boolean): number;
}

/** What this module uses of exceljs's streaming worksheet and workbook internals. */
interface StreamingSheet {
  /** exceljs's StreamBuf: in batch mode a write copies the chunk into its own buffers at once. */
  stream: { write(chunk: Buffer): unknown; batch?: boolean };
  startedData: boolean;
}
interface StylesTable {
  addStyleModel(model: Partial<ExcelJS.Style>, cellType?: ExcelJS.ValueType): number;
}

let utils: ExcelJsUtils | undefined;
function excelJsUtils(): ExcelJsUtils | undefined {
  if (utils !== undefined) return utils;
  try {
    const loaded = createRequire(import.meta.url)('exceljs/lib/utils/utils.js') as Partial<ExcelJsUtils>;
    if (typeof loaded.xmlEncode === 'function' && typeof loaded.dateToExcel === 'function') utils = loaded as ExcelJsUtils;
  } catch {
    // A later exceljs without this file: rows go through addRow.
  }
  return utils;
}

/** Column letters: 1 → A, 26 → Z, 27 → AA. */
export function columnLetters(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

// exceljs's ValueType numbers (Enums.ValueType), for the style table and the cell kinds.
const NULL = 0 as ExcelJS.ValueType;
const NUMBER = 2 as ExcelJS.ValueType;
const STRING = 3 as ExcelJS.ValueType;
const DATE = 4 as ExcelJS.ValueType;
const BOOLEAN = 9 as ExcelJS.ValueType;

function typeOf(v: Exclude<XlsxCellValue, undefined>): ExcelJS.ValueType {
  if (v === null) return NULL;
  if (typeof v === 'string') return STRING;
  if (typeof v === 'number') return NUMBER;
  if (typeof v === 'boolean') return BOOLEAN;
  return DATE;
}

/** ASCII text (markup, references, numbers) into `buf` from `at`; returns the end. */
function ascii(buf: Buffer, s: string, at: number): number {
  for (let k = 0; k < s.length; k++) buf[at++] = s.charCodeAt(k);
  return at;
}

/**
 * Text as xmlEncode gives it, in UTF-8, into `buf` from `start`; returns the end. Characters
 * are copied a byte at a time while they are ASCII that needs no escaping, which is almost
 * every cell of a report; a cell that is not is written again from its start through
 * xmlEncode and Buffer's own encoder.
 */
function xmlText(buf: Buffer, s: string, start: number, xmlEncode: (text: string) => string): number {
  let at = start;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0x7f || (c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0x22 || c === 0x26 || c === 0x27 || c === 0x3c || c === 0x3e) {
      return start + buf.write(xmlEncode(s), start);
    }
    buf[at++] = c;
  }
  return at;
}

export interface DirectRows {
  /**
   * Writes row `number` (1-based, as in the sheet). `values[i]` is column i + 1's value;
   * undefined leaves the cell out, null is an empty cell that still carries the row's style.
   */
  add(number: number, values: readonly XlsxCellValue[], flagged: boolean): void;
  /** Hands the rows added so far to the sheet's stream. */
  flush(): void;
}

/**
 * A direct row writer for `ws` (a streaming worksheet whose header row is committed), or
 * undefined when exceljs's internals are not those this was written against.
 * `columnStyles[i]`: column i + 1's style as given to exceljs (e.g. its number format);
 * `flagFill`: the fill of a flagged row.
 */
export function directRows(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  ws: ExcelJS.Worksheet,
  columnStyles: ReadonlyArray<Partial<ExcelJS.Style>>,
  flagFill: ExcelJS.Fill,
): DirectRows | undefined {
  const u = excelJsUtils();
  const sheet = ws as unknown as Partial<StreamingSheet>;
  const styles = (wb as unknown as { styles?: Partial<StylesTable> }).styles;
  if (
    u === undefined ||
    sheet.startedData !== true ||
    typeof sheet.stream?.write !== 'function' ||
    sheet.stream.batch !== true ||
    typeof styles?.addStyleModel !== 'function'
  ) {
    return undefined;
  }
  const stream = sheet.stream;
  const table = styles as StylesTable;
  const letters = columnStyles.map((_, i) => columnLetters(i + 1));
  // Style ids by (flagged, column, value type), worked out when first met, in the order exceljs
  // asks its style table (a row's style, then its cells left to right): ids are handed out in
  // the order styles are first seen, so asking in another order would number them differently.
  // A cell's XML after its reference, up to its value (`<c r="B7` + this + value + `</v></c>`),
  // by (flagged, column, value type): the style id and the type attribute, written out once.
  const cellOpens: Map<ExcelJS.ValueType, string>[][] = [columnStyles.map(() => new Map()), columnStyles.map(() => new Map())];
  const rowIds: (number | undefined)[] = [undefined, undefined];
  const rowId = (flagged: boolean): number => {
    const k = flagged ? 1 : 0;
    let id = rowIds[k];
    // A row's own style: empty, or the fill once flagged.
    if (id === undefined) rowIds[k] = id = table.addStyleModel(flagged ? { fill: flagFill } : {});
    return id;
  };
  /** The cell's opening after its reference; '' for an empty cell without a style (not written). */
  const cellOpen = (flagged: boolean, col: number, type: ExcelJS.ValueType): string => {
    const byType = cellOpens[flagged ? 1 : 0]![col]!;
    let open = byType.get(type);
    if (open === undefined) {
      // A cell's style: its column's number format, and the row's fill when flagged.
      const model: Partial<ExcelJS.Style> = {};
      const numFmt = columnStyles[col]!.numFmt;
      if (numFmt) model.numFmt = numFmt;
      if (flagged) model.fill = flagFill;
      const id = table.addStyleModel(model, type);
      const style = id ? ` s="${id}"` : '';
      if (type === NULL) open = id ? `"${style}/>` : '';
      else if (type === BOOLEAN) open = `"${style} t="b"><v>`;
      else if (type === STRING) open = `"${style} t="str"><v>`;
      else open = `"${style}><v>`; // numbers and dates
      byType.set(type, open);
    }
    return open;
  };
  // The rows' UTF-8, written straight into one buffer used again for every batch (see flush),
  // and the bytes of it in use.
  let bytes = Buffer.allocUnsafe(1 << 20);
  let used = 0;
  const flush = (): void => {
    if (used === 0) return;
    // The sheet's stream copies what it is given into its own buffers before write returns
    // (batch mode, checked above), so the buffer is free again at once. Every Buffer allocated
    // counts as external memory, and at national size writing a new one per batch made V8
    // start a full collection every few seconds ("external memory pressure"), each marking a
    // heap of several GiB.
    stream.write(bytes.subarray(0, used));
    used = 0;
  };

  return {
    add(number, values, flagged) {
      // exceljs writes a row only when it holds a value: all empty, it is left out.
      let any = false;
      // The row's span (an empty cell counts in it even when, without a style, it is not
      // written), and the most bytes the row can take: markup, and a text's UTF-8 with every
      // character escaped (six bytes for `&quot;`).
      let min = 0;
      let max = 0;
      let most = 128;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v === undefined) continue;
        if (min === 0) min = i + 1;
        max = i + 1;
        if (v !== null) any = true;
        most += 64 + (typeof v === 'string' ? 6 * v.length : 32);
      }
      if (!any) return;
      const rs = rowId(flagged);
      const ref = String(number);
      most += 16 * ref.length;
      if (used + most > bytes.length) {
        flush();
        if (most > bytes.length) bytes = Buffer.allocUnsafe(most);
      }
      // The row's bytes go straight into the buffer: made as strings, a row was a tree of
      // small strings that the batch's join walked and then encoded again (a quarter of the
      // XLSX writing time at national size, with the collection of those strings besides).
      const b = bytes;
      let at = ascii(b, `<row r="${ref}"${min > 0 ? ` spans="${min}:${max}"` : ''}${rs ? ` s="${rs}" customFormat="1"` : ''} x14ac:dyDescent="0.25">`, used);
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v === undefined) continue;
        const type = typeOf(v);
        const open = cellOpen(flagged, i, type);
        if (type === NULL && open === '') continue;
        at = ascii(b, '<c r="', at);
        at = ascii(b, letters[i]!, at);
        at = ascii(b, ref, at);
        at = ascii(b, open, at);
        if (type === NULL) continue;
        if (type === STRING) at = xmlText(b, v as string, at, u.xmlEncode);
        else if (type === NUMBER) at = ascii(b, String(v), at);
        else if (type === BOOLEAN) b[at++] = v ? 0x31 : 0x30;
        else at = ascii(b, String(u.dateToExcel(v as Date, false)), at);
        at = ascii(b, '</v></c>', at);
      }
      const end = ascii(b, '</row>', at);
      // A typed array drops writes past its end without a word, and Buffer.write stops at it:
      // were `most` ever short, the sheet could be written short. A row longer than `most` is
      // an error even where the buffer had room, so a wrong bound shows in the first row that
      // breaks it (see RecycledTextWriter.appendWith).
      if (end - used > most) throw new Error(`an XLSX row took ${end - used} bytes, more than the ${most} allowed for it`);
      used = end;
    },
    flush,
  };
}

/**
 * The one interface every command writes through. A report is a list of sheets; each goes to
 * a sheet of `<workbook>.xlsx` and, when CSV is asked for, to its own CSV file. Rows are
 * produced lazily (a function returning an iterable) so writers stream and can iterate twice
 * (once per format).
 */

import type { Cell, ColumnSpec } from '../core/table.js';

export type { Cell, ColumnKind, ColumnSpec } from '../core/table.js';

export interface SheetData {
  /** XLSX sheet name (≤ 31 chars; the writer adds " (2)", " (3)"… when it splits). */
  name: string;
  /** CSV file name, e.g. 'people.csv'. Omit to write this sheet to XLSX only. */
  csvName?: string;
  columns: ColumnSpec[];
  rows: () => Iterable<Cell[]> | AsyncIterable<Cell[]>;
  /** XLSX: rows for which this returns true are filled red (e.g. review flags). */
  flagRow?: (row: Cell[]) => boolean;
}

export type OutputFormat = 'xlsx' | 'csv' | 'json';

/**
 * How XLSX data rows are written: 'direct' as XML into exceljs's sheet stream (xlsx-rows.ts;
 * the default), or 'exceljs' through its Row and Cell objects. The bytes are the same; the
 * second is kept for comparison and as the fallback.
 */
export type XlsxRowsVia = 'direct' | 'exceljs';

export interface ReportOptions {
  outDir: string;
  formats: ReadonlySet<OutputFormat>;
  /** Workbook base name without extension, e.g. 'reconciliation'. */
  workbook: string;
  sheets: SheetData[];
  /** Workbook created/modified dates come from the as-of clock, never wall time. */
  asOf: Date;
  /** Input file paths: refusing to overwrite any of them. */
  inputs: readonly string[];
  /**
   * The 'json' format's file (default summary.json): checked against the inputs with the
   * others, before anything is written, so a clash refuses the whole run instead of leaving a
   * report without its summary.
   */
  jsonName?: string;
  /**
   * The value the 'json' format writes to `jsonName` (2-space JSON), given the paths of the
   * report's other files: written and renamed into place with them. Without it, the caller
   * writes that file itself.
   */
  json?: (outputs: readonly string[]) => unknown;
  /** Write files with the umask's mode instead of 0600. */
  shareMode?: boolean;
  /**
   * XLSX data rows per sheet before the writer continues on "Name (2)", "Name (3)"…
   * Default (and maximum) XLSX_MAX_DATA_ROWS = 1,048,575 (Excel's 1,048,576 rows less the
   * header); tests set it small.
   */
  maxRowsPerSheet?: number;
  /** See XlsxRowsVia (default 'direct'). */
  xlsxRowsVia?: XlsxRowsVia;
}

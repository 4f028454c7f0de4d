/**
 * The one interface every loader reads through: a table of string cells with a header row.
 * CSV and XLSX adapters implement it (see read-csv.ts, read-xlsx.ts); `openTable` picks one by
 * file content, not by extension alone.
 */

export interface TableInfo {
  /** Path as given by the user. */
  file: string;
  format: 'csv' | 'xlsx';
  /** CSV only: 'utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'windows-1252'. */
  encoding?: string;
  /** CSV only: ',', ';' or '\t'. */
  delimiter?: string;
  /** XLSX only: the sheet read. */
  sheet?: string;
  /** Header cells as found (trimmed), in file order. */
  headers: string[];
  /** 1-based line (CSV) or row number (XLSX) of the header row. */
  headerLine: number;
  /** Lines skipped before the header (e.g. PowerShell's `#TYPE …` line). */
  skippedPreamble: number;
  /** False when nothing but blank lines follows the header (a header-only export). */
  hasData?: boolean;
}

export interface RawRow {
  /** 1-based physical line where the record starts (CSV) or sheet row number (XLSX). */
  line: number;
  /** Cells as strings (XLSX dates become ISO 8601 strings, numbers their shortest string). */
  values: string[];
}

/**
 * A row the reader could not accept (ragged, unreadable). Readers yield these instead of
 * throwing so that nothing is lost: the loader turns them into rejected-rows entries.
 */
export interface RejectedRaw {
  line: number;
  reason: string;
}

export interface Table {
  info: TableInfo;
  /** Streams the data rows once. Rejected rows arrive interleaved, in file order. */
  rows(): AsyncIterable<RawRow | RejectedRaw>;
  /**
   * The same rows as `rows()`, a batch at a time (never an empty batch): for loaders of
   * millions of rows, which would otherwise pay an async step (a promise) a row.
   */
  batches(): AsyncIterable<(RawRow | RejectedRaw)[]>;
}

/** The rows of `batches`, one at a time. */
export async function* eachOf<T>(batches: AsyncIterable<readonly T[]>): AsyncGenerator<T> {
  for await (const batch of batches) yield* batch;
}

/** Rows handed out in batches of up to `size` (for a reader that meets rows one by one). */
export async function* batchesOf<T>(rows: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export interface OpenTableOptions {
  /** XLSX: sheet name to read (default the first). */
  sheet?: string;
  /** CSV: force an encoding instead of detecting it. */
  encoding?: string;
}

export function isRejected(r: RawRow | RejectedRaw): r is RejectedRaw {
  return (r as RejectedRaw).reason !== undefined;
}

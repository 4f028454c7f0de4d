/**
 * Loads one source export: opens the table (CSV or XLSX), maps its headers onto the source's
 * profile (config mapping first, then field names and synonyms) and streams rows as
 * canonical field → trimmed value. Empty cells are undefined in `fields`.
 */
import { ConfigError, InputError } from '../errors.js';
import { PROFILES, headerKey, resolveHeaders, type HeaderResolution, type SourceKind } from '../core/profiles.js';
import { nonBlank } from '../core/records.js';
import { DEFAULT_CONFIG_FILE } from './config-file.js';
import { openTable } from './open-table.js';
import { isRejected, type RawRow, type RejectedRaw, type TableInfo } from './table.js';

export interface LoadedRow {
  line: number;
  /** Canonical field → trimmed cell, for every mapped field; empty cells are undefined. */
  fields: Record<string, string | undefined>;
}

export interface Loaded {
  file: string;
  source: SourceKind;
  info: TableInfo;
  resolution: HeaderResolution;
  /** Streams the rows (reads the file again on each call). Rejects arrive in file order. */
  rows: () => AsyncIterable<LoadedRow | RejectedRaw>;
  /**
   * The table's rows a batch at a time (see Table.batches), each accepted one to be made a
   * LoadedRow by `toRow` as it is used: made a batch ahead, millions of short-lived field
   * objects would outlive a scavenge.
   */
  rawBatches: () => AsyncIterable<(RawRow | RejectedRaw)[]>;
  toRow: (raw: RawRow) => LoadedRow;
}

export interface LoadOptions {
  sheet?: string;
  /** Canonical field → local header name (config `columns.<source>`). */
  mapping?: Record<string, string>;
  encoding?: string;
  /** AD only: header name of the NHSmail-ID attribute → field 'nhsmailId'. */
  adNhsmailIdAttribute?: string;
  /** Config file named in "map it" advice; default idrecon.config.json. */
  configFile?: string;
  /**
   * Accept a header-only file as zero rows. Default: only for sources where an empty file is
   * normal (EMPTY_OK); for the others a header with no rows is a failed or wrong export, and
   * reading it as "nobody" would make every other record look unmatched or unused.
   */
  allowNoRows?: boolean;
}

/** Sources whose export may legitimately hold no rows: an ignore list can be empty. */
const EMPTY_OK: ReadonlySet<SourceKind> = new Set(['hidden']);

const MAX_HEADERS_LISTED = 40;

function listHeaders(headers: readonly string[]): string {
  const shown = headers.slice(0, MAX_HEADERS_LISTED).map((h) => (h === '' ? '(blank)' : h));
  const more = headers.length - shown.length;
  return (shown.join(', ') || '(none)') + (more > 0 ? ` and ${more} more` : '');
}

/**
 * A first row that holds values rather than headings (an export saved without its header row):
 * an email address, a date, or a number or phone of four digits or more in any cell.
 */
export function looksLikeData(headers: readonly string[]): boolean {
  return headers.some((h) => /@|^\+?[\d\s().-]{4,}$|^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b/.test(h.trim()));
}

/**
 * The one-sentence error for required fields with no column. Names headers, never values: when
 * the first row looks like data, it is not listed (it may be someone's name and email).
 */
export function missingFieldsMessage(
  file: string,
  source: SourceKind,
  missing: readonly string[],
  headers: readonly string[],
  configFile = DEFAULT_CONFIG_FILE,
): string {
  const label = PROFILES[source].label;
  const fields = missing.join(', ');
  if (looksLikeData(headers)) {
    return `${file} (${label}) has no column for ${fields}, and its first row looks like data rather than column headings (not shown, as it may be personal data); export it again with its header row.`;
  }
  // Each missing entry is a field or a one-of group ("username or email").
  const paths = missing.map((m) => m.split(' or ').map((f) => `columns.${source}.${f}`).join(' or '));
  const where = paths.length === 1 ? paths[0] : `${paths.slice(0, -1).join(', ')} and ${paths[paths.length - 1]}`;
  const noun = missing.length === 1 ? 'column' : 'columns';
  return `${file} (${label}) has no ${noun} for ${fields}; headers found: ${listHeaders(headers)}. Map ${missing.length === 1 ? 'it' : 'them'} in ${configFile} under ${where}.`;
}

/**
 * The function that makes a LoadedRow from a raw row, given each mapped field's column. It is
 * written for the export's columns: one object literal holding every mapped field, so every row
 * has the same shape and the record builders' reads of it are plain property loads. A row
 * object filled field by field (only the non-empty ones) took a different shape for each set of
 * empty cells, and its building and reading were about a tenth of a load worker's time at
 * national size. Field names come from the profile (JSON-quoted here) and columns are checked
 * to be indices, so nothing read from the file goes into the code.
 */
function rowMaker(columns: readonly (readonly [field: string, column: number])[]): (raw: RawRow) => LoadedRow {
  for (const [field, column] of columns) {
    if (!Number.isInteger(column) || column < 0) throw new Error(`column of ${field} is not an index: ${column}`);
  }
  const cells = columns.map(([field, column]) => `${JSON.stringify(field)}: tidy(v[${column}])`).join(', ');
  // Node must allow code generation from strings, as exceljs (through bluebird) already needs.
  const make = new Function('tidy', `return (raw) => { const v = raw.values; return { line: raw.line, fields: { ${cells} } }; };`) as (
    tidy: (v: string | undefined) => string | undefined,
  ) => (raw: RawRow) => LoadedRow;
  return make(nonBlank);
}

/**
 * Like loadSource but does not throw for missing required fields (`resolution.missing` says
 * which): for `inspect`, which reports them.
 */
export async function openSource(file: string, source: SourceKind, opts: LoadOptions = {}): Promise<Loaded> {
  const profile = PROFILES[source];
  const mapping: Record<string, string> = { ...(opts.mapping ?? {}) };
  const known = new Set(profile.fields.map((f) => f.name));
  const unknown = Object.keys(mapping).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new ConfigError(
      `${opts.configFile ?? DEFAULT_CONFIG_FILE}: columns.${source} names ${unknown.join(', ')}, which ${unknown.length === 1 ? 'is not a field' : 'are not fields'} of the ${profile.label}; fields are ${[...known].join(', ')}.`,
      unknown.map((u) => `columns.${source}.${u}: not a field of the ${profile.label}`),
    );
  }
  if (source === 'ad' && opts.adNhsmailIdAttribute && mapping['nhsmailId'] === undefined) {
    mapping['nhsmailId'] = opts.adNhsmailIdAttribute; // header match is case-insensitive
  }
  const table = await openTable(file, { sheet: opts.sheet, encoding: opts.encoding });
  const resolution = resolveHeaders(profile, table.info.headers, mapping);
  const toRow = rowMaker(Object.entries(resolution.index));
  async function* rows(): AsyncGenerator<LoadedRow | RejectedRaw> {
    for await (const raw of table.rows()) yield isRejected(raw) ? raw : toRow(raw);
  }

  return { file, source, info: table.info, resolution, rows, rawBatches: () => table.batches(), toRow };
}

/**
 * Opens `file` as an export of `source`. Throws InputError (one sentence: file, profile,
 * fields, headers found, how to map) when a required field has no column.
 */
export async function loadSource(file: string, source: SourceKind, opts: LoadOptions = {}): Promise<Loaded> {
  const loaded = await openSource(file, source, opts);
  const label = PROFILES[source].label;
  if (loaded.resolution.missing.length > 0) {
    throw new InputError(missingFieldsMessage(file, source, loaded.resolution.missing, loaded.info.headers, opts.configFile), file);
  }
  const ambiguous = ambiguousHeaders(loaded.info.headers, loaded.resolution);
  if (ambiguous.length > 0) {
    const [h, n] = ambiguous[0]!;
    throw new InputError(
      `${file} (${label}) has ${n} columns headed "${h}", so idrecon cannot tell which to read; remove or rename the extra ${n === 2 ? 'one' : 'ones'} and try again.`,
      file,
    );
  }
  if (loaded.info.hasData === false && !(opts.allowNoRows ?? EMPTY_OK.has(source))) {
    throw new InputError(`${file} (${label}) has a header row but no data rows; check the export finished and is the right file.`, file);
  }
  return loaded;
}

/**
 * Headers that appear more than once (by comparison key) where one of them is a column a field
 * reads: "first wins" would silently ignore the other. Duplicates of unused columns are harmless.
 * Returns [header as first written, count] pairs in file order.
 */
function ambiguousHeaders(headers: readonly string[], resolution: HeaderResolution): [string, number][] {
  const used = new Set(Object.values(resolution.index).map((i) => headerKey(headers[i] ?? '')));
  const counts = new Map<string, { header: string; n: number }>();
  for (const h of headers) {
    const k = headerKey(h);
    if (k === '' || !used.has(k)) continue;
    const c = counts.get(k);
    if (c) c.n++;
    else counts.set(k, { header: h, n: 1 });
  }
  return [...counts.values()].filter((c) => c.n > 1).map((c) => [c.header, c.n]);
}

/** Reads every row into memory (small files, tests): accepted rows and rejects apart. */
export async function collectRows(loaded: Loaded): Promise<{ rows: LoadedRow[]; rejected: RejectedRaw[] }> {
  const rows: LoadedRow[] = [];
  const rejected: RejectedRaw[] = [];
  for await (const r of loaded.rows()) {
    if ('reason' in r) rejected.push(r);
    else rows.push(r);
  }
  return { rows, rejected };
}

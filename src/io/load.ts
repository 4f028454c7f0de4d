/**
 * Loads one source export: opens the table (CSV or XLSX), maps its headers onto the source's
 * profile (config mapping first, then field names and synonyms) and streams rows as
 * canonical field → trimmed value. Empty cells are left out of `fields`.
 */
import { ConfigError, InputError } from '../errors.js';
import { PROFILES, resolveHeaders, type HeaderResolution, type SourceKind } from '../core/profiles.js';
import { DEFAULT_CONFIG_FILE } from './config-file.js';
import { openTable } from './open-table.js';
import { isRejected, type RejectedRaw, type TableInfo } from './table.js';

export interface LoadedRow {
  line: number;
  /** Canonical field → trimmed cell; empty cells are absent. */
  fields: Record<string, string>;
}

export interface Loaded {
  file: string;
  source: SourceKind;
  info: TableInfo;
  resolution: HeaderResolution;
  /** Streams the rows (reads the file again on each call). Rejects arrive in file order. */
  rows: () => AsyncIterable<LoadedRow | RejectedRaw>;
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
}

const MAX_HEADERS_LISTED = 40;

function listHeaders(headers: readonly string[]): string {
  const shown = headers.slice(0, MAX_HEADERS_LISTED).map((h) => (h === '' ? '(blank)' : h));
  const more = headers.length - shown.length;
  return (shown.join(', ') || '(none)') + (more > 0 ? ` and ${more} more` : '');
}

/** The one-sentence error for required fields with no column. Names headers, never values. */
export function missingFieldsMessage(
  file: string,
  source: SourceKind,
  missing: readonly string[],
  headers: readonly string[],
  configFile = DEFAULT_CONFIG_FILE,
): string {
  const label = PROFILES[source].label;
  const fields = missing.join(', ');
  // Each missing entry is a field or a one-of group ("username or email").
  const paths = missing.map((m) => m.split(' or ').map((f) => `columns.${source}.${f}`).join(' or '));
  const where = paths.length === 1 ? paths[0] : `${paths.slice(0, -1).join(', ')} and ${paths[paths.length - 1]}`;
  const noun = missing.length === 1 ? 'column' : 'columns';
  return `${file} (${label}) has no ${noun} for ${fields}; headers found: ${listHeaders(headers)}. Map ${missing.length === 1 ? 'it' : 'them'} in ${configFile} under ${where}.`;
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
  const columns = Object.entries(resolution.index);

  async function* rows(): AsyncGenerator<LoadedRow | RejectedRaw> {
    for await (const raw of table.rows()) {
      if (isRejected(raw)) {
        yield raw;
        continue;
      }
      const fields: Record<string, string> = {};
      for (const [field, i] of columns) {
        const v = raw.values[i];
        if (v === undefined) continue;
        const t = v.trim();
        if (t !== '') fields[field] = t;
      }
      yield { line: raw.line, fields };
    }
  }

  return { file, source, info: table.info, resolution, rows };
}

/**
 * Opens `file` as an export of `source`. Throws InputError (one sentence: file, profile,
 * fields, headers found, how to map) when a required field has no column.
 */
export async function loadSource(file: string, source: SourceKind, opts: LoadOptions = {}): Promise<Loaded> {
  const loaded = await openSource(file, source, opts);
  if (loaded.resolution.missing.length > 0) {
    throw new InputError(missingFieldsMessage(file, source, loaded.resolution.missing, loaded.info.headers, opts.configFile), file);
  }
  return loaded;
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

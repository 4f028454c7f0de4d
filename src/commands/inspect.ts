/**
 * `idrecon inspect FILE`: shows how idrecon reads one export (format, encoding, delimiter,
 * sheet, which header feeds which field, what is missing, and how many values per field are
 * empty or unreadable) without printing any cell value, so its output is safe to share when
 * asking for help with a file.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { Config } from '../core/config.js';
import { normaliseEmail, splitEmailList } from '../core/normalise-email.js';
import { normaliseEmployeeNumber } from '../core/normalise-employee-number.js';
import { normalisePhone } from '../core/normalise-phone.js';
import { parseDate } from '../core/normalise-date.js';
import { PROFILES, detectSource, resolveHeaders, type SourceKind } from '../core/profiles.js';
import { loadConfigFile } from '../io/config-file.js';
import { openSource, type LoadOptions } from '../io/load.js';
import { openTable } from '../io/open-table.js';
import type { RejectedRaw } from '../io/table.js';

export const SOURCE_KINDS = Object.keys(PROFILES) as SourceKind[];

export interface InspectOptions {
  file: string;
  /** Which export the file is; detected from its headers when absent. */
  source?: string;
  sheet?: string;
  /** CSV: force an encoding (utf-8, utf-16le, utf-16be, windows-1252). */
  encoding?: string;
  config?: string;
  /** Keep every rejected row in the result (default: the first MAX_REJECTS_SHOWN). */
  verbose?: boolean;
}

export interface FieldReport {
  field: string;
  required: boolean;
  /** Header the field is read from; absent when no column maps to it. */
  header?: string;
  /** Rows (accepted) where the cell is empty. */
  empty: number;
  /** Rows whose non-empty value the field's normaliser cannot read; absent when none exists. */
  invalid?: number;
}

export interface InspectResult {
  file: string;
  source: SourceKind;
  sourceLabel: string;
  /** True when the source was guessed from the headers (no --source). */
  detected: boolean;
  format: 'csv' | 'xlsx';
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  headerLine: number;
  skippedPreamble: number;
  headers: string[];
  /** Data rows read, rejected ones included. */
  rows: number;
  rejected: number;
  /** Line and reason of rejected rows (all with verbose, else the first MAX_REJECTS_SHOWN). */
  rejectedRows: RejectedRaw[];
  fields: FieldReport[];
  unmappedHeaders: string[];
  duplicateHeaders: string[];
  missingRequired: string[];
  configFile?: string;
}

export const MAX_REJECTS_SHOWN = 10;

type Check = (raw: string) => boolean; // true when the value is readable

const DATE_FIELDS = new Set([
  'assignmentStart',
  'assignmentEnd',
  'lastLogon',
  'lastLogin',
  'created',
  'whenCreated',
  'start',
  'end',
  'curriculumEnd',
  'submissionDate',
  'until',
]);

/** The normaliser check for a field, when one exists. */
function checkFor(field: string, config: Config): Check | undefined {
  if (field === 'email') return (v) => normaliseEmail(v, config.nhsDomains)?.valid === true;
  if (field === 'aliases') return (v) => splitEmailList(v, config.nhsDomains).every((e) => e.valid);
  if (field === 'mobile' || field === 'phone') return (v) => normalisePhone(v)?.valid === true;
  if (field === 'employeeNumber') return (v) => normaliseEmployeeNumber(v) !== undefined;
  if (DATE_FIELDS.has(field)) return (v) => parseDate(v).status !== 'invalid';
  return undefined;
}

function parseSource(value: string | undefined): SourceKind | undefined {
  if (value === undefined) return undefined;
  const s = value.trim().toLowerCase();
  if ((SOURCE_KINDS as string[]).includes(s)) return s as SourceKind;
  throw new UsageError(`--source takes ${SOURCE_KINDS.join(', ')}, not "${value}".`);
}

function loadOptionsFor(source: SourceKind, config: Config, opts: InspectOptions, configFile: string | undefined): LoadOptions {
  return {
    sheet: opts.sheet,
    encoding: opts.encoding,
    mapping: config.columns[source],
    adNhsmailIdAttribute: source === 'ad' ? config.ad.nhsmailIdAttribute : undefined,
    configFile,
  };
}

/** detectSource, then (if nothing fits) the sources whose config mapping makes them fit. */
function detect(headers: readonly string[], config: Config): SourceKind | undefined {
  const plain = detectSource(headers);
  if (plain !== undefined) return plain;
  let best: { source: SourceKind; score: number } | undefined;
  for (const source of SOURCE_KINDS) {
    const mapping = config.columns[source];
    if (mapping === undefined) continue;
    const r = resolveHeaders(PROFILES[source], headers, mapping);
    if (r.missing.length > 0) continue;
    const score = Object.keys(r.index).length;
    if (!best || score > best.score) best = { source, score };
  }
  return best?.source;
}

/** Reads FILE once and reports how idrecon sees it. Never returns cell values. */
export async function runInspect(opts: InspectOptions): Promise<InspectResult> {
  const given = parseSource(opts.source);
  const { config, file: configFile } = loadConfigFile(opts.config);
  let source: SourceKind;
  let loaded;
  if (given !== undefined) {
    source = given;
    loaded = await openSource(opts.file, source, loadOptionsFor(source, config, opts, configFile));
  } else {
    // Read the headers first (cheap: the rows are not read), then open as the detected source.
    const probe = await openTable(opts.file, { sheet: opts.sheet, encoding: opts.encoding });
    const found = detect(probe.info.headers, config);
    if (found === undefined) throw new UsageError(`Cannot tell which export ${opts.file} is; pass --source.`);
    source = found;
    loaded = await openSource(opts.file, source, loadOptionsFor(source, config, opts, configFile));
  }

  const profile = PROFILES[source];
  const res = loaded.resolution;
  const mapped = profile.fields.filter((f) => res.index[f.name] !== undefined).map((f) => f.name);
  const empty = new Map<string, number>(mapped.map((f) => [f, 0]));
  const checks = new Map<string, Check>();
  for (const f of mapped) {
    const c = checkFor(f, config);
    if (c) checks.set(f, c);
  }
  const invalid = new Map<string, number>([...checks.keys()].map((f) => [f, 0]));

  let rows = 0;
  let rejected = 0;
  const rejectedRows: RejectedRaw[] = [];
  for await (const row of loaded.rows()) {
    rows++;
    if ('reason' in row) {
      rejected++;
      if (opts.verbose || rejectedRows.length < MAX_REJECTS_SHOWN) rejectedRows.push({ line: row.line, reason: row.reason });
      continue;
    }
    for (const f of mapped) {
      const v = row.fields[f];
      if (v === undefined) empty.set(f, (empty.get(f) ?? 0) + 1);
      else {
        const check = checks.get(f);
        if (check && !check(v)) invalid.set(f, (invalid.get(f) ?? 0) + 1);
      }
    }
  }

  const fields: FieldReport[] = profile.fields.map((f) => {
    const header = res.from[f.name];
    const report: FieldReport = { field: f.name, required: f.required === true, empty: header === undefined ? 0 : (empty.get(f.name) ?? 0) };
    if (header !== undefined) report.header = header;
    if (invalid.has(f.name)) report.invalid = invalid.get(f.name) ?? 0;
    return report;
  });

  const info = loaded.info;
  const result: InspectResult = {
    file: opts.file,
    source,
    sourceLabel: profile.label,
    detected: given === undefined,
    format: info.format,
    headerLine: info.headerLine,
    skippedPreamble: info.skippedPreamble,
    headers: info.headers,
    rows,
    rejected,
    rejectedRows,
    fields,
    unmappedHeaders: res.unmapped,
    duplicateHeaders: res.duplicates,
    missingRequired: res.missing,
  };
  if (info.encoding !== undefined) result.encoding = info.encoding;
  if (info.delimiter !== undefined) result.delimiter = info.delimiter;
  if (info.sheet !== undefined) result.sheet = info.sheet;
  if (configFile !== undefined) result.configFile = configFile;
  return result;
}

const DELIMITER_NAMES: Readonly<Record<string, string>> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

function list(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.join(', ');
}

/** The plain, aligned text `inspect` prints. */
export function formatInspect(r: InspectResult): string {
  const lines: string[] = [];
  const kv = (k: string, v: string): void => {
    lines.push(`${k.padEnd(18)}${v}`);
  };
  kv('File', r.file);
  kv('Source', `${r.sourceLabel} (${r.source}${r.detected ? ', detected from the headers' : ''})`);
  if (r.format === 'csv') {
    kv('Format', `CSV, ${r.encoding ?? 'utf-8'}, ${DELIMITER_NAMES[r.delimiter ?? ','] ?? r.delimiter}-delimited`);
  } else kv('Format', `XLSX, sheet "${r.sheet ?? ''}"`);
  const unit = r.format === 'csv' ? 'line' : 'row';
  const preamble = r.skippedPreamble > 0 ? ` (${r.skippedPreamble} ${unit}${r.skippedPreamble === 1 ? '' : 's'} before it skipped)` : '';
  kv('Header', `${unit} ${r.headerLine}${preamble}, ${r.headers.length} columns`);
  kv('Rows', `${r.rows} read, ${r.rejected} rejected`);
  if (r.configFile !== undefined) kv('Config', r.configFile);
  lines.push('');

  const rowsOf = r.fields.map((f) => [
    f.field,
    f.header ?? '-',
    f.required ? 'yes' : '',
    f.header === undefined ? '' : String(f.empty),
    f.invalid === undefined ? '' : String(f.invalid),
  ]);
  const head = ['Field', 'Header', 'Required', 'Empty', 'Invalid'];
  const widths = head.map((h, i) => Math.max(h.length, ...rowsOf.map((row) => (row[i] ?? '').length)));
  const fmt = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i >= 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  lines.push(fmt(head));
  for (const row of rowsOf) lines.push(fmt(row));
  lines.push('');

  kv('Missing required', list(r.missingRequired));
  kv('Unmapped headers', list(r.unmappedHeaders));
  kv('Duplicate headers', r.duplicateHeaders.length === 0 ? 'none' : `${r.duplicateHeaders.join(', ')} (the first of each is used)`);
  if (r.rejectedRows.length > 0) {
    lines.push('');
    const more = r.rejected - r.rejectedRows.length;
    lines.push(`Rejected rows${more > 0 ? ` (first ${r.rejectedRows.length}; --verbose lists all ${r.rejected})` : ''}:`);
    for (const rej of r.rejectedRows) lines.push(`  line ${rej.line}: ${rej.reason}`);
  }
  if (r.missingRequired.length > 0) {
    lines.push('');
    const src = r.source;
    lines.push(
      `Map the missing field${r.missingRequired.length === 1 ? '' : 's'} in ${r.configFile ?? 'idrecon.config.json'} under columns.${src}, e.g. "columns": { "${src}": { "${(r.missingRequired[0] ?? '').split(' or ')[0]}": "Your Header" } }.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('Show how idrecon reads an export: format, encoding, header-to-field mapping, empty and invalid values (never the values themselves).')
    .argument('<file>', 'CSV or XLSX export to inspect')
    .option('--source <kind>', `which export FILE is: ${SOURCE_KINDS.join(', ')}; default detected from the headers`)
    .option('--sheet <name>', 'XLSX: sheet to read (default the first)')
    .option('--encoding <name>', 'CSV: utf-8, utf-16le, utf-16be or windows-1252 (default detected from the bytes)')
    .option('--config <file>', 'config file (JSON); default ./idrecon.config.json when present')
    .option('--json', 'print the result as JSON instead of text', false)
    .option('--verbose', 'list every rejected row; show stack traces in errors', false)
    .addHelpText(
      'after',
      `
Cost: streams the file once after reading its header; memory stays small whatever its size.
Output never contains cell values, only headers, counts and line numbers.

Exit codes: 0 ok (missing fields are reported, not an error), 1 unreadable file, 2 usage or config error.

Examples:
  $ idrecon inspect esr-extract.csv
  $ idrecon inspect ad-users.csv --source ad --config idrecon.config.json
  $ idrecon inspect mailbox-report.xlsx --sheet "Mailbox Report" --json`,
    )
    .action(async (file: string, flags: { source?: string; sheet?: string; encoding?: string; config?: string; json?: boolean; verbose?: boolean }) => {
      const result = await runInspect({
        file,
        source: flags.source,
        sheet: flags.sheet,
        encoding: flags.encoding,
        config: flags.config,
        verbose: flags.verbose,
      });
      process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatInspect(result));
    });
}

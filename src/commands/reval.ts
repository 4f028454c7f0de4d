/**
 * `idrecon reval`: revalidation connection lists (Add / Remove / Ignore / Review / No action)
 * from a TIS programme-membership export, the GMC's connected-doctors list and the local
 * ignore list. This file only wires: read → pure core (src/core/reval.ts) → write.
 */
import type { Command } from 'commander';
import chalk from 'chalk';
import { DataError } from '../errors.js';
import type { SourceKind } from '../core/profiles.js';
import {
  RULES,
  REVAL_ACTIONS,
  balanceRows,
  buildDoctorRow,
  buildDoctors,
  buildGmcRow,
  buildHiddenRow,
  buildRevalTables,
  classify,
  countDecisions,
  type Balance,
  type Built,
  type Decision,
  type RevalCounts,
  type RevalSource,
  type RevalSourceRow,
  type RevalTable,
  type RowReject,
} from '../core/reval.js';
import { redactRow } from '../core/redact.js';
import { loadConfigFile } from '../io/config-file.js';
import { assertDistinctInputs, describeInput, type InputEvidence } from '../io/evidence.js';
import { collectRows, loadSource } from '../io/load.js';
import type { SheetData } from '../io/report.js';
import { silentProgress, terminalProgress, type Progress } from '../progress.js';
import { addSharedOptions, redactCommandLine, sharedOptions, writeReportAndSummary, type RawSharedFlags, type SharedOptions } from './shared.js';

export interface RevalOptions extends SharedOptions {
  /** TIS programme memberships export. */
  doctors: string;
  /** GMC connected-doctors list. */
  gmc: string;
  /** Local ignore list (kept between runs). */
  hidden?: string;
  /** XLSX inputs: sheet to read (default the first). */
  sheet?: string;
  /** The command line as typed, for summary.json (keys removed). */
  commandLine?: string;
  toolVersion: string;
  progress?: Progress;
}

export interface RevalSummary {
  tool: { name: 'idrecon'; version: string };
  command: string;
  asOf: string;
  inputs: InputEvidence[];
  /** Per file: canonical field → the header it was read from. */
  columns: Partial<Record<RevalSource, Record<string, string>>>;
  /** Scenario 11 is checked only when the GMC list has a licence status column. */
  licenceColumn: boolean;
  counts: RevalCounts & {
    inputRows: Partial<Record<RevalSource, number>>;
    rejectedRows: Partial<Record<RevalSource, number>>;
  };
  balance: Balance[];
  /** Reason codes in precedence order (first that applies wins). */
  precedence: string[];
  outputs: string[];
}

export interface RevalResult {
  summary: RevalSummary;
  decisions: Decision[];
  rejects: RowReject[];
  exitCode: number;
}

const ROLES: Readonly<Record<RevalSource, string>> = {
  doctors: 'TIS programme memberships',
  gmc: 'GMC connected doctors',
  hidden: 'Ignore list',
};

interface SourceRead<T> {
  records: T[];
  rows: number;
  columns: Record<string, string>;
}

async function readSource<T>(
  source: RevalSource & SourceKind,
  file: string,
  mapping: Record<string, string> | undefined,
  sheet: string | undefined,
  configFile: string | undefined,
  build: (row: RevalSourceRow) => Built<T>,
  rejects: RowReject[],
): Promise<SourceRead<T>> {
  const loaded = await loadSource(file, source, { mapping, sheet, configFile });
  const { rows, rejected } = await collectRows(loaded);
  for (const r of rejected) rejects.push({ source, line: r.line, reason: r.reason });
  const records: T[] = [];
  for (const row of rows) {
    const built = build(row);
    if (built.ok) records.push(built.record);
    else rejects.push({ source, line: row.line, reason: built.reason });
  }
  return { records, rows: rows.length + rejected.length, columns: { ...loaded.resolution.from } };
}

/** Which local office acts on each list (for the Summary sheet). */
const WHO: Readonly<Record<string, string>> = {
  Add: 'the programme owner DB (Editable By); past connections read only',
  Remove: 'the connected DB (Editable By); past connections read only',
  Ignore: 'the connected DB, or every local office when not connected; never sent to the GMC',
  Review: 'the connected DB, or every local office when not connected; red flag, never sent to the GMC',
  'No Action': 'nothing to do: connected to the current programme owner',
  All: 'every doctor once; Review rows filled red',
  'Rejected Rows': 'whoever supplied the file: rows that could not be read',
};

function summarySheet(s: RevalSummary, tables: readonly RevalTable[]): SheetData {
  const rows: [string, string][] = [
    ['Tool', `idrecon ${s.tool.version}`],
    ['Command', s.command],
    ['As-of date', s.asOf],
  ];
  for (const i of s.inputs) rows.push([`Input: ${i.role}`, `${i.file} (${i.rows ?? 0} rows, SHA-256 ${i.sha256})`]);
  rows.push(['Licence status column', s.licenceColumn ? 'present: scenario 11 checked' : 'absent: licence removals (scenario 11) not checked']);
  for (const b of s.balance) {
    rows.push([`Rows: ${b.source}`, `${b.inputRows} read = ${b.accountedRows} in lists + ${b.rejectedRows} rejected${b.balanced ? '' : ' (DOES NOT BALANCE)'}`]);
  }
  rows.push(['Doctors', String(s.counts.doctors)]);
  for (const a of REVAL_ACTIONS) rows.push([`Action: ${a}`, String(s.counts.byAction[a])]);
  rows.push(['To submit to the GMC (Add + Remove)', String(s.counts.toSubmit)]);
  for (const [code, n] of Object.entries(s.counts.byReason)) rows.push([`Reason: ${code}`, String(n)]);
  rows.push(['Precedence', `${s.precedence.join(' > ')} (see docs/reval.md)`]);
  for (const t of tables) rows.push([`Sheet: ${t.name}`, `${t.rows.length} rows; ${WHO[t.name] ?? ''}`]);
  return {
    name: 'Summary',
    columns: [
      { header: 'Item', kind: 'text', width: 36 },
      { header: 'Value', kind: 'text', width: 100 },
    ],
    rows: () => rows.map(([k, v]) => [k, v]),
  };
}

function toSheet(t: RevalTable, redactKey: string | undefined): SheetData {
  const rows = redactKey === undefined ? () => t.rows : () => t.rows.map((r) => redactRow(t.columns, r, redactKey));
  // Redaction leaves the Action column alone, so the red flag test still works on its rows.
  return { name: t.name, csvName: t.csvName, columns: t.columns, rows, flagRow: t.flagRow };
}

export async function runReval(opts: RevalOptions): Promise<RevalResult> {
  const progress = opts.progress ?? silentProgress;
  const given = [
    { flag: '--doctors', file: opts.doctors },
    { flag: '--gmc', file: opts.gmc },
    ...(opts.hidden ? [{ flag: '--hidden', file: opts.hidden }] : []),
    ...(opts.config ? [{ flag: '--config', file: opts.config }] : []),
  ];
  assertDistinctInputs(given);
  const { config, file: configFile } = loadConfigFile(opts.config);

  const rejects: RowReject[] = [];
  progress.phase('Reading TIS programme memberships');
  const doctors = await readSource('doctors', opts.doctors, config.columns.doctors, opts.sheet, configFile, buildDoctorRow, rejects);
  progress.phase('Reading GMC connections');
  const gmc = await readSource('gmc', opts.gmc, config.columns.gmc, opts.sheet, configFile, buildGmcRow, rejects);
  progress.phase('Reading ignore list');
  const hidden = opts.hidden
    ? await readSource('hidden', opts.hidden, config.columns.hidden, opts.sheet, configFile, buildHiddenRow, rejects)
    : undefined;

  progress.phase('Classifying');
  const decisions = classify(
    buildDoctors({ doctors: doctors.records, gmc: gmc.records, hidden: hidden?.records ?? [] }),
    opts.asOf.getTime(),
  );
  const inputRows: Partial<Record<RevalSource, number>> = { doctors: doctors.rows, gmc: gmc.rows };
  if (hidden) inputRows.hidden = hidden.rows;
  const balance = balanceRows(inputRows, decisions, rejects);

  const files: Record<RevalSource, string> = { doctors: opts.doctors, gmc: opts.gmc, hidden: opts.hidden ?? '' };
  const tables = buildRevalTables(decisions, rejects, (s) => files[s]);

  progress.phase('Writing reports');
  const inputs: InputEvidence[] = [];
  for (const [source, read] of [['doctors', doctors], ['gmc', gmc], ['hidden', hidden]] as const) {
    if (read === undefined) continue;
    inputs.push({ ...(await describeInput(ROLES[source], files[source])), rows: read.rows });
  }
  const columns: RevalSummary['columns'] = { doctors: doctors.columns, gmc: gmc.columns };
  if (hidden) columns.hidden = hidden.columns;
  const rejectedRows: Partial<Record<RevalSource, number>> = {};
  for (const b of balance) rejectedRows[b.source] = b.rejectedRows;

  const summary: RevalSummary = {
    tool: { name: 'idrecon', version: opts.toolVersion },
    command: opts.commandLine ?? '',
    asOf: opts.asOf.toISOString().slice(0, 10),
    inputs,
    columns,
    licenceColumn: gmc.columns['licenceStatus'] !== undefined,
    counts: { ...countDecisions(decisions), inputRows, rejectedRows },
    balance,
    precedence: RULES.map((r) => r.code),
    outputs: [],
  };

  const inputFiles = given.map((g) => g.file);
  await writeReportAndSummary(
    {
      outDir: opts.outDir,
      formats: opts.formats,
      workbook: 'connections',
      sheets: [summarySheet(summary, tables), ...tables.map((t) => toSheet(t, opts.redactKey))],
      asOf: opts.asOf,
      inputs: inputFiles,
      shareMode: opts.shareMode,
    },
    summary,
  );
  progress.done();

  // Written first so the files show where the rows went; then the run fails.
  if (balance.some((b) => !b.balanced)) {
    throw new DataError('Input rows do not balance with the rows in the connection lists; this is a bug in idrecon, please report it with summary.json.');
  }
  return { summary, decisions, rejects, exitCode: 0 };
}

/** Counts only: no names, GMC numbers or DB-level detail on the terminal. */
export function printRevalSummary(s: RevalSummary, outDir: string, out: NodeJS.WritableStream): void {
  const line = (label: string, value: number | string, colour = (x: string) => x): void => {
    out.write(`  ${label.padEnd(28)} ${colour(String(value))}\n`);
  };
  out.write(chalk.bold(`idrecon reval — as of ${s.asOf}\n`));
  for (const b of s.balance) line(`${b.source} rows read`, `${b.inputRows} (${b.rejectedRows} rejected)`, b.rejectedRows ? chalk.yellow : undefined);
  line('Doctors', s.counts.doctors);
  line('Add', s.counts.byAction.Add, chalk.green);
  line('Remove', s.counts.byAction.Remove, chalk.green);
  line('Ignore', s.counts.byAction.Ignore);
  line('Review (red flag)', s.counts.byAction.Review, chalk.red);
  line('No action', s.counts.byAction['No action']);
  if (!s.licenceColumn) out.write(`  ${chalk.yellow('No licence status column in the GMC list: licence removals (scenario 11) were not checked.')}\n`);
  out.write(`  Reports written to ${outDir}/: ${s.outputs.join(', ')}\n`);
}


export function registerReval(program: Command, version: () => string = () => '0.0.0'): void {
  const cmd = program
    .command('reval')
    .description('Build revalidation connection lists (Add, Remove, Ignore, Review, No action) from TIS programme memberships and the GMC connected-doctors list.')
    .requiredOption('--doctors <file>', 'TIS programme memberships export (.csv or .xlsx), one row per membership')
    .requiredOption('--gmc <file>', 'GMC list of connected doctors (.csv or .xlsx): GMC number, designated body, optional licence status')
    .option('--hidden <file>', 'ignore list kept between runs (.csv or .xlsx): GMC number, designated body, reason, hidden by, until')
    .option('--sheet <name>', 'XLSX inputs: sheet to read (default the first)');
  addSharedOptions(cmd, 'reports/reval');
  cmd.addHelpText(
    'after',
    `
Cost: reads every input into memory (about 1 KB per row); one pass over the doctors.

Outputs (in --out): connections.xlsx (Summary, Add, Remove, Ignore, Review, No Action, All with
Review rows in red, Rejected Rows); connections-add.csv, connections-remove.csv,
connections-ignore.csv, connections-review.csv, connections-no-action.csv, connections-all.csv,
connections-rejected-rows.csv; summary.json. Rules, reason codes and precedence: docs/reval.md.

Exit codes: 0 ok, 1 data error (including rows that do not balance), 2 usage or config error.

Examples:
  $ idrecon reval --doctors tis-programme-memberships.csv --gmc gmc-connections.csv
  $ idrecon reval --doctors pm.xlsx --gmc gmc.csv --hidden reval-hidden.csv --as-of 2026-11-01 --out reports/reval
  $ idrecon reval --doctors pm.csv --gmc gmc.csv --format csv,json --redact --redact-key "$KEY"`,
  );
  cmd.action(async (flags: RawSharedFlags & { doctors: string; gmc: string; hidden?: string; sheet?: string }) => {
    const shared = sharedOptions(flags, new Date(), process.env);
    const run = await runReval({
      ...shared,
      doctors: flags.doctors,
      gmc: flags.gmc,
      hidden: flags.hidden,
      sheet: flags.sheet,
      commandLine: redactCommandLine(['idrecon', ...process.argv.slice(2)]),
      toolVersion: version(),
      progress: terminalProgress(),
    });
    printRevalSummary(run.summary, shared.outDir, process.stderr);
    process.exitCode = run.exitCode;
  });
}

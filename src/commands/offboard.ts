/**
 * `idrecon offboard`: redundant TIS accounts checked against Tableau use, per Local Office.
 * Reads the TIS user export, the TIS last-login export, the Tableau users export and the
 * offices reference file into memory, classifies every account (src/core/offboard.ts) and
 * writes redundant-accounts.xlsx, the CSVs and summary.json. docs/offboarding-procedure.md is
 * the local teams' guide to the output.
 */
import type { Command } from 'commander';
import chalk from 'chalk';
import { DataError, UsageError } from '../errors.js';
import type { SourceKind } from '../core/profiles.js';
import {
  buildOffboardTables,
  offboard,
  PROBLEM_CODES,
  RECOMMENDATIONS,
  SOURCE_ORDER,
  USER_TYPES,
  type LinkMethod,
  type OffboardAnalysis,
  type OffboardReject,
  type OffboardRow,
  type OffboardSource,
  type OffboardTable,
  type ProblemCode,
  type Recommendation,
  type UserType,
} from '../core/offboard.js';
import { toIsoDate } from '../core/normalise-date.js';
import { pseudonym, redactRow } from '../core/redact.js';
import { loadConfigFile } from '../io/config-file.js';
import { assertDistinctInputs, describeInput, type InputEvidence } from '../io/evidence.js';
import { collectRows, loadSource } from '../io/load.js';
import type { Cell, SheetData } from '../io/report.js';
import { silentProgress, terminalProgress, type Progress } from '../progress.js';
import { addSharedOptions, redactCommandLine, sharedOptions, writeReportAndSummary, type RawSharedFlags, type SharedOptions } from './shared.js';

export interface OffboardOptions extends SharedOptions {
  /** TIS user export. */
  tis: string;
  /** TIS last-login export (auth events or username/last-login rows). */
  tisLogins?: string;
  /** Tableau users export. */
  tableau: string;
  /** Offices reference file: dbc / trust / region → Local Office. */
  offices?: string;
  /** Overrides config inactivity.tisInactiveDays (days, whole). */
  inactiveDays?: number;
  sheet?: string;
  /** The command line as typed, for summary.json (secrets removed). */
  commandLine?: string;
  toolVersion: string;
  progress?: Progress;
}

export interface BalanceRow {
  source: OffboardSource;
  file: string;
  inputRows: number;
  accountedRows: number;
  rejectedRows: number;
  balanced: boolean;
}

export interface OffboardSummary {
  tool: { name: 'idrecon'; version: string };
  command: string;
  asOf: string;
  /** Days without a login after which an account is redundant. */
  windowDays: number;
  /** First UTC day inside the window: logins on or after it count as recent. */
  windowStart: string;
  inputs: InputEvidence[];
  counts: {
    accounts: number;
    byRecommendation: Record<Recommendation, number>;
    byUserType: Record<UserType, number>;
    /** Local Office → user type → recommendation → accounts. */
    byLocalOffice: Record<string, Record<string, Record<string, number>>>;
    dataProblems: Record<ProblemCode, number>;
    tableauLinks: Record<LinkMethod, number>;
    unlinkedTableauUsers: number;
    rejectedRows: Record<string, number>;
  };
  loginRows: {
    read: number;
    applied: number;
    ignored: Record<string, number>;
    unmatched: Record<string, number>;
    rejected: number;
    earliestSignIn?: string;
  };
  balance: BalanceRow[];
  warnings: string[];
  outputs: string[];
}

export interface OffboardResult {
  summary: OffboardSummary;
  analysis: OffboardAnalysis;
  exitCode: number;
}

const ROLES: Readonly<Record<OffboardSource, string>> = {
  tis: 'TIS user export',
  'tis-logins': 'TIS last-login export',
  tableau: 'Tableau users export',
  offices: 'Offices reference file',
};

interface Read {
  rows: OffboardRow[];
  rejected: OffboardReject[];
  /** Rows read, rejected by the reader included. */
  read: number;
  /** Canonical fields that have a column. */
  columns: Set<string>;
}

async function readSource(source: OffboardSource & SourceKind, file: string, mapping: Record<string, string> | undefined, sheet: string | undefined): Promise<Read> {
  const loaded = await loadSource(file, source, { mapping, sheet });
  const { rows, rejected } = await collectRows(loaded);
  return {
    rows,
    rejected: rejected.map((r) => ({ source, line: r.line, reason: r.reason })),
    read: rows.length + rejected.length,
    columns: new Set(Object.keys(loaded.resolution.index)),
  };
}

/** Free-text columns that can name other accounts (duplicates, name ties). */
const FREE_TEXT = new Set(['Reasons', 'Detail', 'Note']);

/**
 * `--redact` for free text: replaces each whole username or address the run knows with the
 * pseudonym its own column gets ('value'), so a reason still points at the same account.
 */
function textRedactor(ids: readonly string[], key: string): (text: string) => string {
  const unique = [...new Set(ids.filter((x) => x.length > 0))].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
  if (unique.length === 0) return (t) => t;
  const escaped = unique.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`(?<![\\w.@#-])(?:${escaped.join('|')})(?![\\w.@#-])`, 'g');
  return (t) => t.replace(re, (m) => pseudonym('value', m, key));
}

function toSheet(t: OffboardTable, redactKey: string | undefined, redactText: (s: string) => string = (x) => x): SheetData {
  const free = t.columns.flatMap((c, i) => (c.pii === undefined && FREE_TEXT.has(c.header) ? [i] : []));
  const redact = (r: readonly Cell[]): Cell[] => {
    const out = redactRow(t.columns, r, redactKey!);
    for (const i of free) if (typeof out[i] === 'string') out[i] = redactText(out[i]);
    return out;
  };
  const rows = redactKey === undefined ? () => t.rows : () => t.rows.map(redact);
  const col = t.flagColumn;
  // Redaction leaves the Recommendation column alone, so the flag still finds REVIEW rows.
  return { name: t.name, csvName: t.csvName, columns: t.columns, rows, flagRow: col === undefined ? undefined : (r) => r[col] === 'REVIEW' };
}

function runDetailsSheet(s: OffboardSummary): SheetData {
  const rows: [string, string][] = [
    ['Tool', `idrecon ${s.tool.version}`],
    ['Command', s.command],
    ['As-of date', s.asOf],
    ['Window', `${s.windowDays} days: logins on or after ${s.windowStart} count as recent (whole UTC days)`],
  ];
  for (const i of s.inputs) rows.push([`Input: ${i.role}`, `${i.file} (${i.rows ?? 0} rows, SHA-256 ${i.sha256})`]);
  for (const b of s.balance) {
    rows.push([`Rows: ${b.source}`, `${b.inputRows} read = ${b.accountedRows} in the report + ${b.rejectedRows} rejected${b.balanced ? '' : ' — DOES NOT BALANCE'}`]);
  }
  const l = s.loginRows;
  rows.push(['Login rows applied', String(l.applied)]);
  for (const [k, n] of Object.entries(l.ignored)) rows.push([`Login rows ignored: ${k}`, String(n)]);
  for (const [k, n] of Object.entries(l.unmatched)) rows.push([`Login rows unmatched: ${k}`, String(n)]);
  rows.push(['Login rows rejected', String(l.rejected)]);
  if (l.earliestSignIn !== undefined) rows.push(['Earliest sign-in in login export', l.earliestSignIn]);
  for (const [m, n] of Object.entries(s.counts.tableauLinks)) rows.push([`Tableau links by ${m}`, String(n)]);
  rows.push(['Unlinked Tableau users', String(s.counts.unlinkedTableauUsers)]);
  for (const w of s.warnings) rows.push(['Warning', w]);
  return {
    name: 'Run Details',
    columns: [
      { header: 'Item', kind: 'text', width: 36 },
      { header: 'Value', kind: 'text', width: 100 },
    ],
    rows: () => rows,
  };
}

export async function runOffboard(opts: OffboardOptions): Promise<OffboardResult> {
  const progress = opts.progress ?? silentProgress;
  const given = [
    { flag: '--tis', file: opts.tis },
    ...(opts.tisLogins ? [{ flag: '--tis-logins', file: opts.tisLogins }] : []),
    { flag: '--tableau', file: opts.tableau },
    ...(opts.offices ? [{ flag: '--offices', file: opts.offices }] : []),
    ...(opts.config ? [{ flag: '--config', file: opts.config }] : []),
  ];
  assertDistinctInputs(given);
  const { config } = loadConfigFile(opts.config);
  const windowDays = opts.inactiveDays ?? config.inactivity.tisInactiveDays;

  progress.phase('Reading TIS users');
  const tis = await readSource('tis', opts.tis, config.columns.tis, opts.sheet);
  progress.phase('Reading TIS logins');
  const logins = opts.tisLogins ? await readSource('tis-logins', opts.tisLogins, config.columns['tis-logins'], opts.sheet) : undefined;
  if (logins === undefined && !tis.columns.has('lastLogin')) {
    // Without any login data every account would look unused: refuse rather than propose removals.
    throw new UsageError('No TIS login data: give --tis-logins FILE (the TIS last-login report) or a user export with a last-login column.');
  }
  progress.phase('Reading Tableau users');
  const tableau = await readSource('tableau', opts.tableau, config.columns.tableau, opts.sheet);
  progress.phase('Reading offices reference');
  const offices = opts.offices ? await readSource('offices', opts.offices, config.columns.offices, opts.sheet) : undefined;

  progress.phase('Classifying');
  const asOfMs = opts.asOf.getTime();
  const analysis = offboard({
    tisRows: tis.rows,
    loginRows: logins?.rows ?? [],
    tableauRows: tableau.rows,
    officeRows: offices?.rows,
    asOfMs,
    windowDays,
    scheme: config.scheme,
    nhsDomains: config.nhsDomains,
  });

  const files: Record<OffboardSource, string> = { tis: opts.tis, 'tis-logins': opts.tisLogins ?? '', tableau: opts.tableau, offices: opts.offices ?? '' };
  const reads: Partial<Record<OffboardSource, Read>> = { tis, tableau };
  if (logins) reads['tis-logins'] = logins;
  if (offices) reads.offices = offices;
  const readerRejects = SOURCE_ORDER.flatMap((s) => reads[s]?.rejected ?? []);
  const allRejects = [...readerRejects, ...analysis.rejected];

  // Nothing lost: each row read is in the report (an account, a link, an unlinked Tableau user,
  // a counted login row, a loaded reference row) or in Rejected Rows.
  const balance: BalanceRow[] = SOURCE_ORDER.flatMap((source) => {
    const r = reads[source];
    if (r === undefined) return [];
    const rejectedRows = allRejects.filter((x) => x.source === source).length;
    const accountedRows = analysis.accounted[source];
    return [{ source, file: files[source], inputRows: r.read, accountedRows, rejectedRows, balanced: r.read === accountedRows + rejectedRows }];
  });

  const warnings: string[] = [];
  const windowStartMs = asOfMs - windowDays * 86_400_000;
  if (offices === undefined) {
    warnings.push('No --offices reference file: Local Offices are the raw designated body values, and trust, region and unknown-code checks were skipped.');
  }
  const earliest = analysis.loginRows.earliestMs;
  if (logins !== undefined && earliest !== undefined && earliest > windowStartMs) {
    warnings.push(
      `The login export's earliest sign-in is ${toIsoDate(earliest)}, after the window start ${toIsoDate(windowStartMs)}: accounts last used before then look unused. Ask for a report covering at least ${windowDays} days.`,
    );
  }

  progress.phase('Writing reports');
  const tables = buildOffboardTables(analysis, (s) => files[s], readerRejects);
  const inputs: InputEvidence[] = [];
  for (const source of SOURCE_ORDER) {
    const r = reads[source];
    if (r !== undefined) inputs.push({ ...(await describeInput(ROLES[source], files[source])), rows: r.read });
  }
  const rejectedRows: Record<string, number> = {};
  for (const b of balance) rejectedRows[b.source] = b.rejectedRows;
  const summary: OffboardSummary = {
    tool: { name: 'idrecon', version: opts.toolVersion },
    command: opts.commandLine ?? '',
    asOf: toIsoDate(asOfMs),
    windowDays,
    windowStart: toIsoDate(windowStartMs),
    inputs,
    counts: {
      accounts: analysis.accounts.length,
      byRecommendation: analysis.byRecommendation,
      byUserType: analysis.byUserType,
      byLocalOffice: analysis.counts,
      dataProblems: analysis.problems,
      tableauLinks: analysis.tableauLinks,
      unlinkedTableauUsers: analysis.unlinkedTableau.length,
      rejectedRows,
    },
    loginRows: {
      read: analysis.loginRows.read + (logins?.rejected.length ?? 0),
      applied: analysis.loginRows.applied,
      ignored: analysis.loginRows.ignored,
      unmatched: analysis.loginRows.unmatched,
      rejected: analysis.loginRows.rejected + (logins?.rejected.length ?? 0),
      ...(earliest === undefined ? {} : { earliestSignIn: toIsoDate(earliest) }),
    },
    balance,
    warnings,
    outputs: [],
  };

  const ordered: OffboardTable[] = [tables.summary, ...tables.offices, tables.dataProblems, tables.all, tables.unlinkedTableau, tables.rejected];
  const redactText =
    opts.redactKey === undefined
      ? undefined
      : textRedactor(
          [...analysis.accounts.flatMap((a) => [a.user.username, a.user.emailRaw ?? '']), ...analysis.tableauUsers.flatMap((t) => [t.username, t.email ?? ''])],
          opts.redactKey,
        );
  const inputFiles = given.map((g) => g.file);
  await writeReportAndSummary(
    {
      outDir: opts.outDir,
      formats: opts.formats,
      workbook: 'redundant-accounts',
      sheets: [...ordered.map((t) => toSheet(t, opts.redactKey, redactText)), runDetailsSheet(summary)],
      asOf: opts.asOf,
      inputs: inputFiles,
      shareMode: opts.shareMode,
    },
    summary,
  );
  progress.done();

  // Written first so the files show where the rows went; then the run fails.
  if (balance.some((b) => !b.balanced)) {
    throw new DataError('Input rows do not balance with the rows in the offboarding report; this is a bug in idrecon, please report it with summary.json.');
  }
  return { summary, analysis, exitCode: 0 };
}

/** Counts only: never names, usernames or emails on the terminal. */
export function printOffboardSummary(s: OffboardSummary, outDir: string, out: NodeJS.WritableStream): void {
  const line = (label: string, value: number | string, colour = (x: string): string => x): void => {
    out.write(`  ${label.padEnd(32)} ${colour(String(value))}\n`);
  };
  out.write(chalk.bold(`idrecon offboard — as of ${s.asOf}, window ${s.windowDays} days (since ${s.windowStart})\n`));
  for (const b of s.balance) line(`${b.source} rows read`, `${b.inputRows} (${b.rejectedRows} rejected)`, b.rejectedRows ? chalk.yellow : undefined);
  line('TIS accounts', s.counts.accounts);
  const colours: Partial<Record<Recommendation, (x: string) => string>> = { REMOVE: chalk.red, REVIEW: chalk.yellow, KEEP: chalk.green, 'KEEP (TABLEAU ACTIVE)': chalk.green };
  for (const r of RECOMMENDATIONS) line(r, s.counts.byRecommendation[r], colours[r]);
  line('HEE / Trust / Other / Machine', USER_TYPES.map((t) => s.counts.byUserType[t]).join(' / '));
  const problems = PROBLEM_CODES.reduce((n, c) => n + s.counts.dataProblems[c], 0);
  line('Data problems', problems, problems ? chalk.yellow : undefined);
  line('Unlinked Tableau users', s.counts.unlinkedTableauUsers);
  for (const w of s.warnings) out.write(`  ${chalk.yellow(`Warning: ${w}`)}\n`);
  out.write(`  Reports written to ${outDir}/: ${s.outputs.join(', ')}\n`);
}

export function parseInactiveDays(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const s = value.trim();
  if (!/^\d+$/.test(s) || Number(s) > 3650) throw new UsageError(`--inactive-days takes a whole number of days from 0 to 3650, not "${value}".`);
  return Number(s);
}

export function registerOffboard(program: Command, version: () => string = () => '0.0.0'): void {
  const cmd = program
    .command('offboard')
    .description('List redundant TIS accounts per Local Office: no TIS login within the window, checked against Tableau use.')
    .requiredOption('--tis <file>', 'TIS user export (.csv or .xlsx): username, names, email, active, roles, designated bodies, trusts')
    .option('--tis-logins <file>', 'TIS last-login export (.csv or .xlsx): auth events (username or email, eventType, eventResponse, creationDate) or one last login per user')
    .requiredOption('--tableau <file>', 'Tableau users export from Data Services (.csv or .xlsx): User Name, User Email, Site Role, Last Logged In At')
    .option('--offices <file>', 'reference file (.csv or .xlsx) with columns Kind, Code, Local Office: kind dbc (designated body code), trust (trust code → owning office) or region (old region name → current office)')
    .option('--inactive-days <n>', 'days without a login after which an account is redundant (whole days, 0–3650; default config inactivity.tisInactiveDays, 183 = six months)')
    .option('--sheet <name>', 'XLSX inputs: sheet to read (default the first)');
  addSharedOptions(cmd, 'reports/offboard');
  cmd.addHelpText(
    'after',
    `
Cost: reads every input into memory (about 1 KB per row) before classifying.

Window: whole UTC days. A login exactly N days before the as-of date is inside the window; N+1
days is outside; a date after the as-of date is flagged for review.

Outputs (in --out): redundant-accounts.xlsx (Summary, one sheet per Local Office, Data Problems,
All Accounts, Unlinked Tableau Users, Rejected Rows, Run Details); redundant-accounts.csv,
data-problems.csv, unlinked-tableau-users.csv, rejected-rows.csv; summary.json.
Recommendations: REMOVE, REVIEW, KEEP (TABLEAU ACTIVE), KEEP, MACHINE ACCOUNT, INACTIVE (ALREADY).
How to read and act on them: docs/offboarding-procedure.md.

Exit codes: 0 ok, 1 data error (including rows that do not balance), 2 usage or config error.

Examples:
  $ idrecon offboard --tis tis-users.csv --tis-logins tis-last-logins.csv --tableau tableau-users.csv --offices local-offices.csv
  $ idrecon offboard --tis users.xlsx --tableau ts-users.csv --offices offices.csv --as-of 2026-11-01 --out reports/offboard
  $ idrecon offboard --tis users.csv --tis-logins logins.csv --tableau ts.csv --inactive-days 90 --format csv,json`,
  );
  cmd.action(
    async (flags: RawSharedFlags & { tis: string; tisLogins?: string; tableau: string; offices?: string; inactiveDays?: string; sheet?: string }) => {
      const shared = sharedOptions(flags, new Date(), process.env);
      const run = await runOffboard({
        ...shared,
        tis: flags.tis,
        tisLogins: flags.tisLogins,
        tableau: flags.tableau,
        offices: flags.offices,
        inactiveDays: parseInactiveDays(flags.inactiveDays),
        sheet: flags.sheet,
        commandLine: redactCommandLine(['idrecon', ...process.argv.slice(2)]),
        toolVersion: version(),
        progress: terminalProgress(),
      });
      printOffboardSummary(run.summary, shared.outDir, process.stderr);
      process.exitCode = run.exitCode;
    },
  );
}

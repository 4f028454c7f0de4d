/**
 * Options shared by every command, worded the same everywhere, and their parsing into typed
 * values. Commands add these with `addSharedOptions` and read them with `sharedOptions`.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { basename } from 'node:path';
import type { OutputFormat, ReportOptions } from '../io/report.js';
import { writeReport } from '../io/write-report.js';

export interface SharedOptions {
  config?: string;
  /** The run's "today", UTC midnight. Defaults to the current UTC date (taken in the CLI). */
  asOf: Date;
  outDir: string;
  formats: Set<OutputFormat>;
  shareMode: boolean;
  verbose: boolean;
  /** `--redact`: pseudonymise names, emails and phones in reports with this key. */
  redactKey?: string;
}

export function addSharedOptions(cmd: Command, defaultOut = 'reports'): Command {
  return cmd
    .option('--config <file>', 'config file (JSON); default ./idrecon.config.json when present')
    .option('--as-of <date>', "the run's date, YYYY-MM-DD (UTC); default today")
    .option('--out <dir>', 'directory for reports (created if missing)', defaultOut)
    .option('--format <list>', 'comma-separated output formats: xlsx, csv, json', 'xlsx,csv,json')
    .option('--share-mode', 'create report files with the usual umask instead of owner-only (0600)', false)
    .option('--redact', 'replace names, emails and phone numbers in reports with stable pseudonyms', false)
    .option('--redact-key <key>', 'key for --redact pseudonyms (or env IDRECON_REDACT_KEY); never written out')
    .option('--verbose', 'show stack traces and field values in errors', false);
}

/** Parses a YYYY-MM-DD date as UTC midnight; throws UsageError naming the flag. */
export function parseAsOf(value: string | undefined, now: Date): Date {
  if (value === undefined) return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    if (d.getUTCDate() === Number(m[3]) && d.getUTCMonth() === Number(m[2]) - 1) return d;
  }
  throw new UsageError(`--as-of must be a date as YYYY-MM-DD, e.g. 2026-11-01.`);
}

export function parseFormats(value: string): Set<OutputFormat> {
  const out = new Set<OutputFormat>();
  for (const part of value.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    if (part !== 'xlsx' && part !== 'csv' && part !== 'json') {
      throw new UsageError(`--format takes xlsx, csv and json (comma-separated), not "${part}".`);
    }
    out.add(part);
  }
  if (out.size === 0) throw new UsageError('--format needs at least one of xlsx, csv, json.');
  return out;
}

export interface RawSharedFlags {
  config?: string;
  asOf?: string;
  out: string;
  format: string;
  shareMode?: boolean;
  redact?: boolean;
  redactKey?: string;
  verbose?: boolean;
}

export function sharedOptions(flags: RawSharedFlags, now: Date, env: NodeJS.ProcessEnv): SharedOptions {
  let redactKey: string | undefined;
  if (flags.redact) {
    redactKey = flags.redactKey ?? env['IDRECON_REDACT_KEY'];
    if (!redactKey) throw new UsageError('--redact needs a key: pass --redact-key KEY or set IDRECON_REDACT_KEY.');
  } else if (flags.redactKey !== undefined) {
    throw new UsageError('--redact-key only makes sense with --redact.');
  }
  return {
    config: flags.config,
    asOf: parseAsOf(flags.asOf, now),
    outDir: flags.out,
    formats: parseFormats(flags.format),
    shareMode: flags.shareMode ?? false,
    verbose: flags.verbose ?? false,
    redactKey,
  };
}

/** The command line as typed, for evidence in summaries, with any --redact-key value removed. */
export function redactCommandLine(argv: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--redact-key') {
      out.push(a, '***');
      i++;
    } else if (a.startsWith('--redact-key=')) out.push('--redact-key=***');
    else out.push(a);
  }
  return out.join(' ');
}

/**
 * Writes a command's report and its summary.json (when JSON is asked for) listing every file
 * written, sorted, so the summary describes exactly what is on disk. `summary.outputs` is set
 * either way.
 */
export async function writeReportAndSummary(report: ReportOptions, summary: { outputs: string[] }): Promise<void> {
  const listOutputs = (written: readonly string[]): void => {
    summary.outputs = written.map((p) => basename(p));
    if (report.formats.has('json')) summary.outputs.push('summary.json');
    summary.outputs.sort();
  };
  // summary.json is written with the reports and renamed into place with them (writeReport).
  const written = await writeReport({
    ...report,
    jsonName: 'summary.json',
    json: (outputs) => {
      listOutputs(outputs);
      return summary;
    },
  });
  listOutputs(written);
}

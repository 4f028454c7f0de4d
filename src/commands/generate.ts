/**
 * `idrecon generate`: synthetic exports for scale tests and demos (issue "Scale"), and with
 * `--samples` the bundled samples/ for the reconcile job. Streams: entities are generated one at
 * a time and written in large chunks, so memory stays small whatever `--people` is.
 *
 * One thread on purpose: a worker-thread version (blocks with their own seeds, collision
 * suffixes resolved in order, the same bytes) was tried at 1.5M people; it spent more CPU in
 * all (placeholders to fill, logs to copy between threads) and several times the memory, and
 * was slower whenever the machine had other work.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseConfig } from '../core/config.js';
import {
  adCells,
  adHeaders,
  buildSamples,
  checkSynthOptions,
  defaultSynthOptions,
  entityRows,
  esrCells,
  ESR_HEADERS,
  NHSMAIL_HEADERS,
  nhsmailCells,
  RATE_NAMES,
  SAMPLE_AS_OF_MS,
  SAMPLE_NHSMAIL_ID_ATTRIBUTE,
  Synth,
  TABLEAU_HEADERS,
  TIS_HEADERS,
  TIS_LOGIN_HEADERS,
  TRUTH_HEADERS,
  type SampleSet,
  type SynthProfile,
  type SynthRates,
  type SynthStats,
  type SystemName,
} from '../core/synth.js';
import { allReady, AD_TYPE_LINE, csvBytes, exportFileSpecs, openCsvWriters, writeXlsx, type ExportEncoding, type XlsxCell } from '../io/write-exports.js';
import { silentProgress, terminalProgress, type Progress } from '../progress.js';
import { parseAsOf } from './shared.js';

export interface GenerateOptions {
  /** Write the bundled reconcile samples instead of N synthetic people. */
  samples: boolean;
  people: number;
  seed: number;
  outDir: string;
  profile: SynthProfile;
  asOf: Date;
  adEncoding: ExportEncoding;
  nhsmailIdAttribute: string;
  /** Overrides of single rates (0..1) on top of the profile's. */
  rates: Partial<SynthRates>;
  progress?: Progress;
}

export interface GenerateResult {
  files: { file: string; rows: number }[];
  stats?: SynthStats;
}

/** Entities generated between checks of the streams' backpressure. */
const BATCH = 2000;

export async function runGenerate(o: GenerateOptions): Promise<GenerateResult> {
  return o.samples ? writeSamples(o.outDir) : writeSynthetic(o);
}

async function writeSynthetic(o: GenerateOptions): Promise<GenerateResult> {
  const options = defaultSynthOptions(o.people, o.seed, o.profile);
  options.asOfMs = o.asOf.getTime();
  options.nhsmailIdAttribute = o.nhsmailIdAttribute;
  Object.assign(options.rates, o.rates);
  const problems = checkSynthOptions(options);
  if (problems.length > 0) throw new UsageError(`generate options are not valid: ${problems.join('; ')}.`);

  const specs = exportFileSpecs(
    {
      esr: ESR_HEADERS,
      nhsmail: NHSMAIL_HEADERS,
      ad: adHeaders(o.nhsmailIdAttribute),
      tis: TIS_HEADERS,
      tisLogins: TIS_LOGIN_HEADERS,
      tableau: TABLEAU_HEADERS,
      truth: TRUTH_HEADERS,
    },
    o.adEncoding,
  );
  const writers = openCsvWriters(o.outDir, specs);
  const list = Object.values(writers);
  const emit = (system: SystemName, cells: string[]): void => writers[system].row(cells);
  const progress = o.progress ?? silentProgress;
  const synth = new Synth(options);
  const step = Math.max(BATCH, Math.ceil(o.people / 100 / BATCH) * BATCH);
  let n = 0;
  try {
    for (let e = synth.next(); e; e = synth.next()) {
      entityRows(e, emit);
      if (++n % BATCH === 0) {
        await allReady(list);
        if (n % step === 0) progress.phase(`Generating: ${Math.round((100 * n) / o.people)}% of ${o.people} people`);
      }
    }
  } finally {
    await Promise.all(list.map((w) => w.close()));
    progress.done();
  }
  return { files: list.map((w) => ({ file: w.path, rows: w.rows })), stats: synth.stats };
}

/** samples/idrecon.config.json: the samples' AD keeps the NHSmail ID in extensionAttribute10. */
export function sampleConfig(): Record<string, unknown> {
  return {
    '//': 'Config for the bundled samples (idrecon generate --samples). Northfield Community NHS Trust keeps the NHSmail unique ID in AD extensionAttribute10.',
    ad: { nhsmailIdAttribute: SAMPLE_NHSMAIL_ID_ATTRIBUTE },
  };
}

/** The mailbox report's cells: Last Logon as a typed date-time, as the Portal's XLSX has it. */
export function nhsmailSampleRows(set: SampleSet): XlsxCell[][] {
  const lastLogon = NHSMAIL_HEADERS.indexOf('Last Logon');
  return set.nhsmail.map((r) => {
    const cells: XlsxCell[] = nhsmailCells(r);
    const v = cells[lastLogon];
    if (typeof v === 'string' && v !== '') cells[lastLogon] = new Date(v);
    return cells;
  });
}

async function writeSamples(outDir: string): Promise<GenerateResult> {
  const set = buildSamples();
  mkdirSync(outDir, { recursive: true });
  const esr = join(outDir, 'esr-extract.csv');
  writeFileSync(esr, csvBytes({ header: ESR_HEADERS, encoding: 'utf-8-bom', eol: '\r\n' }, set.esr.map(esrCells)));
  const ad = join(outDir, 'local-ad-users.csv');
  writeFileSync(
    ad,
    csvBytes({ header: adHeaders(SAMPLE_NHSMAIL_ID_ATTRIBUTE), encoding: 'utf-16le', preamble: AD_TYPE_LINE, quoteAll: true, eol: '\r\n' }, set.ad.map(adCells)),
  );
  const nhsmail = join(outDir, 'nhsmail-mailbox-report.xlsx');
  await writeXlsx(nhsmail, {
    sheet: 'Mailbox Report',
    header: NHSMAIL_HEADERS,
    rows: nhsmailSampleRows(set),
    created: new Date(SAMPLE_AS_OF_MS),
    dateFormat: 'yyyy-mm-dd hh:mm:ss',
  });
  const config = join(outDir, 'idrecon.config.json');
  const cfg = sampleConfig();
  const { problems } = parseConfig(cfg);
  if (problems.length > 0) throw new Error(`sample config does not validate: ${problems.join('; ')}`);
  writeFileSync(config, `${JSON.stringify(cfg, null, 2)}\n`);
  return {
    files: [
      { file: esr, rows: set.esr.length },
      { file: nhsmail, rows: set.nhsmail.length },
      { file: ad, rows: set.ad.length },
      { file: config, rows: 0 },
    ],
  };
}

// --- Flags → options ----------------------------------------------------------------------------

function wholeNumber(flag: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not "${value}".`);
  return n;
}

/** `--rate name=value` (repeatable) → partial rates; names are SynthRates keys. */
export function parseRates(values: readonly string[]): Partial<SynthRates> {
  const out: Partial<SynthRates> = {};
  for (const v of values) {
    const m = /^([A-Za-z]+)=(\d*\.?\d+)$/.exec(v.trim());
    const name = m?.[1] as keyof SynthRates | undefined;
    if (!m || name === undefined || !RATE_NAMES.includes(name)) {
      throw new UsageError(`--rate takes NAME=VALUE with NAME one of ${RATE_NAMES.join(', ')}; got "${v}".`);
    }
    const x = Number(m[2]);
    if (!(x >= 0 && x <= 1)) throw new UsageError(`--rate ${name} must be from 0 to 1, not ${m[2]}.`);
    out[name] = x;
  }
  return out;
}

interface RawGenerateFlags {
  people?: string;
  seed: string;
  out: string;
  profile: string;
  asOf: string;
  adEncoding: string;
  nhsmailIdAttribute: string;
  rate: string[];
  samples?: boolean;
}

export function generateOptions(flags: RawGenerateFlags): GenerateOptions {
  if (flags.profile !== 'realistic' && flags.profile !== 'clean') throw new UsageError(`--profile takes realistic or clean, not "${flags.profile}".`);
  if (flags.adEncoding !== 'utf-16le' && flags.adEncoding !== 'utf-8-bom') throw new UsageError(`--ad-encoding takes utf-16le or utf-8-bom, not "${flags.adEncoding}".`);
  if (!flags.samples && flags.people === undefined) throw new UsageError('generate needs --people N (or --samples to write the bundled samples).');
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(flags.nhsmailIdAttribute)) throw new UsageError(`--nhsmail-id-attribute must be an AD attribute name, not "${flags.nhsmailIdAttribute}".`);
  return {
    samples: flags.samples ?? false,
    people: flags.people === undefined ? 0 : wholeNumber('--people', flags.people, 1, 50_000_000),
    seed: wholeNumber('--seed', flags.seed, 0, 0xffffffff),
    outDir: flags.out,
    profile: flags.profile,
    asOf: parseAsOf(flags.asOf, new Date(0)),
    adEncoding: flags.adEncoding,
    nhsmailIdAttribute: flags.nhsmailIdAttribute,
    rates: parseRates(flags.rate),
  };
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('Write synthetic ESR, NHSmail, AD, TIS, TIS-login and Tableau exports for N fictional people, with truth.csv; or the bundled samples.')
    .option('--people <n>', 'number of people (entities) to generate, 1 to 50000000')
    .option('--seed <n>', 'PRNG seed: the same seed and options give the same bytes', '1')
    .option('--out <dir>', 'directory to write into (created if missing)', 'generated')
    .option('--profile <name>', 'realistic (data-quality faults at default rates) or clean (every anchor consistent)', 'realistic')
    .option('--as-of <date>', 'extract date, YYYY-MM-DD (UTC): every date counts back from it', '2026-11-01')
    .option('--ad-encoding <name>', 'local-ad-users.csv encoding: utf-8-bom (Export-Csv -Encoding UTF8) or utf-16le (-Encoding Unicode, twice the bytes)', 'utf-8-bom')
    .option('--nhsmail-id-attribute <name>', 'AD attribute that holds the NHSmail ID (last AD column)', 'extensionAttribute1')
    .option('--rate <name=value>', `override one fault rate, 0..1 (repeatable), e.g. esrEmailMissing=0.2; names: ${RATE_NAMES.join(', ')}`, (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--samples', 'write the bundled reconcile samples (fixed ~300 people, planted problems; see samples/README.md) instead', false)
    .addHelpText(
      'after',
      `
Files: esr-extract.csv, nhsmail-mailbox-report.csv, local-ad-users.csv (#TYPE line, every field
quoted), tis-users.csv, tis-last-logins.csv, tableau-users.csv, truth.csv (Person Id, ESR Employee
Number, NHSmail Email, AD sAMAccountName, TIS Username, Tableau Username; a person's second AD
account gets a second row with the same Person Id). With --samples: esr-extract.csv,
nhsmail-mailbox-report.xlsx, local-ad-users.csv (UTF-16 LE), idrecon.config.json.

Sizes: ESR ≈ 1.06 N rows (0.96 N people, some with several assignments), NHSmail ≈ 0.93 N,
AD ≈ 0.67 N, TIS and Tableau ≈ 0.02 N each.

Cost: streams in one thread; memory stays small, as only name-collision counters are kept
(about 200 MB peak RSS at 1.5M people). 1.5M people ≈ 5M rows ≈ 1 GB (1.4 GB with
--ad-encoding utf-16le) in well under a minute on two cores (time it with /usr/bin/time -v).

Examples:
  $ idrecon generate --people 1000 --out /tmp/gen
  $ idrecon generate --people 1500000 --seed 7 --out /tmp/gen --ad-encoding utf-16le
  $ idrecon generate --people 5000 --profile clean --rate leaver=0 --out /tmp/clean
  $ idrecon generate --samples --out samples`,
    )
    .action(async (flags: RawGenerateFlags) => {
      const options = generateOptions(flags);
      const started = performance.now();
      const result = await runGenerate({ ...options, progress: terminalProgress() });
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      for (const f of result.files) process.stderr.write(`  ${f.file.padEnd(48)} ${f.rows > 0 ? `${f.rows} rows` : ''}\n`);
      process.stderr.write(`Wrote ${result.files.length} files to ${options.outDir}/ in ${secs}s.\n`);
    });
}

/**
 * `idrecon init`: writes a commented starter `idrecon.config.json` holding every setting at its
 * default (the JML Pre-Matched Data Set scheme), so a trust can see and change what it runs.
 */
import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { DEFAULT_CONFIG, parseConfig } from '../core/config.js';
import { DEFAULT_CONFIG_FILE } from '../io/config-file.js';

/** The starter config: defaults plus "//" comment keys, which parseConfig ignores. */
export function starterConfig(): Record<string, unknown> {
  const d = DEFAULT_CONFIG;
  return {
    '//': 'idrecon configuration. Keys starting with // are comments. Delete any setting to use its default.',
    scheme: {
      '//': 'Weighted anchor scheme of the NHSmail JML guide (section 6.5). A pair scoring >= threshold is a match; reviewFloor..threshold-1 is a near miss for review.',
      weights: { ...d.scheme.weights },
      threshold: d.scheme.threshold,
      reviewFloor: d.scheme.reviewFloor,
      nhsmailIdPoints: d.scheme.nhsmailIdPoints,
      fuzzy: {
        '//': 'Off by default so results reproduce the JML Pre-Matched Data Set. nameJaroWinkler and positionDice are similarities from 0 to 1.',
        ...d.scheme.fuzzy,
      },
    },
    inactivity: {
      '//': 'Days. NHSmail: the guide says 90 to Inactive, 90 more to deletion, 30 to restore; since December 2022 accounts go Inactive after 30 days unused.',
      ...d.inactivity,
    },
    ad: {
      '//': 'The AD attribute your organisation uses to hold the NHSmail unique ID.',
      nhsmailIdAttribute: d.ad.nhsmailIdAttribute,
    },
    nhsDomains: [...d.nhsDomains],
    columns: {
      '//': 'Map a canonical field to your export header when idrecon cannot find it, e.g. "esr": { "employeeNumber": "Staff No" }. Run idrecon inspect FILE to see the fields.',
      esr: {},
      nhsmail: {},
      ad: {},
    },
  };
}

export function runInit(options: { file: string; force: boolean }): string {
  if (existsSync(options.file) && !options.force) {
    throw new UsageError(`${options.file} already exists; pass --force to overwrite it or --file to write elsewhere.`);
  }
  const config = starterConfig();
  const { problems } = parseConfig(config);
  if (problems.length > 0) throw new Error(`starter config does not validate: ${problems.join('; ')}`);
  writeFileSync(options.file, `${JSON.stringify(config, null, 2)}\n`, { encoding: 'utf8' });
  return options.file;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('Write a commented starter idrecon.config.json with every setting at its default.')
    .option('--file <path>', 'where to write the config', DEFAULT_CONFIG_FILE)
    .option('--force', 'overwrite an existing file', false)
    .addHelpText(
      'after',
      `
Examples:
  $ idrecon init
  $ idrecon init --file configs/trust.json --force`,
    )
    .action((flags: { file: string; force: boolean }) => {
      const file = runInit(flags);
      process.stderr.write(`Wrote ${file}. Edit it, then pass --config ${file} (or keep it in the current directory).\n`);
    });
}

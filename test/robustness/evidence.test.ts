/**
 * Issue "Robustness and data safety", part 5: evidence. Every report's summary (summary.json
 * and the workbook's Summary / Run Details sheet) records the command line with any key
 * replaced by ***, the tool version, the as-of date, the scheme and thresholds, and each
 * input's name, row count and SHA-256 (checked against a hash computed here).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, type CliResult } from '../helpers/run-cli.js';
import { AS_OF, ensureBuilt, offboardFixture, readCsv, reconcileFixture, revalFixture, xlsxSheet } from './fixtures.js';

const KEY = 'evidence-key-Zx81';
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
/** Data rows in a CSV fixture: records after the header. */
const dataRows = (file: string): number => readCsv(file).length - 1;

interface InputEvidence {
  role: string;
  file: string;
  sha256: string;
  rows?: number;
}

interface Summary {
  tool: { name: string; version: string };
  command: string;
  asOf: string;
  inputs: InputEvidence[];
  scheme?: { threshold: number; reviewFloor: number; weights: Record<string, number> };
  windowDays?: number;
}

interface Run {
  name: string;
  args: string[];
  r: CliResult;
  summary: Summary;
  /** Item → Value from the workbook's evidence sheets. */
  sheet: Map<string, string>;
  inputs: string[];
}

const runs: Run[] = [];

/** The command line as the summary should show it: idrecon, the arguments, the key as ***. */
function expectedCommand(args: readonly string[]): string {
  return ['idrecon', ...args.map((a, i) => (args[i - 1] === '--redact-key' ? '***' : a))].join(' ');
}

async function run(name: string, args: string[], out: string, workbook: string, inputs: string[]): Promise<void> {
  const full = [...args, '--out', out, '--redact', '--redact-key', KEY];
  const r = runCli(full);
  expect(r.code, r.stderr).toBe(0);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
  const sheet = new Map<string, string>();
  for (const s of ['Summary', 'Run Details']) {
    const rows = await xlsxSheet(join(out, workbook), s).catch(() => [] as string[][]);
    if (rows[0]?.[0] !== 'Item') continue; // offboard's Summary sheet is counts, not evidence
    for (const [k, v] of rows.slice(1)) if (k !== undefined) sheet.set(k, v ?? '');
  }
  runs.push({ name, args: full, r, summary, sheet, inputs });
}

beforeAll(async () => {
  ensureBuilt();
  const dir = tempDir('idrecon-evidence-');
  const fx = reconcileFixture(dir, 20, 3);
  const config = join(dir, 'idrecon.config.json');
  writeFileSync(config, JSON.stringify({ scheme: { threshold: 7, reviewFloor: 3 } }, null, 2));
  await run(
    'reconcile',
    ['reconcile', '--esr', fx.esr, '--nhsmail', fx.nhsmail, '--ad', fx.ad, '--config', config, '--as-of', AS_OF],
    join(dir, 'reconcile-out'),
    'reconciliation.xlsx',
    [fx.esr, fx.nhsmail, fx.ad],
  );
  const off = offboardFixture(dir);
  await run(
    'offboard',
    ['offboard', '--tis', off.tis, '--tis-logins', off.tisLogins, '--tableau', off.tableau, '--offices', off.offices, '--as-of', AS_OF, '--inactive-days', '120'],
    join(dir, 'offboard-out'),
    'redundant-accounts.xlsx',
    [off.tis, off.tisLogins, off.tableau, off.offices],
  );
  const rev = revalFixture(dir);
  await run('reval', ['reval', '--doctors', rev.doctors, '--gmc', rev.gmc, '--hidden', rev.hidden, '--as-of', AS_OF], join(dir, 'reval-out'), 'connections.xlsx', [
    rev.doctors,
    rev.gmc,
    rev.hidden,
  ]);
}, 180_000);

const get = (name: string): Run => runs.find((r) => r.name === name)!;

describe.each(['reconcile', 'offboard', 'reval'])('%s evidence', (name) => {
  it('summary.json: command line with the key as ***, tool version, as-of date', () => {
    const { summary, args } = get(name);
    expect(summary.command).toBe(expectedCommand(args));
    expect(summary.command).not.toContain(KEY);
    expect(summary.tool).toEqual({ name: 'idrecon', version: VERSION });
    expect(summary.asOf).toBe(AS_OF);
  });

  it("summary.json: each input's name, row count and SHA-256", () => {
    const { summary, inputs } = get(name);
    expect(summary.inputs.map((i) => i.file)).toEqual(inputs);
    for (const i of summary.inputs) {
      expect(i.sha256, i.file).toBe(sha256(i.file));
      expect(i.rows, i.file).toBe(dataRows(i.file));
      expect(i.role.length).toBeGreaterThan(0);
    }
  });

  it('the workbook records the command line, tool version and as-of date', () => {
    const { sheet, args } = get(name);
    expect(sheet.get('Command')).toBe(expectedCommand(args));
    expect(sheet.get('Tool')).toBe(`idrecon ${VERSION}`);
    expect(sheet.get('As-of date')).toBe(AS_OF);
    expect([...sheet.values()].join('\n')).not.toContain(KEY);
  });

  it("the workbook records each input's name, row count and SHA-256", () => {
    const { sheet, inputs } = get(name);
    const lines = [...sheet.entries()].filter(([k]) => k.startsWith('Input')).map(([, v]) => v);
    expect(lines).toHaveLength(inputs.length);
    for (const f of inputs) {
      const line = lines.find((l) => l.includes(f));
      expect(line, f).toBeDefined();
      expect(line).toContain(sha256(f));
      expect(line).toContain(`${dataRows(f)} rows`);
    }
  });
});

describe('scheme and thresholds', () => {
  it('reconcile records the scheme in force (threshold, review floor, weights) in summary.json and the workbook', () => {
    const { summary, sheet } = get('reconcile');
    expect(summary.scheme?.threshold).toBe(7);
    expect(summary.scheme?.reviewFloor).toBe(3);
    expect(summary.scheme?.weights).toEqual({ email: 5, employeeNumber: 5, mobile: 4, lastName: 1, firstName: 1, fullName: 3, position: 1 });
    expect(sheet.get('Threshold')).toBe('7');
    expect(sheet.get('Review floor')).toBe('3');
    expect(sheet.get('Weights')).toBe('email 5, employeeNumber 5, mobile 4, lastName 1, firstName 1, fullName 3, position 1');
  });

  it('offboard records its inactivity window in summary.json and the workbook', () => {
    const { summary, sheet } = get('offboard');
    expect(summary.windowDays).toBe(120);
    expect(sheet.get('Window')).toMatch(/^120 days/);
  });
});

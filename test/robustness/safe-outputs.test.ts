/**
 * Issue "Robustness and data safety", part 3: safe outputs, for reconcile, offboard and reval.
 * - Every text cell that begins with = + - @ tab or CR is neutralised, in every CSV and in the
 *   workbook (read back with exceljs); no formula cells at all.
 * - Employee numbers and phone numbers are text (leading zeros kept).
 * - Report files are 0600 (and their new directory 0700) unless --share-mode, when the umask
 *   decides; no temp files are left behind.
 * - An output that would overwrite an input is refused, and the input is left unchanged.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, tempDir, type CliResult } from '../helpers/run-cli.js';
import {
  AD_HEADER,
  AS_OF,
  ESR_HEADER,
  NHSMAIL_HEADER,
  adRow,
  ensureBuilt,
  esrRow,
  expectOneSentenceError,
  makePeople,
  nhsmailRow,
  offboardFixture,
  readCsv,
  readCsvObjects,
  revalFixture,
  writeCsv,
  xlsxCells,
  type XlsxCell,
} from './fixtures.js';

/** Runs the built CLI under a given umask (the shell sets it, then execs node). */
function runCliUmask(args: readonly string[], umask: string): CliResult {
  const r = spawnSync('/bin/sh', ['-c', `umask ${umask} && exec "$@"`, 'sh', process.execPath, BIN, ...args], {
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const HYPERLINK = '=HYPERLINK("http://evil.example/x","Click me")';
const TRIGGER = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
/** Plain numbers (a negative score) are not formulas: Excel reads "-5" as minus five. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

interface Command {
  name: 'reconcile' | 'offboard' | 'reval';
  /** Arguments without --out. */
  args: (dir: string) => string[];
  workbook: string;
  /** Input files, to check they are never overwritten. */
  inputs: string[];
  /** Strings with formula triggers that the fixture puts in cells that reach the reports. */
  injected: string[];
  /** Sets up a run whose --out holds an input with the same name as an output. */
  clash: (dir: string) => { args: string[]; input: string };
}

const commands: Command[] = [];
interface Runs {
  out: string;
  shared: string;
  r: CliResult;
  rShared: CliResult;
  clash: { r: CliResult; input: string; before: Buffer; out: string };
  /** The inputs' bytes before and after all runs. */
  inputsBefore: Buffer[];
  inputsAfter: Buffer[];
}
const runs = new Map<string, Runs>();

function reconcileCommand(dir: string): Command {
  const people = makePeople(8, 21);
  const esrRows = people.map((p, i) =>
    i === 1
      ? esrRow(p, { 'First Name': HYPERLINK, 'Last Name': '+Quillplus', 'Position Title': '-2+3+cmd|calc', Organisation: '@SUM(A1:A9)' })
      : i === 2
        ? esrRow(p, { 'Known As': '\t=Tabbed', 'Email Address': '' })
        : esrRow(p),
  );
  const nhsRows = people.map((p, i) => (i === 3 ? nhsmailRow(p, { 'Job Title': '=1+1', 'Last Name': '@Atlast', 'First Name': '\r=CarriageReturn' }) : nhsmailRow(p)));
  // An NHSmail-only account with a landline (leading zero) and an AD-only account with a formula name.
  const extra = makePeople(10, 21)[9]!;
  nhsRows.push(nhsmailRow(extra, { Mobile: '0161 496 0000', 'Job Title': '+Plus job' }));
  const adRows = people.slice(0, 5).map((p, i) => (i === 4 ? adRow(p, { SamAccountName: '=cmd|x', GivenName: '-Minus', title: '@title' }) : adRow(p)));
  const esr = writeCsv(dir, 'esr.csv', ESR_HEADER, esrRows);
  const nhsmail = writeCsv(dir, 'nhsmail.csv', NHSMAIL_HEADER, nhsRows);
  const ad = writeCsv(dir, 'ad.csv', AD_HEADER, adRows);
  return {
    name: 'reconcile',
    args: () => ['reconcile', '--esr', esr, '--nhsmail', nhsmail, '--ad', ad, '--as-of', AS_OF],
    workbook: 'reconciliation.xlsx',
    inputs: [esr, nhsmail, ad],
    injected: [HYPERLINK, '+Quillplus', '-2+3+cmd|calc', '=1+1', '@Atlast', '=cmd|x', '=Tabbed'],
    clash: (d) => {
      const input = join(d, 'people.csv');
      copyFileSync(esr, input);
      return { args: ['reconcile', '--esr', input, '--nhsmail', nhsmail, '--as-of', AS_OF, '--out', d], input };
    },
  };
}

function offboardCommand(dir: string): Command {
  const f = offboardFixture(dir, { first: HYPERLINK, last: '+Evilplus', username: '@evilsam' });
  return {
    name: 'offboard',
    args: () => ['offboard', '--tis', f.tis, '--tis-logins', f.tisLogins, '--tableau', f.tableau, '--offices', f.offices, '--as-of', AS_OF],
    workbook: 'redundant-accounts.xlsx',
    inputs: [f.tis, f.tisLogins, f.tableau, f.offices],
    injected: [HYPERLINK, '+Evilplus', '@evilsam'],
    clash: (d) => {
      const input = join(d, 'redundant-accounts.csv');
      copyFileSync(f.tis, input);
      return { args: ['offboard', '--tis', input, '--tis-logins', f.tisLogins, '--tableau', f.tableau, '--as-of', AS_OF, '--out', d], input };
    },
  };
}

function revalCommand(dir: string): Command {
  const f = revalFixture(dir, { first: HYPERLINK, last: '+Evilplus', programme: '@SUM(1,2)' });
  return {
    name: 'reval',
    args: () => ['reval', '--doctors', f.doctors, '--gmc', f.gmc, '--hidden', f.hidden, '--as-of', AS_OF],
    workbook: 'connections.xlsx',
    inputs: [f.doctors, f.gmc, f.hidden],
    injected: [HYPERLINK, '+Evilplus', '@SUM(1,2)'],
    clash: (d) => {
      const input = join(d, 'connections-all.csv');
      copyFileSync(f.doctors, input);
      return { args: ['reval', '--doctors', input, '--gmc', f.gmc, '--as-of', AS_OF, '--out', d], input };
    },
  };
}

beforeAll(() => {
  ensureBuilt();
  for (const make of [reconcileCommand, offboardCommand, revalCommand]) {
    const dir = tempDir('idrecon-safe-');
    const cmd = make(dir);
    commands.push(cmd);
    const inputsBefore = cmd.inputs.map((f) => readFileSync(f));
    const out = join(dir, 'out');
    const shared = join(dir, 'shared');
    const r = runCliUmask([...cmd.args(dir), '--out', out], '022');
    const rShared = runCliUmask([...cmd.args(dir), '--out', shared, '--share-mode'], '022');
    const clashDir = join(dir, 'clash');
    mkdirSync(clashDir);
    const c = cmd.clash(clashDir);
    const before = readFileSync(c.input);
    const clash = { r: runCli(c.args), input: c.input, before, out: clashDir };
    runs.set(cmd.name, { out, shared, r, rShared, clash, inputsBefore, inputsAfter: cmd.inputs.map((f) => readFileSync(f)) });
  }
}, 180_000);

const NAMES = ['reconcile', 'offboard', 'reval'] as const;
const get = (name: string) => runs.get(name)!;
const cmdOf = (name: string) => commands.find((c) => c.name === name)!;

describe.each(NAMES)('%s', (name) => {
  it('runs (exit 0) in both modes', () => {
    expect(get(name).r.code, get(name).r.stderr).toBe(0);
    expect(get(name).rShared.code, get(name).rShared.stderr).toBe(0);
  });

  it('neutralises every formula-like text cell in every CSV', () => {
    const { out } = get(name);
    const csvs = readdirSync(out).filter((f) => f.endsWith('.csv'));
    expect(csvs.length).toBeGreaterThan(2);
    const all: string[] = [];
    for (const f of csvs) {
      for (const row of readCsv(join(out, f))) {
        for (const cell of row) {
          all.push(cell);
          if (!PLAIN_NUMBER.test(cell)) expect(cell, `${f}: ${JSON.stringify(cell)}`).not.toMatch(TRIGGER);
        }
      }
    }
    // The injected values did reach the reports, each behind an apostrophe.
    const reached = cmdOf(name).injected.filter((v) => all.some((c) => c.includes(v.trim())));
    expect(reached.length).toBeGreaterThan(0);
    for (const v of reached) expect(all.some((c) => c.startsWith(`'${v.trim()}`)), v).toBe(true);
    expect(all.some((c) => c.startsWith(`'${HYPERLINK}`))).toBe(true);
  });

  it('neutralises every formula-like text cell in the workbook, which holds no formulas', async () => {
    const cells = await xlsxCells(join(get(name).out, cmdOf(name).workbook));
    expect(cells.length).toBeGreaterThan(20);
    expect(cells.filter((c) => c.type === 6 /* Formula */ || c.type === 7 /* SharedString formula */).map((c) => c.text)).toEqual([]);
    const texts = cells.filter((c) => typeof c.value === 'string');
    for (const c of texts) expect(c.value as string, `${c.sheet}!R${c.row}C${c.col}`).not.toMatch(TRIGGER);
    expect(texts.some((c) => c.value === `'${HYPERLINK}`)).toBe(true);
  });

  it('writes report files owner-only (0600) in a 0700 directory, with no temp files left', () => {
    const { out } = get(name);
    expect(statSync(out).mode & 0o777).toBe(0o700);
    const files = readdirSync(out);
    expect(files.filter((f) => f.startsWith('.') || /\.tmp/.test(f))).toEqual([]);
    for (const f of files) expect(statSync(join(out, f)).mode & 0o777, f).toBe(0o600);
  });

  it('with --share-mode leaves modes to the umask (022: 0644), with no temp files left', () => {
    const { shared } = get(name);
    const files = readdirSync(shared);
    expect(files.filter((f) => f.startsWith('.') || /\.tmp/.test(f))).toEqual([]);
    expect(files.sort()).toEqual(readdirSync(get(name).out).sort());
    for (const f of files) expect(statSync(join(shared, f)).mode & 0o777, f).toBe(0o644);
    expect(statSync(shared).mode & 0o777).toBe(0o755);
  });

  it('refuses an --out where an output would overwrite an input, leaving the input unchanged', () => {
    const { clash } = get(name);
    expectOneSentenceError(clash.r, { codes: [1, 2], names: clash.input });
    expect(readFileSync(clash.input).equals(clash.before)).toBe(true);
    // Nothing was written next to it: the refusal comes before any report.
    expect(readdirSync(clash.out)).toEqual([clash.input.split('/').pop()]);
  });

  it('never changes an input file', () => {
    const { inputsBefore, inputsAfter } = get(name);
    inputsBefore.forEach((b, i) => expect(inputsAfter[i]!.equals(b), cmdOf(name).inputs[i]).toBe(true));
  });
});

describe('reconcile: identifiers stay text', () => {
  let cells: XlsxCell[];
  beforeAll(async () => {
    cells = await xlsxCells(join(get('reconcile').out, 'reconciliation.xlsx'));
  });

  const column = (sheet: string, header: string): XlsxCell[] => {
    const h = cells.find((c) => c.sheet === sheet && c.row === 1 && c.text === header);
    expect(h, `${sheet}: ${header}`).toBeDefined();
    return cells.filter((c) => c.sheet === sheet && c.col === h!.col && c.row > 1);
  };

  it('employee number 00123456 is the text 00123456 in the CSV and the workbook', () => {
    const people = readCsvObjects(join(get('reconcile').out, 'people.csv'));
    expect(people.map((p) => p['ESR Employee Number'])).toContain('00123456');
    const xl = column('People', 'ESR Employee Number');
    expect(xl.length).toBeGreaterThan(0);
    for (const c of xl) expect(typeof c.value, c.text).toBe('string');
    expect(xl.map((c) => c.value)).toContain('00123456');
  });

  it('every phone and employee-number cell in the workbook is text, never a number', () => {
    const idCols = cells.filter((c) => c.row === 1 && /mobile|phone|employee (number|id)/i.test(c.text) && !/points|score|similarity/i.test(c.text));
    expect(idCols.length).toBeGreaterThan(3);
    for (const h of idCols) {
      for (const c of cells.filter((x) => x.sheet === h.sheet && x.col === h.col && x.row > 1)) {
        expect(typeof c.value, `${h.sheet}: ${h.text} = ${c.text}`).toBe('string');
      }
    }
    // A landline keeps its leading zero or becomes +44 text: never 1614960000.
    const phones = cells.filter((c) => typeof c.value === 'string' && /161\s?496/.test(c.value));
    expect(phones.length).toBeGreaterThan(0);
    for (const c of phones) expect(c.value as string).toMatch(/^('\+44|0)161/);
  });

  it('the CSVs keep the leading zeros too', () => {
    const out = get('reconcile').out;
    const text = readdirSync(out)
      .filter((f) => f.endsWith('.csv'))
      .map((f) => readFileSync(join(out, f), 'utf8'))
      .join('\n');
    expect(text).not.toMatch(/(^|,)123456(,|\r?$)/m);
    expect(text).not.toMatch(/(^|,)1614960000(,|\r?$)/m);
  });
});

describe('an input named like the summary', () => {
  it('a config file that summary.json would overwrite is refused before any report is written', () => {
    const dir = tempDir('idrecon-safe-');
    const p = makePeople(2, 1);
    const esr = writeCsv(dir, 'esr.csv', ESR_HEADER, p.map((x) => esrRow(x)));
    const nhs = writeCsv(dir, 'nhs.csv', NHSMAIL_HEADER, p.map((x) => nhsmailRow(x)));
    const out = join(dir, 'out');
    mkdirSync(out);
    const config = join(out, 'summary.json');
    writeFileSync(config, '{}\n');
    const r = runCli(['reconcile', '--esr', esr, '--nhsmail', nhs, '--config', config, '--as-of', AS_OF, '--out', out]);
    expectOneSentenceError(r, { codes: [1, 2], names: config });
    expect(readFileSync(config, 'utf8')).toBe('{}\n');
    expect(readdirSync(out)).toEqual(['summary.json']);
  });
});

describe('an --out that is a file', () => {
  it('is one sentence, exit 1 or 2, and the file is unchanged', () => {
    const dir = tempDir('idrecon-safe-');
    const p = makePeople(2, 1);
    const esr = writeCsv(dir, 'esr.csv', ESR_HEADER, p.map((x) => esrRow(x)));
    const nhs = writeCsv(dir, 'nhs.csv', NHSMAIL_HEADER, p.map((x) => nhsmailRow(x)));
    const before = readFileSync(esr);
    const r = runCli(['reconcile', '--esr', esr, '--nhsmail', nhs, '--as-of', AS_OF, '--out', esr]);
    expectOneSentenceError(r, { codes: [1, 2], names: esr });
    expect(readFileSync(esr).equals(before)).toBe(true);
  });
});

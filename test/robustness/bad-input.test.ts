/**
 * Issue "Robustness and data safety", part 1: bad input gets a clear one-sentence error (exit
 * 1 or 2) or a row in rejected-rows.csv (file, line, reason), never a crash or a silent drop.
 * Every case runs the built CLI (`idrecon reconcile`) on a fixture written by the test.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, tempDir, type CliResult } from '../helpers/run-cli.js';
import {
  AS_OF,
  ESR_HEADER,
  NHSMAIL_HEADER,
  csvText,
  ensureBuilt,
  esrRow,
  expectOneSentenceError,
  makePeople,
  nhsmailRow,
  readCsvObjects,
  writeCsv,
  xlsxCells,
  type Person,
} from './fixtures.js';

beforeAll(() => ensureBuilt(), 180_000);

const people: Person[] = makePeople(6, 11);
const ESR_ROWS = people.map((p) => esrRow(p));
const NHS_ROWS = people.map((p) => nhsmailRow(p));
/** Every data value of the fixtures: none may reach stderr. */
const VALUES = [...new Set([...ESR_ROWS, ...NHS_ROWS].flat().filter((v) => v.trim().length >= 3))];

interface Case {
  dir: string;
  out: string;
  esr: string;
  nhsmail: string;
}

/** A fresh dir with a good ESR extract and NHSmail report. */
function setup(): Case {
  const dir = tempDir('idrecon-bad-');
  return {
    dir,
    out: join(dir, 'out'),
    esr: writeCsv(dir, 'esr.csv', ESR_HEADER, ESR_ROWS),
    nhsmail: writeCsv(dir, 'nhsmail.csv', NHSMAIL_HEADER, NHS_ROWS),
  };
}

function reconcile(c: Case, extra: readonly string[] = []): CliResult {
  return runCli(['reconcile', '--esr', c.esr, '--nhsmail', c.nhsmail, '--as-of', AS_OF, '--out', c.out, '--format', 'csv,json', ...extra]);
}

interface Balance {
  source: string;
  inputRows: number;
  accountedRows: number;
  rejectedRows: number;
  balanced: boolean;
}

/** Exit 0, every source balances in summary.json, and rejected-rows.csv agrees with it. */
function expectBalancedRun(r: CliResult, c: Case, expectedInputRows: Record<string, number>): Record<string, string>[] {
  expect(r.code, r.stderr).toBe(0);
  const summary = JSON.parse(readFileSync(join(c.out, 'summary.json'), 'utf8')) as { balance: Balance[] };
  const rejected = readCsvObjects(join(c.out, 'rejected-rows.csv'));
  for (const b of summary.balance) {
    expect(b.balanced, b.source).toBe(true);
    expect(b.inputRows).toBe(b.accountedRows + b.rejectedRows);
    expect(rejected.filter((x) => x['Source'] === b.source)).toHaveLength(b.rejectedRows);
  }
  expect(Object.fromEntries(summary.balance.map((b) => [b.source, b.inputRows]))).toEqual(expectedInputRows);
  for (const v of VALUES) expect(r.stderr, `stderr shows ${v}`).not.toContain(v);
  return rejected;
}

function expectReject(rejected: Record<string, string>[], file: string, line: number, reason: RegExp): void {
  const hit = rejected.find((x) => x['File'] === file && x['Line'] === String(line));
  expect(hit, `no reject for ${file} line ${line}: ${JSON.stringify(rejected)}`).toBeDefined();
  expect(hit!['Reason']).toMatch(reason);
  for (const v of VALUES) expect(hit!['Reason']).not.toContain(v);
}

describe('file-level problems: one sentence on stderr, exit 1 or 2', () => {
  it('an empty file', () => {
    const c = setup();
    writeFileSync(c.esr, '');
    expectOneSentenceError(reconcile(c), { codes: [1], names: c.esr, values: VALUES });
  });

  it('a header with no data rows', () => {
    const c = setup();
    writeFileSync(c.esr, csvText(ESR_HEADER, []));
    const r = reconcile(c);
    expectOneSentenceError(r, { codes: [1], names: c.esr, values: VALUES });
    expect(r.stderr).toMatch(/no data rows/);
  });

  it('a missing required column', () => {
    const c = setup();
    const keep = ESR_HEADER.map((h, i) => [h, i] as const).filter(([h]) => h !== 'Last Name');
    writeFileSync(c.esr, csvText(keep.map(([h]) => h), ESR_ROWS.map((row) => keep.map(([, i]) => row[i]!))));
    const r = reconcile(c);
    expectOneSentenceError(r, { codes: [1, 2], names: c.esr, values: VALUES });
    expect(r.stderr).toMatch(/lastName/);
  });

  it('no header row at all (data from line 1): the first row is not echoed, it is personal data', () => {
    const c = setup();
    writeFileSync(c.esr, ESR_ROWS.map((r) => r.join(',')).join('\r\n') + '\r\n');
    const r = reconcile(c);
    expectOneSentenceError(r, { codes: [1, 2], names: c.esr, values: VALUES });
    expect(r.stderr).toMatch(/header/);
  });

  it('duplicate headers for a column idrecon reads', () => {
    const c = setup();
    writeFileSync(c.esr, csvText([...ESR_HEADER, 'Email Address'], ESR_ROWS.map((row, i) => [...row, `other${i}@nhs.net`])));
    const r = reconcile(c);
    expectOneSentenceError(r, { codes: [1, 2], names: c.esr, values: [...VALUES, 'other0@nhs.net'] });
    expect(r.stderr).toMatch(/Email Address/);
  });

  it('a binary file named .csv', () => {
    const c = setup();
    const bytes = Buffer.alloc(4096);
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      bytes[i] = x >>> 16;
    }
    bytes[0] = 0x01; // not a zip, an OLE container or a byte order mark
    writeFileSync(c.esr, bytes);
    const r = reconcile(c);
    expectOneSentenceError(r, { codes: [1], names: c.esr, values: VALUES });
    expect(r.stderr).toMatch(/binary|not look like/i);
  });

  it('an .xlsx that is not a zip at all', () => {
    const c = setup();
    c.nhsmail = join(c.dir, 'mailbox.xlsx');
    writeFileSync(c.nhsmail, 'This is not a workbook, just some text someone saved with the wrong name.\n');
    const r = reconcile(c);
    expectOneSentenceError(r, { codes: [1], names: c.nhsmail, values: VALUES });
    expect(r.stderr).toMatch(/xlsx/i);
  });

  it('an .xlsx whose zip is damaged', () => {
    const c = setup();
    c.nhsmail = join(c.dir, 'mailbox.xlsx');
    writeFileSync(c.nhsmail, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(300, 0x41)]));
    expectOneSentenceError(reconcile(c), { codes: [1], names: c.nhsmail, values: VALUES });
  });

  it('a password-protected .xlsx (an OLE/CFB container)', () => {
    const c = setup();
    c.nhsmail = join(c.dir, 'mailbox.xlsx');
    const junk = Buffer.alloc(1024);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 37 + 11) & 0xff;
    writeFileSync(c.nhsmail, Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), junk]));
    const r = reconcile(c);
    expectOneSentenceError(r, { codes: [1], names: c.nhsmail, values: VALUES });
    expect(r.stderr).toMatch(/password|encrypted/i);
  });

  it('a sheet name that does not exist', async () => {
    const c = setup();
    c.nhsmail = join(c.dir, 'mailbox.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mailbox Report');
    ws.addRow([...NHSMAIL_HEADER]);
    for (const row of NHS_ROWS) ws.addRow(row);
    await wb.xlsx.writeFile(c.nhsmail);
    // The real sheet reads fine…
    expect(reconcile(c, ['--sheet', 'Mailbox Report']).code).toBe(0);
    // …an unknown one is one sentence that lists the sheets found.
    const r = reconcile(c, ['--sheet', 'Mailboxes']);
    expectOneSentenceError(r, { codes: [1, 2], names: c.nhsmail, values: VALUES });
    expect(r.stderr).toContain('Mailbox Report');
  });

  it('a file that does not exist', () => {
    const c = setup();
    c.esr = join(c.dir, 'no-such-extract.csv');
    expectOneSentenceError(reconcile(c), { codes: [1], names: c.esr, values: VALUES });
  });

  it('a directory given as a file', () => {
    const c = setup();
    c.esr = join(c.dir, 'a-folder.csv');
    mkdirSync(c.esr);
    expectOneSentenceError(reconcile(c), { codes: [1], names: c.esr, values: VALUES });
  });

  it.skipIf(process.getuid?.() === 0)('a file that cannot be read (no permission)', () => {
    const c = setup();
    chmodSync(c.esr, 0o000);
    expectOneSentenceError(reconcile(c), { codes: [1], names: c.esr, values: VALUES });
  });

  it('the same file given for two sources, however it is spelled', () => {
    const c = setup();
    const same = runCli(['reconcile', '--esr', c.esr, '--nhsmail', c.esr, '--as-of', AS_OF, '--out', c.out]);
    expectOneSentenceError(same, { codes: [2], names: c.esr, values: VALUES });
    const link = join(c.dir, 'link-to-esr.csv');
    symlinkSync(c.esr, link);
    const viaLink = runCli(['reconcile', '--esr', `${c.dir}/../${c.dir.split('/').pop()!}/./esr.csv`, '--nhsmail', link, '--as-of', AS_OF, '--out', c.out]);
    expectOneSentenceError(viaLink, { codes: [2], names: link, values: VALUES });
  });
});

describe('row-level problems: a row in rejected-rows.csv, exit 0, rows balance', () => {
  it('ragged rows (too few and too many cells)', () => {
    const c = setup();
    const rows = ESR_ROWS.map((r) => r.join(','));
    rows[1] = ESR_ROWS[1]!.slice(0, 4).join(','); // line 3: too few
    rows[3] = [...ESR_ROWS[3]!, 'surplus', 'cells'].join(','); // line 5: too many
    writeFileSync(c.esr, [ESR_HEADER.join(','), ...rows].join('\r\n') + '\r\n');
    const rejected = expectBalancedRun(reconcile(c), c, { esr: 6, nhsmail: 6 });
    expectReject(rejected, c.esr, 3, /cells/);
    expectReject(rejected, c.esr, 5, /cells/);
  });

  it('an unclosed quote', () => {
    const c = setup();
    const rows = ESR_ROWS.map((r) => r.join(','));
    rows[4] = rows[4]!.replace(people[4]!.position, `"${people[4]!.position}`); // line 6
    writeFileSync(c.esr, [ESR_HEADER.join(','), ...rows].join('\r\n') + '\r\n');
    const r = reconcile(c);
    // Lines 2–5 are read; line 6 and everything after it are one reject that says so.
    const rejected = expectBalancedRun(r, c, { esr: 5, nhsmail: 6 });
    expectReject(rejected, c.esr, 6, /quote.*rest of the file/);
  });

  it('a NUL byte in a data row', () => {
    const c = setup();
    const rows = ESR_ROWS.map((r) => r.join(','));
    rows[2] = rows[2]!.replace(people[2]!.last, `${people[2]!.last.slice(0, 3)}\u0000${people[2]!.last.slice(3)}`); // line 4
    writeFileSync(c.esr, [ESR_HEADER.join(','), ...rows].join('\n') + '\n');
    const rejected = expectBalancedRun(reconcile(c), c, { esr: 6, nhsmail: 6 });
    expectReject(rejected, c.esr, 4, /NUL/);
  });

  it('a 1 MB cell is read, balanced, and fits Excel (32,767 characters a cell)', async () => {
    const c = setup();
    const big = 'Specialist Nurse '.repeat(Math.ceil(1_048_576 / 17)).slice(0, 1_048_576);
    writeFileSync(c.esr, csvText(ESR_HEADER, ESR_ROWS.map((r, i) => (i === 1 ? esrRow(people[1]!, { 'Position Title': big }) : r))));
    const r = runCli(['reconcile', '--esr', c.esr, '--nhsmail', c.nhsmail, '--as-of', AS_OF, '--out', c.out]);
    const rejected = expectBalancedRun(r, c, { esr: 6, nhsmail: 6 });
    // Either the row is used (the person is in people.csv) or it is rejected with a reason.
    const inPeople = readCsvObjects(join(c.out, 'people.csv')).some((p) => p['ESR Employee Number'] === people[1]!.emp);
    const isRejected = rejected.some((x) => x['Line'] === '3');
    expect(inPeople || isRejected).toBe(true);
    const cells = await xlsxCells(join(c.out, 'reconciliation.xlsx'));
    const longest = Math.max(...cells.map((x) => (typeof x.value === 'string' ? x.value.length : 0)));
    expect(longest).toBeLessThanOrEqual(32_767);
  });

  it('1 MB names on both sides of a near miss are rejected as not names, and the run stays quick', () => {
    const c = setup();
    // No character in common: the worst case for Jaro-Winkler, quadratic in the lengths; the
    // two rows share a mobile, so with --fuzzy they are compared (about 10^11 steps if allowed).
    const bigA = 'abcdefghij'.repeat(104_858);
    const bigB = 'klmnopqrst'.repeat(104_858);
    const p = people[2]!;
    writeFileSync(c.esr, csvText(ESR_HEADER, ESR_ROWS.map((r, i) => (i === 2 ? esrRow(p, { 'First Name': bigA, 'Email Address': '' }) : r))));
    writeFileSync(c.nhsmail, csvText(NHSMAIL_HEADER, NHS_ROWS.map((r, i) => (i === 2 ? nhsmailRow(p, { 'First Name': bigB, 'Email Address': 'someone.else@nhs.net' }) : r))));
    const started = Date.now();
    const s = spawnSync(process.execPath, [BIN, 'reconcile', '--esr', c.esr, '--nhsmail', c.nhsmail, '--as-of', AS_OF, '--out', c.out, '--format', 'csv,json', '--fuzzy'], {
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
      encoding: 'utf8',
      timeout: 30_000,
      killSignal: 'SIGKILL',
    });
    expect(Date.now() - started, 'the run must not hang on long names').toBeLessThan(30_000);
    const r: CliResult = { code: s.status ?? -1, stdout: s.stdout, stderr: s.stderr };
    const rejected = expectBalancedRun(r, c, { esr: 6, nhsmail: 6 });
    expectReject(rejected, c.esr, 4, /First Name is longer than/);
    expectReject(rejected, c.nhsmail, 4, /First Name is longer than/);
  });

  it('dates and numbers that do not parse', () => {
    const c = setup();
    writeFileSync(
      c.esr,
      csvText(
        ESR_HEADER,
        ESR_ROWS.map((r, i) =>
          i === 1
            ? esrRow(people[1]!, { 'Assignment Start Date': '31/02/2020' }) // line 3: no 31 February
            : i === 3
              ? esrRow(people[3]!, { 'Assignment End Date': 'next Tuesday' }) // line 5
              : i === 4
                ? esrRow(people[4]!, { 'Employee Number': '12AB56' }) // line 6
                : r,
        ),
      ),
    );
    writeFileSync(c.nhsmail, csvText(NHSMAIL_HEADER, NHS_ROWS.map((r, i) => (i === 2 ? nhsmailRow(people[2]!, { 'Last Logon': 'yesterday' }) : r))));
    const r = reconcile(c);
    const rejected = expectBalancedRun(r, c, { esr: 6, nhsmail: 6 });
    expectReject(rejected, c.esr, 3, /Assignment Start Date is not a date/);
    expectReject(rejected, c.esr, 5, /Assignment End Date is not a date/);
    expectReject(rejected, c.esr, 6, /Employee Number/);
    expectReject(rejected, c.nhsmail, 4, /Last Logon is not a date/);
    for (const v of ['31/02/2020', 'next Tuesday', '12AB56', 'yesterday']) {
      expect(r.stderr).not.toContain(v);
      expect(readFileSync(join(c.out, 'rejected-rows.csv'), 'utf8')).not.toContain(v);
    }
  });
});

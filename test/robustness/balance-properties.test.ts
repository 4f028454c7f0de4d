/**
 * Issue "Robustness and data safety", part 2: nothing lost. For every command, over random
 * record sets (fast-check) with messy rows (bad dates, bad employee numbers, ragged rows, NUL
 * bytes, duplicates, blanks), the rows read equal the rows in the reports plus the rejected
 * rows, per source; and rows read equal the non-blank data lines written.
 *
 * The commands run in-process through their `run<Verb>` functions (the same code the CLI
 * wires, without a process start per case) so that enough cases fit in a few seconds; a run
 * that does not balance throws DataError, which fails the property.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { runOffboard } from '../../src/commands/offboard.js';
import { runReconcile } from '../../src/commands/reconcile.js';
import { runReval } from '../../src/commands/reval.js';
import type { SharedOptions } from '../../src/commands/shared.js';
import { tempDir } from '../helpers/run-cli.js';
import { AD_HEADER, DOCTORS_HEADER, ESR_HEADER, GMC_HEADER, HIDDEN_HEADER, NHSMAIL_HEADER, OFFICES_HEADER, TABLEAU_HEADER, TIS_HEADER, TIS_LOGIN_HEADER, csvText, readCsvObjects } from './fixtures.js';

const RUNS = 50;
/** Totals over all cases, to show the properties saw both used and rejected rows. */
const seen = { rows: 0, rejected: 0, cases: 0 };
let dir: string;
let config: string;
let n = 0;

beforeAll(() => {
  dir = tempDir('idrecon-balance-');
  config = join(dir, 'idrecon.config.json');
  writeFileSync(config, '{}\n');
});

function shared(): SharedOptions {
  return { config, asOf: new Date(Date.UTC(2026, 10, 1)), outDir: join(dir, `out-${n++}`), formats: new Set(['csv', 'json']), shareMode: false, verbose: false };
}

/** A CSV cell from a pool, sometimes blank. */
const pick = (...pool: string[]): fc.Arbitrary<string> => fc.constantFrom('', ...pool);

/**
 * A row for `header`: each column from its generator; then, rarely, ragged (cells dropped or
 * added) or holding a NUL byte.
 */
function rowArb(header: readonly string[], cells: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string[]> {
  const base = fc.tuple(...header.map((h) => cells[h] ?? fc.constant('')));
  return fc
    .tuple(base, fc.integer({ min: 0, max: 19 }), fc.integer({ min: 1, max: 3 }))
    .map(([row, damage, k]) => {
      const r = [...row];
      if (damage === 0) return r.slice(0, Math.max(1, r.length - k)); // too few cells
      if (damage === 1) return [...r, ...Array.from({ length: k }, () => 'extra')]; // too many
      if (damage === 2) r[0] = `${r[0] ?? ''}\u0000x`; // binary junk
      return r;
    });
}

function tableArb(header: readonly string[], cells: Record<string, fc.Arbitrary<string>>, min = 1): fc.Arbitrary<string[][]> {
  return fc.array(rowArb(header, cells), { minLength: min, maxLength: 25 });
}

/** Rows the readers count: those with any non-blank cell (blank lines are not rows). */
const counted = (rows: readonly string[][]): number => rows.filter((r) => r.some((c) => c.trim() !== '')).length;

function write(name: string, header: readonly string[], rows: readonly string[][]): string {
  const file = join(dir, `${n}-${name}`);
  writeFileSync(file, csvText(header, rows));
  return file;
}

interface Balance {
  source: string;
  inputRows: number;
  accountedRows: number;
  rejectedRows: number;
  balanced: boolean;
}

function expectBalanced(balance: readonly Balance[], expected: Record<string, number>, rejectedCsv: string): void {
  for (const b of balance) {
    expect(b.balanced, JSON.stringify(b)).toBe(true);
    expect(b.inputRows).toBe(b.accountedRows + b.rejectedRows);
  }
  // Sources with no non-blank row never get here (a header-only file is refused), so all rows count.
  expect(Object.fromEntries(balance.map((b) => [b.source, b.inputRows]))).toEqual(expected);
  const rejected = readCsvObjects(rejectedCsv);
  expect(rejected.length).toBe(balance.reduce((t, b) => t + b.rejectedRows, 0));
  seen.cases++;
  seen.rows += balance.reduce((t, b) => t + b.accountedRows, 0);
  seen.rejected += rejected.length;
}

const EMP = pick('00123456', '123456', '00123457', '12345678', '1.2345678E+7', 'X12', '00123458-2');
const FIRST = pick('Ann', 'Bob', 'Cai', 'ann');
const LAST = pick('Lee', 'Shah', 'Ng', 'O\'Neil');
const EMAIL = pick('ann.lee@nhs.net', 'bob.shah@nhs.net', 'cai.ng@nhs.net', 'ANN.LEE@NHS.NET', 'not-an-email', 'x@trust.nhs.uk');
const MOBILE = pick('07700 900001', '07700900002', '+447700900001', '0161 496 0000', 'ext 123');
const DATE = pick('01/04/2020', '2026-10-30', '31/02/2020', 'soon', '45000');

describe('nothing lost, over random record sets', () => {
  it('reconcile: ESR, NHSmail and AD rows read = rows in reports + rejected rows', async () => {
    const esrA = tableArb(ESR_HEADER, {
      'Employee Number': EMP,
      'First Name': FIRST,
      'Last Name': LAST,
      'Known As': pick('Annie'),
      'Email Address': EMAIL,
      'Work Mobile': MOBILE,
      'Position Title': pick('Nurse', 'Porter'),
      Organisation: pick('RXX', 'RYY'),
      'Assignment Status': pick('Active Assignment', 'Terminated'),
      'Assignment Start Date': DATE,
      'Assignment End Date': DATE,
    });
    const nhsA = tableArb(NHSMAIL_HEADER, {
      'Email Address': EMAIL,
      'NHSmail unique ID': pick('id1', 'id2', 'id3'),
      'First Name': FIRST,
      'Last Name': LAST,
      'Display Name': pick('Lee, Ann', 'Bob SHAH'),
      Mobile: MOBILE,
      'Job Title': pick('Nurse', 'Porter'),
      'Account Status': pick('Active', 'Deleted', 'Inactive', 'Weird'),
      'Last Logon': DATE,
      'Employee Number': EMP,
    });
    const adA = tableArb(AD_HEADER, {
      SamAccountName: pick('alee', 'bshah', 'cng'),
      Enabled: pick('True', 'False'),
      GivenName: FIRST,
      Surname: LAST,
      mail: EMAIL,
      employeeID: EMP,
      mobile: MOBILE,
      extensionAttribute1: pick('id1', 'id2', 'id3'),
    });
    await fc.assert(
      fc.asyncProperty(esrA, nhsA, adA, async (esrRows, nhsRows, adRows) => {
        fc.pre(counted(esrRows) > 0 && counted(nhsRows) > 0 && counted(adRows) > 0);
        const opts = shared();
        const run = await runReconcile({
          ...opts,
          esr: write('esr.csv', ESR_HEADER, esrRows),
          nhsmail: write('nhsmail.csv', NHSMAIL_HEADER, nhsRows),
          ad: write('ad.csv', AD_HEADER, adRows),
          failOn: new Set(),
          commandLine: 'idrecon reconcile (property test)',
          toolVersion: '0.0.0',
        });
        expectBalanced(run.summary.balance, { esr: counted(esrRows), nhsmail: counted(nhsRows), ad: counted(adRows) }, join(opts.outDir, 'rejected-rows.csv'));
        // Every NHSmail and AD line is in at most one identity.
        const people = readCsvObjects(join(opts.outDir, 'people.csv'));
        for (const col of ['NHSmail Line', 'AD Line']) {
          const lines = people.map((p) => p[col]).filter((l) => l !== '');
          expect(new Set(lines).size).toBe(lines.length);
        }
      }),
      { numRuns: RUNS, seed: 20261101 },
    );
  }, 60_000);

  it('offboard: TIS, login, Tableau and offices rows read = rows in the report + rejected rows', async () => {
    const user = pick('amartin', 'bokafor', 'svc-batch', 'AMARTIN');
    const tisA = tableArb(TIS_HEADER, {
      name: user,
      firstName: FIRST,
      lastName: LAST,
      emailAddress: EMAIL,
      active: pick('true', 'false', 'maybe'),
      roles: pick('HEE Admin', 'HEE Trust Admin', 'Machine'),
      designatedBodyCodes: pick('1-1RSSQ2H', '1-XXXX'),
      associatedTrusts: pick('R0A', 'ZZZ'),
      createdDate: DATE,
      lastLogin: DATE,
    });
    const loginA = tableArb(TIS_LOGIN_HEADER, { username: user, eventType: pick('SignIn', 'SignOut'), eventResponse: pick('Pass', 'Fail'), creationDate: DATE });
    const tableauA = tableArb(TABLEAU_HEADER, { 'User Name': pick('amartin', 'a.martin@nhs.net', 'zz'), 'Friendly Name': pick('Ann Lee'), 'User Email': EMAIL, 'Site Role': pick('Viewer', 'Unlicensed'), 'Last Logged In At': DATE });
    const officesA = tableArb(OFFICES_HEADER, { Kind: pick('dbc', 'trust', 'region', 'bogus'), Code: pick('1-1RSSQ2H', 'R0A', 'NW'), 'Local Office': pick('North West', 'London'), Name: pick('X') });
    await fc.assert(
      fc.asyncProperty(tisA, loginA, tableauA, officesA, async (tis, logins, tableau, offices) => {
        fc.pre([tis, logins, tableau, offices].every((t) => counted(t) > 0));
        const opts = shared();
        const run = await runOffboard({
          ...opts,
          tis: write('tis.csv', TIS_HEADER, tis),
          tisLogins: write('logins.csv', TIS_LOGIN_HEADER, logins),
          tableau: write('tableau.csv', TABLEAU_HEADER, tableau),
          offices: write('offices.csv', OFFICES_HEADER, offices),
          toolVersion: '0.0.0',
        });
        expectBalanced(
          run.summary.balance,
          { tis: counted(tis), 'tis-logins': counted(logins), tableau: counted(tableau), offices: counted(offices) },
          join(opts.outDir, 'rejected-rows.csv'),
        );
      }),
      { numRuns: RUNS, seed: 20261102 },
    );
  }, 60_000);

  it('reval: doctors, GMC and ignore-list rows read = rows in the lists + rejected rows', async () => {
    const gmcNo = pick('9900101', '9900102', '9900103', '12', 'GMC1');
    const db = pick('1-1RSSQ05', '1-1RSG4X0', 'nonsense');
    const doctorsA = tableArb(DOCTORS_HEADER, {
      'GMC Number': gmcNo,
      Forename: FIRST,
      Surname: LAST,
      'Programme Name': pick('General Practice', 'Anaesthetics'),
      'Programme Membership Type': pick('Substantive', 'LAT', 'Visitor', '??'),
      'Programme Start Date': DATE,
      'Programme End Date': DATE,
      'Curriculum End Date': DATE,
      Grade: pick('ST2', 'F1'),
      'Programme Owner Designated Body': db,
    });
    const gmcA = tableArb(GMC_HEADER, { 'GMC Reference Number': gmcNo, Forename: FIRST, Surname: LAST, 'Designated Body Code': db, 'Licence Status': pick('Licensed', 'Relinquished') });
    const hiddenA = tableArb(HIDDEN_HEADER, { 'GMC Number': gmcNo, 'Designated Body': db, Reason: pick('x'), 'Hidden By': pick('admin'), Until: DATE }, 0);
    await fc.assert(
      fc.asyncProperty(doctorsA, gmcA, hiddenA, async (doctors, gmc, hidden) => {
        fc.pre(counted(doctors) > 0 && counted(gmc) > 0);
        const opts = shared();
        const run = await runReval({
          ...opts,
          doctors: write('doctors.csv', DOCTORS_HEADER, doctors),
          gmc: write('gmc.csv', GMC_HEADER, gmc),
          hidden: write('hidden.csv', HIDDEN_HEADER, hidden),
          toolVersion: '0.0.0',
        });
        expectBalanced(run.summary.balance, { doctors: counted(doctors), gmc: counted(gmc), hidden: counted(hidden) }, join(opts.outDir, 'connections-rejected-rows.csv'));
      }),
      { numRuns: RUNS, seed: 20261103 },
    );
  }, 60_000);

  it('the cases held both rows used in reports and rejected rows', () => {
    expect(seen.cases).toBeGreaterThan(RUNS * 2);
    expect(seen.rows).toBeGreaterThan(RUNS * 10);
    expect(seen.rejected).toBeGreaterThan(RUNS);
  });
});

/**
 * A load worker hashes the keys of its export's own duplicate checks (core/actions.ts,
 * SOURCE_DUPLICATE_CHECKS) as it reads, and after its records sends the records whose hashes
 * another shares, so that the main thread looks only at those: NHSmail and AD exports get
 * them, an ESR export none.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_DUPLICATE_CHECKS, SourceKeyHashes } from '../../src/core/actions.js';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import type { AdAccount, NhsmailAccount } from '../../src/core/records.js';
import { loadJob, type LoadJob } from '../../src/io/load-records.js';
import { ensureBuilt } from '../helpers/build.js';
import { ROOT, tempDir } from '../helpers/run-cli.js';

type LoadRecords = typeof import('../../src/io/load-records.js');

const NHSMAIL_HEADER = 'Email Address,NHSmail unique ID,First Name,Last Name,Mobile,Job Title,Account Status,Employee Number';
const AD_HEADER = '"SamAccountName","GivenName","Surname","Enabled","mail","employeeID","extensionAttribute1"';

let dir: string;
let compiled: LoadRecords;

beforeAll(async () => {
  ensureBuilt();
  compiled = (await import(join(ROOT, 'dist', 'io', 'load-records.js'))) as LoadRecords;
  dir = tempDir('load-duplicates');
  // Keys shared in twos and threes, out of key order; one row rejected (no email), so record
  // indices and file lines part.
  writeFileSync(
    join(dir, 'nhsmail.csv'),
    [
      NHSMAIL_HEADER,
      'z@nhs.net,id-2,Zed,Zee,,Nurse,Active,00000070',
      'a@nhs.net,id-1,Al,Ay,,Nurse,Active,00000071',
      ',id-5,No,Mail,,Nurse,Active,00000075',
      'z@nhs.net,id-2,Zed,Zee,,Nurse,Active,00000072',
      'a@nhs.net,id-3,Al,Ay,,Nurse,Active,00000071',
      'z@nhs.net,id-4,Zed,Zee,,Nurse,Active,',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'ad.csv'),
    [
      AD_HEADER,
      '"one","Ona","Won","True","one@trust.nhs.uk","00000080","id-9"',
      '"two","Tia","Too","True","one@trust.nhs.uk","00000080","id-8"',
      '"three","Tre","Tri","True","","00000081","id-9"',
      '"four","For","Fore","False","","",""',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'esr.csv'), 'Employee Number,First Name,Last Name\n00000001,Ann,Lee\n00000001,Ann,Lee\n');
});

const job = (source: 'esr' | 'nhsmail' | 'ad', file: string): LoadJob => ({
  source,
  file: join(dir, file),
  nhsDomains: DEFAULT_CONFIG.nhsDomains,
  adNhsmailIdAttribute: source === 'ad' ? 'extensionAttribute1' : undefined,
});

/** The records sharing a key's hash, by check, over the records as this thread reads them. */
async function groupsHere(source: 'nhsmail' | 'ad', file: string) {
  const records: unknown[] = [];
  await loadJob(job(source, file), (batch) => void records.push(...batch.records));
  const keys = source === 'nhsmail' ? new SourceKeyHashes<NhsmailAccount>(SOURCE_DUPLICATE_CHECKS.nhsmail) : new SourceKeyHashes<AdAccount>(SOURCE_DUPLICATE_CHECKS.ad);
  for (const r of records) keys.add(r as NhsmailAccount & AdAccount);
  return keys.sharing();
}

describe("a load worker's duplicate checks", () => {
  it('gives, after its records, the records sharing an NHSmail check key, as hashing here finds them', async () => {
    const run = compiled.runInWorker(job('nhsmail', 'nhsmail.csv'), () => undefined);
    await expect(run.done).resolves.toBe(6);
    const groups = await run.duplicates;
    expect(groups).toEqual(await groupsHere('nhsmail', 'nhsmail.csv'));
    // Indices of records, ascending (the email-less row is a reject).
    expect(groups).toEqual({ DUPLICATE_NHSMAIL_EMPLOYEE_NUMBER: Int32Array.of(1, 3), DUPLICATE_NHSMAIL_ID: Int32Array.of(0, 2), DUPLICATE_NHSMAIL_EMAIL: Int32Array.of(0, 1, 2, 3, 4) });
  });

  it('and those sharing an AD check key; an ESR export sends none', async () => {
    const ad = compiled.runInWorker(job('ad', 'ad.csv'), () => undefined);
    await expect(ad.done).resolves.toBe(4);
    const groups = await ad.duplicates;
    expect(groups).toEqual(await groupsHere('ad', 'ad.csv'));
    expect(groups).toEqual({ DUPLICATE_AD_EMPLOYEE_ID: Int32Array.of(0, 1), DUPLICATE_AD_NHSMAIL_ID: Int32Array.of(0, 2), DUPLICATE_AD_MAIL: Int32Array.of(0, 1) });
    const esr = compiled.runInWorker(job('esr', 'esr.csv'), () => undefined);
    await expect(esr.done).resolves.toBe(2);
    await expect(esr.duplicates).resolves.toBeUndefined();
  });

  it('are handed on with the loaded records by startLoads, and absent when the exports are read in this thread', async () => {
    const jobs = [job('esr', 'esr.csv'), job('nhsmail', 'nhsmail.csv'), job('ad', 'ad.csv')];
    const inWorkers = compiled.startLoads(jobs, 2);
    const [esr, nhs, ad] = await Promise.all(inWorkers.loaded);
    expect(await esr!.duplicates).toBeUndefined();
    expect(await nhs!.duplicates).toEqual(await groupsHere('nhsmail', 'nhsmail.csv'));
    expect(await ad!.duplicates).toEqual(await groupsHere('ad', 'ad.csv'));
    const here = await Promise.all(compiled.startLoads(jobs, 1).loaded);
    expect(here.map((l) => l.duplicates)).toEqual([undefined, undefined, undefined]);
  });
});

/**
 * startLoads (src/io/load-records.ts): each input's records as soon as that input is read, so
 * that reconcile can match ESR ↔ NHSmail while the AD export is still being read; the same
 * records as loadAll; each export said open (its header accepted) before its rows are read; and an
 * input that cannot be read fails its own load and the later ones, with no rejection left unhandled.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { loadAll, startLoads, type LoadJob, type LoadedRecords } from '../../src/io/load-records.js';
import { ensureBuilt } from '../helpers/build.js';
import { ROOT, tempDir } from '../helpers/run-cli.js';

type LoadRecords = typeof import('../../src/io/load-records.js');
let compiled: LoadRecords;

beforeAll(async () => {
  ensureBuilt();
  // The compiled module, whose worker script exists: from src/ loads run in this thread only.
  compiled = (await import(join(ROOT, 'dist', 'io', 'load-records.js'))) as LoadRecords;
});

const S = (f: string): string => join(ROOT, 'samples', f);
const job = (source: LoadJob['source'], file: string): LoadJob => ({ source, file, nhsDomains: DEFAULT_CONFIG.nhsDomains });
const jobs = (): LoadJob[] => [job('esr', S('esr-extract.csv')), job('nhsmail', S('nhsmail-mailbox-report.xlsx')), job('ad', S('local-ad-users.csv'))];

const PENDING = Symbol('pending');
/** PENDING if `p` has not settled by the time already-queued callbacks have run. */
const state = async <T>(p: Promise<T>): Promise<T | typeof PENDING | 'rejected'> =>
  Promise.race([p.catch(() => 'rejected' as const), new Promise<typeof PENDING>((r) => setImmediate(() => r(PENDING)))]);

const summary = (l: LoadedRecords<unknown>) => ({ rows: l.rows, records: JSON.stringify(l.records), rejects: l.rejects });

describe('startLoads', () => {
  it('in this thread: gives the first input before the last is read, and the same records as loadAll', async () => {
    const { loaded } = startLoads(jobs(), 1);
    const first = await loaded[0]!;
    expect(first.records.length).toBeGreaterThan(0);
    // Reading the AD export needs the file system: it cannot be done yet.
    expect(await state(loaded[2]!)).toBe(PENDING);
    const all = await Promise.all(loaded);
    const again = await loadAll(jobs(), 1);
    expect(all.map(summary)).toEqual(again.map(summary));
  });

  it('in two worker threads for three inputs: the same records as in this thread', async () => {
    const { loaded } = compiled.startLoads(jobs(), 2);
    const all = await Promise.all(loaded);
    const one = await loadAll(jobs(), 1);
    expect(all.map(summary)).toEqual(one.map(summary));
  });

  it.each([1, 2])('with %i thread(s): an input that cannot be read fails its load and the later ones, and none is left unhandled', async (threads) => {
    const missing = join(tempDir(), 'no-such-file.csv');
    const { loaded } = compiled.startLoads([job('esr', S('esr-extract.csv')), job('nhsmail', missing), job('ad', S('local-ad-users.csv'))], threads);
    await expect(loaded[0]!).resolves.toMatchObject({ rows: expect.any(Number) });
    await expect(loaded[1]!).rejects.toThrow(/no-such-file\.csv/);
    // Not awaited before it failed: a rejection without a handler would fail this test file.
    await expect(loaded[2]!).rejects.toThrow();
  });

  it('in worker threads: says each export is open, header accepted, before its load is done', async () => {
    const { loaded, opened } = compiled.startLoads(jobs(), 2);
    const events: string[] = [];
    await Promise.all(jobs().map((j, k) => Promise.all([opened[k]!.then(() => events.push(`opened ${j.source}`)), loaded[k]!.then(() => events.push(`loaded ${j.source}`))])));
    for (const source of ['esr', 'nhsmail', 'ad']) expect(events.indexOf(`opened ${source}`)).toBeLessThan(events.indexOf(`loaded ${source}`));
  });

  it('in worker threads: an export whose header lacks required columns fails its opening with the loader\'s sentence', async () => {
    const bad = join(tempDir(), 'ad.csv');
    writeFileSync(bad, 'Other,Columns\nc,d\n');
    const { loaded, opened } = compiled.startLoads([job('esr', S('esr-extract.csv')), job('ad', bad)], 2);
    await expect(opened[0]!).resolves.toBeUndefined();
    await expect(opened[1]!).rejects.toThrow(/ad\.csv/);
    await expect(loaded[1]!).rejects.toThrow(/ad\.csv/);
  });

  it('stop() stops the loads still running: they reject rather than hang', async () => {
    const { loaded, stop } = compiled.startLoads(jobs(), 2);
    stop();
    const outcomes = await Promise.allSettled(loaded);
    // Stopped before any worker could finish reading: each load rejects.
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });
});

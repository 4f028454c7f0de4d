/**
 * Where a load's time goes (LoadWork): the bench prints these parts of the load, which is one
 * phase to the wall clock. Read in this thread and in worker threads (the compiled worker), each
 * input's parts must be there, from the thread that read it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import type { LoadJob } from '../../src/io/load-records.js';
import { ensureBuilt } from '../helpers/build.js';
import { ROOT } from '../helpers/run-cli.js';

type LoadRecords = typeof import('../../src/io/load-records.js');
let compiled: LoadRecords;

beforeAll(async () => {
  ensureBuilt();
  // The compiled module, whose worker script exists: from src/ loads run in this thread only.
  compiled = (await import(join(ROOT, 'dist', 'io', 'load-records.js'))) as LoadRecords;
});

/** Where threads' CPU time can be read (thread-cpu.ts): Linux. */
const linux = existsSync('/proc/thread-self/schedstat');

const jobs = (): LoadJob[] =>
  (['esr', 'ad'] as const).map((source) => ({
    source,
    file: join(ROOT, 'samples', source === 'esr' ? 'esr-extract.csv' : 'local-ad-users.csv'),
    nhsDomains: DEFAULT_CONFIG.nhsDomains,
  }));

describe('loadAll times the parts of each load', () => {
  /** Every input's parts are there; `unpacked`: this thread unpacked a worker's batches. */
  const expectParts = async (threads: number, unpacked: boolean): Promise<void> => {
    for (const l of await compiled.loadAll(jobs(), threads)) {
      expect(l.records.length).toBeGreaterThan(0);
      expect(l.work.read).toBeGreaterThan(0);
      expect(l.work.normalise).toBeGreaterThan(0);
      expect(l.work.handOver).toBeGreaterThan(0);
      if (unpacked) expect(l.unpack).toBeGreaterThan(0);
      else expect(l.unpack).toBe(0);
      if (!linux) continue;
      // The same parts in the reading thread's CPU time (see thread-cpu.test.ts). Its clock
      // moves in scheduler ticks, so a short part may read 0; no part is negative, and the
      // parts' CPU cannot exceed their wall time but by a tick or two.
      const cpu = l.work.cpu!;
      expect(cpu).toBeDefined();
      for (const part of ['read', 'normalise', 'handOver'] as const) expect(cpu[part]).toBeGreaterThanOrEqual(0);
      expect(cpu.read + cpu.normalise + cpu.handOver).toBeLessThanOrEqual(l.work.read + l.work.normalise + l.work.handOver + 10);
      if (unpacked) expect(l.unpackCpu).toBeGreaterThanOrEqual(0);
      else expect(l.unpackCpu).toBeUndefined();
    }
  };

  it('in this thread: reading, normalising and handing over, and no unpacking', async () => {
    await expectParts(1, false);
  });

  it("in worker threads: each worker's own parts, and this thread's unpacking of its batches", async () => {
    expect(compiled.workersAvailable()).toBe(true);
    await expectParts(2, true);
  });
});

describe('loadAll says when each thread finished reading (LoadWork.endedAt)', () => {
  /** This thread's clock as milliseconds since the epoch, as endedAt is given. */
  const now = (): number => performance.timeOrigin + performance.now();

  it.each([1, 2])('with %i thread(s): a moment within the load, comparable with this thread\'s clock, each input after the one before in one thread', async (threads) => {
    const before = now();
    const loads = await compiled.loadAll(jobs(), threads);
    const after = now();
    for (const l of loads) {
      expect(l.work.endedAt).toBeGreaterThanOrEqual(before);
      expect(l.work.endedAt).toBeLessThanOrEqual(after);
    }
    if (threads === 1) expect(loads[0]!.work.endedAt!).toBeLessThanOrEqual(loads[1]!.work.endedAt!);
  });
});

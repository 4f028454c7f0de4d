/**
 * openThreadCpuClock (src/io/thread-cpu.ts): the calling thread's CPU time, which the bench uses for
 * the load's parts because threads sharing two cores spend much of their wall time waiting. It
 * must count CPU, not wall time, and only the calling thread's. Linux only: elsewhere it gives
 * undefined and the bench prints wall times alone.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openThreadCpuClock, type ThreadCpuClock } from '../../src/io/thread-cpu.js';
import { ensureBuilt } from '../helpers/build.js';
import { ROOT } from '../helpers/run-cli.js';
import { sleepSync } from '../helpers/sleep.js';

const linux = existsSync('/proc/thread-self/schedstat');

describe.runIf(linux)('openThreadCpuClock', () => {
  let clock: ThreadCpuClock;
  beforeAll(() => {
    ensureBuilt();
    clock = openThreadCpuClock();
  });
  afterAll(() => clock.close());
  const threadCpuMs = (): number | undefined => clock.now();

  it('counts time spent computing, not time spent asleep', () => {
    const before = threadCpuMs()!;
    sleepSync(300);
    const asleep = threadCpuMs()! - before;
    // A sleeping thread uses next to no CPU (the clock itself moves in steps of a scheduler tick, a few ms).
    expect(asleep).toBeGreaterThanOrEqual(0);
    expect(asleep).toBeLessThan(100);
    const start = threadCpuMs()!;
    const wallStart = performance.now();
    let now = start;
    let x = 0;
    while (now - start < 100 && performance.now() - wallStart < 10_000) {
      for (let k = 0; k < 100_000; k++) x = (x * 31 + k) | 0;
      now = threadCpuMs()!;
    }
    expect(x).not.toBeNaN();
    expect(now - start).toBeGreaterThanOrEqual(100);
  });

  it("counts only the calling thread's time: a worker's computing does not move this thread's clock", async () => {
    const url = pathToFileURL(join(ROOT, 'dist', 'io', 'thread-cpu.js')).href;
    const worker = new Worker(new URL('../fixtures/workers/thread-cpu.mjs', import.meta.url), { workerData: url });
    await new Promise((resolve) => worker.once('online', resolve));
    const before = threadCpuMs()!;
    const reply = await new Promise<{ advanced: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const here = threadCpuMs()! - before;
    await worker.terminate();
    expect(reply.advanced).toBeGreaterThanOrEqual(150);
    // This thread only waited for the message.
    expect(here).toBeLessThan(reply.advanced / 2);
  });
});

describe.runIf(!linux)('openThreadCpuClock without /proc/thread-self', () => {
  it('gives undefined, so callers keep to wall time', () => {
    expect(openThreadCpuClock().now()).toBeUndefined();
  });
});

describe.runIf(linux)('a closed clock', () => {
  it('gives undefined', () => {
    const clock = openThreadCpuClock();
    expect(clock.now()).toBeGreaterThan(0);
    clock.close();
    expect(clock.now()).toBeUndefined();
  });
});

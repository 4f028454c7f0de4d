/**
 * A load worker's ways of ending (src/io/load-records.ts, runInWorker), with stand-in worker
 * scripts: each failure rejects the load with a clear error, and none leaves it waiting.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { runInWorker, type LoadJob } from '../../src/io/load-records.js';

const script = (name: string): URL => new URL(`../fixtures/workers/${name}.mjs`, import.meta.url);
const job = { file: 'esr-extract.csv', source: 'esr' } as unknown as LoadJob;

describe('runInWorker', () => {
  it('resolves to the rows read, every batch handed on in order', async () => {
    let batches = 0;
    const run = runInWorker(job, () => void batches++, script('two-batches'));
    await expect(run.done).resolves.toBe(2);
    expect(batches).toBe(2);
  });

  it("hands the worker's time (LoadWork) to onWork when it finishes", async () => {
    const seen: unknown[] = [];
    const run = runInWorker(job, () => undefined, script('with-work'), (work) => seen.push(work));
    await expect(run.done).resolves.toBe(1);
    expect(seen).toEqual([{ read: 5, normalise: 7, handOver: 1 }]);
  });

  it('rejects, naming the file, when the worker ends without finishing', async () => {
    const run = runInWorker(job, () => undefined, script('exits'));
    await expect(run.done).rejects.toThrow('the worker reading esr-extract.csv stopped unexpectedly (exit code 3)');
  });

  it('rejects with the worker\'s error as the class the main thread would throw', async () => {
    const run = runInWorker(job, () => undefined, script('input-error'));
    const err: unknown = await run.done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe('Row 3 has 2 fields; the header has 5.');
    expect((err as InputError).file).toBe('esr.csv');
    expect((err as InputError).line).toBe(3);
  });

  it('rejects with the error of a batch it cannot take, and stops the worker', async () => {
    let batches = 0;
    const run = runInWorker(
      job,
      () => {
        batches++;
        throw new Error('batch layout does not match');
      },
      script('two-batches'),
    );
    await expect(run.done).rejects.toThrow('batch layout does not match');
    // The worker would post its second batch after 200 ms: stopped, it posts nothing more.
    await sleep(400);
    expect(batches).toBe(1);
  });
});

/**
 * The benchmark's peak-RSS meter (src/io/peak-rss.ts): on Linux the peak of one stretch of work,
 * not of the process so far; elsewhere the process's, labelled as such.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { peakRssMeter, type RssSource } from '../../src/io/peak-rss.js';
import { ensureBuilt } from '../helpers/build.js';
import { ROOT } from '../helpers/run-cli.js';

const MiB = 2 ** 20;

describe('peakRssMeter', () => {
  it('reads the high-water mark after a reset, and the process peak where there is none', () => {
    const calls: string[] = [];
    const source = (resets: boolean, hw: number | undefined): RssSource => ({
      reset: () => (calls.push('reset'), resets),
      highWater: () => hw,
      processPeak: () => 900,
    });
    expect(peakRssMeter(source(true, 300))()).toEqual({ bytes: 300, scope: 'run' });
    expect(calls).toEqual(['reset']);
    // No reset: a high-water mark would be the process's, so it is reported as such.
    expect(peakRssMeter(source(false, 300))()).toEqual({ bytes: 900, scope: 'process' });
    // Reset but unreadable: the process's.
    expect(peakRssMeter(source(true, undefined))()).toEqual({ bytes: 900, scope: 'process' });
  });

  describe.runIf(process.platform === 'linux')('on Linux', () => {
    beforeAll(() => ensureBuilt());

    it('leaves out a peak from before it started', () => {
      // In a process of its own, whose garbage can be collected on request.
      const script = `import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'io', 'peak-rss.js')).href)}).then((m) => {
        const whole = m.peakRssMeter();
        let big = Buffer.alloc(${300 * MiB}, 1);
        const withBig = whole();
        big = undefined;
        globalThis.gc();
        const after = m.peakRssMeter();
        const small = Buffer.alloc(${20 * MiB}, 1);
        console.log(JSON.stringify({ withBig, after: after(), small: small.length }));
      });`;
      const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const { withBig, after } = JSON.parse(r.stdout) as { withBig: { bytes: number; scope: string }; after: { bytes: number; scope: string } };
      expect(withBig.scope).toBe('run');
      expect(withBig.bytes).toBeGreaterThan(300 * MiB);
      expect(after.scope).toBe('run');
      // The 300 MiB buffer was freed before the second meter started; its 20 MiB counts.
      expect(after.bytes).toBeLessThan(withBig.bytes - 200 * MiB);
      expect(after.bytes).toBeGreaterThan(20 * MiB);
    });
  });
});

/**
 * Heap planning for large inputs: the pure rule (planHeap), how input files are sized, and,
 * end to end, that reconcile restarts itself with a larger heap when Node.js's limit is too
 * small for its inputs (forced here with a 96 MiB limit on the samples), and only once.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE_HEAP_BYTES, HEAP_PER_INPUT_BYTE, INITIAL_OLD_SPACE_PER_INPUT_BYTE, MALLOC_MMAP_THRESHOLD, RESPAWNED_ENV, SEMI_SPACE_MIB, XLSX_EXPANSION, effectiveInputBytes, isHeapFlag, planHeap, respawnEnv, respawnFlags } from '../../src/io/heap.js';
import { ensureBuilt } from '../helpers/build.js';
import { ROOT, runCli, tempDir } from '../helpers/run-cli.js';

const GiB = 2 ** 30;

describe('respawnEnv', () => {
  it('marks the restarted process and fixes the malloc threshold, keeping the rest of the environment', () => {
    const env = respawnEnv({ PATH: '/bin', NODE_OPTIONS: '--x' });
    expect(env[RESPAWNED_ENV]).toBe('1');
    expect(env['MALLOC_MMAP_THRESHOLD_']).toBe(String(MALLOC_MMAP_THRESHOLD));
    expect(env['PATH']).toBe('/bin');
    expect(env['NODE_OPTIONS']).toBe('--x');
  });

  it("keeps the user's own malloc threshold", () => {
    expect(respawnEnv({ MALLOC_MMAP_THRESHOLD_: '65536' })['MALLOC_MMAP_THRESHOLD_']).toBe('65536');
  });
});

describe('respawnFlags', () => {
  it('gives V8 the heap limit, the starting old generation and the young generation, in MiB', () => {
    expect(respawnFlags(9216, 2613)).toEqual(['--max-old-space-size=9216', '--initial-old-space-size=2613', `--max-semi-space-size=${SEMI_SPACE_MIB}`]);
  });

  it('are the flags isHeapFlag recognises (inherited ones are left out of a run of its own), and no others', () => {
    for (const f of respawnFlags(4096, 1000)) expect(isHeapFlag(f)).toBe(true);
    for (const f of ['--max-old-space-size', '--stack-size=2048', '--max-old-space-sizes=1', '--inspect', 'bench']) expect(isHeapFlag(f)).toBe(false);
  });
});

describe('planHeap', () => {
  it('is ok when the inputs fit the heap limit', () => {
    const p = planHeap(100e6, 4 * GiB, 24 * GiB, false);
    expect(p.action).toBe('ok');
    expect(p.needBytes).toBe(BASE_HEAP_BYTES + 100e6 * HEAP_PER_INPUT_BYTE);
  });

  it('restarts with a heap rounded up to whole GiB when the machine has the memory', () => {
    const p = planHeap(1e9, 4 * GiB, 24 * GiB, false);
    expect(p.action).toBe('respawn');
    if (p.action !== 'respawn') return;
    expect(p.heapMiB % 1024).toBe(0);
    expect(p.heapMiB * 2 ** 20).toBeGreaterThanOrEqual(p.needBytes);
    expect(p.heapMiB * 2 ** 20 - p.needBytes).toBeLessThan(GiB);
  });

  it('starts a restarted run with an old generation in proportion to its input, well under the heap', () => {
    for (const [input, limit] of [[1.37e9, 4 * GiB], [0.3e9, 2 * GiB], [30e6, 0.25 * GiB]] as const) {
      const p = planHeap(input, limit, 24 * GiB, false);
      if (p.action !== 'respawn') throw new Error(`expected a restart for ${input} bytes, got ${p.action}`);
      expect(p.initialOldMiB).toBe(Math.ceil((input * INITIAL_OLD_SPACE_PER_INPUT_BYTE) / 2 ** 20));
      expect(p.initialOldMiB).toBeLessThan(p.heapMiB / 2);
    }
  });

  it('warns in one sentence instead when the machine is too small, or after one restart', () => {
    for (const p of [planHeap(3e9, 4 * GiB, 16 * GiB, false), planHeap(1e9, 4 * GiB, 24 * GiB, true)]) {
      expect(p.action).toBe('warn');
      if (p.action !== 'warn') return;
      expect(p.message).toMatch(/^These inputs may need about \d+\.\d GiB of memory/);
      expect(p.message.split('. ')).toHaveLength(1);
    }
  });
});

describe('effectiveInputBytes', () => {
  it('counts UTF-8 as it is, UTF-16 as half, XLSX as expanded, and a missing file as nothing', () => {
    const dir = tempDir();
    const utf8 = join(dir, 'a.csv');
    const utf16 = join(dir, 'b.csv');
    const xlsx = join(dir, 'c.xlsx');
    writeFileSync(utf8, 'x'.repeat(1000));
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('y'.repeat(499), 'utf16le')]));
    writeFileSync(xlsx, Buffer.alloc(1000));
    expect(effectiveInputBytes(utf8)).toBe(1000);
    expect(effectiveInputBytes(utf16)).toBe(500);
    expect(effectiveInputBytes(xlsx)).toBe(1000 * XLSX_EXPANSION);
    expect(effectiveInputBytes(join(dir, 'missing.csv'))).toBe(0);
  });
});

describe('reconcile with too small a heap', () => {
  beforeAll(() => ensureBuilt());
  const S = (f: string): string => join(ROOT, 'samples', f);
  const args = (out: string): string[] => ['reconcile', '--esr', S('esr-extract.csv'), '--nhsmail', S('nhsmail-mailbox-report.xlsx'), '--ad', S('local-ad-users.csv'), '--config', S('idrecon.config.json'), '--as-of', '2026-11-01', '--format', 'csv,json', '--out', out];

  it('restarts itself once with a larger heap and writes the same reports', () => {
    const dir = tempDir();
    const small = runCli(args(join(dir, 'small')), { env: { NODE_OPTIONS: '--max-old-space-size=96' } });
    expect(small.code, small.stderr).toBe(0);
    expect(small.stderr).toMatch(/restarting with a \d+ GiB heap/);
    expect(small.stderr.match(/restarting/g)).toHaveLength(1);
    const normal = runCli(args(join(dir, 'normal')));
    expect(normal.stderr).not.toMatch(/restarting/);
    for (const f of ['esr-nhsmail.csv', 'people.csv', 'unmatched-ad.csv']) {
      expect(readFileSync(join(dir, 'small', f), 'utf8'), f).toBe(readFileSync(join(dir, 'normal', f), 'utf8'));
    }
  });

  it('warns instead of restarting a second time', () => {
    const r = runCli(args(join(tempDir(), 'out')), { env: { NODE_OPTIONS: '--max-old-space-size=96', IDRECON_HEAP_RESPAWNED: '1' } });
    expect(r.stderr).not.toMatch(/restarting/);
    expect(r.stderr).toMatch(/These inputs may need about/);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('youngGenerationForThisThreadOnly', () => {
  beforeAll(() => ensureBuilt());

  /**
   * In a process started with the restarted run's young-generation flag: the heap limit (old
   * generation and young) of this thread before and after, and of a worker started after that
   * asks for a 48 MiB young generation, in MiB.
   */
  function limits(reset: boolean): { before: number; after: number; worker: number } {
    const heapModule = pathToFileURL(join(ROOT, 'dist', 'io', 'heap.js')).href;
    const script = `
      import { Worker } from 'node:worker_threads';
      import { getHeapStatistics } from 'node:v8';
      const heap = await import(${JSON.stringify(heapModule)});
      const mib = (b) => Math.round(b / 2 ** 20);
      const before = mib(getHeapStatistics().heap_size_limit);
      if (${String(reset)}) heap.youngGenerationForThisThreadOnly();
      const code = "require('node:worker_threads').parentPort.postMessage(require('node:v8').getHeapStatistics().heap_size_limit)";
      const worker = await new Promise((done) => new Worker(code, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 48 } }).on('message', done));
      console.log(JSON.stringify({ before, after: mib(getHeapStatistics().heap_size_limit), worker: mib(worker) }));`;
    // A module file, so that the worker's eval'd code is a plain script (--input-type would make it a module too).
    const probe = join(tempDir(), 'probe.mjs');
    writeFileSync(probe, script);
    const r = spawnSync(process.execPath, ['--max-old-space-size=1000', `--max-semi-space-size=${SEMI_SPACE_MIB}`, probe], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { before: number; after: number; worker: number };
  }

  it("leaves this thread its young generation, and a worker started after it its own limit, not the flag's", () => {
    // The premise: under the flag, a worker gets this thread's young generation whatever it asks.
    const kept = limits(false);
    expect(kept.worker).toBe(kept.before);
    const reset = limits(true);
    expect(reset.after).toBe(reset.before);
    // Two semi-spaces of SEMI_SPACE_MIB at least are gone from the worker's limit; its old
    // generation is still the flag's 1,000 MiB.
    expect(reset.worker).toBeLessThanOrEqual(reset.before - 2 * SEMI_SPACE_MIB);
    expect(reset.worker).toBeGreaterThanOrEqual(1000);
  });
});

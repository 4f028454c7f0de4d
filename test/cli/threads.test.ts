/**
 * Reading the reconcile inputs in worker threads (--threads) gives the same reports, byte for
 * byte, as reading them one after another; errors are the same sentence and exit code; and a
 * bad --threads value is a usage error. Runs the built CLI, which has the compiled worker.
 */
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { ROOT, runCli, tempDir } from '../helpers/run-cli.js';

const S = (f: string): string => join(ROOT, 'samples', f);
const base = ['reconcile', '--esr', S('esr-extract.csv'), '--nhsmail', S('nhsmail-mailbox-report.xlsx'), '--ad', S('local-ad-users.csv'), '--config', S('idrecon.config.json'), '--as-of', '2026-11-01', '--format', 'csv,json'];

beforeAll(() => ensureBuilt());

describe('reconcile --threads', () => {
  it('writes the same CSV reports with 3 threads, 2 threads and in one thread', () => {
    const dir = tempDir();
    const outs = ['1', '2', '3'].map((t) => {
      const out = join(dir, `t${t}`);
      const r = runCli([...base, '--threads', t, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      return out;
    });
    const csvs = readdirSync(outs[0]!).filter((f) => f.endsWith('.csv')).sort();
    expect(csvs.length).toBeGreaterThan(8);
    for (const out of outs.slice(1)) {
      expect(readdirSync(out).filter((f) => f.endsWith('.csv')).sort()).toEqual(csvs);
      for (const f of csvs) expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(outs[0]!, f), 'utf8'));
    }
    // summary.json differs only in the command line it records.
    const counts = outs.map((o) => JSON.parse(readFileSync(join(o, 'summary.json'), 'utf8')).counts);
    expect(counts[1]).toEqual(counts[0]);
    expect(counts[2]).toEqual(counts[0]);
  });

  it('keeps rejected rows in input order (ESR, NHSmail, AD) with their lines', () => {
    const dir = tempDir();
    const esr = join(dir, 'esr.csv');
    const ad = join(dir, 'ad.csv');
    const esrText = readFileSync(S('esr-extract.csv'), 'utf8').trimEnd().split('\n');
    // A row with too many cells in ESR (line 3) and in a UTF-8 copy of AD (last line).
    esrText.splice(2, 0, `${esrText[1]},extra,cells`);
    writeFileSync(esr, esrText.join('\n') + '\n');
    const adText = readFileSync(S('local-ad-users.csv')).toString('utf16le').replace(/^\uFEFF/, '').trimEnd();
    const adLines = adText.split(/\r?\n/);
    writeFileSync(ad, [...adLines, `${adLines[adLines.length - 1]},"x","y","z"`].join('\n') + '\n');
    const rejected = (t: string): string => {
      const out = join(dir, `out${t}`);
      const r = runCli(['reconcile', '--esr', esr, '--nhsmail', S('nhsmail-mailbox-report.xlsx'), '--ad', ad, '--config', S('idrecon.config.json'), '--as-of', '2026-11-01', '--format', 'csv', '--threads', t, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(join(out, 'rejected-rows.csv'), 'utf8');
    };
    const one = rejected('1');
    expect(one.trim().split('\n')).toHaveLength(3);
    expect(one.indexOf('esr.csv')).toBeLessThan(one.indexOf('ad.csv'));
    expect(rejected('3')).toBe(one);
  });

  it('reports the first bad input in order, with the same sentence and exit code as one thread', () => {
    const dir = tempDir();
    const nhs = join(dir, 'nhs.csv');
    const ad = join(dir, 'ad.csv');
    writeFileSync(nhs, 'Something,Else\na,b\n');
    writeFileSync(ad, 'Other,Columns\nc,d\n');
    copyFileSync(S('esr-extract.csv'), join(dir, 'esr.csv'));
    const args = ['reconcile', '--esr', join(dir, 'esr.csv'), '--nhsmail', nhs, '--ad', ad, '--as-of', '2026-11-01', '--out', join(dir, 'out')];
    const one = runCli([...args, '--threads', '1']);
    const three = runCli([...args, '--threads', '3']);
    expect(one.code).toBe(1);
    expect(three.code).toBe(1);
    expect(one.stderr).toContain('nhs.csv');
    expect(one.stderr).not.toContain('ad.csv');
    expect(three.stderr).toBe(one.stderr);
  });

  it('reports a bad AD export with two threads as with one, though ESR ↔ NHSmail matching may start before AD is read', () => {
    const dir = tempDir();
    const ad = join(dir, 'ad.csv');
    writeFileSync(ad, 'Other,Columns\nc,d\n');
    const args = ['reconcile', '--esr', S('esr-extract.csv'), '--nhsmail', S('nhsmail-mailbox-report.xlsx'), '--ad', ad, '--as-of', '2026-11-01', '--out', join(dir, 'out')];
    const one = runCli([...args, '--threads', '1']);
    const two = runCli([...args, '--threads', '2']);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain('ad.csv');
    expect(two.code).toBe(1);
    expect(two.stderr).toBe(one.stderr);
  });

  it('fails on an AD export that cannot be read before ESR ↔ NHSmail matching starts, not after it', async () => {
    // The compiled command, whose load workers exist: the AD export is read in a worker, and its
    // header is known to be bad as soon as the worker opens it.
    const { runReconcile } = (await import(join(ROOT, 'dist', 'commands', 'reconcile.js'))) as typeof import('../../src/commands/reconcile.js');
    const dir = tempDir();
    const ad = join(dir, 'ad.csv');
    writeFileSync(ad, 'Other,Columns\nc,d\n');
    const phases: string[] = [];
    const run = runReconcile({
      esr: S('esr-extract.csv'),
      nhsmail: S('nhsmail-mailbox-report.xlsx'),
      ad,
      threads: 2,
      asOf: new Date(Date.UTC(2026, 10, 1)),
      outDir: join(dir, 'out'),
      formats: new Set(['csv']),
      shareMode: false,
      verbose: false,
      failOn: new Set(),
      commandLine: 'idrecon reconcile',
      toolVersion: 'test',
      progress: { phase: (label) => phases.push(label), done: () => {} },
    });
    await expect(run).rejects.toThrow(/ad\.csv/);
    // Matching is announced only once the AD export is open and its header accepted.
    expect(phases.some((p) => p.startsWith('Reading'))).toBe(true);
    expect(phases).not.toContain('Matching');
  });

  it.each([
    ['a directory', (dir: string) => dir],
    ['a binary file', (dir: string) => (writeFileSync(join(dir, 'bin.csv'), Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 7))), join(dir, 'bin.csv'))],
    ['a damaged workbook', (dir: string) => (writeFileSync(join(dir, 'bad.xlsx'), 'PK\u0003\u0004 not really a zip'), join(dir, 'bad.xlsx'))],
    ['an empty file', (dir: string) => (writeFileSync(join(dir, 'empty.csv'), ''), join(dir, 'empty.csv'))],
    ['a missing file', (dir: string) => join(dir, 'nope.csv')],
  ])('fails on %s read in a worker as it does in one thread', (_label, make) => {
    const dir = tempDir();
    const bad = make(dir);
    const args = ['reconcile', '--esr', S('esr-extract.csv'), '--nhsmail', S('nhsmail-mailbox-report.xlsx'), '--ad', bad, '--config', S('idrecon.config.json'), '--as-of', '2026-11-01', '--out', join(dir, 'out')];
    const one = runCli([...args, '--threads', '1']);
    const three = runCli([...args, '--threads', '3']);
    expect(one.code).toBeGreaterThan(0);
    expect(three.code).toBe(one.code);
    expect(three.stderr).toBe(one.stderr);
    expect(three.stderr).not.toMatch(/\n\s+at /); // one sentence, no stack
  });

  it('accounts for a file of 200,000 rejected rows (no call-stack overflow gathering them)', () => {
    const dir = tempDir();
    const lines = readFileSync(S('esr-extract.csv'), 'utf8').replace(/^\uFEFF/, '').trimEnd().split(/\r?\n/);
    const bad = `${lines[1]},extra,cells\n`.repeat(200_000);
    writeFileSync(join(dir, 'esr.csv'), `${lines[0]}\n${bad}${lines.slice(1).join('\n')}\n`);
    const out = join(dir, 'out');
    const r = runCli(['reconcile', '--esr', join(dir, 'esr.csv'), '--nhsmail', S('nhsmail-mailbox-report.xlsx'), '--config', S('idrecon.config.json'), '--as-of', '2026-11-01', '--format', 'csv,json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.counts.rejectedRows.esr).toBe(200_000);
    expect(summary.balance.every((b: { balanced: boolean }) => b.balanced)).toBe(true);
  });

  it('refuses a --threads value outside 1 to 3 with a usage error', () => {
    for (const bad of ['0', '4', 'two', '1.5']) {
      const r = runCli([...base, '--threads', bad, '--out', join(tempDir(), 'out')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--threads takes a whole number from 1 to 3');
    }
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { parseConfig } from '../../src/core/config.js';
import { BIN, runCli, tempDir } from '../helpers/run-cli.js';

beforeAll(() => ensureBuilt());

describe('idrecon CLI', () => {
  it('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it.each(['reconcile', 'inspect', 'init', 'offboard', 'reval', 'generate', 'bench'])('%s --help has an Examples section', (cmd) => {
    const r = runCli([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:/);
  });

  it.each(['reconcile', 'inspect', 'init', 'offboard', 'reval', 'generate', 'bench'])('every option %s --help lists is in the README', (cmd) => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const help = runCli([cmd, '--help']).stdout;
    const options = [...help.matchAll(/^\s+(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((o) => o !== '--help');
    expect(options.length).toBeGreaterThan(0);
    expect(options.filter((o) => !readme.includes(o))).toEqual([]);
  });

  it('ends quietly with exit 0 when its output pipe is closed early (| head)', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" generate --help | true; echo "exit \${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('exit 0');
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });

  it('an unknown command is a usage error (exit 2)', () => {
    const r = runCli(['frobnicate']);
    expect(r.code).toBe(2);
  });

  it('a missing required option is a usage error (exit 2)', () => {
    const r = runCli(['reconcile', '--esr', 'x.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--nhsmail/);
  });

  it('a bad --as-of is one sentence and exit 2', () => {
    const r = runCli(['reconcile', '--esr', 'a.csv', '--nhsmail', 'b.csv', '--as-of', '01/11/2026']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/YYYY-MM-DD/);
  });

  it('the same file for two sources is refused (exit 2)', () => {
    const dir = tempDir();
    const f = join(dir, 'same.csv');
    writeFileSync(f, 'Employee Number,First Name,Last Name\n');
    const r = runCli(['reconcile', '--esr', f, '--nhsmail', f, '--out', join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/same file/);
  });

  it('a config with problems lists each with its dotted path (exit 2)', () => {
    const dir = tempDir();
    const cfg = join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ scheme: { threshold: 'six', weights: { email: -1, shoeSize: 2 } } }));
    const r = runCli(['reconcile', '--esr', 'a.csv', '--nhsmail', 'b.csv', '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/scheme\.threshold/);
    expect(r.stderr).toMatch(/scheme\.weights\.email/);
    expect(r.stderr).toMatch(/scheme\.weights\.shoeSize/);
  });

  it('init writes a starter config that validates, and refuses to overwrite without --force', () => {
    const dir = tempDir();
    const r = runCli(['init'], { cwd: dir });
    expect(r.code).toBe(0);
    const file = join(dir, 'idrecon.config.json');
    expect(existsSync(file)).toBe(true);
    const parsed = parseConfig(JSON.parse(readFileSync(file, 'utf8')));
    expect(parsed.problems).toEqual([]);
    expect(parsed.config.scheme.threshold).toBe(6);
    expect(parsed.config.scheme.weights).toEqual({ email: 5, employeeNumber: 5, mobile: 4, lastName: 1, firstName: 1, fullName: 3, position: 1 });
    const again = runCli(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(runCli(['init', '--force'], { cwd: dir }).code).toBe(0);
  });

  it('a missing input file is one sentence and exit 1', () => {
    const dir = tempDir();
    const r = runCli(['reconcile', '--esr', join(dir, 'nope.csv'), '--nhsmail', join(dir, 'nope2.csv'), '--out', join(dir, 'o')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nope\.csv/);
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';

beforeAll(() => ensureBuilt());
import { runCli, tempDir } from '../helpers/run-cli.js';

/** A tiny reconcile input: one matched person, one ESR-only person, one bad row. */
function fixture(): { esr: string; nhs: string; out: string } {
  const dir = tempDir('idrecon-failon-');
  const esr = join(dir, 'esr.csv');
  const nhs = join(dir, 'nhs.csv');
  writeFileSync(
    esr,
    'Employee Number,First Name,Last Name,Email Address\n' +
      '00000001,Jane,Doe,jane.doe@nhs.net\n' +
      '00000002,Sam,Lee,\n' +
      ',No,Number,\n',
  );
  writeFileSync(nhs, 'Email Address,First Name,Last Name\njane.doe@nhs.net,Jane,Doe\n');
  return { esr, nhs, out: join(dir, 'out') };
}

describe('--fail-on for scripted runs', () => {
  const f = fixture();
  const run = (...extra: string[]) => runCli(['reconcile', '--esr', f.esr, '--nhsmail', f.nhs, '--out', f.out, '--format', 'csv', ...extra]);

  it('exits 0 without --fail-on even when rows are unmatched or rejected', () => {
    expect(run().code).toBe(0);
  });
  it('exits 3 with --fail-on unmatched when an ESR person is unmatched', () => {
    expect(run('--fail-on', 'unmatched').code).toBe(3);
  });
  it('exits 3 with --fail-on rejected when a row was rejected', () => {
    expect(run('--fail-on', 'rejected').code).toBe(3);
  });
  it('exits 0 with --fail-on review when nothing needs review', () => {
    expect(run('--fail-on', 'review').code).toBe(0);
  });
  it('an unknown --fail-on value is a usage error', () => {
    const r = run('--fail-on', 'everything');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fail-on takes/);
  });
});

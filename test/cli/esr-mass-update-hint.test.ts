import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { runCli, tempDir } from '../helpers/run-cli.js';

beforeAll(() => ensureBuilt());

/** n ESR people whose email is a trust address, each matched to an nhs.net mailbox. */
function run(n: number) {
  const dir = tempDir('idrecon-hint-');
  const esr = ['Employee Number,First Name,Last Name,Email Address'];
  const nhs = ['Email Address,First Name,Last Name,Employee Number'];
  for (let i = 1; i <= n; i++) {
    const emp = String(i).padStart(8, '0');
    esr.push(`${emp},Person${i},Surname${i},person${i}@trust.nhs.uk`);
    nhs.push(`person${i}@nhs.net,Person${i},Surname${i},${emp}`);
  }
  writeFileSync(join(dir, 'esr.csv'), esr.join('\n'));
  writeFileSync(join(dir, 'nhs.csv'), nhs.join('\n'));
  const out = join(dir, 'out');
  const r = runCli(['reconcile', '--esr', join(dir, 'esr.csv'), '--nhsmail', join(dir, 'nhs.csv'), '--out', out, '--format', 'csv']);
  const updates = parse(readFileSync(join(out, 'esr-email-updates.csv')), { bom: true, columns: true }) as Record<string, string>[];
  return { r, updates };
}

describe('ESR email updates (guide 6.4: a Service Request for more than 100)', () => {
  it('101 updates print the Service Request hint and list every address', () => {
    const { r, updates } = run(101);
    expect(r.code).toBe(0);
    expect(updates).toHaveLength(101);
    expect(updates[0]).toEqual({ 'Employee Number': '00000001', Email: 'person1@nhs.net' });
    expect(r.stderr).toMatch(/Service Request/);
  });
  it('100 updates do not', () => {
    const { r, updates } = run(100);
    expect(updates).toHaveLength(100);
    expect(r.stderr).not.toMatch(/Service Request/);
  });
});

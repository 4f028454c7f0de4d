/**
 * Input evidence worked out in a worker thread (describeInputsInBackground): the same sizes and
 * SHA-256s as describeInput, in the order asked, and a failure (a file gone meanwhile) thrown
 * only when the result is asked for.
 */
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeInput, describeInputsInBackground } from '../../src/io/evidence.js';
import { tempDir } from '../helpers/run-cli.js';

describe('describeInputsInBackground', () => {
  it('gives each file its size and SHA-256, in the order given, as describeInput does', async () => {
    const dir = tempDir('idrecon-evidence-bg-');
    const files = ['a.csv', 'b.csv', 'c.csv'].map((f) => join(dir, f));
    const texts = ['Employee Number,Last Name\r\n1,Smith\r\n', '', 'x'.repeat(300_000)];
    files.forEach((f, k) => writeFileSync(f, texts[k]!));
    const roles = ['ESR extract', 'NHSmail report', 'AD export'];

    const got = await describeInputsInBackground(files.map((file, k) => ({ role: roles[k]!, file })))();

    expect(got.map((e) => e.role)).toEqual(roles);
    expect(got.map((e) => e.file)).toEqual(files);
    expect(got.map((e) => e.bytes)).toEqual(texts.map((t) => Buffer.byteLength(t)));
    expect(got.map((e) => e.sha256)).toEqual(texts.map((t) => createHash('sha256').update(t).digest('hex')));
    for (let k = 0; k < files.length; k++) expect(got[k]).toEqual(await describeInput(roles[k]!, files[k]!));
  });

  it('throws a file gone meanwhile when asked, and not before (no unhandled rejection)', async () => {
    const dir = tempDir('idrecon-evidence-bg-');
    const present = join(dir, 'present.csv');
    writeFileSync(present, 'a\r\n');
    const gone = join(dir, 'gone.csv');
    writeFileSync(gone, 'b\r\n');
    rmSync(gone);

    const ask = describeInputsInBackground([
      { role: 'ESR extract', file: present },
      { role: 'NHSmail report', file: gone },
    ]);
    // Let the worker fail while nobody is waiting: vitest fails the run on an unhandled rejection.
    await new Promise((r) => setTimeout(r, 300));

    await expect(ask()).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('throws what the hashing worker met (a directory where a file was: EISDIR), when asked', async () => {
    const dir = tempDir('idrecon-evidence-bg-');
    const present = join(dir, 'present.csv');
    writeFileSync(present, 'a\r\n');
    // stat succeeds on a directory, so the failure can only come from the worker's read.
    const ask = describeInputsInBackground([
      { role: 'ESR extract', file: present },
      { role: 'AD export', file: dir },
    ]);
    await new Promise((r) => setTimeout(r, 300));

    await expect(ask()).rejects.toMatchObject({ code: 'EISDIR' });
  });
});

/**
 * Issue "Robustness and data safety", part 4: privacy. With --redact, no first or last name,
 * email address or phone number from the inputs appears in any output (every CSV, JSON and
 * workbook cell); pseudonyms are stable for a key (given by --redact-key or by
 * IDRECON_REDACT_KEY) and differ between keys; the key itself is never written anywhere.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, type CliResult } from '../helpers/run-cli.js';
import {
  AS_OF,
  ensureBuilt,
  expectOneSentenceError,
  makePeople,
  offboardFixture,
  readCsvObjects,
  reconcileFixture,
  revalFixture,
  xlsxCells,
  type Person,
  type ReconcileFixture,
} from './fixtures.js';

const KEY = 'k3y-Sup3rS3cret-Value-9a7f';
const OTHER_KEY = 'another-key-entirely-42';

/** Everything personal a fixture person carries, in the spellings outputs could use. */
function personalStrings(p: Person): string[] {
  const digits = p.mobile.replace(/\D/g, '');
  return [
    p.first,
    p.last,
    p.email,
    p.email.split('@')[0]!,
    p.sam,
    p.nhsId,
    p.mobile,
    digits,
    `+44${digits.slice(1)}`,
    digits.slice(1),
  ];
}

/** All text of every output file: CSV and JSON as read, XLSX as its cells' text and sheet names. */
async function outputTexts(dir: string): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const f of readdirSync(dir).sort()) {
    const path = join(dir, f);
    if (f.endsWith('.xlsx')) {
      const cells = await xlsxCells(path);
      texts.set(f, [...new Set(cells.map((c) => c.sheet))].join('\n') + '\n' + cells.map((c) => c.text).join('\n'));
    } else texts.set(f, readFileSync(path, 'utf8'));
  }
  return texts;
}

async function expectNoneOf(dir: string, secrets: readonly string[]): Promise<void> {
  const texts = await outputTexts(dir);
  expect([...texts.keys()].some((f) => f.endsWith('.xlsx'))).toBe(true);
  expect([...texts.keys()].some((f) => f.endsWith('.json'))).toBe(true);
  for (const [file, text] of texts) {
    const lower = text.toLowerCase();
    for (const s of secrets) {
      if (s.length < 4) continue;
      expect(lower.includes(s.toLowerCase()), `${file} contains ${JSON.stringify(s)}`).toBe(false);
    }
  }
}

let fx: ReconcileFixture;
let pii: string[];
const out: Record<string, string> = {};
const res: Record<string, CliResult> = {};

function reconcileArgs(o: string): string[] {
  return ['reconcile', '--esr', fx.esr, '--nhsmail', fx.nhsmail, '--ad', fx.ad, '--as-of', AS_OF, '--out', o];
}

beforeAll(() => {
  ensureBuilt();
  const dir = tempDir('idrecon-privacy-');
  fx = reconcileFixture(dir, 24, 17);
  pii = [...fx.people.flatMap(personalStrings), 'Twinfold', 'corvane.twinfold'];
  for (const name of ['plain', 'key', 'keyAgain', 'env', 'otherKey']) out[name] = join(dir, name);
  res['plain'] = runCli(reconcileArgs(out['plain']!));
  res['key'] = runCli([...reconcileArgs(out['key']!), '--redact', '--redact-key', KEY]);
  res['keyAgain'] = runCli([...reconcileArgs(out['keyAgain']!), '--redact-key', KEY, '--redact']);
  res['env'] = runCli([...reconcileArgs(out['env']!), '--redact'], { env: { IDRECON_REDACT_KEY: KEY } });
  res['otherKey'] = runCli([...reconcileArgs(out['otherKey']!), '--redact', `--redact-key=${OTHER_KEY}`]);
}, 180_000);

describe('reconcile --redact', () => {
  it('runs (exit 0) with the key as a flag, as --flag=value and from IDRECON_REDACT_KEY', () => {
    for (const name of ['plain', 'key', 'keyAgain', 'env', 'otherKey']) expect(res[name]!.code, `${name}: ${res[name]!.stderr}`).toBe(0);
  });

  it('the unredacted run does hold the personal data (so the scan below can see it)', async () => {
    const texts = [...(await outputTexts(out['plain']!)).values()].join('\n').toLowerCase();
    const p = fx.people[1]!;
    for (const s of [p.first, p.last, p.email, `+44${p.mobile.replace(/\D/g, '').slice(1)}`]) expect(texts).toContain(s.toLowerCase());
  });

  it.each(['key', 'env', 'otherKey'])('no name, email or phone from the inputs in any output (%s)', async (name) => {
    await expectNoneOf(out[name]!, pii);
  });

  it('never writes the key, in any output or on the terminal', async () => {
    for (const name of ['key', 'keyAgain', 'env', 'otherKey']) {
      await expectNoneOf(out[name]!, [KEY, OTHER_KEY]);
      expect(res[name]!.stderr + res[name]!.stdout).not.toContain(KEY);
      expect(res[name]!.stderr + res[name]!.stdout).not.toContain(OTHER_KEY);
    }
    const summary = JSON.parse(readFileSync(join(out['key']!, 'summary.json'), 'utf8')) as { command: string };
    expect(summary.command).toContain('--redact-key ***');
    const other = JSON.parse(readFileSync(join(out['otherKey']!, 'summary.json'), 'utf8')) as { command: string };
    expect(other.command).toContain('--redact-key=***');
  });

  it('prints no personal data on the terminal, redacted or not', () => {
    for (const name of ['plain', 'key', 'env']) {
      for (const s of pii) if (s.length >= 4) expect(res[name]!.stderr, s).not.toContain(s);
    }
  });

  it('pseudonyms are stable: the same key gives byte-identical CSVs, by flag or by environment', () => {
    const csvs = readdirSync(out['key']!).filter((f) => f.endsWith('.csv'));
    expect(csvs.length).toBeGreaterThan(5);
    for (const f of csvs) {
      const a = readFileSync(join(out['key']!, f));
      expect(readFileSync(join(out['keyAgain']!, f)).equals(a), f).toBe(true);
      // rejected-rows.csv names input files, which are the same in every run here.
      expect(readFileSync(join(out['env']!, f)).equals(a), f).toBe(true);
    }
  });

  it('pseudonyms differ with another key, and only the personal columns change', () => {
    const a = readCsvObjects(join(out['key']!, 'people.csv'));
    const b = readCsvObjects(join(out['otherKey']!, 'people.csv'));
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) {
      expect(b[i]!['ESR Employee Number']).toBe(a[i]!['ESR Employee Number']);
      expect(b[i]!['Employee Type']).toBe(a[i]!['Employee Type']);
      for (const col of ['ESR First Name', 'ESR Last Name', 'NHSmail Email', 'AD sAMAccountName']) {
        if (a[i]![col] !== '') expect(b[i]![col], `${col} row ${i}`).not.toBe(a[i]![col]);
      }
    }
  });

  it('one person keeps one pseudonym across reports', () => {
    const people = readCsvObjects(join(out['key']!, 'people.csv'));
    const pairs = readCsvObjects(join(out['key']!, 'esr-nhsmail.csv'));
    let compared = 0;
    for (const p of people) {
      const q = pairs.find((x) => x['ESR Employee Number'] === p['ESR Employee Number'] && p['ESR Employee Number'] !== '');
      if (!q || p['NHSmail Email'] === '') continue;
      expect(q['ESR Last Name']).toBe(p['ESR Last Name']);
      expect(q['NHSmail Email']).toBe(p['NHSmail Email']);
      compared++;
    }
    expect(compared).toBeGreaterThan(5);
  });

  it('--redact without a key is a usage error (exit 2) naming both ways to give one', () => {
    const r = runCli([...reconcileArgs(join(fx.dir, 'nokey')), '--redact'], { env: { IDRECON_REDACT_KEY: '' } });
    expectOneSentenceError(r, { codes: [2] });
    expect(r.stderr).toMatch(/--redact-key/);
    expect(r.stderr).toMatch(/IDRECON_REDACT_KEY/);
    expect(readdirSync(fx.dir)).not.toContain('nokey');
  });
});

describe('offboard and reval --redact', () => {
  it('offboard: no name, email, username or phone from the inputs in any output', async () => {
    const dir = tempDir('idrecon-privacy-');
    const f = offboardFixture(dir);
    const o = join(dir, 'out');
    const r = runCli(['offboard', '--tis', f.tis, '--tis-logins', f.tisLogins, '--tableau', f.tableau, '--offices', f.offices, '--as-of', AS_OF, '--out', o, '--redact', '--redact-key', KEY]);
    expect(r.code, r.stderr).toBe(0);
    await expectNoneOf(o, [...makePeople(12, 3).flatMap(personalStrings), KEY]);
  });

  it('reval: no doctor name from the inputs in any output', async () => {
    const dir = tempDir('idrecon-privacy-');
    const f = revalFixture(dir);
    const o = join(dir, 'out');
    const r = runCli(['reval', '--doctors', f.doctors, '--gmc', f.gmc, '--hidden', f.hidden, '--as-of', AS_OF, '--out', o, '--redact'], { env: { IDRECON_REDACT_KEY: KEY } });
    expect(r.code, r.stderr).toBe(0);
    await expectNoneOf(o, [...makePeople(10, 5).flatMap((p) => [p.first, p.last]), KEY]);
  });
});

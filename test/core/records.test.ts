/**
 * Record builders remember name and job-title normalisation (one map lookup per field at
 * national size). Remembered or not, a record's names, keys and title key must be exactly what
 * the normalisers give for its cells, the first time a value is seen and every time after.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAdAccount, buildEsrAssignment, buildNhsmailAccount } from '../../src/core/records.js';
import { compactNameKey, tidyName } from '../../src/core/normalise-name.js';
import { normaliseJobTitle } from '../../src/core/normalise-job-title.js';

const DOMAINS = ['nhs.net'];

/** Cells that tidy to nothing, ordinary names, titles, marks, and arbitrary short strings. */
const cell = fc.oneof(
  fc.constantFrom('-', '.', '  ', 'Dr', 'Jane', 'JANE', 'jane', "O'Neill", 'Zoë', 'Mary-Jane', 'Staff Nurse', 'Band 5 Nurse'),
  fc.string({ maxLength: 12 }),
);

function expectNames(rec: Record<string, unknown>, first: string, last: string): void {
  const f = tidyName(first.trim() || undefined);
  const l = tidyName(last.trim() || undefined);
  expect(rec['firstName']).toBe(f);
  expect(rec['lastName']).toBe(l);
  expect(rec['firstKey']).toBe(compactNameKey(f));
  expect(rec['lastKey']).toBe(compactNameKey(l));
}

describe('record builders: remembered normalisation', () => {
  it('ESR names, Known As and position keys equal the normalisers, on first and repeated use', () => {
    fc.assert(
      fc.property(cell, cell, cell, cell, (first, last, knownAs, position) => {
        for (let round = 0; round < 2; round++) {
          const b = buildEsrAssignment({ line: 2, fields: { employeeNumber: '12345678', firstName: first, lastName: last, knownAs, position } }, DOMAINS);
          if (!b.ok) throw new Error(b.reason);
          const rec = b.record as unknown as Record<string, unknown>;
          expectNames(rec, first, last);
          const k = tidyName(knownAs.trim() || undefined);
          expect(rec['knownAs']).toBe(k);
          expect(rec['knownAsKey']).toBe(compactNameKey(k));
          expect(rec['positionKey']).toBe(normaliseJobTitle(position.trim() || undefined));
        }
      }),
    );
  });

  it('NHSmail and AD names and position keys equal the normalisers', () => {
    fc.assert(
      fc.property(cell, cell, cell, (first, last, position) => {
        const fields = { firstName: first, lastName: last, position };
        const m = buildNhsmailAccount({ line: 2, fields: { ...fields, email: 'a.b@nhs.net' } }, DOMAINS);
        const a = buildAdAccount({ line: 2, fields: { ...fields, samAccountName: 'ab1' } }, DOMAINS);
        for (const b of [m, a]) {
          if (!b.ok) throw new Error(b.reason);
          const rec = b.record as unknown as Record<string, unknown>;
          // A blank first or last name is not filled from a display name here (none given).
          expectNames(rec, first, last);
          expect(rec['positionKey']).toBe(normaliseJobTitle(position.trim() || undefined));
        }
      }),
    );
  });
});

describe('record builders: names too long to compare', () => {
  const long = 'x'.repeat(257);
  const ok = 'x'.repeat(256);
  it.each([
    ['ESR', 'firstName', 'First Name'],
    ['ESR', 'lastName', 'Last Name'],
    ['ESR', 'knownAs', 'Known As'],
    ['NHSmail', 'firstName', 'First Name'],
    ['NHSmail', 'lastName', 'Last Name'],
    ['NHSmail', 'displayName', 'Display Name'],
    ['AD', 'firstName', 'GivenName'],
    ['AD', 'lastName', 'Surname'],
    ['AD', 'name', 'Name'],
  ])('%s: a %s cell over 256 characters rejects the row, naming the column %s', (source, field, label) => {
    const build = (value: string): ReturnType<typeof buildAdAccount | typeof buildEsrAssignment | typeof buildNhsmailAccount> => {
      const names = { firstName: 'Ann', lastName: 'Lee', [field]: value };
      if (source === 'ESR') return buildEsrAssignment({ line: 2, fields: { employeeNumber: '12345678', ...names } }, DOMAINS);
      if (source === 'NHSmail') return buildNhsmailAccount({ line: 2, fields: { email: 'ann.lee@nhs.net', ...names } }, DOMAINS);
      return buildAdAccount({ line: 2, fields: { samAccountName: 'alee', ...names } }, DOMAINS);
    };
    const rejected = build(long);
    expect(rejected.ok).toBe(false);
    if (!rejected.ok) expect(rejected.reason).toBe(`${label} is longer than 256 characters, too long to be a name (often cells run together in a broken export)`);
    expect(build(ok).ok).toBe(true);
  });
});

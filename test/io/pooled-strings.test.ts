/**
 * Records read in a worker cross to the main thread with their pooled fields as table indices,
 * in a batch sent as encodeBatch's text: after encoding, the trip (structured cloning, as
 * postMessage does) and decoding, every record must equal the one built, whatever batch its
 * values were first sent in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAdAccount, buildEsrAssignment, buildNhsmailAccount, type SourceRow } from '../../src/core/records.js';
import { FieldDecoder, FieldEncoder, POOLED_FIELDS, poolRecord, StringPool } from '../../src/io/pooled-strings.js';
import { decodeBatch, encodeBatch, type RecordSource } from '../../src/io/load-records.js';

const DOMAINS = ['nhs.net'];

function built<T>(b: { ok: true; record: T } | { ok: false; reason: string }): T {
  if (!b.ok) throw new Error(b.reason);
  return b.record;
}

const esr = (n: number, org: string) =>
  built(
    buildEsrAssignment(
      {
        line: n + 2,
        fields: {
          employeeNumber: String(10_000_000 + n),
          firstName: n % 2 ? 'Jane' : 'John',
          lastName: 'Smith',
          knownAs: n % 3 ? '' : 'Jo',
          title: 'Dr',
          email: `person${n}@NHS.net`,
          position: 'Staff Nurse',
          organisation: org,
          assignmentStatus: 'Active Assignment',
        },
      },
      DOMAINS,
    ),
  );
const nhsmail = (n: number) =>
  built(
    buildNhsmailAccount(
      {
        line: n + 2,
        fields: {
          email: `person${n}@nhs.net`,
          aliases: `alias${n}@nhs.net;p${n}@trust.nhs.uk`,
          firstName: 'Jane',
          lastName: 'Smith',
          position: 'Staff Nurse',
          department: 'Ward 3',
          organisation: 'Trust A',
          status: 'Active',
        },
      },
      DOMAINS,
    ),
  );
const ad = (n: number) =>
  built(
    buildAdAccount(
      { line: n + 2, fields: { samAccountName: `jsmith${n}`, firstName: 'Jane', lastName: 'Smith', email: `person${n}@nhs.net`, department: 'Ward 3' } },
      DOMAINS,
    ),
  );

function viaWorker<T>(source: RecordSource, batches: T[][]): T[] {
  const encoder = new FieldEncoder(source);
  const decoder = new FieldDecoder(source, new StringPool());
  const out: T[] = [];
  for (const batch of batches) {
    const sent = structuredClone(batch);
    for (const r of sent) encoder.encode(r);
    // As the worker posts it: the batch as encodeBatch's text, the new strings beside it.
    const message = structuredClone({ text: encodeBatch({ records: sent, rejects: [] }), strings: encoder.takeFresh() });
    decoder.extend(message.strings);
    for (const r of decodeBatch(message.text).records as T[]) {
      decoder.decode(r);
      out.push(r);
    }
  }
  return out;
}

describe('pooled strings across threads', () => {
  it('gives back every ESR, NHSmail and AD record as built, over several batches', () => {
    const e = [0, 1, 2, 3, 4, 5].map((n) => esr(n, n < 3 ? 'Trust A' : 'Trust B'));
    expect(viaWorker('esr', [e.slice(0, 2), e.slice(2, 5), e.slice(5)])).toEqual(e);
    const m = [0, 1, 2].map(nhsmail);
    expect(m[0]!.aliases.length).toBe(2);
    expect(viaWorker('nhsmail', [m.slice(0, 1), m.slice(1)])).toEqual(m);
    const a = [0, 1, 2].map(ad);
    expect(a[0]!.email?.domain).toBe('nhs.net');
    expect(viaWorker('ad', [a])).toEqual(a);
  });

  it('gives back records built from any field values, of every source (property)', () => {
    // Messy values: dates, phone numbers and addresses in several forms, odd characters, blanks.
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('', ' ', '01/02/2024', '2024-13-45', '31/12/4712', '07700 900123', '+44 (0)7700 900123', 'x@NHS.NET', 'a.b@trust.nhs.uk', 'TRUE', '514', '\uD800', 'Zoë Ł’s'),
    );
    const fields = (names: readonly string[]) => fc.record(Object.fromEntries(names.map((n) => [n, value])) as Record<string, fc.Arbitrary<string>>);
    const sources: [RecordSource, readonly string[], (row: SourceRow, d: readonly string[]) => { ok: boolean }][] = [
      ['esr', ['employeeNumber', 'firstName', 'lastName', 'knownAs', 'title', 'email', 'mobile', 'position', 'organisation', 'assignmentNumber', 'assignmentStatus', 'assignmentStart', 'assignmentEnd', 'personType'], buildEsrAssignment],
      ['nhsmail', ['email', 'aliases', 'nhsmailId', 'displayName', 'firstName', 'lastName', 'mobile', 'position', 'department', 'organisation', 'status', 'lastLogon', 'employeeNumber'], buildNhsmailAccount],
      ['ad', ['samAccountName', 'upn', 'name', 'firstName', 'lastName', 'email', 'mobile', 'employeeId', 'nhsmailId', 'enabled', 'userAccountControl', 'lastLogon', 'department', 'localId'], buildAdAccount],
    ];
    for (const [source, names, build] of sources) {
      fc.assert(
        fc.property(fc.array(fields(names), { minLength: 1, maxLength: 6 }), (rows) => {
          const records = rows.flatMap((f, k) => {
            const b = build({ line: k + 2, fields: { employeeNumber: '12345678', samAccountName: `s${k}`, email: `p${k}@nhs.net`, ...f } }, DOMAINS) as { ok: boolean; record?: unknown };
            return b.ok ? [b.record] : [];
          });
          expect(viaWorker(source, [structuredClone(records)])).toEqual(records);
        }),
        { numRuns: 150 },
      );
    }
  });

  it('sends each value once: a later batch carries only values not sent before', () => {
    const encoder = new FieldEncoder('esr');
    encoder.encode(esr(0, 'Trust A'));
    const first = encoder.takeFresh();
    expect(first).toEqual(expect.arrayContaining(['Trust A', 'Staff Nurse', 'nhs.net']));
    encoder.encode(esr(2, 'Trust A'));
    expect(encoder.takeFresh()).toEqual([]);
    encoder.encode(esr(4, 'Trust B'));
    expect(encoder.takeFresh()).toEqual(['Trust B']);
  });

  it('encodes every pooled field (a field left as text would be sent as a copy)', () => {
    const r = esr(3, 'Trust A') as unknown as Record<string, unknown>;
    new FieldEncoder('esr').encode(r);
    for (const f of POOLED_FIELDS.esr) if (r[f] !== undefined) expect(typeof r[f]).toBe('number');
    expect(typeof (r.email as { domain: unknown }).domain).toBe('number');
  });

  it('pools in one thread without changing any value of a record', () => {
    const r = ad(7);
    const copy = structuredClone(r);
    poolRecord('ad', r, new StringPool());
    expect(r).toEqual(copy);
  });

  it('gives accounts without aliases one shared empty list, in a worker or in this thread', () => {
    const bare = (n: number) =>
      built(buildNhsmailAccount({ line: n + 2, fields: { email: `person${n}@nhs.net`, lastName: 'Smith', status: 'Active' } }, DOMAINS));
    const [a, b, withAliases] = viaWorker('nhsmail', [[bare(1), bare(2)], [nhsmail(3)]]);
    expect(a!.aliases).toEqual([]);
    expect(b!.aliases).toBe(a!.aliases);
    expect(withAliases!.aliases.map((x) => x.value)).toEqual(['alias3@nhs.net', 'p3@trust.nhs.uk']);
    const here = bare(4);
    poolRecord('nhsmail', here, new StringPool());
    expect(here.aliases).toBe(a!.aliases);
  });
});

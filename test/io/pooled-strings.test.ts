/**
 * Records read in a worker cross to the main thread packed by field (record-codec.ts), their
 * pooled fields as table indices: after packing, the trip (structured cloning with the typed
 * arrays transferred, as postMessage does) and unpacking, every record must equal the one built,
 * field for field and with the same fields, whatever batch its values were first sent in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAdAccount, buildEsrAssignment, buildNhsmailAccount, type SourceRow } from '../../src/core/records.js';
import { FieldDecoder, FieldEncoder, POOLED_FIELDS, poolRecord, StringPool } from '../../src/io/pooled-strings.js';
import type { RecordSource } from '../../src/io/load-records.js';
import { RecordPacker, RecordUnpacker, type PackedBatch } from '../../src/io/record-codec.js';

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

/** As postMessage sends a packed batch: cloned, its typed arrays transferred. */
function post(batch: PackedBatch): PackedBatch {
  return structuredClone(batch, { transfer: [batch.numbers.buffer, batch.codes.buffer] });
}

function viaWorker<T>(source: RecordSource, batches: T[][]): T[] {
  const packer = new RecordPacker(source, new FieldEncoder());
  const decoder = new FieldDecoder(new StringPool());
  const out: T[] = [];
  for (const batch of batches) {
    for (const r of structuredClone(batch)) packer.add(r);
    const message = post(packer.take([]));
    decoder.extend(message.fresh);
    new RecordUnpacker(message, decoder.table).unpackInto(out);
  }
  return out;
}

describe('pooled strings across threads', () => {
  it('gives back every ESR, NHSmail and AD record as built, over several batches', () => {
    const e = [0, 1, 2, 3, 4, 5].map((n) => esr(n, n < 3 ? 'Trust A' : 'Trust B'));
    expect(viaWorker('esr', [e.slice(0, 2), e.slice(2, 5), e.slice(5)])).toStrictEqual(e);
    const m = [0, 1, 2].map(nhsmail);
    expect(m[0]!.aliases.length).toBe(2);
    expect(viaWorker('nhsmail', [m.slice(0, 1), m.slice(1)])).toStrictEqual(m);
    const a = [0, 1, 2].map(ad);
    expect(a[0]!.email?.domain).toBe('nhs.net');
    expect(viaWorker('ad', [a])).toStrictEqual(a);
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
          // Split in two batches, so that later records use values sent with earlier ones.
          const half = Math.ceil(records.length / 2);
          expect(viaWorker(source, [records.slice(0, half), records.slice(half)])).toStrictEqual(records);
        }),
        { numRuns: 150 },
      );
    }
  });

  it('gives back batches larger than the packer started with, and the next batch as well', () => {
    // 1,500 ESR records are about 30,000 codes and 3,000 dates: the packer's typed arrays grow.
    const big = Array.from({ length: 1500 }, (_, n) => esr(n, `Trust ${n % 7}`));
    const small = [esr(1500, 'Trust 0'), esr(1501, 'Trust Z')];
    expect(viaWorker('esr', [big, small, big.slice(0, 3)])).toStrictEqual([...big, ...small, ...big.slice(0, 3)]);
  });

  it('gives back a name met again with another key, and a key without its name (names and keys coded in pairs)', () => {
    // Built records always give a name the same key; hand-made ones need not. The packer codes
    // a name and its key with one lookup when the key is the one it met first with the name.
    const base = nhsmail(0);
    const records = [
      base,
      { ...nhsmail(1), firstKey: 'janet', lastKey: undefined },
      { ...nhsmail(2), firstName: undefined, position: undefined, positionKey: 'nurse' },
      { ...nhsmail(3), positionKey: 'matron' },
      nhsmail(4),
    ];
    expect(records[1]!.firstName).toBe(base.firstName);
    expect(viaWorker('nhsmail', [records.slice(0, 2), records.slice(2)])).toStrictEqual(records);
    const assignments = [esr(0, 'Trust A'), { ...esr(3, 'Trust A'), knownAsKey: 'joanne' }, esr(6, 'Trust A')];
    expect(assignments[1]!.knownAs).toBe(assignments[0]!.knownAs);
    expect(viaWorker('esr', [assignments])).toStrictEqual(assignments);
  });

  it('sends each value once: a later batch carries only values not sent before', () => {
    const packer = new RecordPacker('esr', new FieldEncoder());
    packer.add(esr(0, 'Trust A'));
    const first = packer.take([]).fresh;
    expect(first).toEqual(expect.arrayContaining(['Trust A', 'Staff Nurse', 'nhs.net']));
    packer.add(esr(2, 'Trust A'));
    expect(packer.take([]).fresh).toEqual([]);
    packer.add(esr(4, 'Trust B'));
    expect(packer.take([]).fresh).toEqual(['Trust B']);
  });

  it('sends no pooled value as text (it would arrive as a copy), nor a value twice in a record', () => {
    const records: [RecordSource, Record<string, unknown>][] = [
      ['esr', esr(3, 'Trust A') as unknown as Record<string, unknown>],
      ['nhsmail', nhsmail(3) as unknown as Record<string, unknown>],
      ['ad', ad(3) as unknown as Record<string, unknown>],
    ];
    for (const [source, r] of records) {
      const packer = new RecordPacker(source, new FieldEncoder());
      packer.add(r);
      const { strings } = packer.take([]);
      const pooled = POOLED_FIELDS[source] as readonly string[];
      expect(pooled.filter((f) => r[f] !== undefined).length).toBeGreaterThanOrEqual(4);
      for (const f of pooled) if (r[f] !== undefined) expect(strings).not.toContain(r[f]);
      expect(strings).not.toContain((r.email as { domain: string }).domain);
      // The raw email equal to the normalised one, and the assignment number equal to the employee number, go once.
      expect(new Set(strings.filter((x) => x !== undefined)).size).toBe(strings.filter((x) => x !== undefined).length);
    }
  });

  it('refuses a batch that does not match its layout, and carries rejects as they are', () => {
    const packer = new RecordPacker('ad', new FieldEncoder());
    packer.add(ad(1));
    packer.add(ad(2));
    const rejects = [{ source: 'ad', file: 'ad.csv', line: 5, reason: 'SamAccountName is empty' }];
    const batch = post(packer.take(rejects));
    expect(batch.rejects).toEqual(rejects);
    const table = new FieldDecoder(new StringPool());
    table.extend(batch.fresh);
    expect(() => new RecordUnpacker({ ...batch, count: 1 }, table.table).unpackInto([])).toThrow(/did not match its layout/);
    const out: unknown[] = [];
    new RecordUnpacker(batch, table.table).unpackInto(out);
    expect(out).toStrictEqual([ad(1), ad(2)]);
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

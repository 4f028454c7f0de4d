import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { groupPeople, ListPool, personLines } from '../../src/core/people.js';
import type { EsrAssignment } from '../../src/core/records.js';

const AS_OF = Date.UTC(2026, 10, 1);

/** Grouping stated plainly: one person per distinct number, in order of their first row, each with its rows. */
function reference(rows: readonly EsrAssignment[]): [string, number[]][] {
  const order: string[] = [];
  const by = new Map<string, number[]>();
  for (const r of rows) {
    if (!by.has(r.employeeNumber)) order.push(r.employeeNumber);
    by.set(r.employeeNumber, [...(by.get(r.employeeNumber) ?? []), r.line]);
  }
  return order.map((k) => [k, by.get(k)!.sort((x, y) => x - y)]);
}

const asRows = (numbers: readonly string[]): EsrAssignment[] =>
  numbers.map((employeeNumber, i) => ({ line: i + 2, employeeNumber, firstName: 'A', lastName: 'B', firstKey: 'a', lastKey: 'b' }));

const grouped = (rows: readonly EsrAssignment[]): [string, number[]][] =>
  groupPeople(rows, AS_OF).map((p) => [p.employeeNumber, p.assignments.map((a) => a.line).sort((x, y) => x - y)]);

describe('groupPeople', () => {
  it('groups 8-digit numbers into one person each, in the order of their first rows (property)', () => {
    const num = fc.integer({ min: 0, max: 60 }).map((n) => String(n * 1_000_003 % 100_000_000).padStart(8, '0'));
    fc.assert(
      fc.property(fc.array(num, { maxLength: 200 }), (numbers) => {
        const rows = asRows(numbers);
        expect(grouped(rows)).toEqual(reference(rows));
      }),
      { numRuns: 200 },
    );
  });

  it('groups numbers of mixed widths or with letters the same way, in the same order (property)', () => {
    const num = fc.oneof(fc.constantFrom('9', '10', '0010', 'X1', '00000001', '12345678'), fc.integer({ min: 0, max: 999 }).map(String));
    fc.assert(
      fc.property(fc.array(num, { maxLength: 120 }), (numbers) => {
        const rows = asRows(numbers);
        expect(grouped(rows)).toEqual(reference(rows));
      }),
      { numRuns: 200 },
    );
  });

  it('puts the current assignment first and lists the current organisations once each', () => {
    const rows: EsrAssignment[] = [
      { line: 2, employeeNumber: '00000002', organisation: 'Trust B', end: AS_OF - 86_400_000 },
      { line: 3, employeeNumber: '00000001', organisation: 'Trust A' },
      { line: 4, employeeNumber: '00000002', organisation: 'Trust A', assignmentNumber: '00000002-2' },
      { line: 5, employeeNumber: '00000002', organisation: 'Trust A', assignmentNumber: '00000002-3' },
    ];
    const [two, one] = groupPeople(rows, AS_OF);
    expect(one!.employeeNumber).toBe('00000001');
    expect(two!.primary.line).toBe(4);
    expect(two!.currentOrganisations).toEqual(['Trust A']);
    expect(two!.leaver).toBe(false);
  });

  it('sorts each person\'s current organisations, shares equal lists, and dates a leaver by the latest end', () => {
    const DAY = 86_400_000;
    const rows: EsrAssignment[] = [
      { line: 2, employeeNumber: '00000001', organisation: 'Trust B' },
      { line: 3, employeeNumber: '00000001', organisation: 'Trust A', assignmentNumber: '00000001-2' },
      { line: 4, employeeNumber: '00000002', organisation: 'Trust A' },
      { line: 5, employeeNumber: '00000002', organisation: 'Trust B', assignmentNumber: '00000002-2' },
      { line: 6, employeeNumber: '00000003', organisation: 'Trust B' },
      { line: 7, employeeNumber: '00000004', organisation: 'Trust A', end: AS_OF - 9 * DAY },
      { line: 8, employeeNumber: '00000004', organisation: 'Trust C', end: AS_OF - 2 * DAY, assignmentNumber: '00000004-2' },
    ];
    const [one, two, three, four] = groupPeople(rows, AS_OF);
    expect(one!.currentOrganisations).toEqual(['Trust A', 'Trust B']);
    expect(two!.currentOrganisations).toBe(one!.currentOrganisations);
    expect(three!.currentOrganisations).toEqual(['Trust B']);
    expect(four!.currentOrganisations).toEqual([]);
    expect([one!.leaver, four!.leaver]).toEqual([false, true]);
    expect([one!.leftOn, four!.leftOn]).toEqual([undefined, AS_OF - 2 * DAY]);
  });

  it('keys a person\'s first names by first name then Known As, once each', () => {
    const row = (line: number, employeeNumber: string, firstKey?: string, knownAsKey?: string): EsrAssignment => ({ line, employeeNumber, firstKey, knownAsKey });
    const people = groupPeople([row(2, '1', 'robert', 'bob'), row(3, '2', 'ann', 'ann'), row(4, '3', undefined, 'bea'), row(5, '4')], AS_OF);
    expect(people.map((p) => p.identity.firstNames)).toEqual([['robert', 'bob'], ['ann'], ['bea'], []]);
  });

  it('gives people with the same first names one shared list', () => {
    const row = (line: number, employeeNumber: string, firstKey: string, knownAsKey?: string): EsrAssignment => ({ line, employeeNumber, firstKey, knownAsKey });
    const [a, b, c] = groupPeople([row(2, '1', 'ann'), row(3, '2', 'ann'), row(4, '3', 'ann', 'annie')], AS_OF);
    expect(b!.identity.firstNames).toBe(a!.identity.firstNames);
    expect(c!.identity.firstNames).toEqual(['ann', 'annie']);
  });
});

describe('ListPool', () => {
  it('returns one copy per distinct list, in its order, and never the array given', () => {
    const pool = new ListPool();
    const given = ['ann', 'bob'];
    const first = pool.get(given);
    expect(first).toEqual(['ann', 'bob']);
    expect(first).not.toBe(given);
    expect(pool.get(['ann', 'bob'])).toBe(first);
    expect(pool.get(['bob', 'ann'])).toEqual(['bob', 'ann']);
    expect(pool.get(['ann\u0000bob'])).toEqual(['ann\u0000bob']);
    expect(pool.get(['ann'])).not.toBe(pool.get(['bob']));
    expect(pool.get([])).toEqual([]);
  });
});

describe('personLines', () => {
  const row = (line: number): EsrAssignment => ({ line, employeeNumber: '00000001', firstName: 'A', lastName: 'B', firstKey: 'a', lastKey: 'b' });

  it('lists a person\'s source lines in number order, not text order', () => {
    const [person] = groupPeople([row(100), row(12), row(40)], AS_OF);
    expect(personLines(person!)).toBe('12 40 100');
  });

  it('gives the one line of a person with one assignment', () => {
    const [person] = groupPeople([row(7)], AS_OF);
    expect(personLines(person!)).toBe('7');
  });
});

/**
 * ESR rows are assignments; a person is every row sharing an Employee Number. The person's
 * anchor values come from their primary assignment (current first, then latest start, then
 * assignment number), falling back to any assignment that has the value.
 */
import type { EsrAssignment } from './records.js';
import type { Identity } from './score.js';

export interface EsrPerson {
  employeeNumber: string;
  /** Assignments, primary first. */
  assignments: EsrAssignment[];
  primary: EsrAssignment;
  /**
   * Distinct organisations among current assignments (sorted). Read-only: people with the same
   * organisations share one array.
   */
  currentOrganisations: readonly string[];
  /** No current assignment at the as-of date (all ended, or person type EX_…). */
  leaver: boolean;
  /** Latest assignment end date when a leaver (epoch ms). */
  leftOn?: number;
  identity: Identity;
}

/** A person's source lines in the ESR extract, ascending and space-separated ("12 40"). */
export function personLines(p: EsrPerson): string {
  if (p.assignments.length === 1) return String(p.assignments[0]!.line); // most people
  return p.assignments.map((a) => a.line).sort((x, y) => x - y).join(' ');
}

/** An assignment is current when it has started, not ended, and the person type is not EX_. */
export function isCurrentAssignment(a: EsrAssignment, asOfMs: number): boolean {
  if (a.personType !== undefined && /^ex[_\s-]/i.test(a.personType)) return false;
  if (a.assignmentStatus !== undefined && /terminat|ended|inactive/i.test(a.assignmentStatus)) return false;
  if (a.start !== undefined && a.start > asOfMs) return false;
  if (a.end !== undefined && a.end < asOfMs) return false;
  return true;
}

function comparePrimary(asOfMs: number) {
  return (x: EsrAssignment, y: EsrAssignment): number => {
    const cx = isCurrentAssignment(x, asOfMs) ? 0 : 1;
    const cy = isCurrentAssignment(y, asOfMs) ? 0 : 1;
    if (cx !== cy) return cx - cy;
    const sx = x.start ?? -Infinity;
    const sy = y.start ?? -Infinity;
    if (sx !== sy) return sy > sx ? 1 : -1;
    const ax = x.assignmentNumber ?? '';
    const ay = y.assignmentNumber ?? '';
    if (ax !== ay) return ax < ay ? -1 : 1;
    return x.line - y.line;
  };
}

function firstDefined<T>(list: readonly EsrAssignment[], pick: (a: EsrAssignment) => T | undefined): T | undefined {
  for (const a of list) {
    const v = pick(a);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * One read-only array per distinct list of strings: a national run has millions of people and
 * accounts but only thousands of distinct first-name or organisation lists, and a list of its
 * own is 40 bytes or more each.
 */
export class ListPool {
  /** Lists of one item, by the item; longer lists by their JSON text (which no joining can confuse). */
  private readonly singles = new Map<string, readonly string[]>();
  private readonly longer = new Map<string, readonly string[]>();

  /** The shared list equal to `items` (read-only: never change a list it returns). */
  get(items: readonly string[]): readonly string[] {
    if (items.length === 0) return NO_STRINGS;
    const single = items.length === 1;
    const lists = single ? this.singles : this.longer;
    const key = single ? items[0]! : JSON.stringify(items);
    let shared = lists.get(key);
    if (shared === undefined) lists.set(key, (shared = items.slice()));
    return shared;
  }
}

/** The empty list of strings, shared (identities without aliases or first names, people without organisations). */
export const NO_STRINGS: readonly string[] = Object.freeze([]);

/**
 * Groups assignments into people, in the order of each person's first row in the extract (the
 * order NHSmail accounts and AD accounts keep too). A national run has 1.5M people, so what each
 * keeps counts: an array grown by push or built by filter keeps room for 17 elements, so a
 * person's assignment list is copied to its size, and their lists of organisations and first
 * names are shared through `lists`.
 *
 * Extract order is also the order the records lie in memory, so every later pass over the people
 * (matching, anchor updates, reports) reads them front to back. It had been employee number
 * order: on an extract not sorted by employee number nearly every read of a person was a cache
 * miss. On `idrecon generate` data for 1.5M people (rows in no number order), `idrecon
 * reconcile` took 95.9–104.4 s that way and 76.9–79.4 s this way, and the bench's write phase
 * went from 41.7 s to 23.3–25.0 s. Matching does not depend on the order (see assign.ts); only
 * report rows move.
 *
 * Employee numbers as records hold them are 8 digits (normaliseEmployeeNumber): the assignments
 * are then grouped by sorting number and file position in one typed array (`byNumber`), rather
 * than gathered in a map keyed by text (5.5 s of the main thread at 1.5M people). Any other
 * employee number (records built by hand) takes the general path; both give the same people in
 * the same order.
 */
export function groupPeople(assignments: readonly EsrAssignment[], asOfMs: number, lists = new ListPool()): EsrPerson[] {
  const cmp = comparePrimary(asOfMs);
  const people: EsrPerson[] = [];
  const sorted = byNumber(assignments);
  if (sorted !== undefined) {
    // Person r (in number order) has the assignments at sorted[start[r]] up to start[r + 1], in
    // file order; `rank` is each assignment's person. A person is built when their first
    // assignment is reached in file order.
    const n = sorted.length;
    const rank = new Int32Array(n);
    const start = new Int32Array(n + 1);
    let r = -1;
    for (let k = 0; k < n; k++) {
      if (k === 0 || Math.floor(sorted[k]! / POSITIONS) !== Math.floor(sorted[k - 1]! / POSITIONS)) start[++r] = k;
      rank[sorted[k]! % POSITIONS] = r;
    }
    const count = r + 1;
    start[count] = n;
    const built = new Uint8Array(count);
    for (let i = 0; i < n; i++) {
      const p = rank[i]!;
      if (built[p] === 1) continue;
      built[p] = 1;
      // Most people have one assignment: a literal of one holds one slot, where `[]` grown by
      // push holds 17 (160 MB more at 1.5M people; see person).
      const from = start[p]!;
      const to = start[p + 1]!;
      let list: EsrAssignment[];
      if (to - from === 1) list = [assignments[sorted[from]! % POSITIONS]!];
      else {
        list = [];
        for (let k = from; k < to; k++) list.push(assignments[sorted[k]! % POSITIONS]!);
      }
      people.push(person(list, asOfMs, lists, cmp));
    }
    return people;
  }
  const byEmp = new Map<string, EsrAssignment[]>();
  for (const a of assignments) {
    const list = byEmp.get(a.employeeNumber);
    if (list) list.push(a);
    else byEmp.set(a.employeeNumber, [a]);
  }
  // A Map iterates in insertion order: each person at their first assignment.
  for (const list of byEmp.values()) people.push(person(list, asOfMs, lists, cmp));
  return people;
}

/** File positions a sort key can tell apart (2^23, above 8 million assignments). */
const POSITIONS = 2 ** 23;

/**
 * Each assignment's employee number × POSITIONS + its position, ascending (exact in a double:
 * below 10^8 × 2^23 < 2^53); undefined when an employee number is not 8 digits or there are too
 * many assignments to number.
 */
function byNumber(assignments: readonly EsrAssignment[]): Float64Array | undefined {
  if (assignments.length >= POSITIONS) return undefined;
  const keys = new Float64Array(assignments.length);
  for (let i = 0; i < assignments.length; i++) {
    const e = assignments[i]!.employeeNumber;
    if (e.length !== 8) return undefined;
    let n = 0;
    for (let c = 0; c < 8; c++) {
      const d = e.charCodeAt(c) - 48;
      if (d < 0 || d > 9) return undefined;
      n = n * 10 + d;
    }
    keys[i] = n * POSITIONS + i;
  }
  return keys.sort();
}

/**
 * One person from their assignments (in file order, all with one employee number). A list of
 * one is kept as given, so it must hold one slot (an array literal); a longer one is sorted
 * and copied to its size.
 */
function person(grown: EsrAssignment[], asOfMs: number, lists: ListPool, cmp: (x: EsrAssignment, y: EsrAssignment) => number): EsrPerson {
  const list = grown.length === 1 ? grown : grown.sort(cmp).slice();
  const primary = list[0]!;
  const employeeNumber = primary.employeeNumber;
  // Distinct, sorted; a person has few assignments, so a list searched beats a Set made for each.
  const orgList: string[] = [];
  let leaver = true;
  let leftOn: number | undefined;
  for (const a of list) {
    if (a.end !== undefined && (leftOn === undefined || a.end > leftOn)) leftOn = a.end;
    if (!isCurrentAssignment(a, asOfMs)) continue;
    leaver = false;
    if (a.organisation !== undefined && !orgList.includes(a.organisation)) orgList.push(a.organisation);
  }
  const orgs = lists.get(orgList.sort());
  const firstKey = firstDefined(list, (a) => a.firstKey);
  const knownAsKey = firstDefined(list, (a) => a.knownAsKey);
  const firstNames = lists.get([firstKey, knownAsKey].filter((k, i, arr): k is string => k !== undefined && arr.indexOf(k) === i));
  const email = firstDefined(list, (a) => (a.email?.valid ? a.email.value : undefined));
  return {
    employeeNumber,
    assignments: list,
    primary,
    currentOrganisations: orgs,
    leaver,
    leftOn: leaver ? leftOn : undefined,
    identity: {
      email,
      employeeNumber,
      mobile: firstDefined(list, (a) => a.mobile?.e164),
      firstNames,
      lastName: firstDefined(list, (a) => a.lastKey),
      position: primary.positionKey ?? firstDefined(list, (a) => a.positionKey),
    },
  };
}

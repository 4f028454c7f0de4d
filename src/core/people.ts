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
 * Groups assignments into people, in employee number order. A national run has 1.5M people, so
 * what each keeps counts: an array grown by push or built by filter keeps room for 17 elements,
 * so the small arrays a person keeps are copied to their size, and equal lists of organisations
 * are one shared array.
 */
export function groupPeople(assignments: readonly EsrAssignment[], asOfMs: number): EsrPerson[] {
  const byEmp = new Map<string, EsrAssignment[]>();
  for (const a of assignments) {
    const list = byEmp.get(a.employeeNumber);
    if (list) list.push(a);
    else byEmp.set(a.employeeNumber, [a]);
  }
  const people: EsrPerson[] = [];
  const cmp = comparePrimary(asOfMs);
  const orgLists = new Map<string, readonly string[]>();
  const NO_ORGANISATIONS: readonly string[] = Object.freeze([]);
  for (const [employeeNumber, grown] of byEmp) {
    const list = grown.length === 1 ? grown : grown.sort(cmp).slice();
    const primary = list[0]!;
    const orgSet = new Set<string>();
    let leaver = true;
    let leftOn: number | undefined;
    for (const a of list) {
      if (a.end !== undefined && (leftOn === undefined || a.end > leftOn)) leftOn = a.end;
      if (!isCurrentAssignment(a, asOfMs)) continue;
      leaver = false;
      if (a.organisation !== undefined) orgSet.add(a.organisation);
    }
    let orgs = NO_ORGANISATIONS;
    if (orgSet.size > 0) {
      const sorted = [...orgSet].sort();
      const key = sorted.join('\u0000');
      let shared = orgLists.get(key);
      if (shared === undefined) orgLists.set(key, (shared = sorted.slice()));
      orgs = shared;
    }
    const firstKey = firstDefined(list, (a) => a.firstKey);
    const knownAsKey = firstDefined(list, (a) => a.knownAsKey);
    const firstNames = [firstKey, knownAsKey].filter((k, i, arr): k is string => k !== undefined && arr.indexOf(k) === i).slice();
    const email = firstDefined(list, (a) => (a.email?.valid ? a.email.value : undefined));
    people.push({
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
    });
  }
  people.sort((a, b) => (a.employeeNumber < b.employeeNumber ? -1 : a.employeeNumber > b.employeeNumber ? 1 : 0));
  return people;
}

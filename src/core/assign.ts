/**
 * One-to-one assignment. Pairs at or above the threshold are taken best score first; like
 * MIM's join rules, when a record's best still-available candidates tie at the top score, none
 * is linked: the tied pairs go to review as ambiguous and those records are not linked
 * automatically to anything else either.
 *
 * Pairs are processed one score level at a time. Within a level, the open pairs form a graph
 * (pairs sharing a record are connected); a component of one pair is linked, a component of
 * several is ambiguous as a whole. The result therefore does not depend on input order.
 */
import type { Candidate } from './candidates.js';

export interface Assignment {
  /** left index → the candidate linking it. */
  links: Map<number, Candidate>;
  /** Tied candidates at the top score, sorted by left, then right index. */
  ambiguous: Candidate[];
  ambiguousLeft: Set<number>;
  ambiguousRight: Set<number>;
}

export function assignOneToOne(candidates: readonly Candidate[], threshold: number): Assignment {
  const eligible = candidates.filter((c) => c.total >= threshold);
  eligible.sort((a, b) => b.total - a.total || a.left - b.left || a.right - b.right);

  // Per-record state in typed arrays, not Maps and Sets: at national size a level holds a
  // million pairs. LINKED / BLOCKED records take no further pairs.
  let lefts = 0;
  let rights = 0;
  for (const c of eligible) {
    if (c.left >= lefts) lefts = c.left + 1;
    if (c.right >= rights) rights = c.right + 1;
  }
  const OPEN = 0;
  const LINKED = 1;
  const BLOCKED = 2;
  const leftState = new Uint8Array(lefts);
  const rightState = new Uint8Array(rights);
  // The level (1-based) in which a record was last met, and its first pair's place in it.
  const leftLevel = new Int32Array(lefts);
  const rightLevel = new Int32Array(rights);
  const leftFirst = new Int32Array(lefts);
  const rightFirst = new Int32Array(rights);
  const links = new Map<number, Candidate>();
  const ambiguous: Candidate[] = [];
  const ambiguousLeft = new Set<number>();
  const ambiguousRight = new Set<number>();

  let i = 0;
  let levelNo = 0;
  while (i < eligible.length) {
    const score = eligible[i]!.total;
    let j = i;
    while (j < eligible.length && eligible[j]!.total === score) j++;
    const level: Candidate[] = [];
    for (let k = i; k < j; k++) {
      const c = eligible[k]!;
      if (leftState[c.left] === OPEN && rightState[c.right] === OPEN) level.push(c);
    }
    i = j;
    if (level.length === 0) continue;
    levelNo++;

    // Union-find over the level's pairs, joined through shared left or right records.
    const parent = new Int32Array(level.length);
    for (let k = 0; k < level.length; k++) parent[k] = k;
    const find = (k: number): number => {
      while (parent[k] !== k) {
        parent[k] = parent[parent[k]!]!;
        k = parent[k]!;
      }
      return k;
    };
    for (let k = 0; k < level.length; k++) {
      const c = level[k]!;
      if (leftLevel[c.left] === levelNo) parent[find(k)] = find(leftFirst[c.left]!);
      else {
        leftLevel[c.left] = levelNo;
        leftFirst[c.left] = k;
      }
      if (rightLevel[c.right] === levelNo) parent[find(k)] = find(rightFirst[c.right]!);
      else {
        rightLevel[c.right] = levelNo;
        rightFirst[c.right] = k;
      }
    }
    const size = new Int32Array(level.length);
    for (let k = 0; k < level.length; k++) size[find(k)]!++;
    for (let k = 0; k < level.length; k++) {
      const c = level[k]!;
      if (size[find(k)] === 1) {
        links.set(c.left, c);
        leftState[c.left] = LINKED;
        rightState[c.right] = LINKED;
      } else {
        ambiguous.push(c);
        leftState[c.left] = BLOCKED;
        rightState[c.right] = BLOCKED;
        ambiguousLeft.add(c.left);
        ambiguousRight.add(c.right);
      }
    }
  }

  ambiguous.sort((a, b) => a.left - b.left || a.right - b.right);
  return { links, ambiguous, ambiguousLeft, ambiguousRight };
}

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

  const links = new Map<number, Candidate>();
  const linkedRight = new Set<number>();
  const blockedLeft = new Set<number>();
  const blockedRight = new Set<number>();
  const ambiguous: Candidate[] = [];
  const open = (c: Candidate): boolean =>
    !links.has(c.left) && !linkedRight.has(c.right) && !blockedLeft.has(c.left) && !blockedRight.has(c.right);

  let i = 0;
  while (i < eligible.length) {
    const score = eligible[i]!.total;
    let j = i;
    while (j < eligible.length && eligible[j]!.total === score) j++;
    const level = eligible.slice(i, j).filter(open);
    i = j;
    if (level.length === 0) continue;

    // Union-find over the level's pairs, joined through shared left or right records.
    const parent = level.map((_, k) => k);
    const find = (k: number): number => {
      while (parent[k] !== k) {
        parent[k] = parent[parent[k]!]!;
        k = parent[k]!;
      }
      return k;
    };
    const byLeft = new Map<number, number>();
    const byRight = new Map<number, number>();
    level.forEach((c, k) => {
      for (const [map, key] of [
        [byLeft, c.left],
        [byRight, c.right],
      ] as const) {
        const other = map.get(key);
        if (other === undefined) map.set(key, k);
        else parent[find(k)] = find(other);
      }
    });
    const size = new Map<number, number>();
    level.forEach((_, k) => size.set(find(k), (size.get(find(k)) ?? 0) + 1));
    level.forEach((c, k) => {
      if (size.get(find(k)) === 1) {
        links.set(c.left, c);
        linkedRight.add(c.right);
      } else {
        ambiguous.push(c);
        blockedLeft.add(c.left);
        blockedRight.add(c.right);
      }
    });
  }

  ambiguous.sort((a, b) => a.left - b.left || a.right - b.right);
  return { links, ambiguous, ambiguousLeft: blockedLeft, ambiguousRight: blockedRight };
}

/**
 * One-to-one assignment. Pairs at or above the threshold are taken best score first; like
 * MIM's join rules, when a record's best still-available candidates tie at the top score, none
 * is linked: the tied pairs go to review as ambiguous and those records are not linked
 * automatically to anything else either. Ties in processing order break on the left index,
 * then the right index (both follow the stable, sorted order of the inputs), so the result is
 * deterministic.
 */
import type { Candidate } from './candidates.js';

export interface Assignment {
  /** left index → the candidate linking it. */
  links: Map<number, Candidate>;
  /** Tied candidates at the top score, per left index involved. */
  ambiguous: Candidate[];
  ambiguousLeft: Set<number>;
  ambiguousRight: Set<number>;
}

export function assignOneToOne(candidates: readonly Candidate[], threshold: number): Assignment {
  const eligible = candidates.filter((c) => c.total >= threshold);
  eligible.sort((a, b) => b.total - a.total || a.left - b.left || a.right - b.right);

  const byLeft = new Map<number, Candidate[]>();
  const byRight = new Map<number, Candidate[]>();
  for (const c of eligible) {
    (byLeft.get(c.left) ?? byLeft.set(c.left, []).get(c.left)!).push(c);
    (byRight.get(c.right) ?? byRight.set(c.right, []).get(c.right)!).push(c);
  }

  const linkedLeft = new Map<number, Candidate>();
  const linkedRight = new Set<number>();
  const blockedLeft = new Set<number>();
  const blockedRight = new Set<number>();
  const ambiguous = new Set<Candidate>();

  const open = (c: Candidate): boolean =>
    !linkedLeft.has(c.left) && !linkedRight.has(c.right) && !blockedLeft.has(c.left) && !blockedRight.has(c.right);

  for (const c of eligible) {
    if (!open(c)) continue;
    const tiedLeft = byLeft.get(c.left)!.filter((x) => x.total === c.total && open(x));
    const tiedRight = byRight.get(c.right)!.filter((x) => x.total === c.total && open(x));
    if (tiedLeft.length > 1 || tiedRight.length > 1) {
      for (const x of [...tiedLeft, ...tiedRight]) {
        ambiguous.add(x);
        blockedLeft.add(x.left);
        blockedRight.add(x.right);
      }
      continue;
    }
    linkedLeft.set(c.left, c);
    linkedRight.add(c.right);
  }

  const amb = [...ambiguous].sort((a, b) => a.left - b.left || b.total - a.total || a.right - b.right);
  return { links: linkedLeft, ambiguous: amb, ambiguousLeft: blockedLeft, ambiguousRight: blockedRight };
}

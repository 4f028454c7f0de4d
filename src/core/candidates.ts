/**
 * Complete candidate generation. Records on the right are indexed by every anchor value that
 * can carry a pair to the review floor; a left record is scored only against right records
 * sharing at least one key. `blockingPlan` proves which keys are needed for the scheme in
 * force: every subset of agreeing anchors whose points reach the floor must contain a blocked
 * anchor, so (for exact comparisons) no pair scoring ≥ floor is missed. A test checks this
 * against brute-force all-pairs scoring.
 */
import { ANCHORS, type Anchor, type Scheme } from './config.js';
import { quickScore, scorePair, type Identity, type PairScore } from './score.js';

/** Anchors whose exact values are used as index keys. 'fullName' = first + last together. */
export type BlockKey = 'email' | 'employeeNumber' | 'mobile' | 'fullName' | 'lastName' | 'firstName' | 'position' | 'extra';

/** Which index keys make candidate generation complete for this scheme (pure, cheap). */
export function blockingPlan(scheme: Scheme, floor: number): BlockKey[] {
  const w = scheme.weights;
  const plan: BlockKey[] = ['email', 'employeeNumber', 'mobile', 'fullName'];
  const single: Anchor[] = ['email', 'employeeNumber', 'mobile', 'lastName', 'firstName', 'position'];
  const covered = (set: ReadonlySet<Anchor>): boolean =>
    plan.some((k) =>
      k === 'fullName' ? set.has('firstName') && set.has('lastName') : k !== 'extra' && set.has(k as Anchor),
    );
  // Enumerate every subset of the six independent anchors (fullName follows first & last).
  for (let mask = 1; mask < 1 << single.length; mask++) {
    const set = new Set<Anchor>(single.filter((_, i) => (mask & (1 << i)) !== 0));
    let points = 0;
    for (const a of set) points += w[a];
    if (set.has('firstName') && set.has('lastName')) points += w.fullName;
    if (points < floor || points === 0 || covered(set)) continue;
    // Block on the most selective anchor of the subset that is not yet a key.
    const add = (['lastName', 'firstName', 'position'] as const).find((a) => set.has(a));
    if (add && !plan.includes(add)) plan.push(add);
  }
  return plan;
}

function keysOf(id: Identity, plan: readonly BlockKey[], extra?: string): string[] {
  const keys: string[] = [];
  for (const k of plan) {
    switch (k) {
      case 'email':
        if (id.email !== undefined) keys.push(`e:${id.email}`);
        for (const a of id.aliases ?? []) keys.push(`e:${a}`);
        break;
      case 'employeeNumber':
        if (id.employeeNumber !== undefined) keys.push(`n:${id.employeeNumber}`);
        break;
      case 'mobile':
        if (id.mobile !== undefined) keys.push(`m:${id.mobile}`);
        break;
      case 'fullName':
        if (id.lastName !== undefined) for (const f of id.firstNames ?? []) keys.push(`f:${f}|${id.lastName}`);
        break;
      case 'lastName':
        if (id.lastName !== undefined) keys.push(`l:${id.lastName}`);
        break;
      case 'firstName':
        for (const f of id.firstNames ?? []) keys.push(`g:${f}`);
        break;
      case 'position':
        if (id.position !== undefined) keys.push(`p:${id.position}`);
        break;
      case 'extra':
        break;
    }
  }
  if (extra !== undefined) keys.push(`x:${extra}`);
  return keys;
}

export interface Candidate {
  left: number;
  right: number;
  score: PairScore;
  /** Points from the extra anchor (AD NHSmail ID), already included in `total`. */
  extraPoints: number;
  total: number;
}

export interface CandidateOptions {
  scheme: Scheme;
  /** Keep pairs scoring at least this (default: 1, so best candidates can be shown). */
  keepFrom?: number;
  /**
   * Per left record, retain only candidates scoring at least this, plus the single best one
   * (shown as "best candidate" even when below it). Default: retain all kept.
   */
  retainFrom?: number;
  /** An extra exact anchor (AD NHSmail ID) worth `extraPoints`. */
  leftExtra?: (i: number) => string | undefined;
  rightExtra?: (i: number) => string | undefined;
  extraPoints?: number;
  /** Restrict the left or right side (e.g. only unmatched records). */
  leftFilter?: (i: number) => boolean;
  rightFilter?: (i: number) => boolean;
  /** Counts pairs scored, for the benchmark ("pairs scored per ESR person"). */
  stats?: { pairsScored: number };
}

/**
 * Scores one pair: the allocation-free total first (exact mode), the per-anchor breakdown only
 * for pairs that are kept.
 */
function scoreCandidate(
  left: readonly Identity[],
  right: readonly Identity[],
  i: number,
  j: number,
  leftExtra: string | undefined,
  opts: CandidateOptions,
  keepFrom: number,
): Candidate | undefined {
  const { scheme } = opts;
  const extraPoints = leftExtra !== undefined && leftExtra === opts.rightExtra?.(j) ? (opts.extraPoints ?? 0) : 0;
  if (!scheme.fuzzy.enabled && quickScore(left[i]!, right[j]!, scheme) + extraPoints < keepFrom) return undefined;
  const score = scorePair(left[i]!, right[j]!, scheme);
  const total = score.score + extraPoints;
  if (total < keepFrom) return undefined;
  return { left: i, right: j, score, extraPoints, total };
}

/** Scores every pair sharing an index key; returns candidates sorted by left, then total desc. */
export function findCandidates(left: readonly Identity[], right: readonly Identity[], opts: CandidateOptions): Candidate[] {
  const { scheme } = opts;
  const keepFrom = opts.keepFrom ?? 1;
  const plan = blockingPlan(scheme, Math.min(scheme.reviewFloor, scheme.threshold));
  const index = new Map<string, number[]>();
  for (let j = 0; j < right.length; j++) {
    if (opts.rightFilter && !opts.rightFilter(j)) continue;
    for (const k of keysOf(right[j]!, plan, opts.rightExtra?.(j))) {
      const list = index.get(k);
      if (list === undefined) index.set(k, [j]);
      else if (list[list.length - 1] !== j) list.push(j);
    }
  }
  const out: Candidate[] = [];
  const seen = new Set<number>();
  const retainFrom = opts.retainFrom ?? keepFrom;
  const exact = !scheme.fuzzy.enabled;
  // Exact mode scores every pair with the allocation-free total and builds the per-anchor
  // breakdown only for the pairs retained (most scored pairs are one-name coincidences).
  const quickRight: number[] = [];
  const quickTotal: number[] = [];
  for (let i = 0; i < left.length; i++) {
    if (opts.leftFilter && !opts.leftFilter(i)) continue;
    seen.clear();
    quickRight.length = 0;
    quickTotal.length = 0;
    const leftExtra = opts.leftExtra?.(i);
    const a = left[i]!;
    const mine: Candidate[] = [];
    for (const k of keysOf(a, plan, leftExtra)) {
      const list = index.get(k);
      if (list === undefined) continue;
      for (const j of list) {
        if (seen.has(j)) continue;
        seen.add(j);
        if (opts.stats) opts.stats.pairsScored++;
        if (exact) {
          const extra = leftExtra !== undefined && leftExtra === opts.rightExtra?.(j) ? (opts.extraPoints ?? 0) : 0;
          const total = quickScore(a, right[j]!, scheme) + extra;
          if (total >= keepFrom) {
            quickRight.push(j);
            quickTotal.push(total);
          }
        } else {
          const c = scoreCandidate(left, right, i, j, leftExtra, opts, keepFrom);
          if (c) mine.push(c);
        }
      }
    }
    if (exact) {
      let best = -1;
      for (let q = 0; q < quickRight.length; q++) {
        const t = quickTotal[q]!;
        if (best < 0 || t > quickTotal[best]! || (t === quickTotal[best]! && quickRight[q]! < quickRight[best]!)) best = q;
      }
      for (let q = 0; q < quickRight.length; q++) {
        if (q !== best && quickTotal[q]! < retainFrom) continue;
        const j = quickRight[q]!;
        const score = scorePair(a, right[j]!, scheme);
        mine.push({ left: i, right: j, score, extraPoints: quickTotal[q]! - score.score, total: quickTotal[q]! });
      }
    }
    mine.sort((x, y) => y.total - x.total || x.right - y.right);
    for (let k = 0; k < mine.length; k++) if (k === 0 || mine[k]!.total >= retainFrom) out.push(mine[k]!);
  }
  return out;
}

/** Brute force, for tests and tiny inputs: every pair, same filters and scoring. */
export function allPairs(left: readonly Identity[], right: readonly Identity[], opts: CandidateOptions): Candidate[] {
  const keepFrom = opts.keepFrom ?? 1;
  const out: Candidate[] = [];
  for (let i = 0; i < left.length; i++) {
    if (opts.leftFilter && !opts.leftFilter(i)) continue;
    const mine: Candidate[] = [];
    for (let j = 0; j < right.length; j++) {
      if (opts.rightFilter && !opts.rightFilter(j)) continue;
      const c = scoreCandidate(left, right, i, j, opts.leftExtra?.(i), opts, keepFrom);
      if (c) mine.push(c);
    }
    mine.sort((a, b) => b.total - a.total || a.right - b.right);
    for (const c of mine) out.push(c);
  }
  return out;
}

export { ANCHORS };

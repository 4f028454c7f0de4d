/**
 * Complete candidate generation. Records on the right are indexed by every anchor value that
 * can carry a pair to the review floor; a left record is scored only against right records
 * sharing at least one key. `blockingPlan` proves which keys are needed for the scheme in
 * force: every subset of agreeing anchors whose points reach the floor must contain a blocked
 * anchor, so (for exact comparisons) no pair scoring ≥ floor is missed. A test checks this
 * against brute-force all-pairs scoring.
 */
import { ANCHORS, type Anchor, type Scheme } from './config.js';
import { PackedScore, packedScore, quickScore, scorePair, type Identity, type PairScore } from './score.js';

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

/**
 * Record indices per exact value, one map per kind of key (no composite string keys). A value
 * held by one record maps to its index, not to a one-element array: most emails, employee
 * numbers and mobiles are unique, and an array each was millions of objects at national size.
 */
type Posting = number | number[];
type Postings = Map<string, Posting>;

/**
 * The blocking index over the right side. Values are looked up as they are, never joined into
 * prefixed keys: building a key string per lookup cost more than the scoring at national size.
 * First & Last Name is a map of last-name key → first-name key → records.
 */
interface BlockIndex {
  email?: Postings;
  employeeNumber?: Postings;
  mobile?: Postings;
  fullName?: Map<string, Postings>;
  lastName?: Postings;
  firstName?: Postings;
  position?: Postings;
  extra: Postings;
}

function post(map: Postings, key: string, j: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, j);
  else if (typeof list === 'number') {
    if (list !== j) map.set(key, [list, j]);
  } else if (list[list.length - 1] !== j) list.push(j);
}

function newIndex(plan: readonly BlockKey[]): BlockIndex {
  const index: BlockIndex = { extra: new Map() };
  for (const k of plan) {
    if (k === 'fullName') index.fullName = new Map();
    else if (k !== 'extra') index[k] = new Map();
  }
  return index;
}

function addToIndex(index: BlockIndex, id: Identity, j: number, extra: string | undefined): void {
  if (index.email) {
    if (id.email !== undefined) post(index.email, id.email, j);
    for (const a of id.aliases ?? []) post(index.email, a, j);
  }
  if (index.employeeNumber && id.employeeNumber !== undefined) post(index.employeeNumber, id.employeeNumber, j);
  if (index.mobile && id.mobile !== undefined) post(index.mobile, id.mobile, j);
  if (index.fullName && id.lastName !== undefined && id.firstNames !== undefined && id.firstNames.length > 0) {
    let byFirst = index.fullName.get(id.lastName);
    if (byFirst === undefined) index.fullName.set(id.lastName, (byFirst = new Map()));
    for (const f of id.firstNames) post(byFirst, f, j);
  }
  if (index.lastName && id.lastName !== undefined) post(index.lastName, id.lastName, j);
  if (index.firstName) for (const f of id.firstNames ?? []) post(index.firstName, f, j);
  if (index.position && id.position !== undefined) post(index.position, id.position, j);
  if (extra !== undefined) post(index.extra, extra, j);
}

/**
 * Pushes onto `out` every posting list the identity's values hit (lists may overlap). With
 * `names`, First & Last Name lists go there instead, for the large-block shortcut.
 */
function lookUp(index: BlockIndex, id: Identity, extra: string | undefined, out: Posting[], names?: Posting[]): void {
  const hit = (map: Postings | undefined, key: string | undefined): void => {
    if (map === undefined || key === undefined) return;
    const list = map.get(key);
    if (list !== undefined) out.push(list);
  };
  if (index.email) {
    hit(index.email, id.email);
    for (const a of id.aliases ?? []) hit(index.email, a);
  }
  hit(index.employeeNumber, id.employeeNumber);
  hit(index.mobile, id.mobile);
  if (index.fullName && id.lastName !== undefined && id.firstNames !== undefined && id.firstNames.length > 0) {
    const byFirst = index.fullName.get(id.lastName);
    if (byFirst !== undefined) {
      for (const f of id.firstNames) {
        const list = byFirst.get(f);
        if (list !== undefined) (names ?? out).push(list);
      }
    }
  }
  hit(index.lastName, id.lastName);
  if (index.firstName) for (const f of id.firstNames ?? []) hit(index.firstName, f);
  hit(index.position, id.position);
  hit(index.extra, extra);
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
  /**
   * When given, `bestRight[j]` is raised to the best total of any pair kept into right record
   * j (entries start at -Infinity or lower), whether or not the pair is retained.
   */
  bestRight?: Float64Array;
  /** Retain candidates only for left records this accepts (the rest still feed `bestRight`). */
  retainLeft?: (i: number) => boolean;
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
  return { left: i, right: j, score: PackedScore.of(score, scheme.weights), extraPoints, total };
}

/**
 * First & Last Name blocks at least this long get a by-position sub-index (see
 * `implicitNamePoints`). Below it, scoring the block is cheaper than the bookkeeping.
 */
export const LARGE_NAME_BLOCK = 8;

/**
 * Common full names ("John Smith") make blocks whose pairs grow with the square of the block.
 * In exact mode, with only the four default keys in the plan, a pair reached through a name
 * block and no other key can only agree on the names and, if the titles are equal, the
 * position: every other anchor that could agree (email, employee number, mobile, extra) is a
 * key, so the pair would have been reached through it too. So within a large block only the
 * records with the left record's position (a sub-index) and those reached by other keys need
 * scoring; every other record scores exactly first + last + full-name points. When that is
 * below `retainFrom`, they matter only as the left record's best candidate, which is the
 * lowest-numbered of them (ties go to the lower right index). Returns those points, or
 * undefined when the shortcut does not apply and every pair must be scored.
 */
function implicitNamePoints(plan: readonly BlockKey[], scheme: Scheme, keepFrom: number, retainFrom: number): number | undefined {
  if (scheme.fuzzy.enabled) return undefined;
  if (plan.some((k) => k === 'lastName' || k === 'firstName' || k === 'position')) return undefined;
  const w = scheme.weights;
  const points = w.firstName + w.lastName + w.fullName;
  return points < retainFrom && points >= keepFrom ? points : undefined;
}

/** By-position sub-indexes of the large First & Last Name blocks, keyed by the block's list. */
function positionSubIndexes(index: BlockIndex, right: readonly Identity[]): Map<Posting, Postings> {
  const out = new Map<Posting, Postings>();
  for (const byFirst of index.fullName?.values() ?? []) {
    for (const list of byFirst.values()) {
      if (typeof list === 'number' || list.length < LARGE_NAME_BLOCK) continue;
      const byPosition: Postings = new Map();
      for (const j of list) {
        const p = right[j]!.position;
        if (p !== undefined) post(byPosition, p, j);
      }
      out.set(list, byPosition);
    }
  }
  return out;
}

/** Scores every pair sharing an index key; returns candidates sorted by left, then total desc. */
export function findCandidates(left: readonly Identity[], right: readonly Identity[], opts: CandidateOptions): Candidate[] {
  const { scheme } = opts;
  const keepFrom = opts.keepFrom ?? 1;
  const plan = blockingPlan(scheme, Math.min(scheme.reviewFloor, scheme.threshold));
  const index = newIndex(plan);
  for (let j = 0; j < right.length; j++) {
    if (opts.rightFilter && !opts.rightFilter(j)) continue;
    addToIndex(index, right[j]!, j, opts.rightExtra?.(j));
  }
  const out: Candidate[] = [];
  // seen[j] === i + 1: right record j was already scored against left record i.
  const seen = new Int32Array(right.length);
  const lists: Posting[] = [];
  const retainFrom = opts.retainFrom ?? keepFrom;
  const exact = !scheme.fuzzy.enabled;
  // Exact mode scores every pair with the allocation-free total and builds the per-anchor
  // breakdown only for the pairs retained (most scored pairs are one-name coincidences).
  const quickRight: number[] = [];
  const quickTotal: number[] = [];
  // The shortcut leaves block pairs unscored, so it cannot feed bestRight.
  const namePoints = opts.bestRight === undefined ? implicitNamePoints(plan, scheme, keepFrom, retainFrom) : undefined;
  const bestRight = opts.bestRight;
  const subIndexes = namePoints === undefined ? undefined : positionSubIndexes(index, right);
  const names: Posting[] = [];
  const implicit: number[][] = [];
  for (let i = 0; i < left.length; i++) {
    if (opts.leftFilter && !opts.leftFilter(i)) continue;
    quickRight.length = 0;
    quickTotal.length = 0;
    const leftExtra = opts.leftExtra?.(i);
    const a = left[i]!;
    const mine: Candidate[] = [];
    lists.length = 0;
    names.length = 0;
    implicit.length = 0;
    lookUp(index, a, leftExtra, lists, subIndexes === undefined ? undefined : names);
    // Name lists go last, so records reached by other keys are scored (and seen) first.
    for (const list of names) {
      const byPosition = subIndexes!.get(list);
      if (byPosition === undefined) {
        lists.push(list);
        continue;
      }
      const same = a.position === undefined ? undefined : byPosition.get(a.position);
      if (same !== undefined) lists.push(same);
      implicit.push(list as number[]);
    }
    const consider = (j: number): void => {
      if (seen[j] === i + 1) return;
      seen[j] = i + 1;
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
    };
    for (const list of lists) {
      if (typeof list === 'number') consider(list);
      else for (const j of list) consider(j);
    }
    if (bestRight !== undefined) {
      for (let q = 0; q < quickRight.length; q++) if (quickTotal[q]! > bestRight[quickRight[q]!]!) bestRight[quickRight[q]!] = quickTotal[q]!;
      for (const c of mine) if (c.total > bestRight[c.right]!) bestRight[c.right] = c.total;
    }
    if (opts.retainLeft !== undefined && !opts.retainLeft(i)) continue;
    if (exact) {
      let best = -1;
      for (let q = 0; q < quickRight.length; q++) {
        const t = quickTotal[q]!;
        if (best < 0 || t > quickTotal[best]! || (t === quickTotal[best]! && quickRight[q]! < quickRight[best]!)) best = q;
      }
      if (implicit.length > 0) {
        // The lowest-numbered block record not scored above: it scores exactly namePoints.
        let low = -1;
        for (const list of implicit) {
          for (const j of list) {
            if (seen[j] === i + 1) continue;
            if (low < 0 || j < low) low = j;
            break;
          }
        }
        const t = namePoints!;
        if (low >= 0 && (best < 0 || t > quickTotal[best]! || (t === quickTotal[best]! && low < quickRight[best]!))) {
          quickRight.push(low);
          quickTotal.push(t);
          best = quickRight.length - 1;
        }
      }
      for (let q = 0; q < quickRight.length; q++) {
        if (q !== best && quickTotal[q]! < retainFrom) continue;
        const j = quickRight[q]!;
        const score = packedScore(a, right[j]!, scheme);
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

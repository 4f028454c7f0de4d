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
import { CandidateList, type Candidate, type DeferredRuns } from './candidates.js';
import { NO_POOL, type Int32Pool } from './int32-pool.js';

export interface Assignment {
  /** left index → the candidate linking it. */
  links: Links;
  /** Tied candidates at the top score, sorted by left, then right index. */
  ambiguous: Candidate[];
  ambiguousLeft: Set<number>;
  ambiguousRight: Set<number>;
}

/**
 * Positions of the pairs at or above `threshold`, grouped by total, highest first (within a
 * total in input order: the outcome of a level does not depend on it); and where each total's
 * run starts. A counting sort, O(n): a comparison sort of millions of pairs took seconds.
 */
function byLevel(p: CandidateList, threshold: number, alsoTotal?: number): { order: number[]; runs: number[]; totals: number[] } {
  const bucketOf = new Map<number, number>();
  const totals: number[] = [];
  let n = 0;
  for (let k = 0; k < p.length; k++) {
    const t = p.totalAt(k);
    if (!(t >= threshold)) continue;
    n++;
    if (!bucketOf.has(t)) {
      bucketOf.set(t, totals.length);
      totals.push(t);
    }
  }
  // A level for the deferred pairs, even if no listed pair has their total.
  if (alsoTotal !== undefined && alsoTotal >= threshold && !bucketOf.has(alsoTotal)) {
    bucketOf.set(alsoTotal, totals.length);
    totals.push(alsoTotal);
  }
  const rank = totals.map((t, b) => ({ t, b })).sort((x, y) => y.t - x.t);
  const start = new Int32Array(totals.length + 1);
  const count = new Int32Array(totals.length);
  for (let k = 0; k < p.length; k++) {
    const t = p.totalAt(k);
    if (t >= threshold) count[bucketOf.get(t)!]!++;
  }
  const at = new Int32Array(totals.length);
  for (let r = 0; r < rank.length; r++) {
    start[r + 1] = start[r]! + count[rank[r]!.b]!;
    at[rank[r]!.b] = start[r]!;
  }
  // A plain array: millions of entries in typed arrays would be memory outside the heap, which
  // V8 answers with full collections (see CandidateList).
  const order = new Array<number>(n).fill(0);
  for (let k = 0; k < p.length; k++) {
    const t = p.totalAt(k);
    if (t >= threshold) order[at[bucketOf.get(t)!]!++] = k;
  }
  return { order, runs: Array.from(start), totals: rank.map((x) => x.t) };
}

/**
 * `pool`: where the working arrays come from and go back to (see Int32Pool; by default none are
 * pooled). The list's deferred pairs (`p.deferred`, see DeferredRuns) join their score's level
 * where both records are still open then: the outcome is the same as if they had been listed.
 */
export function assignOneToOne(p: CandidateList, threshold: number, pool: Int32Pool = NO_POOL): Assignment {
  const deferred = p.deferred !== undefined && p.deferred.length > 0 && p.deferred.total >= threshold ? p.deferred : undefined;
  const { order, runs, totals } = byLevel(p, threshold, deferred?.total);
  // A level's pairs are positions in `p`, or (negative, -1 - m) entry m of `met`: deferred
  // pairs met in their level, listed only then.
  const met = new CandidateList(p.weights);
  const leftOf = (k: number): number => (k >= 0 ? p.leftAt(k) : met.leftAt(-1 - k));
  const rightOf = (k: number): number => (k >= 0 ? p.rightAt(k) : met.rightAt(-1 - k));

  // Per-record state in typed arrays, not Maps and Sets: at national size a level holds a
  // million pairs. LINKED / BLOCKED records take no further pairs.
  let lefts = deferred === undefined ? 0 : deferred.maxLeft + 1;
  let rights = deferred === undefined ? 0 : deferred.maxRight + 1;
  for (const k of order) {
    if (p.leftAt(k) >= lefts) lefts = p.leftAt(k) + 1;
    if (p.rightAt(k) >= rights) rights = p.rightAt(k) + 1;
  }
  const OPEN = 0;
  const LINKED = 1;
  const BLOCKED = 2;
  const leftState = new Uint8Array(lefts);
  const rightState = new Uint8Array(rights);
  // The level (1-based) in which a record was last met, and its first pair's place in it.
  const leftLevel = pool.take(lefts);
  const rightLevel = pool.take(rights);
  const leftFirst = pool.take(lefts);
  const rightFirst = pool.take(rights);
  const links = new Links(lefts, p.weights);
  const ambiguous: Candidate[] = [];
  const ambiguousLeft = new Set<number>();
  const ambiguousRight = new Set<number>();

  let levelNo = 0;
  // One score level's open pairs (positions in the candidates), reused level to level.
  let level: number[] = [];
  for (let r = 0; r + 1 < runs.length; r++) {
    const from = runs[r]!;
    const to = runs[r + 1]!;
    if (level.length < to - from) level = new Array<number>(to - from).fill(0);
    let n = 0;
    for (let q = from; q < to; q++) {
      const k = order[q]!;
      if (leftState[p.leftAt(k)] === OPEN && rightState[p.rightAt(k)] === OPEN) level[n++] = k;
    }
    if (deferred !== undefined && totals[r] === deferred.total) n = meetDeferred(deferred, level, n);
    if (n === 0) continue;
    levelNo++;

    // Union-find over the level's pairs, joined through shared left or right records.
    const parent = pool.take(n);
    for (let k = 0; k < n; k++) parent[k] = k;
    const find = (k: number): number => {
      while (parent[k] !== k) {
        parent[k] = parent[parent[k]!]!;
        k = parent[k]!;
      }
      return k;
    };
    for (let k = 0; k < n; k++) {
      const l = leftOf(level[k]!);
      const rt = rightOf(level[k]!);
      if (leftLevel[l] === levelNo) parent[find(k)] = find(leftFirst[l]!);
      else {
        leftLevel[l] = levelNo;
        leftFirst[l] = k;
      }
      if (rightLevel[rt] === levelNo) parent[find(k)] = find(rightFirst[rt]!);
      else {
        rightLevel[rt] = levelNo;
        rightFirst[rt] = k;
      }
    }
    const size = pool.take(n);
    for (let k = 0; k < n; k++) size[find(k)]!++;
    for (let k = 0; k < n; k++) {
      const e = level[k]!;
      const l = leftOf(e);
      const rt = rightOf(e);
      if (size[find(k)] === 1) {
        if (e >= 0) links.setFrom(l, p, e);
        else links.setFrom(l, met, -1 - e);
        leftState[l] = LINKED;
        rightState[rt] = LINKED;
      } else {
        ambiguous.push(e >= 0 ? p.get(e) : met.get(-1 - e));
        leftState[l] = BLOCKED;
        rightState[rt] = BLOCKED;
        ambiguousLeft.add(l);
        ambiguousRight.add(rt);
      }
    }
    pool.give(parent);
    pool.give(size);
  }
  for (const a of [leftLevel, rightLevel, leftFirst, rightFirst]) pool.give(a);

  ambiguous.sort((a, b) => a.left - b.left || a.right - b.right);
  return { links, ambiguous, ambiguousLeft, ambiguousRight };

  /**
   * Adds to the level (after its `n` listed pairs) the deferred pairs whose records are both
   * open, leaving out those listed: a listed pair of a left record with a record of its runs
   * scores at least the deferred total, and with both records open it is in this level (one
   * scoring more was settled at its own level). Returns the level's new length.
   */
  function meetDeferred(d: DeferredRuns, lv: number[], n: number): number {
    // Each open left record's listed pairs here, chained: head[l] (valid where headOf[l] is
    // this level's mark) and next[k].
    const mark = levelNo + 1;
    const headOf = pool.take(lefts);
    const head = pool.take(lefts);
    const next = pool.take(Math.max(1, n));
    for (let k = 0; k < n; k++) {
      const l = p.leftAt(lv[k]!);
      next[k] = headOf[l] === mark ? head[l]! : -1;
      headOf[l] = mark;
      head[l] = k;
    }
    // seenBy[j] === e + 1: right record j is already paired with entry e's left record.
    const seenBy = pool.take(rights);
    let count = n;
    for (let e = 0; e < d.length; e++) {
      const l = d.leftAt(e);
      if (leftState[l] !== OPEN) continue;
      if (headOf[l] === mark) for (let k = head[l]!; k >= 0; k = next[k]!) seenBy[p.rightAt(lv[k]!)] = e + 1;
      const to = d.runsFrom(e + 1);
      for (let r = d.runsFrom(e); r < to; r++) {
        for (const j of d.runAt(r)) {
          if (rightState[j] !== OPEN || seenBy[j] === e + 1) continue;
          seenBy[j] = e + 1;
          met.push(l, j, d.total, 0, d.levels(l, j, r));
          lv[count++] = -met.length;
        }
      }
    }
    for (const a of [headOf, head, next, seenBy]) pool.give(a);
    return count;
  }
}

/**
 * Left index → the candidate linking it. The linked pairs are held packed, by column (a
 * CandidateList), with each left record's position in it: at national size there are over two
 * million links, and an object per link (a Candidate and its score) costs several times the five
 * numbers kept here. `get` builds a Candidate on each call (so two calls give equal, not identical,
 * objects); `rightOf` reads the right index without building one. Iterates in left
 * index order.
 */
export class Links implements Iterable<[number, Candidate]> {
  /** Left index → position in `pairs`, -1 for none. */
  private readonly at: Int32Array;
  private readonly pairs: CandidateList;
  private count = 0;

  constructor(lefts: number, weights: CandidateList['weights']) {
    this.at = new Int32Array(lefts).fill(-1);
    this.pairs = new CandidateList(weights);
  }

  get size(): number {
    return this.count;
  }

  /** Links `left` by entry k of `from` (a list with the same weights). */
  setFrom(left: number, from: CandidateList, k: number): void {
    this.place(left);
    this.pairs.push(from.leftAt(k), from.rightAt(k), from.totalAt(k), from.extraAt(k), from.levelsAt(k));
  }

  private place(left: number): void {
    if (!(left >= 0 && left < this.at.length)) throw new RangeError(`left index ${left} is outside 0..${this.at.length - 1}`);
    if (this.at[left] === -1) this.count++;
    this.at[left] = this.pairs.length;
  }

  private position(left: number): number {
    const k = this.at[left];
    return k === undefined ? -1 : k;
  }

  get(left: number): Candidate | undefined {
    const k = this.position(left);
    return k < 0 ? undefined : this.pairs.get(k);
  }

  has(left: number): boolean {
    return this.position(left) >= 0;
  }

  /** The right index `left` is linked to, without building the candidate. */
  rightOf(left: number): number | undefined {
    const k = this.position(left);
    return k < 0 ? undefined : this.pairs.rightAt(k);
  }

  *entries(): IterableIterator<[number, Candidate]> {
    for (let i = 0; i < this.at.length; i++) {
      const k = this.at[i]!;
      if (k >= 0) yield [i, this.pairs.get(k)];
    }
  }

  *values(): IterableIterator<Candidate> {
    for (const [, c] of this.entries()) yield c;
  }

  [Symbol.iterator](): IterableIterator<[number, Candidate]> {
    return this.entries();
  }
}

/**
 * Record index → record index over one side's records, in a typed array (-1 for none): at
 * national size a Map entry per link cost about ten times these four bytes.
 */
export class IndexMap {
  private readonly to: Int32Array;
  private count = 0;

  constructor(records: number) {
    this.to = new Int32Array(records).fill(-1);
  }

  get size(): number {
    return this.count;
  }

  set(i: number, value: number): void {
    if (this.to[i] === -1) this.count++;
    this.to[i] = value;
  }

  get(i: number): number | undefined {
    const v = this.to[i];
    return v === undefined || v < 0 ? undefined : v;
  }

  has(i: number): boolean {
    return this.get(i) !== undefined;
  }
}

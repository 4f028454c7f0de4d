/**
 * Complete candidate generation. Records on the right are indexed by every anchor value that
 * can carry a pair to the review floor; a left record is scored only against right records
 * sharing at least one key. `blockingPlan` proves which keys are needed for the scheme in
 * force: every subset of agreeing anchors whose points reach the floor must contain a blocked
 * anchor, so (for exact comparisons) no pair scoring ≥ floor is missed. A test checks this
 * against brute-force all-pairs scoring.
 *
 * Keys are held as 32-bit hashes of their values (core/key-table): records sharing a value
 * always share its hash, so nothing is missed; a pair that only shares a hash is scored on its
 * real values like any other.
 */
import { ANCHORS, type Anchor, type Scheme } from './config.js';
import { NumberColumn } from './columns.js';
import { NO_POOL, type Int32Pool } from './int32-pool.js';
import { hashKey, hashPair, IntPairs, KeyTableBuilder, releaseTable, type KeyTable } from './key-table.js';
import { nameAndPositionLevels, namePositionPoints, PackedScore, packedLevels, packedScore, presentAnchors, quickScore, scorePair, type Identity, type PairScore } from './score.js';
import { dice } from './similarity.js';

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

/** Kinds of index key as small integers: the index is an array of tables by kind. */
const EMAIL = 0;
const EMPLOYEE_NUMBER = 1;
const MOBILE = 2;
const FULL_NAME = 3;
const LAST_NAME = 4;
const FIRST_NAME = 5;
const POSITION = 6;
const EXTRA = 7;
const KINDS = 8;
const KIND: Readonly<Record<BlockKey, number>> = {
  email: EMAIL,
  employeeNumber: EMPLOYEE_NUMBER,
  mobile: MOBILE,
  fullName: FULL_NAME,
  lastName: LAST_NAME,
  firstName: FIRST_NAME,
  position: POSITION,
  extra: EXTRA,
};

/** The kinds of key a plan blocks on, as bits (EXTRA always: it is used whenever given). */
function planBits(plan: readonly BlockKey[]): number {
  let bits = 1 << EXTRA;
  for (const k of plan) bits |= 1 << KIND[k];
  return bits;
}

/**
 * Calls `add(kind, hash)` for each index key of an identity whose kind is in `bits`: the one
 * definition of which values are keys, for the index and for lookups alike. First & Last Name
 * is the hash of each (last name, first name) pair.
 */
function eachKey(id: Identity, extra: string | undefined, bits: number, add: (kind: number, hash: number) => void): void {
  if ((bits & (1 << EMAIL)) !== 0) {
    if (id.email !== undefined) add(EMAIL, hashKey(id.email));
    if (id.aliases !== undefined) for (const x of id.aliases) add(EMAIL, hashKey(x));
  }
  if ((bits & (1 << EMPLOYEE_NUMBER)) !== 0 && id.employeeNumber !== undefined) add(EMPLOYEE_NUMBER, hashKey(id.employeeNumber));
  if ((bits & (1 << MOBILE)) !== 0 && id.mobile !== undefined) add(MOBILE, hashKey(id.mobile));
  if ((bits & (1 << FULL_NAME)) !== 0 && id.lastName !== undefined && id.firstNames !== undefined) {
    for (const f of id.firstNames) add(FULL_NAME, hashPair(id.lastName, f));
  }
  if ((bits & (1 << LAST_NAME)) !== 0 && id.lastName !== undefined) add(LAST_NAME, hashKey(id.lastName));
  if ((bits & (1 << FIRST_NAME)) !== 0 && id.firstNames !== undefined) for (const f of id.firstNames) add(FIRST_NAME, hashKey(f));
  if ((bits & (1 << POSITION)) !== 0 && id.position !== undefined) add(POSITION, hashKey(id.position));
  if ((bits & (1 << EXTRA)) !== 0 && extra !== undefined) add(EXTRA, hashKey(extra));
}

/**
 * A pass's blocking index over its right side, built once for two threads that share the pass
 * (each reads it; neither releases it): a KeyTable per kind of key the plan blocks on (`bits`).
 */
export interface RightIndex {
  readonly of: readonly Identity[];
  readonly bits: number;
  readonly tables: readonly (KeyTable | undefined)[];
}

/** The index findCandidates would build over `right` for `opts` (its scheme, filter and extra anchor). */
export function rightIndex(right: readonly Identity[], opts: CandidateOptions): RightIndex {
  const bits = planBits(blockingPlan(opts.scheme, Math.min(opts.scheme.reviewFloor, opts.scheme.threshold)));
  return { of: right, bits, tables: buildIndex(bits, right, opts) };
}

/** Gives a RightIndex's arrays back to `pool`: it must not be read again. */
export function releaseRightIndex(index: RightIndex, pool: Int32Pool): void {
  for (const t of index.tables) if (t !== undefined) releaseTable(t, pool);
}

/** The blocking index over the right side: a KeyTable per kind of key in the plan. */
function buildIndex(bits: number, right: readonly Identity[], opts: CandidateOptions): (KeyTable | undefined)[] {
  const builders: (KeyTableBuilder | undefined)[] = [];
  // About one key of a kind per record (a list doubles once where there are more).
  for (let k = 0; k < KINDS; k++) builders.push((bits & (1 << k)) !== 0 ? new KeyTableBuilder(right.length, opts.pool) : undefined);
  let j = 0;
  const add = (kind: number, hash: number): void => builders[kind]!.add(hash, j);
  for (j = 0; j < right.length; j++) {
    if (opts.rightFilter && !opts.rightFilter(j)) continue;
    eachKey(right[j]!, opts.rightExtra?.(j), bits, add);
  }
  return builders.map((b) => b?.build());
}

/**
 * The index-key hashes of every left record, in flat typed arrays: computed once and shared by
 * both passes of a stage (and by stages with the same left side), so a pass that finds nothing
 * for a record never reads the record itself. At national size the second pass's index is
 * small and most lookups miss; reading 1.4M identities and their strings again was its cost.
 */
export interface LeftKeys {
  /** The records and extra-anchor function they were computed from. */
  readonly of: readonly Identity[];
  readonly extra: ((i: number) => string | undefined) | undefined;
  /** The kinds of key held (bits); lookups need those of their plan. */
  readonly bits: number;
  /** Record i's keys are start[i] ≤ k < start[i + 1]. */
  readonly start: Int32Array;
  readonly kind: Int32Array;
  readonly hash: Int32Array;
}

/** The left-side key hashes for `scheme`'s blocking plan (with `extra`, the extra anchor's). */
export function leftKeys(left: readonly Identity[], scheme: Scheme, extra?: (i: number) => string | undefined, pool?: Int32Pool): LeftKeys {
  const bits = planBits(blockingPlan(scheme, Math.min(scheme.reviewFloor, scheme.threshold)));
  const start = new Int32Array(left.length + 1);
  // About one key of each kind in the plan per record.
  let kinds = 0;
  for (let b = bits; b !== 0; b &= b - 1) kinds++;
  const keys = new IntPairs(left.length * Math.max(1, kinds), pool);
  const add = (k: number, h: number): void => keys.push(k, h);
  for (let i = 0; i < left.length; i++) {
    eachKey(left[i]!, extra?.(i), bits, add);
    start[i + 1] = keys.length;
  }
  // Views, not copies: a copy would be one more allocation outside the heap (see Int32Pool).
  return { of: left, extra, bits, start, kind: keys.first.subarray(0, keys.length), hash: keys.second.subarray(0, keys.length) };
}

export interface Candidate {
  left: number;
  right: number;
  score: PairScore;
  /** Points from the extra anchor (AD NHSmail ID), already included in `total`. */
  extraPoints: number;
  total: number;
}

/**
 * A candidate with its score packed into its own fields, built on demand from a CandidateList
 * (`score` is rebuilt on each read, which only reports and review do).
 */
class PackedCandidate implements Candidate {
  constructor(
    readonly left: number,
    readonly right: number,
    readonly total: number,
    readonly extraPoints: number,
    private readonly levels: number,
    private readonly weights: Readonly<Record<Anchor, number>>,
  ) {}

  get score(): PackedScore {
    return new PackedScore(this.total - this.extraPoints, this.levels, this.weights);
  }
}

/**
 * Pairs a first pass leaves out of its CandidateList, to be met only if the assignment needs
 * them (`deferSameNamed`). Within a large First & Last Name block, every record with the left
 * record's title (in fuzzy mode, or a similar one), whose name the whole block shares, scores
 * exactly the names and position with it unless another key joins them (then it is scored and
 * listed as usual). At national size these pairs were about half of those scored (`idrecon
 * bench` at 1.5M people: 5.1 pairs scored per ESR person with them, 2.66 without): the many
 * John Smiths who are Staff Nurses, each paired with each, growing with the square of the
 * input. Nearly all of their records link at a higher score first; the assignment meets the
 * rest (both records still open at the pairs' score) from the runs kept here.
 *
 * Entry d is a left record and its runs of right records (ascending right indices: runs of the
 * blocks' by-title sub-index, named by id); its deferred pairs are (left, j) for j in its runs,
 * except pairs listed in the CandidateList (those were reached through another key, or are the
 * left record's lowest such pair, kept as its best candidate). Every deferred pair totals
 * `total` with no extra-anchor points.
 */
export class DeferredRuns {
  private readonly lefts: number[] = [];
  private readonly runStart: number[] = [0];
  /** Ids of the runs (indices into `runs`), entry by entry: numbers, not references, for the collector to skip. */
  private readonly runIds: number[] = [];
  /** Which runs any entry holds (by id). */
  private readonly used: Uint8Array;
  /** The highest right index in any entry (-1 when empty). */
  maxRight = -1;

  constructor(
    readonly total: number,
    /** The runs entries refer to, by id (ascending right indices each). */
    private readonly runs: readonly (readonly number[])[],
    /** The levels of (left, right), right being in the run named by `runId`. */
    private readonly levelsOf: (left: number, right: number, runId: number) => number,
  ) {
    this.used = new Uint8Array(runs.length);
  }

  get length(): number {
    return this.lefts.length;
  }

  /** Defers left's pairs into the runs `ids[from..from + count)` (left indices ascending from call to call). */
  add(left: number, ids: ArrayLike<number>, count: number, from = 0): void {
    this.lefts.push(left);
    for (let n = from; n < from + count; n++) {
      const id = ids[n]!;
      this.runIds.push(id);
      if (this.used[id] === 0) {
        this.used[id] = 1;
        const run = this.runs[id]!;
        if (run.length > 0 && run[run.length - 1]! > this.maxRight) this.maxRight = run[run.length - 1]!;
      }
    }
    this.runStart.push(this.runIds.length);
  }

  /** The highest left index in any entry (the last, as they ascend; -1 when empty). */
  get maxLeft(): number {
    return this.lefts.length === 0 ? -1 : this.lefts[this.lefts.length - 1]!;
  }

  leftAt(d: number): number {
    return this.lefts[d]!;
  }

  /** Entry d's runs are runAt(r) for runsFrom(d) ≤ r < runsFrom(d + 1). */
  runsFrom(d: number): number {
    return this.runStart[d]!;
  }

  runAt(r: number): readonly number[] {
    return this.runs[this.runIds[r]!]!;
  }

  /** The id of runAt(r) (an index into the sub-index's runs, the same in every thread that built it). */
  runIdAt(r: number): number {
    return this.runIds[r]!;
  }

  /** Each run some entry holds, once, however many left records deferred pairs into it. */
  *distinctRuns(): IterableIterator<readonly number[]> {
    for (let id = 0; id < this.runs.length; id++) if (this.used[id] === 1) yield this.runs[id]!;
  }

  /** The packed anchor levels (PackedScore) of the deferred pair (left, right), right taken from runAt(r). */
  levels(left: number, right: number, r: number): number {
    return this.levelsOf(left, right, this.runIds[r]!);
  }
}

/**
 * Candidates held by column, one entry per pair: left and right index, total, the extra
 * anchor's points and the packed anchor levels (PackedScore). Exact-mode passes retain
 * millions at national size (every pair at the threshold, for the tie rules); as objects they
 * were about 80 bytes each and a garbage collector's work to mark. `get(k)` builds a Candidate
 * for those read as such: links, ties, and the best candidates the reports show.
 *
 * The columns are NumberColumns (core/columns.ts): plain arrays of numbers in chunks, so a list
 * of millions grows without leaving copies of itself behind for the collector, and without
 * typed arrays' memory outside the heap. Growing one 256 MB typed array by doubling took 2.6 s
 * beside a 1.5 GiB heap (a 2 s full collection) against 0.4 s beside an empty one.
 */
export class CandidateList {
  private readonly lefts = new NumberColumn();
  private readonly rights = new NumberColumn();
  private readonly totals = new NumberColumn();
  private readonly levelCodes = new NumberColumn();
  /**
   * The extra anchor's points per entry, empty until one is not 0: only NHSmail ↔ AD has that
   * anchor, and the 5.65M entries of ESR ↔ NHSmail's first pass at national size would hold
   * 45 MB of zeros.
   */
  private readonly extra = new NumberColumn();

  /** Pairs left out of the list for the assignment to meet if it needs them (see DeferredRuns). */
  deferred: DeferredRuns | undefined = undefined;

  constructor(readonly weights: Readonly<Record<Anchor, number>>) {}

  /** A list of these candidates, in this order (their scores packed). */
  static of(candidates: readonly Candidate[], weights: Readonly<Record<Anchor, number>>): CandidateList {
    const list = new CandidateList(weights);
    for (const c of candidates) {
      const levels = c.score instanceof PackedScore ? c.score.levels : PackedScore.of(c.score, weights).levels;
      list.push(c.left, c.right, c.total, c.extraPoints, levels);
    }
    return list;
  }

  get length(): number {
    return this.lefts.length;
  }

  push(left: number, right: number, total: number, extra: number, levels: number): void {
    if (extra !== 0 || this.extra.length > 0) {
      while (this.extra.length < this.lefts.length) this.extra.push(0);
      this.extra.push(extra);
    }
    this.lefts.push(left);
    this.rights.push(right);
    this.totals.push(total);
    this.levelCodes.push(levels);
  }

  /** Entry k's left index. Here and in the readers below, k is a whole number below `length` (else a RangeError). */
  leftAt(k: number): number {
    return this.lefts.at(k);
  }

  rightAt(k: number): number {
    return this.rights.at(k);
  }

  totalAt(k: number): number {
    return this.totals.at(k);
  }

  /** Entry k's packed anchor levels (PackedScore). */
  levelsAt(k: number): number {
    return this.levelCodes.at(k);
  }

  /** Entry k's extra-anchor points. */
  extraAt(k: number): number {
    return k < this.extra.length ? this.extra.at(k) : 0;
  }

  /** Entry k as a Candidate (a new object each call). */
  get(k: number): Candidate {
    return new PackedCandidate(this.leftAt(k), this.rightAt(k), this.totalAt(k), this.extraAt(k), this.levelsAt(k), this.weights);
  }

  toArray(): Candidate[] {
    const out: Candidate[] = [];
    for (let k = 0; k < this.length; k++) out.push(this.get(k));
    return out;
  }
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
  /** The left side's key hashes from `leftKeys`, to share between calls (computed if absent or not for these records). */
  leftKeys?: LeftKeys;
  /** Where the index's and the pass's own arrays come from, and go back to when it is done (see Int32Pool). */
  pool?: Int32Pool;
  /**
   * Without bestRight or retainLeft: leave the pairs of a large name block's runs of titles
   * that agree with the left record's (equal ones; in fuzzy mode similar ones too) out of the
   * list (all but each left record's lowest), as `deferred` (see DeferredRuns), for an
   * assignment; `stats` then counts only the pairs listed.
   */
  deferSameNamed?: boolean;
  /**
   * The right side's index, built already (rightIndex, for these records and options): read,
   * not released. Without it the pass builds its own and releases it when done.
   */
  rightIndex?: RightIndex;
  /**
   * Left record i, when the records are made on demand rather than held in `left` (which then
   * gives only their count): read once per left record that meets the index, as `left[i]` is.
   * Only with `leftKeys` given, and without deferred pairs' levels being read from the list.
   */
  leftRecord?: (i: number) => Identity;
  /**
   * Right record j, when the records are made on demand rather than held in `right` (which then
   * gives only their count): read for each pair scored. Only with `rightIndex` given.
   */
  rightRecord?: (j: number) => Identity;
  /**
   * Only the left records from `leftFrom` up to (not including) `leftTo` (default: all), for a
   * first pass shared between threads: each does a range, and the later ranges' results are
   * appended to the first's in order (passPart, appendPart). A pass's results for one left
   * record do not depend on the others', so the joined list is the one a whole pass gives.
   * With `leftTo` the list always carries its DeferredRuns (when the pass defers at all), even
   * empty, for a later range's deferred pairs to be appended to. Left records outside the range
   * are never read (they may be absent).
   */
  leftFrom?: number;
  leftTo?: number;
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
 * With only the four default keys in the plan, a pair reached through a name block and no
 * other key can only agree on the names and the position (equal titles, or in fuzzy mode
 * similar ones): every other anchor that could agree (email, employee number, mobile, extra)
 * is a key, compared exactly in either mode, so the pair would have been reached through it
 * too. So within a large block only the records whose title agrees with the left record's (a
 * sub-index) and those reached by other keys need scoring; every other record scores exactly
 * first + last + full-name points. When that is below `retainFrom`, they matter only as the
 * left record's best candidate, which is the lowest-numbered of them (ties go to the lower
 * right index). Returns those points, or undefined when the shortcut does not apply and every
 * pair must be scored.
 */
function implicitNamePoints(plan: readonly BlockKey[], scheme: Scheme, keepFrom: number, retainFrom: number): number | undefined {
  const points = nameOnlyPoints(plan, scheme);
  return points !== undefined && points < retainFrom && points >= keepFrom ? points : undefined;
}

/**
 * What a pair reached only through a large name block, with titles that do not agree, scores
 * (see implicitNamePoints), or undefined when such pairs can score anything else (name or
 * title keys in the plan) and must be scored one by one. In fuzzy mode this holds only where
 * the left record holds the block's name itself (the block is then of equal names, which no
 * similarity changes); findCandidates scores every pair of the other blocks it meets.
 */
function nameOnlyPoints(plan: readonly BlockKey[], scheme: Scheme): number | undefined {
  if (plan.some((k) => k === 'lastName' || k === 'firstName' || k === 'position')) return undefined;
  const w = scheme.weights;
  return w.firstName + w.lastName + w.fullName;
}

/**
 * A large First & Last Name block's records by position (those with one). `last` and `first`
 * are the name every record of the block holds (with a position or not), when they all hold
 * the same one; undefined when the block mixes names whose pairs share a hash.
 */
interface NameBlock {
  /** Position → the id of the block's run of records with it (see positionSubIndexes' `runs`). */
  byPosition: Map<string, number>;
  /** The block's runs are the ids runFrom ≤ id < runTo (one per position). */
  runFrom: number;
  runTo: number;
  last?: string;
  first?: string;
  /**
   * In fuzzy mode, a left record's title → the ids of the block's runs whose titles agree with
   * it (see agreeingRuns), worked out the first time a left record with that title meets the block.
   */
  agreeing?: Map<string, readonly number[]>;
}

/** No runs (a left record without a title, or a title no record of the block agrees with). */
const NO_RUN_IDS: readonly number[] = Object.freeze([]);

/**
 * A block with at most this many runs is searched for a title by the runs' title codes (a
 * short scan of one array) rather than by its map: at national size the per-block map lookups
 * were 2.1 s of a 1.5M run's matching (a CPU profile), each a few cache misses.
 */
export const SCAN_RUNS = 64;

/**
 * The ids of `block`'s runs whose titles agree with `title` (whose titleCode is `code`) under
 * `scheme`, as scorePair decides: the run of equal titles, and in fuzzy mode those at or above
 * `scheme.fuzzy.positionDice` too. In exact mode the run is found by its title's code, checked
 * on the title itself (codes are hashes); in fuzzy mode the ids are held per block and title,
 * so similarity is computed once per pair of distinct titles in a block, not once per pair of
 * records.
 */
function agreeingRuns(block: NameBlock, title: string, code: number, scheme: Scheme, sub: SubIndexes): readonly number[] {
  if (!scheme.fuzzy.enabled) {
    let id: number | undefined;
    if (block.runTo - block.runFrom <= SCAN_RUNS) {
      for (let r = block.runFrom; r < block.runTo; r++) {
        if (sub.codes[r] === code && sub.titles[r] === title) {
          id = r;
          break;
        }
      }
    } else {
      id = block.byPosition.get(title);
    }
    return id === undefined ? NO_RUN_IDS : (sub.alone[id] ??= [id]);
  }
  block.agreeing ??= new Map();
  let ids = block.agreeing.get(title);
  if (ids === undefined) {
    const found: number[] = [];
    for (const [p, id] of block.byPosition) if (p === title || dice(title, p) >= scheme.fuzzy.positionDice) found.push(id);
    ids = found.length === 0 ? NO_RUN_IDS : found;
    block.agreeing.set(title, ids);
  }
  return ids;
}

/** positionSubIndexes' result. */
interface SubIndexes {
  blocks: Map<number, NameBlock>;
  present: Uint8Array;
  runs: number[][];
  /** Each run's title (the position its records hold), and its titleCode. */
  titles: string[];
  codes: number[];
  /** `[id]` for run id, made the first time agreeingRuns gives that run alone. */
  alone: (readonly number[] | undefined)[];
}

/**
 * By-position sub-indexes of the large First & Last Name blocks, keyed by the block's hash, and
 * `presentAnchors` of each record in them. A block is every record whose name pair has that
 * hash, so it lies in one bucket: only buckets holding at least LARGE_NAME_BLOCK entries are
 * looked at. A block's records with one position are a run (ascending record indices), held in
 * `runs` and named by its index there.
 */
function positionSubIndexes(names: KeyTable, rightOf: (j: number) => Identity, rightLength: number): SubIndexes {
  const out = new Map<number, NameBlock>();
  const present = new Uint8Array(rightLength);
  const runs: number[][] = [];
  const titles: string[] = [];
  const codes: number[] = [];
  const { start, hashes, items } = names;
  for (let b = 0; b + 1 < start.length; b++) {
    const from = start[b]!;
    const to = start[b + 1]!;
    if (to - from < LARGE_NAME_BLOCK) continue;
    const sizes = new Map<number, number>();
    for (let e = from; e < to; e++) sizes.set(hashes[e]!, (sizes.get(hashes[e]!) ?? 0) + 1);
    for (const [h, size] of sizes) {
      if (size < LARGE_NAME_BLOCK) continue;
      const byPosition = new Map<string, number>();
      // The block's runs are numbered on from here, in one sequence.
      const runFrom = runs.length;
      let last: string | undefined;
      let first: string | undefined;
      let mixed = false;
      for (let e = from; e < to; e++) {
        if (hashes[e] !== h) continue;
        const j = items[e]!;
        const r = rightOf(j);
        // Every record counts towards the block's name, with a title or not.
        if (!mixed) {
          if (last === undefined) {
            last = r.lastName;
            first = last === undefined ? undefined : r.firstNames?.find((f) => hashPair(last!, f) === h);
            mixed = first === undefined;
          } else if (r.lastName !== last || r.firstNames?.includes(first!) !== true) {
            mixed = true;
          }
        }
        const p = r.position;
        if (p === undefined) continue;
        const id = byPosition.get(p);
        if (id === undefined) {
          byPosition.set(p, runs.length);
          runs.push([j]);
          titles.push(p);
          codes.push(titleCodeOf(p));
        } else {
          const list = runs[id]!;
          if (list[list.length - 1] !== j) list.push(j);
        }
        present[j] = presentAnchors(r);
      }
      const runTo = runs.length;
      out.set(h, mixed ? { byPosition, runFrom, runTo } : { byPosition, runFrom, runTo, last, first });
    }
  }
  return { blocks: out, present, runs, titles, codes, alone: [] };
}

/**
 * One left record's scored pairs (right index, total, extra points, levels), in arrays
 * kept from record to record: `length = 0` empties them. Plain arrays emptied that way gave up
 * their storage and grew it again for every left record: most of the 8.5 GB that matching
 * allocated at 1.5M people (a heap-sampling profile), and a young-generation collection for
 * every 64 MB of it.
 */
class ScoredPairs {
  right = new Int32Array(64);
  total = new Float64Array(64);
  extra = new Float64Array(64);
  /** The pair's packed levels when already known, else -1 (worked out from the records if kept). */
  levels = new Int32Array(64);
  length = 0;

  push(j: number, total: number, extra: number, levels = -1): void {
    if (this.length === this.right.length) this.grow();
    this.right[this.length] = j;
    this.total[this.length] = total;
    this.extra[this.length] = extra;
    this.levels[this.length] = levels;
    this.length++;
  }

  /** Pair q ranks before pair p: a higher total, or the same total and a lower right index. */
  ranksBefore(q: number, p: number): boolean {
    const t = this.total[q]!;
    const u = this.total[p]!;
    return t > u || (t === u && this.right[q]! < this.right[p]!);
  }

  private grow(): void {
    const n = this.right.length * 2;
    const right = new Int32Array(n);
    const total = new Float64Array(n);
    const extra = new Float64Array(n);
    const levels = new Int32Array(n);
    right.set(this.right);
    total.set(this.total);
    extra.set(this.extra);
    levels.set(this.levels);
    this.right = right;
    this.total = total;
    this.extra = extra;
    this.levels = levels;
  }
}

/** Positions in a ScoredPairs, sorted best first (ranksBefore) without allocating. */
class RankedPositions {
  at = new Int32Array(64);
  length = 0;

  constructor(private readonly pairs: ScoredPairs) {}

  push(q: number): void {
    if (this.length === this.at.length) {
      const at = new Int32Array(this.length * 2);
      at.set(this.at);
      this.at = at;
    }
    this.at[this.length++] = q;
  }

  /**
   * Best first. Insertion sort for the few pairs most left records keep; a large name block
   * can keep hundreds, which go through Array.prototype.sort (it allocates a copy, but rarely).
   * No two pairs rank equal (their right indices differ), so any sort gives this order.
   */
  sort(): void {
    const { at, length: n, pairs } = this;
    if (n <= 32) {
      for (let k = 1; k < n; k++) {
        const q = at[k]!;
        let m = k - 1;
        for (; m >= 0 && pairs.ranksBefore(q, at[m]!); m--) at[m + 1] = at[m]!;
        at[m + 1] = q;
      }
      return;
    }
    const sorted = Array.from(at.subarray(0, n)).sort((x, y) => (x === y ? 0 : pairs.ranksBefore(x, y) ? -1 : 1));
    at.set(sorted);
  }
}

/**
 * Scores every pair sharing an index key; returns the retained candidates ordered by left, then
 * total descending, then right.
 */
export function findCandidates(left: readonly Identity[], right: readonly Identity[], opts: CandidateOptions): CandidateList {
  const { scheme } = opts;
  const rightRecord = opts.rightRecord;
  const rightOf = rightRecord === undefined ? (j: number): Identity => right[j]! : rightRecord;
  const keepFrom = opts.keepFrom ?? 1;
  const plan = blockingPlan(scheme, Math.min(scheme.reviewFloor, scheme.threshold));
  const bits = planBits(plan);
  const given = opts.rightIndex;
  if (given !== undefined && (given.of !== right || given.bits !== bits)) throw new Error('findCandidates was given an index of other records or another plan');
  const index = given?.tables ?? buildIndex(bits, right, opts);
  const names = index[FULL_NAME];
  let keys = opts.leftKeys;
  if (keys === undefined || keys.of !== left || keys.extra !== opts.leftExtra || (keys.bits & bits) !== bits) keys = leftKeys(left, scheme, opts.leftExtra, opts.pool);
  const out = new CandidateList(scheme.weights);
  // seen[j] === i + 1: right record j was already scored against left record i.
  const pool = opts.pool ?? NO_POOL;
  const seen = pool.take(right.length);
  const retainFrom = opts.retainFrom ?? keepFrom;
  const exact = !scheme.fuzzy.enabled;
  // Exact mode scores every pair with the allocation-free total and builds the per-anchor
  // breakdown only for the pairs retained (most scored pairs are one-name coincidences); fuzzy
  // mode needs the breakdown to score a pair, and keeps its levels.
  const quick = new ScoredPairs();
  // One left record's retained pairs (positions in `quick`), then ordered best first: total
  // descending, then right index.
  const kept = new RankedPositions(quick);
  // The shortcut for retained left records (see implicitNamePoints) leaves block pairs
  // unscored, so it does not apply when they feed bestRight.
  const namePoints = opts.bestRight === undefined ? implicitNamePoints(plan, scheme, keepFrom, retainFrom) : undefined;
  const bestRight = opts.bestRight;
  // With bestRight, a left record whose candidates are not retained only raises right records'
  // best totals. In a large name block its pairs not scored for another reason all total the
  // name points, and only with the records that really share one of its names: so the names
  // met in each block are noted, and the block's records raised once after the loop, instead
  // of every pair being scored. At national size these blocks are the common names, and
  // scoring them pair by pair grew with the square of the input.
  const passivePoints = bestRight !== undefined && opts.retainLeft !== undefined ? nameOnlyPoints(plan, scheme) : undefined;
  // Below keepFrom such pairs are not kept, so they raise nothing: the block is just skipped.
  const notePassive = passivePoints !== undefined && passivePoints >= keepFrom;
  // Block hash → last name → first names of the passive left records that met the block.
  const blockNames = new Map<number, Map<string, Set<string>>>();
  const sub = (namePoints === undefined && passivePoints === undefined) || names === undefined ? undefined : positionSubIndexes(names, rightOf, right.length);
  // Hashes of the large name blocks the current left record is in (scored implicitly), and for
  // each, when the block holds only the left record's name (and titles carry points), the ids
  // of its runs of records whose titles agree with the left record's (NO_RUN_IDS for none):
  // see lowestImplicit.
  const implicit: number[] = [];
  const implicitRuns: (readonly number[] | undefined)[] = [];
  // lowestImplicit's place in each run, kept between calls to save allocating it.
  const runPlaces: number[] = [];
  const byTitle = scheme.weights.position > 0;
  // The current left record's runs of a large name block with a title that agrees with its
  // own, scored once its other keys have been looked up; `sameNamed[n]`: the run's records
  // all hold the left record's name.
  const sameRuns: (readonly number[])[] = [];
  const sameNamed: boolean[] = [];
  let nSame = 0;
  // Run `id`'s title agrees with x's by similarity only, not being equal to it (fuzzy mode; in
  // exact mode only equal titles agree). Its pairs' position level is then 'fuzzy'.
  const similarOnly = (id: number, x: Identity): boolean => !exact && sub!.titles[id] !== x.position;
  // What such a pair scores when it shares no other key (in quickScore's order of addition).
  const sameTotal = namePositionPoints(scheme);
  // Such pairs left to the assignment (see DeferredRuns), and whether they would be retained
  // (else only each left record's lowest matters, as its best candidate). In fuzzy mode a
  // deferred pair's title may be similar rather than equal, which its levels say.
  const deferred =
    opts.deferSameNamed === true && sub !== undefined && bestRight === undefined && opts.retainLeft === undefined
      ? new DeferredRuns(sameTotal, sub.runs, (l, j, id) => nameAndPositionLevels(left[l]!, sub.present[j]!, similarOnly(id, left[l]!)))
      : undefined;
  const deferRetained = sameTotal >= keepFrom && sameTotal >= retainFrom;
  // The current left record's run ids (sameIds[n] for sameRuns[n]) and those it defers.
  const sameIds: number[] = [];
  const deferIds: number[] = [];
  // With passive records: each right record's title, learnt when it is first read (titleCode;
  // TITLE_UNSEEN until then). The current left record's, worked out when first needed: for
  // those, and for finding its title's run in a large name block (agreeingRuns).
  const rightTitles = passivePoints !== undefined ? pool.take(right.length) : undefined;
  let leftTitle = TITLE_UNSEEN;
  const extraPoints = opts.extraPoints ?? 0;
  // A pair's total without the extra anchor, as scorePair gives it: the allocation-free sum in
  // exact mode, the breakdown (names by Jaro-Winkler, titles by Dice) in fuzzy mode.
  const totalOf = exact ? (x: Identity, y: Identity): number => quickScore(x, y, scheme) : (x: Identity, y: Identity): number => packedScore(x, y, scheme).score;
  const leftFrom = opts.leftFrom ?? 0;
  const leftTo = opts.leftTo ?? left.length;
  let i = leftFrom;
  const leftRecord = opts.leftRecord;
  let a: Identity = left[leftFrom]!;
  let leftExtra: string | undefined;
  const consider = (j: number): void => {
    if (seen[j] === i + 1) return;
    seen[j] = i + 1;
    if (opts.stats) opts.stats.pairsScored++;
    const extra = leftExtra !== undefined && leftExtra === opts.rightExtra?.(j) ? extraPoints : 0;
    if (exact) {
      const total = quickScore(a, rightOf(j), scheme) + extra;
      if (total >= keepFrom) quick.push(j, total, extra);
    } else {
      const score = packedScore(a, rightOf(j), scheme);
      const total = score.score + extra;
      if (total >= keepFrom) quick.push(j, total, extra, score.levels);
    }
  };
  for (i = leftFrom; i < leftTo; i++) {
    if (opts.leftFilter && !opts.leftFilter(i)) continue;
    const passive = passivePoints !== undefined && !opts.retainLeft!(i);
    quick.length = 0;
    implicit.length = 0;
    nSame = 0;
    // The record is read only once one of its keys is found in the index.
    let loaded = false;
    const to = keys.start[i + 1]!;
    for (let k = keys.start[i]!; k < to; k++) {
      const kind = keys.kind[k]!;
      const t = index[kind];
      if (t === undefined) continue;
      const h = keys.hash[k]!;
      const b = h & t.mask;
      const end = t.start[b + 1]!;
      for (let e = t.start[b]!; e < end; e++) {
        if (t.hashes[e] !== h) continue;
        if (!loaded) {
          loaded = true;
          a = leftRecord === undefined ? left[i]! : leftRecord(i);
          leftExtra = opts.leftExtra?.(i);
          leftTitle = TITLE_UNSEEN;
        }
        let block = kind === FULL_NAME && (namePoints !== undefined || passive) ? sub?.blocks.get(h) : undefined;
        const named = block !== undefined && block.last !== undefined && block.last === a.lastName && a.firstNames?.includes(block.first!) === true;
        // In fuzzy mode a block whose name is not the left record's (names whose hashes
        // collide) could agree on similar names: every pair of it is scored.
        if (!exact && !named) block = undefined;
        if (block === undefined) {
          // A passive record's pairs only raise right records' best totals. One reached first
          // through a name shares no email, employee number or mobile (those keys are looked
          // up before it), so it scores at most the names and, with the same title (in fuzzy
          // mode, any title), the position: a right record whose best is already that high is
          // not read. One sharing the extra anchor is not marked seen, so it is still scored
          // through that key, looked up after this one. In the second pass these are the
          // records left unlinked with a common name, met by every left record of that name.
          if (!(passive && kind === FULL_NAME)) {
            for (; e < end; e++) if (t.hashes[e] === h) consider(t.items[e]!);
            break;
          }
          if (leftTitle === TITLE_UNSEEN) leftTitle = titleCode(a);
          for (; e < end; e++) {
            if (t.hashes[e] !== h) continue;
            const j = t.items[e]!;
            const known = rightTitles![j]!;
            // In fuzzy mode any two titles might agree, and names that only share a hash
            // might too: with titles on both sides the pair might score the names and position.
            const most = known === TITLE_UNSEEN || (known !== NO_TITLE && (known === leftTitle || (!exact && leftTitle !== NO_TITLE))) ? sameTotal : passivePoints!;
            if (bestRight![j]! >= most) continue;
            consider(j);
            if (known === TITLE_UNSEEN) rightTitles![j] = titleCode(rightOf(j));
          }
          break;
        }
        // A large name block: the records whose titles agree are scored (below), the rest implicitly.
        if (leftTitle === TITLE_UNSEEN) leftTitle = titleCode(a);
        const ids = a.position === undefined ? NO_RUN_IDS : agreeingRuns(block, a.position, leftTitle, scheme, sub!);
        for (const id of ids) {
          sameIds[nSame] = id;
          sameRuns[nSame] = sub!.runs[id]!;
          sameNamed[nSame++] = named;
        }
        if (!passive) {
          implicitRuns[implicit.length] = named && byTitle ? ids : undefined;
          implicit.push(h);
        } else if (notePassive) noteNames(blockNames, h, a);
        break;
      }
    }
    if (!loaded) continue;
    // A large block's records whose titles agree with the left record's. Once every other key
    // has been looked up, one not yet scored shares no email, alias, employee number, mobile
    // or extra anchor with it (each is a key), so when the block holds only the left record's
    // name the pair scores exactly the names and position: its score is known without reading
    // the record. At national size these are most of the pairs (the common names with a
    // common title).
    for (let n = 0; n < nSame; n++) {
      const same = sameRuns[n]!;
      if (!sameNamed[n]) {
        for (const j of same) consider(j);
        continue;
      }
      if (deferred !== undefined) continue; // below, once every other pair is scored
      const fuzzyTitle = similarOnly(sameIds[n]!, a);
      for (const j of same) {
        if (seen[j] === i + 1) continue;
        seen[j] = i + 1;
        if (opts.stats) opts.stats.pairsScored++;
        if (sameTotal >= keepFrom) quick.push(j, sameTotal, 0, nameAndPositionLevels(a, sub!.present[j]!, fuzzyTitle));
      }
    }
    if (deferred !== undefined && nSame > 0) {
      // Deferring: of these runs' pairs not scored above, only the lowest-numbered is listed
      // (it ranks first among them, so it is the left record's best candidate if any of them
      // is); the rest are left to the assignment, when they would be retained at all.
      let low = -1;
      let lowRun = -1;
      let nDefer = 0;
      for (let n = 0; n < nSame; n++) {
        if (!sameNamed[n]) continue;
        const same = sameRuns[n]!;
        for (const j of same) {
          if (seen[j] === i + 1) continue;
          if (low < 0 || j < low) {
            low = j;
            lowRun = sameIds[n]!;
          }
          break;
        }
        if (deferRetained) deferIds[nDefer++] = sameIds[n]!;
      }
      if (low >= 0) {
        seen[low] = i + 1;
        if (opts.stats) opts.stats.pairsScored++;
        if (sameTotal >= keepFrom) quick.push(low, sameTotal, 0, nameAndPositionLevels(a, sub!.present[low]!, similarOnly(lowRun, a)));
      }
      if (nDefer > 0) deferred.add(i, deferIds, nDefer);
    }
    if (bestRight !== undefined) {
      const { right: qRight, total: qTotal } = quick;
      for (let q = 0; q < quick.length; q++) if (qTotal[q]! > bestRight[qRight[q]!]!) bestRight[qRight[q]!] = qTotal[q]!;
    }
    if (opts.retainLeft !== undefined && !opts.retainLeft(i)) continue;
    let best = -1;
    for (let q = 0; q < quick.length; q++) if (best < 0 || quick.ranksBefore(q, best)) best = q;
    if (implicit.length > 0) {
      const low = lowestImplicit(names!, implicit, implicitRuns, sub!.runs, runPlaces, seen, i + 1, (j) => totalOf(a, rightOf(j)) === namePoints);
      if (low >= 0) {
        // Kept only as the best candidate. A name-block pair shares no other key, so not the extra anchor.
        quick.push(low, namePoints!, 0, exact ? -1 : packedScore(a, rightOf(low), scheme).levels);
        const q = quick.length - 1;
        if (best < 0 || quick.ranksBefore(q, best)) best = q;
        else quick.length = q;
      }
    }
    kept.length = 0;
    for (let q = 0; q < quick.length; q++) if (q === best || quick.total[q]! >= retainFrom) kept.push(q);
    kept.sort();
    for (let k = 0; k < kept.length; k++) {
      const q = kept.at[k]!;
      const j = quick.right[q]!;
      const levels = quick.levels[q]!;
      out.push(i, j, quick.total[q]!, quick.extra[q]!, levels >= 0 ? levels : packedLevels(a, rightOf(j)));
    }
  }
  if (deferred !== undefined && (deferred.length > 0 || opts.leftTo !== undefined)) out.deferred = deferred;
  if (notePassive && names !== undefined) raiseNamed(names, blockNames, rightOf, passivePoints, bestRight!);
  if (given === undefined) for (const t of index) if (t !== undefined) releaseTable(t, pool);
  pool.give(seen);
  if (rightTitles !== undefined) pool.give(rightTitles);
  return out;
}

/**
 * A first pass's results for a range of its left records (CandidateOptions.leftFrom), in typed
 * arrays a thread can hand to another: the candidate list's entries by column, its deferred
 * entries (left index, and the ids of its runs, entry d's being runs[runStart[d]..runStart[d + 1]))
 * and the pairs it scored.
 */
export interface PassPart {
  left: Int32Array;
  right: Int32Array;
  total: Float64Array;
  extra: Float64Array;
  levels: Int32Array;
  deferredLeft: Int32Array;
  deferredRunStart: Int32Array;
  deferredRuns: Int32Array;
  pairsScored: number;
}

/** `list` (a pass over a range of left records) as a PassPart. */
export function passPart(list: CandidateList, pairsScored: number): PassPart {
  const n = list.length;
  const part: PassPart = {
    left: new Int32Array(n),
    right: new Int32Array(n),
    total: new Float64Array(n),
    extra: new Float64Array(n),
    levels: new Int32Array(n),
    deferredLeft: new Int32Array(0),
    deferredRunStart: new Int32Array(1),
    deferredRuns: new Int32Array(0),
    pairsScored,
  };
  for (let k = 0; k < n; k++) {
    part.left[k] = list.leftAt(k);
    part.right[k] = list.rightAt(k);
    part.total[k] = list.totalAt(k);
    part.extra[k] = list.extraAt(k);
    part.levels[k] = list.levelsAt(k);
  }
  const d = list.deferred;
  if (d !== undefined && d.length > 0) {
    part.deferredLeft = new Int32Array(d.length);
    part.deferredRunStart = new Int32Array(d.length + 1);
    part.deferredRuns = new Int32Array(d.runsFrom(d.length));
    for (let e = 0; e < d.length; e++) {
      part.deferredLeft[e] = d.leftAt(e);
      part.deferredRunStart[e + 1] = d.runsFrom(e + 1);
    }
    for (let r = 0; r < part.deferredRuns.length; r++) part.deferredRuns[r] = d.runIdAt(r);
  }
  return part;
}

/**
 * Appends `part` (the same pass over a later range of left records, in another thread, over the
 * same right side) to `list`, which was made with `leftTo` and so carries its DeferredRuns when
 * the pass defers pairs. Throws when `part` has deferred pairs and `list` has nowhere to put
 * them: the two passes were not alike.
 */
export function appendPart(list: CandidateList, part: PassPart): void {
  for (let k = 0; k < part.left.length; k++) list.push(part.left[k]!, part.right[k]!, part.total[k]!, part.extra[k]!, part.levels[k]!);
  if (part.deferredLeft.length === 0) return;
  const d = list.deferred;
  if (d === undefined) throw new Error('a shared first pass deferred pairs in one thread and not in the other');
  const starts = part.deferredRunStart;
  for (let e = 0; e < part.deferredLeft.length; e++) d.add(part.deferredLeft[e]!, part.deferredRuns, starts[e + 1]! - starts[e]!, starts[e]!);
}

/** Gives a PassPart's arrays to `pool` once appended (appendPart): the part must not be read again. */
export function releasePart(part: PassPart, pool: Int32Pool): void {
  for (const a of [part.left, part.right, part.total, part.extra, part.levels, part.deferredLeft, part.deferredRunStart, part.deferredRuns]) {
    pool.give(a);
  }
}

/** titleCode values: not yet read (a pool array starts zeroed), and no title. */
const TITLE_UNSEEN = 0;
const NO_TITLE = 1;

/**
 * A record's title as a number for the second pass's skip: NO_TITLE, or 2 plus 30 bits of its
 * hash. Equal codes are taken as the same title, so a collision only skips less.
 */
function titleCode(x: Identity): number {
  return x.position === undefined ? NO_TITLE : titleCodeOf(x.position);
}

/** titleCode of a record holding `position`. */
function titleCodeOf(position: string): number {
  return 2 + (hashKey(position) >>> 2);
}

/** Notes a left record's (last name, first name) pairs against a large block it met. */
function noteNames(blockNames: Map<number, Map<string, Set<string>>>, h: number, a: Identity): void {
  if (a.lastName === undefined || a.firstNames === undefined) return;
  let byLast = blockNames.get(h);
  if (byLast === undefined) blockNames.set(h, (byLast = new Map()));
  let firsts = byLast.get(a.lastName);
  if (firsts === undefined) byLast.set(a.lastName, (firsts = new Set()));
  for (const f of a.firstNames) firsts.add(f);
}

/**
 * Raises to `points` the best total of each record of the noted large name blocks that shares
 * a last name and a first name with a left record noted there (a block is a hash: a different
 * name with the same hash is in it too, and is not raised).
 */
function raiseNamed(names: KeyTable, blockNames: Map<number, Map<string, Set<string>>>, rightOf: (j: number) => Identity, points: number, bestRight: Float64Array): void {
  for (const [h, byLast] of blockNames) {
    const b = h & names.mask;
    const end = names.start[b + 1]!;
    for (let e = names.start[b]!; e < end; e++) {
      if (names.hashes[e] !== h) continue;
      const j = names.items[e]!;
      if (!(points > bestRight[j]!)) continue;
      const r = rightOf(j);
      const firsts = r.lastName === undefined ? undefined : byLast.get(r.lastName);
      if (firsts !== undefined && r.firstNames !== undefined && r.firstNames.some((g) => firsts.has(g))) bestRight[j] = points;
    }
  }
}

/**
 * The lowest-numbered record of the given large name blocks not scored for this left record
 * (`seen[j] !== stamp`) that scores the names alone with it: -1 when there is none. Where a
 * block holds only the left record's name, `runIds` gives the ids of the block's runs (in
 * `runs`, ascending each) of records whose titles agree with its own: those score the title's
 * points too, and every other one not yet scored shares nothing else with it (each other
 * anchor is a key, so a record sharing one was scored), so the lowest in none of the runs is
 * taken without reading a record. Elsewhere (`runIds` undefined: a block of names whose hashes
 * collide, or titles worth nothing) `named` reads the record: the block is a hash, and a
 * different name with the same hash would be in it too. `places` is scratch space.
 */
function lowestImplicit(
  names: KeyTable,
  blocks: readonly number[],
  runIds: readonly (readonly number[] | undefined)[],
  runs: readonly (readonly number[])[],
  places: number[],
  seen: Int32Array,
  stamp: number,
  named: (j: number) => boolean,
): number {
  let low = -1;
  for (let n = 0; n < blocks.length; n++) {
    const h = blocks[n]!;
    const ids = runIds[n];
    if (ids !== undefined) for (let m = 0; m < ids.length; m++) places[m] = 0;
    const b = h & names.mask;
    const end = names.start[b + 1]!;
    for (let e = names.start[b]!; e < end; e++) {
      if (names.hashes[e] !== h) continue;
      const j = names.items[e]!;
      if (low >= 0 && j >= low) break;
      if (seen[j] === stamp) continue;
      if (ids !== undefined) {
        // j ascends, so each run is walked once.
        let agrees = false;
        for (let m = 0; m < ids.length && !agrees; m++) {
          const run = runs[ids[m]!]!;
          let r = places[m]!;
          while (r < run.length && run[r]! < j) r++;
          places[m] = r;
          agrees = r < run.length && run[r] === j;
        }
        if (agrees) continue;
      } else if (!named(j)) continue;
      low = j;
      break;
    }
  }
  return low;
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

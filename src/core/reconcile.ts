/**
 * The reconcile job's pure core: ESR people ↔ NHSmail accounts (ESR is authoritative), then
 * NHSmail ↔ local AD (the AD NHSmail-ID attribute is an anchor worth the threshold on its own),
 * then AD accounts left over ↔ ESR people left over. Produces one reconciled identity per
 * person/account with its employee type (JML onboarding guide, section 2.3 tables).
 */
import type { Config, Scheme } from './config.js';
import { assignOneToOne, IndexMap, type Assignment, type Links } from './assign.js';
import { appendPart, findCandidates, leftKeys, passPart, releasePart, releaseRightIndex, rightIndex, type Candidate, CandidateList, type LeftKeys, type PassPart, type RightIndex } from './candidates.js';
import { Int32Pool } from './int32-pool.js';
import { groupPeople, ListPool, NO_STRINGS, type EsrPerson } from './people.js';
import type { AdAccount, EsrAssignment, NhsmailAccount } from './records.js';
import type { Identity } from './score.js';
import { ReviewItems, type ReviewSides } from './review.js';

export type EmployeeType = 'JML' | 'JML (TANSync)' | 'JML (ESR)' | 'Manual' | 'Invalid: needs NHSmail';

export const EMPLOYEE_TYPES: readonly EmployeeType[] = ['JML', 'JML (TANSync)', 'JML (ESR)', 'Manual', 'Invalid: needs NHSmail'];

export type LinkName = 'ESR-NHSmail' | 'NHSmail-AD' | 'ESR-AD';

export interface Stage {
  link: LinkName;
  /**
   * Pairs sharing an index key that were scored, in both passes: a pair the second pass scores
   * again (for a near miss, or a right record's best score) counts twice.
   */
  pairsScored: number;
  /** Milliseconds (from the injected clock) spent finding and scoring candidates, and assigning. */
  candidatesMs: number;
  assignMs: number;
  /**
   * Per left index, its best candidate (even below the review floor), for the reports: left
   * record i's is `candidates.get(candidateStart[i])` when `candidateStart[i + 1]` is greater.
   * The assignment used every pair at or above the threshold too; at national size those are
   * millions (common names with the same title), so they are let go when the stage is done.
   */
  candidates: CandidateList;
  candidateStart: Int32Array;
  assignment: Assignment;
  /** right index → left index it is linked to. */
  rightLinked: IndexMap;
  /**
   * For each right record, the best total of the pairs into it that were kept: every pair at or
   * above the threshold, each left record's best, and (for records left unlinked) every pair at
   * or above the review floor; -Infinity when none. So it is the record's best score whenever
   * that reaches the floor.
   */
  bestOfRight: Float64Array;
}

export interface ReconciledIdentity {
  esr?: number;
  nhsmail?: number;
  ad?: number;
  esrNhsmail?: Candidate;
  nhsmailAd?: Candidate;
  esrAd?: Candidate;
  employeeType: EmployeeType;
}

export type { ReviewItem, ReviewKind } from './review.js';
export { ReviewItems } from './review.js';

export interface ReconcileResult {
  people: EsrPerson[];
  nhsmail: NhsmailAccount[];
  ad: AdAccount[];
  esrNhsmail: Stage;
  nhsmailAd: Stage;
  esrAd: Stage;
  identities: ReconciledIdentity[];
  review: ReviewItems;
}

export function employeeTypeOf(esr: boolean, nhsmail: boolean, ad: boolean): EmployeeType {
  if (esr && nhsmail && ad) return 'JML';
  if (nhsmail && ad) return 'JML (TANSync)';
  if (esr && nhsmail) return 'JML (ESR)';
  if (esr && ad) return 'Invalid: needs NHSmail';
  return 'Manual';
}

export function nhsmailIdentity(a: NhsmailAccount, employeeNumberFallback?: string): Identity {
  return {
    email: a.email.value,
    aliases: a.aliases.length === 0 ? NO_STRINGS : a.aliases.map((x) => x.value),
    employeeNumber: a.employeeNumber ?? employeeNumberFallback,
    mobile: a.mobile?.e164,
    firstNames: a.firstKey === undefined ? NO_STRINGS : [a.firstKey],
    lastName: a.lastKey,
    position: a.positionKey,
  };
}

export function adIdentity(a: AdAccount, lists?: ListPool): Identity {
  return {
    email: a.email?.valid ? a.email.value : undefined,
    employeeNumber: a.employeeNumber,
    mobile: a.mobile?.e164,
    firstNames: a.firstKey === undefined ? NO_STRINGS : (lists?.get([a.firstKey]) ?? [a.firstKey]),
    lastName: a.lastKey,
    position: a.positionKey,
  };
}

interface StageOptions {
  /** Where the stage's ties and near misses go, and how its records are explained there (its link's name too). */
  review: ReviewItems;
  sides: ReviewSides;
  /** An extra exact anchor (AD NHSmail ID) and its points. */
  extra?: { left: (i: number) => string | undefined; right: (j: number) => string | undefined; points: number };
  filters?: { left?: (i: number) => boolean; right?: (j: number) => boolean };
  /** The left records' key hashes, when already worked out for them. */
  keys?: LeftKeys;
  /** Arrays shared between stages (see Int32Pool). */
  pool: Int32Pool;
}

/**
 * A stage's first pass as another thread can do part of it (see PassHelper): the two sides,
 * the left side's keys, the right side's index, the scheme and the extra anchor. Only a pass
 * without filters is shared.
 */
export interface SharedPass {
  link: LinkName;
  left: readonly Identity[];
  right: readonly Identity[];
  keys: LeftKeys;
  index: RightIndex;
  scheme: Scheme;
  extra?: StageOptions['extra'];
  /** Where this thread's arrays for the pass come from (see Int32Pool). */
  pool: Int32Pool;
  /**
   * The left and right records made on demand (CandidateOptions.leftRecord, rightRecord), `left`
   * and `right` giving only their counts: a helper's, from columns (core/identity-codes.ts).
   */
  leftRecord?: (i: number) => Identity;
  rightRecord?: (j: number) => Identity;
}

/**
 * Another thread that can take the later part of a stage's first pass. `share` starts it on the
 * left records from some index on (`from`), and gives that index and the part's results to come;
 * or undefined, to leave the whole pass to this thread (a small pass, say). The part must be
 * firstPassPart's for the same pass and `from`.
 */
export interface PassHelper {
  share(pass: SharedPass): { from: number; part: Promise<PassPart> } | undefined;
  /**
   * Told that the part it gave failed (its promise rejected with `err`), and that this thread
   * did those records itself: the result is the same, only later.
   */
  fellBack?(err: unknown): void;
}

/** The options both passes of a stage share: the scheme, the extra anchor, the left side's keys and the pool. */
function passBase(scheme: Scheme, keys: LeftKeys, extra: StageOptions['extra'], pool: Int32Pool) {
  return { scheme, keepFrom: 1, leftExtra: extra?.left, rightExtra: extra?.right, extraPoints: extra?.points, leftKeys: keys, pool };
}

/** The options of a stage's first pass (links: each left record's best candidate and everything at the threshold). */
function firstPassOptions(scheme: Scheme, keys: LeftKeys, extra: StageOptions['extra'], pool: Int32Pool, stats: { pairsScored: number }, index?: RightIndex) {
  return {
    ...passBase(scheme, keys, extra, pool),
    rightIndex: index,
    stats,
    retainFrom: scheme.threshold,
    // A large name block's same-title pairs are deferred to the assignment: see DeferredRuns.
    deferSameNamed: true,
  };
}

/** A PassHelper's part of `pass`: its first pass over the left records from `from` on. */
export function firstPassPart(pass: SharedPass, from: number): PassPart {
  const pool = pass.pool;
  const stats = { pairsScored: 0 };
  const list = findCandidates(pass.left, pass.right, { ...firstPassOptions(pass.scheme, pass.keys, pass.extra, pool, stats, pass.index), leftFrom: from, leftRecord: pass.leftRecord, rightRecord: pass.rightRecord });
  return passPart(list, stats.pairsScored);
}

/** A stage's first pass done (by runStage itself, or shared with a PassHelper), and its time. */
interface FirstPass {
  all: CandidateList;
  pairsScored: number;
  ms: number;
}

/**
 * The stage's first pass, its later part done by `helper` when it takes a share; the same list
 * as findCandidates over every left record gives.
 */
async function sharedFirstPass(clock: () => number, pass: SharedPass, helper: PassHelper): Promise<FirstPass> {
  const t0 = clock();
  const stats = { pairsScored: 0 };
  const pool = pass.pool;
  const opts = firstPassOptions(pass.scheme, pass.keys, pass.extra, pool, stats, pass.index);
  const share = helper.share(pass);
  if (share === undefined) {
    const all = findCandidates(pass.left, pass.right, opts);
    return { all, pairsScored: stats.pairsScored, ms: clock() - t0 };
  }
  // Should this thread's part throw, the helper's must not end as an unhandled rejection.
  share.part.catch(() => undefined);
  const all = findCandidates(pass.left, pass.right, { ...opts, leftTo: share.from });
  let part: PassPart;
  try {
    part = await share.part;
  } catch (err) {
    helper.fellBack?.(err);
    const own = { pairsScored: 0 };
    part = passPart(findCandidates(pass.left, pass.right, { ...opts, stats: own, leftFrom: share.from }), own.pairsScored);
  }
  appendPart(all, part);
  releasePart(part, pool);
  if (all.deferred !== undefined && all.deferred.length === 0) all.deferred = undefined;
  return { all, pairsScored: stats.pairsScored + part.pairsScored, ms: clock() - t0 };
}

function runStage(clock: () => number, left: readonly Identity[], right: readonly Identity[], config: Config, opts: StageOptions, first?: FirstPass): Stage {
  const { extra, filters, pool } = opts;
  const link = opts.sides.link;
  const reviewStage = opts.review.stage(opts.sides);
  const scheme = config.scheme;
  const floor = Math.min(scheme.reviewFloor, scheme.threshold);
  const stats = { pairsScored: first?.pairsScored ?? 0 };
  const t0 = clock() - (first?.ms ?? 0);
  // Both passes look the left records' keys up: hashed once.
  const keys = opts.keys ?? leftKeys(left, scheme, extra?.left, pool);
  const base = passBase(scheme, keys, extra, pool);
  // Pass 1: links.
  const all =
    first?.all ??
    findCandidates(left, right, { ...firstPassOptions(scheme, keys, extra, pool, stats), leftFilter: filters?.left, rightFilter: filters?.right });
  // findCandidates returns them ordered by left index.
  const candidateStart = pool.take(left.length + 1);
  for (let k = 0; k < all.length; k++) candidateStart[all.leftAt(k) + 1]!++;
  for (let i = 0; i < left.length; i++) candidateStart[i + 1]! += candidateStart[i]!;
  const t1 = clock();
  const assignment = assignOneToOne(all, scheme.threshold, pool);
  const rightLinked = new IndexMap(right.length);
  for (let l = 0; l < left.length; l++) {
    const r = assignment.links.rightOf(l);
    if (r !== undefined) rightLinked.set(r, l);
  }
  const t2 = clock();
  // Pass 2: pairs at or above the floor into right records left unlinked (few, so the index is
  // small and most lookups miss): the near misses and those records' best scores.
  const rightFilter = filters?.right;
  const best = new Float64Array(right.length).fill(-Infinity);
  const { links, ambiguousLeft, ambiguousRight } = assignment;
  // Only left records neither linked nor tied can give near misses: the others' pairs are
  // scored for the right records' best scores, without building their explanations.
  const open = findCandidates(left, right, {
    ...base,
    stats,
    keepFrom: floor,
    retainFrom: floor,
    leftFilter: filters?.left,
    rightFilter: (j) => !rightLinked.has(j) && (rightFilter === undefined || rightFilter(j)),
    bestRight: best,
    retainLeft: (i) => !links.has(i) && !ambiguousLeft.has(i),
  });
  // Review: the ties, then pairs from the review floor to below the threshold where neither
  // record was linked or tied (by left index, then best first).
  for (const c of assignment.ambiguous) opts.review.add(reviewStage, 'ambiguous', c);
  for (let k = 0; k < open.length; k++) {
    const total = open.totalAt(k);
    if (total >= scheme.threshold || total < scheme.reviewFloor || ambiguousRight.has(open.rightAt(k))) continue;
    opts.review.add(reviewStage, 'near-miss', { left: open.leftAt(k), right: open.rightAt(k), total, extraPoints: open.extraAt(k) });
  }
  // Of pass 1's pairs the reports need only each left record's best and each right record's
  // best total: the rest go (the assignment holds its links and ties itself).
  for (let k = 0; k < all.length; k++) {
    const j = all.rightAt(k);
    if (all.totalAt(k) > best[j]!) best[j] = all.totalAt(k);
  }
  // A deferred pair's right record is paired at the deferred total with a left record (each
  // record of a run is, or with a listed pair scoring at least that).
  const deferred = all.deferred;
  if (deferred !== undefined) {
    for (const run of deferred.distinctRuns()) for (const j of run) if (deferred.total > best[j]!) best[j] = deferred.total;
  }
  const bestOfLeft = new CandidateList(scheme.weights);
  const bestStart = new Int32Array(left.length + 1);
  for (let i = 0; i < left.length; i++) {
    const at = candidateStart[i]!;
    if (at < candidateStart[i + 1]!) bestOfLeft.push(i, all.rightAt(at), all.totalAt(at), all.extraAt(at), all.levelsAt(at));
    bestStart[i + 1] = bestOfLeft.length;
  }
  pool.give(candidateStart);
  return {
    link,
    pairsScored: stats.pairsScored,
    candidatesMs: t1 - t0 + (clock() - t2),
    assignMs: t2 - t1,
    candidates: bestOfLeft,
    candidateStart: bestStart,
    assignment,
    rightLinked,
    bestOfRight: best,
  };
}

/** Left record `left`'s best candidate (see Stage.candidates), if it has any. */
export function bestCandidate(stage: Stage, left: number): Candidate | undefined {
  const at = stage.candidateStart[left]!;
  return at < stage.candidateStart[left + 1]! ? stage.candidates.get(at) : undefined;
}

/**
 * The class of a result's reconciled identities. An identity holds its three record indices
 * and its type; its linking pairs are read from the stages' links when asked for (a person's
 * ESR ↔ NHSmail pair is stage 1's link of the person, and so on), not held: three more fields
 * on each of millions of identities. A class per result, made here so that its
 * getters hold the three links and nothing else of the run.
 */
function reconciledClass(links1: Links, links2: Links, links3: Links) {
  return class Reconciled implements ReconciledIdentity {
    constructor(
      readonly esr: number | undefined,
      readonly nhsmail: number | undefined,
      readonly ad: number | undefined,
      readonly employeeType: EmployeeType,
    ) {}

    get esrNhsmail(): Candidate | undefined {
      return this.esr === undefined || this.nhsmail === undefined ? undefined : links1.get(this.esr);
    }

    get nhsmailAd(): Candidate | undefined {
      return this.nhsmail === undefined || this.ad === undefined ? undefined : links2.get(this.nhsmail);
    }

    get esrAd(): Candidate | undefined {
      return this.esr === undefined || this.nhsmail !== undefined || this.ad === undefined ? undefined : links3.get(this.esr);
    }
  };
}

export interface ReconcileInput {
  esr: readonly EsrAssignment[];
  nhsmail: readonly NhsmailAccount[];
  ad: readonly AdAccount[];
  config: Config;
  /** The run's date, epoch ms at UTC midnight. */
  asOfMs: number;
  /** A monotonic clock in ms for phase timings (the core never reads the time itself). */
  clock?: () => number;
  /** Where matching's large typed arrays come from (see Int32Pool); a new pool if absent. */
  pool?: Int32Pool;
}

/**
 * An NHSmail account as stage 2 sees it. A linked account stands for the reconciled identity:
 * it borrows its ESR person's employee number, first names (incl. Known As), and
 * mobile/position where the account lacks them, since local AD is often populated from HR
 * rather than from NHSmail. `id` is the account's own identity (nhsmailIdentity).
 */
function accountForAd(a: NhsmailAccount, id: Identity, person: EsrPerson | undefined): Identity {
  if (person === undefined) return id;
  const p = person.identity;
  // A new identity only with what the person adds (most accounts already carry the names):
  // one object per account, no sets or arrays, at national size.
  let firstNames = id.firstNames ?? NO_STRINGS;
  for (const f of p.firstNames ?? NO_STRINGS) if (!firstNames.includes(f)) firstNames = [...firstNames, f];
  return {
    ...id,
    employeeNumber: a.employeeNumber ?? person.employeeNumber,
    firstNames,
    lastName: id.lastName ?? p.lastName,
    mobile: id.mobile ?? p.mobile,
    position: id.position ?? p.position,
  };
}

/**
 * The three stages' sides for review explanations, built again from the records on each read
 * (functions of their own, so that they hold the records and nothing else of the run).
 */
function esrNhsmailSides(people: readonly EsrPerson[], nhsmail: readonly NhsmailAccount[]): ReviewSides {
  return { link: 'ESR-NHSmail', left: (i) => people[i]!.identity, right: (j) => nhsmailIdentity(nhsmail[j]!) };
}

function nhsmailAdSides(people: readonly EsrPerson[], nhsmail: readonly NhsmailAccount[], ad: readonly AdAccount[], personOf: IndexMap): ReviewSides {
  return {
    link: 'NHSmail-AD',
    left: (j) => {
      const person = personOf.get(j);
      return accountForAd(nhsmail[j]!, nhsmailIdentity(nhsmail[j]!), person === undefined ? undefined : people[person]);
    },
    right: (k) => adIdentity(ad[k]!),
  };
}

function esrAdSides(people: readonly EsrPerson[], ad: readonly AdAccount[]): ReviewSides {
  return { link: 'ESR-AD', left: (i) => people[i]!.identity, right: (k) => adIdentity(ad[k]!) };
}

/**
 * Stage 1, ESR people ↔ NHSmail accounts, and the accounts as stage 2 sees them (accountForAd).
 * A function of its own so that stage 1's identities of the accounts are let go when it
 * returns: 1.3M of them are replaced at national size.
 */
function stageOne(
  clock: () => number,
  people: readonly EsrPerson[],
  peopleIds: readonly Identity[],
  peopleKeys: LeftKeys,
  nhsmail: readonly NhsmailAccount[],
  config: Config,
  review: ReviewItems,
  pool: Int32Pool,
): { esrNhsmail: Stage; nhsForAd: Identity[] } {
  const nhsIds = nhsmail.map((a) => nhsmailIdentity(a));
  const esrNhsmail = runStage(clock, peopleIds, nhsIds, config, { review, sides: esrNhsmailSides(people, nhsmail), keys: peopleKeys, pool });
  const nhsForAd = nhsmail.map((a, j): Identity => {
    const person = esrNhsmail.rightLinked.get(j);
    return accountForAd(a, nhsIds[j]!, person === undefined ? undefined : people[person]);
  });
  return { esrNhsmail, nhsForAd };
}

/** What stage 1 leaves for stages 2 and 3 (see ReconcileBegun). */
interface StageOneState {
  config: Config;
  people: EsrPerson[];
  nhsmail: NhsmailAccount[];
  lists: ListPool;
  review: ReviewItems;
  peopleIds: readonly Identity[];
  peopleKeys: LeftKeys;
  esrNhsmail: Stage;
  nhsForAd: Identity[];
  pool: Int32Pool;
  clock: () => number;
}

/**
 * Matching with its first stage done: ESR people grouped and linked to NHSmail accounts, which
 * needs no AD account, so a run can do it while the AD export is still being read. `finish`
 * does the rest once, and lets go of what stage 1 held for it (stage 2's 1.4M NHSmail
 * identities at national size): a caller holding this object through writing holds nothing.
 */
export class ReconcileBegun {
  private state: StageOneState | undefined;

  constructor(state: StageOneState) {
    this.state = state;
  }

  /**
   * Stages 2 and 3 (NHSmail ↔ AD, then ESR ↔ AD for what is left) and the reconciled
   * identities: the result reconcile gives for the same records, whenever the AD accounts came.
   */
  finish(ad: readonly AdAccount[]): ReconcileResult {
    const state = this.state;
    if (state === undefined) throw new Error('ReconcileBegun.finish called twice');
    this.state = undefined;
    return finishReconcile(state, stageTwo(state, ad));
  }

  /**
   * `finish`, with NHSmail ↔ AD's first pass shared with `helper` when it takes a share: the
   * same result.
   */
  async finishShared(ad: readonly AdAccount[], helper: PassHelper): Promise<ReconcileResult> {
    const state = this.state;
    if (state === undefined) throw new Error('ReconcileBegun.finish called twice');
    this.state = undefined;
    const two = stageTwo(state, ad);
    const { clock, config, nhsForAd } = state;
    const t0 = clock();
    const extra = two.opts.extra;
    const pool = state.pool;
    const keys = leftKeys(nhsForAd, config.scheme, extra?.left, pool);
    const index = rightIndex(two.adIds, { scheme: config.scheme, rightExtra: extra?.right, pool });
    const pass: SharedPass = { link: 'NHSmail-AD', left: nhsForAd, right: two.adIds, keys, index, scheme: config.scheme, extra, pool };
    const first = await sharedFirstPass(clock, pass, helper);
    releaseRightIndex(index, pool);
    return finishReconcile(state, { ...two, opts: { ...two.opts, keys } }, { ...first, ms: clock() - t0 });
  }
}

export type BeginInput = Omit<ReconcileInput, 'ad'>;

/** Groups the ESR assignments into people and links them to NHSmail accounts (stage 1). */
export function beginReconcile(input: BeginInput): ReconcileBegun {
  const { config } = input;
  const clock = input.clock ?? (() => 0);
  // Shared lists of names and organisations, one per distinct list (see ListPool).
  const lists = new ListPool();
  const people = groupPeople(input.esr, input.asOfMs, lists);
  const nhsmail = [...input.nhsmail];

  // Review items carry name and title similarities even with fuzzy matching off, to explain
  // them: worked out when the report reads them, not held (see core/review.ts).
  const review = new ReviewItems(config.scheme);

  const peopleIds = people.map((p) => p.identity);
  // Typed arrays handed from pass to pass and stage to stage (see Int32Pool).
  const pool = input.pool ?? new Int32Pool();
  const peopleKeys = leftKeys(peopleIds, config.scheme, undefined, pool);
  const { esrNhsmail, nhsForAd } = stageOne(clock, people, peopleIds, peopleKeys, nhsmail, config, review, pool);
  return new ReconcileBegun({ config, people, nhsmail, lists, review, peopleIds, peopleKeys, esrNhsmail, nhsForAd, pool, clock });
}

export function reconcile(input: ReconcileInput): ReconcileResult {
  return beginReconcile(input).finish(input.ad);
}

/** Stage 2's AD side and options. */
interface StageTwo {
  ad: AdAccount[];
  adIds: Identity[];
  opts: StageOptions;
}

/** Stage 2, NHSmail ↔ AD, made ready (see stageOne for what a linked account borrows from its person). */
function stageTwo(state: StageOneState, adAccounts: readonly AdAccount[]): StageTwo {
  const { config, people, nhsmail, lists, review, esrNhsmail, pool } = state;
  const ad = [...adAccounts];
  const adIds = ad.map((a) => adIdentity(a, lists));
  const opts: StageOptions = {
    review,
    sides: nhsmailAdSides(people, nhsmail, ad, esrNhsmail.rightLinked),
    extra: { left: (j) => nhsmail[j]!.nhsmailId, right: (k) => ad[k]!.nhsmailId, points: config.scheme.nhsmailIdPoints },
    pool,
  };
  return { ad, adIds, opts };
}

/** Stages 2 and 3 and the reconciled identities (`first`: stage 2's first pass, when done already). */
function finishReconcile(state: StageOneState, two: StageTwo, first?: FirstPass): ReconcileResult {
  const { config, people, nhsmail, review, peopleIds, peopleKeys, esrNhsmail, nhsForAd, pool, clock } = state;
  const { ad, adIds } = two;

  // Stage 2: NHSmail ↔ AD.
  const nhsmailAd = runStage(clock, nhsForAd, adIds, config, two.opts, first);

  // Stage 3: AD accounts with no NHSmail match ↔ ESR people with no NHSmail match.
  const esrAd = runStage(clock, peopleIds, adIds, config, {
    review,
    sides: esrAdSides(people, ad),
    filters: {
      left: (i) => !esrNhsmail.assignment.links.has(i) && !esrNhsmail.assignment.ambiguousLeft.has(i),
      right: (k) => !nhsmailAd.rightLinked.has(k) && !nhsmailAd.assignment.ambiguousRight.has(k),
    },
    keys: peopleKeys,
    pool,
  });

  // Reconciled identities: ESR people first, then NHSmail accounts not linked to a person, then
  // AD accounts linked to neither, each in its extract's order (a person at their first row).
  const identities: ReconciledIdentity[] = [];
  const links1 = esrNhsmail.assignment.links;
  const links2 = nhsmailAd.assignment.links;
  const links3 = esrAd.assignment.links;
  const Reconciled = reconciledClass(links1, links2, links3);
  // Flags by index, not Sets: at national size a Set entry per account cost more than the loop.
  const nhsUsed = new Uint8Array(nhsmail.length);
  const adUsed = new Uint8Array(ad.length);
  for (let i = 0; i < people.length; i++) {
    const m = links1.rightOf(i);
    let a: number | undefined;
    if (m !== undefined) {
      nhsUsed[m] = 1;
      a = links2.rightOf(m);
    } else {
      a = links3.rightOf(i);
    }
    if (a !== undefined) adUsed[a] = 1;
    identities.push(new Reconciled(i, m, a, employeeTypeOf(true, m !== undefined, a !== undefined)));
  }
  for (let j = 0; j < nhsmail.length; j++) {
    if (nhsUsed[j] === 1) continue;
    const a = links2.rightOf(j);
    if (a !== undefined) adUsed[a] = 1;
    identities.push(new Reconciled(undefined, j, a, employeeTypeOf(false, true, a !== undefined)));
  }
  for (let k = 0; k < ad.length; k++) {
    if (adUsed[k] === 1) continue;
    identities.push(new Reconciled(undefined, undefined, k, 'Manual'));
  }

  return { people, nhsmail, ad, esrNhsmail, nhsmailAd, esrAd, identities, review };
}

/**
 * The reconcile job's pure core: ESR people ↔ NHSmail accounts (ESR is authoritative), then
 * NHSmail ↔ local AD (the AD NHSmail-ID attribute is an anchor worth the threshold on its own),
 * then AD accounts left over ↔ ESR people left over. Produces one reconciled identity per
 * person/account with its employee type (JML onboarding guide, section 2.3 tables).
 */
import type { Config, Scheme } from './config.js';
import { assignOneToOne, IndexMap, type Assignment } from './assign.js';
import { findCandidates, leftKeys, type Candidate, CandidateList, type LeftKeys } from './candidates.js';
import { groupPeople, ListPool, NO_STRINGS, type EsrPerson } from './people.js';
import type { AdAccount, EsrAssignment, NhsmailAccount } from './records.js';
import { scorePair, type Identity, type PairScore } from './score.js';

export type EmployeeType = 'JML' | 'JML (TANSync)' | 'JML (ESR)' | 'Manual' | 'Invalid: needs NHSmail';

export const EMPLOYEE_TYPES: readonly EmployeeType[] = ['JML', 'JML (TANSync)', 'JML (ESR)', 'Manual', 'Invalid: needs NHSmail'];

export type LinkName = 'ESR-NHSmail' | 'NHSmail-AD' | 'ESR-AD';

export interface Stage {
  link: LinkName;
  /** Pairs sharing an index key that were scored. */
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
   * Pairs scoring from the review floor to below the threshold where neither record was linked
   * or held as ambiguous, by left index, then best first.
   */
  nearMisses: Candidate[];
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

export interface ReviewItem {
  link: LinkName;
  kind: 'ambiguous' | 'near-miss';
  candidate: Candidate;
}

export interface ReconcileResult {
  people: EsrPerson[];
  nhsmail: NhsmailAccount[];
  ad: AdAccount[];
  esrNhsmail: Stage;
  nhsmailAd: Stage;
  esrAd: Stage;
  identities: ReconciledIdentity[];
  review: ReviewItem[];
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

function runStage(
  clock: () => number,
  link: LinkName,
  left: readonly Identity[],
  right: readonly Identity[],
  config: Config,
  extra?: { left: (i: number) => string | undefined; right: (j: number) => string | undefined; points: number },
  filters?: { left?: (i: number) => boolean; right?: (j: number) => boolean },
  keys?: LeftKeys,
): Stage {
  const scheme = config.scheme;
  const floor = Math.min(scheme.reviewFloor, scheme.threshold);
  const stats = { pairsScored: 0 };
  const t0 = clock();
  const base = {
    scheme,
    keepFrom: 1,
    leftExtra: extra?.left,
    rightExtra: extra?.right,
    extraPoints: extra?.points,
    // Both passes look the left records' keys up: hashed once.
    leftKeys: keys ?? leftKeys(left, scheme, extra?.left),
  };
  // Pass 1: links. Keep each left record's best candidate and everything at the threshold.
  const all = findCandidates(left, right, { ...base, stats, retainFrom: scheme.threshold, leftFilter: filters?.left, rightFilter: filters?.right });
  // findCandidates returns them ordered by left index.
  const candidateStart = new Int32Array(left.length + 1);
  for (let k = 0; k < all.length; k++) candidateStart[all.left[k]! + 1]!++;
  for (let i = 0; i < left.length; i++) candidateStart[i + 1]! += candidateStart[i]!;
  const t1 = clock();
  const assignment = assignOneToOne(all, scheme.threshold);
  const rightLinked = new IndexMap(right.length);
  for (const [l, c] of assignment.links) rightLinked.set(c.right, l);
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
    keepFrom: floor,
    retainFrom: floor,
    leftFilter: filters?.left,
    rightFilter: (j) => !rightLinked.has(j) && (rightFilter === undefined || rightFilter(j)),
    bestRight: best,
    retainLeft: (i) => !links.has(i) && !ambiguousLeft.has(i),
  });
  const nearMisses: Candidate[] = [];
  for (let k = 0; k < open.length; k++) {
    if (open.total[k]! >= scheme.threshold || ambiguousRight.has(open.right[k]!)) continue;
    nearMisses.push(open.get(k));
  }
  // Of pass 1's pairs the reports need only each left record's best and each right record's
  // best total: the rest go (the assignment's links and ties are objects of their own).
  for (let k = 0; k < all.length; k++) if (all.total[k]! > best[all.right[k]!]!) best[all.right[k]!] = all.total[k]!;
  const bestOfLeft = new CandidateList(scheme.weights);
  const bestStart = new Int32Array(left.length + 1);
  for (let i = 0; i < left.length; i++) {
    const at = candidateStart[i]!;
    if (at < candidateStart[i + 1]!) bestOfLeft.push(i, all.right[at]!, all.total[at]!, all.extraAt(at), all.levels[at]!);
    bestStart[i + 1] = bestOfLeft.length;
  }
  return {
    link,
    pairsScored: stats.pairsScored,
    candidatesMs: t1 - t0 + (clock() - t2),
    assignMs: t2 - t1,
    candidates: bestOfLeft,
    candidateStart: bestStart,
    assignment,
    rightLinked,
    nearMisses,
    bestOfRight: best,
  };
}

/**
 * A review item's candidate. Its `score` is the pair's full explanation, similarities included,
 * worked out on each read (so a reader takes it once): holding it was eight objects per item.
 */
class ExplainedCandidate implements Candidate {
  readonly left: number;
  readonly right: number;
  readonly total: number;
  readonly extraPoints: number;

  constructor(
    c: Candidate,
    private readonly l: Identity,
    private readonly r: Identity,
    private readonly scheme: Scheme,
  ) {
    this.left = c.left;
    this.right = c.right;
    this.total = c.total;
    this.extraPoints = c.extraPoints;
  }

  get score(): PairScore {
    return scorePair(this.l, this.r, this.scheme, true);
  }
}

/** Left record `left`'s best candidate (see Stage.candidates), if it has any. */
export function bestCandidate(stage: Stage, left: number): Candidate | undefined {
  const at = stage.candidateStart[left]!;
  return at < stage.candidateStart[left + 1]! ? stage.candidates.get(at) : undefined;
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
}

/**
 * Stage 1, ESR people ↔ NHSmail accounts (its review items handed to `addReview`), and the
 * accounts as stage 2 sees them. A function of its own so that stage 1's identities of the
 * accounts are let go when it returns: 1.3M of them are replaced at national size.
 *
 * In stage 2 a linked account stands for the reconciled identity: it borrows its ESR person's
 * employee number, first names (incl. Known As), and mobile/position where the account lacks
 * them, since local AD is often populated from HR rather than from NHSmail.
 */
function stageOne(
  clock: () => number,
  people: readonly EsrPerson[],
  peopleIds: readonly Identity[],
  peopleKeys: LeftKeys,
  nhsmail: readonly NhsmailAccount[],
  config: Config,
  addReview: (stage: Stage, left: readonly Identity[], right: readonly Identity[]) => void,
): { esrNhsmail: Stage; nhsForAd: Identity[] } {
  const nhsIds = nhsmail.map((a) => nhsmailIdentity(a));
  const esrNhsmail = runStage(clock, 'ESR-NHSmail', peopleIds, nhsIds, config, undefined, undefined, peopleKeys);
  addReview(esrNhsmail, peopleIds, nhsIds);
  const nhsForAd = nhsmail.map((a, j): Identity => {
    const person = esrNhsmail.rightLinked.get(j);
    const id = nhsIds[j]!;
    if (person === undefined) return id;
    const p = people[person]!.identity;
    // A new identity only with what the person adds (most accounts already carry the names):
    // one object per account, no sets or arrays, at national size.
    let firstNames = id.firstNames ?? NO_STRINGS;
    for (const f of p.firstNames ?? NO_STRINGS) if (!firstNames.includes(f)) firstNames = [...firstNames, f];
    return {
      ...id,
      employeeNumber: a.employeeNumber ?? people[person]!.employeeNumber,
      firstNames,
      lastName: id.lastName ?? p.lastName,
      mobile: id.mobile ?? p.mobile,
      position: id.position ?? p.position,
    };
  });
  return { esrNhsmail, nhsForAd };
}

export function reconcile(input: ReconcileInput): ReconcileResult {
  const { config } = input;
  const clock = input.clock ?? (() => 0);
  const { reviewFloor } = config.scheme;
  // Shared lists of names and organisations, one per distinct list (see ListPool).
  const lists = new ListPool();
  const people = groupPeople(input.esr, input.asOfMs, lists);
  const nhsmail = [...input.nhsmail];
  const ad = [...input.ad];

  // Review items carry name and title similarities even with fuzzy matching off, to explain
  // them: worked out when the report reads them from the pair's two identities, not held (half
  // a million at national size). A stage's items are made when it is done, so that identities
  // only that stage used can go before the next one runs.
  const review: ReviewItem[] = [];
  const addReview = (stage: Stage, left: readonly Identity[], right: readonly Identity[]): void => {
    const explained = (c: Candidate): Candidate => new ExplainedCandidate(c, left[c.left]!, right[c.right]!, config.scheme);
    for (const c of stage.assignment.ambiguous) review.push({ link: stage.link, kind: 'ambiguous', candidate: explained(c) });
    for (const c of stage.nearMisses) if (c.total >= reviewFloor) review.push({ link: stage.link, kind: 'near-miss', candidate: explained(c) });
  };

  const peopleIds = people.map((p) => p.identity);
  const peopleKeys = leftKeys(peopleIds, config.scheme);
  const { esrNhsmail, nhsForAd } = stageOne(clock, people, peopleIds, peopleKeys, nhsmail, config, addReview);

  // Stage 2: NHSmail ↔ AD (see stageOne for what a linked account borrows from its person).
  const adIds = ad.map((a) => adIdentity(a, lists));
  const nhsmailAd = runStage(clock, 'NHSmail-AD', nhsForAd, adIds, config, {
    left: (j) => nhsmail[j]!.nhsmailId,
    right: (k) => ad[k]!.nhsmailId,
    points: config.scheme.nhsmailIdPoints,
  });
  addReview(nhsmailAd, nhsForAd, adIds);

  // Stage 3: AD accounts with no NHSmail match ↔ ESR people with no NHSmail match.
  const esrAd = runStage(clock, 'ESR-AD', peopleIds, adIds, config, undefined, {
    left: (i) => !esrNhsmail.assignment.links.has(i) && !esrNhsmail.assignment.ambiguousLeft.has(i),
    right: (k) => !nhsmailAd.rightLinked.has(k) && !nhsmailAd.assignment.ambiguousRight.has(k),
  }, peopleKeys);
  addReview(esrAd, peopleIds, adIds);

  // Reconciled identities: ESR people first (employee number order), then NHSmail accounts
  // not linked to a person (file order), then AD accounts linked to neither (file order).
  const identities: ReconciledIdentity[] = [];
  // Flags by index, not Sets: at national size a Set entry per account cost more than the loop.
  const nhsUsed = new Uint8Array(nhsmail.length);
  const adUsed = new Uint8Array(ad.length);
  for (let i = 0; i < people.length; i++) {
    const en = esrNhsmail.assignment.links.get(i);
    let na: Candidate | undefined;
    let ea: Candidate | undefined;
    if (en) {
      nhsUsed[en.right] = 1;
      na = nhsmailAd.assignment.links.get(en.right);
      if (na) adUsed[na.right] = 1;
    } else {
      ea = esrAd.assignment.links.get(i);
      if (ea) adUsed[ea.right] = 1;
    }
    identities.push({
      esr: i,
      nhsmail: en?.right,
      ad: na?.right ?? ea?.right,
      esrNhsmail: en,
      nhsmailAd: na,
      esrAd: ea,
      employeeType: employeeTypeOf(true, en !== undefined, na !== undefined || ea !== undefined),
    });
  }
  for (let j = 0; j < nhsmail.length; j++) {
    if (nhsUsed[j] === 1) continue;
    const na = nhsmailAd.assignment.links.get(j);
    if (na) adUsed[na.right] = 1;
    identities.push({ nhsmail: j, ad: na?.right, nhsmailAd: na, employeeType: employeeTypeOf(false, true, na !== undefined) });
  }
  for (let k = 0; k < ad.length; k++) {
    if (adUsed[k] === 1) continue;
    identities.push({ ad: k, employeeType: 'Manual' });
  }

  return { people, nhsmail, ad, esrNhsmail, nhsmailAd, esrAd, identities, review };
}

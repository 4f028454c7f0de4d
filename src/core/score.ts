/**
 * The weighted anchor scheme (NHSmail JML guide, section 6.5) as data: each anchor is a
 * comparison with ordered levels — missing (not compared, 0 points), exact agreement, alias
 * agreement (email only), fuzzy agreement (only when `scheme.fuzzy.enabled`), else differs.
 * Every result carries the level and points of each anchor so any score can be explained.
 *
 * Identities hold values already normalised by src/core/normalise-*.ts: emails lowercased,
 * mobiles E.164, employee numbers 8 digits, names as comparison keys, titles normalised.
 */
import { ANCHORS, type Anchor, type FuzzyConfig, type Scheme } from './config.js';
import { dice, jaroWinkler } from './similarity.js';

export interface Identity {
  /** Primary email. */
  email?: string;
  /** Secondary addresses (NHSmail aliases); an agreement through one is reported as 'alias'. */
  aliases?: readonly string[];
  employeeNumber?: string;
  /** E.164 mobile. */
  mobile?: string;
  /** First-name keys: the first name and, for ESR, the Known As name. */
  firstNames?: readonly string[];
  lastName?: string;
  position?: string;
}

export type Level = 'exact' | 'alias' | 'fuzzy' | 'differs' | 'missing';

export interface AnchorResult {
  anchor: Anchor;
  level: Level;
  points: number;
  /** 0..1 similarity for names and position when both present (explains near misses). */
  similarity?: number;
}

export interface PairScore {
  score: number;
  /** One entry per anchor, in ANCHORS order. */
  anchors: AnchorResult[];
}

const agrees = (l: Level): boolean => l === 'exact' || l === 'alias' || l === 'fuzzy';

/** `x` has an email address or an alias to compare. */
const hasEmail = (x: Identity): boolean => x.email !== undefined || (x.aliases?.length ?? 0) > 0;

function emailLevel(a: Identity, b: Identity): Level {
  if (!hasEmail(a) || !hasEmail(b)) return 'missing';
  if (a.email !== undefined && a.email === b.email) return 'exact';
  if (a.email !== undefined && b.aliases?.includes(a.email)) return 'alias';
  if (b.email !== undefined && a.aliases?.includes(b.email)) return 'alias';
  if (a.aliases && b.aliases && a.aliases.some((x) => b.aliases!.includes(x))) return 'alias';
  return 'differs';
}

function exactLevel(x: string | undefined, y: string | undefined): Level {
  if (x === undefined || y === undefined) return 'missing';
  return x === y ? 'exact' : 'differs';
}

function bestFirstNameSimilarity(a: readonly string[], b: readonly string[]): number {
  let best = 0;
  for (const x of a) for (const y of b) best = Math.max(best, x === y ? 1 : jaroWinkler(x, y));
  return best;
}

/**
 * Scores one pair. Pure and allocation-light: it runs once per candidate pair.
 * `explain` adds similarities for names and position even when fuzzy matching is off.
 */
export function scorePair(a: Identity, b: Identity, scheme: Scheme, explain = false): PairScore {
  const w = scheme.weights;
  const fuzzy = scheme.fuzzy.enabled;
  const results: AnchorResult[] = [];

  const email = emailLevel(a, b);
  results.push({ anchor: 'email', level: email, points: agrees(email) ? w.email : 0 });

  const emp = exactLevel(a.employeeNumber, b.employeeNumber);
  results.push({ anchor: 'employeeNumber', level: emp, points: emp === 'exact' ? w.employeeNumber : 0 });

  const mob = exactLevel(a.mobile, b.mobile);
  results.push({ anchor: 'mobile', level: mob, points: mob === 'exact' ? w.mobile : 0 });

  let last: Level = exactLevel(a.lastName, b.lastName);
  let lastSim: number | undefined;
  if (last === 'differs' && (fuzzy || explain)) {
    lastSim = jaroWinkler(a.lastName!, b.lastName!);
    if (fuzzy && lastSim >= scheme.fuzzy.nameJaroWinkler) last = 'fuzzy';
  } else if (last === 'exact') lastSim = 1;
  results.push({ anchor: 'lastName', level: last, points: agrees(last) ? w.lastName : 0, similarity: lastSim });

  const af = a.firstNames ?? [];
  const bf = b.firstNames ?? [];
  let first: Level;
  let firstSim: number | undefined;
  if (af.length === 0 || bf.length === 0) first = 'missing';
  else if (af.some((x) => bf.includes(x))) {
    first = 'exact';
    firstSim = 1;
  } else {
    first = 'differs';
    if (fuzzy || explain) {
      firstSim = bestFirstNameSimilarity(af, bf);
      if (fuzzy && firstSim >= scheme.fuzzy.nameJaroWinkler) first = 'fuzzy';
    }
  }
  results.push({ anchor: 'firstName', level: first, points: agrees(first) ? w.firstName : 0, similarity: firstSim });

  // First & Last Name: both must agree; its points add to the two single-name points.
  let full: Level;
  if (first === 'missing' || last === 'missing') full = 'missing';
  else if (agrees(first) && agrees(last)) full = first === 'fuzzy' || last === 'fuzzy' ? 'fuzzy' : 'exact';
  else full = 'differs';
  results.push({ anchor: 'fullName', level: full, points: agrees(full) ? w.fullName : 0 });

  let pos: Level = exactLevel(a.position, b.position);
  let posSim: number | undefined;
  if (pos === 'differs' && (fuzzy || explain)) {
    posSim = dice(a.position!, b.position!);
    if (fuzzy && posSim >= scheme.fuzzy.positionDice) pos = 'fuzzy';
  } else if (pos === 'exact') posSim = 1;
  results.push({ anchor: 'position', level: pos, points: agrees(pos) ? w.position : 0, similarity: posSim });

  let score = 0;
  for (const r of results) score += r.points;
  return { score, anchors: results };
}

/** Level codes for `PackedScore`: 3 bits per anchor, in ANCHORS order. */
const LEVEL_CODES: readonly Level[] = ['missing', 'exact', 'alias', 'fuzzy', 'differs'];
const LEVEL_BITS = 3;

/**
 * A PairScore held in three fields instead of seven AnchorResult objects: the total, each
 * anchor's level packed into one small integer, and the scheme's weights (points follow from
 * level and weight). Candidates are kept for every ESR person, so at national size this is
 * the difference between tens of bytes and hundreds per candidate. `anchors` is rebuilt on
 * demand; similarities are not kept (only review items show them, and those are re-scored
 * with `explain`).
 */
export class PackedScore implements PairScore {
  constructor(
    readonly score: number,
    /** Level code (index into LEVEL_CODES) of anchor k at bits 3k..3k+2. */
    readonly levels: number,
    readonly weights: Readonly<Record<Anchor, number>>,
  ) {}

  static of(s: PairScore, weights: Readonly<Record<Anchor, number>>): PackedScore {
    let levels = 0;
    for (let k = 0; k < s.anchors.length; k++) levels |= LEVEL_CODES.indexOf(s.anchors[k]!.level) << (LEVEL_BITS * k);
    return new PackedScore(s.score, levels, weights);
  }

  levelOf(anchor: Anchor): Level {
    return LEVEL_CODES[(this.levels >>> (LEVEL_BITS * ANCHORS.indexOf(anchor))) & 7]!;
  }

  pointsOf(anchor: Anchor): number {
    return agrees(this.levelOf(anchor)) ? this.weights[anchor] : 0;
  }

  get anchors(): AnchorResult[] {
    return ANCHORS.map((anchor) => {
      const level = this.levelOf(anchor);
      return { anchor, level, points: agrees(level) ? this.weights[anchor] : 0 };
    });
  }
}

const CODE_MISSING = 0;
const CODE_EXACT = 1;
const CODE_ALIAS = 2;
const CODE_FUZZY = 3;
const CODE_DIFFERS = 4;

/**
 * `PackedScore.of(scorePair(a, b, scheme), weights)`, without building the seven AnchorResult
 * objects: candidate search scores every pair it meets this way in fuzzy mode.
 */
export function packedScore(a: Identity, b: Identity, scheme: Scheme): PackedScore {
  const w = scheme.weights;
  const levels = packedLevels(a, b, scheme.fuzzy.enabled ? scheme.fuzzy : undefined);
  return new PackedScore(levelsScore(levels, w), levels, w);
}

const emailCode = (a: Identity, b: Identity): number => {
  const l = emailLevel(a, b);
  return l === 'exact' ? CODE_EXACT : l === 'alias' ? CODE_ALIAS : l === 'missing' ? CODE_MISSING : CODE_DIFFERS;
};

const exactCode = (x: string | undefined, y: string | undefined): number =>
  x === undefined || y === undefined ? CODE_MISSING : x === y ? CODE_EXACT : CODE_DIFFERS;

const agreesCode = (c: number): boolean => c === CODE_EXACT || c === CODE_ALIAS || c === CODE_FUZZY;

/**
 * The levels field of `packedScore(a, b, scheme)`, allocating nothing: for an exact scheme
 * without `fuzzy` (what every retained candidate keeps at national size, millions of pairs),
 * and with `fuzzy` (the scheme's fuzzy settings, when enabled) as scorePair decides them:
 * names by Jaro-Winkler, titles by Dice similarity.
 */
export function packedLevels(a: Identity, b: Identity, fuzzy?: FuzzyConfig): number {
  const email = emailCode(a, b);
  const emp = exactCode(a.employeeNumber, b.employeeNumber);
  const mob = exactCode(a.mobile, b.mobile);
  let last = exactCode(a.lastName, b.lastName);
  if (fuzzy !== undefined && last === CODE_DIFFERS && jaroWinkler(a.lastName!, b.lastName!) >= fuzzy.nameJaroWinkler) last = CODE_FUZZY;
  const af = a.firstNames;
  const bf = b.firstNames;
  let first = CODE_MISSING;
  if (af !== undefined && bf !== undefined && af.length > 0 && bf.length > 0) {
    first = CODE_DIFFERS;
    for (const x of af) if (bf.includes(x)) first = CODE_EXACT;
    if (fuzzy !== undefined && first === CODE_DIFFERS && bestFirstNameSimilarity(af, bf) >= fuzzy.nameJaroWinkler) first = CODE_FUZZY;
  }
  let full = CODE_DIFFERS;
  if (first === CODE_MISSING || last === CODE_MISSING) full = CODE_MISSING;
  else if (agreesCode(first) && agreesCode(last)) full = first === CODE_FUZZY || last === CODE_FUZZY ? CODE_FUZZY : CODE_EXACT;
  let pos = exactCode(a.position, b.position);
  if (fuzzy !== undefined && pos === CODE_DIFFERS && dice(a.position!, b.position!) >= fuzzy.positionDice) pos = CODE_FUZZY;
  return pack(email, emp, mob, last, first, full, pos);
}

/** Anchor level codes packed in ANCHORS order: email, employeeNumber, mobile, lastName, firstName, fullName, position. */
function pack(email: number, emp: number, mob: number, last: number, first: number, full: number, pos: number): number {
  return (
    email |
    (emp << LEVEL_BITS) |
    (mob << (2 * LEVEL_BITS)) |
    (last << (3 * LEVEL_BITS)) |
    (first << (4 * LEVEL_BITS)) |
    (full << (5 * LEVEL_BITS)) |
    (pos << (6 * LEVEL_BITS))
  );
}

/** Bits of `presentAnchors`: which exact-key anchors a record holds a value for. */
const HAS_EMAIL = 1;
const HAS_EMPLOYEE_NUMBER = 2;
const HAS_MOBILE = 4;

/** Which of email (or an alias), employee number and mobile `b` has: the bits `nameAndPositionLevels` reads. */
export function presentAnchors(b: Identity): number {
  return (
    (hasEmail(b) ? HAS_EMAIL : 0) |
    (b.employeeNumber !== undefined ? HAS_EMPLOYEE_NUMBER : 0) |
    (b.mobile !== undefined ? HAS_MOBILE : 0)
  );
}

/**
 * `packedLevels(a, b)` for a pair known to share last name, a first name and position, and no
 * email, alias, employee number or mobile; `bPresent` is `presentAnchors(b)`. Reads nothing of
 * `b` itself: the candidate search uses it for the many such pairs of a common name and title,
 * where reading each record was a cache miss. With `fuzzyPosition` the titles differ but agree
 * by similarity (fuzzy mode), and the position's level is 'fuzzy'.
 */
export function nameAndPositionLevels(a: Identity, bPresent: number, fuzzyPosition = false): number {
  const email = hasEmail(a) && (bPresent & HAS_EMAIL) !== 0 ? CODE_DIFFERS : CODE_MISSING;
  const emp = a.employeeNumber !== undefined && (bPresent & HAS_EMPLOYEE_NUMBER) !== 0 ? CODE_DIFFERS : CODE_MISSING;
  const mob = a.mobile !== undefined && (bPresent & HAS_MOBILE) !== 0 ? CODE_DIFFERS : CODE_MISSING;
  return pack(email, emp, mob, CODE_EXACT, CODE_EXACT, CODE_EXACT, fuzzyPosition ? CODE_FUZZY : CODE_EXACT);
}

/** The points of packed `levels` under `weights` (agreeing anchors' weights summed). */
export function levelsScore(levels: number, w: Readonly<Record<Anchor, number>>): number {
  let score = 0;
  for (let k = 0; k < ANCHORS.length; k++) {
    const c = (levels >>> (LEVEL_BITS * k)) & 7;
    if (c === CODE_EXACT || c === CODE_ALIAS || c === CODE_FUZZY) score += w[ANCHORS[k]!];
  }
  return score;
}

function shareEmail(a: Identity, b: Identity): boolean {
  const ae = a.email;
  const be = b.email;
  if (ae !== undefined && (ae === be || (b.aliases !== undefined && b.aliases.includes(ae)))) return true;
  if (be !== undefined && a.aliases !== undefined && a.aliases.includes(be)) return true;
  if (a.aliases !== undefined && b.aliases !== undefined) for (const x of a.aliases) if (b.aliases.includes(x)) return true;
  return false;
}

/**
 * What `quickScore` gives a pair that agrees on the last name, a first name and the position
 * and on nothing else, added in its order (so equal to it to the last bit).
 */
export function namePositionPoints(scheme: Scheme): number {
  const w = scheme.weights;
  let score = 0;
  score += w.lastName;
  score += w.firstName;
  score += w.fullName;
  score += w.position;
  return score;
}

/**
 * The total `scorePair` would give, without building the explanation: no allocation, for the
 * hot path (filtering candidates, brute-force checks). Exact comparisons only, so callers use
 * it when fuzzy matching is off.
 */
export function quickScore(a: Identity, b: Identity, scheme: Scheme): number {
  const w = scheme.weights;
  let score = 0;
  if (shareEmail(a, b)) score += w.email;
  if (a.employeeNumber !== undefined && a.employeeNumber === b.employeeNumber) score += w.employeeNumber;
  if (a.mobile !== undefined && a.mobile === b.mobile) score += w.mobile;
  const last = a.lastName !== undefined && a.lastName === b.lastName;
  let first = false;
  if (a.firstNames !== undefined && b.firstNames !== undefined) {
    for (const x of a.firstNames) if (b.firstNames.includes(x)) first = true;
  }
  if (last) score += w.lastName;
  if (first) score += w.firstName;
  if (first && last) score += w.fullName;
  if (a.position !== undefined && a.position === b.position) score += w.position;
  return score;
}

/** `s`'s result for `anchor` (a plain loop, no closure: it runs for every review row's suggestion). */
export function anchorResult(s: PairScore, anchor: Anchor): AnchorResult | undefined {
  for (const r of s.anchors) if (r.anchor === anchor) return r;
  return undefined;
}

/** Points an anchor would add if it agreed (first/last include the Full Name bonus they unlock). */
function gainIfAgreed(s: PairScore, anchor: Anchor, scheme: Scheme): number {
  const w = scheme.weights;
  const r = anchorResult(s, anchor);
  if (!r || agrees(r.level)) return 0;
  let gain = w[anchor];
  const other = anchor === 'firstName' ? anchorResult(s, 'lastName') : anchor === 'lastName' ? anchorResult(s, 'firstName') : undefined;
  if (other && agrees(other.level)) gain += w.fullName;
  return gain;
}

export interface Suggestion {
  anchor: Anchor;
  /** 'missing' = absent on one side (fill it in); 'differs' = present but different (correct it). */
  kind: 'missing' | 'differs';
  newScore: number;
}

/**
 * The single change that would lift a near miss to the threshold: fill in a missing anchor
 * first (cheapest for the teams), else correct a differing one; among those, the first in the
 * guide's priority (Email, Employee Number, Mobile, names, Position) that is enough, since the
 * email address is the anchor JML needs most (guide 6.4). Undefined when none is enough.
 */
export function suggestChange(s: PairScore, scheme: Scheme): Suggestion | undefined {
  if (s.score >= scheme.threshold) return undefined;
  let best: Suggestion | undefined;
  for (const kind of ['missing', 'differs'] as const) {
    for (const anchor of ANCHORS) {
      if (anchor === 'fullName') continue;
      const r = anchorResult(s, anchor);
      if (!r || r.level !== kind) continue;
      const newScore = s.score + gainIfAgreed(s, anchor, scheme);
      if (newScore < scheme.threshold) continue;
      best ??= { anchor, kind, newScore };
    }
    if (best) return best;
  }
  return undefined;
}

export function agreedAnchors(s: PairScore): Anchor[] {
  return s.anchors.filter((r) => agrees(r.level)).map((r) => r.anchor);
}

export function missingAnchors(s: PairScore): Anchor[] {
  return s.anchors.filter((r) => r.level === 'missing').map((r) => r.anchor);
}

export function pointsOf(s: PairScore, anchor: Anchor): number {
  if (s instanceof PackedScore) return s.pointsOf(anchor);
  return anchorResult(s, anchor)?.points ?? 0;
}

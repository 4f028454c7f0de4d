/**
 * String similarity behind one function type, so the scorer does not care which algorithm or
 * library answers. Both compare UTF-16 code units as given: pass keys already normalised
 * (nameKey, normaliseJobTitle), not raw cells.
 */
import stringSimilarity from 'string-similarity';

/** 0..1, 1 = identical. */
export interface Similarity {
  (a: string, b: string): number;
}

/** Winkler's constants: prefix scale 0.1 per shared leading character, at most 4 counted. */
const PREFIX_SCALE = 0.1;
const MAX_PREFIX = 4;
/** Winkler only boosts pairs already this close (Jaro ≥ 0.7); below it the prefix proves little. */
const BOOST_THRESHOLD = 0.7;

// Match flags reused across calls; grown (never shrunk) when a longer string arrives.
let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

function jaro(a: string, b: string): number {
  const la = a.length;
  const lb = b.length;
  if (la > flagsA.length) flagsA = new Uint8Array(la * 2);
  if (lb > flagsB.length) flagsB = new Uint8Array(lb * 2);
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  // Characters match when equal and no further apart than half the longer string, less one.
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  // Transpositions: matched characters out of order, counted in pairs.
  let halfTranspositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue;
    while (flagsB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) halfTranspositions++;
    k++;
  }
  const t = halfTranspositions / 2;
  return (matches / la + matches / lb + (matches - t) / matches) / 3;
}

/**
 * Jaro-Winkler (prefix scale 0.1, max prefix 4, boost only when Jaro ≥ 0.7): for names, where Dice
 * is weak on short strings. Own implementation: no allocation per call beyond two small typed
 * arrays reused. Reference values: MARTHA/MARHTA 0.961, DWAYNE/DUANE 0.84, DIXON/DICKSONX 0.813.
 * Two empty strings are identical (1); one empty string against another is 0.
 */
export const jaroWinkler: Similarity = (a, b) => {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const j = jaro(a, b);
  if (j < BOOST_THRESHOLD) return j;
  const limit = Math.min(MAX_PREFIX, a.length, b.length);
  let prefix = 0;
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * PREFIX_SCALE * (1 - j);
};

/**
 * `sim` with its answers kept per pair of strings, up to `max` pairs; then they are dropped and
 * kept afresh. For a similarity whose pairs come back again and again: the two-level map is
 * looked up without building a key.
 */
export function rememberingPairs(sim: Similarity, max: number): Similarity {
  let kept = new Map<string, Map<string, number>>();
  let count = 0;
  return (a, b) => {
    let row = kept.get(a);
    let v = row?.get(b);
    if (v !== undefined) return v;
    v = sim(a, b);
    if (count >= max) {
      kept = new Map();
      count = 0;
      row = undefined;
    }
    if (row === undefined) kept.set(a, (row = new Map()));
    row.set(b, v);
    count++;
    return v;
  };
}

/**
 * Pairs of job titles dice keeps: at most about 10 MB (an entry a pair, a small map for each
 * first title). Titles are few (pooled: thousands of distinct keys at national size), so the
 * same pairs come back: the review list of a 1.5M-person run asks for over half a million of
 * them, and fuzzy matching for every pair whose titles differ.
 */
const DICE_PAIRS_KEPT = 1 << 16;

/**
 * Dice coefficient on bigrams via string-similarity's compareTwoStrings: for job titles.
 * It ignores whitespace and is case-sensitive; strings under 2 characters score 0 unless equal.
 * compareTwoStrings builds a map of bigrams on every call, so answers are kept per pair
 * (rememberingPairs).
 */
export const dice: Similarity = rememberingPairs((a, b) => stringSimilarity.compareTwoStrings(a, b), DICE_PAIRS_KEPT);

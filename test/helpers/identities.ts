/** Identities for candidate-search tests. */
import { LARGE_NAME_BLOCK } from '../../src/core/candidates.js';
import { hashPair } from '../../src/core/key-table.js';
import type { Identity } from '../../src/core/score.js';
import { rng } from './rng.js';

/** Name and title pools for generateIdentities. */
export interface IdentityPools {
  firsts: readonly string[];
  lasts: readonly string[];
  positions: readonly string[];
}

const POOLS: IdentityPools = {
  firsts: ['john', 'jane', 'ali', 'mary', 'tom', 'sara', 'lukasz', 'bob', 'robert'],
  lasts: ['smith', 'jones', 'patel', 'khan', 'obrien', 'taylor', 'brown'],
  positions: ['staff nurse', 'healthcare assistant', 'consultant', 'porter'],
};

/**
 * Pools for fuzzy mode: names a letter apart (Jaro-Winkler above the default 0.92) and titles
 * that agree by Dice similarity (at or above the default 0.8) without being equal.
 */
export const FUZZY_POOLS: IdentityPools = {
  firsts: ['john', 'jon', 'jane', 'ali', 'mary', 'tom'],
  lasts: ['smith', 'smiths', 'jones', 'patel', 'patell', 'khan'],
  positions: ['staff nurse', 'staff nurses', 'staff nurse band 5', 'porter', 'porters', 'consultant', 'ward clerk'],
};

/** Small value pools so that many pairs collide on one or more anchors. */
export function generateIdentities(n: number, rnd: () => number, pools: IdentityPools = POOLS): Identity[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const { firsts, lasts, positions } = pools;
  const out: Identity[] = [];
  for (let i = 0; i < n; i++) {
    const maybe = <T>(v: T, p = 0.7): T | undefined => (rnd() < p ? v : undefined);
    out.push({
      email: maybe(`u${Math.floor(rnd() * n)}@nhs.net`, 0.6),
      aliases: rnd() < 0.1 ? [`a${Math.floor(rnd() * n)}@nhs.net`] : undefined,
      employeeNumber: maybe(String(Math.floor(rnd() * n)).padStart(8, '0'), 0.5),
      mobile: maybe(`+4479${String(Math.floor(rnd() * n)).padStart(8, '0')}`, 0.4),
      firstNames: rnd() < 0.9 ? (rnd() < 0.2 ? [pick(firsts), pick(firsts)] : [pick(firsts)]) : [],
      lastName: maybe(pick(lasts), 0.9),
      position: maybe(pick(positions), 0.6),
    });
  }
  return out;
}

/**
 * Two first names whose (last name, first name) pairs hash alike: a real collision, found by
 * search. With a long `prefix` the two are alike enough to agree by Jaro-Winkler in fuzzy mode.
 */
export function collidingFirstNames(last: string, prefix = 'f'): [string, string] {
  const byHash = new Map<number, string>();
  for (let k = 0; ; k++) {
    const f = `${prefix}${k.toString(36)}`;
    const h = hashPair(last, f);
    const other = byHash.get(h);
    if (other !== undefined) return [other, f];
    byHash.set(h, f);
  }
}

/** crowd's two first names that share a hash with 'smith' (found once). */
let crowdNames: [string, string] | undefined;

/** crowd's titles (undefined: none). */
export const TITLES: readonly (string | undefined)[] = ['staff nurse', 'porter', 'ward clerk', undefined];
/** With titles that agree in fuzzy mode without being equal (Dice 0.95 and 0.91), and one that does not (0.78). */
export const SIMILAR_TITLES: readonly (string | undefined)[] = [...TITLES, 'staff nurses', 'porters', 'staff nurse band 5'];

/**
 * Records crowded into a few large name blocks (one of them two names sharing a hash) with a
 * few titles, some of them sharing an email, employee number or mobile with a record on the
 * other side, so that some link above the names-and-title score and others are left to it.
 */
export function crowd(seed: number, titles: readonly (string | undefined)[] = TITLES): { left: Identity[]; right: Identity[] } {
  const [FIRST, IMPOSTOR] = (crowdNames ??= collidingFirstNames('smith'));
  const rnd = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const names: [string, string][] = [['smith', FIRST], ['smith', IMPOSTOR], ['patel', 'asha'], ['jones', 'ann']];
  const person = (side: string, k: number): Identity => {
    const [last, given] = pick(names);
    const shared = Math.floor(rnd() * 60);
    return {
      email: rnd() < 0.3 ? `p${shared}@nhs.net` : rnd() < 0.5 ? `${side}${k}@nhs.net` : undefined,
      employeeNumber: rnd() < 0.2 ? `0000${shared}` : undefined,
      mobile: rnd() < 0.2 ? `+4477009${String(shared).padStart(5, '0')}` : undefined,
      firstNames: rnd() < 0.1 ? [given, 'kay'] : [given],
      lastName: last,
      position: pick(titles),
    };
  };
  const n = 6 * LARGE_NAME_BLOCK + Math.floor(rnd() * 8 * LARGE_NAME_BLOCK);
  const m = 6 * LARGE_NAME_BLOCK + Math.floor(rnd() * 8 * LARGE_NAME_BLOCK);
  return { left: Array.from({ length: n }, (_, k) => person('l', k)), right: Array.from({ length: m }, (_, k) => person('r', k)) };
}

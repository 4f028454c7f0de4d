/** Identities for candidate-search tests. */
import { hashPair } from '../../src/core/key-table.js';
import type { Identity } from '../../src/core/score.js';

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

/**
 * The pool of Int32Arrays that matching's passes share (src/core/int32-pool.ts), and matching
 * with every array pooled: the same candidates as without, so no array is read after it went
 * back to the pool, and none comes back dirty (whole reconciliations: reconcile-properties).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Scheme } from '../../src/core/config.js';
import { findCandidates, leftKeys, type Candidate } from '../../src/core/candidates.js';
import { Int32Pool, MIN_POOLED } from '../../src/core/int32-pool.js';
import { generateIdentities } from '../helpers/identities.js';
import { rng } from '../helpers/rng.js';

describe('Int32Pool', () => {
  it('hands back a given buffer, zero-filled, without allocating', () => {
    const pool = new Int32Pool(8);
    const a = pool.take(100);
    expect(pool.allocatedBytes).toBe(400);
    a.fill(7);
    pool.give(a);
    const b = pool.take(60);
    expect(b.length).toBe(60);
    expect(b.buffer).toBe(a.buffer);
    expect([...b].every((x) => x === 0)).toBe(true);
    expect(pool.allocatedBytes).toBe(400);
  });

  it('takes the smallest free buffer that fits, and allocates when none does', () => {
    const pool = new Int32Pool(8);
    const big = pool.take(1000);
    const small = pool.take(100);
    pool.give(big);
    pool.give(small);
    expect(pool.take(50).buffer).toBe(small.buffer);
    expect(pool.take(50).buffer).toBe(big.buffer);
    const fresh = pool.take(50);
    expect(fresh.buffer).not.toBe(small.buffer);
    expect(fresh.buffer).not.toBe(big.buffer);
    expect(pool.allocatedBytes).toBe(4400 + 200);
  });

  it('does not pool arrays below its size, nor hand out one buffer twice', () => {
    const pool = new Int32Pool();
    const tiny = pool.take(MIN_POOLED - 1);
    pool.give(tiny);
    expect(pool.take(MIN_POOLED - 1).buffer).not.toBe(tiny.buffer);
    expect(pool.allocatedBytes).toBe(0);
    const a = pool.take(MIN_POOLED);
    pool.give(a);
    pool.give(a);
    const x = pool.take(MIN_POOLED);
    const y = pool.take(MIN_POOLED);
    expect(x.buffer).toBe(a.buffer);
    expect(y.buffer).not.toBe(a.buffer);
  });
});

const key = (c: Candidate): string => `${c.left}:${c.right}:${c.total}:${c.extraPoints}`;

describe('matching with pooled arrays', () => {
  it('finds the same candidates as without a pool, pass after pass on one pool, exact and fuzzy', () => {
    const scheme = DEFAULT_CONFIG.scheme;
    const fuzzy: Scheme = { ...structuredClone(scheme), fuzzy: { enabled: true, nameJaroWinkler: 0.9, positionDice: 0.6 } };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), (seed, nl, nr) => {
        const rnd = rng(seed);
        const left = generateIdentities(nl, rnd);
        const rights = [generateIdentities(nr, rnd), generateIdentities(Math.ceil(nr / 3), rnd), generateIdentities(nr * 2, rnd)];
        const pool = new Int32Pool(1);
        const keys = leftKeys(left, scheme, undefined, pool);
        for (const right of rights) {
          const best = new Float64Array(right.length).fill(-Infinity);
          const pooledBest = new Float64Array(right.length).fill(-Infinity);
          const opts = { scheme, retainFrom: scheme.threshold, retainLeft: (i: number) => i % 2 === 0 };
          const plain = findCandidates(left, right, { ...opts, bestRight: best }).toArray().map(key);
          const pooled = findCandidates(left, right, { ...opts, bestRight: pooledBest, pool, leftKeys: keys }).toArray().map(key);
          expect(pooled).toEqual(plain);
          expect([...pooledBest]).toEqual([...best]);
          const extra = { leftExtra: (i: number) => `x${i % 7}`, rightExtra: (j: number) => `x${j % 5}`, extraPoints: 6 };
          expect(findCandidates(left, right, { scheme, ...extra, pool }).toArray().map(key)).toEqual(findCandidates(left, right, { scheme, ...extra }).toArray().map(key));
          // Fuzzy mode scores every pair it finds in full, on the same index.
          expect(findCandidates(left, right, { scheme: fuzzy, pool }).toArray().map(key)).toEqual(findCandidates(left, right, { scheme: fuzzy }).toArray().map(key));
        }
      }),
      { numRuns: 40 },
    );
  });
});

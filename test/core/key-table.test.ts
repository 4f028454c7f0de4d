import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { duplicateGroups, hashKey, hashPair, IntPairs, itemsSharingAHash, KeyTableBuilder, type KeyTable } from '../../src/core/key-table.js';
import { Int32Pool } from '../../src/core/int32-pool.js';

/** The lookup findCandidates makes: bucket h & mask, entries with hash h. */
const collect = (t: KeyTable, h: number): number[] => {
  const out: number[] = [];
  const b = h & t.mask;
  for (let e = t.start[b]!; e < t.start[b + 1]!; e++) if (t.hashes[e] === h) out.push(t.items[e]!);
  return out;
};

describe('KeyTable', () => {
  it('finds, for any hash, exactly the records added with it, in record order (property)', () => {
    fc.assert(
      fc.property(
        // Few distinct hashes, several per record: buckets hold mixed hashes and repeats.
        fc.array(fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 4 }), { maxLength: 3000 }),
        (perRecord) => {
          const b = new KeyTableBuilder();
          perRecord.forEach((hashes, j) => hashes.forEach((h) => b.add(h, j)));
          const size = b.size;
          const t = b.build();
          expect(t.items.length).toBe(size);
          for (let h = -21; h <= 21; h++) {
            const expected: number[] = [];
            perRecord.forEach((hashes, j) => hashes.forEach((x) => (x === h ? expected.push(j) : undefined)));
            expect(collect(t, h)).toEqual(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('an empty table finds nothing', () => {
    expect(collect(new KeyTableBuilder().build(), hashKey('x'))).toEqual([]);
  });

  it('hashes the same text the same way, and a pair is not the hash of its joined text', () => {
    expect(hashKey('smith')).toBe(hashKey(['s', 'mith'].join('')));
    expect(hashKey('smith')).not.toBe(hashKey('smyth'));
    expect(hashPair('ab', 'c')).not.toBe(hashPair('a', 'bc'));
    expect(hashPair('smith', 'john')).not.toBe(hashPair('john', 'smith'));
    // Spread: 20,000 similar keys give (nearly) 20,000 hashes.
    const seen = new Set<number>();
    for (let k = 0; k < 20_000; k++) seen.add(hashKey(`0${k}@nhs.net`));
    expect(seen.size).toBeGreaterThan(19_990);
  });
});

describe('IntPairs', () => {
  it('starts at the capacity given and grows past it, keeping every pair in order', () => {
    for (const capacity of [0, 1, 3, 1024]) {
      const pairs = new IntPairs(capacity);
      expect(pairs.first.length).toBe(Math.max(1, capacity));
      for (let k = 0; k < 2500; k++) pairs.push(k, -k);
      expect(pairs.length).toBe(2500);
      expect(Array.from(pairs.first.subarray(0, 2500))).toEqual(Array.from({ length: 2500 }, (_, k) => k));
      expect(Array.from(pairs.second.subarray(0, 2500))).toEqual(Array.from({ length: 2500 }, (_, k) => -k || 0));
    }
  });
});

describe('duplicateGroups', () => {
  it('groups items by equal key as a Map would, for any keys (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.constantFrom('a', 'b', 'c', 'dd', 'e@nhs.net', ''), { nil: undefined }), { maxLength: 200 }), (keys) => {
        const items = keys.map((k, i) => ({ k, i }));
        const byKey = new Map<string, number[]>();
        for (const x of items) if (x.k !== undefined) byKey.set(x.k, [...(byKey.get(x.k) ?? []), x.i]);
        const expected = [...byKey.entries()].filter(([, g]) => g.length > 1).sort((x, y) => (x[0] < y[0] ? -1 : 1)).map(([, g]) => g);
        expect(duplicateGroups(items, (x) => x.k).map((g) => g.map((x) => x.i))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('groups as a Map would when most keys are unique (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('dup1', 'dup2')), { maxLength: 400 }), (keys) => {
        const items = keys.map((k, i) => ({ k, i }));
        const byKey = new Map<string, number[]>();
        for (const x of items) byKey.set(x.k, [...(byKey.get(x.k) ?? []), x.i]);
        const expected = [...byKey.entries()].filter(([, g]) => g.length > 1).sort((x, y) => (x[0] < y[0] ? -1 : 1)).map(([, g]) => g);
        expect(duplicateGroups(items, (x) => x.k).map((g) => g.map((x) => x.i))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('groups the same through a shared pool, which hands each call the arrays the last one gave back (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.option(fc.constantFrom('a', 'b', 'c', 'dd', ''), { nil: undefined }), { maxLength: 120 }), { minLength: 1, maxLength: 5 }), (lists) => {
        const pool = new Int32Pool(1); // pools every size
        for (const keys of lists) {
          const items = keys.map((k, i) => ({ k, i }));
          const pooled = duplicateGroups(items, (x) => x.k, pool);
          expect(pooled).toEqual(duplicateGroups(items, (x) => x.k));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('allocates no new arrays from its pool for a second source no larger than the first', () => {
    const pool = new Int32Pool(1);
    const keys = Array.from({ length: 5000 }, (_, i) => `k${i % 4000}`);
    expect(duplicateGroups(keys, (k) => k, pool)).toHaveLength(1000);
    const after = pool.allocatedBytes;
    expect(after).toBeGreaterThan(0);
    expect(duplicateGroups(keys.slice(0, 4500), (k) => k, pool)).toHaveLength(500);
    expect(pool.allocatedBytes).toBe(after);
  });

  it('reads a key again only for an item whose hash another item shares', () => {
    // 4,000 distinct keys: many buckets hold two of them, none shares a hash.
    const keys = Array.from({ length: 4000 }, (_, i) => `person${i}@nhs.net`);
    expect(new Set(keys.map((k) => hashKey(k))).size).toBe(keys.length);
    let reads = 0;
    expect(duplicateGroups([...keys, keys[7]!], (k) => (reads++, k))).toEqual([[keys[7], keys[7]]]);
    // Once each to build the table, then the two items sharing a hash.
    expect(reads).toBe(keys.length + 1 + 2);
  });

  it('keeps keys apart that only share a hash', () => {
    const byHash = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let k = 0; pair === undefined; k++) {
      const s = `x${k.toString(36)}@nhs.net`;
      const other = byHash.get(hashKey(s));
      if (other !== undefined) pair = [other, s];
      byHash.set(hashKey(s), s);
    }
    const [p, q] = pair;
    expect(hashKey(p)).toBe(hashKey(q));
    expect(duplicateGroups([p, q, p], (x) => x)).toEqual([[p, p]]);
    expect(duplicateGroups([p, q], (x) => x)).toEqual([]);
  });
});

describe('itemsSharingAHash', () => {
  it('gives the items whose hash another entry shares, ascending, not those that only share a bucket', () => {
    const b = new KeyTableBuilder();
    // 16 entries make 16 buckets: 5 and 21 fall in one bucket with different hashes.
    const hashes = [7, 5, 9, 7, 21, 100, 9, 9, 3, 4, 6, 8, 10, 11, 12, 13];
    hashes.forEach((h, item) => b.add(h, item));
    expect([...itemsSharingAHash(b.build())]).toEqual([0, 2, 3, 6, 7]);
  });

  it('agrees with duplicateGroups: every grouped item is among them', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 40 }), (keys) => {
        const b = new KeyTableBuilder();
        keys.forEach((k, i) => b.add(hashKey(k), i));
        const grouped = duplicateGroups(keys.map((_, i) => i), (i) => keys[i]).flat().sort((x, y) => x - y);
        expect([...itemsSharingAHash(b.build())]).toEqual(grouped);
      }),
    );
  });
});

/**
 * A blocking index in typed arrays: 32-bit hashes of key values → record indices, laid out
 * bucket by bucket (compressed rows), with no object per key or per posting. At national size
 * a `Map<string, …>` per key kind cost a cache miss or three per lookup (bucket, entry, key
 * string) plus millions of posting arrays for the collector; here a lookup reads one bucket
 * offset and one short run of two arrays: the records with value hash h are the entries e of
 * bucket b = h & mask (start[b] ≤ e < start[b + 1]) with hashes[e] === h, in record order.
 *
 * Different values can share a hash. A run is therefore "the records whose value has this
 * hash": callers score what they find with the real values, so a collision costs one extra
 * pair scored, never a wrong score.
 */

import { NO_POOL, type Int32Pool } from './int32-pool.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** A 32-bit hash of `s`'s UTF-16 code units (FNV-1a, then mixed); `seed` chains a previous hash. */
export function hashKey(s: string, seed = FNV_OFFSET): number {
  let h = seed;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), FNV_PRIME);
  return mix(h);
}

/**
 * A 53-bit hash of `s` (an integer below 2^53, exact in a double): two 32-bit lanes of FNV-1a
 * style with different primes and offsets, each mixed, the second's top 21 bits under the
 * first (so its upper 32 bits are hashKey's). Used where a value stands for a string in
 * equality tests alone (identity-codes.ts): two different strings share it with a chance of
 * about 2^-53.
 */
export function hash53(s: string): number {
  let h = FNV_OFFSET;
  let g = 0x9747b28c;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    h = Math.imul(h ^ c, FNV_PRIME);
    g = Math.imul(g ^ c, 0x5bd1e995);
  }
  return (mix(h) >>> 0) * 0x200000 + (mix(g ^ s.length) >>> 11);
}

/** The hash of the pair (a, b), chained so that ("ab", "c") and ("a", "bc") hash apart. */
export function hashPair(a: string, b: string): number {
  return hashKey(b, hashKey(a) ^ 0x9e3779b9);
}

export interface KeyTable {
  /** Buckets − 1 (buckets are a power of two). */
  readonly mask: number;
  /** Bucket b's entries are start[b] ≤ e < start[b + 1]. */
  readonly start: Int32Array;
  /** Per entry: the value's hash, and the record index (ascending within a bucket). */
  readonly hashes: Int32Array;
  readonly items: Int32Array;
}

/**
 * A growable list of integer pairs in two Int32Arrays (doubling), for building tables. Give a
 * `capacity` when the count can be foreseen: each doubling leaves the old arrays to the
 * collector, and typed arrays' memory lies outside the heap, where V8 answers every few tens of
 * MB allocated with a full collection ("external memory pressure"), which on a national-size
 * heap takes a second or two. The arrays come from `pool` and go back to it as the list grows
 * and when it is released (by default none are pooled).
 */
export class IntPairs {
  first: Int32Array;
  second: Int32Array;
  length = 0;

  constructor(
    capacity = 1024,
    private readonly pool: Int32Pool = NO_POOL,
  ) {
    this.first = pool.take(Math.max(1, capacity));
    this.second = pool.take(Math.max(1, capacity));
  }

  push(a: number, b: number): void {
    if (this.length === this.first.length) {
      const first = this.pool.take(this.length * 2);
      first.set(this.first);
      this.pool.give(this.first);
      this.first = first;
      const second = this.pool.take(this.length * 2);
      second.set(this.second);
      this.pool.give(this.second);
      this.second = second;
    }
    this.first[this.length] = a;
    this.second[this.length] = b;
    this.length++;
  }

  /** Gives the arrays back to the pool and empties the list. */
  release(): void {
    this.pool.give(this.first);
    this.pool.give(this.second);
    this.first = new Int32Array(1);
    this.second = new Int32Array(1);
    this.length = 0;
  }
}

/** Gives a table's arrays back to `pool`: the table must not be read again. */
export function releaseTable(table: KeyTable, pool: Int32Pool): void {
  pool.give(table.start);
  pool.give(table.hashes);
  pool.give(table.items);
}

/** Collects (hash, record) entries in record order, then lays them out as a KeyTable. */
export class KeyTableBuilder {
  private entries: IntPairs;

  /** `capacity`: the entries expected, if known (see IntPairs); `pool`: where arrays come from (see Int32Pool). */
  constructor(
    capacity?: number,
    private readonly pool: Int32Pool = NO_POOL,
  ) {
    this.entries = new IntPairs(capacity, pool);
  }

  add(hash: number, item: number): void {
    this.entries.push(hash, item);
  }

  get size(): number {
    return this.entries.length;
  }

  build(): KeyTable {
    const { first: entryHashes, second: entryItems, length: n } = this.entries;
    let buckets = 1;
    while (buckets < n) buckets *= 2;
    const mask = buckets - 1;
    const start = this.pool.take(buckets + 1);
    for (let e = 0; e < n; e++) start[(entryHashes[e]! & mask) + 1]!++;
    for (let b = 0; b < buckets; b++) start[b + 1]! += start[b]!;
    // start[b + 1] is now the end of bucket b. Entries are placed from the last, each at its
    // bucket's end moved down by one, so each bucket keeps entry order and start[b + 1] ends
    // at the bucket's first entry; shifting start down by one then makes start[b] its start.
    // No cursor array: one less typed array of every bucket (see IntPairs).
    const hashes = this.pool.take(n);
    const items = this.pool.take(n);
    for (let e = n - 1; e >= 0; e--) {
      const h = entryHashes[e]!;
      const at = --start[(h & mask) + 1]!;
      hashes[at] = h;
      items[at] = entryItems[e]!;
    }
    start.copyWithin(0, 1);
    start[buckets] = n;
    this.entries.release();
    return { mask, start, hashes, items };
  }
}

/**
 * The items (ascending) of `table`'s entries whose hash another entry's shares: every item whose
 * key another shares, with the odd one whose hash only collides.
 */
export function itemsSharingAHash(table: KeyTable): Int32Array {
  const { start, hashes, items } = table;
  const found: number[] = [];
  for (let b = 0; b + 1 < start.length; b++) {
    const from = start[b]!;
    const to = start[b + 1]!;
    if (to - from < 2) continue;
    for (let e = from; e < to; e++) {
      let shared = false;
      for (let f = from; f < to && !shared; f++) shared = f !== e && hashes[f] === hashes[e];
      if (shared) found.push(items[e]!);
    }
  }
  return Int32Array.from(found).sort();
}

/**
 * Items sharing a key, grouped (items in input order), groups ordered by key; items whose key
 * is undefined are left out. Keys go into a KeyTable: almost every key is unique, and a Map
 * entry per key was most of the cost at national size. Equal hashes are confirmed on the real
 * keys, which are read only for entries whose hash another entry shares: a bucket holding two
 * different hashes is common, and reading those records again was a cache miss each.
 * `pool`: where the table's arrays come from and go back to (see Int32Pool).
 */
export function duplicateGroups<T>(items: readonly T[], key: (t: T) => string | undefined, pool: Int32Pool = NO_POOL): T[][] {
  const builder = new KeyTableBuilder(items.length, pool);
  for (let i = 0; i < items.length; i++) {
    const k = key(items[i]!);
    if (k !== undefined) builder.add(hashKey(k), i);
  }
  const table = builder.build();
  const { start, hashes, items: at } = table;
  const groups: { key: string; items: T[] }[] = [];
  const grouped = new Set<number>();
  for (let b = 0; b + 1 < start.length; b++) {
    const from = start[b]!;
    const to = start[b + 1]!;
    if (to - from < 2) continue;
    for (let e = from; e < to; e++) {
      if (grouped.has(e)) continue;
      let shared = false;
      for (let f = e + 1; f < to && !shared; f++) shared = hashes[f] === hashes[e];
      if (!shared) continue;
      const k = key(items[at[e]!]!)!;
      let group: T[] | undefined;
      for (let f = e + 1; f < to; f++) {
        if (hashes[f] !== hashes[e] || grouped.has(f) || key(items[at[f]!]!) !== k) continue;
        grouped.add(f);
        (group ??= [items[at[e]!]!]).push(items[at[f]!]!);
      }
      if (group !== undefined) groups.push({ key: k, items: group });
    }
  }
  releaseTable(table, pool);
  return groups.sort((x, y) => (x.key < y.key ? -1 : 1)).map((g) => g.items);
}

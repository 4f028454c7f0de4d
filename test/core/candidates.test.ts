import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_CONFIG, type Scheme } from '../../src/core/config.js';
import { allPairs, blockingPlan, CandidateList, findCandidates, LARGE_NAME_BLOCK, leftKeys, SCAN_RUNS, type Candidate } from '../../src/core/candidates.js';
import { CHUNK_SIZE } from '../../src/core/columns.js';
import { hashKey, hashPair } from '../../src/core/key-table.js';
import { jaroWinkler } from '../../src/core/similarity.js';
import { namePositionPoints, PackedScore, packedScore, quickScore, scorePair, type Identity } from '../../src/core/score.js';
import { collidingFirstNames, FUZZY_POOLS, generateIdentities as generate } from '../helpers/identities.js';
import { rng } from '../helpers/rng.js';


const key = (c: Candidate): string => `${c.left}:${c.right}:${c.total}`;
const atLeast = (cs: Candidate[], floor: number): string[] => cs.filter((c) => c.total >= floor).map(key).sort();

/**
 * What a first pass with `retainFrom: threshold` keeps, from brute force's pairs (each left
 * record's best first): each left record's best pair and every pair at or above the threshold.
 */
function bestAndAtThreshold(pairs: Iterable<Candidate>, threshold: number): Candidate[] {
  const byLeft = new Map<number, Candidate[]>();
  for (const c of pairs) byLeft.set(c.left, [...(byLeft.get(c.left) ?? []), c]);
  const kept: Candidate[] = [];
  for (const cs of byLeft.values()) cs.forEach((c, k) => (k === 0 || c.total >= threshold ? kept.push(c) : undefined));
  return kept;
}

describe('retained candidates', () => {
  // Packed scores keep each anchor's level and points, not similarities.
  const full = (c: Candidate): unknown => ({
    left: c.left,
    right: c.right,
    total: c.total,
    extraPoints: c.extraPoints,
    anchors: c.score.anchors.map(({ anchor, level, points }) => ({ anchor, level, points })),
  });

  it('carry the scores brute force gives, best first per left record (with the extra anchor)', () => {
    const rnd = rng(7);
    const left = generate(600, rnd);
    const right = generate(600, rnd);
    const scheme = DEFAULT_CONFIG.scheme;
    const extra = { leftExtra: (i: number) => (i % 5 === 0 ? `id${i % 40}` : undefined), rightExtra: (j: number) => (j % 3 === 0 ? `id${j % 40}` : undefined), extraPoints: 6 };
    const found = findCandidates(left, right, { scheme, ...extra, keepFrom: scheme.reviewFloor, retainFrom: scheme.reviewFloor }).toArray();
    const brute = allPairs(left, right, { scheme, ...extra, keepFrom: scheme.reviewFloor });
    expect(found.some((c) => c.extraPoints > 0)).toBe(true);
    expect(found.map(full)).toEqual(brute.map(full));
  });

  it('orders a left record\'s many retained pairs best first, as brute force does (few and over 32)', () => {
    const scheme = DEFAULT_CONFIG.scheme;
    const left: Identity[] = [{ email: 'ann.lee@nhs.net', employeeNumber: '00000001', mobile: '+447700900001', firstNames: ['ann'], lastName: 'lee', position: 'staff nurse' }];
    for (const n of [5, 20, 33, 90]) {
      // All share the name and title (6 points); a scattered few also the email, number or mobile.
      const right: Identity[] = Array.from({ length: n }, (_, j) => ({
        email: (j * 7) % 5 === 0 ? 'ann.lee@nhs.net' : `other${j}@nhs.net`,
        employeeNumber: (j * 11) % 7 === 0 ? '00000001' : undefined,
        mobile: (j * 13) % 9 === 0 ? '+447700900001' : undefined,
        firstNames: ['ann'],
        lastName: 'lee',
        position: 'staff nurse',
      }));
      const found = findCandidates(left, right, { scheme, keepFrom: scheme.reviewFloor, retainFrom: scheme.reviewFloor }).toArray();
      const brute = allPairs(left, right, { scheme, keepFrom: scheme.reviewFloor });
      expect(found.length).toBe(n);
      expect(new Set(found.map((c) => c.total)).size).toBeGreaterThan(1);
      expect(found.map(key)).toEqual(brute.map(key));
    }
  });

  it('a list holds what was pushed and packs explained scores', () => {
    const w = DEFAULT_CONFIG.scheme.weights;
    const x: Identity = { email: 'a@nhs.net', firstNames: ['ann'], lastName: 'lee', position: 'nurse' };
    const y: Identity = { email: 'a@nhs.net', firstNames: ['ann'], lastName: 'lea' };
    const explained: Candidate = { left: 3, right: 9, total: 12, extraPoints: 6, score: scorePair(x, y, DEFAULT_CONFIG.scheme) };
    const list = CandidateList.of([explained], w);
    // Past a chunk of its columns (core/columns.ts), so entries on both sides of the seam.
    const n = CHUNK_SIZE + 3000;
    for (let k = 0; k < n; k++) list.push(k, 2 * k, k % 13, k % 2, packedScore(x, k % 2 ? y : x, DEFAULT_CONFIG.scheme).levels);
    expect(list.length).toBe(n + 1);
    for (const k of [1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, n]) {
      expect([list.leftAt(k), list.rightAt(k), list.totalAt(k), list.extraAt(k)]).toEqual([k - 1, 2 * (k - 1), (k - 1) % 13, (k - 1) % 2]);
    }
    expect(() => list.leftAt(n + 1)).toThrow(RangeError);
    expect(full(list.get(0))).toEqual(full(explained));
    const last = list.get(3000);
    expect([last.left, last.right, last.total, last.extraPoints]).toEqual([2999, 5998, 2999 % 13, 1]);
    expect(list.get(n).score.anchors).toEqual(packedScore(x, (n - 1) % 2 ? y : x, DEFAULT_CONFIG.scheme).anchors);
    expect(last.score.anchors).toEqual(packedScore(x, y, DEFAULT_CONFIG.scheme).anchors);
  });

  it('gives each entry its extra points when the first ones are 0', () => {
    const list = new CandidateList(DEFAULT_CONFIG.scheme.weights);
    const extras = [0, 0, 0, 4, 0, 4, 0];
    extras.forEach((e, k) => list.push(k, k, 6 + e, e, 0));
    expect(extras.map((_, k) => list.extraAt(k))).toEqual(extras);
    expect(extras.map((_, k) => list.get(k).extraPoints)).toEqual(extras);
  });
});

describe('candidate generation is complete', () => {
  it('finds exactly the pairs brute force finds at or above the review floor (3,000 × 3,000)', () => {
    const rnd = rng(42);
    const left = generate(3000, rnd);
    const right = generate(3000, rnd);
    const scheme = DEFAULT_CONFIG.scheme;
    const fast = findCandidates(left, right, { scheme }).toArray();
    const brute = allPairs(left, right, { scheme, keepFrom: scheme.reviewFloor });
    const expected = atLeast(brute, scheme.reviewFloor);
    expect(expected.length).toBeGreaterThan(1000);
    expect(atLeast(fast, scheme.reviewFloor)).toEqual(expected);
  });

  it('stays complete for any weights and floor (property)', () => {
    const w = fc.integer({ min: 0, max: 6 });
    fc.assert(
      fc.property(
        fc.record({ email: w, employeeNumber: w, mobile: w, lastName: w, firstName: w, fullName: w, position: w }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (weights, floor, seed) => {
          const scheme: Scheme = { ...DEFAULT_CONFIG.scheme, weights, reviewFloor: floor, threshold: floor };
          const rnd = rng(seed);
          const left = generate(120, rnd);
          const right = generate(120, rnd);
          expect(atLeast(findCandidates(left, right, { scheme }).toArray(), floor)).toEqual(atLeast(allPairs(left, right, { scheme, keepFrom: floor }), floor));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('with retainFrom, keeps each left record\'s best candidate and every pair at or above it, as brute force does, through large name blocks', () => {
    const rnd = rng(7);
    const left = generate(3000, rnd);
    const right = generate(3000, rnd);
    const scheme = DEFAULT_CONFIG.scheme;
    // The shortcut only applies to blocks of LARGE_NAME_BLOCK or more: make sure some are.
    const blocks = new Map<string, number>();
    for (const r of right) for (const f of r.firstNames ?? []) if (r.lastName) blocks.set(`${r.lastName} ${f}`, (blocks.get(`${r.lastName} ${f}`) ?? 0) + 1);
    expect(Math.max(...blocks.values())).toBeGreaterThanOrEqual(LARGE_NAME_BLOCK);
    const stats = { pairsScored: 0 };
    const fast = findCandidates(left, right, { scheme, retainFrom: scheme.threshold, stats }).toArray();
    // Blocking finds every pair from the review floor up, so compare from there: the best
    // candidate (highest total, then lowest right index) and everything at the threshold.
    const floor = scheme.reviewFloor;
    const expected: string[] = [];
    const byLeft = new Map<number, Candidate[]>();
    for (const c of allPairs(left, right, { scheme, keepFrom: floor })) byLeft.set(c.left, [...(byLeft.get(c.left) ?? []), c]);
    for (const cs of byLeft.values()) cs.forEach((c, k) => (k === 0 || c.total >= scheme.threshold ? expected.push(key(c)) : undefined));
    expect(expected.length).toBeGreaterThan(3000);
    expect(fast.filter((c) => c.total >= floor).map(key)).toEqual(expected);
    // Each retained candidate explains its total as scorePair does.
    const levels = (s: { anchors: readonly { level: string; points: number }[] }): string => s.anchors.map((r) => `${r.level}:${r.points}`).join(' ');
    for (const c of fast) {
      expect(levels(c.score)).toBe(levels(scorePair(left[c.left]!, right[c.right]!, scheme)));
      expect(c.score.score + c.extraPoints).toBe(c.total);
    }
    // …and scores far fewer pairs than the blocks hold.
    const plain = { pairsScored: 0 };
    findCandidates(left, right, { scheme, stats: plain }).toArray();
    expect(stats.pairsScored).toBeLessThan(plain.pairsScored / 2);
  });

  it('bestRight holds each right record\'s best total from the floor up, and retainLeft only limits what is returned', () => {
    const rnd = rng(11);
    const left = generate(1500, rnd);
    const right = generate(1500, rnd);
    const scheme = DEFAULT_CONFIG.scheme;
    const floor = scheme.reviewFloor;
    const bestRight = new Float64Array(right.length).fill(-Infinity);
    const odd = (i: number): boolean => i % 2 === 1;
    const stats = { pairsScored: 0 };
    const found = findCandidates(left, right, { scheme, keepFrom: floor, retainFrom: floor, bestRight, retainLeft: odd, stats }).toArray();
    const brute = allPairs(left, right, { scheme, keepFrom: floor });
    const expected = new Float64Array(right.length).fill(-Infinity);
    for (const c of brute) expected[c.right] = Math.max(expected[c.right]!, c.total);
    expect([...bestRight]).toEqual([...expected]);
    expect(expected.filter((t) => t >= floor).length).toBeGreaterThan(100);
    expect(found.map(key).sort()).toEqual(brute.filter((c) => odd(c.left)).map(key).sort());
    // The left records not retained took the large name blocks implicitly: far fewer pairs
    // scored than when every left record is retained, for the same best totals.
    const all = { pairsScored: 0 };
    const bestAll = new Float64Array(right.length).fill(-Infinity);
    findCandidates(left, right, { scheme, keepFrom: floor, retainFrom: floor, bestRight: bestAll, retainLeft: () => true, stats: all });
    expect([...bestAll]).toEqual([...expected]);
    expect(stats.pairsScored).toBeLessThan(all.pairsScored * 0.75);
  });

  it('bestRight skips reading a record that no pair through a small name block could raise', () => {
    const scheme = DEFAULT_CONFIG.scheme;
    const floor = scheme.reviewFloor;
    // A small block of namesakes: staff nurses, one of them sharing a left record's mobile and
    // one the extra anchor; a porter of the same name.
    const right: Identity[] = [
      { firstNames: ['ann'], lastName: 'lee', position: 'staff nurse', email: 'r0@nhs.net' },
      { firstNames: ['ann'], lastName: 'lee', position: 'staff nurse', mobile: '+447700900007' },
      { firstNames: ['ann'], lastName: 'lee', position: 'porter' },
      { firstNames: ['ann'], lastName: 'lee', position: 'staff nurse' },
    ];
    const rightExtra = (j: number): string | undefined => (j === 3 ? 'nid' : undefined);
    const nurses = (n: number): Identity[] => Array.from({ length: n }, (_, k) => ({ firstNames: ['ann'], lastName: 'lee', position: 'staff nurse', mobile: `+44770090000${k}` }));
    const run = (left: Identity[], leftExtra?: (i: number) => string | undefined): { best: number[]; reads: number[] } => {
      const reads = right.map(() => 0);
      const watched = right.map((r, j) => new Proxy(r, { get: (t, p) => (reads[j]!++, Reflect.get(t, p)) }));
      const bestRight = new Float64Array(right.length).fill(-Infinity);
      findCandidates(left, watched, { scheme, keepFrom: floor, retainFrom: floor, bestRight, retainLeft: () => false, leftExtra, rightExtra, extraPoints: scheme.nhsmailIdPoints });
      const expected = new Float64Array(right.length).fill(-Infinity);
      for (const c of allPairs(left, right, { scheme, keepFrom: floor, leftExtra, rightExtra, extraPoints: scheme.nhsmailIdPoints })) expected[c.right] = Math.max(expected[c.right]!, c.total);
      expect([...bestRight]).toEqual([...expected]);
      return { best: [...bestRight], reads };
    };
    // The mobile pair (left 7) and the extra anchor (left 5) score above the names and title.
    const withExtra = run(nurses(9), (i) => (i === 5 ? 'nid' : undefined));
    expect(withExtra.best).toEqual([6, 10, 5, 6 + scheme.nhsmailIdPoints]);
    // Once a nurse has raised the nurses to the names and title, and the porter to the names, the
    // next nurses read none of them; a porter still reads the porter, whom it can raise to 6.
    const two = run(nurses(2)).reads;
    expect(run(nurses(6)).reads).toEqual(two);
    const porter: Identity = { firstNames: ['ann'], lastName: 'lee', position: 'porter' };
    const withPorter = run([...nurses(6), porter]);
    expect(withPorter.best[2]).toBe(6);
    expect(withPorter.reads[2]).toBeGreaterThan(two[2]!);
    expect([withPorter.reads[0], withPorter.reads[1], withPorter.reads[3]]).toEqual([two[0], two[1], two[3]]);
  });

  it('bestRight reads a record without a title once for left records without one', () => {
    const scheme = DEFAULT_CONFIG.scheme;
    const right: Identity[] = [{ firstNames: ['ann'], lastName: 'lee' }];
    const reads = (n: number): number => {
      let count = 0;
      const watched = right.map((r) => new Proxy(r, { get: (t, p) => (count++, Reflect.get(t, p)) }));
      const bestRight = new Float64Array(1).fill(-Infinity);
      const left: Identity[] = Array.from({ length: n }, (_, k) => ({ firstNames: ['ann'], lastName: 'lee', email: `l${k}@nhs.net` }));
      findCandidates(left, watched, { scheme, keepFrom: scheme.reviewFloor, bestRight, retainLeft: () => false });
      expect(bestRight[0]).toBe(scheme.weights.lastName + scheme.weights.firstName + scheme.weights.fullName);
      return count;
    };
    expect(reads(5)).toBe(reads(1));
  });

  it('bestRight through a large name block raises only the records that really share a left record\'s name', () => {
    const [first, impostor] = collidingFirstNames('smith');
    const scheme = DEFAULT_CONFIG.scheme;
    const floor = scheme.reviewFloor;
    // One block (one hash): the impostor, then enough real namesakes to make it large, one of
    // them with a second first name.
    const right: Identity[] = [{ firstNames: [impostor], lastName: 'smith' }];
    for (let k = 0; k < LARGE_NAME_BLOCK + 2; k++) right.push({ firstNames: k === 0 ? ['zed', first] : [first], lastName: 'smith', position: `post ${k}` });
    right.push({ firstNames: [first], lastName: 'smyth' });
    const check = (left: Identity[], scored: number): void => {
      const bestRight = new Float64Array(right.length).fill(-Infinity);
      const stats = { pairsScored: 0 };
      const found = findCandidates(left, right, { scheme, keepFrom: floor, retainFrom: floor, bestRight, retainLeft: () => false, stats });
      const expected = new Float64Array(right.length).fill(-Infinity);
      for (const c of allPairs(left, right, { scheme, keepFrom: floor })) expected[c.right] = Math.max(expected[c.right]!, c.total);
      expect([...bestRight]).toEqual([...expected]);
      expect(found.length).toBe(0);
      // Only pairs in small blocks, or sharing a title or another key, are scored one by one.
      expect(stats.pairsScored).toBe(scored);
    };
    check([{ firstNames: [first], lastName: 'smith', position: 'porter' }], 0);
    check([{ firstNames: [impostor], lastName: 'smith', position: 'porter' }], 0);
    // "zed smith" is a block of one (scored); the second person meets the large block twice.
    check([{ firstNames: ['zed'], lastName: 'smith' }, { firstNames: [impostor, first], lastName: 'smith' }], 1);
  });

  it('quickScore equals the explained score for every pair (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const rnd = rng(seed);
        const [a, b] = [generate(30, rnd), generate(30, rnd)];
        for (const x of a) for (const y of b) expect(quickScore(x, y, DEFAULT_CONFIG.scheme)).toBe(scorePair(x, y, DEFAULT_CONFIG.scheme).score);
      }),
      { numRuns: 50 },
    );
  });

  it('packedScore gives the levels and total of the explained score for every pair, exact and fuzzy (property)', () => {
    const exact = DEFAULT_CONFIG.scheme;
    const fuzzy: Scheme = { ...exact, fuzzy: { ...exact.fuzzy, enabled: true } };
    const lenient: Scheme = { ...exact, weights: { ...exact.weights, position: 1.5 }, fuzzy: { enabled: true, nameJaroWinkler: 0.8, positionDice: 0.5 } };
    const levels = new Set<string>();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(exact, fuzzy, lenient), fc.boolean(), (seed, scheme, similar) => {
        const rnd = rng(seed);
        const pools = similar ? FUZZY_POOLS : undefined;
        const [a, b] = [generate(30, rnd, pools), generate(30, rnd, pools)];
        for (const x of a) {
          for (const y of b) {
            const packed = packedScore(x, y, scheme);
            const slow = PackedScore.of(scorePair(x, y, scheme), scheme.weights);
            expect(packed.score).toBe(slow.score);
            expect(packed.anchors).toEqual(slow.anchors);
            for (const r of packed.anchors) levels.add(`${r.anchor}:${r.level}`);
          }
        }
      }),
      { numRuns: 40 },
    );
    // Every anchor's every level came up (fuzzy ones for the names, full name and position).
    for (const l of ['lastName:fuzzy', 'firstName:fuzzy', 'fullName:fuzzy', 'position:fuzzy', 'email:alias', 'position:missing']) expect(levels).toContain(l);
  });

  it('with default weights blocks only on email, employee number, mobile and full name', () => {
    expect(blockingPlan(DEFAULT_CONFIG.scheme, 4)).toEqual(['email', 'employeeNumber', 'mobile', 'fullName']);
  });

  it('adds a last-name block when last name alone can reach the floor', () => {
    const scheme = { ...DEFAULT_CONFIG.scheme, weights: { ...DEFAULT_CONFIG.scheme.weights, lastName: 4 } };
    expect(blockingPlan(scheme, 4)).toContain('lastName');
  });

  it('counts the extra anchor (AD NHSmail ID) on its own', () => {
    const left: Identity[] = [{ lastName: 'a' }];
    const right: Identity[] = [{ lastName: 'b' }];
    const found = findCandidates(left, right, {
      scheme: DEFAULT_CONFIG.scheme,
      leftExtra: () => 'id-1',
      rightExtra: () => 'id-1',
      extraPoints: 6,
    }).toArray();
    expect(found).toHaveLength(1);
    expect(found[0]!.total).toBe(6);
    expect(found[0]!.extraPoints).toBe(6);
  });
});

describe('candidate generation with hash collisions', () => {
  it('a different name with the same hash never stands in for a large block\'s best candidate', () => {
    const [first, impostor] = collidingFirstNames('smith');
    expect(hashPair('smith', first)).toBe(hashPair('smith', impostor));
    // The impostor comes first, so it would be the block's lowest-numbered record.
    const right: Identity[] = [{ firstNames: [impostor], lastName: 'smith' }];
    for (let k = 0; k < LARGE_NAME_BLOCK + 2; k++) right.push({ firstNames: [first], lastName: 'smith', position: `post ${k}` });
    const left: Identity[] = [{ firstNames: [first], lastName: 'smith', position: 'porter' }];
    const scheme = DEFAULT_CONFIG.scheme;
    const stats = { pairsScored: 0 };
    const found = findCandidates(left, right, { scheme, retainFrom: scheme.threshold, stats }).toArray();
    expect(found.map(key)).toEqual([key(allPairs(left, right, { scheme })[0]!)]);
    expect(found[0]!.right).toBe(1);
    expect(stats.pairsScored).toBe(0); // the block was taken implicitly, not scored pair by pair
  });

  it('pairs that only share a hash are scored on their real values', () => {
    const [first, impostor] = collidingFirstNames('jones');
    const left: Identity[] = [{ firstNames: [first], lastName: 'jones' }];
    const right: Identity[] = [{ firstNames: [impostor], lastName: 'jones' }, { firstNames: [first], lastName: 'jones' }];
    const found = findCandidates(left, right, { scheme: DEFAULT_CONFIG.scheme }).toArray();
    expect(found.map(key)).toEqual(allPairs(left, right, { scheme: DEFAULT_CONFIG.scheme }).map(key));
    expect(found.map((c) => c.right)).toEqual([1, 0]);
  });
});

describe('a large name block\'s records with the left record\'s title', () => {
  const scheme = DEFAULT_CONFIG.scheme;
  const [first, impostor] = collidingFirstNames('patel');
  // Block "patel first": staff nurses with and without an email, alias, number or mobile; a few
  // share one with the left records below, and some hold the extra anchor.
  const right: Identity[] = [];
  for (let k = 0; k < 3 * LARGE_NAME_BLOCK; k++) {
    right.push({
      email: k % 3 === 0 ? undefined : k === 4 ? 'l1@nhs.net' : `r${k}@nhs.net`,
      aliases: k % 5 === 0 ? [`alias${k}@nhs.net`] : undefined,
      employeeNumber: k % 4 === 0 ? undefined : k === 7 ? '00000002' : `1${String(k).padStart(7, '0')}`,
      mobile: k % 2 === 0 ? `+4477009${String(k).padStart(5, '0')}` : k === 9 ? '+447700900003' : undefined,
      firstNames: k === 11 ? ['ann', first] : [first],
      lastName: 'patel',
      position: k % 6 === 5 ? 'porter' : 'staff nurse',
    });
  }
  // Block "smith first/impostor": one block of two names whose pairs share a hash.
  const [sFirst, sImpostor] = collidingFirstNames('smith');
  for (let k = 0; k < 2 * LARGE_NAME_BLOCK; k++) right.push({ email: `s${k}@nhs.net`, firstNames: [k % 4 === 1 ? sImpostor : sFirst], lastName: 'smith', position: 'staff nurse' });
  const rightExtra = (j: number): string | undefined => (j % 7 === 3 ? `nid${j % 2}` : undefined);
  const person = (n: number): Identity => ({
    email: n % 2 === 0 ? `l${n}@nhs.net` : undefined,
    employeeNumber: n % 3 === 0 ? undefined : `0000000${n}`,
    mobile: n % 4 === 1 ? undefined : `+44770090000${n}`,
    firstNames: n === 5 ? [impostor] : [first],
    lastName: 'patel',
    position: 'staff nurse',
  });
  const lefts = (n: number): Identity[] => [
    ...Array.from({ length: n }, (_, k) => person(k)),
    { firstNames: [sFirst], lastName: 'smith', position: 'staff nurse' },
    { firstNames: [sImpostor], lastName: 'smith', position: 'staff nurse', email: 's5@nhs.net' },
  ];
  const leftExtra = (i: number): string | undefined => (i % 3 === 1 ? `nid${i % 2}` : undefined);
  const explained = (c: Candidate): unknown => ({ left: c.left, right: c.right, total: c.total, extra: c.extraPoints, anchors: c.score.anchors.map(({ anchor, level }) => `${anchor}:${level}`) });

  it('score and explain every pair as brute force does, through a block of one name and one of two', () => {
    const left = lefts(8);
    const extra = { leftExtra, rightExtra, extraPoints: scheme.nhsmailIdPoints };
    const found = findCandidates(left, right, { scheme, ...extra, retainFrom: scheme.threshold }).toArray();
    const expected = bestAndAtThreshold(allPairs(left, right, { scheme, ...extra }), scheme.threshold);
    expect(found.map(explained)).toEqual(expected.map(explained));
    // The pairs cover each kind: other keys shared, the extra anchor, name and title alone, and an impostor's.
    expect(found.filter((c) => c.total === namePositionPoints(scheme)).length).toBeGreaterThan(20);
    expect(found.some((c) => c.total > namePositionPoints(scheme) && c.extraPoints === 0)).toBe(true);
    expect(found.some((c) => c.extraPoints > 0)).toBe(true);
    expect(found.some((c) => c.left === 5 && c.total < namePositionPoints(scheme))).toBe(true);
  });

  it('read a block of one name once, however many left records share it, and a block of two names for each', () => {
    // Two blocks of staff nurses: "patel first" alone, and "smith first" with "smith impostor".
    const block = (last: string, names: (k: number) => string): Identity[] =>
      Array.from({ length: 2 * LARGE_NAME_BLOCK }, (_, k) => ({ email: `${last}${k}@nhs.net`, mobile: k % 2 ? undefined : `+4477009${String(k).padStart(5, '0')}`, firstNames: [names(k)], lastName: last, position: 'staff nurse' }));
    const records = [...block('patel', () => first), ...block('smith', (k) => (k % 4 === 1 ? sImpostor : sFirst))];
    // Left records that share only the name and title with them.
    const nurses = (last: string, name: string, n: number): Identity[] => Array.from({ length: n }, (_, k) => ({ email: `left${k}@nhs.net`, firstNames: [name], lastName: last, position: 'staff nurse' }));
    const reads = (left: Identity[]): { one: number; two: number } => {
      const count = { one: 0, two: 0 };
      const watched = records.map((r, j) => new Proxy(r, { get: (t, p) => (count[j < 2 * LARGE_NAME_BLOCK ? 'one' : 'two']++, Reflect.get(t, p)) }));
      const found = findCandidates(left, watched, { scheme, retainFrom: scheme.threshold });
      expect(found.length).toBe(left.length * 2 * LARGE_NAME_BLOCK * (left[0]!.lastName === 'patel' ? 1 : 0.75));
      return count;
    };
    expect(reads(nurses('patel', first, 8)).one).toBe(reads(nurses('patel', first, 2)).one);
    expect(reads(nurses('smith', sFirst, 8)).two).toBeGreaterThan(reads(nurses('smith', sFirst, 2)).two);
  });
});

describe('a large name block with more titles than agreeingRuns scans', () => {
  it('finds the run of each left record\'s title as brute force does, in a block of many titles and one of few', () => {
    const scheme = DEFAULT_CONFIG.scheme;
    const titles = SCAN_RUNS + 20;
    const right: Identity[] = [];
    // "jones anna": two records for each of titles + 1 positions (many runs, found by map);
    // "brown bea": three positions (few runs, found by scanning their codes).
    for (let k = 0; k < 2 * (titles + 1); k++) right.push({ email: `j${k}@nhs.net`, firstNames: ['anna'], lastName: 'jones', position: `title ${k % (titles + 1)}` });
    for (let k = 0; k < 3 * LARGE_NAME_BLOCK; k++) right.push({ email: `b${k}@nhs.net`, firstNames: ['bea'], lastName: 'brown', position: `title ${k % 3}` });
    // Left records with a title each block holds, one it does not, and none.
    const left: Identity[] = [];
    for (const t of [0, 2, titles - 1, titles, titles + 5]) left.push({ firstNames: ['anna'], lastName: 'jones', position: `title ${t}` });
    left.push({ firstNames: ['anna'], lastName: 'jones' });
    for (const t of [1, 2, 7]) left.push({ firstNames: ['bea'], lastName: 'brown', position: `title ${t}` });
    const found = findCandidates(left, right, { scheme, retainFrom: scheme.threshold }).toArray();
    const expected = bestAndAtThreshold(allPairs(left, right, { scheme }), scheme.threshold);
    expect(found.map(key)).toEqual(expected.map(key));
    // Each left record is paired at the names and title with exactly its block's records of its
    // title (two in the many-title block, eight in the other), and with none when it has no title
    // there; which are all pairs sharing a name block, scored through it.
    for (let i = 0; i < left.length; i++) {
      const paired = found.filter((c) => c.left === i && c.total === namePositionPoints(scheme)).map((c) => c.right);
      const same = right.flatMap((r, j) => (r.lastName === left[i]!.lastName && r.position !== undefined && r.position === left[i]!.position ? [j] : []));
      expect(paired, `left ${i}`).toEqual(same);
    }
    expect(found.filter((c) => c.total === namePositionPoints(scheme))).toHaveLength(2 + 2 + 2 + 2 + 8 + 8);
  });

  it('does not take a title whose code (a hash) equals the left record\'s title\'s for it', () => {
    const scheme = DEFAULT_CONFIG.scheme;
    // Two titles whose hashes agree in the 30 bits a title's code keeps (found by search).
    const byCode = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let n = 0; pair === undefined; n++) {
      const t = `job ${n}`;
      const code = hashKey(t) >>> 2;
      const other = byCode.get(code);
      if (other !== undefined) pair = [other, t];
      else byCode.set(code, t);
    }
    const [held, lookalike] = pair;
    const right: Identity[] = Array.from({ length: LARGE_NAME_BLOCK }, (_, k) => ({ email: `c${k}@nhs.net`, firstNames: ['cy'], lastName: 'cole', position: k % 2 === 0 ? held : 'porter' }));
    const left: Identity[] = [{ firstNames: ['cy'], lastName: 'cole', position: lookalike }];
    const found = findCandidates(left, right, { scheme, retainFrom: scheme.threshold }).toArray();
    // Names only (5 points): the lowest record, as brute force gives; no pair at the title's 6.
    expect(found.map(key)).toEqual([key(allPairs(left, right, { scheme })[0]!)]);
    expect(found[0]!.total).toBe(namePositionPoints(scheme) - scheme.weights.position);
  });
});

describe('fuzzy mode through large name blocks', () => {
  const scheme: Scheme = { ...DEFAULT_CONFIG.scheme, fuzzy: { ...DEFAULT_CONFIG.scheme.fuzzy, enabled: true } };
  // Candidate search reaches the pairs sharing a key of the default plan (email or alias,
  // employee number, mobile, first & last name) or the extra anchor: fuzzy mode changes how a pair scores, not
  // which pairs are found. These are what brute force is compared on.
  const emails = (x: Identity): string[] => [...(x.email === undefined ? [] : [x.email]), ...(x.aliases ?? [])];
  const sharesKey = (a: Identity, b: Identity): boolean =>
    emails(a).some((e) => emails(b).includes(e)) ||
    (a.employeeNumber !== undefined && a.employeeNumber === b.employeeNumber) ||
    (a.mobile !== undefined && a.mobile === b.mobile) ||
    (a.lastName !== undefined && a.lastName === b.lastName && (a.firstNames ?? []).some((f) => (b.firstNames ?? []).includes(f)));
  const reachable = (left: Identity[], right: Identity[], opts: Parameters<typeof allPairs>[2]): Candidate[] =>
    allPairs(left, right, opts).filter((c) => sharesKey(left[c.left]!, right[c.right]!) || c.extraPoints > 0);
  const explained = (c: Candidate): string => `${c.left}:${c.right}:${c.total}:${c.extraPoints}:${c.score.anchors.map((r) => `${r.level}/${r.points}`).join(',')}`;
  const rnd = rng(21);
  const left = generate(1500, rnd, FUZZY_POOLS);
  const right = generate(1500, rnd, FUZZY_POOLS);
  const extra = { leftExtra: (i: number) => (i % 5 === 0 ? `id${i % 40}` : undefined), rightExtra: (j: number) => (j % 3 === 0 ? `id${j % 40}` : undefined), extraPoints: scheme.nhsmailIdPoints };

  it('keeps each left record\'s best pair and every pair at the threshold, with the levels scorePair gives, as brute force does', () => {
    const blocks = new Map<string, number>();
    for (const r of right) for (const f of r.firstNames ?? []) if (r.lastName) blocks.set(`${r.lastName} ${f}`, (blocks.get(`${r.lastName} ${f}`) ?? 0) + 1);
    expect(Math.max(...blocks.values())).toBeGreaterThanOrEqual(4 * LARGE_NAME_BLOCK);
    const stats = { pairsScored: 0 };
    const found = findCandidates(left, right, { scheme, ...extra, retainFrom: scheme.threshold, stats }).toArray();
    const expected: Candidate[] = [];
    const byLeft = new Map<number, Candidate[]>();
    for (const c of reachable(left, right, { scheme, ...extra })) byLeft.set(c.left, [...(byLeft.get(c.left) ?? []), c]);
    for (const cs of byLeft.values()) cs.forEach((c, k) => (k === 0 || c.total >= scheme.threshold ? expected.push(c) : undefined));
    expect(found.map(explained)).toEqual(expected.map(explained));
    // Among them: titles that agree only by similarity, names that agree only by similarity,
    // and best candidates that are a common name alone.
    const level = (c: Candidate, anchor: string): string | undefined => c.score.anchors.find((r) => r.anchor === anchor)?.level;
    expect(found.filter((c) => level(c, 'position') === 'fuzzy' && c.total === namePositionPoints(scheme)).length).toBeGreaterThan(100);
    expect(found.some((c) => level(c, 'lastName') === 'fuzzy' || level(c, 'firstName') === 'fuzzy')).toBe(true);
    expect(found.some((c) => c.total === scheme.weights.firstName + scheme.weights.lastName + scheme.weights.fullName)).toBe(true);
    // The blocks' pairs of agreeing titles are not each scored from the records.
    const plain = { pairsScored: 0 };
    findCandidates(left, right, { scheme, ...extra, stats: plain });
    expect(stats.pairsScored).toBeLessThan(plain.pairsScored / 2);
  });

  it('bestRight holds each right record\'s best total from the floor up, and retainLeft only limits what is returned', () => {
    const floor = scheme.reviewFloor;
    const bestRight = new Float64Array(right.length).fill(-Infinity);
    const odd = (i: number): boolean => i % 2 === 1;
    const found = findCandidates(left, right, { scheme, ...extra, keepFrom: floor, retainFrom: floor, bestRight, retainLeft: odd }).toArray();
    const brute = reachable(left, right, { scheme, ...extra, keepFrom: floor });
    const expected = new Float64Array(right.length).fill(-Infinity);
    for (const c of brute) expected[c.right] = Math.max(expected[c.right]!, c.total);
    expect([...bestRight]).toEqual([...expected]);
    expect(found.map(explained).sort()).toEqual(brute.filter((c) => odd(c.left)).map(explained).sort());
  });

  it('keeps what brute force keeps of the pairs sharing a key of the plan, for any weights, threshold and similarity levels (property)', () => {
    const w = fc.integer({ min: 0, max: 6 });
    const has = (x: Identity, y: Identity, k: string): boolean => {
      if (k === 'email') return emails(x).some((e) => emails(y).includes(e));
      if (k === 'employeeNumber') return x.employeeNumber !== undefined && x.employeeNumber === y.employeeNumber;
      if (k === 'mobile') return x.mobile !== undefined && x.mobile === y.mobile;
      if (k === 'position') return x.position !== undefined && x.position === y.position;
      const last = x.lastName !== undefined && x.lastName === y.lastName;
      const first = (x.firstNames ?? []).some((f) => (y.firstNames ?? []).includes(f));
      return k === 'fullName' ? last && first : k === 'lastName' ? last : first;
    };
    let blocks = 0;
    fc.assert(
      fc.property(
        fc.record({ email: w, employeeNumber: w, mobile: w, lastName: w, firstName: w, fullName: w, position: w }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(0.8, 0.9, 0.95),
        fc.constantFrom(0.5, 0.75, 0.9),
        fc.integer({ min: 1, max: 1_000_000 }),
        (weights, threshold, floor, jw, d, seed) => {
          const s: Scheme = { ...DEFAULT_CONFIG.scheme, weights, threshold, reviewFloor: floor, fuzzy: { enabled: true, nameJaroWinkler: jw, positionDice: d } };
          const plan = blockingPlan(s, Math.min(floor, threshold));
          const rnd = rng(seed);
          const left = generate(150, rnd, FUZZY_POOLS);
          const right = generate(400, rnd, FUZZY_POOLS);
          const found = findCandidates(left, right, { scheme: s, retainFrom: threshold }).toArray();
          const expected: Candidate[] = [];
          const byLeft = new Map<number, Candidate[]>();
          const reached = allPairs(left, right, { scheme: s }).filter((c) => plan.some((k) => has(left[c.left]!, right[c.right]!, k)));
          for (const c of reached) byLeft.set(c.left, [...(byLeft.get(c.left) ?? []), c]);
          for (const cs of byLeft.values()) cs.forEach((c, k) => (k === 0 || c.total >= threshold ? expected.push(c) : undefined));
          expect(found.map(explained)).toEqual(expected.map(explained));
          // The second pass's form: best totals into right records from the floor up, half the left records retained.
          const from = Math.min(floor, threshold);
          const bestRight = new Float64Array(right.length).fill(-Infinity);
          findCandidates(left, right, { scheme: s, keepFrom: from, retainFrom: from, bestRight, retainLeft: (i) => i % 2 === 1 });
          const want = new Float64Array(right.length).fill(-Infinity);
          for (const c of reached) if (c.total >= from) want[c.right] = Math.max(want[c.right]!, c.total);
          expect([...bestRight]).toEqual([...want]);
          if (plan.length === 4) blocks++;
        },
      ),
      // The default weights always among the runs: their plan is the one whose large-block
      // shortcuts this is about, and random weights reach it only now and then.
      {
        numRuns: 30,
        examples: [
          [{ ...DEFAULT_CONFIG.scheme.weights }, DEFAULT_CONFIG.scheme.threshold, DEFAULT_CONFIG.scheme.reviewFloor, 0.9, 0.75, 1],
          [{ ...DEFAULT_CONFIG.scheme.weights }, DEFAULT_CONFIG.scheme.threshold, DEFAULT_CONFIG.scheme.reviewFloor, 0.8, 0.5, 2],
        ],
      },
    );
    // Some runs had the default plan, where the large blocks' shortcuts apply.
    expect(blocks).toBeGreaterThan(0);
  });

  it('scores every pair of a block whose name only shares a hash with the left record\'s, and raises its best totals', () => {
    // Two names whose pairs with "smith" share a hash and agree by Jaro-Winkler: a large block
    // of one, met by left records holding the other, the same, or both.
    const [first, impostor] = collidingFirstNames('smith', 'alexandrina');
    expect(jaroWinkler(first, impostor)).toBeGreaterThanOrEqual(scheme.fuzzy.nameJaroWinkler);
    const block: Identity[] = Array.from({ length: 2 * LARGE_NAME_BLOCK }, (_, k) => ({ email: `r${k}@nhs.net`, firstNames: [first], lastName: 'smith', position: ['staff nurse', 'porter', 'ward clerk'][k % 3] }));
    const lefts: Identity[] = [
      { firstNames: [impostor], lastName: 'smith', position: 'staff nurses' },
      { firstNames: [first], lastName: 'smith', position: 'staff nurses' },
      { firstNames: [impostor], lastName: 'smith', position: 'consultant' },
    ];
    const found = findCandidates(lefts, block, { scheme, retainFrom: scheme.threshold }).toArray();
    const expected = bestAndAtThreshold(allPairs(lefts, block, { scheme }), scheme.threshold);
    expect(found.map(explained)).toEqual(expected.map(explained));
    // The impostor's pairs with the staff nurses score the (similar) names and title: a match each.
    expect(found.filter((c) => c.left === 0).length).toBe(Math.ceil((2 * LARGE_NAME_BLOCK) / 3));
    // Passive left records (bestRight only): the impostor alone still raises the block to the names' points.
    for (const passive of [[lefts[2]!], lefts]) {
      const bestRight = new Float64Array(block.length).fill(-Infinity);
      findCandidates(passive, block, { scheme, keepFrom: scheme.reviewFloor, retainFrom: scheme.reviewFloor, bestRight, retainLeft: () => false });
      const want = new Float64Array(block.length).fill(-Infinity);
      for (const c of allPairs(passive, block, { scheme, keepFrom: scheme.reviewFloor })) want[c.right] = Math.max(want[c.right]!, c.total);
      expect([...bestRight]).toEqual([...want]);
      expect(Math.min(...want)).toBeGreaterThanOrEqual(scheme.weights.firstName + scheme.weights.lastName + scheme.weights.fullName);
    }
  });

  it('raises a record met through a small name block to the names and a similar title, though its best already holds the names', () => {
    const right: Identity[] = [{ firstNames: ['ann'], lastName: 'lee', position: 'staff nurse' }];
    // The porter raises the nurse to the names' points; then the similar title is worth a point more.
    const left: Identity[] = [
      { firstNames: ['ann'], lastName: 'lee', position: 'porter', email: 'a@nhs.net' },
      { firstNames: ['ann'], lastName: 'lee', position: 'staff nurses', email: 'b@nhs.net' },
    ];
    const bestRight = new Float64Array(1).fill(-Infinity);
    findCandidates(left, right, { scheme, keepFrom: scheme.reviewFloor, bestRight, retainLeft: () => false });
    expect(bestRight[0]).toBe(namePositionPoints(scheme));
  });
});

describe('left-side key hashes shared between calls', () => {
  it('give the same candidates as computing them afresh, and keys for other records or another extra anchor are not used', () => {
    const rnd = rng(5);
    const left = generate(800, rnd);
    const right = generate(800, rnd);
    const scheme = DEFAULT_CONFIG.scheme;
    const plain = findCandidates(left, right, { scheme }).toArray().map(key);
    expect(findCandidates(left, right, { scheme, leftKeys: leftKeys(left, scheme) }).toArray().map(key)).toEqual(plain);
    // Keys of other records (same length) must not be taken for these.
    const other = generate(800, rng(6));
    expect(findCandidates(left, right, { scheme, leftKeys: leftKeys(other, scheme) }).toArray().map(key)).toEqual(plain);
    // Keys without the extra anchor must not hide pairs found only through it.
    const extra = { leftExtra: (i: number) => `id-${i}`, rightExtra: (j: number) => `id-${799 - j}`, extraPoints: 6 };
    const withExtra = findCandidates(left, right, { scheme, ...extra }).toArray().map(key);
    expect(withExtra.length).toBeGreaterThan(plain.length);
    expect(findCandidates(left, right, { scheme, ...extra, leftKeys: leftKeys(left, scheme) }).toArray().map(key)).toEqual(withExtra);
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assignOneToOne, IndexMap, Links } from '../../src/core/assign.js';
import { CandidateList, type Candidate } from '../../src/core/candidates.js';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { Int32Pool } from '../../src/core/int32-pool.js';

const c = (left: number, right: number, total: number): Candidate => ({
  left,
  right,
  total,
  extraPoints: 0,
  score: { score: total, anchors: [] },
});

const list = (cs: readonly Candidate[]): CandidateList => CandidateList.of(cs, DEFAULT_CONFIG.scheme.weights);

describe('assignOneToOne', () => {
  it('links best score first, one to one', () => {
    const a = assignOneToOne(list([c(0, 0, 12), c(0, 1, 6), c(1, 0, 10), c(1, 1, 7)]), 6);
    expect(a.links.get(0)!.right).toBe(0);
    expect(a.links.get(1)!.right).toBe(1);
    expect(a.ambiguous).toEqual([]);
  });

  it('does not link when a record ties at its top score; all tied pairs go to review', () => {
    const a = assignOneToOne(list([c(0, 0, 10), c(0, 1, 10), c(1, 2, 8)]), 6);
    expect(a.links.has(0)).toBe(false);
    expect(a.ambiguous.map((x) => x.right).sort()).toEqual([0, 1]);
    expect(a.links.get(1)!.right).toBe(2);
  });

  it('a tie on the right side (two people for one account) is ambiguous too', () => {
    const a = assignOneToOne(list([c(0, 0, 10), c(1, 0, 10)]), 6);
    expect(a.links.size).toBe(0);
    expect(a.ambiguousLeft).toEqual(new Set([0, 1]));
  });

  it('a record held as ambiguous is not linked to a lower-scoring candidate either', () => {
    const a = assignOneToOne(list([c(0, 0, 10), c(0, 1, 10), c(0, 2, 6)]), 6);
    expect(a.links.has(0)).toBe(false);
  });

  it('ignores pairs below the threshold', () => {
    expect(assignOneToOne(list([c(0, 0, 5)]), 6).links.size).toBe(0);
  });

  it('is always one-to-one, above threshold, and independent of input order (property)', () => {
    const cand = fc.record({ left: fc.integer({ min: 0, max: 15 }), right: fc.integer({ min: 0, max: 15 }), total: fc.integer({ min: 0, max: 20 }) });
    fc.assert(
      fc.property(fc.uniqueArray(cand, { selector: (x) => `${x.left}:${x.right}`, maxLength: 80 }), (raw) => {
        const cs = raw.map((x) => c(x.left, x.right, x.total));
        const a = assignOneToOne(list(cs), 6);
        const rights = [...a.links.values()].map((x) => x.right);
        expect(new Set(rights).size).toBe(rights.length);
        for (const [l, x] of a.links) {
          expect(x.left).toBe(l);
          expect(x.total).toBeGreaterThanOrEqual(6);
          expect(a.ambiguousLeft.has(l)).toBe(false);
        }
        const b = assignOneToOne(list([...cs].reverse()), 6);
        expect([...b.links.entries()].map(([l, x]) => `${l}:${x.right}`).sort()).toEqual(
          [...a.links.entries()].map(([l, x]) => `${l}:${x.right}`).sort(),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same assignment with its working arrays from one pool, run after run (property)', () => {
    const cand = fc.record({ left: fc.integer({ min: 0, max: 15 }), right: fc.integer({ min: 0, max: 15 }), total: fc.integer({ min: 0, max: 20 }) });
    const pool = new Int32Pool(1);
    const view = (a: ReturnType<typeof assignOneToOne>): unknown => [
      [...a.links.entries()].map(([l, x]) => [l, x.right, x.total]),
      a.ambiguous.map((x) => [x.left, x.right]),
    ];
    fc.assert(
      fc.property(fc.uniqueArray(cand, { selector: (x) => `${x.left}:${x.right}`, maxLength: 80 }), (raw) => {
        const cs = list(raw.map((x) => c(x.left, x.right, x.total)));
        expect(view(assignOneToOne(cs, 6, pool))).toEqual(view(assignOneToOne(cs, 6)));
      }),
      { numRuns: 300 },
    );
    expect(pool.allocatedBytes).toBeGreaterThan(0);
  });
});

describe('assignOneToOne: ties spread through shared records', () => {
  it('a chain of equal-score pairs is ambiguous as a whole, whatever the order', () => {
    const cs = [c(0, 0, 10), c(0, 1, 10), c(2, 1, 10)];
    for (const order of [cs, [...cs].reverse(), [cs[2]!, cs[0]!, cs[1]!]]) {
      const a = assignOneToOne(list(order), 6);
      expect(a.links.size).toBe(0);
      expect([...a.ambiguousLeft].sort()).toEqual([0, 2]);
      expect([...a.ambiguousRight].sort()).toEqual([0, 1]);
    }
  });
});

/**
 * The rule stated plainly, as an oracle: score levels best first; within a level, the open
 * pairs connected through shared records are linked when alone and held as ambiguous otherwise.
 */
function reference(cs: readonly Candidate[], threshold: number): { links: string[]; ambiguous: string[] } {
  const levels = [...new Set(cs.filter((x) => x.total >= threshold).map((x) => x.total))].sort((a, b) => b - a);
  const takenLeft = new Set<number>();
  const takenRight = new Set<number>();
  const links: string[] = [];
  const ambiguous: string[] = [];
  for (const score of levels) {
    const open = cs.filter((x) => x.total === score && !takenLeft.has(x.left) && !takenRight.has(x.right));
    // Components by repeated flooding: small inputs only.
    const done = new Set<Candidate>();
    for (const seed of open) {
      if (done.has(seed)) continue;
      const comp = [seed];
      done.add(seed);
      for (let k = 0; k < comp.length; k++) {
        for (const y of open) {
          if (!done.has(y) && (y.left === comp[k]!.left || y.right === comp[k]!.right)) {
            done.add(y);
            comp.push(y);
          }
        }
      }
      for (const y of comp) (comp.length === 1 ? links : ambiguous).push(`${y.left}:${y.right}`);
    }
    for (const y of open) {
      takenLeft.add(y.left);
      takenRight.add(y.right);
    }
  }
  return { links: links.sort(), ambiguous: ambiguous.sort() };
}

describe('assignOneToOne against the rule stated plainly', () => {
  it('links and holds as ambiguous exactly the pairs the rule does (property)', () => {
    const cand = fc.record({ left: fc.integer({ min: 0, max: 12 }), right: fc.integer({ min: 0, max: 12 }), total: fc.integer({ min: 4, max: 12 }) });
    fc.assert(
      fc.property(fc.uniqueArray(cand, { selector: (x) => `${x.left}:${x.right}`, maxLength: 60 }), (raw) => {
        const cs = raw.map((x) => c(x.left, x.right, x.total));
        const a = assignOneToOne(list(cs), 6);
        const want = reference(cs, 6);
        expect([...a.links.values()].map((x) => `${x.left}:${x.right}`).sort()).toEqual(want.links);
        expect(a.ambiguous.map((x) => `${x.left}:${x.right}`).sort()).toEqual(want.ambiguous);
        expect([...a.ambiguousLeft].sort((x, y) => x - y)).toEqual([...new Set(a.ambiguous.map((x) => x.left))].sort((x, y) => x - y));
      }),
      { numRuns: 500 },
    );
  });
});

describe('assignOneToOne on pairs in the order findCandidates gives them', () => {
  it('links and holds as ambiguous exactly the pairs the rule does (property)', () => {
    const cand = fc.record({ left: fc.integer({ min: 0, max: 12 }), right: fc.integer({ min: 0, max: 12 }), total: fc.integer({ min: 4, max: 12 }) });
    fc.assert(
      fc.property(fc.uniqueArray(cand, { selector: (x) => `${x.left}:${x.right}`, maxLength: 60 }), (raw) => {
        // findCandidates' order: left, then total descending, then right.
        const cs = raw.map((x) => c(x.left, x.right, x.total)).sort((a, b) => a.left - b.left || b.total - a.total || a.right - b.right);
        const fromList = assignOneToOne(list(cs), 6);
        const want = reference(cs, 6);
        expect([...fromList.links.entries()].map(([l, x]) => `${l}:${x.left}:${x.right}:${x.total}`).sort()).toEqual(
          want.links.map((k) => `${k.split(':')[0]}:${k}:${cs.find((x) => `${x.left}:${x.right}` === k)!.total}`).sort(),
        );
        expect(fromList.ambiguous.map((x) => `${x.left}:${x.right}`)).toEqual(want.ambiguous.slice().sort((a, b) => {
          const [al, ar] = a.split(':').map(Number);
          const [bl, br] = b.split(':').map(Number);
          return al! - bl! || ar! - br!;
        }));
      }),
      { numRuns: 500 },
    );
  });
});

describe('IndexMap', () => {
  it('maps record indices to record indices, counting each set once', () => {
    const m = new IndexMap(5);
    expect([m.size, m.get(0), m.has(0)]).toEqual([0, undefined, false]);
    m.set(3, 0);
    m.set(1, 7);
    m.set(3, 2);
    expect([m.size, m.get(3), m.get(1), m.has(1), m.has(2), m.get(9)]).toEqual([2, 2, 7, true, false, undefined]);
  });
});

describe('Links', () => {
  it('holds one candidate per left record and iterates in left order', () => {
    const from = new CandidateList(DEFAULT_CONFIG.scheme.weights);
    from.push(4, 0, 6, 0, 0);
    from.push(1, 2, 6, 0, 0);
    from.push(4, 1, 6, 0, 0);
    const links = new Links(6, DEFAULT_CONFIG.scheme.weights);
    links.setFrom(4, from, 0);
    links.setFrom(1, from, 1);
    links.setFrom(4, from, 2);
    expect([links.size, links.has(1), links.has(2), links.get(4)?.right, links.get(9)]).toEqual([2, true, false, 1, undefined]);
    expect([...links].map(([l, x]) => `${l}:${x.right}`)).toEqual(['1:2', '4:1']);
    expect([...links.values()].map((x) => x.left)).toEqual([1, 4]);
    expect([links.rightOf(4), links.rightOf(1), links.rightOf(2), links.rightOf(9)]).toEqual([1, 2, undefined, undefined]);
  });

  it('keeps each link\'s score, extra points and anchor levels when packed', () => {
    const w = DEFAULT_CONFIG.scheme.weights;
    const from = new CandidateList(w);
    from.push(0, 5, 8, 3, 0b101);
    from.push(2, 7, 6.5, 0, 0b011);
    const links = new Links(3, w);
    links.setFrom(2, from, 1);
    links.setFrom(0, from, 0);
    const got = [...links].map(([l, x]) => [l, x.left, x.right, x.total, x.extraPoints, x.score.score]);
    expect(got).toEqual([
      [0, 0, 5, 8, 3, 5],
      [2, 2, 7, 6.5, 0, 6.5],
    ]);
    expect(links.get(0)).toEqual(from.get(0));
    expect(() => links.setFrom(3, from, 0)).toThrow(RangeError);
  });
});

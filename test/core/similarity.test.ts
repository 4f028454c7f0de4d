import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import stringSimilarity from 'string-similarity';
import { dice, jaroWinkler, rememberingPairs } from '../../src/core/similarity.js';

describe('jaroWinkler', () => {
  // Published reference values (Winkler 1990; Wikipedia), to 3 places.
  it.each([
    ['MARTHA', 'MARHTA', 0.961],
    ['DWAYNE', 'DUANE', 0.84],
    ['DIXON', 'DICKSONX', 0.813],
    ['JELLYFISH', 'SMELLYFISH', 0.896], // Jaro 0.896, no common prefix
    ['CRATE', 'TRACE', 0.733], // Jaro 0.733, no prefix
  ])('%s / %s ≈ %d', (a, b, want) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(want, 3);
    expect(jaroWinkler(b, a)).toBeCloseTo(want, 3);
  });

  it.each([
    ['smith', 'smith', 1],
    ['', '', 1],
    ['smith', '', 0],
    ['', 'smith', 0],
    ['abc', 'xyz', 0],
    ['a', 'a', 1],
    ['a', 'b', 0],
  ])('%j / %j = %d', (a, b, want) => {
    expect(jaroWinkler(a, b)).toBe(want);
  });

  it('boosts only pairs already close (Jaro ≥ 0.7)', () => {
    // Jaro(ABCDEFGH, ABZZZZZZ) = (2/8 + 2/8 + 1) / 3 = 0.5: shared prefix AB must not lift it.
    expect(jaroWinkler('ABCDEFGH', 'ABZZZZZZ')).toBeCloseTo(0.5, 10);
  });

  it('counts at most 4 prefix characters', () => {
    // Jaro(ABCDEFX, ABCDEFY) = (6/7 + 6/7 + 1) / 3; prefix 6 is capped at 4.
    const j = (6 / 7 + 6 / 7 + 1) / 3;
    expect(jaroWinkler('ABCDEFX', 'ABCDEFY')).toBeCloseTo(j + 4 * 0.1 * (1 - j), 10);
  });

  it('survives strings longer than its reused buffers', () => {
    const a = 'x'.repeat(500) + 'a';
    const b = 'x'.repeat(500) + 'b';
    expect(jaroWinkler(a, b)).toBeGreaterThan(0.99);
    expect(jaroWinkler('MARTHA', 'MARHTA')).toBeCloseTo(0.961, 3); // buffers still clean afterwards
  });

  it('is symmetric, within 0..1, and 1 only for equal strings', () => {
    const name = fc.stringMatching(/^[a-e]{0,12}$/);
    fc.assert(
      fc.property(name, name, (a, b) => {
        const s = jaroWinkler(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(jaroWinkler(b, a)).toBeCloseTo(s, 12);
        if (a !== b) expect(s).toBeLessThan(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with a plain textbook implementation', () => {
    const name = fc.stringMatching(/^[a-f]{1,10}$/);
    fc.assert(
      fc.property(name, name, (a, b) => {
        expect(jaroWinkler(a, b)).toBeCloseTo(textbook(a, b), 12);
      }),
      { numRuns: 2000 },
    );
  });
});

/** Straight from the definition, allocating freely: the reference for the fast version. */
function textbook(a: string, b: string): number {
  if (a === b) return 1;
  const w = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const ma: boolean[] = Array.from({ length: a.length }, () => false);
  const mb: boolean[] = Array.from({ length: b.length }, () => false);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - w); j < Math.min(b.length, i + w + 1); j++) {
      if (!mb[j] && a[i] === b[j]) {
        ma[i] = mb[j] = true;
        m++;
        break;
      }
    }
  }
  if (m === 0) return 0;
  const sa = [...a].filter((_, i) => ma[i]);
  const sb = [...b].filter((_, i) => mb[i]);
  const t = sa.filter((c, i) => c !== sb[i]).length / 2;
  const jaro = (m / a.length + m / b.length + (m - t) / m) / 3;
  if (jaro < 0.7) return jaro;
  let p = 0;
  while (p < 4 && p < a.length && p < b.length && a[p] === b[p]) p++;
  return jaro + p * 0.1 * (1 - jaro);
}

describe('dice', () => {
  it.each([
    ['staff nurse', 'staff nurse', 1],
    ['staff nurse', 'staffnurse', 1], // whitespace is ignored
    ['', '', 1],
    ['a', 'b', 0], // under two characters: no bigrams
    ['abc', 'xyz', 0],
    ['night', 'nacht', 0.25], // ni ig gh ht / na ac ch ht: 2·1 / 8
    ['staff nurse', 'senior staff nurse', 0.75],
  ])('%j / %j = %d', (a, b, want) => {
    expect(dice(a, b)).toBeCloseTo(want, 10);
  });

  it('ranks a near title above an unrelated one', () => {
    expect(dice('healthcare assistant', 'senior healthcare assistant')).toBeGreaterThan(dice('healthcare assistant', 'consultant radiologist'));
  });

  it('answers as compareTwoStrings does, pairs asked for again included (property)', () => {
    const title = fc.constantFrom('staff nurse', 'senior staff nurse', 'nurse', 'ward clerk', 'consultant', 'a', '');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(title, fc.string()), fc.oneof(title, fc.string())), { maxLength: 60 }), (pairs) => {
        for (const [a, b] of pairs) expect(dice(a, b)).toBe(stringSimilarity.compareTwoStrings(a, b));
      }),
    );
  });
});

describe('rememberingPairs', () => {
  it('asks once per pair and, past its limit, starts again with the same answers (property)', () => {
    const word = fc.constantFrom('ab', 'abc', 'bcd', 'x', 'abcd');
    fc.assert(
      fc.property(fc.array(fc.tuple(word, word), { maxLength: 80 }), fc.integer({ min: 1, max: 6 }), (pairs, max) => {
        const asked: string[] = [];
        const sim = rememberingPairs((a, b) => {
          asked.push(`${a}|${b}`);
          return stringSimilarity.compareTwoStrings(a, b);
        }, max);
        for (const [a, b] of pairs) expect(sim(a, b)).toBe(stringSimilarity.compareTwoStrings(a, b));
        // Without dropping (max above the distinct pairs), each pair is asked for once.
        const distinct = new Set(pairs.map(([a, b]) => `${a}|${b}`));
        if (distinct.size <= max) expect(asked.length).toBe(distinct.size);
        else expect(asked.length).toBeGreaterThanOrEqual(distinct.size);
      }),
    );
  });

  it('keeps (a, b) apart from (b, a)', () => {
    const sim = rememberingPairs((a, b) => (a < b ? 1 : 0), 10);
    expect([sim('a', 'b'), sim('b', 'a'), sim('a', 'b')]).toEqual([1, 0, 1]);
  });
});

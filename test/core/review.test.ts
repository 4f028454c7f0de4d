import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { ReviewItems, type ReviewSides } from '../../src/core/review.js';
import { scorePair, type Identity } from '../../src/core/score.js';

const scheme = DEFAULT_CONFIG.scheme;

const people: Identity[] = [
  { email: 'amy.pond@nhs.net', firstNames: ['amy'], lastName: 'pond', position: 'nurse' },
  { firstNames: ['rory'], lastName: 'williams', position: 'nurse' },
];
const accounts: Identity[] = [
  { email: 'amy.pond@nhs.net', firstNames: ['amy'], lastName: 'pond', position: 'midwife' },
  { firstNames: ['rory'], lastName: 'williams', position: 'porter' },
];

/** Sides that count their reads, to show explanations are built on read, not held. */
function sides(link: ReviewSides['link']): ReviewSides & { reads: number } {
  const s = {
    link,
    reads: 0,
    left(i: number): Identity {
      s.reads++;
      return people[i]!;
    },
    right(j: number): Identity {
      s.reads++;
      return accounts[j]!;
    },
  };
  return s;
}

describe('ReviewItems', () => {
  it('keeps items in the order added, with their stage, kind and pair', () => {
    const items = new ReviewItems(scheme);
    const one = items.stage(sides('ESR-NHSmail'));
    const two = items.stage(sides('NHSmail-AD'));
    items.add(one, 'ambiguous', { left: 0, right: 0, total: 7, extraPoints: 0 });
    items.add(two, 'near-miss', { left: 1, right: 1, total: 5.5, extraPoints: 2 });
    items.add(one, 'near-miss', { left: 1, right: 0, total: 5, extraPoints: 0 });
    expect(items.length).toBe(3);
    expect([items.count('ambiguous'), items.count('near-miss')]).toEqual([1, 2]);
    expect([...items].map((x) => [x.link, x.kind, x.candidate.left, x.candidate.right, x.candidate.total, x.candidate.extraPoints])).toEqual([
      ['ESR-NHSmail', 'ambiguous', 0, 0, 7, 0],
      ['NHSmail-AD', 'near-miss', 1, 1, 5.5, 2],
      ['ESR-NHSmail', 'near-miss', 1, 0, 5, 0],
    ]);
  });

  it('explains a pair from its stage\'s sides when read, similarities included', () => {
    const items = new ReviewItems(scheme);
    const s = sides('ESR-NHSmail');
    items.add(items.stage(s), 'near-miss', { left: 1, right: 1, total: 5, extraPoints: 0 });
    const item = items.get(0);
    expect(s.reads).toBe(0);
    const score = item.candidate.score;
    expect(s.reads).toBe(2);
    expect(score).toEqual(scorePair(people[1]!, accounts[1]!, scheme, true));
    expect(score.anchors.find((a) => a.anchor === 'position')?.similarity).toBeTypeOf('number');
  });

  it('refuses an item of a stage never registered, and an item out of range', () => {
    const items = new ReviewItems(scheme);
    expect(() => items.add(0, 'ambiguous', { left: 0, right: 0, total: 6, extraPoints: 0 })).toThrow(RangeError);
    items.add(items.stage(sides('ESR-AD')), 'ambiguous', { left: 0, right: 0, total: 6, extraPoints: 0 });
    expect(() => items.get(1)).toThrow(RangeError);
    expect(items.length).toBe(1);
  });
});

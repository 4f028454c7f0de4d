import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Scheme } from '../../src/core/config.js';
import { pointsOf, scorePair, suggestChange, type Identity } from '../../src/core/score.js';

const scheme: Scheme = structuredClone(DEFAULT_CONFIG.scheme);
const fuzzyScheme: Scheme = { ...structuredClone(DEFAULT_CONFIG.scheme), fuzzy: { enabled: true, nameJaroWinkler: 0.9, positionDice: 0.6 } };

const base: Identity = {
  email: 'jane.doe@nhs.net',
  employeeNumber: '00123456',
  mobile: '+447911123456',
  firstNames: ['jane'],
  lastName: 'doe',
  position: 'staff nurse',
};

describe('scorePair: each anchor earns its JML weight', () => {
  it.each([
    ['email', { email: 'jane.doe@nhs.net' }, 5],
    ['employeeNumber', { employeeNumber: '00123456' }, 5],
    ['mobile', { mobile: '+447911123456' }, 4],
    ['lastName', { lastName: 'doe' }, 1],
    ['firstName', { firstNames: ['jane'] }, 1],
    ['position', { position: 'staff nurse' }, 1],
  ] as const)('%s alone scores its weight', (anchor, other, points) => {
    const s = scorePair(base, other as Identity, scheme);
    expect(s.score).toBe(points);
    expect(pointsOf(s, anchor)).toBe(points);
  });

  it('first and last name together add the Full Name 3 points to the two single-name points', () => {
    const s = scorePair(base, { firstNames: ['jane'], lastName: 'doe' }, scheme);
    expect(pointsOf(s, 'fullName')).toBe(3);
    expect(s.score).toBe(5);
  });

  it('everything agreeing scores 20 and the score is the sum of the points', () => {
    const s = scorePair(base, base, scheme);
    expect(s.score).toBe(20);
    expect(s.anchors.reduce((t, r) => t + r.points, 0)).toBe(s.score);
  });
});

describe('threshold edge', () => {
  it('names and position score 6: a match at the threshold', () => {
    const s = scorePair(base, { firstNames: ['jane'], lastName: 'doe', position: 'staff nurse' }, scheme);
    expect(s.score).toBe(6);
    expect(s.score >= scheme.threshold).toBe(true);
  });
  it('names alone score 5: one short of a match', () => {
    const s = scorePair(base, { firstNames: ['jane'], lastName: 'doe', position: 'ward manager' }, scheme);
    expect(s.score).toBe(5);
    expect(s.score >= scheme.threshold).toBe(false);
  });
});

describe('missing values are not compared', () => {
  it('a missing value is level "missing" with 0 points, a different one "differs"', () => {
    const s = scorePair({ ...base, mobile: undefined }, { ...base, mobile: '+447700900123', email: undefined }, scheme);
    const mobile = s.anchors.find((r) => r.anchor === 'mobile')!;
    const email = s.anchors.find((r) => r.anchor === 'email')!;
    expect(mobile.level).toBe('missing');
    expect(email.level).toBe('missing');
    const s2 = scorePair(base, { ...base, mobile: '+447700900123' }, scheme);
    expect(s2.anchors.find((r) => r.anchor === 'mobile')!.level).toBe('differs');
    expect(s2.score).toBe(16);
  });
});

describe('aliases and Known As', () => {
  it('an email agreeing with an alias earns the email points at level "alias"', () => {
    const s = scorePair({ email: 'jane.smith@nhs.net' }, { email: 'jane.doe@nhs.net', aliases: ['jane.smith@nhs.net'] }, scheme);
    expect(s.score).toBe(5);
    expect(s.anchors.find((r) => r.anchor === 'email')!.level).toBe('alias');
  });
  it('Known As agrees with a first name', () => {
    const s = scorePair({ firstNames: ['robert', 'bob'], lastName: 'jones' }, { firstNames: ['bob'], lastName: 'jones' }, scheme);
    expect(s.score).toBe(5);
  });
});

describe('fuzzy agreement', () => {
  it('is off by default: a one-letter typo in a surname differs, and similarity still explains it', () => {
    const s = scorePair({ firstNames: ['jane'], lastName: 'thompson' }, { firstNames: ['jane'], lastName: 'thomson' }, scheme, true);
    expect(s.score).toBe(1);
    expect(s.anchors.find((r) => r.anchor === 'lastName')!.similarity).toBeGreaterThan(0.9);
  });
  it('when on, names agree by Jaro-Winkler and count towards Full Name', () => {
    const s = scorePair({ firstNames: ['jane'], lastName: 'thompson' }, { firstNames: ['jane'], lastName: 'thomson' }, fuzzyScheme);
    expect(s.anchors.find((r) => r.anchor === 'lastName')!.level).toBe('fuzzy');
    expect(s.score).toBe(5);
  });
  it('dissimilar names stay different even when fuzzy is on', () => {
    const s = scorePair({ lastName: 'patel' }, { lastName: 'okafor' }, fuzzyScheme);
    expect(s.score).toBe(0);
  });
});

describe('suggestChange', () => {
  it('proposes filling in a missing anchor that lifts a near miss over the threshold', () => {
    const s = scorePair(base, { firstNames: ['jane'], lastName: 'doe' }, scheme);
    const sug = suggestChange(s, scheme)!;
    expect(sug.kind).toBe('missing');
    expect(sug.newScore).toBe(10);
    expect(sug.anchor).toBe('email');
  });
  it('corrects a differing anchor only when no missing one is enough', () => {
    const s = scorePair(base, { email: 'other@nhs.net', employeeNumber: '99999999', mobile: '+447911000000', firstNames: ['jane'], lastName: 'doe', position: 'porter' }, scheme);
    expect(suggestChange(s, scheme)).toEqual({ anchor: 'email', kind: 'differs', newScore: 10 });
  });

  it('returns undefined when already a match', () => {
    expect(suggestChange(scorePair(base, base, scheme), scheme)).toBeUndefined();
  });
});

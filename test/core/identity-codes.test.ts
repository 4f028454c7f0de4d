import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { CodedIdentities, encodeIdentities, NO_CODE, TextCodes } from '../../src/core/identity-codes.js';
import { Int32Pool } from '../../src/core/int32-pool.js';
import { hash53, hashKey } from '../../src/core/key-table.js';
import { packedLevels, presentAnchors, quickScore, type Identity } from '../../src/core/score.js';
import { FUZZY_POOLS, generateIdentities } from '../helpers/identities.js';
import { rng } from '../helpers/rng.js';

describe('hash53', () => {
  it('is a whole number below 2^53, the same for equal strings, and apart for 200,000 different ones', () => {
    const seen = new Set<number>();
    let bad = 0;
    for (let k = 0; k < 200_000; k++) {
      const s = k % 2 === 0 ? `u${k}@nhs.net` : `+4479${String(k).padStart(8, '0')}`;
      const h = hash53(s);
      if (!Number.isSafeInteger(h) || h < 0 || hash53(s.slice()) !== h) bad++;
      seen.add(h);
    }
    expect(bad).toBe(0);
    expect(seen.size).toBe(200_000);
    // Strings that differ only in length or order of their characters hash apart too.
    expect(hash53('ab')).not.toBe(hash53('ba'));
    expect(hash53('')).not.toBe(hash53('\u0000'));
  });

  it("holds hashKey's hash as its upper 32 bits (the same FNV-1a lane)", () => {
    for (const s of ['', 'smith', 'u1@nhs.net', 'Ünïcödé']) expect(Math.floor(hash53(s) / 2 ** 21) | 0).toBe(hashKey(s));
  });
});

describe('identities by column (encodeIdentities, CodedIdentities)', () => {
  const SCHEME = DEFAULT_CONFIG.scheme;
  const FUZZY = { ...SCHEME.fuzzy, enabled: true };

  it.each([
    ['exact', undefined],
    ['fuzzy', FUZZY],
  ] as const)('score every pair as the identities themselves do (%s levels)', (_mode, fuzzy) => {
    for (let seed = 1; seed <= 6; seed++) {
      const rnd = rng(seed);
      const left = generateIdentities(40, rnd, FUZZY_POOLS);
      const right = generateIdentities(50, rnd, FUZZY_POOLS);
      const texts = new TextCodes();
      const from = 7;
      const l = new CodedIdentities(encodeIdentities(left, from, left.length, texts, undefined, new Int32Pool(1)), texts.values);
      const r = new CodedIdentities(encodeIdentities(right, 0, right.length, texts), texts.values);
      for (let i = from; i < left.length; i++) {
        const a = l.at(i);
        for (let j = 0; j < right.length; j++) {
          const b = r.at(j);
          expect(quickScore(a, b, SCHEME)).toBe(quickScore(left[i]!, right[j]!, SCHEME));
          expect(packedLevels(a, b, fuzzy)).toBe(packedLevels(left[i]!, right[j]!, fuzzy));
          expect(presentAnchors(b)).toBe(presentAnchors(right[j]!));
        }
      }
    }
  });

  it('give names and titles back as the same strings, and the extra anchor as a value per record', () => {
    const ids: Identity[] = [
      { email: 'a@nhs.net', aliases: ['b@nhs.net', 'c@nhs.net'], firstNames: ['ann', 'kay'], lastName: 'smith', position: 'porter' },
      { employeeNumber: '00000001', mobile: '+447900000001', firstNames: [], lastName: undefined },
      { email: 'b@nhs.net', firstNames: ['ann'], lastName: 'smith' },
      { firstNames: ['ann'] },
    ];
    const extras = ['id1', undefined, 'id1', undefined];
    const texts = new TextCodes();
    const cols = encodeIdentities(ids, 0, ids.length, texts, (i) => extras[i]);
    expect(texts.values).toEqual(['ann', 'kay', 'smith', 'porter']);
    expect(Array.from(cols.lastName)).toEqual([2, NO_CODE, 2, NO_CODE]);
    const coded = new CodedIdentities(cols, texts.values);
    const [a, b, c] = [coded.at(0), coded.at(1), coded.at(2)];
    expect([a.firstNames, a.lastName, a.position]).toEqual([['ann', 'kay'], 'smith', 'porter']);
    expect([b.firstNames, b.lastName, b.position, b.email, b.aliases]).toEqual([[], undefined, undefined, undefined, []]);
    // Hashed values stand for their strings: equal where the strings are, absent where they are.
    expect(c.email).toBe(a.aliases![0]);
    expect(a.email).not.toBe(c.email);
    expect(b.employeeNumber).toBeDefined();
    expect(coded.extra!(0)).toBe(coded.extra!(2));
    expect(coded.extra!(1)).toBeUndefined();
    // A lone first name's list is shared between records, as the main thread's ListPool does.
    expect(coded.at(3).firstNames).toEqual(['ann']);
    expect(coded.at(3).firstNames).toBe(coded.at(2).firstNames);
  });
});

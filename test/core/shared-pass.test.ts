/**
 * NHSmail ↔ AD's first pass shared with a helper (ReconcileBegun.finishShared): the helper's
 * part comes from the sides coded by column (codeRight, codeLeft, codedPassPart), here run in
 * this thread, and joined to this thread's part it must give the result that one thread gives.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../src/core/config.js';
import { codedPassPart, codeLeft, codeRight, TextCodes } from '../../src/core/identity-codes.js';
import { Int32Pool } from '../../src/core/int32-pool.js';
import { beginReconcile, type PassHelper } from '../../src/core/reconcile.js';
import { AS_OF, crowdRecords, resultView } from '../helpers/crowd-records.js';
import { SIMILAR_TITLES, TITLES } from '../helpers/identities.js';

/** What a helper was asked for and gave: where its records began, its listed pairs and its deferred entries. */
interface Call {
  from: number;
  listed: number;
  deferred: number;
}

/**
 * A helper that takes the left records from `share` of the way on, its part made in this
 * thread from coded sides, as the worker makes it.
 */
function codedHelper(share: number, calls: Call[]): PassHelper {
  return {
    share(pass) {
      const from = Math.round(pass.left.length * (1 - share));
      const pool = new Int32Pool(1);
      const texts = new TextCodes();
      const right = codeRight(pass, texts, pool);
      const left = codeLeft(pass, from, texts, right.texts.length, pool);
      const part = codedPassPart(right, left);
      calls.push({ from, listed: part.left.length, deferred: part.deferredLeft.length });
      return { from, part: Promise.resolve(part) };
    },
  };
}

const EXACT: Config = DEFAULT_CONFIG;
const FUZZY: Config = { ...EXACT, scheme: { ...EXACT.scheme, fuzzy: { ...EXACT.scheme.fuzzy, enabled: true } } };

describe.each([
  ['exact', EXACT, TITLES],
  ['fuzzy', FUZZY, SIMILAR_TITLES],
] as const)('NHSmail ↔ AD first pass shared with a helper (%s mode)', (_mode, config, titles) => {
  it('gives the result one thread gives, wherever the records are split', async () => {
    const calls: Call[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      const { esr, nhsmail, ad } = crowdRecords(seed, titles);
      const want = resultView(beginReconcile({ esr, nhsmail, config, asOfMs: AS_OF }).finish(ad));
      for (const share of [0.5, 0.2, 1]) {
        const before = calls.length;
        const shared = await beginReconcile({ esr, nhsmail, config, asOfMs: AS_OF }).finishShared(ad, codedHelper(share, calls));
        expect(calls.slice(before).map((c) => c.from)).toEqual([Math.round(nhsmail.length * (1 - share))]);
        expect(resultView(shared)).toEqual(want);
      }
    }
    // The helpers' parts held pairs and, in the crowds' large name blocks, deferred entries to join.
    expect(calls.every((c) => c.listed > 0)).toBe(true);
    expect(calls.filter((c) => c.deferred > 0).length).toBeGreaterThan(calls.length / 2);
  });

  it('gives the same result when the helper leaves the whole pass to this thread', async () => {
    const { esr, nhsmail, ad } = crowdRecords(3, titles);
    const alone = resultView(beginReconcile({ esr, nhsmail, config, asOfMs: AS_OF }).finish(ad));
    const declined = await beginReconcile({ esr, nhsmail, config, asOfMs: AS_OF }).finishShared(ad, { share: () => undefined });
    expect(resultView(declined)).toEqual(alone);
  });
});

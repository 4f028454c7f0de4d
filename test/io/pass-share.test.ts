/**
 * NHSmail ↔ AD's first pass shared with the compiled worker (src/io/pass-share.ts, built to
 * dist by the test script's build): the worker's part, made from the coded sides (in shared
 * memory, or copied), joined to this thread's, gives the result one thread gives; when the
 * worker fails, this thread does its records, with a warning.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../src/core/config.js';
import { beginReconcile, type PassHelper } from '../../src/core/reconcile.js';
import { WorkerPassHelper } from '../../src/io/pass-share.js';
import { AS_OF, crowdRecords, resultView } from '../helpers/crowd-records.js';
import { SIMILAR_TITLES, TITLES } from '../helpers/identities.js';

const ROOT = join(import.meta.dirname, '..', '..');
const COMPILED = pathToFileURL(join(ROOT, 'dist', 'io', 'pass-worker.js'));
const fixture = (name: string): URL => new URL(`../fixtures/workers/${name}.mjs`, import.meta.url);
const FUZZY: Config = { ...DEFAULT_CONFIG, scheme: { ...DEFAULT_CONFIG.scheme, fuzzy: { ...DEFAULT_CONFIG.scheme.fuzzy, enabled: true } } };

type Share = ReturnType<WorkerPassHelper['share']>;

/** `helper`, noting what each call of `share` gave. */
function noting(helper: WorkerPassHelper, given: Share[]): PassHelper {
  return {
    share(pass) {
      const s = helper.share(pass);
      given.push(s);
      return s;
    },
  };
}

describe('WorkerPassHelper', () => {
  it.each([
    ['exact', DEFAULT_CONFIG, TITLES, 1, 1],
    ['exact', DEFAULT_CONFIG, TITLES, 2, 1],
    ['fuzzy', FUZZY, SIMILAR_TITLES, 3, 1],
    ['exact', DEFAULT_CONFIG, TITLES, 4, 100_000],
  ] as const)('gives the result one thread gives (%s mode, seed %i, shared from %i elements)', async (_mode, config, titles, seed, sharedFrom) => {
    const { esr, nhsmail, ad } = crowdRecords(seed, titles);
    const want = resultView(beginReconcile({ esr, nhsmail, config, asOfMs: AS_OF }).finish(ad));
    const given: Share[] = [];
    const helper = new WorkerPassHelper({ minLeft: 1, script: COMPILED, workerShare: 0.5, sharedFrom });
    const got = await beginReconcile({ esr, nhsmail, config, asOfMs: AS_OF }).finishShared(ad, noting(helper, given));
    expect(given.map((s) => s?.from)).toEqual([Math.round(nhsmail.length / 2)]);
    expect(resultView(got)).toEqual(want);
  });

  it('leaves small passes, and passes with no compiled worker, to this thread', async () => {
    const { esr, nhsmail, ad } = crowdRecords(1, TITLES);
    const want = resultView(beginReconcile({ esr, nhsmail, config: DEFAULT_CONFIG, asOfMs: AS_OF }).finish(ad));
    for (const helper of [new WorkerPassHelper({ minLeft: nhsmail.length + 1, script: COMPILED }), new WorkerPassHelper({ minLeft: 1, script: new URL('file:///nowhere/pass-worker.js') })]) {
      const given: Share[] = [];
      const got = await beginReconcile({ esr, nhsmail, config: DEFAULT_CONFIG, asOfMs: AS_OF }).finishShared(ad, noting(helper, given));
      expect(given).toEqual([undefined]);
      expect(resultView(got)).toEqual(want);
    }
  });

  it.each([
    ['pass-fails', 'the worker matching NHSmail-AD failed: no memory left for the index'],
    ['pass-exits', 'the worker matching NHSmail-AD stopped unexpectedly (exit code 3)'],
  ])('does the records itself, with a warning, when the worker fails (%s)', async (name, message) => {
    const { esr, nhsmail, ad } = crowdRecords(2, TITLES);
    const want = resultView(beginReconcile({ esr, nhsmail, config: DEFAULT_CONFIG, asOfMs: AS_OF }).finish(ad));
    const warnings: string[] = [];
    const helper = new WorkerPassHelper({ minLeft: 1, script: fixture(name), warn: (m) => warnings.push(m) });
    const got = await beginReconcile({ esr, nhsmail, config: DEFAULT_CONFIG, asOfMs: AS_OF }).finishShared(ad, helper);
    expect(warnings).toEqual([`${message}; the main thread matched its records instead (the same result, later).`]);
    expect(resultView(got)).toEqual(want);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { employeeTypeOf, reconcile, type Stage } from '../../src/core/reconcile.js';
import type { AdAccount, EsrAssignment, NhsmailAccount } from '../../src/core/records.js';

const AS_OF = Date.UTC(2026, 10, 1);
const FIRST = ['jane', 'john', 'ali', 'bob'];
const LAST = ['smith', 'patel', 'jones'];
const POS = ['nurse', 'porter'];

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
const emailArb = fc.integer({ min: 0, max: 12 }).map((n) => ({ value: `u${n}@nhs.net`, valid: true, nhsNet: true, domain: 'nhs.net' }));
const phoneArb = fc.integer({ min: 0, max: 12 }).map((n) => ({ e164: `+4479110000${String(n).padStart(2, '0')}`, mobile: true, valid: true }));
const empArb = fc.integer({ min: 0, max: 12 }).map((n) => String(n).padStart(8, '0'));

const esrArb = fc.record({
  employeeNumber: empArb,
  firstKey: maybe(fc.constantFrom(...FIRST)),
  lastKey: maybe(fc.constantFrom(...LAST)),
  knownAsKey: maybe(fc.constantFrom(...FIRST)),
  email: maybe(emailArb),
  mobile: maybe(phoneArb),
  positionKey: maybe(fc.constantFrom(...POS)),
  organisation: fc.constantFrom('A', 'B'),
  end: maybe(fc.constantFrom(AS_OF - 86_400_000, AS_OF + 86_400_000)),
});
const nhsArb = fc.record({
  email: emailArb,
  aliases: fc.array(emailArb, { maxLength: 2 }),
  firstKey: maybe(fc.constantFrom(...FIRST)),
  lastKey: maybe(fc.constantFrom(...LAST)),
  mobile: maybe(phoneArb),
  positionKey: maybe(fc.constantFrom(...POS)),
  employeeNumber: maybe(empArb),
  nhsmailId: maybe(fc.integer({ min: 0, max: 8 }).map((n) => `id${n}`)),
});
const adArb = fc.record({
  samAccountName: fc.integer({ min: 0, max: 99 }).map((n) => `user${n}`),
  firstKey: maybe(fc.constantFrom(...FIRST)),
  lastKey: maybe(fc.constantFrom(...LAST)),
  email: maybe(emailArb),
  employeeNumber: maybe(empArb),
  nhsmailId: maybe(fc.integer({ min: 0, max: 8 }).map((n) => `id${n}`)),
  mobile: maybe(phoneArb),
});

function checkStage(stage: Stage, threshold: number): void {
  const rights = [...stage.assignment.links.values()].map((c) => c.right);
  expect(new Set(rights).size).toBe(rights.length);
  for (const [left, c] of stage.assignment.links) {
    expect(c.left).toBe(left);
    expect(c.total).toBeGreaterThanOrEqual(threshold);
    expect(c.total).toBe(c.score.anchors.reduce((t, a) => t + a.points, 0) + c.extraPoints);
  }
  // Maximal: an unlinked, non-ambiguous record has no open candidate at the threshold.
  for (const c of stage.candidates.toArray()) {
    if (stage.assignment.links.has(c.left) || stage.assignment.ambiguousLeft.has(c.left)) continue;
    if (c.total < threshold) continue;
    expect(stage.rightLinked.has(c.right) || stage.assignment.ambiguousRight.has(c.right)).toBe(true);
  }
  // Each left record's run holds its candidates, best first.
  stage.candidates.toArray().forEach((c, k, all) => {
    expect(stage.candidateStart[c.left]!).toBeLessThanOrEqual(k);
    expect(k).toBeLessThan(stage.candidateStart[c.left + 1]!);
    if (k > stage.candidateStart[c.left]!) expect(all[k - 1]!.total).toBeGreaterThanOrEqual(c.total);
  });
}

describe('reconcile invariants (property)', () => {
  it('every record lands in exactly one identity; links are one-to-one, above threshold and explainable', () => {
    fc.assert(
      fc.property(fc.array(esrArb, { maxLength: 25 }), fc.array(nhsArb, { maxLength: 20 }), fc.array(adArb, { maxLength: 20 }), (e, n, a) => {
        const esr = e.map((x, i) => ({ line: i + 2, ...x }) as EsrAssignment);
        const nhsmail = n.map((x, i) => ({ line: i + 2, status: 'Active', ...x }) as NhsmailAccount);
        const ad = a.map((x, i) => ({ line: i + 2, ...x }) as AdAccount);
        const config = structuredClone(DEFAULT_CONFIG);
        const r = reconcile({ esr, nhsmail, ad, config, asOfMs: AS_OF });

        const esrLines = r.identities.flatMap((id) => (id.esr === undefined ? [] : r.people[id.esr]!.assignments.map((x) => x.line)));
        expect(esrLines.sort((x, y) => x - y)).toEqual(esr.map((x) => x.line));
        const nhsSeen = r.identities.flatMap((id) => (id.nhsmail === undefined ? [] : [id.nhsmail]));
        expect(nhsSeen.sort((x, y) => x - y)).toEqual(nhsmail.map((_, j) => j));
        const adSeen = r.identities.flatMap((id) => (id.ad === undefined ? [] : [id.ad]));
        expect(adSeen.sort((x, y) => x - y)).toEqual(ad.map((_, k) => k));

        for (const s of [r.esrNhsmail, r.nhsmailAd, r.esrAd]) checkStage(s, config.scheme.threshold);
        for (const id of r.identities) {
          expect(id.employeeType).toBe(employeeTypeOf(id.esr !== undefined, id.nhsmail !== undefined, id.ad !== undefined));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('shuffling the input rows gives the same links', () => {
    fc.assert(
      fc.property(fc.array(esrArb, { maxLength: 20 }), fc.array(nhsArb, { maxLength: 20 }), fc.integer(), (e, n, seed) => {
        const esr = e.map((x, i) => ({ line: i + 2, ...x }) as EsrAssignment);
        const nhsmail = n.map((x, i) => ({ line: i + 2, status: 'Active', ...x }) as NhsmailAccount);
        const config = structuredClone(DEFAULT_CONFIG);
        const links = (es: EsrAssignment[], ns: NhsmailAccount[]): string[] => {
          const r = reconcile({ esr: es, nhsmail: ns, ad: [], config, asOfMs: AS_OF });
          return [...r.esrNhsmail.assignment.links].map(([i, c]) => `${r.people[i]!.employeeNumber}->${ns[c.right]!.line}`).sort();
        };
        let s = seed >>> 0;
        const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
        const shuffle = <T>(xs: T[]): T[] => {
          const out = [...xs];
          for (let i = out.length - 1; i > 0; i--) {
            const j = Math.floor(rnd() * (i + 1));
            [out[i], out[j]] = [out[j]!, out[i]!];
          }
          return out;
        };
        expect(links(shuffle(esr), shuffle(nhsmail))).toEqual(links(esr, nhsmail));
      }),
      { numRuns: 300 },
    );
  });
});

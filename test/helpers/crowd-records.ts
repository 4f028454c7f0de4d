/** Reconcile inputs made from crowds of identities (helpers/identities.ts), and a result seen as plain data, for comparing two ways of matching. */
import type { ReconcileResult, Stage } from '../../src/core/reconcile.js';
import type { AdAccount, EsrAssignment, NhsmailAccount } from '../../src/core/records.js';
import type { Identity } from '../../src/core/score.js';
import { crowd } from './identities.js';

export const AS_OF = Date.UTC(2026, 10, 1);
const email = (value: string) => ({ value, valid: true, nhsNet: true, domain: 'nhs.net' });
const phone = (e164: string | undefined) => (e164 === undefined ? undefined : { e164, mobile: true, valid: true });

/**
 * Records from a crowd's identities: NHSmail accounts from the left, AD accounts from the right,
 * some sharing NHSmail IDs (the stage's extra anchor), and ESR people for a few accounts (whose
 * identities then borrow the person's employee number and names in stage 2).
 */
/** The anchors an NHSmail or AD account takes from an identity as they are (not its email). */
const anchors = (id: Identity) => ({
  employeeNumber: id.employeeNumber,
  mobile: phone(id.mobile),
  firstKey: id.firstNames?.[0],
  lastKey: id.lastName,
  positionKey: id.position,
});

export function crowdRecords(seed: number, titles: readonly (string | undefined)[]) {
  const { left, right } = crowd(seed, titles);
  const nhsmail = left.map(
    (id, k): NhsmailAccount => ({
      line: k + 2,
      status: 'Active',
      email: email(id.email ?? `own${k}@nhs.net`),
      aliases: k % 9 === 0 ? [email(`alias${k % 27}@nhs.net`)] : [],
      ...anchors(id),
      nhsmailId: k % 4 === 0 ? `id${k % 13}` : undefined,
    }),
  );
  const ad = right.map(
    (id, k): AdAccount => ({
      line: k + 2,
      samAccountName: `user${k}`,
      email: id.email === undefined ? (k % 11 === 0 ? email(`alias${k % 27}@nhs.net`) : undefined) : email(id.email),
      ...anchors(id),
      nhsmailId: k % 5 === 0 ? `id${k % 13}` : undefined,
    }),
  );
  const esr = left.slice(0, 12).map(
    (id, k): EsrAssignment => ({
      line: k + 2,
      employeeNumber: `E${k}`,
      email: email(id.email ?? `own${k}@nhs.net`),
      firstKey: id.firstNames?.[0],
      knownAsKey: k % 2 === 0 ? 'kay' : undefined,
      lastKey: id.lastName,
      positionKey: id.position,
      organisation: 'A',
    }),
  );
  return { esr, nhsmail, ad };
}

/** What a stage decided, entry by entry. */
function stageView(s: Stage) {
  const candidates = [];
  for (let k = 0; k < s.candidates.length; k++) {
    const c = s.candidates.get(k);
    candidates.push([c.left, c.right, c.total, c.extraPoints, c.score.anchors.map((a) => a.level).join()]);
  }
  return {
    pairsScored: s.pairsScored,
    candidates,
    starts: Array.from(s.candidateStart),
    links: [...s.assignment.links.values()].map((c) => [c.left, c.right, c.total]),
    ambiguous: s.assignment.ambiguous.map((c) => [c.left, c.right, c.total]),
    bestOfRight: Array.from(s.bestOfRight),
  };
}

/** A result's stages, identities and review items as plain data. */
export function resultView(r: ReconcileResult) {
  return {
    stages: [r.esrNhsmail, r.nhsmailAd, r.esrAd].map(stageView),
    identities: r.identities.map((id) => [id.esr, id.nhsmail, id.ad, id.employeeType]),
    review: [...r.review].map((item) => [item.kind, item.link, item.candidate.left, item.candidate.right, item.candidate.total]),
  };
}


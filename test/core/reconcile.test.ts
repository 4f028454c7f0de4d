import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../src/core/config.js';
import { anchorUpdates, anchorUpdateSource, findIssues, SOURCE_DUPLICATE_CHECKS, SourceKeyHashes, type System } from '../../src/core/actions.js';
import { beginReconcile, reconcile } from '../../src/core/reconcile.js';
import { Int32Pool } from '../../src/core/int32-pool.js';
import type { AdAccount, EsrAssignment, NhsmailAccount } from '../../src/core/records.js';

const AS_OF = Date.UTC(2026, 10, 1);
const DAY = 86_400_000;
const config: Config = structuredClone(DEFAULT_CONFIG);

let line = 2;
function esr(p: Partial<EsrAssignment> & { employeeNumber: string; first: string; last: string }): EsrAssignment {
  const { first, last, ...rest } = p;
  return {
    line: line++,
    firstName: first,
    lastName: last,
    firstKey: first.toLowerCase(),
    lastKey: last.toLowerCase(),
    organisation: 'Trust A',
    ...rest,
  };
}
function email(value: string) {
  return { value, valid: true, nhsNet: value.endsWith('@nhs.net'), domain: value.split('@')[1]! };
}
function mailbox(p: Omit<Partial<NhsmailAccount>, 'email'> & { email: string; first: string; last: string }): NhsmailAccount {
  const { first, last, email: e, ...rest } = p;
  return {
    line: line++,
    email: email(e),
    aliases: [],
    firstName: first,
    lastName: last,
    firstKey: first.toLowerCase(),
    lastKey: last.toLowerCase(),
    status: 'Active',
    ...rest,
  };
}
function adUser(p: Partial<AdAccount> & { sam: string; first: string; last: string }): AdAccount {
  const { first, last, sam, ...rest } = p;
  return { line: line++, samAccountName: sam, firstName: first, lastName: last, firstKey: first.toLowerCase(), lastKey: last.toLowerCase(), enabled: true, ...rest };
}

describe('reconcile', () => {
  it('lists identities in the extracts\' order: ESR people at their first row, whatever their numbers', () => {
    const r = reconcile({
      esr: [
        esr({ employeeNumber: '00000009', first: 'Ann', last: 'Lee', email: email('ann.lee@nhs.net') }),
        esr({ employeeNumber: '00000001', first: 'Bob', last: 'Kay' }),
        esr({ employeeNumber: '00000005', first: 'Cat', last: 'Moe' }),
        esr({ employeeNumber: '00000001', first: 'Bob', last: 'Kay', assignmentNumber: '00000001-2' }),
      ],
      nhsmail: [
        mailbox({ email: 'zed.roe@nhs.net', first: 'Zed', last: 'Roe' }),
        mailbox({ email: 'ann.lee@nhs.net', first: 'Ann', last: 'Lee' }),
        mailbox({ email: 'amy.fox@nhs.net', first: 'Amy', last: 'Fox' }),
      ],
      ad: [],
      config,
      asOfMs: AS_OF,
    });
    expect(r.people.map((p) => p.employeeNumber)).toEqual(['00000009', '00000001', '00000005']);
    expect(r.people[1]!.assignments).toHaveLength(2);
    const shown = r.identities.map((id) => (id.esr !== undefined ? r.people[id.esr]!.employeeNumber : r.nhsmail[id.nhsmail!]!.email.value));
    expect(shown).toEqual(['00000009', '00000001', '00000005', 'zed.roe@nhs.net', 'amy.fox@nhs.net']);
  });

  it('groups ESR assignments into people and links ESR → NHSmail → AD as JML', () => {
    const r = reconcile({
      esr: [
        esr({ employeeNumber: '00000001', first: 'Jane', last: 'Doe', email: email('jane.doe@nhs.net'), assignmentNumber: '00000001-1' }),
        esr({ employeeNumber: '00000001', first: 'Jane', last: 'Doe', assignmentNumber: '00000001-2' }),
      ],
      nhsmail: [mailbox({ email: 'jane.doe@nhs.net', first: 'Jane', last: 'Doe', nhsmailId: 'jane.doe' })],
      ad: [adUser({ sam: 'jdoe', first: 'Jane', last: 'Doe', nhsmailId: 'jane.doe' })],
      config,
      asOfMs: AS_OF,
    });
    expect(r.people).toHaveLength(1);
    expect(r.people[0]!.assignments).toHaveLength(2);
    expect(r.identities).toHaveLength(1);
    const id = r.identities[0]!;
    expect(id.employeeType).toBe('JML');
    expect(id.esrNhsmail!.total).toBe(10);
    // NHSmail ID alone is worth the threshold (6) plus names 5 = 11.
    expect(id.nhsmailAd!.total).toBe(11);
  });

  it('matches ESR ↔ NHSmail before the AD accounts are given, and finishes once', () => {
    const input = {
      esr: [esr({ employeeNumber: '00000001', first: 'Jane', last: 'Doe', email: email('jane.doe@nhs.net') })],
      nhsmail: [mailbox({ email: 'jane.doe@nhs.net', first: 'Jane', last: 'Doe', nhsmailId: 'jane.doe' })],
      config,
      asOfMs: AS_OF,
    };
    const begun = beginReconcile(input);
    const r = begun.finish([adUser({ sam: 'jdoe', first: 'Jane', last: 'Doe', nhsmailId: 'jane.doe' })]);
    expect(r.identities.map((id) => [id.esr, id.nhsmail, id.ad, id.employeeType])).toEqual([[0, 0, 0, 'JML']]);
    // Stage 1's state is let go by the first finish: a second would have nothing to work from.
    expect(() => begun.finish([])).toThrow('finish called twice');
  });

  it('assigns every employee type from the guide tables', () => {
    const r = reconcile({
      esr: [
        esr({ employeeNumber: '00000001', first: 'Esr', last: 'Only' }),
        esr({ employeeNumber: '00000002', first: 'Esr', last: 'Mail', email: email('esr.mail@nhs.net') }),
        esr({ employeeNumber: '00000003', first: 'Esr', last: 'Ad', mobile: { e164: '+447911000003', mobile: true, valid: true } }),
      ],
      nhsmail: [
        mailbox({ email: 'esr.mail@nhs.net', first: 'Esr', last: 'Mail' }),
        mailbox({ email: 'student@nhs.net', first: 'Stu', last: 'Dent', nhsmailId: 'student' }),
        mailbox({ email: 'mail.only@nhs.net', first: 'Mail', last: 'Only' }),
      ],
      ad: [
        adUser({ sam: 'student', first: 'Stu', last: 'Dent', nhsmailId: 'student' }),
        adUser({ sam: 'esrad', first: 'Esr', last: 'Ad', mobile: { e164: '+447911000003', mobile: true, valid: true }, employeeNumber: '00000003' }),
        adUser({ sam: 'svc-backup', first: 'Service', last: 'Backup' }),
      ],
      config,
      asOfMs: AS_OF,
    });
    const types = r.identities.map((i) => i.employeeType);
    expect(types).toEqual(['Manual', 'JML (ESR)', 'Invalid: needs NHSmail', 'JML (TANSync)', 'Manual', 'Manual']);
  });

  it('does not link two John Smiths who tie on names and position; both go to review', () => {
    const r = reconcile({
      esr: [esr({ employeeNumber: '00000010', first: 'John', last: 'Smith', positionKey: 'porter' })],
      nhsmail: [
        mailbox({ email: 'john.smith1@nhs.net', first: 'John', last: 'Smith', positionKey: 'porter' }),
        mailbox({ email: 'john.smith2@nhs.net', first: 'John', last: 'Smith', positionKey: 'porter' }),
      ],
      ad: [],
      config,
      asOfMs: AS_OF,
    });
    expect(r.esrNhsmail.assignment.links.size).toBe(0);
    expect([...r.review].filter((x) => x.kind === 'ambiguous')).toHaveLength(2);
    expect([r.review.count('ambiguous'), r.review.count('near-miss')]).toEqual([2, 0]);
  });

  it('lists a near miss (score 5) for review, not as a match', () => {
    const r = reconcile({
      esr: [esr({ employeeNumber: '00000011', first: 'Amy', last: 'Pond', positionKey: 'nurse' })],
      nhsmail: [mailbox({ email: 'amy.pond@nhs.net', first: 'Amy', last: 'Pond', positionKey: 'midwife' })],
      ad: [],
      config,
      asOfMs: AS_OF,
    });
    expect(r.identities[0]!.employeeType).toBe('Manual');
    expect(r.review.length).toBe(1);
    expect(r.review.get(0).kind).toBe('near-miss');
    expect(r.review.get(0).candidate.total).toBe(5);
    // Scored by the first pass (links), and again by the second (near misses).
    expect(r.esrNhsmail.pairsScored).toBe(2);
  });

  it('counts a linked pair once: the second pass leaves linked right records alone', () => {
    const r = reconcile({
      esr: [esr({ employeeNumber: '00000012', first: 'Rory', last: 'Williams', email: email('rory.williams@nhs.net') })],
      nhsmail: [mailbox({ email: 'rory.williams@nhs.net', first: 'Rory', last: 'Williams' })],
      ad: [],
      config,
      asOfMs: AS_OF,
    });
    expect(r.esrNhsmail.assignment.links.size).toBe(1);
    expect(r.esrNhsmail.pairsScored).toBe(1);
  });
});

describe('data validation actions', () => {
  const runInput = (extra: { nhsmail?: NhsmailAccount[]; ad?: AdAccount[] } = {}) =>
    ({
      esr: [
        // Alias in ESR; mobile differs from NHSmail; leaver with active mailbox.
        esr({ employeeNumber: '00000020', first: 'Rose', last: 'Tyler', email: email('rose.smith@nhs.net'), mobile: { e164: '+447911000020', mobile: true, valid: true }, end: AS_OF - 10 * DAY }),
        // Two organisations.
        esr({ employeeNumber: '00000021', first: 'Martha', last: 'Jones', email: email('martha.jones@nhs.net'), organisation: 'Trust A' }),
        esr({ employeeNumber: '00000021', first: 'Martha', last: 'Jones', organisation: 'Trust B' }),
        // Matched to a deleted account; no email in ESR.
        esr({ employeeNumber: '00000022', first: 'Donna', last: 'Noble', mobile: { e164: '+447911000022', mobile: true, valid: true }, positionKey: 'temp' }),
      ],
      nhsmail: [
        mailbox({ email: 'rose.tyler@nhs.net', aliases: [email('rose.smith@nhs.net')], first: 'Rose', last: 'Tyler', nhsmailId: 'rose.tyler', mobile: { e164: '+447911999999', mobile: true, valid: true } }),
        mailbox({ email: 'martha.jones@nhs.net', first: 'Martha', last: 'Jones', employeeNumber: '00000021', lastLogon: AS_OF - 100 * DAY }),
        mailbox({ email: 'donna.noble@nhs.net', first: 'Donna', last: 'Noble', status: 'Deleted', mobile: { e164: '+447911000022', mobile: true, valid: true } }),
        ...(extra.nhsmail ?? []),
      ],
      ad: [
        adUser({ sam: 'rtyler', first: 'Rose', last: 'Tyler', nhsmailId: 'rose.tyler', employeeNumber: '00000020' }),
        adUser({ sam: 'dnoble', first: 'Donna', last: 'Noble', email: email('donna.noble@nhs.net'), employeeNumber: '00000022' }),
        adUser({ sam: 'dnoble2', first: 'D', last: 'Noble', employeeNumber: '00000022' }),
        ...(extra.ad ?? []),
      ],
      config,
      asOfMs: AS_OF,
    });
  const run = (extra: { nhsmail?: NhsmailAccount[]; ad?: AdAccount[] } = {}) => reconcile(runInput(extra));

  it('are the same when they take their arrays from the pool matching used', () => {
    // A pool of every size, so that every array the checks take was one matching gave back.
    const pool = new Int32Pool(1);
    const dup = [adUser({ sam: 'rtyler2', first: 'Rose', last: 'Tyler', nhsmailId: 'rose.tyler', employeeNumber: '00000020' })];
    const input = runInput({ ad: dup }); // once: records are numbered by line as they are made
    const shared = reconcile({ ...input, pool });
    const fresh = reconcile(input);
    const before = pool.allocatedBytes;
    const updates = [...anchorUpdateSource(shared, config, pool).each()];
    const issues = findIssues(shared, config, AS_OF, pool);
    const own = new Int32Pool(1);
    expect(updates).toEqual([...anchorUpdateSource(fresh, config, own).each()]);
    expect(issues).toEqual(findIssues(fresh, config, AS_OF, own));
    // Matching's arrays were used again: less was allocated than with a pool of their own.
    expect(pool.allocatedBytes - before).toBeLessThan(own.allocatedBytes);
    expect(issues.map((i) => i.code)).toContain('DUPLICATE_AD_NHSMAIL_ID');
    expect(updates.length).toBeGreaterThan(5);
  });

  it('proposes the primary address for an ESR alias and an empty ESR email', () => {
    const u = anchorUpdates(run(), config).filter((x) => x.system === 'ESR');
    expect(u.map((x) => [x.key, x.proposed, x.owner])).toEqual([
      ['00000020', 'rose.tyler@nhs.net', 'Workforce'],
      ['00000022', 'donna.noble@nhs.net', 'Workforce'],
    ]);
    expect(u[0]!.reason).toMatch(/alias/);
  });

  it('proposes AD mail and NHSmail-ID fixes, ESR mobile for NHSmail, and missing employee numbers', () => {
    const u = anchorUpdates(run(), config);
    expect(u).toContainEqual(expect.objectContaining({ system: 'AD', key: 'rtyler', field: 'Mail', adAttribute: 'mail', proposed: 'rose.tyler@nhs.net' }));
    expect(u).toContainEqual(expect.objectContaining({ system: 'NHSmail', key: 'rose.tyler@nhs.net', field: 'Mobile', proposed: '+447911000020' }));
    expect(u).toContainEqual(expect.objectContaining({ system: 'NHSmail', key: 'rose.tyler@nhs.net', field: 'Employee Number', proposed: '00000020' }));
    // The deleted mailbox has no NHSmail ID, so nothing is proposed for that attribute.
    expect(u.some((x) => x.key === 'dnoble' && x.field === 'NHSmail ID')).toBe(false);
  });

  it('gives each system its own updates in the order of the full list, every time it is read, and counts them', () => {
    // Clara and Ood have NHSmail and AD but no ESR record: AD updates only. Ood's AD account
    // links on mail and first name, and lacks the NHSmail ID and employee number, with another surname.
    const r = run({
      nhsmail: [
        mailbox({ email: 'clara.oswald@nhs.net', first: 'Clara', last: 'Oswald', nhsmailId: 'clara.oswald' }),
        mailbox({ email: 'ood.sigma@nhs.net', first: 'Ood', last: 'Sigma', nhsmailId: 'ood.sigma', employeeNumber: '00000078' }),
      ],
      ad: [
        adUser({ sam: 'coswald', first: 'Clara', last: 'Oswald', nhsmailId: 'clara.oswald', email: email('c.oswald@trust.nhs.uk') }),
        adUser({ sam: 'osigma', first: 'Ood', last: 'Sigmah', email: email('ood.sigma@nhs.net') }),
      ],
    });
    const updates = anchorUpdateSource(r, config);
    const systems: System[] = ['ESR', 'NHSmail', 'AD'];
    const first = systems.map((s) => [...updates.each(s)]);
    const all = [...updates.each()];
    expect(all.some((u) => u.key === 'coswald')).toBe(true);
    for (const [k, s] of systems.entries()) {
      const want = all.filter((u) => u.system === s);
      expect(want.length).toBeGreaterThan(0);
      expect(first[k]).toEqual(want);
      expect([...updates.each(s)]).toEqual(want);
      expect(updates.counts.bySystem[s]).toBe(want.length);
    }
    expect([...updates.each()]).toEqual(all);
    expect(updates.counts.all).toBe(all.length);
    expect(updates.counts.esrEmail).toBe(all.filter((u) => u.system === 'ESR' && u.field === 'Email Address').length);
    expect(updates.counts.adAnchor).toBe(all.filter((u) => u.system === 'AD' && u.adAttribute !== undefined).length);
    // Every kind of AD update appears here, so a count kept apart from what is built would show.
    expect(new Set(all.filter((u) => u.system === 'AD').map((u) => u.field))).toEqual(new Set(['Mail', 'NHSmail ID', 'Employee ID', 'Mobile', 'Last Name']));
  });

  it('raises each issue code where it applies', () => {
    const codes = findIssues(run(), config, AS_OF).map((i) => `${i.code}:${i.employeeNumber ?? i.samAccountName ?? ''}`);
    expect(codes).toContain('LEAVER_NHSMAIL_ACTIVE:00000020');
    expect(codes).toContain('LEAVER_AD_ENABLED:00000020');
    expect(codes).toContain('TWO_ORGANISATIONS:00000021');
    expect(codes).toContain('NHSMAIL_INACTIVE:00000021');
    expect(codes).toContain('NHSMAIL_DELETED:00000022');
    expect(codes).toContain('AD_LINKED_TO_DELETED_NHSMAIL:00000022');
    expect(codes).toContain('DUPLICATE_AD_EMPLOYEE_ID:dnoble; dnoble2');
    expect(codes.some((c) => c.startsWith('ESR_AD_WITHOUT_NHSMAIL'))).toBe(false);
  });
});

describe('duplicated anchors within one source', () => {
  it('flags the same NHSmail primary address, NHSmail ID or employee number on two accounts, and the same ESR email on two people', () => {
    const r = reconcile({
      esr: [
        esr({ employeeNumber: '00000031', first: 'Ann', last: 'One', email: email('shared@nhs.net') }),
        esr({ employeeNumber: '00000032', first: 'Bea', last: 'Two', email: email('shared@nhs.net') }),
      ],
      nhsmail: [
        mailbox({ email: 'x@nhs.net', first: 'Xan', last: 'Ex', nhsmailId: 'id-x', employeeNumber: '00000099' }),
        mailbox({ email: 'x@nhs.net', first: 'Xan', last: 'Ex', nhsmailId: 'id-x', employeeNumber: '00000099' }),
      ],
      ad: [],
      config,
      asOfMs: AS_OF,
    });
    const codes = findIssues(r, config, AS_OF).map((i) => i.code);
    expect(codes).toEqual(expect.arrayContaining(['DUPLICATE_ESR_EMAIL', 'DUPLICATE_NHSMAIL_EMAIL', 'DUPLICATE_NHSMAIL_ID', 'DUPLICATE_NHSMAIL_EMPLOYEE_NUMBER']));
  });

  /** Accounts with keys shared in threes, twos and not at all, groups out of key order. */
  function sharedKeys() {
    const nhsmail = [
      mailbox({ email: 'z@nhs.net', first: 'Zed', last: 'Zee', nhsmailId: 'id-2', employeeNumber: '00000070' }),
      mailbox({ email: 'a@nhs.net', first: 'Al', last: 'Ay', nhsmailId: 'id-1', employeeNumber: '00000071' }),
      mailbox({ email: 'z@nhs.net', first: 'Zed', last: 'Zee', nhsmailId: 'id-2', employeeNumber: '00000072' }),
      mailbox({ email: 'a@nhs.net', first: 'Al', last: 'Ay', nhsmailId: 'id-3', employeeNumber: '00000071' }),
      mailbox({ email: 'z@nhs.net', first: 'Zed', last: 'Zee', nhsmailId: 'id-4', employeeNumber: '00000073' }),
    ];
    const ad = [
      adUser({ sam: 'one', first: 'Ona', last: 'Won', employeeNumber: '00000080', nhsmailId: 'id-9', email: email('one@trust.nhs.uk') }),
      adUser({ sam: 'two', first: 'Tia', last: 'Too', employeeNumber: '00000080', nhsmailId: 'id-8', email: email('one@trust.nhs.uk') }),
      adUser({ sam: 'three', first: 'Tre', last: 'Tri', employeeNumber: '00000081', nhsmailId: 'id-9', email: { ...email('bad@'), valid: false } }),
      adUser({ sam: 'four', first: 'For', last: 'Fore', nhsmailId: 'id-7', email: { ...email('bad@'), valid: false } }),
    ];
    return { nhsmail, ad };
  }

  it("looks again only at the records a load worker's key hashes (SourceKeyHashes) single out, and finds the same issues", () => {
    const { nhsmail, ad } = sharedKeys();
    const r = reconcile({ esr: [], nhsmail, ad, config, asOfMs: AS_OF });
    const keysM = new SourceKeyHashes(SOURCE_DUPLICATE_CHECKS.nhsmail);
    for (const m of nhsmail) keysM.add(m);
    const keysA = new SourceKeyHashes(SOURCE_DUPLICATE_CHECKS.ad);
    for (const a of ad) keysA.add(a);
    const known = { ...keysM.sharing(), ...keysA.sharing() };
    // Every check of both sources, each with the records (by index, ascending) whose key's hash another shares.
    expect(Object.keys(known).sort()).toEqual([...SOURCE_DUPLICATE_CHECKS.nhsmail, ...SOURCE_DUPLICATE_CHECKS.ad].map((c) => c.code).sort());
    expect([...known.DUPLICATE_NHSMAIL_EMAIL!]).toEqual([0, 1, 2, 3, 4]);
    expect([...known.DUPLICATE_NHSMAIL_ID!]).toEqual([0, 2]);
    expect([...known.DUPLICATE_AD_MAIL!]).toEqual([0, 1]);
    const here = findIssues(r, config, AS_OF);
    expect(findIssues(r, config, AS_OF, new Int32Pool(), known)).toEqual(here);
    const dup = here.filter((i) => i.code.startsWith('DUPLICATE_'));
    expect(dup.map((i) => `${i.code}:${i.nhsmailEmail ?? i.samAccountName}`)).toEqual([
      'DUPLICATE_NHSMAIL_EMPLOYEE_NUMBER:a@nhs.net; a@nhs.net',
      'DUPLICATE_NHSMAIL_ID:z@nhs.net; z@nhs.net',
      'DUPLICATE_NHSMAIL_EMAIL:a@nhs.net; a@nhs.net',
      'DUPLICATE_NHSMAIL_EMAIL:z@nhs.net; z@nhs.net; z@nhs.net',
      'DUPLICATE_AD_EMPLOYEE_ID:one; two',
      'DUPLICATE_AD_NHSMAIL_ID:one; three',
      'DUPLICATE_AD_MAIL:one; two',
    ]);
  });

  it('for a check it is given records for, groups those records by their keys and no others', () => {
    const { nhsmail, ad } = sharedKeys();
    const r = reconcile({ esr: [], nhsmail, ad, config, asOfMs: AS_OF });
    // Records 0 and 1 share an employeeID, but only 1 is given: no group. Records given whose
    // keys differ (a hash collision) make none either. An empty list: nothing to look at.
    const issues = findIssues(r, config, AS_OF, new Int32Pool(), { DUPLICATE_AD_EMPLOYEE_ID: Int32Array.of(1, 2), DUPLICATE_NHSMAIL_ID: new Int32Array(0) });
    const dup = issues.filter((i) => i.code === 'DUPLICATE_AD_EMPLOYEE_ID' || i.code === 'DUPLICATE_NHSMAIL_ID' || i.code === 'DUPLICATE_AD_MAIL');
    expect(dup.map((i) => `${i.code}:${i.nhsmailEmail ?? i.samAccountName}`)).toEqual(['DUPLICATE_AD_MAIL:one; two']);
    // A list naming a record the export does not have is not for these records: every record is looked at.
    const wrong = findIssues(r, config, AS_OF, new Int32Pool(), { DUPLICATE_AD_EMPLOYEE_ID: Int32Array.of(1, 9) });
    expect(wrong.filter((i) => i.code === 'DUPLICATE_AD_EMPLOYEE_ID').map((i) => i.samAccountName)).toEqual(['one; two']);
  });
});

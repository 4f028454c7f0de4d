import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RULES,
  balanceRows,
  buildDoctorRow,
  buildDoctors,
  buildGmcRow,
  buildHiddenRow,
  buildRevalTables,
  classify,
  countDecisions,
  decisionRow,
  DECISION_COLUMNS,
  interactionProblems,
  licenceState,
  normaliseGmcNumber,
  type Decision,
  type DoctorRow,
  type GmcRow,
  type HiddenRow,
  type RevalSourceRow,
} from '../../src/core/reval.js';

const AS_OF = Date.UTC(2026, 10, 1); // 2026-11-01

// Designated bodies (local offices) used in these records.
const NW = '1-1RSG4X0';
const LDN = '1-1RSSQ05';
const KSS = '1-1RSSPZ7';

let nextLine = 2;

function row(fields: Record<string, string | undefined>): RevalSourceRow {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) clean[k] = v;
  return { line: nextLine++, fields: clean };
}

interface TisSpec {
  gmc?: string;
  first?: string;
  last?: string;
  programme?: string;
  type?: string;
  start?: string;
  end?: string;
  cct?: string;
  curriculum?: string;
  grade?: string;
  gradeId?: string;
  owner?: string;
  tisDb?: string;
}

/** A TIS programme membership row (defaults: current Substantive membership owned by London). */
function tis(s: TisSpec = {}): DoctorRow {
  const b = buildDoctorRow(
    row({
      gmcNumber: 'gmc' in s ? s.gmc : '7100001',
      firstName: s.first ?? 'Ada',
      lastName: s.last ?? 'Example',
      programme: s.programme ?? 'General Surgery',
      membershipType: s.type ?? 'Substantive',
      start: s.start ?? '2024-08-07',
      end: s.end ?? '2028-08-06',
      curriculumEnd: s.cct,
      curriculum: s.curriculum,
      grade: s.grade ?? 'ST3',
      gradeId: s.gradeId,
      ownerDb: 'owner' in s ? s.owner : LDN,
      tisDb: s.tisDb,
    }),
  );
  if (!b.ok) throw new Error(b.reason);
  return b.record;
}

/** A TIS person with no programme membership (empty programme, type and dates). */
function tisPerson(gmc = '7100001'): DoctorRow {
  const b = buildDoctorRow(row({ gmcNumber: gmc, firstName: 'Ada', lastName: 'Example' }));
  if (!b.ok) throw new Error(b.reason);
  return b.record;
}

function gmc(db: string | undefined, s: { gmc?: string; licence?: string } = {}): GmcRow {
  const b = buildGmcRow(row({ gmcNumber: s.gmc ?? '7100001', db, licenceStatus: s.licence }));
  if (!b.ok) throw new Error(b.reason);
  return b.record;
}

function hidden(db: string, until: string, s: { gmc?: string; reason?: string; by?: string } = {}): HiddenRow {
  const b = buildHiddenRow(row({ gmcNumber: s.gmc ?? '7100001', db, until, reason: s.reason ?? 'Out of programme', hiddenBy: s.by ?? 'admin.one' }));
  if (!b.ok) throw new Error(b.reason);
  return b.record;
}

function decideAll(input: { tis?: DoctorRow[]; gmc?: GmcRow[]; hidden?: HiddenRow[] }, asOf = AS_OF): Decision[] {
  return classify(buildDoctors({ doctors: input.tis ?? [], gmc: input.gmc ?? [], hidden: input.hidden ?? [] }), asOf);
}

/** The one decision for a single doctor. */
function decide(input: { tis?: DoctorRow[]; gmc?: GmcRow[]; hidden?: HiddenRow[] }, asOf = AS_OF): Decision {
  const all = decideAll(input, asOf);
  expect(all).toHaveLength(1);
  return all[0]!;
}

describe('reval: seed trigger scenarios', () => {
  it('scenario 1: a new trainee in TIS with a current membership and no connection goes to Add', () => {
    const d = decide({ tis: [tis()] });
    expect(d.action).toBe('Add');
    expect(d.code).toBe('ADD-NO-CONNECTION');
    expect(d.scenarios).toEqual([1]);
    expect(d.targetDb).toBe(LDN);
    expect(d.gmcReason).toEqual({ code: 1, text: 'The doctor has a connection with this designated body' });
    expect(d.editableBy).toEqual([LDN]);
  });

  it('scenario 2: GMC refresh with no change: connected to the programme owner, no action', () => {
    const d = decide({ tis: [tis({ owner: NW })], gmc: [gmc(NW)] });
    expect(d.action).toBe('No action');
    expect(d.code).toBe('NONE-CONNECTED');
    expect(d.scenarios).toEqual([2]);
    expect(d.gmcReason).toBeUndefined();
    expect(d.editableBy).toEqual([NW]);
  });

  it('scenario 3: GMC refresh with an update: the list follows the refreshed GMC data, not the TIS DB column', () => {
    const before = decide({ tis: [tis({ owner: LDN, tisDb: KSS })], gmc: [gmc(KSS)] });
    expect(before.action).toBe('Add');
    const after = decide({ tis: [tis({ owner: LDN, tisDb: KSS })], gmc: [gmc(LDN)] });
    expect(after.action).toBe('No action');
    expect(after.gmcDbs).toEqual([LDN]);
    expect(after.currentOwners).toEqual([LDN]);
  });

  it("scenario 4: connected to a DB other than the programme owner's goes to Add for the owner", () => {
    const d = decide({ tis: [tis({ owner: LDN })], gmc: [gmc(KSS)] });
    expect(d.action).toBe('Add');
    expect(d.code).toBe('ADD-DB-MISMATCH');
    expect(d.scenarios).toEqual([4]);
    expect(d.targetDb).toBe(LDN);
    expect(d.editableBy).toEqual([LDN]);
    expect(d.readOnly).toEqual([KSS]);
  });

  it('scenario 5: GMC refresh and the programme membership has expired: Remove', () => {
    const d = decide({ tis: [tis({ start: '2022-08-03', end: '2026-08-05' })], gmc: [gmc(LDN)] });
    expect(d.action).toBe('Remove');
    expect(d.code).toBe('REMOVE-EXPIRED');
    expect(d.scenarios).toContain(5);
    expect(d.targetDb).toBe(LDN);
    expect(d.gmcReason).toEqual({ code: 3, text: 'The doctor does not have a connection with this designated body' });
  });

  it('scenario 6: a GMC number the GMC sends with no TIS record: Remove', () => {
    const d = decide({ gmc: [gmc(KSS, { gmc: '7100999' })] });
    expect(d.action).toBe('Remove');
    expect(d.code).toBe('REMOVE-NOT-IN-TIS');
    expect(d.scenarios).toEqual([6]);
    expect(d.targetDb).toBe(KSS);
    expect(d.editableBy).toEqual([KSS]);
  });

  it('scenario 7: programme membership removed in TIS, still connected to the owner DB: Remove', () => {
    const d = decide({ tis: [tisPerson()], gmc: [gmc(LDN)] });
    expect(d.action).toBe('Remove');
    expect(d.code).toBe('REMOVE-NO-MEMBERSHIP');
    expect(d.scenarios).toEqual([7]);
  });

  it('scenario 8: programme end date before the CCT date: the programme end date decides (Remove)', () => {
    const d = decide({ tis: [tis({ end: '2026-08-05', cct: '2027-08-04' })], gmc: [gmc(LDN)] });
    expect(d.action).toBe('Remove');
    expect(d.code).toBe('REMOVE-EXPIRED');
    expect(d.scenarios).toEqual([5, 8, 9, 12]);
    expect(d.reason).toMatch(/2026-08-05/);
    expect(d.reason).toMatch(/programme end date decides/);
  });

  it('scenario 9: programme end date before today: Remove; ending today is still current', () => {
    const ended = decide({ tis: [tis({ end: '2026-10-31' })], gmc: [gmc(LDN)] });
    expect(ended.action).toBe('Remove');
    expect(ended.scenarios).toContain(9);
    const endsToday = decide({ tis: [tis({ end: '01/11/2026' })], gmc: [gmc(LDN)] });
    expect(endsToday.action).toBe('No action');
    const startsToday = decide({ tis: [tis({ start: '2026-11-01' })], gmc: [gmc(LDN)] });
    expect(startsToday.action).toBe('No action');
  });

  it('scenario 10: no current membership and today after the CCT date: Remove; a period of grace keeps it current', () => {
    const d = decide({ tis: [tis({ end: '2026-09-01', cct: '2026-09-01' })], gmc: [gmc(LDN)] });
    expect(d.action).toBe('Remove');
    expect(d.scenarios).toEqual([5, 9, 10]);
    // Period of grace: programme end after the CCT date, CCT passed, programme still current.
    const grace = decide({ tis: [tis({ end: '2027-02-01', cct: '2026-09-01' })], gmc: [gmc(LDN)] });
    expect(grace.action).toBe('No action');
  });

  it('scenario 11: licence to practise removed (column present): Remove; not connected: Review, never Add', () => {
    const d = decide({ tis: [tis()], gmc: [gmc(LDN, { licence: 'Suspended' })] });
    expect(d.action).toBe('Remove');
    expect(d.code).toBe('REMOVE-LICENCE');
    expect(d.scenarios).toEqual([11]);
    expect(d.targetDb).toBe(LDN);
    expect(decide({ tis: [tis()], gmc: [gmc(LDN, { licence: 'Licensed' })] }).action).toBe('No action');
    expect(decide({ tis: [tis()], gmc: [gmc(LDN)] }).action).toBe('No action'); // no licence column
    const notConnected = decide({ tis: [tis()], gmc: [gmc(undefined, { licence: 'Erased' })] });
    expect(notConnected.action).toBe('Review');
    expect(notConnected.code).toBe('REVIEW-NO-LICENCE');
  });

  it('scenario 12: programme membership ended before the CCT date (same rule as 8): Remove', () => {
    const d = decide({ tis: [tis({ end: '2026-10-15', cct: '2026-12-01' })], gmc: [gmc(LDN)] });
    expect(d.code).toBe('REMOVE-EXPIRED');
    expect(d.scenarios).toContain(12);
    expect(d.scenarios).not.toContain(10);
  });

  it('scenario 13: an entry on the ignore list within its date hides the doctor (Ignore, not sent)', () => {
    const d = decide({ tis: [tis()], hidden: [hidden(LDN, '2027-01-31', { reason: 'Career break', by: 'r.admin' })] });
    expect(d.action).toBe('Ignore');
    expect(d.code).toBe('IGNORE-HIDDEN');
    expect(d.scenarios).toEqual([13]);
    expect(d.gmcReason).toBeUndefined();
    expect(d.hidden?.hiddenBy).toBe('r.admin');
    expect(d.alsoMatched).toContain('ADD-NO-CONNECTION');
    // The until date is inclusive.
    expect(decide({ tis: [tis()], hidden: [hidden(LDN, '2026-11-01')] }).action).toBe('Ignore');
  });

  it('scenario 14: manual unhide (entry deleted, or its until date passed): classified as normal again', () => {
    expect(decide({ tis: [tis()] }).action).toBe('Add');
    const expired = decide({ tis: [tis()], hidden: [hidden(LDN, '2026-10-31')] });
    expect(expired.action).toBe('Add');
    expect(expired.scenarios).toEqual([1, 14]);
    expect(expired.notes.join()).toMatch(/expired on 2026-10-31/);
  });

  it('scenario 15: automatic unhide via GMC refresh: the entry no longer applies once the GMC shows another DB', () => {
    const before = decide({ tis: [tis({ owner: LDN })], gmc: [gmc(KSS)], hidden: [hidden(KSS, '2027-06-30')] });
    expect(before.action).toBe('Ignore');
    // Refreshed GMC list: now connected to London; the Kent, Surrey and Sussex entry lapses.
    const after = decide({ tis: [tis({ owner: LDN })], gmc: [gmc(LDN)], hidden: [hidden(KSS, '2027-06-30')] });
    expect(after.action).toBe('No action');
    expect(after.scenarios).toEqual([2, 15]);
    expect(after.readOnly).toContain(KSS);
  });

  it('scenario 16: F1 trainees are ignored automatically (grade F1 or grade id 279)', () => {
    const d = decide({ tis: [tis({ grade: 'F1', programme: 'Foundation', owner: NW })] });
    expect(d.action).toBe('Ignore');
    expect(d.code).toBe('IGNORE-F1');
    expect(d.scenarios).toEqual([16]);
    expect(decide({ tis: [tis({ grade: '', gradeId: '279' })] }).code).toBe('IGNORE-F1');
    // Only a current F1 membership counts: an F1 that ended leaves an ordinary expired doctor.
    expect(decide({ tis: [tis({ grade: 'F1', end: '2026-08-04' })], gmc: [gmc(LDN)] }).code).toBe('REMOVE-EXPIRED');
  });

  it('scenario 17: Military trainees (membership type Military or M) are ignored automatically', () => {
    const d = decide({ tis: [tis({ type: 'Military' })], gmc: [gmc(KSS)] });
    expect(d.action).toBe('Ignore');
    expect(d.code).toBe('IGNORE-MILITARY');
    expect(d.editableBy).toEqual([KSS]);
    expect(decide({ tis: [tis({ type: 'M' })] }).code).toBe('IGNORE-MILITARY');
  });

  it('scenario 18: no programme membership and no designated body: Ignore, editable by every office', () => {
    const d = decide({ tis: [tisPerson()] });
    expect(d.action).toBe('Ignore');
    expect(d.code).toBe('IGNORE-NO-MEMBERSHIP');
    expect(d.scenarios).toEqual([18]);
    expect(d.editableByAll).toBe(true);
    expect(decide({ tis: [tis({ end: '2025-08-05' })] }).code).toBe('IGNORE-NO-MEMBERSHIP');
    expect(decide({ tis: [tis({ start: '2027-02-03', end: '2030-02-02' })] }).code).toBe('IGNORE-NO-MEMBERSHIP');
  });

  it('scenario 19: membership type Visitor goes to Review with a red flag, never sent', () => {
    const d = decide({ tis: [tis({ type: 'Visitor' })] });
    expect(d.action).toBe('Review');
    expect(d.code).toBe('REVIEW-VISITOR');
    expect(d.redFlag).toBe(true);
    expect(d.gmcReason).toBeUndefined();
    expect(d.editableByAll).toBe(true);
  });

  it('scenario 20: joint programme membership owned by two DBs goes to Review', () => {
    const d = decide({ tis: [tis({ owner: LDN }), tis({ owner: KSS })], gmc: [gmc(LDN)] });
    expect(d.action).toBe('Review');
    expect(d.code).toBe('REVIEW-JOINT');
    expect(d.scenarios).toEqual([20]);
    expect(d.editableBy).toEqual([LDN]);
    expect(d.readOnly).toEqual([KSS]);
  });

  it('scenario 21: memberships of different programmes overlapping between two regions go to Review', () => {
    const d = decide({
      tis: [tis({ programme: 'Paediatrics', owner: NW }), tis({ programme: 'Academic Clinical Fellowship', type: 'Academic', owner: LDN, start: '2026-10-01' })],
    });
    expect(d.action).toBe('Review');
    expect(d.code).toBe('REVIEW-OVERLAP');
    expect(d.scenarios).toEqual([21]);
    // Sequential memberships in two regions do not overlap: the current one decides.
    const sequential = decide({ tis: [tis({ owner: NW, end: '2026-08-04' }), tis({ owner: LDN, start: '2026-08-05' })], gmc: [gmc(NW)] });
    expect(sequential.code).toBe('ADD-DB-MISMATCH');
    expect(sequential.readOnly).toEqual([NW]);
  });

  it('scenario 23: GMC number removed in TIS (empty or not 7 digits) goes to Review', () => {
    const d = decide({ tis: [tis({ gmc: undefined })] });
    expect(d.action).toBe('Review');
    expect(d.code).toBe('REVIEW-NO-GMC-NUMBER');
    expect(d.scenarios).toEqual([23]);
    expect(d.key).toMatch(/^doctors:\d+$/);
    expect(decide({ tis: [tis({ gmc: '710001' })] }).code).toBe('REVIEW-NO-GMC-NUMBER');
    // Two rows without a number are two doctors: they cannot be grouped safely.
    expect(decideAll({ tis: [tis({ gmc: '' }), tis({ gmc: 'n/a' })] })).toHaveLength(2);
  });

  it('scenario 24: a programme membership with dual curriculum goes to Review', () => {
    const d = decide({ tis: [tis({ curriculum: 'General Surgery' }), tis({ curriculum: 'Vascular Surgery' })], gmc: [gmc(LDN)] });
    expect(d.action).toBe('Review');
    expect(d.code).toBe('REVIEW-DUAL-CURRICULUM');
    expect(d.scenarios).toEqual([24]);
    expect(decide({ tis: [tis({ curriculum: 'Geriatric Medicine; General Internal Medicine' })] }).code).toBe('REVIEW-DUAL-CURRICULUM');
    // The same curriculum on two rows (case aside) is not dual.
    expect(decide({ tis: [tis({ curriculum: 'General Surgery' }), tis({ curriculum: 'general surgery' })], gmc: [gmc(LDN)] }).action).toBe('No action');
  });
});

describe('reval: precedence', () => {
  it('the rule order is the documented precedence', () => {
    expect(RULES.map((r) => r.code)).toEqual([
      'REVIEW-NO-GMC-NUMBER',
      'REVIEW-GMC-MULTIPLE-DBS',
      'IGNORE-F1',
      'IGNORE-MILITARY',
      'REMOVE-LICENCE',
      'REVIEW-LICENCE-UNKNOWN',
      'IGNORE-HIDDEN',
      'REVIEW-JOINT',
      'REVIEW-OVERLAP',
      'REVIEW-DUAL-CURRICULUM',
      'REVIEW-VISITOR',
      'REVIEW-NO-OWNER-DB',
      'REMOVE-NOT-IN-TIS',
      'REMOVE-NO-MEMBERSHIP',
      'REMOVE-EXPIRED',
      'REMOVE-NOT-STARTED',
      'REVIEW-NO-LICENCE',
      'ADD-NO-CONNECTION',
      'ADD-DB-MISMATCH',
      'IGNORE-NO-MEMBERSHIP',
      'NONE-CONNECTED',
    ]);
  });

  it('no GMC number beats F1', () => {
    const d = decide({ tis: [tis({ gmc: '', grade: 'F1' })] });
    expect(d.code).toBe('REVIEW-NO-GMC-NUMBER');
    expect(d.alsoMatched).toContain('IGNORE-F1');
  });

  it('F1 beats Military, the ignore list and Visitor; all are listed as also matched', () => {
    const d = decide({ tis: [tis({ grade: 'F1', type: 'Visitor' })], hidden: [hidden(LDN, '2027-01-01')] });
    expect(d.code).toBe('IGNORE-F1');
    expect(d.alsoMatched).toEqual(['IGNORE-HIDDEN', 'REVIEW-VISITOR', 'ADD-NO-CONNECTION']);
  });

  it('licence removed beats the ignore list', () => {
    const d = decide({ tis: [tis()], gmc: [gmc(LDN, { licence: 'Registered without a licence' })], hidden: [hidden(LDN, '2027-01-01')] });
    expect(d.code).toBe('REMOVE-LICENCE');
  });

  it('the ignore list beats red flags (a person decided) and Remove', () => {
    expect(decide({ tis: [tis({ type: 'Visitor' })], gmc: [gmc(LDN)], hidden: [hidden(LDN, '2027-01-01')] }).code).toBe('IGNORE-HIDDEN');
    expect(decide({ tis: [tis({ end: '2026-01-01' })], gmc: [gmc(LDN)], hidden: [hidden(LDN, '2027-01-01')] }).code).toBe('IGNORE-HIDDEN');
  });

  it('joint beats dual curriculum beats Visitor', () => {
    const joint = decide({ tis: [tis({ owner: LDN, curriculum: 'A' }), tis({ owner: KSS, curriculum: 'B', type: 'Visitor' })] });
    expect(joint.code).toBe('REVIEW-JOINT');
    const dual = decide({ tis: [tis({ curriculum: 'A', type: 'Visitor' }), tis({ curriculum: 'B' })] });
    expect(dual.code).toBe('REVIEW-DUAL-CURRICULUM');
    expect(dual.alsoMatched).toContain('REVIEW-VISITOR');
  });

  it('two DBs on the GMC list is a Review, not a guess', () => {
    const d = decide({ tis: [tis()], gmc: [gmc(LDN), gmc(KSS)] });
    expect(d.code).toBe('REVIEW-GMC-MULTIPLE-DBS');
    expect(d.editableBy).toEqual([LDN, KSS].sort());
  });

  it('a current membership with no owner DB is a Review; the TIS DB column stands in when the owner is empty', () => {
    expect(decide({ tis: [tis({ owner: undefined })] }).code).toBe('REVIEW-NO-OWNER-DB');
    expect(decide({ tis: [tis({ owner: undefined, tisDb: NW })] }).targetDb).toBe(NW);
  });

  it('a membership that has not started yet: connected → Remove (next start named), else Ignore', () => {
    const d = decide({ tis: [tis({ start: '2027-02-03', end: '2030-02-02' })], gmc: [gmc(LDN)] });
    expect(d.code).toBe('REMOVE-NOT-STARTED');
    expect(d.reason).toMatch(/2027-02-03/);
  });
});

describe('reval: interaction rules', () => {
  it('each list says which DB edits the row and which read it only (past connections)', () => {
    const d = decide({
      tis: [tis({ owner: NW, start: '2020-08-05', end: '2023-08-01' }), tis({ owner: KSS, start: '2023-08-02', end: '2026-08-01' })],
      gmc: [gmc(KSS)],
      hidden: [hidden(LDN, '2025-01-01')],
    });
    expect(d.code).toBe('REMOVE-EXPIRED');
    expect(d.editableBy).toEqual([KSS]);
    expect(d.readOnly).toEqual([LDN, NW].sort());
  });

  it('Ignore and Review with no current connection are editable by every local office', () => {
    const d = decide({ tis: [tis({ type: 'Visitor' })], hidden: [] });
    expect(d.editableByAll).toBe(true);
    expect(d.readOnly).toEqual([]);
    const row = decisionRow(d);
    expect(row[DECISION_COLUMNS.findIndex((c) => c.header === 'Editable By')]).toBe('All local offices');
  });

  it('interactionProblems catches an Add to a DB already connected and a Remove with no connection', () => {
    const add = decide({ tis: [tis()] });
    expect(interactionProblems(add)).toEqual([]);
    expect(interactionProblems({ ...add, gmcDbs: [LDN] })).toContain('Add where a connection to that DB already exists');
    const remove = decide({ tis: [tis({ end: '2026-01-01' })], gmc: [gmc(LDN)] });
    expect(interactionProblems({ ...remove, gmcDbs: [] })).toContain('Remove where there is no connection to that DB');
    expect(interactionProblems({ ...remove, gmcReason: undefined })).not.toEqual([]);
  });

  it('property: on any data, Add only where not connected to the target, Remove only where connected; one decision per doctor', () => {
    const dbs = [NW, LDN, KSS];
    const dateArb = fc.integer({ min: -800, max: 800 }).map((off) => new Date(AS_OF + off * 86_400_000).toISOString().slice(0, 10));
    const tisArb = fc.record({
      gmc: fc.constantFrom('7100001', '7100002', '7100003', ''),
      start: dateArb,
      len: fc.integer({ min: 0, max: 1500 }),
      owner: fc.option(fc.constantFrom(...dbs), { nil: undefined }),
      type: fc.constantFrom('Substantive', 'LAT', 'Military', 'Visitor', 'Academic'),
      grade: fc.constantFrom('ST1', 'F1', 'CT2', 'F2'),
      curriculum: fc.constantFrom('A', 'B', ''),
      programme: fc.constantFrom('P1', 'P2'),
      person: fc.boolean(),
    });
    const gmcArb = fc.record({
      gmc: fc.constantFrom('7100001', '7100002', '7100004', 'x'),
      db: fc.option(fc.constantFrom(...dbs), { nil: undefined }),
      licence: fc.constantFrom(undefined, 'Licensed', 'Suspended', 'odd'),
    });
    const hiddenArb = fc.record({ gmc: fc.constantFrom('7100001', '7100003', '7100005'), db: fc.constantFrom(...dbs), until: dateArb });
    fc.assert(
      fc.property(fc.array(tisArb, { maxLength: 6 }), fc.array(gmcArb, { maxLength: 4 }), fc.array(hiddenArb, { maxLength: 3 }), (ts, gs, hs) => {
        const doctors: DoctorRow[] = ts.map((t) => {
          if (t.person) return tisPerson(t.gmc);
          const end = new Date(Date.parse(t.start) + t.len * 86_400_000).toISOString().slice(0, 10);
          return tis({ gmc: t.gmc, start: t.start, end, owner: t.owner, type: t.type, grade: t.grade, curriculum: t.curriculum, programme: t.programme });
        });
        const gmcRows = gs.map((g) => gmc(g.db, { gmc: g.gmc, licence: g.licence }));
        const hiddenRows = hs.map((h) => hidden(h.db, h.until, { gmc: h.gmc }));
        const decisions = classify(buildDoctors({ doctors, gmc: gmcRows, hidden: hiddenRows }), AS_OF);
        for (const d of decisions) {
          expect(interactionProblems(d)).toEqual([]);
          if (d.action === 'Add') expect(d.gmcDbs).not.toContain(d.targetDb);
          if (d.action === 'Remove') expect(d.gmcDbs).toContain(d.targetDb);
        }
        const balance = balanceRows({ doctors: doctors.length, gmc: gmcRows.length, hidden: hiddenRows.length }, decisions, []);
        expect(balance.every((b) => b.balanced)).toBe(true);
        expect(countDecisions(decisions).doctors).toBe(decisions.length);
        const keys = decisions.map((d) => d.key);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 300, seed: 20261101 },
    );
  });
});

describe('reval: nothing lost', () => {
  it('rows that cannot be used are rejects naming the column, never the value', () => {
    const bad = (fields: Record<string, string>): string => {
      const b = buildDoctorRow(row(fields));
      if (b.ok) throw new Error('expected a reject');
      return b.reason;
    };
    const base = { gmcNumber: '7100001', programme: 'Cardiology', membershipType: 'Substantive', start: '2025-08-06', end: '2029-08-05' };
    expect(bad({ ...base, start: '31/02/2025' })).toMatch(/^Programme Start Date is not a date/);
    expect(bad({ ...base, end: 'soon' })).toMatch(/^Programme End Date is not a date/);
    expect(bad({ ...base, end: '2024-01-01' })).toBe('Programme End Date is before Programme Start Date');
    expect(bad({ gmcNumber: '7100001', programme: 'Cardiology' })).toBe('Programme Start Date is empty');
    expect(bad({ ...base, curriculumEnd: '13/13/2029' })).toMatch(/^Curriculum End Date is not a date/);
    const h = buildHiddenRow(row({ gmcNumber: '7100001', db: LDN }));
    expect(h).toEqual({ ok: false, reason: expect.stringMatching(/^Until is empty/) });
    expect(buildHiddenRow(row({ gmcNumber: '12', db: LDN, until: '2027-01-01' }))).toEqual({ ok: false, reason: 'GMC Number is empty or not 7 digits' });
  });

  it('every input row is in exactly one decision or rejected, and the balance says so', () => {
    const doctors = [tis(), tis({ gmc: '7100002' }), tis({ gmc: '' })];
    const gmcRows = [gmc(LDN), gmc(KSS, { gmc: '7100009' })];
    const hiddenRows = [hidden(LDN, '2027-01-01', { gmc: '7100008' })];
    const decisions = decideAll({ tis: doctors, gmc: gmcRows, hidden: hiddenRows });
    expect(decisions.map((d) => d.gmcNumber ?? d.key)).toEqual(['7100001', '7100002', '7100008', '7100009', expect.stringMatching(/^doctors:/)]);
    const rejects = [{ source: 'doctors' as const, line: 999, reason: 'Programme Start Date is empty' }];
    const ok = balanceRows({ doctors: 4, gmc: 2, hidden: 1 }, decisions, rejects);
    expect(ok.map((b) => b.balanced)).toEqual([true, true, true]);
    expect(ok[0]).toMatchObject({ inputRows: 4, accountedRows: 3, rejectedRows: 1 });
    // A row lost, or a row counted twice, does not balance.
    expect(balanceRows({ doctors: 5, gmc: 2 }, decisions, rejects)[0]!.balanced).toBe(false);
    const twice = [...decisions, decisions[0]!];
    expect(balanceRows({ doctors: 5, gmc: 3, hidden: 1 }, twice, rejects)[0]!.balanced).toBe(false);
  });

  it('an ignore entry for a doctor in neither file is still a doctor (ignored while in date)', () => {
    const d = decide({ hidden: [hidden(LDN, '2027-01-01', { gmc: '7100555' })] });
    expect(d.code).toBe('IGNORE-HIDDEN');
    const stale = decide({ hidden: [hidden(LDN, '2026-01-01', { gmc: '7100555' })] });
    expect(stale.code).toBe('IGNORE-NO-MEMBERSHIP');
    expect(stale.scenarios).toEqual([14, 18]);
  });

  it('the tables hold every decision once in All, and once in its own list', () => {
    const decisions = decideAll({ tis: [tis(), tis({ gmc: '7100002', type: 'Visitor' })], gmc: [gmc(LDN, { gmc: '7100003' })] });
    const tables = buildRevalTables(decisions, [], () => 'x.csv');
    const byName = Object.fromEntries(tables.map((t) => [t.name, t]));
    expect(byName['All']!.rows).toHaveLength(3);
    const lists = ['Add', 'Remove', 'Ignore', 'Review', 'No Action'].map((n) => byName[n]!.rows.length);
    expect(lists.reduce((a, b) => a + b, 0)).toBe(3);
    const flag = byName['All']!.flagRow!;
    expect(byName['All']!.rows.filter(flag)).toHaveLength(1);
  });
});

describe('reval: normalisation', () => {
  it('GMC numbers are 7 digits after removing everything else', () => {
    expect(normaliseGmcNumber(' 7100 001 ')).toBe('7100001');
    expect(normaliseGmcNumber('GMC7100001')).toBe('7100001');
    expect(normaliseGmcNumber('710000')).toBeUndefined();
    expect(normaliseGmcNumber('71000011')).toBeUndefined();
  });

  it('licence statuses: removed, held, unknown, not given', () => {
    expect(licenceState('Suspended')).toBe('removed');
    expect(licenceState('Registered without a licence to practise')).toBe('removed');
    expect(licenceState('Registered with a licence to practise')).toBe('held');
    expect(licenceState('Licensed')).toBe('held');
    expect(licenceState('Under review')).toBe('unknown');
    expect(licenceState('')).toBe('not-given');
  });
});

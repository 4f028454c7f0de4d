import { describe, expect, it } from 'vitest';
import {
  buildSamples,
  CLEAN_RATES,
  checkSynthOptions,
  defaultSynthOptions,
  entityRows,
  filetime,
  foldAccents,
  formatMobile,
  isoDateTime,
  Sfc32,
  synthesise,
  typo,
  ukDate,
  ukDateTime,
  Weighted,
  type PhoneStyle,
  type SynthEntity,
  type SynthOptions,
  type SystemName,
} from '../../src/core/synth.js';
import { normalisePhone } from '../../src/core/normalise-phone.js';
import { normaliseEmployeeNumber } from '../../src/core/normalise-employee-number.js';
import { parseDate } from '../../src/core/normalise-date.js';

/** Every row of every entity, as CSV-free cell arrays per system. */
function rowsOf(entities: readonly SynthEntity[]): Record<SystemName, string[][]> {
  const out: Record<SystemName, string[][]> = { esr: [], nhsmail: [], ad: [], tis: [], tisLogins: [], tableau: [], truth: [] };
  for (const e of entities) entityRows(e, (s, cells) => out[s].push(cells));
  return out;
}

const opts = (people: number, seed = 1, patch: (o: SynthOptions) => void = () => undefined): SynthOptions => {
  const o = defaultSynthOptions(people, seed);
  patch(o);
  return o;
};

/** Large enough for rates to settle (±~1 point at these sizes), small enough to run in a second. */
const N = 20_000;
const realistic = synthesise(opts(N, 42));

describe('Sfc32 and Weighted', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new Sfc32(7);
    const b = new Sfc32(7);
    const c = new Sfc32(8);
    const xs = Array.from({ length: 5 }, () => a.u32());
    expect(Array.from({ length: 5 }, () => b.u32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.u32())).not.toEqual(xs);
  });

  it('picks in proportion to the weights', () => {
    const w = new Weighted<string>([['a', 1], ['b', 3]]);
    const rng = new Sfc32(1);
    let b = 0;
    for (let i = 0; i < 20_000; i++) if (w.pick(rng) === 'b') b++;
    expect(b / 20_000).toBeCloseTo(0.75, 1);
  });
});

describe('value helpers', () => {
  it('writes every mobile style so the project normaliser reads the same E.164 number', () => {
    const styles: PhoneStyle[] = ['spaced', 'compact', 'intlZero', 'e164', 'intlSpaced', 'doubleZero', 'doubleZeroCompact', 'noPlus', 'noZero', 'threes'];
    const written = styles.map((s) => formatMobile('07911123456', s));
    expect(written).toEqual([
      '07911 123456', '07911123456', '+44 (0) 7911 123456', '+447911123456', '+44 7911 123456',
      '0044 7911 123456', '00447911123456', '447911123456', '7911123456', '07911 123 456',
    ]);
    for (const w of written) expect(normalisePhone(w)?.e164).toBe('+447911123456');
  });

  it('writes FILETIME as 100 ns ticks since 1601 that read back to the same instant', () => {
    const ms = Date.UTC(2026, 9, 14, 8, 30, 5, 123);
    const ft = filetime(ms, 4567);
    expect(ft).toMatch(/^\d{18}$/);
    expect(Number(BigInt(ft) / 10_000n) - 11_644_473_600_000).toBe(ms);
    expect(parseDate(ft)).toEqual({ status: 'ok', ms });
  });

  it('formats UK and ISO dates in UTC', () => {
    const ms = Date.UTC(2026, 0, 5, 7, 3, 9);
    expect(ukDate(ms)).toBe('05/01/2026');
    expect(ukDateTime(ms)).toBe('05/01/2026 07:03:09');
    expect(isoDateTime(ms)).toBe('2026-01-05T07:03:09Z');
  });

  it('folds accents and makes one-edit typos', () => {
    expect(foldAccents('Łukasz Wiśniewski')).toBe('Lukasz Wisniewski');
    expect(foldAccents('Siobhán')).toBe('Siobhan');
    const rng = new Sfc32(3);
    for (let i = 0; i < 200; i++) {
      const t = typo(rng, 'Margaret');
      expect(t).not.toBe('Margaret');
      expect(t[0]).toBe('M');
      expect(Math.abs(t.length - 8)).toBeLessThanOrEqual(1);
    }
  });
});

describe('Synth', () => {
  it('gives the same rows for the same seed and different rows for another', () => {
    const a = rowsOf(synthesise(opts(2_000, 5)).entities);
    const b = rowsOf(synthesise(opts(2_000, 5)).entities);
    const c = rowsOf(synthesise(opts(2_000, 6)).entities);
    expect(b).toEqual(a);
    expect(c.esr).not.toEqual(a.esr);
    expect(c.truth).not.toEqual(a.truth);
  });

  it('sizes each system as configured: ESR ≈ 0.96 N people, NHSmail ≈ 0.925 N, AD ≈ 0.67 N, TIS and Tableau ≈ 0.02 N', () => {
    const s = realistic.stats;
    expect(s.entities).toBe(N);
    expect(s.esrPeople / N).toBeCloseTo(0.96, 1);
    expect(s.rows.esr / s.esrPeople).toBeGreaterThan(1.05);
    expect(s.rows.esr / s.esrPeople).toBeLessThan(1.15);
    expect(s.rows.nhsmail / N).toBeCloseTo(0.925, 1);
    expect(s.rows.ad / N).toBeGreaterThan(0.64);
    expect(s.rows.ad / N).toBeLessThan(0.69);
    expect(s.rows.tis / N).toBeGreaterThan(0.01);
    expect(s.rows.tis / N).toBeLessThan(0.03);
    expect(s.rows.tableau / N).toBeGreaterThan(0.01);
    expect(s.rows.tableau / N).toBeLessThan(0.03);
  });

  it('records in truth exactly once each, and every truth key points at a record', () => {
    const rows = rowsOf(realistic.entities);
    const truth = rows.truth;
    const column = (i: number): string[] => truth.map((r) => r[i]!).filter((v) => v !== '');
    const esrPeople = new Set(rows.esr.map((r) => normaliseEmployeeNumber(r[0])!));
    const truthEmp = column(1);
    expect(new Set(truthEmp).size).toBe(truthEmp.length);
    expect(new Set(truthEmp)).toEqual(esrPeople);
    const keys = (sys: 'nhsmail' | 'ad' | 'tis' | 'tableau', col: number): string[] => rows[sys].map((r) => r[col]!);
    for (const [sys, col, truthCol] of [['nhsmail', 0, 2], ['ad', 5, 3], ['tis', 0, 4], ['tableau', 0, 5]] as const) {
      const records = keys(sys, col);
      expect(new Set(records).size, `${sys} keys are unique`).toBe(records.length);
      expect(column(truthCol).sort(), `${sys} records appear in truth once each`).toEqual([...records].sort());
    }
    // A person's second AD account shares their Person Id.
    const ids = truth.map((r) => r[0]);
    const repeated = truth.filter((r, i) => ids.indexOf(r[0]) !== i);
    expect(repeated.length).toBeGreaterThan(0);
    for (const r of repeated) expect(r.slice(1)).toEqual(['', '', r[3], '', '']);
  });

  it('gives every ESR person one Employee Number of 8 digits and never shares one between people', () => {
    const byEmp = new Map<string, string>();
    for (const e of realistic.entities) {
      for (const r of e.esr) {
        const emp = normaliseEmployeeNumber(r.employeeNumber)!;
        expect(emp).toMatch(/^\d{8}$/);
        expect(byEmp.get(emp) ?? e.personId).toBe(e.personId);
        byEmp.set(emp, e.personId);
      }
    }
  });

  it('applies faults at roughly their configured rates, measured from the records', () => {
    const people = realistic.entities.filter((e) => e.esr.length > 0);
    const missing = people.filter((e) => e.esr[0]!.email === '').length;
    // Missing by rate, plus half of those with no mailbox who have no trust address either.
    expect(missing / people.length).toBeGreaterThan(0.12);
    expect(missing / people.length).toBeLessThan(0.16);
    const withMailbox = realistic.entities.filter((e) => e.nhsmail.length > 0 && e.ad.length > 0);
    const noId = withMailbox.filter((e) => e.ad[0]!.nhsmailId === '').length;
    expect(noId / withMailbox.length).toBeCloseTo(0.3, 1);
    const mobiles = people.map((e) => e.esr[0]!.workMobile).filter((m) => m !== '');
    const odd = mobiles.filter((m) => !/^07\d{3} \d{6}$/.test(m)).length;
    expect(odd / mobiles.length).toBeCloseTo(0.5, 1);
    const leavers = people.filter((e) => e.esr.every((r) => r.personType === 'EX_EMP' || r.assignmentStatus.startsWith('Terminate'))).length;
    expect(leavers / people.length).toBeCloseTo(0.06, 1);
    const twoOrgs = people.filter((e) => new Set(e.esr.map((r) => r.organisation)).size > 1).length;
    expect(twoOrgs / people.length).toBeCloseTo(0.1 * 0.15 * 1.1, 1);
    const disabled = realistic.entities.flatMap((e) => e.ad).filter((a) => a.userAccountControl === '514' || a.userAccountControl === '66050');
    expect(disabled.every((a) => a.enabled === 'False')).toBe(true);
    const notActive = realistic.entities.flatMap((e) => e.nhsmail).filter((m) => m.status !== 'Active').length;
    expect(notActive / realistic.stats.rows.nhsmail).toBeGreaterThan(0.05);
  });

  it('follows a rate override', () => {
    const { entities } = synthesise(opts(5_000, 3, (o) => (o.rates.esrEmailMissing = 0.5)));
    const people = entities.filter((e) => e.esr.length > 0);
    expect(people.filter((e) => e.esr[0]!.email === '').length / people.length).toBeCloseTo(0.52, 1);
  });

  it('collides common names, and numbers their NHSmail addresses and sAMAccountNames apart', () => {
    const names = new Map<string, number>();
    for (const e of realistic.entities) for (const m of e.nhsmail) names.set(`${m.firstName} ${m.lastName}`, (names.get(`${m.firstName} ${m.lastName}`) ?? 0) + 1);
    expect(Math.max(...names.values())).toBeGreaterThan(3);
    const emails = realistic.entities.flatMap((e) => e.nhsmail.map((m) => m.email));
    expect(emails.some((m) => /^[a-z-]+\.[a-z-]+\d+@nhs\.net$/.test(m))).toBe(true);
  });

  it('with the clean profile keeps every anchor equal across systems', () => {
    const { entities } = synthesise({ ...opts(3_000, 11), rates: { ...CLEAN_RATES } });
    for (const e of entities) {
      const m = e.nhsmail[0];
      for (const r of e.esr) {
        expect(r.employeeNumber).toMatch(/^\d{8}$/);
        if (r.workMobile) expect(r.workMobile).toMatch(/^07\d{3} \d{6}$/);
        if (m) expect(r.email).toBe(m.email);
      }
      for (const a of e.ad) {
        if (m) {
          expect(a.nhsmailId).toBe(m.nhsmailId);
          expect(a.mail).toBe(m.email);
          expect([a.givenName, a.surname]).toEqual([m.firstName, m.lastName]);
        }
        if (e.esr[0]) expect(a.employeeId).toBe(e.esr[0].employeeNumber);
      }
      if (m && e.esr[0]) expect([m.firstName, m.lastName]).toEqual([e.esr[0].firstName, e.esr[0].lastName]);
    }
  });

  it('reports bad options with their names', () => {
    const o = opts(0, -1);
    o.rates.leaver = 2;
    o.membership.esrOnly = 0.5;
    expect(checkSynthOptions(o)).toEqual([
      'people: must be a whole number from 1 to 50000000',
      'seed: must be a whole number from 0 to 4294967295',
      'rates.leaver: must be a number from 0 to 1',
      'membership: shares must be ≥ 0 and sum to 1',
    ]);
    expect(checkSynthOptions(opts(10))).toEqual([]);
  });
});

describe('buildSamples', () => {
  const set = buildSamples();

  it('is the same every time', () => {
    expect(buildSamples()).toEqual(set);
  });

  it('holds about 300 people with the planted problems listed once each', () => {
    expect(set.esr.length).toBeGreaterThan(280);
    expect(set.esr.length).toBeLessThan(320);
    const ids = set.plants.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(40);
  });

  it('plants the values the README promises', () => {
    const esr = (emp: string) => set.esr.filter((r) => r.employeeNumber === emp);
    const plant = (id: string) => set.plants.find((p) => p.id === id)!;
    const empOf = (id: string) => /ESR (\d{8})/.exec(plant(id).where)![1]!;
    expect(esr(empOf('R01'))[0]!.email).toBe('');
    expect(esr(empOf('R05'))[0]!.workMobile).toBe('+44 (0) 7700 900805');
    expect(esr(empOf('R12'))[0]!.firstName).toBe('Łukasz');
    expect(esr(empOf('R18')).map((r) => r.organisation)).toEqual(['Northfield Community NHS Trust', 'Eastmoor Hospitals NHS Foundation Trust']);
    expect(esr('00412345')).toHaveLength(1);
    expect(set.ad.filter((a) => a.employeeId === '412345')).toHaveLength(1);
    const statuses = new Set(set.nhsmail.map((m) => m.status));
    for (const s of ['Active', 'Deleted', 'Deleted Permanent', 'Deleted_Permanent', 'Disabled', 'Inactive']) expect(statuses).toContain(s);
    const stamps = new Set(set.ad.map((a) => a.lastLogonTimestamp));
    expect(stamps).toContain('0');
    expect(stamps).toContain('9223372036854775807');
    expect(set.ad.filter((a) => a.userAccountControl === '514')).not.toHaveLength(0);
    expect(set.esr.filter((r) => r.firstName === 'John' && r.lastName === 'Smith')).toHaveLength(2);
  });

  it('keeps the background consistent: every other ESR email is an NHSmail primary address with an AD account pointing at it', () => {
    const planted = new Set(set.plants.flatMap((p) => p.where.match(/\d{8}/g) ?? []));
    const mailboxes = new Map(set.nhsmail.map((m) => [m.email, m]));
    const adByMail = new Map(set.ad.map((a) => [a.mail, a]));
    const background = set.esr.filter((r) => !planted.has(r.employeeNumber));
    expect(background.length).toBeGreaterThan(240);
    for (const r of background) {
      const m = mailboxes.get(r.email);
      expect(m, r.employeeNumber).toBeDefined();
      expect(adByMail.get(r.email)?.nhsmailId).toBe(m!.nhsmailId);
      expect(adByMail.get(r.email)?.employeeId).toBe(r.employeeNumber);
    }
  });
});

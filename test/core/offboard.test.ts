import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Scheme } from '../../src/core/config.js';
import {
  ACCOUNT_COLUMNS,
  buildOffboardTables,
  daysSince,
  guestEmailFromUpn,
  MACHINE_ROLES,
  offboard,
  splitScopeList,
  userTypeOf,
  withinWindow,
  type Account,
  type OffboardAnalysis,
  type OffboardRow,
} from '../../src/core/offboard.js';

const AS_OF = Date.UTC(2026, 10, 1); // 2026-11-01, UTC midnight
const N = 183; // window start 2026-05-02
const scheme: Scheme = structuredClone(DEFAULT_CONFIG.scheme);

type Fields = Record<string, string>;
const rows = (list: readonly Fields[]): OffboardRow[] => list.map((fields, i) => ({ line: i + 2, fields }));

const OFFICES: Fields[] = [
  { kind: 'dbc', code: '1-1RSSQ2H', localOffice: 'North West' },
  { kind: 'dbc', code: '1-1RSG4X0', localOffice: 'Yorkshire and the Humber' },
  { kind: 'dbc', code: '1-1RUZV1D', localOffice: 'Kent, Surrey and Sussex' },
  { kind: 'dbc', code: '1-1RSSQ5L', localOffice: 'South London' },
  { kind: 'dbc', code: '1-LDN', localOffice: 'London' },
  { kind: 'region', code: 'South London', localOffice: 'London' },
  { kind: 'region', code: 'North Central and East London', localOffice: 'London' },
  { kind: 'trust', code: 'R0A', localOffice: 'North West' },
  { kind: 'trust', code: 'RJ1', localOffice: 'London' },
];

/** An active HEE user in North West, created long ago; override any field. */
const user = (username: string, over: Fields = {}): Fields => ({
  username,
  firstName: username,
  lastName: 'Tester',
  email: `${username}@nhs.net`,
  active: 'true',
  roles: 'HEE',
  designatedBodies: '1-1RSSQ2H',
  created: '2020-01-01',
  ...over,
});

interface Run {
  tis: Fields[];
  logins?: Fields[];
  tableau?: Fields[];
  offices?: Fields[] | null;
  windowDays?: number;
}

function run(r: Run): OffboardAnalysis {
  return offboard({
    tisRows: rows(r.tis),
    loginRows: rows(r.logins ?? []),
    tableauRows: rows(r.tableau ?? []),
    officeRows: r.offices === null ? undefined : rows(r.offices ?? OFFICES),
    asOfMs: AS_OF,
    windowDays: r.windowDays ?? N,
    scheme,
  });
}

function account(a: OffboardAnalysis, username: string): Account {
  const found = a.accounts.find((x) => x.user.username === username);
  if (!found) throw new Error(`no account ${username}`);
  return found;
}

/** One user with one successful sign-in at `when`. */
function withLogin(when: string, over: Fields = {}, r: Partial<Run> = {}): Account {
  const a = run({ tis: [user('u1', over)], logins: [{ username: 'u1', lastLogin: when, eventType: 'SignIn', eventResponse: 'Pass' }], ...r });
  return account(a, 'u1');
}

const problemCodes = (a: Account): string[] => a.problems.map((p) => p.code);

describe('the window: whole UTC days, exactly N days is inside', () => {
  it('daysSince counts calendar days, whatever the time of day', () => {
    expect(daysSince(Date.UTC(2026, 10, 1, 23, 59), AS_OF)).toBe(0);
    expect(daysSince(Date.UTC(2026, 9, 31, 23, 59), AS_OF)).toBe(1);
    expect(daysSince(Date.UTC(2026, 4, 2, 0, 0), AS_OF)).toBe(183);
    expect(daysSince(Date.UTC(2026, 4, 1, 23, 59, 59), AS_OF)).toBe(184);
    expect(daysSince(Date.UTC(2026, 10, 2), AS_OF)).toBe(-1);
  });

  it('withinWindow: 0..N inclusive', () => {
    expect(withinWindow(0, N)).toBe(true);
    expect(withinWindow(N, N)).toBe(true);
    expect(withinWindow(N + 1, N)).toBe(false);
    expect(withinWindow(-1, N)).toBe(false);
  });

  it('a TIS login exactly N days before the as-of date is KEEP', () => {
    const a = withLogin('2026-05-02T23:59:00Z');
    expect(a.daysSinceTisLogin).toBe(183);
    expect(a.recommendation).toBe('KEEP');
  });

  it('a TIS login N+1 days before, even one minute before midnight, is REMOVE', () => {
    const a = withLogin('2026-05-01T23:59:00Z');
    expect(a.daysSinceTisLogin).toBe(184);
    expect(a.recommendation).toBe('REMOVE');
    expect(a.reasons.join('; ')).toMatch(/no TIS login in the last 183 days \(last 2026-05-01, 184 days ago\)/);
  });

  it('a login later on the as-of day itself is today, inside the window', () => {
    const a = withLogin('2026-11-01T17:30:00Z');
    expect(a.daysSinceTisLogin).toBe(0);
    expect(a.recommendation).toBe('KEEP');
    expect(a.reasons[0]).toMatch(/TIS login today/);
  });

  it('--inactive-days moves the edge', () => {
    expect(withLogin('2026-08-03T10:00:00Z', {}, { windowDays: 90 }).recommendation).toBe('KEEP');
    expect(withLogin('2026-08-02T10:00:00Z', {}, { windowDays: 90 }).recommendation).toBe('REMOVE');
  });

  it('a login after the as-of date is REVIEW "login date in the future", never inside the window', () => {
    const a = withLogin('2026-11-02T08:00:00Z');
    expect(a.recommendation).toBe('REVIEW');
    expect(problemCodes(a)).toEqual(['future-date']);
    expect(a.reasons[0]).toMatch(/TIS login date 2026-11-02 .* after the as-of date 2026-11-01/);
    expect(a.tisLogin).toBeUndefined();
  });

  it('a future login does not hide an earlier real one: REVIEW, and what the real one says', () => {
    const a = run({
      tis: [user('u1')],
      logins: [
        { username: 'u1', lastLogin: '2026-12-25T08:00:00Z' },
        { username: 'u1', lastLogin: '2026-01-10T08:00:00Z' },
      ],
    }).accounts[0]!;
    expect(a.recommendation).toBe('REVIEW');
    expect(a.ifResolved).toBe('REMOVE');
    expect(a.daysSinceTisLogin).toBe(295);
  });

  it('a Tableau login exactly N days ago keeps a stale account; N+1 days does not', () => {
    const tab = (when: string): Fields[] => [{ username: 'u1@nhs.net', email: 'u1@nhs.net', lastLogin: when }];
    const stale = [{ username: 'u1', lastLogin: '2025-01-01T00:00:00Z' }];
    expect(account(run({ tis: [user('u1')], logins: stale, tableau: tab('02/05/2026 00:30') }), 'u1').recommendation).toBe('KEEP (TABLEAU ACTIVE)');
    expect(account(run({ tis: [user('u1')], logins: stale, tableau: tab('01/05/2026 23:50') }), 'u1').recommendation).toBe('REMOVE');
  });

  it('a Tableau login in the future is REVIEW', () => {
    const a = account(
      run({ tis: [user('u1')], logins: [{ username: 'u1', lastLogin: '2025-01-01' }], tableau: [{ username: 'u1@nhs.net', lastLogin: '2026-12-03' }] }),
      'u1',
    );
    expect(a.recommendation).toBe('REVIEW');
    expect(problemCodes(a)).toEqual(['future-date']);
  });
});

describe('never logged in', () => {
  it('created before the window: REMOVE', () => {
    const a = account(run({ tis: [user('u1', { created: '2026-05-01' })] }), 'u1');
    expect(a.recommendation).toBe('REMOVE');
    expect(a.reasons[0]).toMatch(/no successful TIS login .* created 2026-05-01 \(184 days ago\), before the 183-day window/);
  });

  it('created on the window start (exactly N days ago): KEEP as a new account', () => {
    const a = account(run({ tis: [user('u1', { created: '2026-05-02' })] }), 'u1');
    expect(a.recommendation).toBe('KEEP');
    expect(a.reasons[0]).toMatch(/no TIS login yet; account created 2026-05-02 \(183 days ago\), within the 183-day window/);
  });

  it('no creation date: REVIEW, login data missing, outcome unknown', () => {
    const a = account(run({ tis: [user('u1', { created: '' })] }), 'u1');
    expect(a.recommendation).toBe('REVIEW');
    expect(problemCodes(a)).toEqual(['login-missing']);
    expect(a.ifResolved).toBe('UNKNOWN');
  });

  it('created after the as-of date: REVIEW, date in the future', () => {
    const a = account(run({ tis: [user('u1', { created: '2026-11-20' })] }), 'u1');
    expect(a.recommendation).toBe('REVIEW');
    expect(problemCodes(a)).toEqual(['future-date']);
  });

  it('"Never" in the user export last-login column is no login', () => {
    const a = account(run({ tis: [user('u1', { lastLogin: 'Never' })] }), 'u1');
    expect(a.recommendation).toBe('REMOVE');
  });
});

describe('TIS logins from two sources', () => {
  it('the latest successful sign-in wins, and its source is named', () => {
    const a = run({
      tis: [user('u1', { lastLogin: '2025-09-09T10:00:00Z' }), user('u2', { lastLogin: '2026-09-15T12:30:00Z' })],
      logins: [
        { username: 'u1', lastLogin: '2026-10-02T14:00:00Z', eventType: 'SignIn', eventResponse: 'Pass' },
        { username: 'u2', lastLogin: '2026-04-01T10:00:00Z', eventType: 'SignIn', eventResponse: 'Pass' },
      ],
    });
    expect(account(a, 'u1').tisLogin?.source).toBe('login export (line 2)');
    expect(account(a, 'u1').recommendation).toBe('KEEP');
    expect(account(a, 'u2').tisLogin?.source).toBe('user export');
    expect(account(a, 'u2').daysSinceTisLogin).toBe(47);
  });

  it('only successful sign-ins count: failed and other events are ignored and counted', () => {
    const a = run({
      tis: [user('u1')],
      logins: [
        { username: 'u1', lastLogin: '2025-12-12T09:00:00Z', eventType: 'SignIn', eventResponse: 'Pass' },
        { username: 'u1', lastLogin: '2026-10-30T09:00:00Z', eventType: 'SignIn', eventResponse: 'Fail' },
        { username: 'u1', lastLogin: '2026-10-30T09:05:00Z', eventType: 'ForgotPassword', eventResponse: 'Pass' },
      ],
    });
    expect(account(a, 'u1').recommendation).toBe('REMOVE');
    expect(a.loginRows).toMatchObject({ read: 3, applied: 1, ignored: { 'failed sign-in': 1, 'not a sign-in event': 1 }, rejected: 0 });
  });

  it('a login row carrying the email as username matches the TIS user by email', () => {
    const a = run({ tis: [user('lbrooks', { email: 'l.brooks@nhs.net' })], logins: [{ username: 'L.Brooks@nhs.net', lastLogin: '2026-10-27T10:10:10Z' }] });
    expect(account(a, 'lbrooks').recommendation).toBe('KEEP');
  });

  it('unmatched rows are counted; an unreadable date is rejected and its user goes to REVIEW', () => {
    const a = run({
      tis: [user('u1')],
      logins: [
        { username: 'someone-else', lastLogin: '2026-10-01' },
        { username: 'u1', lastLogin: '31/02/2026 10:00' },
        { lastLogin: '2026-10-01', eventType: 'SignIn' },
      ],
    });
    expect(a.loginRows.unmatched).toEqual({ 'no TIS user with this username or email': 1 });
    expect(a.rejected).toEqual([
      { source: 'tis-logins', line: 3, reason: 'lastLogin: not a date' },
      { source: 'tis-logins', line: 4, reason: 'username and email: both empty' },
    ]);
    const u = account(a, 'u1');
    expect(u.recommendation).toBe('REVIEW');
    expect(problemCodes(u)).toEqual(['login-missing']);
    expect(u.ifResolved).toBe('REMOVE');
    expect(a.accounted['tis-logins'] + 2).toBe(3);
  });

  it('an unreadable last-login cell on the user export is REVIEW', () => {
    const a = account(run({ tis: [user('u1', { lastLogin: 'yesterday' })] }), 'u1');
    expect(problemCodes(a)).toEqual(['login-missing']);
  });
});

describe('Tableau links: email, then username, then names', () => {
  const stale = [{ username: 'jo', lastLogin: '2025-01-01' }];
  const byEmail = { username: 'jo.b', fullName: 'Someone Else', email: 'jo@nhs.net', lastLogin: '2026-10-20' };
  const byUsername = { username: 'jo', fullName: 'Other Person', email: 'other@example.org', lastLogin: '2026-10-21' };
  const byNames = { username: 'jb_guest', fullName: 'Jo Bloggs', email: 'jb@example.com', lastLogin: '2026-10-22' };
  const jo = user('jo', { firstName: 'Jo', lastName: 'Bloggs', email: 'jo@nhs.net' });

  it('email wins over username and names', () => {
    const a = account(run({ tis: [jo], logins: stale, tableau: [byNames, byUsername, byEmail] }), 'jo');
    expect(a.tableau?.tableau.username).toBe('jo.b');
    expect(a.tableau?.method).toBe('email');
    expect(a.tableau?.evidence).toBe('email: TIS email = Tableau email');
    expect(a.recommendation).toBe('KEEP (TABLEAU ACTIVE)');
  });

  it('username when no email matches', () => {
    const a = account(run({ tis: [jo], logins: stale, tableau: [byNames, byUsername] }), 'jo');
    expect(a.tableau?.tableau.username).toBe('jo');
    expect(a.tableau?.method).toBe('username');
  });

  it('names (the weighted scheme) last: a probable link that alone keeps the account is REVIEW', () => {
    const a = run({ tis: [jo], logins: stale, tableau: [byNames] });
    const u = account(a, 'jo');
    expect(u.tableau?.method).toBe('names');
    expect(u.tableau?.confident).toBe(false);
    expect(u.tableau?.evidence).toBe('names: last name 1 + first name 1 + full name 3 = 5 points, below the threshold of 6 (probable)');
    expect(u.recommendation).toBe('REVIEW');
    expect(problemCodes(u)).toEqual(['name-only-link']);
    expect(u.ifResolved).toBe('KEEP (TABLEAU ACTIVE)');
  });

  it('a probable name link to a stale Tableau account does not stop REMOVE', () => {
    const a = account(run({ tis: [jo], logins: stale, tableau: [{ ...byNames, lastLogin: '2026-01-10' }] }), 'jo');
    expect(a.recommendation).toBe('REMOVE');
    expect(a.tableau?.method).toBe('names');
  });

  it('names with accents and curly apostrophes still agree (Zoë O’Connor = Zoe O\'Connor)', () => {
    const z = user('zoc', { firstName: 'Zoe', lastName: "O'Connor", email: 'z@nhs.net' });
    const a = account(run({ tis: [z], logins: stale, tableau: [{ username: 'zguest', fullName: 'Zoë O’Connor', lastLogin: '2026-01-01' }] }), 'zoc');
    expect(a.tableau?.method).toBe('names');
  });

  it('two Tableau users with the same name: no link; REVIEW when one of them is recent', () => {
    const a = run({
      tis: [user('sp', { firstName: 'Sam', lastName: 'Patel', email: 's.patel7@nhs.net' })],
      logins: [{ username: 'sp', lastLogin: '2025-09-01' }],
      tableau: [
        { username: 'sam1', fullName: 'Sam Patel', lastLogin: '2026-10-20' },
        { username: 'sam2', fullName: 'Sam Patel', lastLogin: '2026-03-03' },
      ],
    });
    const u = account(a, 'sp');
    expect(u.tableau).toBeUndefined();
    expect(u.nameTies.map((t) => t.username)).toEqual(['sam1', 'sam2']);
    expect(problemCodes(u)).toEqual(['name-only-link']);
    expect(a.unlinkedTableau.map((t) => t.tableau.username)).toEqual(['sam1', 'sam2']);
  });

  it('the TIS email can match the Tableau user name, or a B2B guest name decoded to its invited address', () => {
    expect(guestEmailFromUpn('k.murphy_example.com#EXT#@tenant.onmicrosoft.com')).toBe('k.murphy@example.com');
    expect(guestEmailFromUpn('plainuser')).toBeUndefined();
    const a = run({
      tis: [user('dm', { email: 'd.mensah@nhs.net' }), user('km', { email: 'k.murphy@example.com' })],
      logins: [
        { username: 'dm', lastLogin: '2025-01-01' },
        { username: 'km', lastLogin: '2025-01-01' },
      ],
      tableau: [
        { username: 'D.Mensah@nhs.net', lastLogin: '2026-10-20' },
        { username: 'k.murphy_example.com#EXT#@tenant.onmicrosoft.com', lastLogin: '2026-09-30' },
      ],
    });
    expect(account(a, 'dm').tableau?.evidence).toBe('email: TIS email = Tableau user name');
    expect(account(a, 'km').tableau?.evidence).toBe("email: TIS email = Tableau guest user name's invited address");
    expect(account(a, 'km').recommendation).toBe('KEEP (TABLEAU ACTIVE)');
    expect(account(a, 'km').tableau?.tableau.guest).toBe(true);
  });

  it('a TIS login within the window is KEEP even when Tableau is also recent', () => {
    const a = account(
      run({ tis: [jo], logins: [{ username: 'jo', lastLogin: '2026-10-01' }], tableau: [byEmail] }),
      'jo',
    );
    expect(a.recommendation).toBe('KEEP');
    expect(a.reasons).toHaveLength(2);
  });
});

describe('machine and already-inactive accounts are reported apart, never REMOVE', () => {
  it.each(MACHINE_ROLES)('role %s: MACHINE ACCOUNT even when long unused and with no scope', (role) => {
    const a = account(run({ tis: [user('svc', { roles: role, designatedBodies: '', created: '2019-01-01' })] }), 'svc');
    expect(a.userType).toBe('Machine');
    expect(a.recommendation).toBe('MACHINE ACCOUNT');
    expect(a.problems).toEqual([]);
  });

  it('a machine role mixed with HEE roles is still a machine', () => {
    expect(userTypeOf(['HEE', 'etl'], [])).toBe('Machine');
  });

  it('active false: INACTIVE (ALREADY), even with recent Tableau use or data problems', () => {
    const a = run({
      tis: [user('q', { active: 'false', designatedBodies: '' })],
      logins: [{ username: 'q', lastLogin: '2025-01-01' }],
      tableau: [{ username: 'q@nhs.net', lastLogin: '2026-10-12' }],
    });
    expect(account(a, 'q').recommendation).toBe('INACTIVE (ALREADY)');
    expect(account(a, 'q').problems).toEqual([]);
  });

  it('an unreadable active flag is taken as active and flagged', () => {
    const a = account(run({ tis: [user('x', { active: 'pending' })], logins: [{ username: 'x', lastLogin: '2026-10-19' }] }), 'x');
    expect(a.recommendation).toBe('REVIEW');
    expect(problemCodes(a)).toEqual(['active-unreadable']);
    expect(a.ifResolved).toBe('KEEP');
  });
});

describe('REVIEW reasons', () => {
  const recent = (u: string): Fields => ({ username: u, lastLogin: '2026-10-10' });

  it('no designated body: may see all data; Local Office from trusts, else Unassigned', () => {
    const a = run({
      tis: [user('nodb', { designatedBodies: '' }), user('trustonly', { designatedBodies: '', roles: 'HEE Trust Observer', trusts: 'R0A' })],
      logins: [recent('nodb'), recent('trustonly')],
    });
    const nodb = account(a, 'nodb');
    expect(nodb.recommendation).toBe('REVIEW');
    expect(problemCodes(nodb)).toEqual(['no-scope']);
    expect(nodb.reasons[0]).toMatch(/may see all data/);
    expect(nodb.localOffice).toBe('Unassigned');
    expect(account(a, 'trustonly').localOffice).toBe('North West');
  });

  it('a trust role with no trust, or a programme role with no programme, has no scope', () => {
    const a = run({
      tis: [user('t', { roles: 'HEE Trust Admin' }), user('p', { roles: 'HEE Programme Admin' }), user('ok', { roles: 'HEE Programme Observer', programmes: 'Paediatrics' })],
      logins: [recent('t'), recent('p'), recent('ok')],
    });
    expect(problemCodes(account(a, 't'))).toEqual(['no-scope']);
    expect(account(a, 't').userType).toBe('Trust');
    expect(problemCodes(account(a, 'p'))).toEqual(['no-scope']);
    expect(account(a, 'ok').recommendation).toBe('KEEP');
  });

  it("a Trust whose owner in the reference differs from the account's Local Office", () => {
    const a = account(run({ tis: [user('g', { roles: 'HEE Trust Admin', trusts: 'RJ1' })], logins: [recent('g')] }), 'g');
    expect(problemCodes(a)).toEqual(['trust-owner']);
    expect(a.reasons[0]).toBe("trust RJ1 is owned by London in the reference file, but the account's designated bodies are in North West");
  });

  it('a designated body or trust missing from the reference file', () => {
    const a = run({
      tis: [user('db', { designatedBodies: '1-1RSSQ2H; 1-ZZZ0000' }), user('tr', { roles: 'HEE Trust Admin', trusts: 'RZZ99' })],
      logins: [recent('db'), recent('tr')],
    });
    expect(problemCodes(account(a, 'db'))).toEqual(['unknown-designated-body']);
    expect(account(a, 'db').localOffice).toBe('North West');
    expect(problemCodes(account(a, 'tr'))).toEqual(['unknown-trust']);
  });

  it('an old London region, by its code or by its name, is London and flagged', () => {
    const a = run({
      tis: [user('code', { designatedBodies: '1-1RSSQ5L' }), user('name', { designatedBodies: 'North Central and East London' }), user('now', { designatedBodies: '1-LDN' })],
      logins: [recent('code'), recent('name'), recent('now')],
    });
    for (const u of ['code', 'name']) {
      expect(account(a, u).localOffice).toBe('London');
      expect(problemCodes(account(a, u))).toEqual(['old-region']);
    }
    expect(account(a, 'code').reasons[0]).toBe('old region 1-1RSSQ5L (South London) is still on the account (now London)');
    expect(account(a, 'now').recommendation).toBe('KEEP');
  });

  it('duplicate accounts: shared email (case-insensitive) or GMC number', () => {
    const a = run({
      tis: [
        user('lw', { email: 'l.wright@nhs.net' }),
        user('lw2', { email: 'L.Wright@NHS.net' }),
        user('pn', { gmcId: '7012345' }),
        user('pn2', { gmcId: '7012345' }),
        user('gone', { email: 'l.wright@nhs.net', active: 'false' }),
      ],
      logins: [recent('lw'), recent('lw2'), recent('pn'), recent('pn2')],
    });
    expect(account(a, 'lw').reasons[0]).toBe('shares its email with TIS user lw2');
    expect(problemCodes(account(a, 'lw2'))).toEqual(['duplicate']);
    expect(account(a, 'pn').reasons[0]).toBe('shares its GMC number with TIS user pn2');
    expect(account(a, 'gone').recommendation).toBe('INACTIVE (ALREADY)');
  });

  it('duplicate accounts: one Tableau user linked to two TIS users', () => {
    const a = run({
      tis: [user('dkhan', { email: 'danial.khan@nhs.net' }), user('danial.khan2', { email: 'danial.khan@hee.nhs.uk' })],
      logins: [recent('dkhan'), { username: 'danial.khan2', lastLogin: '2025-02-02' }],
      tableau: [{ username: 'dkhan', email: 'danial.khan@hee.nhs.uk', lastLogin: '2026-10-01' }],
    });
    expect(account(a, 'dkhan').tableau?.method).toBe('username');
    expect(account(a, 'danial.khan2').tableau?.method).toBe('email');
    for (const u of ['dkhan', 'danial.khan2']) expect(problemCodes(account(a, u))).toEqual(['duplicate']);
    expect(account(a, 'dkhan').ifResolved).toBe('KEEP');
    expect(account(a, 'danial.khan2').ifResolved).toBe('KEEP (TABLEAU ACTIVE)');
  });

  it('an unreadable Tableau login date on a linked account is REVIEW', () => {
    const a = account(
      run({ tis: [user('y')], logins: [{ username: 'y', lastLogin: '2025-09-30' }], tableau: [{ username: 'y@nhs.net', lastLogin: '10/28/2026 3:14 PM' }] }),
      'y',
    );
    expect(problemCodes(a)).toEqual(['login-missing']);
  });
});

describe('user types and Local Offices', () => {
  it('HEE: an HEE role and no trust scope; Trust: trust scope or trust roles; Other: neither', () => {
    expect(userTypeOf(['HEE', 'HEE Admin'], [])).toBe('HEE');
    expect(userTypeOf(['HEE Admin'], ['R0A'])).toBe('Trust');
    expect(userTypeOf(['HEE Trust Observer'], [])).toBe('Trust');
    expect(userTypeOf(['RevalObserver'], [])).toBe('Other');
  });

  it('several designated bodies: the first Local Office in sorted order, all listed', () => {
    const a = account(run({ tis: [user('m', { designatedBodies: '1-1RSG4X0, 1-1RSSQ2H' })], logins: [{ username: 'm', lastLogin: '2026-10-10' }] }), 'm');
    expect(a.localOffice).toBe('North West');
    expect(a.localOffices).toEqual(['North West', 'Yorkshire and the Humber']);
  });

  it('a list cell keeps reference names that hold commas whole', () => {
    const known = (k: string): boolean => k === 'kentsurreyandsussex';
    expect(splitScopeList('Kent, Surrey and Sussex, 1-1RSSQ2H', known)).toEqual(['Kent, Surrey and Sussex', '1-1RSSQ2H']);
    expect(splitScopeList('["A","B"]', known)).toEqual(['A', 'B']);
  });

  it('without an offices file the raw designated body stands for the Local Office and no reference checks run', () => {
    const a = account(run({ tis: [user('r', { trusts: 'RJ1', roles: 'HEE Trust Admin' })], logins: [{ username: 'r', lastLogin: '2026-10-10' }], offices: null }), 'r');
    expect(a.localOffice).toBe('1-1RSSQ2H');
    expect(a.recommendation).toBe('KEEP');
  });
});

describe('nothing lost and deterministic order', () => {
  const big: Run = {
    tis: [
      user('b-keep', { designatedBodies: '1-1RSG4X0' }),
      user('a-remove'),
      user('c-review', { designatedBodies: '' }),
      user('a-remove'),
      { firstName: 'No', lastName: 'Username' },
      user('z-machine', { roles: 'ETL' }),
    ],
    logins: [
      { username: 'b-keep', lastLogin: '2026-10-01' },
      { username: 'a-remove', lastLogin: '2025-01-01' },
      { username: 'c-review', lastLogin: '2026-10-01' },
      { username: 'ghost', lastLogin: '2026-10-01' },
      { username: 'b-keep', lastLogin: '2026-10-01', eventResponse: 'Fail' },
    ],
    tableau: [{ username: 'orphan', lastLogin: '2026-10-01' }, { fullName: 'No Name' }, { username: 'b-keep@nhs.net' }],
    offices: [...OFFICES, { kind: 'area', code: 'X', localOffice: 'Y' }, { kind: 'trust', code: 'RJ1', localOffice: 'North West' }],
  };

  it('every row is in the report or rejected, per source', () => {
    const a = run(big);
    const rejected = (s: string): number => a.rejected.filter((r) => r.source === s).length;
    expect(a.accounted.tis + rejected('tis')).toBe(big.tis.length);
    expect(a.accounted['tis-logins'] + rejected('tis-logins')).toBe(big.logins!.length);
    expect(a.accounted.tableau + rejected('tableau')).toBe(big.tableau!.length);
    expect(a.accounted.offices + rejected('offices')).toBe(big.offices!.length);
    expect(a.rejected.map((r) => `${r.source}:${r.line}`)).toEqual(['tis:5', 'tis:6', 'tableau:3', 'offices:11', 'offices:12']);
  });

  it('accounts sort by Local Office, then recommendation, then username; Unassigned last', () => {
    const a = run(big);
    expect(a.accounts.map((x) => `${x.localOffice}/${x.recommendation}/${x.user.username}`)).toEqual([
      'North West/REMOVE/a-remove',
      'North West/MACHINE ACCOUNT/z-machine',
      'Yorkshire and the Humber/KEEP/b-keep',
      'Unassigned/REVIEW/c-review',
    ]);
    expect(a.counts['North West']).toEqual({
      HEE: { REMOVE: 1, REVIEW: 0, 'KEEP (TABLEAU ACTIVE)': 0, KEEP: 0, 'MACHINE ACCOUNT': 0, 'INACTIVE (ALREADY)': 0 },
      Machine: { REMOVE: 0, REVIEW: 0, 'KEEP (TABLEAU ACTIVE)': 0, KEEP: 0, 'MACHINE ACCOUNT': 1, 'INACTIVE (ALREADY)': 0 },
    });
  });

  it('tables: Summary, one per Local Office, Data Problems, and the required CSV columns', () => {
    const t = buildOffboardTables(run(big), (s) => `${s}.csv`);
    expect(t.summary.name).toBe('Summary');
    expect(t.offices.map((o) => o.name)).toEqual(['North West', 'Yorkshire and the Humber', 'Unassigned']);
    expect(t.dataProblems.rows).toHaveLength(1);
    expect(t.all.csvName).toBe('redundant-accounts.csv');
    const headers = ACCOUNT_COLUMNS.map((c) => c.header);
    for (const h of ['TIS Username', 'Email', 'Local Office', 'User Type', 'Last TIS Login', 'Last Tableau Login', 'Days Since TIS Login', 'Recommendation', 'Reasons']) {
      expect(headers).toContain(h);
    }
    expect(t.summary.rows.at(-1)).toEqual(['All Local Offices', 'All', 1, 1, 0, 1, 1, 0, 4]);
  });
});

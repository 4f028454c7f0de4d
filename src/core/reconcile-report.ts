/**
 * Turns a ReconcileResult into report tables (pure). Column order is fixed here and is part
 * of the output contract documented in the README; `esr-nhsmail` mirrors the JML Pre-Matched
 * Data Set with one points column per anchor.
 */
import { ANCHORS, ANCHOR_LABELS, type Anchor, type Config } from './config.js';
import type { Candidate } from './candidates.js';
import { personLines, type EsrPerson } from './people.js';
import type { AdAccount, NhsmailAccount, Reject } from './records.js';
import { bestCandidate, type ReconcileResult, type ReviewItem, type Stage } from './reconcile.js';
import { agreedAnchors, anchorResult, missingAnchors, PackedScore, pointsOf, suggestChange, type PairScore } from './score.js';
import type { Cell, ColumnSpec } from './table.js';
import type { AnchorUpdate, AnchorUpdates, Issue, System } from './actions.js';

export interface TableData {
  name: string;
  csvName: string;
  columns: ColumnSpec[];
  /**
   * Rows built on demand: each call returns a fresh iterable, so writers stream them (once per
   * format) and a national run never holds a whole table in memory.
   */
  rows: () => Iterable<Cell[]>;
  /** Number of rows `rows()` yields, counted without building them. */
  count: number;
}

/** Lazily maps `items` to rows (a fresh generator per call). */
function mapped<T>(items: readonly T[], row: (t: T, i: number) => Cell[]): () => Iterable<Cell[]> {
  return function* () {
    for (let i = 0; i < items.length; i++) yield row(items[i]!, i);
  };
}

/** Lazily maps the indices 0..n-1 that pass `keep` to rows; `count` is how many pass. */
function filtered(n: number, keep: (i: number) => boolean, row: (i: number) => Cell[]): { rows: () => Iterable<Cell[]>; count: number } {
  let count = 0;
  for (let i = 0; i < n; i++) if (keep(i)) count++;
  return {
    rows: function* () {
      for (let i = 0; i < n; i++) if (keep(i)) yield row(i);
    },
    count,
  };
}

const text = (header: string, width?: number, pii?: ColumnSpec['pii']): ColumnSpec => ({ header, kind: 'text', width, pii });
const num = (header: string): ColumnSpec => ({ header, kind: 'number' });
const bool = (header: string): ColumnSpec => ({ header, kind: 'boolean' });
const date = (header: string): ColumnSpec => ({ header, kind: 'date' });

const POINTS_HEADERS: Readonly<Record<Anchor, string>> = {
  email: 'Email Points',
  employeeNumber: 'Employee Number Points',
  mobile: 'Mobile Points',
  lastName: 'Last Name Points',
  firstName: 'First Name Points',
  fullName: 'Full Name Points',
  position: 'Position Points',
};

const labels = (anchors: readonly Anchor[]): string => anchors.map((a) => ANCHOR_LABELS[a]).join('; ');

function differing(s: PairScore): Anchor[] {
  return s.anchors.filter((r) => r.level === 'differs').map((r) => r.anchor);
}

function esrEmail(p: EsrPerson): string | undefined {
  return p.assignments.find((a) => a.emailRaw !== undefined)?.email?.value ?? p.assignments.find((a) => a.emailRaw)?.emailRaw;
}

function esrMobile(p: EsrPerson): string | undefined {
  const a = p.assignments.find((x) => x.mobile !== undefined);
  return a?.mobile?.e164 ?? p.assignments.find((x) => x.mobileRaw)?.mobileRaw;
}

function aliasUsed(s: PairScore | undefined): boolean {
  if (s instanceof PackedScore) return s.levelOf('email') === 'alias';
  return s !== undefined && anchorResult(s, 'email')?.level === 'alias';
}

/**
 * The cells a packed score gives an ESR-NHSmail row (points per anchor, "Anchors Agreed",
 * "Anchors Missing"), worked out once per distinct levels field. A national run has millions
 * of rows but few distinct fields (most pairs agree in the same few patterns), and building
 * each row's cells from seven AnchorResult objects was over half of that sheet's row time.
 * One cache per table build, so the weights behind the points are fixed.
 */
function levelsCells(): (score: PairScore) => ScoreCells {
  const cache = new Map<number, ScoreCells>();
  const cellsOf = (score: PairScore): ScoreCells => ({
    points: ANCHORS.map((a) => pointsOf(score, a)),
    agreed: labels(agreedAnchors(score)),
    missing: labels(missingAnchors(score)),
  });
  return (score) => {
    if (!(score instanceof PackedScore)) return cellsOf(score);
    let c = cache.get(score.levels);
    if (c === undefined) cache.set(score.levels, (c = cellsOf(score)));
    return c;
  };
}

interface ScoreCells {
  points: readonly number[];
  agreed: string;
  missing: string;
}

const NO_POINTS: readonly number[] = ANCHORS.map(() => 0);

/** Why a left record ended where it did, for the "Match Status" column. */
function matchStatus(stage: Stage, left: number, threshold: number, floor: number): { status: string; best?: Candidate } {
  const link = stage.assignment.links.get(left);
  if (link) return { status: 'Matched', best: link };
  const best = bestCandidate(stage, left);
  if (stage.assignment.ambiguousLeft.has(left)) return { status: 'Ambiguous (tie at top score)', best };
  if (!best) return { status: 'No candidate' };
  if (best.total >= threshold) return { status: 'Best candidate linked to another record', best };
  if (best.total >= floor) return { status: 'Near miss (review)', best };
  return { status: 'Below review floor', best };
}

function suggestionText(total: number, score: PairScore, config: Config): string {
  const s = suggestChange({ score: total, anchors: score.anchors }, config.scheme);
  if (!s) return total >= config.scheme.threshold ? '' : 'No single anchor change reaches the threshold';
  const verb = s.kind === 'missing' ? 'Fill in the missing' : 'Correct the differing';
  return `${verb} ${ANCHOR_LABELS[s.anchor]} (score would be ${s.newScore})`;
}

export interface ReportTables {
  people: TableData;
  esrNhsmail: TableData;
  review: TableData;
  unmatchedEsr: TableData;
  unmatchedNhsmail: TableData;
  unmatchedAd: TableData;
  rejected: TableData;
}

export function buildReconcileTables(r: ReconcileResult, rejects: readonly Reject[], config: Config): ReportTables {
  const { threshold, reviewFloor } = config.scheme;
  const { people, nhsmail, ad } = r;

  const peopleTable: TableData = {
    name: 'People',
    csvName: 'people.csv',
    columns: [
      num('Identity'),
      text('Employee Type', 22),
      text('ESR Employee Number', 12),
      text('ESR First Name', undefined, 'name'),
      text('ESR Last Name', undefined, 'name'),
      text('ESR Known As', undefined, 'name'),
      text('ESR Email', 30, 'email'),
      text('ESR Current Organisations', 30),
      bool('ESR Leaver'),
      text('NHSmail Email', 30, 'email'),
      text('NHSmail ID', 20, 'key'),
      text('NHSmail Status'),
      text('AD sAMAccountName', undefined, 'key'),
      bool('AD Enabled'),
      num('ESR-NHSmail Score'),
      num('NHSmail-AD Score'),
      num('ESR-AD Score'),
      text('ESR Lines'),
      num('NHSmail Line'),
      num('AD Line'),
    ],
    count: r.identities.length,
    rows: mapped(r.identities, (id, n) => {
      const p = id.esr === undefined ? undefined : people[id.esr]!;
      const m = id.nhsmail === undefined ? undefined : nhsmail[id.nhsmail]!;
      const a = id.ad === undefined ? undefined : ad[id.ad]!;
      return [
        n + 1,
        id.employeeType,
        p?.employeeNumber,
        p?.primary.firstName,
        p?.primary.lastName,
        p?.assignments.find((x) => x.knownAs)?.knownAs,
        p ? esrEmail(p) : undefined,
        p?.currentOrganisations.join('; '),
        p?.leaver,
        m?.email.value,
        m?.nhsmailId,
        m?.status,
        a?.samAccountName,
        a?.enabled,
        id.esrNhsmail?.total,
        id.nhsmailAd?.total,
        id.esrAd?.total,
        p ? personLines(p) : undefined,
        m?.line,
        a?.line,
      ];
    }),
  };

  const scoreCells = levelsCells();
  const esrNhsmail: TableData = {
    name: 'ESR-NHSmail',
    csvName: 'esr-nhsmail.csv',
    columns: [
      text('ESR Employee Number', 12),
      text('ESR First Name', undefined, 'name'),
      text('ESR Last Name', undefined, 'name'),
      text('ESR Known As', undefined, 'name'),
      text('ESR Email', 30, 'email'),
      text('ESR Mobile', undefined, 'phone'),
      text('ESR Position', 24),
      text('NHSmail Email', 30, 'email'),
      text('NHSmail ID', 20, 'key'),
      text('NHSmail First Name', undefined, 'name'),
      text('NHSmail Last Name', undefined, 'name'),
      text('NHSmail Mobile', undefined, 'phone'),
      text('NHSmail Job Title', 24),
      text('NHSmail Status'),
      ...ANCHORS.map((a) => num(POINTS_HEADERS[a])),
      num('Score'),
      bool('MatchedToNhsMail'),
      text('Match Status', 28),
      bool('Matched Via Alias'),
      text('Anchors Agreed', 30),
      text('Anchors Missing', 30),
      text('ESR Lines'),
      num('NHSmail Line'),
    ],
    count: people.length,
    rows: mapped(people, (p, i) => {
      const { status, best } = matchStatus(r.esrNhsmail, i, threshold, reviewFloor);
      const m = best ? nhsmail[best.right]! : undefined;
      const score = best?.score; // built on each read (a packed candidate)
      const cells = score ? scoreCells(score) : undefined;
      return [
        p.employeeNumber,
        p.primary.firstName,
        p.primary.lastName,
        p.assignments.find((x) => x.knownAs)?.knownAs,
        esrEmail(p),
        esrMobile(p),
        p.primary.position,
        m?.email.value,
        m?.nhsmailId,
        m?.firstName,
        m?.lastName,
        m?.mobile?.e164 ?? m?.mobileRaw,
        m?.position,
        m?.status,
        ...(cells?.points ?? NO_POINTS),
        best?.total ?? 0,
        status === 'Matched',
        status,
        aliasUsed(score),
        cells?.agreed ?? '',
        cells?.missing ?? '',
        personLines(p),
        m?.line,
      ];
    }),
  };

  const describe = (link: string, c: Candidate, side: 'left' | 'right'): { system: string; key: string; line: string } => {
    const idx = side === 'left' ? c.left : c.right;
    if ((link === 'ESR-NHSmail' || link === 'ESR-AD') && side === 'left') {
      const p = people[idx]!;
      return { system: 'ESR', key: p.employeeNumber, line: personLines(p) };
    }
    if (link === 'ESR-NHSmail' || (link === 'NHSmail-AD' && side === 'left')) {
      const m = nhsmail[idx]!;
      return { system: 'NHSmail', key: m.email.value, line: String(m.line) };
    }
    const a = ad[idx]!;
    return { system: 'AD', key: a.samAccountName, line: String(a.line) };
  };

  const reviewRows = (item: ReviewItem): Cell[] => {
    const c = item.candidate;
    const score = c.score; // worked out on each read (see ReviewItem)
    const l = describe(item.link, c, 'left');
    const rt = describe(item.link, c, 'right');
    const sim = (a: Anchor): number | undefined => {
      const v = anchorResult(score, a)?.similarity;
      return v === undefined ? undefined : Math.round(v * 1000) / 1000;
    };
    const agreed = agreedAnchors(score);
    return [
      item.link,
      item.kind === 'ambiguous' ? 'Ambiguous tie' : 'Near miss',
      l.system,
      l.key,
      rt.system,
      rt.key,
      c.total,
      ...ANCHORS.map((a) => pointsOf(score, a)),
      c.extraPoints,
      labels(agreed) + (c.extraPoints > 0 ? (agreed.length ? '; ' : '') + 'NHSmail ID' : ''),
      labels(missingAnchors(score)),
      labels(differing(score)),
      sim('firstName'),
      sim('lastName'),
      sim('position'),
      item.kind === 'ambiguous' ? 'Decide which record is the person; fix the other so it no longer ties' : suggestionText(c.total, score, config),
      l.line,
      rt.line,
    ];
  };

  const review: TableData = {
    name: 'Review',
    csvName: 'review.csv',
    columns: [
      text('Link'),
      text('Kind'),
      text('Left System'),
      text('Left Key', 30, 'key'),
      text('Right System'),
      text('Right Key', 30, 'key'),
      num('Score'),
      ...ANCHORS.map((a) => num(POINTS_HEADERS[a])),
      num('NHSmail ID Points'),
      text('Anchors Agreed', 30),
      text('Anchors Missing', 30),
      text('Anchors Differing', 30),
      num('First Name Similarity'),
      num('Last Name Similarity'),
      num('Position Similarity'),
      text('Suggested Change', 40),
      text('Left Lines'),
      text('Right Lines'),
    ],
    count: r.review.length,
    rows: function* () {
      for (const item of r.review) yield reviewRows(item);
    },
  };

  const unmatchedEsr: TableData = {
    name: 'Unmatched ESR',
    csvName: 'unmatched-esr.csv',
    columns: [
      text('ESR Employee Number', 12),
      text('First Name', undefined, 'name'),
      text('Last Name', undefined, 'name'),
      text('Known As', undefined, 'name'),
      text('Email', 30, 'email'),
      text('Mobile', undefined, 'phone'),
      text('Position', 24),
      text('Current Organisations', 30),
      bool('Leaver'),
      date('Left On'),
      text('Linked AD sAMAccountName', undefined, 'key'),
      num('Best NHSmail Score'),
      text('Match Status', 28),
      text('ESR Lines'),
    ],
    ...filtered(people.length, (i) => !r.esrNhsmail.assignment.links.has(i), (i) => {
      const p = people[i]!;
      const { status, best } = matchStatus(r.esrNhsmail, i, threshold, reviewFloor);
      const adLink = r.esrAd.assignment.links.get(i);
      return [
          p.employeeNumber,
          p.primary.firstName,
          p.primary.lastName,
          p.assignments.find((x) => x.knownAs)?.knownAs,
          esrEmail(p),
          esrMobile(p),
          p.primary.position,
          p.currentOrganisations.join('; '),
          p.leaver,
          p.leftOn === undefined ? undefined : new Date(p.leftOn),
          adLink ? ad[adLink.right]!.samAccountName : undefined,
          best?.total ?? 0,
          status,
          personLines(p),
      ];
    }),
  };

  const personOf = r.esrNhsmail.rightLinked;
  const nhsAmbiguous = r.esrNhsmail.assignment.ambiguousRight;
  const unmatchedNhsmail: TableData = {
    name: 'Unmatched NHSmail',
    csvName: 'unmatched-nhsmail.csv',
    columns: [
      text('Email', 30, 'email'),
      text('NHSmail ID', 20, 'key'),
      text('First Name', undefined, 'name'),
      text('Last Name', undefined, 'name'),
      text('Mobile', undefined, 'phone'),
      text('Job Title', 24),
      text('Status'),
      date('Last Logon'),
      text('Linked AD sAMAccountName', undefined, 'key'),
      bool('In ESR Tie'),
      num('Line'),
    ],
    ...filtered(nhsmail.length, (j) => !personOf.has(j), (j) => {
      const m: NhsmailAccount = nhsmail[j]!;
      const adLink = r.nhsmailAd.assignment.links.get(j);
      return [
          m.email.value,
          m.nhsmailId,
          m.firstName,
          m.lastName,
          m.mobile?.e164 ?? m.mobileRaw,
          m.position,
          m.status,
          m.lastLogon === undefined ? undefined : new Date(m.lastLogon),
          adLink ? ad[adLink.right]!.samAccountName : undefined,
          nhsAmbiguous.has(j),
          m.line,
      ];
    }),
  };

  // Best NHSmail candidate score per AD account (0 when none was kept).
  const bestAdScore = (k: number): number => Math.max(0, r.nhsmailAd.bestOfRight[k]!);
  const esrOfAd = r.esrAd.rightLinked;
  const unmatchedAd: TableData = {
    name: 'Unmatched AD',
    csvName: 'unmatched-ad.csv',
    columns: [
      text('sAMAccountName', undefined, 'key'),
      text('UserPrincipalName', 30, 'email'),
      text('First Name', undefined, 'name'),
      text('Last Name', undefined, 'name'),
      text('Mail', 30, 'email'),
      text('Employee ID', 12),
      text('NHSmail ID', 20, 'key'),
      bool('Enabled'),
      date('Last Logon'),
      text('Linked ESR Employee Number', 12),
      num('Best NHSmail Score'),
      num('Line'),
    ],
    ...filtered(ad.length, (k) => !r.nhsmailAd.rightLinked.has(k), (k) => {
      const a: AdAccount = ad[k]!;
      const e = esrOfAd.get(k);
      const bestScore = bestAdScore(k);
      return [
          a.samAccountName,
          a.upn,
          a.firstName,
          a.lastName,
          a.email?.value ?? a.emailRaw,
          a.employeeNumber,
          a.nhsmailId,
          a.enabled,
          a.lastLogon === undefined ? undefined : new Date(a.lastLogon),
          e === undefined ? undefined : people[e]!.employeeNumber,
          bestScore,
          a.line,
      ];
    }),
  };

  const rejected: TableData = {
    name: 'Rejected Rows',
    csvName: 'rejected-rows.csv',
    columns: [text('Source'), text('File', 30), num('Line'), text('Reason', 60)],
    count: rejects.length,
    rows: mapped(rejects, (x) => [x.source, x.file, x.line, x.reason]),
  };

  return { people: peopleTable, esrNhsmail, review, unmatchedEsr, unmatchedNhsmail, unmatchedAd, rejected };
}

export interface ActionTables {
  anchorUpdates: TableData;
  esrEmailUpdates: TableData;
  adAnchorUpdates: TableData;
  issues: TableData;
  /** Anchor updates per system, counted in the same pass as the table sizes. */
  updatesBySystem: Record<System, number>;
}

/**
 * The per-team worklists (issue "Data validation actions"). The updates are built each time a
 * table is written (once per table and format), so they are never all held at once; `only`
 * asks for one system's updates (same order), for the per-system tables.
 */
export function buildActionTables(source: AnchorUpdates, issues: readonly Issue[]): ActionTables {
  const isEsrEmail = (u: AnchorUpdate): boolean => u.system === 'ESR' && u.field === 'Email Address';
  const isAdAnchor = (u: AnchorUpdate): boolean => u.system === 'AD' && u.adAttribute !== undefined;
  const { counts } = source;
  const rowsOf = (only: System | undefined, keep: (u: AnchorUpdate) => boolean, row: (u: AnchorUpdate) => Cell[]) =>
    function* (): Iterable<Cell[]> {
      for (const u of source.each(only)) if (keep(u)) yield row(u);
    };
  const anchorUpdates: TableData = {
    name: 'Anchor Updates',
    csvName: 'anchor-updates.csv',
    columns: [
      text('System'),
      text('Record Key', 30, 'key'),
      text('Source Lines'),
      text('Field'),
      text('Current Value', 30, 'value'),
      text('Proposed Value', 30, 'value'),
      text('Reason', 60),
      text('Owner'),
    ],
    count: counts.all,
    rows: rowsOf(undefined, () => true, (u) => [u.system, u.key, u.lines, u.field, u.current, u.proposed, u.reason, u.owner]),
  };
  const esrEmailUpdates: TableData = {
    name: 'ESR Email Updates',
    csvName: 'esr-email-updates.csv',
    columns: [text('Employee Number', 12), text('Email', 30, 'email')],
    count: counts.esrEmail,
    rows: rowsOf('ESR', isEsrEmail, (u) => [u.key, u.proposed]),
  };
  const adAnchorUpdates: TableData = {
    name: 'AD Anchor Updates',
    csvName: 'ad-anchor-updates.csv',
    columns: [text('sAMAccountName', undefined, 'key'), text('Attribute'), text('Value', 30, 'value')],
    count: counts.adAnchor,
    rows: rowsOf('AD', isAdAnchor, (u) => [u.key, u.adAttribute, u.proposed]),
  };
  const issuesTable: TableData = {
    name: 'Issues',
    csvName: 'issues.csv',
    columns: [
      text('Code', 30),
      text('Owner'),
      text('ESR Employee Number', 12),
      text('NHSmail Email', 30, 'email'),
      text('AD sAMAccountName', undefined, 'key'),
      text('Explanation', 80),
      text('Source Lines', 24),
    ],
    count: issues.length,
    rows: mapped(issues, (i) => [i.code, i.owner, i.employeeNumber, i.nhsmailEmail, i.samAccountName, i.explanation, i.lines]),
  };
  return { anchorUpdates, esrEmailUpdates, adAnchorUpdates, issues: issuesTable, updatesBySystem: counts.bySystem };
}

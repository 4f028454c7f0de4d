/**
 * idrecon's configuration: the scoring scheme (as data, Splink-style), column mappings and
 * inactivity rules. `parseConfig` is pure: it normalises a parsed JSON value against the
 * defaults and returns every problem with its dotted path, never just the first.
 *
 * The defaults reproduce the NHSmail JML Pre-Matched Data Set scheme (JML onboarding guide,
 * section 6.5): Email 5, Employee Number 5, Mobile 4, Last Name 1, First Name 1,
 * First & Last Name 3, Position Description 1; a score of 6 or more is a match.
 */
import type { SourceKind } from './profiles.js';

/** The anchors the scheme scores, in report column order. */
export const ANCHORS = [
  'email',
  'employeeNumber',
  'mobile',
  'lastName',
  'firstName',
  'fullName',
  'position',
] as const;
export type Anchor = (typeof ANCHORS)[number];

export const ANCHOR_LABELS: Readonly<Record<Anchor, string>> = {
  email: 'Email',
  employeeNumber: 'Employee Number',
  mobile: 'Mobile',
  lastName: 'Last Name',
  firstName: 'First Name',
  fullName: 'Full Name',
  position: 'Position',
};

export interface FuzzyConfig {
  /** Off by default so that default results reproduce the JML Pre-Matched Data Set. */
  enabled: boolean;
  /** Jaro-Winkler similarity (0..1) at or above which two names agree when fuzzy is on. */
  nameJaroWinkler: number;
  /** Dice coefficient (0..1, string-similarity) at or above which two job titles agree. */
  positionDice: number;
}

export interface Scheme {
  /** Points each anchor earns when it agrees (0 disables it). */
  weights: Record<Anchor, number>;
  /** A pair scoring this or more is a match. Default 6. */
  threshold: number;
  /** Pairs scoring from here to threshold − 1 are near misses for review. Default 4. */
  reviewFloor: number;
  fuzzy: FuzzyConfig;
  /**
   * Points for the AD NHSmail-ID attribute agreeing with the NHSmail account's ID. Default is
   * the threshold: the anchor alone makes a match.
   */
  nhsmailIdPoints: number;
}

export interface InactivityConfig {
  /** Days unused before an NHSmail account goes Inactive (guide: 90; since Dec 2022: 30). */
  nhsmailInactiveDays: number;
  /** Further days from Inactive to deletion (guide: 90). */
  nhsmailDeleteAfterInactiveDays: number;
  /** Days a Local Administrator can restore a deleted account (guide: 30). */
  nhsmailRestoreDays: number;
  /** TIS: days without a login before an account is redundant (six months). */
  tisInactiveDays: number;
}

export interface Config {
  scheme: Scheme;
  inactivity: InactivityConfig;
  /** Per source: canonical field → local header name. */
  columns: Partial<Record<SourceKind, Record<string, string>>>;
  ad: {
    /** AD attribute holding the NHSmail unique ID (organisation's choice). */
    nhsmailIdAttribute: string;
  };
  /** Organisation domains whose addresses count as the organisation's own (besides nhs.net). */
  nhsDomains: string[];
}

export const DEFAULT_CONFIG: Config = {
  scheme: {
    weights: { email: 5, employeeNumber: 5, mobile: 4, lastName: 1, firstName: 1, fullName: 3, position: 1 },
    threshold: 6,
    reviewFloor: 4,
    fuzzy: { enabled: false, nameJaroWinkler: 0.92, positionDice: 0.8 },
    nhsmailIdPoints: 6,
  },
  inactivity: {
    nhsmailInactiveDays: 90,
    nhsmailDeleteAfterInactiveDays: 90,
    nhsmailRestoreDays: 30,
    tisInactiveDays: 183,
  },
  columns: {},
  ad: { nhsmailIdAttribute: 'extensionAttribute1' },
  nhsDomains: ['nhs.net'],
};

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const SOURCES: readonly SourceKind[] = ['esr', 'nhsmail', 'ad', 'tis', 'tis-logins', 'tableau', 'offices', 'doctors', 'gmc', 'hidden'];

/**
 * Validates and normalises a parsed config file. Keys starting with `//` or `$` are comments.
 * Returns the merged config, or every problem found (dotted path: message).
 */
export function parseConfig(raw: Json): { config: Config; problems: string[] } {
  const problems: string[] = [];
  const config: Config = structuredClone(DEFAULT_CONFIG);
  if (raw === undefined || raw === null) return { config, problems };
  if (!isObject(raw)) return { config, problems: ['(root): must be a JSON object'] };

  const isComment = (k: string): boolean => k.startsWith('//') || k.startsWith('$');
  const unknown = (obj: Record<string, Json>, allowed: readonly string[], path: string): void => {
    for (const k of Object.keys(obj)) {
      if (!isComment(k) && !allowed.includes(k)) problems.push(`${path}${k}: unknown setting`);
    }
  };
  const num = (v: Json, path: string, min: number, max: number, integer = false): number | undefined => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      problems.push(`${path}: must be a number`);
      return undefined;
    }
    if (integer && !Number.isInteger(v)) {
      problems.push(`${path}: must be a whole number`);
      return undefined;
    }
    if (v < min || v > max) {
      problems.push(`${path}: must be between ${min} and ${max}`);
      return undefined;
    }
    return v;
  };

  unknown(raw, ['scheme', 'inactivity', 'columns', 'ad', 'nhsDomains'], '');

  const scheme = raw['scheme'];
  if (scheme !== undefined) {
    if (!isObject(scheme)) problems.push('scheme: must be an object');
    else {
      unknown(scheme, ['weights', 'threshold', 'reviewFloor', 'fuzzy', 'nhsmailIdPoints'], 'scheme.');
      const weights = scheme['weights'];
      if (weights !== undefined) {
        if (!isObject(weights)) problems.push('scheme.weights: must be an object');
        else {
          unknown(weights, ANCHORS, 'scheme.weights.');
          for (const a of ANCHORS) {
            if (weights[a] === undefined) continue;
            const v = num(weights[a], `scheme.weights.${a}`, 0, 100);
            if (v !== undefined) config.scheme.weights[a] = v;
          }
        }
      }
      for (const key of ['threshold', 'reviewFloor', 'nhsmailIdPoints'] as const) {
        if (scheme[key] === undefined) continue;
        const v = num(scheme[key], `scheme.${key}`, 0, 1000);
        if (v !== undefined) config.scheme[key] = v;
      }
      if (scheme['threshold'] !== undefined && scheme['nhsmailIdPoints'] === undefined) {
        config.scheme.nhsmailIdPoints = config.scheme.threshold;
      }
      const fuzzy = scheme['fuzzy'];
      if (fuzzy !== undefined) {
        if (!isObject(fuzzy)) problems.push('scheme.fuzzy: must be an object');
        else {
          unknown(fuzzy, ['enabled', 'nameJaroWinkler', 'positionDice'], 'scheme.fuzzy.');
          if (fuzzy['enabled'] !== undefined) {
            if (typeof fuzzy['enabled'] !== 'boolean') problems.push('scheme.fuzzy.enabled: must be true or false');
            else config.scheme.fuzzy.enabled = fuzzy['enabled'];
          }
          for (const key of ['nameJaroWinkler', 'positionDice'] as const) {
            if (fuzzy[key] === undefined) continue;
            const v = num(fuzzy[key], `scheme.fuzzy.${key}`, 0, 1);
            if (v !== undefined) config.scheme.fuzzy[key] = v;
          }
        }
      }
      if (config.scheme.reviewFloor > config.scheme.threshold) {
        problems.push('scheme.reviewFloor: must not be above scheme.threshold');
      }
    }
  }

  const inactivity = raw['inactivity'];
  if (inactivity !== undefined) {
    if (!isObject(inactivity)) problems.push('inactivity: must be an object');
    else {
      const keys = ['nhsmailInactiveDays', 'nhsmailDeleteAfterInactiveDays', 'nhsmailRestoreDays', 'tisInactiveDays'] as const;
      unknown(inactivity, keys, 'inactivity.');
      for (const key of keys) {
        if (inactivity[key] === undefined) continue;
        const v = num(inactivity[key], `inactivity.${key}`, 0, 3650, true);
        if (v !== undefined) config.inactivity[key] = v;
      }
    }
  }

  const columns = raw['columns'];
  if (columns !== undefined) {
    if (!isObject(columns)) problems.push('columns: must be an object of source → { field: header }');
    else {
      unknown(columns, SOURCES, 'columns.');
      for (const source of SOURCES) {
        const m = columns[source];
        if (m === undefined) continue;
        if (!isObject(m)) {
          problems.push(`columns.${source}: must be an object of field → header`);
          continue;
        }
        const out: Record<string, string> = {};
        for (const [field, header] of Object.entries(m)) {
          if (isComment(field)) continue;
          if (typeof header !== 'string' || header.trim() === '') problems.push(`columns.${source}.${field}: must be a header name`);
          else out[field] = header;
        }
        config.columns[source] = out;
      }
    }
  }

  const ad = raw['ad'];
  if (ad !== undefined) {
    if (!isObject(ad)) problems.push('ad: must be an object');
    else {
      unknown(ad, ['nhsmailIdAttribute'], 'ad.');
      const attr = ad['nhsmailIdAttribute'];
      if (attr !== undefined) {
        if (typeof attr !== 'string' || attr.trim() === '') problems.push('ad.nhsmailIdAttribute: must be an attribute name');
        else config.ad.nhsmailIdAttribute = attr.trim();
      }
    }
  }

  const domains = raw['nhsDomains'];
  if (domains !== undefined) {
    if (!Array.isArray(domains) || domains.some((d) => typeof d !== 'string' || d.trim() === '')) {
      problems.push('nhsDomains: must be a list of domain names');
    } else config.nhsDomains = domains.map((d: string) => d.trim().toLowerCase());
  }

  return { config, problems };
}

/**
 * Identities as columns of numbers, for another thread to score pairs with (io/pass-share.ts):
 * typed arrays in shared memory, which a worker reads where they lie, where the identities'
 * strings would be copied and parsed (about 7 s of the main thread at national size, and
 * 2.3 GiB more at the memory peak, when tried as JSON: docs/performance-notes.md, sixth
 * session).
 *
 * Names and titles are coded by a table of their distinct values (TextCodes), which goes with
 * the columns: the worker gets the strings back, so name-block hashes and title similarity
 * work on them as in this thread. Emails, aliases, employee numbers, mobiles and the extra
 * anchor are nearly all distinct, so a table would be as large as the values and a map lookup
 * each to build; they go as 53-bit hashes (hash53) instead, and the worker's identities hold
 * those numbers in place of the strings. Scoring only tests these values for equality, so a
 * pair scores the same either way unless two different values share a hash (about 2^-53 a
 * comparison: some 10^-9 over a national run's comparisons).
 */
import type { LeftKeys, PassPart, RightIndex } from './candidates.js';
import type { Scheme } from './config.js';
import { NO_POOL, type Int32Pool } from './int32-pool.js';
import { hash53, type KeyTable } from './key-table.js';
import { firstPassPart, type LinkName, type SharedPass } from './reconcile.js';
import type { Identity } from './score.js';

/** A code for no value. Text codes are ≥ 0; hashes are stored as doubles, with NaN for none. */
export const NO_CODE = -1;

/** Distinct strings numbered in order of first use: `values[code(s)] === s`. */
export class TextCodes {
  private readonly codes = new Map<string, number>();
  readonly values: string[] = [];

  code(s: string | undefined): number {
    if (s === undefined) return NO_CODE;
    let c = this.codes.get(s);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(s);
      this.codes.set(s, c);
    }
    return c;
  }
}

/**
 * Identities `from` ≤ i < `to` of a side, by column. Record i's aliases are
 * `aliases[aliasStart[i - from]..aliasStart[i - from + 1])`, and its first names likewise.
 */
export interface IdentityColumns {
  from: number;
  to: number;
  /** hash53 of the value, NaN when absent. */
  email: Float64Array;
  employeeNumber: Float64Array;
  mobile: Float64Array;
  /** The extra anchor (AD NHSmail ID), when the pass has one. */
  extra: Float64Array | undefined;
  aliasStart: Int32Array;
  aliases: Float64Array;
  firstStart: Int32Array;
  /** TextCodes codes. */
  firstNames: Int32Array;
  lastName: Int32Array;
  position: Int32Array;
}

const hashOf = (s: string | undefined): number => (s === undefined ? Number.NaN : hash53(s));

/**
 * Identities `from` ≤ i < `to` as columns, their names and titles coded by `texts`. The arrays
 * come from `pool` (a shared one, for another thread to read them where they are): at national
 * size they are about 85 MB outside the heap, and new ones there cost a full collection of the
 * main thread's multi-GiB heap ("external memory pressure").
 */
export function encodeIdentities(
  ids: readonly Identity[],
  from: number,
  to: number,
  texts: TextCodes,
  extra?: (i: number) => string | undefined,
  pool: Int32Pool = NO_POOL,
): IdentityColumns {
  const n = to - from;
  let nAliases = 0;
  let nFirsts = 0;
  for (let i = from; i < to; i++) {
    const id = ids[i]!;
    nAliases += id.aliases?.length ?? 0;
    nFirsts += id.firstNames?.length ?? 0;
  }
  const cols: IdentityColumns = {
    from,
    to,
    email: pool.takeFloat64(n),
    employeeNumber: pool.takeFloat64(n),
    mobile: pool.takeFloat64(n),
    extra: extra === undefined ? undefined : pool.takeFloat64(n),
    aliasStart: pool.take(n + 1),
    aliases: pool.takeFloat64(nAliases),
    firstStart: pool.take(n + 1),
    firstNames: pool.take(nFirsts),
    lastName: pool.take(n),
    position: pool.take(n),
  };
  let a = 0;
  let f = 0;
  for (let k = 0; k < n; k++) {
    const id = ids[from + k]!;
    cols.email[k] = hashOf(id.email);
    cols.employeeNumber[k] = hashOf(id.employeeNumber);
    cols.mobile[k] = hashOf(id.mobile);
    if (cols.extra !== undefined) cols.extra[k] = hashOf(extra!(from + k));
    if (id.aliases !== undefined) for (const x of id.aliases) cols.aliases[a++] = hash53(x);
    cols.aliasStart[k + 1] = a;
    if (id.firstNames !== undefined) for (const name of id.firstNames) cols.firstNames[f++] = texts.code(name);
    cols.firstStart[k + 1] = f;
    cols.lastName[k] = texts.code(id.lastName);
    cols.position[k] = texts.code(id.position);
  }
  return cols;
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * The identities of `cols` rebuilt for scoring, one at a time (`at`): names and titles as the
 * strings `texts` holds, the hashed values as numbers where the strings were. They are Identity
 * objects only for the functions that compare those values for equality alone and do not hash
 * them: quickScore, packedLevels, presentAnchors, and findCandidates given its right index and
 * left keys ready made (built from the real strings).
 */
export class CodedIdentities {
  /** One list per distinct lone first name, as the main thread's ListPool shares them. */
  private readonly single: (readonly string[] | undefined)[] = [];
  /** The extra anchor of record i (a number where its string was), when the columns hold one. */
  readonly extra: ((i: number) => string | undefined) | undefined;

  constructor(
    private readonly cols: IdentityColumns,
    private readonly texts: readonly string[],
  ) {
    // Of the columns, only this one is held by the function.
    const { extra, from } = cols;
    this.extra = extra === undefined ? undefined : (i) => valueOf(extra[i - from]!);
  }

  /** Record i's identity (cols.from ≤ i < cols.to), a new object each call. */
  at(i: number): Identity {
    const { cols, texts } = this;
    const k = i - cols.from;
    const a0 = cols.aliasStart[k]!;
    const a1 = cols.aliasStart[k + 1]!;
    const aliases: readonly string[] = a0 === a1 ? NONE : (Array.from(cols.aliases.subarray(a0, a1), valueOf) as string[]);
    const f0 = cols.firstStart[k]!;
    const f1 = cols.firstStart[k + 1]!;
    let firstNames: readonly string[];
    if (f0 === f1) firstNames = NONE;
    else if (f1 - f0 === 1) firstNames = this.single[cols.firstNames[f0]!] ??= [texts[cols.firstNames[f0]!]!];
    else firstNames = Array.from(cols.firstNames.subarray(f0, f1), (c) => texts[c]!);
    const last = cols.lastName[k]!;
    const position = cols.position[k]!;
    return {
      email: valueOf(cols.email[k]!),
      aliases,
      employeeNumber: valueOf(cols.employeeNumber[k]!),
      mobile: valueOf(cols.mobile[k]!),
      firstNames,
      lastName: last === NO_CODE ? undefined : texts[last],
      position: position === NO_CODE ? undefined : texts[position],
    };
  }
}

/** A hashed value as the identity holds it: the number in place of the string, undefined for none (NaN). */
function valueOf(x: number): string | undefined {
  return x === x ? (x as unknown as string) : undefined;
}

/** A KeyTable's arrays, or null for a kind of key the plan does not block on. */
export type TableArrays = KeyTable | null;

/** A first pass's right side, coded for a helper (what it is started with). */
export interface CodedRight {
  link: LinkName;
  scheme: Scheme;
  extraPoints: number | undefined;
  /** Every right record (from 0 to their count, `right.to`). */
  right: IdentityColumns;
  /** The names and titles the right side's columns code (TextCodes values). */
  texts: string[];
  indexBits: number;
  index: TableArrays[];
}

/** The helper's left records (`left.from` up to their count, `left.to`), coded. */
export interface CodedLeft {
  left: IdentityColumns;
  /** Names and titles first met on the left side, numbered on from the right side's. */
  moreTexts: string[];
  /** The left keys (LeftKeys) of those records: record i's are at keyStart[i] in keyKind and keyHash. */
  keyStart: Int32Array;
  keyKind: Int32Array;
  keyHash: Int32Array;
  keyBits: number;
}

/** A copy of `a[from..to)` in an array of `pool`. */
function copyOf(a: Int32Array, pool: Int32Pool, from = 0, to = a.length): Int32Array {
  const copy = pool.take(to - from);
  copy.set(a.subarray(from, to));
  return copy;
}

/** `pass`'s right side coded, its names and titles numbered by `texts`, its arrays from `pool`. */
export function codeRight(pass: SharedPass, texts: TextCodes, pool: Int32Pool): CodedRight {
  const right = encodeIdentities(pass.right, 0, pass.right.length, texts, pass.extra?.right, pool);
  return {
    link: pass.link,
    scheme: pass.scheme,
    extraPoints: pass.extra?.points,
    right,
    texts: texts.values.slice(),
    indexBits: pass.index.bits,
    index: pass.index.tables.map((t) => (t === undefined ? null : { mask: t.mask, start: copyOf(t.start, pool), hashes: copyOf(t.hashes, pool), items: copyOf(t.items, pool) })),
  };
}

/**
 * `pass`'s left records from `from` on, coded after its right side (codeRight with the same
 * `texts`, which then held `rightTexts` values). Only their keys are sent: record i's are
 * at start[i] - start[from] in them, and records before `from` have none.
 */
export function codeLeft(pass: SharedPass, from: number, texts: TextCodes, rightTexts: number, pool: Int32Pool): CodedLeft {
  const n = pass.left.length;
  const { start, kind, hash, bits } = pass.keys;
  const left = encodeIdentities(pass.left, from, n, texts, pass.extra?.left, pool);
  const keyStart = pool.take(n + 1);
  const base = start[from]!;
  for (let i = from; i <= n; i++) keyStart[i] = start[i]! - base;
  return {
    left,
    moreTexts: texts.values.slice(rightTexts),
    keyStart,
    keyKind: copyOf(kind, pool, start[from]!, start[n]!),
    keyHash: copyOf(hash, pool, start[from]!, start[n]!),
    keyBits: bits,
  };
}

/**
 * A helper's share of a first pass from its coded sides: firstPassPart over the identities
 * CodedIdentities makes, each when it is read (the left ones once each, in order; the right
 * ones for each pair scored), so that the helper holds the columns and not an object per
 * record. The same part as firstPassPart over the records themselves (see the module's note).
 */
export function codedPassPart(r: CodedRight, l: CodedLeft): PassPart {
  const texts = [...r.texts, ...l.moreTexts];
  const left = new CodedIdentities(l.left, texts);
  const right = new CodedIdentities(r.right, texts);
  // Lists that give only the records' counts: nothing is read from them.
  const leftList = new Array<Identity>(l.left.to);
  const rightList = new Array<Identity>(r.right.to);
  const extra = left.extra === undefined || right.extra === undefined ? undefined : { left: left.extra, right: right.extra, points: r.extraPoints ?? 0 };
  const keys: LeftKeys = { of: leftList, extra: left.extra, bits: l.keyBits, start: l.keyStart, kind: l.keyKind, hash: l.keyHash };
  const index: RightIndex = { of: rightList, bits: r.indexBits, tables: r.index.map((t) => t ?? undefined) };
  const pass: SharedPass = {
    link: r.link,
    left: leftList,
    right: rightList,
    keys,
    index,
    scheme: r.scheme,
    extra,
    pool: NO_POOL,
    leftRecord: (i) => left.at(i),
    rightRecord: (j) => right.at(j),
  };
  return firstPassPart(pass, l.left.from);
}

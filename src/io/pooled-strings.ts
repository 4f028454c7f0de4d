/**
 * One copy of each repeated value in the loaded records. A reader makes a new string per cell,
 * and in a national run the copies of trust names, job titles, statuses, titles and common
 * names were most of the records' memory (about 70% of their strings at 30k people). Only
 * low-cardinality fields are pooled: pooling unique values (emails, numbers) would cost a map
 * entry each and save nothing.
 *
 * Records read in a worker thread are packed for the trip to the main thread (record-codec.ts),
 * which would copy every string. So a worker sends each pooled value as a number, its index in
 * a table of the distinct values it has sent (FieldEncoder), with the values new to each batch;
 * the main thread keeps the table, pooled (FieldDecoder): an array lookup per field instead of
 * hashing every copy, and less to copy between threads.
 */
import type { EmailInfo } from '../core/normalise-email.js';
import type { AdAccount, EsrAssignment, NhsmailAccount } from '../core/records.js';
import type { RecordSource } from './load-records.js';

const NAME_FIELDS = ['firstName', 'lastName', 'firstKey', 'lastKey'] as const;

/** The pooled string fields of each record type (core/records.ts), besides email domains. */
export const POOLED_FIELDS = {
  esr: [...NAME_FIELDS, 'title', 'knownAs', 'knownAsKey', 'position', 'positionKey', 'organisation', 'assignmentStatus', 'personType'] satisfies (keyof EsrAssignment)[],
  nhsmail: [...NAME_FIELDS, 'position', 'positionKey', 'organisation', 'status'] satisfies (keyof NhsmailAccount)[],
  ad: [...NAME_FIELDS, 'position', 'positionKey'] satisfies (keyof AdAccount)[],
} as const satisfies Record<RecordSource, readonly string[]>;

/** A record seen as its fields, for the field lists above. */
type Fields = Record<string, unknown> & { email?: EmailInfo; aliases?: readonly EmailInfo[]; emailRaw?: string; assignmentNumber?: string; employeeNumber?: string };

export class StringPool {
  private readonly pool = new Map<string, string>();

  get(s: string): string {
    const hit = this.pool.get(s);
    if (hit !== undefined) return hit;
    this.pool.set(s, s);
    return s;
  }
}

/** The aliases of every account that has none (most): one array, not an empty one each. */
export const NO_ALIASES: readonly EmailInfo[] = Object.freeze([]);

/**
 * Values a record holds twice become one: the raw email of an ESR or AD record that equals the
 * normalised one, an ESR assignment number that equals the employee number (a person's first
 * assignment), and the empty list of aliases of an NHSmail account. At 1.5M people these were
 * about 80 MB of copies.
 */
function shareEqualValues(r: Fields): void {
  if (r.emailRaw !== undefined && r.email !== undefined && r.emailRaw === r.email.value) r.emailRaw = r.email.value;
  if (r.assignmentNumber !== undefined && r.assignmentNumber === r.employeeNumber) r.assignmentNumber = r.employeeNumber;
  if (r.aliases !== undefined && r.aliases.length === 0) r.aliases = NO_ALIASES;
}

/** Pools a record read in this thread, in place. */
export function poolRecord(source: RecordSource, record: unknown, pool: StringPool): void {
  const r = record as Fields;
  for (const f of POOLED_FIELDS[source] as readonly string[]) {
    const v = r[f];
    if (typeof v === 'string') r[f] = pool.get(v);
  }
  // Email domains are pooled too.
  if (r.email !== undefined) r.email.domain = pool.get(r.email.domain);
  if (r.aliases !== undefined) for (const e of r.aliases) e.domain = pool.get(e.domain);
  shareEqualValues(r);
}

/**
 * Worker side: pooled values become indices into the table of values sent so far. Each field
 * looks its values up in a map of its own (`field`): a field of a few values (a status, a
 * title) then searches a small map that stays in the cache, not one holding every name read.
 * A value used in two fields may be in the table twice; the main thread pools both entries
 * into one string.
 */
export class FieldEncoder {
  private size = 0;
  private fresh: string[] = [];

  /** A field's own codes, sharing this table. */
  field(): FieldCodes {
    return new FieldCodes(this);
  }

  /** Adds `s` to the table (to be sent with the next batch); its index. */
  add(s: string): number {
    this.fresh.push(s);
    return this.size++;
  }

  /** The values first used since the last call, in table order: sent with the batch. */
  takeFresh(): string[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}

/** One field's values and their indices in a FieldEncoder's table. */
export class FieldCodes {
  private readonly codes = new Map<string, number>();

  constructor(private readonly table: FieldEncoder) {}

  /** `s`'s index in the table, adding it when this field has not used it before. */
  code(s: string): number {
    let c = this.codes.get(s);
    if (c === undefined) {
      c = this.table.add(s);
      this.codes.set(s, c);
    }
    return c;
  }
}

/** Main-thread side of one worker's FieldEncoder: its table, each value pooled. */
export class FieldDecoder {
  private readonly values: string[] = [];

  constructor(private readonly pool: StringPool) {}

  /** Adds the values sent with a batch, before its records are unpacked. */
  extend(fresh: readonly string[]): void {
    for (const s of fresh) this.values.push(this.pool.get(s));
  }

  get table(): readonly string[] {
    return this.values;
  }
}

/**
 * Records' trip from a load worker to the main thread, packed by field: a batch is one array
 * of the records' own strings, one Float64Array of their dates and one Int32Array of codes
 * (line numbers, pooled values as indices into the worker's table of values sent so far,
 * booleans, flags and counts), each record's fields in a fixed order per source. The typed
 * arrays are transferred, not copied; the strings array is cloned as a flat list.
 *
 * Line numbers travel as codes, not dates' doubles: read back from the Float64Array, every ESR
 * assignment's line was stored as a boxed number (a heap object of its own, 1.6M of them at
 * national size) where a small integer needs none.
 *
 * Before, a batch went as JSON text: JSON.stringify in the worker, JSON.parse on the main
 * thread. That was a third of the load's CPU at national size, and the main thread's JSON.parse
 * (21.7 s of its 40.6 s in a profile of the 1.5M-person load) held up the workers' batches. On
 * the 150,000-person ESR extract, packing, cloning and unpacking take 0.29 s against JSON's
 * 1.01 s (scratch measurement, one thread).
 *
 * Unpacked records are built as object literals with every field, as the record builders make
 * them in this thread (absent fields undefined): one shape per source. `Complete` makes the
 * compiler insist that every field of a record type is listed; the tests check that a record
 * packed and unpacked equals the one built, field for field, for any cell values.
 *
 * A value a record holds twice goes once (the raw email that equals the normalised one, the
 * ESR assignment number that equals the employee number) and comes back as one string, and an
 * account with no aliases gets the shared empty list, as `poolRecord` does in this thread.
 */
import type { EmailInfo } from '../core/normalise-email.js';
import type { PhoneInfo } from '../core/normalise-phone.js';
import type { AdAccount, EsrAssignment, NhsmailAccount, NhsmailStatus, Reject } from '../core/records.js';
import { NO_ALIASES, type FieldCodes, type FieldEncoder } from './pooled-strings.js';

export type PackedSource = 'esr' | 'nhsmail' | 'ad';

/** A batch of one source's records and rejects as posted by a load worker. */
export interface PackedBatch {
  source: PackedSource;
  count: number;
  strings: (string | undefined)[];
  numbers: Float64Array<ArrayBuffer>;
  codes: Int32Array<ArrayBuffer>;
  rejects: Reject[];
  /** Values first used in this batch's pooled fields, in table order (FieldEncoder.takeFresh). */
  fresh: string[];
}

/** Every field of T, each given (undefined where absent): an unpacker must list them all. */
type Complete<T> = { [K in keyof Required<T>]: T[K] };

const ABSENT = -1;

/** The pooled fields RecordPacker codes, each with a map of its own. */
const CODED_FIELDS = ['title', 'firstName', 'lastName', 'firstKey', 'lastKey', 'knownAs', 'knownAsKey', 'domain', 'position', 'positionKey', 'organisation', 'status', 'personType'] as const;
type CodedField = (typeof CODED_FIELDS)[number];

/** Two pooled values' codes (ABSENT for an absent one). */
interface CodePair {
  readonly first: number;
  readonly second: number;
}

/**
 * The codes of two pooled fields whose second value follows from the first in almost every
 * record (a name and its key, a job title and its key), by one map lookup where there were
 * two. The maps of names are large (every distinct name of the export), and their lookups were
 * the load workers' top line at national size. A pair whose second value is not the one
 * remembered for its first is coded field by field, as before: the codes are always each
 * field's own (FieldCodes), so a batch unpacks to the same records either way.
 */
class PairCodes {
  private readonly known = new Map<string, { readonly second: string | undefined; readonly codes: CodePair }>();

  constructor(
    private readonly firstField: FieldCodes,
    private readonly secondField: FieldCodes,
  ) {}

  codes(first: string | undefined, second: string | undefined): CodePair {
    if (first === undefined) return { first: ABSENT, second: second === undefined ? ABSENT : this.secondField.code(second) };
    const hit = this.known.get(first);
    if (hit !== undefined && hit.second === second) return hit.codes;
    const codes = { first: this.firstField.code(first), second: second === undefined ? ABSENT : this.secondField.code(second) };
    if (hit === undefined) this.known.set(first, { second, codes });
    return codes;
  }
}

/** A new array twice `a`'s length, holding `a` in its first half. */
function doubled(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer>;
function doubled(a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer>;
function doubled(a: Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer>): Int32Array<ArrayBuffer> | Float64Array<ArrayBuffer> {
  const grown = a instanceof Int32Array ? new Int32Array(a.length * 2) : new Float64Array(a.length * 2);
  grown.set(a);
  return grown;
}

/**
 * Worker side: appends records' fields to the batch's three lists. Codes and dates go straight
 * into typed arrays kept from batch to batch (doubled when a batch needs more), and each batch
 * takes a copy of just its part: growing plain arrays a push at a time reallocated them over
 * and over, in the large-object space once past 128 KiB, and then copied them into the typed
 * arrays sent.
 */
export class RecordPacker {
  private strings: (string | undefined)[] = [];
  private numbers = new Float64Array(1024);
  private nNumbers = 0;
  private codes = new Int32Array(4096);
  private nCodes = 0;
  private count = 0;
  /** Each pooled field's codes (see FieldEncoder.field); ESR's assignment status and NHSmail's status share `status`. */
  private readonly f: Readonly<Record<CodedField, FieldCodes>>;
  /** Names, Known As and positions with their keys (see PairCodes). */
  private readonly firstNames: PairCodes;
  private readonly lastNames: PairCodes;
  private readonly knownAs: PairCodes;
  private readonly positions: PairCodes;

  constructor(
    readonly source: PackedSource,
    private readonly pool: FieldEncoder,
  ) {
    this.f = Object.fromEntries(CODED_FIELDS.map((name) => [name, pool.field()])) as Record<CodedField, FieldCodes>;
    this.firstNames = new PairCodes(this.f.firstName, this.f.firstKey);
    this.lastNames = new PairCodes(this.f.lastName, this.f.lastKey);
    this.knownAs = new PairCodes(this.f.knownAs, this.f.knownAsKey);
    this.positions = new PairCodes(this.f.position, this.f.positionKey);
  }

  /** Records added since the last `take`. */
  get size(): number {
    return this.count;
  }

  add(record: unknown): void {
    this.count++;
    if (this.source === 'esr') this.esr(record as EsrAssignment);
    else if (this.source === 'nhsmail') this.nhsmail(record as NhsmailAccount);
    else this.ad(record as AdAccount);
  }

  /** The batch so far, and a fresh start for the next. The typed arrays' buffers can be transferred. */
  take(rejects: Reject[]): PackedBatch {
    const batch: PackedBatch = {
      source: this.source,
      count: this.count,
      strings: this.strings,
      numbers: this.numbers.slice(0, this.nNumbers),
      codes: this.codes.slice(0, this.nCodes),
      rejects,
      fresh: this.pool.takeFresh(),
    };
    this.strings = [];
    this.nNumbers = 0;
    this.nCodes = 0;
    this.count = 0;
    return batch;
  }

  private code(c: number): void {
    if (this.nCodes === this.codes.length) this.codes = doubled(this.codes);
    this.codes[this.nCodes++] = c;
  }

  private str(s: string | undefined): void {
    this.strings.push(s);
  }

  private num(n: number | undefined): void {
    if (this.nNumbers === this.numbers.length) this.numbers = doubled(this.numbers);
    this.numbers[this.nNumbers++] = n ?? Number.NaN;
  }

  private pooled(s: string | undefined, field: FieldCodes): void {
    this.code(s === undefined ? ABSENT : field.code(s));
  }

  private bool(b: boolean | undefined): void {
    this.code(b === undefined ? ABSENT : b ? 1 : 0);
  }

  /** `s`, or a mark that it is the same as `same` (a defined value the record already sends). */
  private strOr(s: string | undefined, same: string | undefined): void {
    if (s !== undefined && s === same) this.code(1);
    else {
      this.code(0);
      this.strings.push(s);
    }
  }

  private email(e: EmailInfo | undefined): void {
    if (e === undefined) {
      this.code(ABSENT);
      return;
    }
    this.code(this.f.domain.code(e.domain));
    this.code((e.valid ? 1 : 0) | (e.nhsNet ? 2 : 0));
    this.strings.push(e.value);
  }

  private phone(p: PhoneInfo | undefined): void {
    if (p === undefined) {
      this.code(ABSENT);
      return;
    }
    this.code((p.mobile ? 1 : 0) | (p.valid ? 2 : 0));
    this.strings.push(p.e164);
  }

  /** First name and its key, then last name and its key. */
  private names(r: EsrAssignment | NhsmailAccount | AdAccount): void {
    this.pair(this.firstNames.codes(r.firstName, r.firstKey));
    this.pair(this.lastNames.codes(r.lastName, r.lastKey));
  }

  /** A pooled field and its key, in that order. */
  private pair(codes: CodePair): void {
    this.code(codes.first);
    this.code(codes.second);
  }

  // The three layouts: each unpacker below reads its fields in exactly this order.

  private esr(r: EsrAssignment): void {
    this.code(r.line);
    this.str(r.employeeNumber);
    this.strOr(r.assignmentNumber, r.employeeNumber);
    this.pooled(r.title, this.f.title);
    this.names(r);
    this.pair(this.knownAs.codes(r.knownAs, r.knownAsKey));
    this.email(r.email);
    this.strOr(r.emailRaw, r.email?.value);
    this.str(r.mobileRaw);
    this.phone(r.mobile);
    this.pair(this.positions.codes(r.position, r.positionKey));
    this.pooled(r.organisation, this.f.organisation);
    this.pooled(r.assignmentStatus, this.f.status);
    this.num(r.start);
    this.num(r.end);
    this.pooled(r.personType, this.f.personType);
  }

  private nhsmail(r: NhsmailAccount): void {
    this.code(r.line);
    this.email(r.email);
    this.str(r.nhsmailId);
    this.names(r);
    this.code(r.aliases.length);
    for (const a of r.aliases) this.email(a);
    this.str(r.mobileRaw);
    this.phone(r.mobile);
    this.pair(this.positions.codes(r.position, r.positionKey));
    this.pooled(r.organisation, this.f.organisation);
    this.pooled(r.status, this.f.status);
    this.num(r.lastLogon);
    this.str(r.employeeNumber);
  }

  private ad(r: AdAccount): void {
    this.code(r.line);
    this.str(r.samAccountName);
    this.str(r.upn);
    this.bool(r.enabled);
    this.names(r);
    this.email(r.email);
    this.strOr(r.emailRaw, r.email?.value);
    this.str(r.employeeNumber);
    this.str(r.mobileRaw);
    this.phone(r.mobile);
    this.pair(this.positions.codes(r.position, r.positionKey));
    this.str(r.nhsmailId);
    this.num(r.lastLogon);
  }
}

/**
 * Main-thread side: the records of one packed batch, read in order. `table` is the worker's
 * table of pooled values (FieldDecoder's, extended with the batch's `fresh` first).
 */
export class RecordUnpacker {
  private s = 0;
  private n = 0;
  private c = 0;

  constructor(
    private readonly batch: PackedBatch,
    private readonly table: readonly string[],
  ) {}

  /** Appends the batch's records to `out`. Throws when the batch does not hold what it says. */
  unpackInto(out: unknown[]): void {
    const { count, source } = this.batch;
    for (let k = 0; k < count; k++) out.push(source === 'esr' ? this.esr() : source === 'nhsmail' ? this.nhsmail() : this.ad());
    if (this.s !== this.batch.strings.length || this.n !== this.batch.numbers.length || this.c !== this.batch.codes.length) {
      throw new Error(`a packed ${source} batch from a load worker did not match its layout`);
    }
  }

  private str(): string | undefined {
    return this.batch.strings[this.s++];
  }

  private num(): number | undefined {
    const v = this.batch.numbers[this.n++]!;
    return Number.isNaN(v) ? undefined : v;
  }

  private code(): number {
    return this.batch.codes[this.c++]!;
  }

  private pooled(): string | undefined {
    const c = this.code();
    return c === ABSENT ? undefined : this.table[c];
  }

  private bool(): boolean | undefined {
    const c = this.code();
    return c === ABSENT ? undefined : c === 1;
  }

  private strOr(same: string | undefined): string | undefined {
    return this.code() === 1 ? same : this.str();
  }

  private email(): EmailInfo | undefined {
    const domain = this.code();
    if (domain === ABSENT) return undefined;
    const flags = this.code();
    return { value: this.str()!, valid: (flags & 1) !== 0, nhsNet: (flags & 2) !== 0, domain: this.table[domain]! };
  }

  private phone(): PhoneInfo | undefined {
    const flags = this.code();
    if (flags === ABSENT) return undefined;
    return { e164: this.str()!, mobile: (flags & 1) !== 0, valid: (flags & 2) !== 0 };
  }

  // Locals first, in the packer's order; then the literal in the builder's field order.

  private esr(): EsrAssignment {
    const line = this.code();
    const employeeNumber = this.str()!;
    const assignmentNumber = this.strOr(employeeNumber);
    const title = this.pooled();
    const firstName = this.pooled();
    const firstKey = this.pooled();
    const lastName = this.pooled();
    const lastKey = this.pooled();
    const knownAs = this.pooled();
    const knownAsKey = this.pooled();
    const email = this.email();
    const emailRaw = this.strOr(email?.value);
    const mobileRaw = this.str();
    const mobile = this.phone();
    const position = this.pooled();
    const positionKey = this.pooled();
    const organisation = this.pooled();
    const assignmentStatus = this.pooled();
    const start = this.num();
    const end = this.num();
    const personType = this.pooled();
    const r: Complete<EsrAssignment> = {
      line,
      employeeNumber,
      assignmentNumber,
      title,
      firstName,
      lastName,
      firstKey,
      lastKey,
      knownAs,
      knownAsKey,
      emailRaw,
      email,
      mobileRaw,
      mobile,
      position,
      positionKey,
      organisation,
      assignmentStatus,
      start,
      end,
      personType,
    };
    return r;
  }

  private nhsmail(): NhsmailAccount {
    const line = this.code();
    const email = this.email()!;
    const nhsmailId = this.str();
    const firstName = this.pooled();
    const firstKey = this.pooled();
    const lastName = this.pooled();
    const lastKey = this.pooled();
    const aliasCount = this.code();
    let aliases: readonly EmailInfo[] = NO_ALIASES;
    if (aliasCount > 0) {
      // Made at its size: `[]` grown by push keeps room for 17.
      const list = new Array<EmailInfo>(aliasCount);
      for (let a = 0; a < aliasCount; a++) list[a] = this.email()!;
      aliases = list;
    }
    const mobileRaw = this.str();
    const mobile = this.phone();
    const position = this.pooled();
    const positionKey = this.pooled();
    const organisation = this.pooled();
    const status = this.pooled() as NhsmailStatus;
    const lastLogon = this.num();
    const employeeNumber = this.str();
    const r: Complete<NhsmailAccount> = {
      line,
      email,
      nhsmailId,
      firstName,
      lastName,
      firstKey,
      lastKey,
      aliases,
      mobileRaw,
      mobile,
      position,
      positionKey,
      organisation,
      status,
      lastLogon,
      employeeNumber,
    };
    return r;
  }

  private ad(): AdAccount {
    const line = this.code();
    const samAccountName = this.str()!;
    const upn = this.str();
    const enabled = this.bool();
    const firstName = this.pooled();
    const firstKey = this.pooled();
    const lastName = this.pooled();
    const lastKey = this.pooled();
    const email = this.email();
    const emailRaw = this.strOr(email?.value);
    const employeeNumber = this.str();
    const mobileRaw = this.str();
    const mobile = this.phone();
    const position = this.pooled();
    const positionKey = this.pooled();
    const nhsmailId = this.str();
    const lastLogon = this.num();
    const r: Complete<AdAccount> = {
      line,
      samAccountName,
      upn,
      enabled,
      firstName,
      lastName,
      firstKey,
      lastKey,
      emailRaw,
      email,
      employeeNumber,
      mobileRaw,
      mobile,
      position,
      positionKey,
      nhsmailId,
      lastLogon,
    };
    return r;
  }
}

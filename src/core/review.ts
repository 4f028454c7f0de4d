/**
 * The review list of a reconcile run: pairs tied at the top score (ambiguous) and near misses,
 * held by column. At national size there are over half a million; as objects (an item, its
 * candidate, and the two identities the candidate kept for its explanation) they were about
 * 140 MB, and those identities kept stage 1's and stage 2's identities of the accounts alive
 * after their stages. Here an item is five numbers, and its explanation (every anchor's level,
 * similarities included) is worked out when it is read, from the records as the stage saw them.
 */
import type { Scheme } from './config.js';
import type { Candidate } from './candidates.js';
import { NumberColumn } from './columns.js';
import type { LinkName } from './reconcile.js';
import { scorePair, type Identity, type PairScore } from './score.js';

export type ReviewKind = 'ambiguous' | 'near-miss';

export interface ReviewItem {
  link: LinkName;
  kind: ReviewKind;
  candidate: Candidate;
}

/**
 * A stage's two sides as its scorer saw them: `left(i)` and `right(j)` build record i's and j's
 * identities again (equal in value to those the stage scored), for the explanation.
 */
export interface ReviewSides {
  link: LinkName;
  left(i: number): Identity;
  right(j: number): Identity;
}

/**
 * A review item's candidate. Its `score` is the pair's full explanation, similarities included,
 * worked out on each read (so a reader takes it once).
 */
class ExplainedCandidate implements Candidate {
  constructor(
    readonly left: number,
    readonly right: number,
    readonly total: number,
    readonly extraPoints: number,
    private readonly sides: ReviewSides,
    private readonly scheme: Scheme,
  ) {}

  get score(): PairScore {
    return scorePair(this.sides.left(this.left), this.sides.right(this.right), this.scheme, true);
  }
}

export class ReviewItems implements Iterable<ReviewItem> {
  private readonly sides: ReviewSides[] = [];
  /** Per item: its stage's place in `sides` × 2, plus 1 for a near miss. */
  private readonly code = new NumberColumn();
  private readonly left = new NumberColumn();
  private readonly right = new NumberColumn();
  private readonly total = new NumberColumn();
  private readonly extra = new NumberColumn();
  private readonly counts = { ambiguous: 0, 'near-miss': 0 };

  constructor(private readonly scheme: Scheme) {}

  get length(): number {
    return this.code.length;
  }

  /** Registers a stage's sides; items of that stage are added with the number returned. */
  stage(sides: ReviewSides): number {
    this.sides.push(sides);
    return this.sides.length - 1;
  }

  add(stage: number, kind: ReviewKind, c: { left: number; right: number; total: number; extraPoints: number }): void {
    if (this.sides[stage] === undefined) throw new RangeError(`no stage ${stage} is registered`);
    this.code.push(stage * 2 + (kind === 'near-miss' ? 1 : 0));
    this.left.push(c.left);
    this.right.push(c.right);
    this.total.push(c.total);
    this.extra.push(c.extraPoints);
    this.counts[kind]++;
  }

  /** Items of this kind. */
  count(kind: ReviewKind): number {
    return this.counts[kind];
  }

  /** Item k (a new object each call). */
  get(k: number): ReviewItem {
    if (!(k >= 0 && k < this.length)) throw new RangeError(`review item ${k} is outside 0..${this.length - 1}`);
    const code = this.code.at(k);
    const sides = this.sides[code >> 1]!;
    return {
      link: sides.link,
      kind: (code & 1) === 1 ? 'near-miss' : 'ambiguous',
      candidate: new ExplainedCandidate(this.left.at(k), this.right.at(k), this.total.at(k), this.extra.at(k), sides, this.scheme),
    };
  }

  *[Symbol.iterator](): IterableIterator<ReviewItem> {
    for (let k = 0; k < this.length; k++) yield this.get(k);
  }
}

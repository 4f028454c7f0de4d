import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE, NumberColumn } from '../../src/core/columns.js';

describe('NumberColumn', () => {
  it('holds what was pushed, in order, across chunks', () => {
    const col = new NumberColumn();
    const n = 2 * CHUNK_SIZE + 5;
    for (let k = 0; k < n; k++) col.push(k % 3 === 0 ? k + 0.5 : -k);
    expect(col.length).toBe(n);
    const want = (k: number): number => (k % 3 === 0 ? k + 0.5 : -k);
    for (const k of [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, 2 * CHUNK_SIZE, n - 1]) expect(col.at(k)).toBe(want(k));
    let same = 0;
    for (let k = 0; k < n; k++) if (col.at(k) === want(k)) same++;
    expect(same).toBe(n);
  });

  it('refuses an entry outside the column, including the unfilled rest of its last chunk', () => {
    const col = new NumberColumn();
    expect(() => col.at(0)).toThrow(RangeError);
    col.push(7);
    expect(col.at(0)).toBe(7);
    for (const k of [1, CHUNK_SIZE - 1, -1, 0.5, Number.NaN]) expect(() => col.at(k)).toThrow(RangeError);
  });
});

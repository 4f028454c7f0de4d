/**
 * `--redact`: replaces names, emails and phone numbers with stable pseudonyms so results can
 * be shared outside the team. A pseudonym is a keyed hash (HMAC-SHA-256) of the normalised
 * value: the same person gets the same pseudonym in every sheet and every run with the same
 * key, and without the key the value cannot be recovered by hashing guesses.
 */
import { createHmac } from 'node:crypto';
import type { Cell, ColumnSpec } from './table.js';

function tag(key: string, kind: string, value: string): string {
  return createHmac('sha256', key).update(`${kind}\u0000${value.trim().toLowerCase()}`).digest('hex').slice(0, 10);
}

export function pseudonym(kind: NonNullable<ColumnSpec['pii']>, value: string, key: string): string {
  switch (kind) {
    case 'name':
      return `Name-${tag(key, 'name', value)}`;
    case 'email':
      return value
        .split(/;\s*/)
        .map((v) => (v === '' ? v : `user-${tag(key, 'email', v)}@redacted.invalid`))
        .join('; ');
    case 'phone':
      return `Phone-${tag(key, 'phone', value.replace(/\D/g, ''))}`;
    case 'value':
      return value.includes('@') ? pseudonym('email', value, key) : `Value-${tag(key, 'value', value)}`;
    case 'key':
      // Employee numbers (digits) are not personal on their own; usernames and emails are.
      if (/^[\d\s;]+$/.test(value)) return value;
      return value.includes('@') ? pseudonym('email', value, key) : `Id-${tag(key, 'key', value)}`;
  }
}

/** Returns the row with every personal cell pseudonymised (other cells unchanged). */
export function redactRow(columns: readonly ColumnSpec[], row: readonly Cell[], key: string): Cell[] {
  return row.map((cell, i) => {
    const kind = columns[i]?.pii;
    if (kind === undefined || cell === undefined || cell === null || cell === '') return cell;
    if (typeof cell !== 'string' && typeof cell !== 'number') return cell;
    return pseudonym(kind, String(cell), key);
  });
}

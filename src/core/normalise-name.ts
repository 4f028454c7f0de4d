/**
 * Names as keys for comparison and as tidy text for reports (formats.md "Phone numbers, names,
 * dates"): case, accents (Łukasz/Lukasz), apostrophes (O’Brien/O'Brien), hyphens and
 * double-barrelled surnames, titles (Dr) all vary between ESR, NHSmail and AD.
 */

/** Letters NFKD leaves whole (no combining mark to strip), mapped to their usual ASCII spelling. */
const SPECIAL: Readonly<Record<string, string>> = {
  ł: 'l', ø: 'o', ß: 'ss', æ: 'ae', œ: 'oe', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h', ŀ: 'l', ĸ: 'k', ŋ: 'ng',
};
const SPECIAL_RE = /[łøßæœđðþıħŀĸŋ]/g;
/** Apostrophe look-alikes, removed so O’Brien, O'Brien and OBrien agree. ´ goes before NFKD splits it. */
const APOSTROPHES = /['’‘`´ʼʹ′]/g;
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;
const MARKS = /\p{M}+/gu;
/** Anything not a letter or digit separates words: hyphens, dots, underscores, commas, slashes. */
const SEPARATORS = /[^\p{L}\p{N}]+/gu;
/** "(Nurse)", "[Locum]", "{RXX}": role or organisation notes in display names, not the name. */
const BRACKETED = /\([^)]*\)?|\[[^\]]*\]?|\{[^}]*\}?/g;

const TITLES = new Set(['dr', 'doctor', 'mr', 'mrs', 'ms', 'miss', 'mx', 'prof', 'professor', 'sir', 'dame', 'rev', 'revd', 'reverend']);
/**
 * Trailing generational suffixes and post-nominals common on NHS staff records. Deliberately
 * leaves out words that are also surnames or given names (Senior, Junior, Ma, Md, Ba).
 */
const SUFFIXES = new Set([
  'jr', 'jnr', 'sr', 'snr', 'ii', 'iii', 'iv',
  'phd', 'dphil', 'mbe', 'obe', 'cbe', 'frcs', 'frcp', 'mrcp', 'mrcs', 'frcgp', 'mrcgp', 'frcpath', 'frcr',
  'frcog', 'mrcog', 'frcpsych', 'mrcpsych', 'frca', 'frcpch', 'mrcpch', 'mbbs', 'mbchb', 'bsc', 'msc', 'rgn', 'rmn',
]);
/** Surname particles kept with the surname when a display name is split ("Ludwig van Beethoven"). */
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'da', 'di', 'du', 'la', 'le', 'al', 'el', 'bin', 'binti', 'ap', 'st']);

/** Lowercase words of a name: accents folded, apostrophes dropped, punctuation as spaces. */
function words(raw: string): string[] {
  // Apostrophes go before NFKD (which turns ´ into space + accent) and again after it (ŉ → ʼn);
  // NFKD again after lowercasing, which can itself add marks (İ → i + dot above) or reveal
  // capitals NFKD made (ℂ → C).
  const s = raw
    .replace(INVISIBLE, '')
    .replace(APOSTROPHES, '')
    .normalize('NFKD')
    .toLowerCase()
    .normalize('NFKD')
    .replace(APOSTROPHES, '')
    .replace(MARKS, '')
    .replace(SPECIAL_RE, (c) => SPECIAL[c] ?? c)
    .replace(SEPARATORS, ' ')
    .trim();
  return s === '' ? [] : s.split(' ');
}

/** Drops leading titles and trailing suffixes, but never the last word standing. */
function stripAffixes<T>(tokens: T[], key: (t: T) => string): T[] {
  let start = 0;
  let end = tokens.length;
  while (end - start > 1 && TITLES.has(key(tokens[start]!))) start++;
  while (end - start > 1 && SUFFIXES.has(key(tokens[end - 1]!))) end--;
  return tokens.slice(start, end);
}

/** Removes bracketed notes unless that leaves nothing ("(Jack)" alone stays as Jack). */
function withoutBrackets(s: string): string {
  const stripped = s.replace(BRACKETED, ' ');
  return stripped.trim() === '' ? s : stripped;
}

/**
 * Comparison key for one name part: NFKD, accents stripped (Łukasz→lukasz, incl. ł/ø/ß/æ/œ special
 * cases), lowercase, apostrophes (’ ' ‘ `) removed, hyphens/dots/underscores → single space,
 * collapse whitespace, leading titles removed (Dr, Mr, Mrs, Ms, Miss, Mx, Prof, Professor, Sir,
 * Dame, Rev, with/without dot), trailing suffixes (Jr, Sr, II, III) and common post-nominals
 * removed, bracketed notes removed. undefined when empty. A lone title stays ("Dr" → "dr").
 */
export function nameKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const w = stripAffixes(words(withoutBrackets(raw)), (t) => t);
  return w.length === 0 ? undefined : w.join(' ');
}

/** Compact key with spaces removed too (so "Smith-Jones" = "Smith Jones" = "SmithJones"). */
export function compactNameKey(raw: string | undefined): string | undefined {
  const k = nameKey(raw);
  return k === undefined ? undefined : k.replace(/ /g, '');
}

/** Tidy display form for reports: trimmed, whitespace collapsed, original case kept. */
export function tidyName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const s = raw.replace(INVISIBLE, '').normalize('NFC').replace(/\s+/g, ' ').trim();
  return s === '' ? undefined : s;
}

/** A word written in capitals, the NHS convention for the surname ("John SMITH", "SMITH John"). */
function isCapsWord(t: string): boolean {
  return t.length > 1 && /\p{Lu}/u.test(t) && !/\p{Ll}/u.test(t);
}

const keyOf = (t: string): string => words(t).join('');

/**
 * Splits a display name ("Smith, John" or "Dr John Smith" or "John SMITH (Nurse)") into first/last
 * raw parts; undefined parts when it cannot.
 *
 * - "Last, First Middle": last before the comma, first = first word after it.
 * - A run of capitalised words at either end is the surname ("SMITH John", "John SMITH JONES").
 * - Otherwise first word / last word, with particles (van, de, al…) kept on the surname.
 * - One word after a title is the surname ("Dr Smith"); one word alone is not split ({}): it may
 *   be a shared mailbox ("Reception"), not a person.
 * Titles, suffixes and bracketed notes are dropped; parts keep their original case.
 */
export function splitDisplayName(raw: string | undefined): { first?: string; last?: string } {
  const tidy = tidyName(raw === undefined ? undefined : withoutBrackets(raw));
  if (tidy === undefined) return {};
  const comma = tidy.indexOf(',');
  if (comma >= 0) {
    const last = stripAffixes(tokens(tidy.slice(0, comma)), keyOf);
    const rest = stripAffixes(tokens(tidy.slice(comma + 1)), keyOf);
    return { ...part('last', last.join(' ')), ...part('first', rest[0]) };
  }
  const all = tokens(tidy);
  const t = stripAffixes(all, keyOf);
  if (t.length < 2) {
    // "Dr Smith": a title names the surname; a word alone ("Reception") names nothing certain.
    return t.length === 1 && all.length > 1 && TITLES.has(keyOf(all[0]!)) ? { last: t[0]! } : {};
  }
  const caps = t.map(isCapsWord);
  if (!caps.every(Boolean)) {
    if (caps[0]) {
      let n = 0;
      while (caps[n]) n++;
      return { last: t.slice(0, n).join(' '), first: t[n] };
    }
    if (caps[t.length - 1]) {
      let n = t.length;
      while (n > 0 && caps[n - 1]) n--;
      return { first: t[0], last: t.slice(n).join(' ') };
    }
  }
  let n = t.length - 1;
  while (n > 1 && PARTICLES.has(keyOf(t[n - 1]!))) n--;
  return { first: t[0], last: t.slice(n).join(' ') };
}

/** Words of a display name, punctuation-only pieces ("-", ".") dropped. */
function tokens(s: string): string[] {
  return s.split(' ').filter((x) => keyOf(x) !== '');
}

function part(name: 'first' | 'last', value: string | undefined): { first?: string; last?: string } {
  return value === undefined || value === '' ? {} : { [name]: value };
}

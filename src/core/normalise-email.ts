/**
 * Email addresses to one comparable form. Addresses are matched whole and case-insensitively
 * (NHSmail and AD both treat them so), so the value is lowercased, local part included.
 */

export interface EmailInfo {
  /** Lowercased address with wrappers removed; kept even when not valid, for reports. */
  value: string;
  /** Plausible local@domain.tld (not a deliverability check). */
  valid: boolean;
  /** Valid and the domain is one of the NHSmail domains or a sub-domain of one (trust.nhs.net). */
  nhsNet: boolean;
  /** Part after the last '@', '' when there is none. */
  domain: string;
}

const DEFAULT_NHS_DOMAINS: readonly string[] = ['nhs.net'];

/** RFC 5321 limits: local part 64 octets, whole path 254. */
const MAX_LOCAL = 64;
const MAX_ADDRESS = 254;
const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** Labels of letters, digits and inner hyphens; a TLD of 2+ characters starting with a letter. */
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** Zero-width characters Excel and web forms leave inside cells. */
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;
const QUOTES = /^["'“”‘’]+|["'“”‘’]+$/g;
/** Stray brackets left when a list was split inside "<a@b>" or "(a@b)". */
const BRACKETS = /^[<([]+|[>)\]]+$/g;
/** proxyAddresses entries that are not SMTP mail (X500:, SIP:, EUM:, …): not email at all. */
const OTHER_SCHEME = /^[a-z][a-z0-9]*:/i;

/**
 * An address as exports mostly hold it: lower case, nothing around it, no trailing dot. Such a
 * cell is its own unwrapped value (none of unwrap's steps changes it), so its replaces and
 * trims are skipped: at national size they were a second of each load worker's time (4M
 * addresses). A test checks the two agree for cells of these characters.
 */
const PLAIN = /^[a-z0-9._%+-]+@[a-z0-9.-]*[a-z0-9-]$/;

function unwrap(raw: string): string {
  if (PLAIN.test(raw)) return raw;
  let s = raw.replace(INVISIBLE, '').trim();
  // "Smith, John <john.smith@nhs.net>": the address is inside the last angle brackets.
  const lt = s.lastIndexOf('<');
  if (lt >= 0) {
    const gt = s.indexOf('>', lt);
    s = s.slice(lt + 1, gt < 0 ? undefined : gt);
  }
  s = s.trim().replace(QUOTES, '').replace(BRACKETS, '').trim().toLowerCase();
  if (s.startsWith('mailto:')) {
    s = s.slice(7);
    const q = s.indexOf('?'); // mailto:a@b?subject=…
    if (q >= 0) s = s.slice(0, q);
  } else if (s.startsWith('smtp:')) s = s.slice(5);
  return s.trim().replace(QUOTES, '').replace(/\.+$/, '').trim();
}

/** Config lists tidied once per list, not once per cell: callers pass the same array every row. */
const tidiedDomains = new WeakMap<readonly string[], readonly string[]>();

function normaliseDomains(nhsDomains: readonly string[]): readonly string[] {
  let tidy = tidiedDomains.get(nhsDomains);
  if (tidy === undefined) {
    tidy = nhsDomains.map((d) => d.trim().toLowerCase().replace(/^[@.]+/, '')).filter((d) => d !== '');
    tidiedDomains.set(nhsDomains, tidy);
  }
  return tidy;
}

function info(value: string, domains: readonly string[]): EmailInfo {
  const at = value.lastIndexOf('@');
  const local = at < 0 ? '' : value.slice(0, at);
  const domain = at < 0 ? '' : value.slice(at + 1);
  const valid =
    at > 0 &&
    local.length <= MAX_LOCAL &&
    value.length <= MAX_ADDRESS &&
    LOCAL.test(local) &&
    DOMAIN.test(domain);
  const nhsNet = valid && domains.some((d) => domain === d || domain.endsWith('.' + d));
  return { value, valid, nhsNet, domain };
}

/** undefined when the cell is empty/blank. */
export function normaliseEmail(raw: string | undefined, nhsDomains: readonly string[] = DEFAULT_NHS_DOMAINS): EmailInfo | undefined {
  if (raw === undefined) return undefined;
  const value = unwrap(raw);
  if (value === '') return undefined;
  return info(value, normaliseDomains(nhsDomains));
}

/**
 * Splits a list cell of addresses (separators ; , | whitespace, and "smtp:"/"SMTP:" proxyAddresses
 * prefixes) into normalised emails, de-duplicated, order kept.
 *
 * Pieces without an '@' are dropped (display-name words, fragments of X500 paths), and so are
 * other proxyAddresses schemes (SIP:, X500:, EUM:…), which are not mail aliases. Invalid pieces
 * that do hold an '@' are kept with valid: false so a caller can report them.
 */
export function splitEmailList(raw: string | undefined, nhsDomains: readonly string[] = DEFAULT_NHS_DOMAINS): EmailInfo[] {
  if (raw === undefined) return [];
  const domains = normaliseDomains(nhsDomains);
  const out: EmailInfo[] = [];
  const seen = new Set<string>();
  for (const piece of raw.replace(INVISIBLE, '').split(/[;,|\s]+/)) {
    if (!piece.includes('@')) continue;
    const bare = piece.replace(/^[<("'“‘]+/, '');
    if (OTHER_SCHEME.test(bare) && !/^(?:smtp|mailto):/i.test(bare)) continue;
    const value = unwrap(piece);
    if (value === '' || seen.has(value)) continue;
    seen.add(value);
    out.push(info(value, domains));
  }
  return out;
}

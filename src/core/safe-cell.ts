/**
 * Spreadsheet formula injection ("CSV injection") defence, after OWASP's advice: a text cell
 * that a spreadsheet could read as a formula gets a leading apostrophe, so Excel and
 * LibreOffice show it as text instead of evaluating it. Pure; the report writers apply it to
 * every string cell (typed numbers, dates and booleans are not text and are left alone).
 */

/**
 * First characters that make a spreadsheet treat a cell as a formula (or smuggle one in):
 * OWASP's six, plus the full-width forms of = + - @ that Apple Numbers normalises to ASCII
 * (the same list csv-stringify's `escape_formulas` uses).
 */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20']);

/**
 * Returns `s` with a leading `'` when its first character is `=`, `+`, `-`, `@`, a tab, a
 * carriage return or a full-width = + - @; otherwise returns `s` unchanged ('' included).
 */
export function neutraliseFormula(s: string): string {
  const first = s.charAt(0);
  return first !== '' && FORMULA_TRIGGERS.has(first) ? `'${s}` : s;
}

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
function isFormulaTrigger(code: number): boolean {
  switch (code) {
    case 0x3d: // =
    case 0x2b: // +
    case 0x2d: // -
    case 0x40: // @
    case 0x09: // tab
    case 0x0d: // carriage return
    case 0xff1d: // full-width =
    case 0xff0b: // full-width +
    case 0xff0d: // full-width -
    case 0xff20: // full-width @
      return true;
    default:
      return false;
  }
}

/**
 * Returns `s` with a leading `'` when its first character is `=`, `+`, `-`, `@`, a tab, a
 * carriage return or a full-width = + - @; otherwise returns `s` unchanged ('' included).
 * Called for every text cell written (over 100 million at national size): a switch on the
 * first code unit, no Set lookup of a one-character string.
 */
export function neutraliseFormula(s: string): string {
  return s.length > 0 && isFormulaTrigger(s.charCodeAt(0)) ? `'${s}` : s;
}

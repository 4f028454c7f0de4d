/**
 * ESR Employee Numbers to their 8-digit form (formats.md "ESR extract"). Excel turns them into
 * numbers, dropping leading zeros and sometimes writing `12345678.0` or `1.2345678E+7`; AD and
 * NHSmail copies may carry the assignment suffix (`12345678-2`).
 */

/** ESR Employee Numbers are 8 digits. */
const WIDTH = 8;

/** Exact expansion of Excel's scientific form, or undefined when it needs a fraction or lost digits. */
function expandScientific(mantissaInt: string, mantissaFrac: string, exponent: number): string | undefined {
  const digits = mantissaInt + mantissaFrac;
  const intLength = mantissaInt.length + exponent;
  if (intLength < digits.length) {
    // Digits after the point must all be zeros, or this was never an integer.
    return /^0*$/.test(digits.slice(intLength)) ? digits.slice(0, Math.max(intLength, 0)) : undefined;
  }
  // "1.23E+7" may be 12300000 or 12345678 shown to 3 figures: a wrong number would link two
  // people on a 5-point anchor, so a mantissa that does not carry every digit is rejected.
  return digits.length === intLength ? digits : undefined;
}

/**
 * Digits only, zero-padded to 8. undefined when empty, all zeros, over 8 significant digits,
 * or holding anything but the forms above (letters, several numbers, negative numbers).
 */
export function normaliseEmployeeNumber(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  // Spaces inside (`0012 3456`) come from formatted cells; NBSP and zero-width ones from the web.
  let s = raw.replace(/[\s\u00a0\u200b-\u200d\ufeff]+/g, '');
  if (s.startsWith("'")) s = s.slice(1); // Excel's "keep as text" marker
  const formula = /^="(.*)"$/.exec(s); // ="00123456", how CSV writers keep leading zeros
  if (formula) s = formula[1]!;
  let digits: string | undefined;
  let m: RegExpExecArray | null;
  if (/^\d+$/.test(s)) digits = s;
  else if ((m = /^(\d+)\.0*$/.exec(s))) digits = m[1];
  else if ((m = /^(\d+)-\d{1,3}$/.exec(s))) digits = m[1]; // assignment number → person
  else if ((m = /^(\d+)(?:\.(\d*))?e\+?(\d{1,3})$/i.exec(s))) digits = expandScientific(m[1]!, m[2] ?? '', Number(m[3]));
  if (digits === undefined) return undefined;
  const significant = digits.replace(/^0+/, '');
  if (significant === '' || significant.length > WIDTH) return undefined;
  return significant.padStart(WIDTH, '0');
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutraliseFormula } from '../../src/core/safe-cell.js';

describe('neutraliseFormula', () => {
  it.each(['=SUM(A1:A2)', '+1', '-1+2', '@cmd', '\tx', '\rx', '\uFF1D1+1', '\uFF0B1', '\uFF0D1', '\uFF20x'])(
    'prefixes an apostrophe to %j',
    (s) => {
      expect(neutraliseFormula(s)).toBe(`'${s}`);
    },
  );

  it.each(['', 'Ann', '07911 123456', " 'quoted", 'a=b', '1-2', 'é'])('leaves %j alone', (s) => {
    expect(neutraliseFormula(s)).toBe(s);
  });

  it('never changes anything but the first character position, and is safe to read back', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = neutraliseFormula(s);
        expect(out === s || out === `'${s}`).toBe(true);
        expect(/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(out)).toBe(false);
        // Prefixed exactly when the first character is a trigger.
        expect(out !== s).toBe(/^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(s));
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normaliseEmail, splitEmailList, type EmailInfo } from '../../src/core/normalise-email.js';

const nhs = (value: string, domain = 'nhs.net'): EmailInfo => ({ value, valid: true, nhsNet: true, domain });
const other = (value: string, domain: string): EmailInfo => ({ value, valid: true, nhsNet: false, domain });

describe('normaliseEmail: wrappers come off, case goes', () => {
  it.each([
    ['john.smith@nhs.net', nhs('john.smith@nhs.net')],
    ['John.Smith@NHS.NET', nhs('john.smith@nhs.net')],
    ['  john.smith@nhs.net  ', nhs('john.smith@nhs.net')],
    ['mailto:john.smith@nhs.net', nhs('john.smith@nhs.net')],
    ['MAILTO:John.Smith@nhs.net', nhs('john.smith@nhs.net')],
    ['mailto:john.smith@nhs.net?subject=Hello', nhs('john.smith@nhs.net')],
    ['<john.smith@nhs.net>', nhs('john.smith@nhs.net')],
    ['John Smith <john.smith@nhs.net>', nhs('john.smith@nhs.net')],
    ['"Smith, John" <John.Smith@nhs.net>', nhs('john.smith@nhs.net')],
    ['"john.smith@nhs.net"', nhs('john.smith@nhs.net')],
    ["'john.smith@nhs.net'", nhs('john.smith@nhs.net')],
    ['“john.smith@nhs.net”', nhs('john.smith@nhs.net')],
    ['john.smith@nhs.net.', nhs('john.smith@nhs.net')],
    ['john.smith@nhs.net..', nhs('john.smith@nhs.net')],
    ['SMTP:john.smith@nhs.net', nhs('john.smith@nhs.net')],
    ['john.smith\u200b@nhs.net', nhs('john.smith@nhs.net')], // zero-width space from a web form
    ['\ufeffjohn.smith@nhs.net', nhs('john.smith@nhs.net')], // BOM left on the first cell
    ["o'brien@nhs.net", nhs("o'brien@nhs.net")],
    ['a.b+tag@nhs.net', nhs('a.b+tag@nhs.net')],
  ])('%j', (raw, want) => {
    expect(normaliseEmail(raw)).toEqual(want);
  });
});

describe('normaliseEmail: nhsNet', () => {
  it.each([
    ['x@nhs.net', ['nhs.net'], true],
    ['x@trust.nhs.net', ['nhs.net'], true], // NHSmail sub-domain branding
    ['x@a.b.nhs.net', ['nhs.net'], true],
    ['x@notnhs.net', ['nhs.net'], false], // suffix, not a sub-domain
    ['x@nhs.net.evil.com', ['nhs.net'], false],
    ['x@nhs.uk', ['nhs.net'], false],
    ['x@trust.nhs.uk', ['nhs.net', 'trust.nhs.uk'], true], // configured extra domain
    ['x@trust.nhs.uk', ['NHS.net', '@Trust.NHS.uk '], true], // config written loosely
    ['x@gmail.com', ['nhs.net'], false],
    ['not-an-email@', ['nhs.net'], false],
  ] as const)('%j with %j → %s', (raw, domains, want) => {
    expect(normaliseEmail(raw, domains)?.nhsNet).toBe(want);
  });

  it('defaults to nhs.net', () => {
    expect(normaliseEmail('x@nhs.net')?.nhsNet).toBe(true);
    expect(normaliseEmail('x@hee.nhs.uk')?.nhsNet).toBe(false);
  });

  it('an invalid address is never nhsNet', () => {
    expect(normaliseEmail('a b@nhs.net')).toEqual({ value: 'a b@nhs.net', valid: false, nhsNet: false, domain: 'nhs.net' });
  });
});

describe('normaliseEmail: validity is a flag on a kept value', () => {
  it.each([
    ['john.smith', ''],
    ['john.smith@', ''],
    ['@nhs.net', 'nhs.net'],
    ['john smith@nhs.net', 'nhs.net'],
    ['john..smith@nhs.net', 'nhs.net'],
    ['.john@nhs.net', 'nhs.net'],
    ['john@nhs', 'nhs'],
    ['john@nhs..net', 'nhs..net'],
    ['john@-nhs.net', '-nhs.net'],
    ['john@nhs.n', 'nhs.n'],
    ['a@b@nhs.net', 'nhs.net'],
    [`${'a'.repeat(65)}@nhs.net`, 'nhs.net'], // local part over 64
  ])('%j → valid false, domain %j', (raw, domain) => {
    const e = normaliseEmail(raw);
    expect(e?.valid).toBe(false);
    expect(e?.domain).toBe(domain);
  });

  it.each([['x@hee.nhs.uk'], ['x@sub.domain.co.uk'], ['x@corp.local'], ['x@xn--80ak6aa92e.com'], ['first_last-1@nhs.net']])('%j is valid', (raw) => {
    expect(normaliseEmail(raw)?.valid).toBe(true);
  });

  it.each([[undefined], [''], ['   '], ['""'], ['<>'], ['mailto:']])('%j → undefined', (raw) => {
    expect(normaliseEmail(raw)).toBeUndefined();
  });
});

describe('splitEmailList', () => {
  it.each([
    ['a@nhs.net;b@nhs.net', ['a@nhs.net', 'b@nhs.net']],
    ['a@nhs.net; b@nhs.net', ['a@nhs.net', 'b@nhs.net']],
    ['a@nhs.net,b@nhs.net', ['a@nhs.net', 'b@nhs.net']],
    ['a@nhs.net|b@nhs.net', ['a@nhs.net', 'b@nhs.net']],
    ['a@nhs.net b@nhs.net\nc@nhs.net', ['a@nhs.net', 'b@nhs.net', 'c@nhs.net']],
    ['SMTP:A@nhs.net smtp:b@nhs.net', ['a@nhs.net', 'b@nhs.net']], // proxyAddresses
    ['smtp:b@nhs.net;SMTP:a@nhs.net', ['b@nhs.net', 'a@nhs.net']], // order kept
    ['a@nhs.net;A@NHS.NET;smtp:a@nhs.net', ['a@nhs.net']], // de-duplicated after normalising
    ['SMTP:a@nhs.net;SIP:a@nhs.net;X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=abc', ['a@nhs.net']],
    ['x400:c=GB;a= ;p=NHS;o=Exchange;s=Smith;g=John;;smtp:j@nhs.net', ['j@nhs.net']],
    ['"Smith, John" <j.smith@nhs.net>; Jane Doe <jane@nhs.net>', ['j.smith@nhs.net', 'jane@nhs.net']],
    ['mailto:a@nhs.net, (b@nhs.net)', ['a@nhs.net', 'b@nhs.net']],
    [';; ,a@nhs.net,, ', ['a@nhs.net']],
  ])('%j', (raw, want) => {
    expect(splitEmailList(raw).map((e) => e.value)).toEqual(want);
  });

  it('keeps invalid pieces that hold an @, flagged', () => {
    expect(splitEmailList('a@nhs.net; b@@nhs; c@x')).toEqual([nhs('a@nhs.net'), { value: 'b@@nhs', valid: false, nhsNet: false, domain: 'nhs' }, { value: 'c@x', valid: false, nhsNet: false, domain: 'x' }]);
  });

  it('applies nhsDomains', () => {
    expect(splitEmailList('a@trust.nhs.uk;b@gmail.com', ['trust.nhs.uk'])).toEqual([nhs('a@trust.nhs.uk', 'trust.nhs.uk'), other('b@gmail.com', 'gmail.com')]);
  });

  it.each([[undefined], [''], ['  ;  '], ['no addresses here']])('%j → []', (raw) => {
    expect(splitEmailList(raw)).toEqual([]);
  });

  it('each listed address normalises as it would alone', () => {
    const address = fc.tuple(fc.stringMatching(/^[A-Za-z0-9]{1,8}(\.[A-Za-z0-9]{1,8})?$/), fc.constantFrom('nhs.net', 'Trust.NHS.net', 'gmail.com')).map(([l, d]) => `${l}@${d}`);
    const sep = fc.constantFrom(';', ', ', ' ', '|', '; SMTP:', ' smtp:');
    fc.assert(
      fc.property(fc.array(address, { minLength: 1, maxLength: 5 }), sep, (xs, s) => {
        const want = [...new Map(xs.map((x) => [x.toLowerCase(), normaliseEmail(x)!])).values()];
        expect(splitEmailList(xs.join(s))).toEqual(want);
      }),
    );
  });
});

describe('normaliseEmail: plain addresses', () => {
  it('takes a plain lower-case cell as it is, as the full unwrapping would (property)', () => {
    // Cells of the characters the plain form allows, '@'s and dots anywhere (valid or not): the
    // same cell with a space round it takes the full path, which trims the space off.
    const cell = fc.stringMatching(/^[a-z0-9._%+@-]{1,24}$/);
    fc.assert(
      fc.property(cell, (s) => {
        expect(normaliseEmail(s)).toEqual(normaliseEmail(` ${s} `));
      }),
      { numRuns: 5000 },
    );
  });

  it('still unwraps what is not plain', () => {
    expect(normaliseEmail('john.smith@nhs.net.')?.value).toBe('john.smith@nhs.net');
    expect(normaliseEmail('John.Smith@NHS.net')?.value).toBe('john.smith@nhs.net');
    expect(normaliseEmail('<john.smith@nhs.net>')?.value).toBe('john.smith@nhs.net');
    expect(normaliseEmail('john.smith@nhs.net')).toEqual(nhs('john.smith@nhs.net'));
  });
});

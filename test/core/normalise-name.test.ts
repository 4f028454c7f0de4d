import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compactNameKey, nameKey, splitDisplayName, tidyName } from '../../src/core/normalise-name.js';

describe('nameKey', () => {
  it.each([
    ['Smith', 'smith'],
    ['  SMITH  ', 'smith'],
    ['Łukasz', 'lukasz'],
    ['łukasz', 'lukasz'],
    ['Zoë', 'zoe'],
    ['José', 'jose'],
    ['Siân', 'sian'],
    ['Søren', 'soren'],
    ['Øyvind', 'oyvind'],
    ['Strauß', 'strauss'],
    ['Ærøskøbing', 'aeroskobing'],
    ['Œuvre', 'oeuvre'],
    ['Đorđe', 'dorde'],
    ['Þór', 'thor'],
    ['Ａｎｎａ', 'anna'], // full-width, NFKD folds it
    ['O’Brien', 'obrien'],
    ["O'Brien", 'obrien'],
    ['O‘Brien', 'obrien'],
    ['O`Brien', 'obrien'],
    ['O´Brien', 'obrien'],
    ['Smith-Jones', 'smith jones'],
    ['Smith – Jones', 'smith jones'],
    ['Smith_Jones', 'smith jones'],
    ['St. John', 'st john'],
    ['Mary  Jane', 'mary jane'],
    ['Dr Smith', 'smith'],
    ['Dr. Smith', 'smith'],
    ['DR. JOHN SMITH', 'john smith'],
    ['Mr John', 'john'],
    ['Mrs Jones', 'jones'],
    ['Ms Jones', 'jones'],
    ['Miss Jones', 'jones'],
    ['Mx Jones', 'jones'],
    ['Prof Jones', 'jones'],
    ['Professor Jones', 'jones'],
    ['Prof. Sir John Smith', 'john smith'],
    ['Dame Judi', 'judi'],
    ['Rev Jones', 'jones'],
    ['Revd. Jones', 'jones'],
    ['Smith Jr', 'smith'],
    ['Smith Jr.', 'smith'],
    ['Smith Sr', 'smith'],
    ['Smith II', 'smith'],
    ['Smith III', 'smith'],
    ['John Smith MBE', 'john smith'],
    ['John Smith FRCS', 'john smith'],
    ['Robert (Bob)', 'robert'],
    ['Dr', 'dr'], // a lone title is all there is: keep it
    ['Junior', 'junior'],
    ['Mr Junior', 'junior'],
    ['Drake', 'drake'], // a title only as a whole word
    ['Miss-Smith', 'smith'],
    ['Ma', 'ma'], // short post-nominal look-alikes are names
    ['John Senior', 'john senior'], // Senior and Junior are surnames too
  ])('%j → %j', (raw, want) => {
    expect(nameKey(raw)).toBe(want);
  });

  it.each([[undefined], [''], ['   '], ['-'], ["'"], ['()'], ['\u200b']])('%j → undefined', (raw) => {
    expect(nameKey(raw)).toBeUndefined();
  });
});

describe('compactNameKey', () => {
  it.each([
    ['Smith-Jones', 'smithjones'],
    ['Smith Jones', 'smithjones'],
    ['SmithJones', 'smithjones'],
    ['SMITH JONES', 'smithjones'],
    ['Dr. Mary-Jane O’Neill', 'maryjaneoneill'],
    ['Łukasz', 'lukasz'],
  ])('%j → %j', (raw, want) => {
    expect(compactNameKey(raw)).toBe(want);
  });

  it.each([[undefined], ['  ']])('%j → undefined', (raw) => {
    expect(compactNameKey(raw)).toBeUndefined();
  });

  it('variants of one double-barrelled name agree', () => {
    // Titles and suffixes are meant to go ("Dr-Aa" → "aa"), so keep them out of the generator.
    const affixes = new Set(
      ('dr doctor mr mrs ms miss mx prof professor sir dame rev revd reverend jr jnr junior sr snr senior ii iii iv ' +
        'phd dphil mbe obe cbe frcs frcp mrcp mrcs frcgp mrcgp frcpath frcr frcog mrcog frcpsych mrcpsych frca frcpch ' +
        'mrcpch mbbs mbchb bsc msc rgn rmn').split(' '),
    );
    const word = fc.stringMatching(/^[A-Z][a-z]{1,8}$/).filter((w) => !affixes.has(w.toLowerCase()));
    fc.assert(
      fc.property(word, word, fc.constantFrom('-', ' ', '', ' - ', '_', '.'), (a, b, sep) => {
        expect(compactNameKey(`${a}${sep}${b}`)).toBe(`${a}${b}`.toLowerCase());
        expect(compactNameKey(`${a}${sep}${b}`.toUpperCase())).toBe(`${a}${b}`.toLowerCase());
      }),
    );
  });

  it('is idempotent and never holds spaces, capitals or marks', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const k = compactNameKey(s);
        if (k === undefined) return;
        expect(k).not.toMatch(/[\s\p{Lu}\p{M}]/u);
        expect(compactNameKey(k)).toBe(k);
      }),
    );
  });
});

describe('splitDisplayName', () => {
  it.each([
    ['Smith, John', { first: 'John', last: 'Smith' }],
    ['SMITH, John', { first: 'John', last: 'SMITH' }],
    ['Smith, John Paul', { first: 'John', last: 'Smith' }],
    ['Smith,John', { first: 'John', last: 'Smith' }],
    ['Smith, Dr John', { first: 'John', last: 'Smith' }],
    ['Smith-Jones, Mary', { first: 'Mary', last: 'Smith-Jones' }],
    ["O'Brien, Siobhán", { first: 'Siobhán', last: "O'Brien" }],
    ['Smith, John (Nurse)', { first: 'John', last: 'Smith' }],
    ['SMITH, John (NHS ENGLAND - X24)', { first: 'John', last: 'SMITH' }],
    ['Dr John Smith', { first: 'John', last: 'Smith' }],
    ['Dr. John Smith', { first: 'John', last: 'Smith' }],
    ['Prof Sir John Smith MBE', { first: 'John', last: 'Smith' }],
    ['John Smith', { first: 'John', last: 'Smith' }],
    ['John Paul Smith', { first: 'John', last: 'Smith' }],
    ['John SMITH (Nurse)', { first: 'John', last: 'SMITH' }],
    ['John SMITH-JONES', { first: 'John', last: 'SMITH-JONES' }],
    ['Mary Ann SMITH JONES', { first: 'Mary', last: 'SMITH JONES' }],
    ['SMITH John', { first: 'John', last: 'SMITH' }],
    ['SMITH JONES Mary Ann', { first: 'Mary', last: 'SMITH JONES' }],
    ['JOHN SMITH', { first: 'JOHN', last: 'SMITH' }], // all capitals: no convention to read
    ['John A SMITH', { first: 'John', last: 'SMITH' }], // an initial is not a capitalised word
    ['Ludwig van Beethoven', { first: 'Ludwig', last: 'van Beethoven' }],
    ['Rosa de la Cruz', { first: 'Rosa', last: 'de la Cruz' }],
    ['Ahmed Al Hassan', { first: 'Ahmed', last: 'Al Hassan' }],
    ['Łukasz  Nowak', { first: 'Łukasz', last: 'Nowak' }],
    ['John Smith Jr', { first: 'John', last: 'Smith' }],
    ['  John   Smith  ', { first: 'John', last: 'Smith' }],
    ['John [Locum] Smith', { first: 'John', last: 'Smith' }],
  ])('%j', (raw, want) => {
    expect(splitDisplayName(raw)).toEqual(want);
  });

  it.each([[undefined], [''], ['   '], ['Reception'], ['Smith Jr'], ['(Nurse)'], [',']])('%j → {} (cannot tell)', (raw) => {
    expect(splitDisplayName(raw)).toEqual({});
  });

  it('reads one word after a title as the surname', () => {
    expect(splitDisplayName('Dr Smith')).toEqual({ last: 'Smith' });
    expect(splitDisplayName('Prof. Sir Jones (Cardiology)')).toEqual({ last: 'Jones' });
  });

  it('keeps whichever side of a comma it can', () => {
    expect(splitDisplayName('Smith,')).toEqual({ last: 'Smith' });
    expect(splitDisplayName(', John')).toEqual({ first: 'John' });
  });
});

describe('tidyName', () => {
  it.each([
    ['  John  ', 'John'],
    ['Mary   Jane', 'Mary Jane'],
    ['Mary\tJane\n', 'Mary Jane'],
    ['Mary\u00a0Jane', 'Mary Jane'],
    ["O'Brien", "O'Brien"],
    ['SMITH', 'SMITH'],
    ['Jose\u0301', 'José'], // NFC: one code point, as other systems store it
    ['Jo\u200bhn', 'John'],
  ])('%j → %j', (raw, want) => {
    expect(tidyName(raw)).toBe(want);
  });

  it.each([[undefined], [''], ['  \t ']])('%j → undefined', (raw) => {
    expect(tidyName(raw)).toBeUndefined();
  });
});

/**
 * The fast splitter must read every file exactly as csv-parse alone does with read-csv's
 * options: same cells, same records, same error, whatever the chunking, quoting, line endings
 * or bytes. csv-parse (the sync API, on the raw bytes) is the reference throughout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordSplitter, SPLIT_MAX_RECORD_CHARS, splitRecords, type SplitState } from '../../src/io/csv-split.js';
import { CSV_MAX_RECORD_BYTES, csvRecords } from '../../src/io/read-csv.js';

interface Parsed {
  records: string[][];
  error?: string;
}

/** csv-parse alone, as read-csv used it before the splitter. */
function reference(input: string | Buffer, delimiter: string, fromLine: number, ending?: string): Parsed {
  const records: string[][] = [];
  try {
    parse(input, {
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: CSV_MAX_RECORD_BYTES,
      from_line: fromLine,
      ...(ending === undefined ? {} : { record_delimiter: ending }),
      on_record: (r: string[]) => {
        records.push(r);
        return r;
      },
    });
    return { records };
  } catch (err) {
    return { records, error: (err as { code?: string }).code ?? 'unknown' };
  }
}

/** The splitter over `text` cut at `cuts`, handing over to csv-parse where it declines. */
function viaSplitter(text: string, delimiter: string, skipFirstLine: boolean, cuts: number[]): Parsed & { declined: boolean } {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const p of points) {
    pieces.push(text.slice(from, p));
    from = p;
  }
  pieces.push(text.slice(from));
  const splitter = new RecordSplitter(delimiter, skipFirstLine);
  const records: string[][] = [];
  const breaks: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const declined = splitter.push(pieces[i]!, i === pieces.length - 1, records, breaks);
    // The line breaks it reports are those inside each record's cells.
    expect(breaks).toEqual(records.map((r) => r.reduce((k, c) => k + (c.match(/\r\n|\r|\n/g)?.length ?? 0), 0)));
    if (declined) {
      const rest = reference(declined.rest + pieces.slice(i + 1).join(''), delimiter, declined.skipFirstLine ? 2 : 1, declined.ending);
      return { records: [...records, ...rest.records], error: rest.error, declined: true };
    }
  }
  return { records, declined: false };
}

const ATOMS = ['a', 'b', 'é', 'Ω', ' ', '"', '""', '"x"', ',', ';', '\t', '\r', '\n', '\r\n', '\u0000', '#TYPE x'];
const messy = fc.array(fc.constantFrom(...ATOMS), { maxLength: 60 }).map((a) => a.join(''));

/** Well-formed CSV: quoted cells where needed, one line ending throughout. */
const clean = fc
  .record({
    ending: fc.constantFrom('\r\n', '\n', '\r'),
    rows: fc.array(fc.array(fc.array(fc.constantFrom('a', 'é', ' ', ',', '"', '\n', '\r\n', ''), { maxLength: 5 }).map((a) => a.join('')), { minLength: 1, maxLength: 4 }), { maxLength: 8 }),
    trailing: fc.boolean(),
  })
  .map(({ ending, rows, trailing }) =>
    rows
      .map((cells) => cells.map((c) => (/[",\r\n]/.test(c) || c === '' ? `"${c.replace(/"/g, '""')}"` : c)).join(','))
      .join(ending) + (trailing && rows.length > 0 ? ending : ''),
  );

describe('RecordSplitter against csv-parse', () => {
  it('gives the same records and errors for any text, delimiter, preamble and chunking', () => {
    fc.assert(
      fc.property(messy, fc.constantFrom(',', ';', '\t'), fc.boolean(), fc.array(fc.nat(), { maxLength: 6 }), (text, delimiter, preamble, cuts) => {
        const got = viaSplitter(text, delimiter, preamble, cuts);
        const want = reference(text, delimiter, preamble ? 2 : 1);
        expect(got.records).toEqual(want.records);
        expect(got.error).toBe(want.error);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads well-formed CSV itself, without handing any of it to csv-parse', () => {
    fc.assert(
      fc.property(clean, fc.array(fc.nat(), { maxLength: 6 }), (text, cuts) => {
        const got = viaSplitter(text, ',', false, cuts);
        expect(got.declined).toBe(false);
        expect(got.records).toEqual(reference(text, ',', 1).records);
      }),
      { numRuns: 2000 },
    );
  });

  it('declines at the record that holds a stray quote, keeping the records before it', () => {
    const out: string[][] = [];
    const state: SplitState = { ending: undefined };
    const text = 'a,b\nc,d"e\nf,g\n';
    const r = splitRecords(text, 0, ',', state, true, out, []);
    expect(out).toEqual([['a', 'b']]);
    expect(r).toEqual({ next: 4, declined: true });
    expect(state.ending).toBe('\n');
  });

  it('declines a line ending other than the first one met (csv-parse keeps that one)', () => {
    const out: string[][] = [];
    const r = splitRecords('a\r\nb\nc\r\n', 0, ',', { ending: undefined }, true, out, []);
    expect(out).toEqual([['a']]);
    expect(r.declined).toBe(true);
  });

  it('waits for more text mid-record, and declines a quote never closed at the end', () => {
    const splitter = new RecordSplitter(',', false);
    const out: string[][] = [];
    expect(splitter.push('a,b\n"c,', false, out, [])).toBeUndefined();
    expect(out).toEqual([['a', 'b']]);
    expect(splitter.push('d', true, out, [])).toEqual({ rest: '"c,d', ending: '\n', skipFirstLine: false });
  });

  it('hands a record longer than its limit to csv-parse instead of growing without bound', () => {
    const splitter = new RecordSplitter(',', false);
    const out: string[][] = [];
    const long = '"' + 'x'.repeat(SPLIT_MAX_RECORD_CHARS + 10);
    const declined = splitter.push('h\n' + long, false, out, []);
    expect(out).toEqual([['h']]);
    expect(declined?.rest.length).toBe(long.length);
  });
});

describe('csvRecords (file level) against csv-parse on the raw bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'idrecon-split-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;

  /** Start lines as read-csv counts them: 1 + the line breaks inside the records before. */
  function linesOf(records: readonly string[][]): number[] {
    let line = 1;
    return records.map((r) => {
      const at = line;
      line += 1 + r.reduce((k, c) => k + (c.match(/\r\n|\r|\n/g)?.length ?? 0), 0);
      return at;
    });
  }

  async function readAll(bytes: Buffer, encoding = 'utf-8'): Promise<Parsed & { lines: number[] }> {
    const file = join(dir, `f${n++}.csv`);
    writeFileSync(file, bytes);
    const records: string[][] = [];
    const lines: number[] = [];
    let error: string | undefined;
    for await (const batch of csvRecords(file, { encoding })) {
      if ('fail' in batch) error = batch.fail;
      else
        for (const r of batch) {
          records.push(r.cells);
          lines.push(r.line);
        }
    }
    return { records, lines, error };
  }

  // Bytes a UTF-8 export may hold, invalid sequences included (each becomes U+FFFD).
  const BYTES = ['a', ',', '"', '\n', '\r\n', 'é', 'Ł', '’', ' '].map((s) => Buffer.from(s, 'utf8'));
  BYTES.push(Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xe2, 0x82]));

  it('gives the same cells, line numbers and failures for any UTF-8 (or broken UTF-8) file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...BYTES), { minLength: 1, maxLength: 50 }), fc.boolean(), async (parts, bom) => {
        // Starts with a plain header so sniffing always picks UTF-8 and the comma.
        const bytes = Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from('h1,h2\n'), ...parts]);
        const got = await readAll(bytes);
        const want = reference(bytes, ',', 1);
        expect(got.records).toEqual(want.records);
        expect(got.error !== undefined).toBe(want.error !== undefined);
        expect(got.lines).toEqual(linesOf(want.records));
      }),
      { numRuns: 600 },
    );
  });

  it('reads UTF-16 and Windows-1252 files as csv-parse reads their decoded text', async () => {
    const atoms = ['a', ',', '"', '\n', '\r\n', 'é', '’', '–', ' ', 'x,y\n'];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...atoms), { minLength: 1, maxLength: 40 }), async (parts) => {
        const text = `h1,h2\n${parts.join('')}`;
        const want = reference(text, ',', 1);
        const utf16 = await readAll(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'utf-16le');
        expect(utf16.records).toEqual(want.records);
        expect(utf16.error !== undefined).toBe(want.error !== undefined);
        // Windows-1252 puts ’ at 0x92 and – at 0x96 (the C1 range of Latin-1).
        const cp1252 = Buffer.from(text.replace(/’/g, '\u0092').replace(/–/g, '\u0096'), 'latin1');
        const ansi = await readAll(cp1252, 'windows-1252');
        expect(ansi.records).toEqual(want.records);
        expect(ansi.lines).toEqual(utf16.lines);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a UTF-16 file larger than one read chunk, with wide characters on some lines', async () => {
    const rows: string[] = ['id,name'];
    for (let i = 0; i < 50_000; i++) rows.push(`${i},${i % 13 === 0 ? '"O’Brien, Łukasz"' : 'Smith'}`);
    const text = rows.join('\r\n') + '\r\n';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(bytes.length).toBeGreaterThan(1024 * 1024);
    const got = await readAll(bytes, 'utf-16le');
    expect(got.error).toBeUndefined();
    expect(got.records).toEqual(reference(text, ',', 1).records);
  });

  it('reads a file larger than one read chunk the same way, across the chunk boundaries', async () => {
    const rows: string[] = ['id,name,note'];
    for (let i = 0; i < 80_000; i++) rows.push(`${i},"Smith, J${i % 7 === 0 ? '""' : ''}",${i % 11 === 0 ? '"two\r\nlines"' : 'é'}`);
    const bytes = Buffer.from(rows.join('\r\n') + '\r\n', 'utf8');
    expect(bytes.length).toBeGreaterThan(1024 * 1024);
    const got = await readAll(bytes);
    expect(got.error).toBeUndefined();
    const want = reference(bytes, ',', 1).records;
    expect(got.records).toEqual(want);
    expect(got.lines).toEqual(linesOf(want));
    expect(got.lines.at(-1)).toBe(80_001 + Math.ceil(79_999 / 11));
  });
});

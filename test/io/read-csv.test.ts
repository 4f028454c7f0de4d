import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { chunkDecoder, DECODE_PIECE_BYTES, detectDelimiter, detectEncoding, looksBinary, openCsv, READ_CHUNK_BYTES } from '../../src/io/read-csv.js';
import { openTable } from '../../src/io/open-table.js';
import type { RawRow, RejectedRaw, Table } from '../../src/io/table.js';
import { tempDir } from '../helpers/run-cli.js';

const dir = tempDir('idrecon-csv-');
let n = 0;
function fixture(content: string | Buffer, name = `f${n++}.csv`): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

async function all(t: Table): Promise<Array<RawRow | RejectedRaw>> {
  const out: Array<RawRow | RejectedRaw> = [];
  for await (const r of t.rows()) out.push(r);
  return out;
}

const utf16le = (s: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);

/** Windows-1252 bytes for a string of Latin-1 plus the curly apostrophe. */
function cp1252(s: string): Buffer {
  return Buffer.from([...s].map((ch) => (ch === '’' ? 0x92 : ch.charCodeAt(0))));
}

describe('chunkDecoder', () => {
  // Bytes of UTF-8 characters, byte order marks, surrogates and overlong forms, so that cut
  // and invalid sequences come up often.
  const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0xc3, 0xa9, 0xe2, 0x80, 0x99, 0xf0, 0x9f, 0x98, 0xef, 0xbb, 0xbf, 0xed, 0xa0, 0xc0, 0xf4, 0x90));

  it.each(['utf-8', 'utf-16le', 'windows-1252'])('gives what TextDecoder gives for the whole, wherever the bytes are cut (%s)', (label) => {
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 6 }), (bytes, cuts) => {
        const all = Uint8Array.from(bytes);
        const at = [...new Set(cuts.map((c) => Math.min(c, all.length)))].sort((a, b) => a - b);
        const d = chunkDecoder(label);
        let text = '';
        let from = 0;
        for (const to of [...at, all.length]) {
          text += d.write(all.subarray(from, to));
          from = to;
        }
        text += d.end();
        // The reference in stream mode too: Node 20's one-call decode reads windows-1252 as
        // Latin-1 (0x82 gives U+0082, not ‚).
        const whole = new TextDecoder(label);
        expect(text).toBe(whole.decode(all, { stream: true }) + whole.decode());
      }),
      { numRuns: 3000 },
    );
  });

  it('drops a byte order mark at the start only, even when it is cut', () => {
    const d = chunkDecoder('utf-8');
    expect(d.write(Uint8Array.from([0xef, 0xbb]))).toBe('');
    expect(d.write(Uint8Array.from([0xbf, 0x41, 0xef, 0xbb, 0xbf]))).toBe('A\uFEFF');
    expect(d.end()).toBe('');
  });
});

describe('encoding detection', () => {
  it('tells BOMs, UTF-16 without BOM, UTF-8 and Windows-1252 apart', () => {
    expect(detectEncoding(Buffer.from('\uFEFFa,b', 'utf8'))).toBe('utf-8-bom');
    expect(detectEncoding(utf16le('a,b\r\n'))).toBe('utf-16le');
    expect(detectEncoding(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('a', 'utf16le').swap16()]))).toBe('utf-16be');
    expect(detectEncoding(Buffer.from('Name,Mail\r\nAnn,a@b\r\n', 'utf16le'))).toBe('utf-16le');
    expect(detectEncoding(Buffer.from('Zoë,£5', 'utf8'))).toBe('utf-8');
    expect(detectEncoding(cp1252('Zoë,£5'))).toBe('windows-1252');
  });

  it('does not call a UTF-8 character cut at the sample edge invalid', () => {
    const b = Buffer.from('ab£', 'utf8');
    expect(detectEncoding(b.subarray(0, b.length - 1))).toBe('utf-8');
  });

  it('counts delimiters outside quotes only', () => {
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('"a;b;c;d",e,f')).toBe(',');
    expect(detectDelimiter('single')).toBe(',');
  });

  it('a stray NUL is not binary; many control bytes are', () => {
    expect(looksBinary(Buffer.from('a,b\n1,\u00002\n'))).toBe(false);
    const bin = Buffer.alloc(4096);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 131) % 256;
    expect(looksBinary(bin)).toBe(true);
  });
});

describe('openCsv', () => {
  it('reads UTF-8 without BOM', async () => {
    const t = await openCsv(fixture('Name,Town\nZoë,Łódź\n'));
    expect(t.info).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ',', headers: ['Name', 'Town'], headerLine: 1, skippedPreamble: 0 });
    expect(await all(t)).toEqual([{ line: 2, values: ['Zoë', 'Łódź'] }]);
  });

  it('reads UTF-8 with BOM and trims header cells', async () => {
    const t = await openCsv(fixture('\uFEFF Name , Town\r\nZoë,Łódź\r\n'));
    expect(t.info.encoding).toBe('utf-8-bom');
    expect(t.info.headers).toEqual(['Name', 'Town']);
    expect(await all(t)).toEqual([{ line: 2, values: ['Zoë', 'Łódź'] }]);
  });

  it('reads UTF-16 LE with BOM and a #TYPE line, as PowerShell Export-Csv writes', async () => {
    const ps = '#TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser\r\n"SamAccountName","GivenName","Surname"\r\n"zoe.o","Zoë","O’Brien"\r\n';
    const t = await openCsv(fixture(utf16le(ps)));
    expect(t.info).toMatchObject({ encoding: 'utf-16le', headers: ['SamAccountName', 'GivenName', 'Surname'], headerLine: 2, skippedPreamble: 1 });
    expect(await all(t)).toEqual([{ line: 3, values: ['zoe.o', 'Zoë', 'O’Brien'] }]);
  });

  it('reads UTF-16 LE without BOM', async () => {
    const t = await openCsv(fixture(Buffer.from('a,b\r\nZoë,2\r\n', 'utf16le')));
    expect(t.info.encoding).toBe('utf-16le');
    expect(await all(t)).toEqual([{ line: 2, values: ['Zoë', '2'] }]);
  });

  it('reads Windows-1252 (Excel "CSV") with £, é and ’', async () => {
    const t = await openCsv(fixture(cp1252('Name,Note\r\nRené O’Neil,£10\r\n')));
    expect(t.info.encoding).toBe('windows-1252');
    expect(await all(t)).toEqual([{ line: 2, values: ['René O’Neil', '£10'] }]);
  });

  it('honours a forced encoding', async () => {
    const t = await openCsv(fixture(cp1252('a\r\n£\r\n')), { encoding: 'cp1252' });
    expect(t.info.encoding).toBe('windows-1252');
    expect(await all(t)).toEqual([{ line: 2, values: ['£'] }]);
  });

  it.each([
    [',', 'a,b\n1,2\n'],
    [';', 'a;b\n1;2\n'],
    ['\t', 'a\tb\n1\t2\n'],
  ])('detects the %j delimiter', async (d, text) => {
    const t = await openCsv(fixture(text));
    expect(t.info.delimiter).toBe(d);
    expect(await all(t)).toEqual([{ line: 2, values: ['1', '2'] }]);
  });

  it('gives the physical start line of records with quoted newlines (LF, CRLF and CR)', async () => {
    for (const nl of ['\n', '\r\n', '\r']) {
      const text = ['a,b', '1,"x', 'y"', '', '2,"p', 'q', 'r"', '3,4', ''].join(nl);
      const t = await openCsv(fixture(text));
      expect(await all(t)).toEqual([
        { line: 2, values: ['1', `x${nl}y`] },
        { line: 5, values: ['2', `p${nl}q${nl}r`] },
        { line: 8, values: ['3', '4'] },
      ]);
    }
  });

  it('skips blank lines and all-blank rows, counting them nowhere', async () => {
    const t = await openCsv(fixture('\n\na,b\n\n1,2\n,\n  ,  \n3,4\n'));
    expect(t.info.headerLine).toBe(3);
    expect(await all(t)).toEqual([
      { line: 5, values: ['1', '2'] },
      { line: 8, values: ['3', '4'] },
    ]);
  });

  it('rejects ragged rows with their line and carries on; blank extra cells are dropped', async () => {
    const t = await openCsv(fixture('a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12,,\n13,14,15\n'));
    expect(await all(t)).toEqual([
      { line: 2, values: ['1', '2', '3'] },
      { line: 3, reason: 'row has 2 cells but the header has 3' },
      { line: 4, reason: 'row has 4 cells but the header has 3' },
      { line: 5, values: ['10', '11', '12'] },
      { line: 6, values: ['13', '14', '15'] },
    ]);
  });

  it('reads a stray quote inside a cell literally', async () => {
    const t = await openCsv(fixture('a,b\n1,O"Brien\n2,"x"y\n'));
    expect(await all(t)).toEqual([
      { line: 2, values: ['1', 'O"Brien'] },
      { line: 3, values: ['2', '"x"y'] },
    ]);
  });

  it('an unclosed quote yields one reject for the rest of the file', async () => {
    const t = await openCsv(fixture('a,b\n1,2\n3,"unclosed\n4,5\n6,7\n'));
    const rows = await all(t);
    expect(rows[0]).toEqual({ line: 2, values: ['1', '2'] });
    expect(rows[1]).toMatchObject({ line: 3 });
    expect((rows[1] as RejectedRaw).reason).toMatch(/never closed/);
    expect(rows).toHaveLength(2);
  });

  it('rejects a row holding a NUL byte and never echoes its content', async () => {
    const t = await openCsv(fixture('a,b\n1,se\u0000cret\n3,4\n'));
    const rows = await all(t);
    expect(rows).toEqual([
      { line: 2, reason: expect.stringMatching(/NUL/) as unknown as string },
      { line: 3, values: ['3', '4'] },
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/secret|se\\u0000cret/);
  });

  it.each([
    ['UTF-8', (s: string): Buffer => Buffer.from(s, 'utf8')],
    ['UTF-16LE', utf16le],
  ])('rejects NUL rows met only after many read chunks of clean rows (%s)', async (_, bytes) => {
    // Rows are looked at for NULs only once the text read so far holds one: the first NUL
    // falls in a later read chunk, the second in a row longer than a chunk, so split across two.
    const clean = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `${from + i},value-${from + i}`);
    const head = ['a,b', ...clean(0, 30_000)];
    const lines = [...head, '1,se\u0000cret', ...clean(30_000, 60_000), `2,${'x'.repeat(300_000)}\u0000`, ...clean(60_000, 60_010)];
    expect(bytes(`${head.join('\n')}\n`).length).toBeGreaterThan(READ_CHUNK_BYTES);
    expect(300_000).toBeGreaterThan(READ_CHUNK_BYTES);
    const rows = await all(await openCsv(fixture(bytes(`${lines.join('\n')}\n`))));
    const rejects = rows.filter((r): r is RejectedRaw => 'reason' in r);
    expect(rejects.map((r) => r.line)).toEqual([30_002, 60_003]);
    expect(rejects.every((r) => /NUL/.test(r.reason))).toBe(true);
    expect(rows).toHaveLength(60_012);
  });

  it('decodes a character split where a read chunk is cut into pieces', async () => {
    // Chunks are decoded DECODE_PIECE_BYTES at a time: with "é" (two bytes) from an odd offset
    // on, one is cut at every piece's end, and in the read chunk's end too.
    const header = 'a,bc\n';
    const cell = 'é'.repeat(READ_CHUNK_BYTES);
    const bytesBefore = Buffer.byteLength(`${header}1,`);
    expect(bytesBefore % 2).toBe(1);
    expect(DECODE_PIECE_BYTES % 2).toBe(0);
    const rows = (await all(await openCsv(fixture(`${header}1,${cell}\n2,ü\n`)))) as RawRow[];
    expect(rows).toHaveLength(2);
    expect(rows[0]?.values[1] === cell).toBe(true);
    expect(rows[1]).toEqual({ line: 3, values: ['2', 'ü'] });
  });

  it('reads a 1 MB cell', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const t = await openCsv(fixture(`a,b\n1,"${big}"\n2,3\n`));
    const rows = (await all(t)) as RawRow[];
    expect(rows[0]?.values[1]?.length).toBe(big.length);
    expect(rows[1]).toEqual({ line: 3, values: ['2', '3'] });
  });

  it('rejects the rest of the file after a record over 16 MiB', async () => {
    const huge = 'y'.repeat(17 * 1024 * 1024);
    const t = await openCsv(fixture(`a,b\n1,2\n3,"${huge}"\n4,5\n`));
    const rows = await all(t);
    expect(rows[0]).toEqual({ line: 2, values: ['1', '2'] });
    expect(rows[1]).toEqual({ line: 3, reason: expect.stringMatching(/larger than 16 MiB/) as unknown as string });
    expect(rows).toHaveLength(2);
  });

  it('skips a #TYPE line in UTF-8 too', async () => {
    const t = await openCsv(fixture('#TYPE Microsoft.ActiveDirectory.Management.ADUser\nName;Mail\nAnn;a@x\n'));
    expect(t.info).toMatchObject({ delimiter: ';', headerLine: 2, skippedPreamble: 1 });
    expect(await all(t)).toEqual([{ line: 3, values: ['Ann', 'a@x'] }]);
  });

  it('refuses a binary file', async () => {
    const bin = Buffer.alloc(8192);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 131 + 7) % 256;
    await expect(openCsv(fixture(bin, 'image.csv'))).rejects.toThrow(/does not look like a CSV or XLSX file \(binary content\)/);
  });

  it('reads a header-only file as zero rows', async () => {
    const t = await openCsv(fixture('a,b,c\r\n'));
    expect(t.info.headers).toEqual(['a', 'b', 'c']);
    expect(await all(t)).toEqual([]);
  });

  it('rows() can be read twice', async () => {
    const t = await openCsv(fixture('a\n1\n2\n'));
    expect(await all(t)).toEqual(await all(t));
  });

  it('batches() hands out every row once, in file order, in batches none of them empty', async () => {
    // 50,000 data rows (0.8 MB), a ragged one every 997th, then 1.5 MB of blank lines (longer
    // than a 1 MiB read), then one last row: several batches, and a read with nothing to hand out.
    const lines = ['id,name'];
    const expected: Array<RawRow | RejectedRaw> = [];
    for (let i = 0; i < 50_000; i++) {
      const line = lines.length + 1;
      if (i % 997 === 0) {
        lines.push(`${i}`);
        expected.push({ line, reason: 'row has 1 cells but the header has 2' });
      } else {
        lines.push(`${i},name ${i}`);
        expected.push({ line, values: [String(i), `name ${i}`] });
      }
    }
    for (let i = 0; i < 1_500_000; i++) lines.push('');
    expected.push({ line: lines.length + 1, values: ['last', 'row'] });
    lines.push('last,row');
    const t = await openCsv(fixture(`${lines.join('\n')}\n`));
    const sizes: number[] = [];
    const got: Array<RawRow | RejectedRaw> = [];
    for await (const batch of t.batches()) {
      sizes.push(batch.length);
      got.push(...batch);
    }
    expect(got).toEqual(expected);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.min(...sizes)).toBeGreaterThan(0);
  });
});

describe('openTable', () => {
  it('refuses an empty file', async () => {
    const file = fixture('');
    await expect(openTable(file)).rejects.toThrow(`${file} is empty (0 bytes); export the data again`);
  });

  it('refuses a missing file', async () => {
    const file = join(dir, 'missing.csv');
    await expect(openTable(file)).rejects.toThrow(`Cannot read ${file}: no such file; check the path and name.`);
  });

  it('refuses a file with blank lines only as having no header', async () => {
    await expect(openTable(fixture('\n\n\n'))).rejects.toThrow(/has no header row/);
  });

  it('refuses an OLE container (encrypted xlsx or legacy xls) whatever its extension', async () => {
    const file = fixture(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]), 'protected.csv');
    const err = await openTable(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/is password-protected or encrypted/);
    expect((err as Error).message).toMatch(/save an unprotected copy/);
  });

  it('treats a zip as XLSX whatever its extension', async () => {
    await expect(openTable(fixture('PK\u0003\u0004 not really a zip', 'x.csv'))).rejects.toThrow(/is not a valid \.xlsx workbook/);
  });

  it.skipIf(process.getuid?.() === 0)('says permission denied for an unreadable file', async () => {
    const { chmodSync } = await import('node:fs');
    const file = fixture('a\n1\n');
    chmodSync(file, 0o000);
    await expect(openTable(file)).rejects.toThrow(`Cannot read ${file}: permission denied.`);
  });
});

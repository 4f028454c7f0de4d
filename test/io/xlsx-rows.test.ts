/**
 * XLSX data rows written as XML directly (src/io/xlsx-rows.ts) against rows written through
 * exceljs's Row and Cell objects: every part of the two workbooks must be the same bytes, for
 * any cells the report writer is given (text with markup, control characters and formula
 * triggers, numbers, booleans, dates, empty cells), flagged rows, and sheets split into parts.
 */
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cell, ColumnKind, ReportOptions, SheetData, XlsxRowsVia } from '../../src/io/report.js';
import { writeReport } from '../../src/io/write-report.js';
import { columnLetters, directRows } from '../../src/io/xlsx-rows.js';
import { openZip } from '../../src/io/zip.js';
import { tempDir } from '../helpers/run-cli.js';

const AS_OF = new Date(Date.UTC(2026, 10, 1));

async function partText(file: string, path: string): Promise<string | undefined> {
  const zip = await openZip(file);
  try {
    const part = zip.part(path);
    if (part === undefined) return undefined;
    const chunks: Buffer[] = [];
    for await (const c of part) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    zip.close();
  }
}

/** Every part of the workbook that holds rows or styles, by path. */
async function parts(file: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const p of ['[Content_Types].xml', 'xl/workbook.xml', 'xl/styles.xml', 'docProps/core.xml']) out.set(p, (await partText(file, p))!);
  for (let n = 1; ; n++) {
    const text = await partText(file, `xl/worksheets/sheet${n}.xml`);
    if (text === undefined) break;
    out.set(`sheet${n}`, text);
  }
  return out;
}

async function workbook(sheets: SheetData[], via: XlsxRowsVia, maxRowsPerSheet?: number): Promise<string> {
  const dir = tempDir(`idrecon-xlsx-${via}-`);
  const opts: ReportOptions = { outDir: dir, formats: new Set(['xlsx']), workbook: 'w', sheets, asOf: AS_OF, inputs: [], xlsxRowsVia: via, ...(maxRowsPerSheet ? { maxRowsPerSheet } : {}) };
  await writeReport(opts);
  return join(dir, 'w.xlsx');
}

const NASTY = ['', ' ', 'a & b', '<tag>', '"quoted"', "it's", '=1+2', '+44 7911', '-5', '@x', '\tlead', 'ctl\u0001\u0008\u000b\u001f\u007f end', 'line\r\nbreak', 'ü€😀', '0123', 'TRUE', '2024-01-02', '2026-10-02T10:30:00Z', '1e5', ' 12 '];

const cell: fc.Arbitrary<Cell> = fc.oneof(
  fc.constantFrom<Cell>(...NASTY),
  fc.string(),
  // Any UTF-16 code units: surrogate pairs, and lone surrogates (written as U+FFFD).
  fc.string({ unit: 'binary' }),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom<Cell>(Number.NaN, Number.POSITIVE_INFINITY, -0, 0.1, 1e21),
  fc.boolean(),
  fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }).map((ms) => new Date(ms)),
  fc.integer({ min: 7000, max: 25000 }).map((d) => new Date(d * 86_400_000)),
  fc.constantFrom<Cell>(null, undefined),
);

const KINDS: ColumnKind[] = ['text', 'number', 'date', 'datetime', 'boolean'];

const sheetArb: fc.Arbitrary<SheetData> = fc
  .tuple(
    fc.string({ minLength: 1, maxLength: 12 }),
    fc.array(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 0, max: 9 }),
    fc.integer({ min: 0, max: 3 }),
  )
  .chain(([name, kinds, rows, flagEvery]) =>
    fc.array(fc.array(cell, { minLength: kinds.length, maxLength: kinds.length }), { minLength: rows, maxLength: rows }).map((data) => ({
      name,
      columns: kinds.map((kind, i) => ({ header: `C${i} ${kind}`, kind })),
      rows: () => data,
      ...(flagEvery > 0 ? { flagRow: (row: Cell[]) => data.indexOf(row) % (flagEvery + 1) === 0 } : {}),
    })),
  );

describe('XLSX rows written directly', () => {
  it('give the same bytes as rows written through exceljs, part by part (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(sheetArb, { minLength: 1, maxLength: 3 }), fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), async (sheets, maxRows) => {
        const direct = await parts(await workbook(sheets, 'direct', maxRows));
        const viaExcelJs = await parts(await workbook(sheets, 'exceljs', maxRows));
        expect([...direct.keys()]).toEqual([...viaExcelJs.keys()]);
        for (const [path, text] of viaExcelJs) expect(direct.get(path), path).toBe(text);
      }),
      { numRuns: 60 },
    );
  });

  it('are the same bytes for the report writer\'s own cases: flagged empty rows, an all-empty row, long text', async () => {
    const data: Cell[][] = [
      ['x'.repeat(40_000), 1, null, true, null],
      [null, null, null, null, null], // all empty, flagged: exceljs leaves the row out
      [undefined, undefined, undefined, undefined, undefined], // all empty, not flagged
      ['a', null, new Date(Date.UTC(2026, 0, 2)), false, '2026-10-02T10:30:00Z'],
      ['=cmd|x', '12', 'not a date', 'maybe', Date.UTC(2026, 9, 1, 9, 5)],
    ];
    const sheet: SheetData = {
      name: 'Review',
      columns: [{ header: 'Text' }, { header: 'N', kind: 'number' }, { header: 'D', kind: 'date' }, { header: 'B', kind: 'boolean' }, { header: 'T', kind: 'datetime' }],
      rows: () => data,
      flagRow: (row) => row === data[1] || row === data[3],
    };
    const direct = await parts(await workbook([sheet], 'direct'));
    const viaExcelJs = await parts(await workbook([sheet], 'exceljs'));
    for (const [path, text] of viaExcelJs) expect(direct.get(path), path).toBe(text);
    // Something was written: the long text (cut to Excel's limit) and the flagged row's fill.
    expect(direct.get('sheet1')).toContain('[cut to fit Excel: 40000 characters in all, see the CSV]');
    expect(direct.get('sheet1')).toMatch(/<row r="5"[^>]* s="\d+" customFormat="1"/);
    expect(direct.get('sheet1')).not.toMatch(/<row r="3"/);
  });

  it('are the same bytes for rows past the writer\'s 1 MiB buffer, and batches that fill it part way', async () => {
    // Escaped, a quote is six bytes (&quot;): eight such cells make a row of about 1.5 MB,
    // more than the whole buffer; the shorter rows fill it between the writer's flushes.
    const big = '"&<é'.repeat(8_000);
    const data: Cell[][] = [
      Array.from({ length: 8 }, () => big),
      ...Array.from({ length: 60 }, (_, r) => Array.from({ length: 8 }, (_, c) => (c === 0 ? r : `${'é&x'.repeat(2_000)} ${r}`))),
      Array.from({ length: 8 }, (_, c) => (c % 2 === 0 ? big : 'plain')),
    ];
    const sheet: SheetData = { name: 'Big', columns: Array.from({ length: 8 }, (_, c) => ({ header: `C${c}`, ...(c === 0 ? { kind: 'number' as const } : {}) })), rows: () => data };
    const direct = await parts(await workbook([sheet], 'direct'));
    const viaExcelJs = await parts(await workbook([sheet], 'exceljs'));
    for (const [path, text] of viaExcelJs) expect(direct.get(path), path).toBe(text);
    expect(direct.get('sheet1')!.length).toBeGreaterThan(3_000_000);
  });

  it('are used with the exceljs this project pins (else the comparison above compares exceljs with itself)', () => {
    const sink = new PassThrough();
    sink.resume();
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false });
    const ws = wb.addWorksheet('S');
    ws.addRow(['header']).commit();
    expect(directRows(wb, ws, [{}], { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } })).toBeDefined();
    // Before the header is committed the sheet data has not started: no direct rows.
    expect(directRows(wb, wb.addWorksheet('T'), [{}], { type: 'pattern', pattern: 'solid' })).toBeUndefined();
  });

  it('name columns as Excel does', () => {
    expect([1, 2, 26, 27, 52, 53, 702, 703, 16384].map(columnLetters)).toEqual(['A', 'B', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA', 'XFD']);
  });
});

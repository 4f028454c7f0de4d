import { PassThrough } from 'node:stream';
import { createWriteStream, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { Cell, OutputFormat, ReportOptions, SheetData } from '../../src/io/report.js';
import {
  CsvSheetWriter,
  XLSX_MAX_DATA_ROWS,
  csvValue,
  sheetPartName,
  sanitiseSheetName,
  splitNote,
  toDate,
  writeReport,
  xlsxValue,
  zipBacklog,
} from '../../src/io/write-report.js';
import { csvLine, csvLineMaxBytes, encodeCsvLine } from '../../src/io/write-exports.js';
import { tempDir } from '../helpers/run-cli.js';

const AS_OF = new Date(Date.UTC(2026, 10, 1));

const PEOPLE: SheetData = {
  name: 'People',
  csvName: 'people.csv',
  columns: [
    { header: 'Name' },
    { header: 'Employee Number' },
    { header: 'Mobile' },
    { header: 'Start', kind: 'date' },
    { header: 'Last Login', kind: 'datetime' },
    { header: 'Score', kind: 'number' },
    { header: 'Active', kind: 'boolean' },
  ],
  rows: () => [
    ['=HYPERLINK("http://evil","x")', '00123456', '07911123456', '2024-01-02', Date.UTC(2026, 9, 1, 9, 5), 6, true],
    ['@SUM(1)', '00000042', null, new Date(Date.UTC(2025, 1, 3)), '2026-10-02T10:30:00Z', '4', 'false'],
    ['Line\nbreak, "quoted"', undefined, '+447911123456', null, null, null, null],
  ],
  flagRow: (row: Cell[]) => row[5] === '4',
};

function options(outDir: string, extra: Partial<ReportOptions> = {}): ReportOptions {
  return { outDir, formats: new Set(['xlsx', 'csv']), workbook: 'reconciliation', sheets: [PEOPLE], asOf: AS_OF, inputs: [], ...extra };
}

async function readBack(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

describe('cell conversion', () => {
  it('reads dates from Date, ISO strings and epoch ms', () => {
    expect(toDate('2024-01-02')?.toISOString()).toBe('2024-01-02T00:00:00.000Z');
    expect(toDate('2024-01-02T10:30:00Z')?.toISOString()).toBe('2024-01-02T10:30:00.000Z');
    expect(toDate('2024-01-02 10:30')?.toISOString()).toBe('2024-01-02T10:30:00.000Z');
    expect(toDate(0)?.toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(toDate('02/01/2024')).toBeUndefined();
  });

  it('types XLSX cells by column kind and neutralises text', () => {
    expect(xlsxValue('0123', 'text')).toBe('0123');
    expect(xlsxValue('-1', 'text')).toBe("'-1");
    expect(xlsxValue('-1', 'number')).toBe(-1);
    expect(xlsxValue('=1', 'number')).toBe("'=1");
    expect(xlsxValue('TRUE', 'boolean')).toBe(true);
    expect(xlsxValue('', 'text')).toBeNull();
    expect(xlsxValue('not a date', 'date')).toBe('not a date');
  });

  it('writes CSV text with TRUE/FALSE, ISO dates and empty nulls', () => {
    expect(csvValue(true, 'text')).toBe('TRUE');
    expect(csvValue(new Date(Date.UTC(2024, 0, 2)), 'date')).toBe('2024-01-02');
    expect(csvValue(Date.UTC(2024, 0, 2, 3, 4, 5, 600), 'datetime')).toBe('2024-01-02T03:04:05Z');
    expect(csvValue(null, 'number')).toBe('');
    expect(csvValue('+44 7911', 'text')).toBe("'+44 7911");
  });

  it('makes legal sheet names and continuation names within 31 characters', () => {
    expect(sanitiseSheetName('ESR/NHSmail [x]: a*b?c\\d')).toBe('ESRNHSmail x abcd');
    expect(sanitiseSheetName('')).toBe('Sheet');
    expect(sheetPartName('People', 2)).toBe('People (2)');
    const long = 'A very long sheet name indeed that goes on';
    expect(sheetPartName(long, 1)).toHaveLength(31);
    expect(sheetPartName(long, 12)).toHaveLength(31);
    expect(sheetPartName(long, 12).endsWith(' (12)')).toBe(true);
    expect(XLSX_MAX_DATA_ROWS).toBe(1_048_575);
  });

  it('notes for the Summary sheet when, and across which worksheets, a sheet is split', () => {
    expect(splitNote('People', XLSX_MAX_DATA_ROWS)).toBe('');
    const note = splitNote('People', 2 * XLSX_MAX_DATA_ROWS + 1);
    expect(note).toContain('split across 3 worksheets ("People", "People (2)", "People (3)")');
    expect(note).toContain('1,048,575 data rows each');
    expect(splitNote('Review', 5, 2)).toContain('"Review (3)"');
  });
});

describe('writeReport', () => {
  it('writes a workbook with a bold, frozen, filtered header and typed cells', async () => {
    const out = join(tempDir('idrecon-report-'), 'nested', 'reports');
    const paths = await writeReport(options(out));
    expect(paths).toEqual([join(out, 'reconciliation.xlsx'), join(out, 'people.csv')]);
    const wb = await readBack(paths[0]!);
    expect(wb.creator).toBe('idrecon');
    expect(wb.created.toISOString()).toBe(AS_OF.toISOString());
    expect(wb.modified.toISOString()).toBe(AS_OF.toISOString());
    const ws = wb.getWorksheet('People')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBe('A1:G1');
    const header = ws.getRow(1);
    expect(header.values).toEqual([undefined, 'Name', 'Employee Number', 'Mobile', 'Start', 'Last Login', 'Score', 'Active']);
    expect(header.getCell(1).font?.bold).toBe(true);
    expect(ws.getColumn(2).width).toBeGreaterThanOrEqual('Employee Number'.length);

    const r2 = ws.getRow(2);
    expect(r2.getCell(1).value).toBe('\'=HYPERLINK("http://evil","x")');
    expect(r2.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(r2.getCell(2).value).toBe('00123456');
    expect(r2.getCell(4).value).toEqual(new Date(Date.UTC(2024, 0, 2)));
    expect(r2.getCell(4).numFmt).toBe('yyyy-mm-dd');
    expect(r2.getCell(5).value).toEqual(new Date(Date.UTC(2026, 9, 1, 9, 5)));
    expect(r2.getCell(5).numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(r2.getCell(6).value).toBe(6);
    expect(r2.getCell(7).value).toBe(true);

    const r3 = ws.getRow(3);
    expect(r3.getCell(1).value).toBe("'@SUM(1)");
    expect(r3.getCell(6).value).toBe(4);
    expect(r3.getCell(7).value).toBe(false);
    // flagRow: light red across the whole row, empty cells included
    expect((r3.getCell(1).fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb).toBe('FFFFC7CE');
    expect((r3.getCell(3).fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb).toBe('FFFFC7CE');
    expect((r2.getCell(1).fill as ExcelJS.FillPattern | undefined)?.pattern).not.toBe('solid');

    expect(ws.getRow(4).getCell(3).value).toBe("'+447911123456");
    expect(ws.rowCount).toBe(4);
  });

  it('writes CSV as UTF-8 with BOM and CRLF, neutralised, with TRUE/FALSE and ISO dates', async () => {
    const out = tempDir('idrecon-report-');
    await writeReport(options(out, { formats: new Set(['csv']) }));
    const bytes = readFileSync(join(out, 'people.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.startsWith('Name,Employee Number,Mobile,Start,Last Login,Score,Active\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    const records = parse(text, { relax_column_count: false }) as string[][];
    expect(records[1]).toEqual(['\'=HYPERLINK("http://evil","x")', '00123456', '07911123456', '2024-01-02', '2026-10-01T09:05:00Z', '6', 'TRUE']);
    expect(records[2]).toEqual(["'@SUM(1)", '00000042', '', '2025-02-03', '2026-10-02T10:30:00Z', '4', 'FALSE']);
    expect(records[3]).toEqual(['Line\nbreak, "quoted"', '', "'+447911123456", '', '', '', '']);
    expect(readdirSync(out)).toEqual(['people.csv']); // no xlsx asked for
  });

  it('keeps rows in order across its buffers: thousands of lines, and cells too long for one buffer', async () => {
    // A buffer holds 256 KiB: 100,000 'é's (up to 3 bytes a code unit when sized) never fit an
    // open one and go through the writer's other path, between lines that do.
    const long = (k: number): string => `${k}${'é'.repeat(100_000)}`;
    const rows: Cell[][] = [];
    for (let k = 0; k < 5000; k++) rows.push([k % 1000 === 7 ? long(k) : `row ${k}`, String(k)]);
    const sheet: SheetData = { name: 'Long', csvName: 'long.csv', columns: [{ header: 'Text' }, { header: 'N' }], rows: () => rows };
    for (const formats of [new Set<OutputFormat>(['csv']), new Set<OutputFormat>(['csv', 'xlsx'])]) {
      const out = tempDir('idrecon-report-');
      await writeReport(options(out, { sheets: [sheet], formats }));
      const text = readFileSync(join(out, 'long.csv'), 'utf8');
      expect(text).toBe(`\uFEFFText,N\r\n${rows.map((r) => `${r[0] as string},${r[1] as string}\r\n`).join('')}`);
    }
  });

  it('keeps lines in order when rows are added while earlier ones wait for a buffer (no flush between)', async () => {
    // writeCsv flushes whenever add says so; this caller does not. A line too long for a buffer
    // waits for the flush: a short line added after it must not go ahead of it, and a second
    // waiting line must not replace the first.
    const long = (k: number): string => `${k}${'é'.repeat(100_000)}`;
    const rows: Cell[][] = [['a'], [long(1)], ['b'], [long(2)], ['c'], ['d']];
    const sheet: SheetData = { name: 'Order', csvName: 'order.csv', columns: [{ header: 'Text' }], rows: () => rows };
    const file = join(tempDir('idrecon-report-'), 'order.csv');
    const csv = new CsvSheetWriter(sheet, createWriteStream(file));
    const due = rows.map((r) => csv.add(r));
    expect(due[1]).toBe(true); // the long line is waiting
    await csv.end();
    expect(readFileSync(file, 'utf8')).toBe(`\uFEFFText\r\n${rows.map((r) => `${r[0] as string}\r\n`).join('')}`);
  });

  it('splits a sheet past maxRowsPerSheet into "Name (2)", "Name (3)"', async () => {
    const out = tempDir('idrecon-report-');
    const sheet: SheetData = {
      name: 'Rows',
      columns: [{ header: 'n', kind: 'number' }],
      rows: async function* () {
        for (let i = 1; i <= 7; i++) yield [i];
      },
    };
    const [file] = await writeReport(options(out, { sheets: [sheet], formats: new Set(['xlsx']), maxRowsPerSheet: 3 }));
    const wb = await readBack(file!);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Rows', 'Rows (2)', 'Rows (3)']);
    const values = wb.worksheets.map((w) => w.getSheetValues().slice(1).map((r) => (r as Cell[])[1]));
    expect(values).toEqual([
      ['n', 1, 2, 3],
      ['n', 4, 5, 6],
      ['n', 7],
    ]);
    for (const w of wb.worksheets) expect(w.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });

  it('writes an empty sheet as its header row', async () => {
    const out = tempDir('idrecon-report-');
    const [file] = await writeReport(options(out, { sheets: [{ name: 'Empty', csvName: 'empty.csv', columns: [{ header: 'a' }], rows: () => [] }] }));
    const wb = await readBack(file!);
    expect(wb.getWorksheet('Empty')!.rowCount).toBe(1);
    expect(readFileSync(join(out, 'empty.csv'), 'utf8')).toBe('\uFEFFa\r\n');
  });

  it('creates files 0600 by default and leaves no temp files', async () => {
    const out = tempDir('idrecon-report-');
    const paths = await writeReport(options(out));
    for (const p of paths) expect(statSync(p).mode & 0o777).toBe(0o600);
    expect(readdirSync(out).sort()).toEqual(['people.csv', 'reconciliation.xlsx']);
  });

  it('shareMode leaves the mode to the umask', async () => {
    const out = tempDir('idrecon-report-');
    const paths = await writeReport(options(out, { shareMode: true }));
    const umask = process.umask();
    for (const p of paths) expect(statSync(p).mode & 0o777).toBe(0o666 & ~umask);
  });

  it('replaces an existing report only when the new one is complete', async () => {
    const out = tempDir('idrecon-report-');
    writeFileSync(join(out, 'people.csv'), 'old report');
    const failing: SheetData = {
      ...PEOPLE,
      rows: function* () {
        yield ['a', '1', '', null, null, 1, true];
        throw new Error('producer failed');
      },
    };
    await expect(writeReport(options(out, { formats: new Set(['csv']), sheets: [failing] }))).rejects.toThrow('producer failed');
    expect(readFileSync(join(out, 'people.csv'), 'utf8')).toBe('old report');
    expect(readdirSync(out)).toEqual(['people.csv']);

    await expect(writeReport(options(out, { formats: new Set(['xlsx']), sheets: [failing] }))).rejects.toThrow('producer failed');
    expect(readdirSync(out)).toEqual(['people.csv']);
  });

  it('writes each CSV in the workbook\'s pass over its sheet (rows read once), the same files as writing each format alone', async () => {
    const reads = new Map<string, number>();
    const counted = (sheet: SheetData): SheetData => ({
      ...sheet,
      rows: () => {
        reads.set(sheet.name, (reads.get(sheet.name) ?? 0) + 1);
        return sheet.rows();
      },
    });
    const NUMBERS: SheetData = {
      name: 'Numbers',
      csvName: 'numbers.csv',
      columns: [{ header: 'n', kind: 'number' }, { header: 'text' }],
      rows: async function* () {
        for (let i = 0; i < 3000; i++) yield [i, `row ${i}, "quoted" €`];
      },
    };
    const NOTES: SheetData = { name: 'Notes', columns: [{ header: 'note' }], rows: () => [['only in the workbook']] };
    const sheets = () => [counted(NOTES), counted(PEOPLE), counted(NUMBERS)];
    const both = tempDir('idrecon-report-');
    const paths = await writeReport(options(both, { sheets: sheets(), maxRowsPerSheet: 1000 }));
    expect(paths).toEqual([join(both, 'reconciliation.xlsx'), join(both, 'people.csv'), join(both, 'numbers.csv')]);
    expect(Object.fromEntries(reads)).toEqual({ Notes: 1, People: 1, Numbers: 1 });

    const csvOnly = tempDir('idrecon-report-');
    await writeReport(options(csvOnly, { sheets: sheets(), formats: new Set(['csv']) }));
    for (const f of ['people.csv', 'numbers.csv']) expect(readFileSync(join(both, f)).equals(readFileSync(join(csvOnly, f)))).toBe(true);

    const xlsxOnly = tempDir('idrecon-report-');
    await writeReport(options(xlsxOnly, { sheets: sheets(), formats: new Set(['xlsx']), maxRowsPerSheet: 1000 }));
    const values = async (dir: string) => (await readBack(join(dir, 'reconciliation.xlsx'))).worksheets.map((w) => [w.name, w.getSheetValues()]);
    const together = await values(both);
    expect(together.map(([name]) => name)).toEqual(['Notes', 'People', 'Numbers', 'Numbers (2)', 'Numbers (3)']);
    expect(together).toEqual(await values(xlsxOnly));
    expect(readdirSync(both).sort()).toEqual(['numbers.csv', 'people.csv', 'reconciliation.xlsx']);
  });

  it.each([['xlsx', 'csv'], ['csv']])('replaces none of the previous report\'s files when a later sheet fails (%s)', async (...formats) => {
    const out = tempDir('idrecon-report-');
    writeFileSync(join(out, 'people.csv'), 'old people');
    writeFileSync(join(out, 'later.csv'), 'old later');
    writeFileSync(join(out, 'reconciliation.xlsx'), 'old workbook');
    writeFileSync(join(out, 'summary.json'), 'old summary');
    const later: SheetData = {
      name: 'Later',
      csvName: 'later.csv',
      columns: [{ header: 'a' }],
      rows: function* () {
        yield ['fine'];
        throw new Error('producer failed');
      },
    };
    // people.csv is complete before Later fails: it must wait for the rest, not replace the old one.
    const asked = new Set([...formats, 'json'] as OutputFormat[]);
    await expect(writeReport(options(out, { sheets: [PEOPLE, later], formats: asked, json: () => ({}) }))).rejects.toThrow('producer failed');
    expect(readFileSync(join(out, 'people.csv'), 'utf8')).toBe('old people');
    expect(readFileSync(join(out, 'later.csv'), 'utf8')).toBe('old later');
    expect(readFileSync(join(out, 'reconciliation.xlsx'), 'utf8')).toBe('old workbook');
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe('old summary');
    expect(readdirSync(out).sort()).toEqual(['later.csv', 'people.csv', 'reconciliation.xlsx', 'summary.json']);
  });

  it('refuses, before writing anything, to write over an input file (also through a symlink)', async () => {
    const out = tempDir('idrecon-report-');
    const input = join(out, 'people.csv');
    writeFileSync(input, 'Employee Number\n1\n');
    const err = await writeReport(options(out, { inputs: [input] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/Refusing to write .*people\.csv: it is the input file/);
    expect(readdirSync(out)).toEqual(['people.csv']);
    expect(readFileSync(input, 'utf8')).toBe('Employee Number\n1\n');

    const linkDir = join(tempDir('idrecon-report-'), 'link');
    symlinkSync(out, linkDir);
    await expect(writeReport(options(linkDir, { inputs: [input] }))).rejects.toBeInstanceOf(InputError);
  });
});

describe('writeReport\'s JSON', () => {
  it('is 2-space JSON with a newline, 0600, built from the other files\' paths, with no temp left', async () => {
    const out = join(tempDir('idrecon-json-'), 'made');
    const paths = await writeReport(options(out, { formats: new Set(['csv', 'json']), json: (outputs) => ({ outputs: outputs.map((p) => p.slice(out.length + 1)), b: [true] }) }));
    expect(paths).toEqual([join(out, 'people.csv')]);
    const file = join(out, 'summary.json');
    expect(readFileSync(file, 'utf8')).toBe('{\n  "outputs": [\n    "people.csv"\n  ],\n  "b": [\n    true\n  ]\n}\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(out).sort()).toEqual(['people.csv', 'summary.json']);
  });

  it('is written alone when it is the only format, and not at all without a value', async () => {
    const out = tempDir('idrecon-json-');
    expect(await writeReport(options(out, { formats: new Set(['json']), json: () => ({ a: 1 }), jsonName: 'run.json' }))).toEqual([]);
    expect(readdirSync(out)).toEqual(['run.json']);
    await writeReport(options(out, { formats: new Set(['json']), jsonName: 'other.json' }));
    expect(readdirSync(out)).toEqual(['run.json']);
  });

  it('refuses an input path, before writing anything', async () => {
    const out = tempDir('idrecon-json-');
    mkdirSync(out, { recursive: true });
    const input = join(out, 'summary.json');
    writeFileSync(input, '{}');
    await expect(writeReport(options(out, { formats: new Set(['csv', 'json']), json: () => ({ a: 1 }), inputs: [input] }))).rejects.toBeInstanceOf(InputError);
    expect(readFileSync(input, 'utf8')).toBe('{}');
    expect(readdirSync(out)).toEqual(['summary.json']);
  });
});

describe('exceljs internals the writer relies on', () => {
  it('zipBacklog sees the sheet XML waiting for the zip (throttling breaks silently otherwise)', async () => {
    const sink = new PassThrough();
    sink.resume();
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false });
    const ws = wb.addWorksheet('S');
    for (let i = 0; i < 5000; i++) ws.addRow([`row ${i}`, i, 'some text to fill the buffer']).commit();
    expect(zipBacklog(ws)).toBeGreaterThan(0);
    ws.commit();
    await wb.commit();
  });
});

describe('CSV lines', () => {
  it('are byte for byte what csv-stringify writes, for any cells (property)', () => {
    const cell = fc.oneof(fc.string(), fc.constantFrom('', ',', '"', '\r', '\n', '\r\n', 'a,b', 'say "hi"', '=1+2', ' x ', 'ü€'), fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', ' ') }));
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 12 }), (cells) => {
        expect(`${csvLine(cells, false)}\r\n`).toBe(stringify([cells], { record_delimiter: '\r\n', quote_record_delimiter: true }));
      }),
      { numRuns: 2000 },
    );
  });

  it('encoded straight into a buffer are the UTF-8 of csvLine and CRLF, within csvLineMaxBytes, at any offset (property)', () => {
    // Any UTF-16 code units (pairs split between cells, lone surrogates), beside cells to quote.
    const cell = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('', ',', '"', '\r', '\n', 'a,b', 'say "hi"', 'ü€😀', '\ud83d', '\ude00', '"\ud83d', 'x,\udfff'),
      fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', 'é', '\ud83d', '\ude00') }),
    );
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 12 }), fc.integer({ min: 0, max: 7 }), (cells, offset) => {
        const expected = Buffer.from(`${csvLine(cells, false)}\r\n`, 'utf8');
        const max = csvLineMaxBytes(cells);
        expect(expected.length).toBeLessThanOrEqual(max);
        const buf = Buffer.alloc(offset + max, 0xee);
        const end = encodeCsvLine(cells, buf, offset);
        expect(end - offset).toBe(expected.length);
        expect(buf.subarray(offset, end).equals(expected)).toBe(true);
        // Nothing written before the offset.
        expect(buf.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

import { readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { openXlsx } from '../../src/io/read-xlsx.js';
import { openTable } from '../../src/io/open-table.js';
import type { RawRow, RejectedRaw, Table } from '../../src/io/table.js';
import { tempDir } from '../helpers/run-cli.js';

const dir = tempDir('idrecon-xlsx-');

async function all(t: Table): Promise<Array<RawRow | RejectedRaw>> {
  const out: Array<RawRow | RejectedRaw> = [];
  for await (const r of t.rows()) out.push(r);
  return out;
}

async function workbook(name: string, build: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  const file = join(dir, name);
  await wb.xlsx.writeFile(file);
  return file;
}

describe('openXlsx', () => {
  it('turns every kind of cell into a string', async () => {
    const file = await workbook('kinds.xlsx', (wb) => {
      const ws = wb.addWorksheet('Users');
      ws.addRow(['Name', 'Start', 'Last login', 'Employee No', 'Ratio', 'Rich', 'Formula', 'Link', 'Active', 'Error', 'Text formula']);
      ws.addRow([
        'Ann',
        new Date(Date.UTC(2024, 0, 2)),
        new Date(Date.UTC(2024, 0, 2, 10, 30)),
        12345678,
        0.25,
        { richText: [{ text: "O'" }, { font: { bold: true }, text: 'Brien' }] },
        { formula: 'D2*2', result: 24691356 },
        { text: 'intranet', hyperlink: 'https://example.org' },
        true,
        { error: '#N/A' },
        { formula: 'A2&"!"', result: 'Ann!' },
      ]);
    });
    const t = await openXlsx(file);
    expect(t.info).toMatchObject({ format: 'xlsx', sheet: 'Users', headerLine: 1, skippedPreamble: 0 });
    expect(t.info.headers).toHaveLength(11);
    expect(await all(t)).toEqual([
      {
        line: 2,
        values: ['Ann', '2024-01-02', '2024-01-02T10:30:00.000Z', '12345678', '0.25', "O'Brien", '24691356', 'intranet', 'TRUE', '', 'Ann!'],
      },
    ]);
  });

  it('converts a date-formatted formula result to a date', async () => {
    const file = await workbook('formula-date.xlsx', (wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['When']);
      ws.addRow([{ formula: 'DATE(2023,3,15)', result: 45000 }]);
      ws.getCell('A2').numFmt = 'dd/mm/yyyy';
    });
    expect(await all(await openXlsx(file))).toEqual([{ line: 2, values: ['2023-03-15'] }]);
  });

  it('reads dates of a 1904-system workbook correctly', async () => {
    const file = await workbook('mac1904.xlsx', (wb) => {
      wb.properties.date1904 = true;
      const ws = wb.addWorksheet('S');
      ws.addRow(['When']);
      ws.addRow([new Date(Date.UTC(2024, 5, 30))]);
    });
    expect(await all(await openXlsx(file))).toEqual([{ line: 2, values: ['2024-06-30'] }]);
  });

  it('takes the first non-empty row as the header, sheet row numbers as lines, and skips empty rows', async () => {
    const file = await workbook('offset.xlsx', (wb) => {
      const ws = wb.addWorksheet('Report');
      ws.getCell('A3').value = ' Email ';
      ws.getCell('B3').value = 'Name';
      ws.getCell('A5').value = 'a@nhs.net';
      ws.getCell('A7').value = 'b@nhs.net';
      ws.getCell('B7').value = 'Bob';
    });
    const t = await openXlsx(file);
    expect(t.info).toMatchObject({ headers: ['Email', 'Name'], headerLine: 3, skippedPreamble: 2 });
    expect(await all(t)).toEqual([
      { line: 5, values: ['a@nhs.net', ''] },
      { line: 7, values: ['b@nhs.net', 'Bob'] },
    ]);
  });

  it('rejects a row with values beyond the last header column', async () => {
    const file = await workbook('wide.xlsx', (wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['a', 'b']);
      ws.addRow([1, 2, 3]);
      ws.addRow([4, 5]);
    });
    expect(await all(await openXlsx(file))).toEqual([
      { line: 2, reason: 'row has values in 3 columns but the header has 2' },
      { line: 3, values: ['4', '5'] },
    ]);
  });

  it('reads the first sheet by default and another by name (case-insensitive)', async () => {
    const file = await workbook('sheets.xlsx', (wb) => {
      wb.addWorksheet('Summary').addRow(['Total']);
      const ws = wb.addWorksheet('Mailbox Report');
      ws.addRow(['Email Address']);
      ws.addRow(['a@nhs.net']);
    });
    expect((await openXlsx(file)).info.headers).toEqual(['Total']);
    const t = await openXlsx(file, { sheet: 'mailbox report' });
    expect(t.info.sheet).toBe('Mailbox Report');
    expect(await all(t)).toEqual([{ line: 2, values: ['a@nhs.net'] }]);
  });

  it('reads the second sheet of an exceljs-written workbook every time (workbook.xml stored last)', async () => {
    // exceljs stores sheets before sharedStrings.xml and workbook.xml last. Its streaming
    // reader, walking that order, lost the workbook part or crashed on a deleted temp file
    // in about one read in thirty; 60 reads (120 passes over the zip) caught it every time.
    const file = await workbook('stored-order.xlsx', (wb) => {
      wb.addWorksheet('Summary').addRow(['Total', 1]);
      const ws = wb.addWorksheet('Mailbox Report');
      ws.addRow(['Email Address', 'Surname']);
      ws.addRow(['a@nhs.net', 'Ahmed']);
    });
    for (let i = 0; i < 60; i++) {
      const t = await openXlsx(file, { sheet: 'Mailbox Report' });
      expect(t.info.headers).toEqual(['Email Address', 'Surname']);
      expect(await all(t)).toEqual([{ line: 2, values: ['a@nhs.net', 'Ahmed'] }]);
    }
  });

  it('copies no sheet to a temp file (sheets hold personal data)', async () => {
    const file = await workbook('no-temp.xlsx', (wb) => {
      wb.addWorksheet('Summary').addRow(['Total']);
      wb.addWorksheet('People').addRow(['Email Address']);
    });
    const ours = (): string[] => readdirSync(tmpdir()).filter((f) => f.startsWith(`tmp-${process.pid}-`));
    const before = ours();
    const t = await openXlsx(file, { sheet: 'People' });
    await all(t);
    expect(ours()).toEqual(before);
  });

  it('names the sheets found when the sheet asked for is missing', async () => {
    const file = await workbook('named.xlsx', (wb) => {
      wb.addWorksheet('One').addRow(['a']);
      wb.addWorksheet('Two').addRow(['b']);
    });
    const err = await openXlsx(file, { sheet: 'Three' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`${file} has no sheet named "Three"; check --sheet: sheets found: One, Two.`);
  });

  it('refuses an empty sheet', async () => {
    const file = await workbook('empty-sheet.xlsx', (wb) => {
      wb.addWorksheet('Blank');
    });
    await expect(openXlsx(file)).rejects.toThrow(/sheet "Blank" is empty/);
  });

  it('reads a header-only sheet as zero rows', async () => {
    const file = await workbook('header-only.xlsx', (wb) => {
      wb.addWorksheet('S').addRow(['a', 'b']);
    });
    expect(await all(await openXlsx(file))).toEqual([]);
  });

  it('refuses a file that is not a zip', async () => {
    const file = join(dir, 'text.xlsx');
    writeFileSync(file, 'Name,Email\nAnn,a@x\n');
    await expect(openXlsx(file)).rejects.toThrow(`${file} is not a valid .xlsx workbook`);
  });

  it('refuses a damaged zip', async () => {
    const file = join(dir, 'damaged.xlsx');
    writeFileSync(file, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(200, 7)]));
    await expect(openTable(file)).rejects.toThrow(`${file} is not a valid .xlsx workbook`);
  });

  it('refuses a password-protected workbook (an OLE container)', async () => {
    const file = join(dir, 'protected.xlsx');
    writeFileSync(file, Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]));
    await expect(openTable(file)).rejects.toThrow(`${file} is password-protected or encrypted`);
    await expect(openXlsx(file)).rejects.toThrow(/save an unprotected copy/);
  });

  it('is chosen by content: a workbook named .csv is read as XLSX', async () => {
    const file = await workbook('really-xlsx.csv', (wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['a']);
      ws.addRow(['1']);
    });
    const t = await openTable(file);
    expect(t.info.format).toBe('xlsx');
    expect(await all(t)).toEqual([{ line: 2, values: ['1'] }]);
  });
});

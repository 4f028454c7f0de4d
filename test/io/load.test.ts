import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../src/errors.js';
import { collectRows, loadSource, missingFieldsMessage, openSource } from '../../src/io/load.js';
import { tempDir } from '../helpers/run-cli.js';

const dir = tempDir('idrecon-load-');
let n = 0;
function fixture(content: string, name = `l${n++}.csv`): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

describe('loadSource', () => {
  it('maps synonyms onto canonical fields, trims cells and leaves empty ones out', async () => {
    const file = fixture('Staff Number,Forename,Family Name,Work Email,Unused\n 00123456 ,Ann,Lee,,x\n');
    const loaded = await loadSource(file, 'esr');
    expect(loaded.resolution.from).toMatchObject({ employeeNumber: 'Staff Number', firstName: 'Forename', lastName: 'Family Name', email: 'Work Email' });
    expect(loaded.resolution.unmapped).toEqual(['Unused']);
    const { rows, rejected } = await collectRows(loaded);
    expect(rejected).toEqual([]);
    expect(rows).toEqual([{ line: 2, fields: { employeeNumber: '00123456', firstName: 'Ann', lastName: 'Lee' } }]);
  });

  it('uses a config mapping before synonyms', async () => {
    const file = fixture('Pay Ref,Given,Surname,Email Address\n1,Ann,Lee,a@nhs.net\n');
    const loaded = await loadSource(file, 'esr', { mapping: { employeeNumber: 'Pay Ref', firstName: 'Given' } });
    const { rows } = await collectRows(loaded);
    expect(rows[0]?.fields).toEqual({ employeeNumber: '1', firstName: 'Ann', lastName: 'Lee', email: 'a@nhs.net' });
  });

  it('maps the AD NHSmail-ID attribute named in config, case-insensitively', async () => {
    const file = fixture('SamAccountName,EXTENSIONATTRIBUTE7,extensionAttribute1\nann.lee,ID-7,ID-1\n');
    const { rows } = await collectRows(await loadSource(file, 'ad', { adNhsmailIdAttribute: 'extensionAttribute7' }));
    expect(rows[0]?.fields).toEqual({ samAccountName: 'ann.lee', nhsmailId: 'ID-7' });
  });

  it('passes rejects through in file order', async () => {
    const file = fixture('SamAccountName,mail\na,a@x\nb\nc,c@x\n');
    const { rows, rejected } = await collectRows(await loadSource(file, 'ad'));
    expect(rows.map((r) => r.line)).toEqual([2, 4]);
    expect(rejected).toEqual([{ line: 3, reason: 'row has 1 cells but the header has 2' }]);
  });

  it('names the file, profile, field, headers found and the fix when a required field is missing', async () => {
    const file = fixture('A,B,C\nsecret-value,2,3\n');
    const err = await loadSource(file, 'esr').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as Error).message;
    expect(msg).toBe(
      `${file} (ESR extract) has no columns for employeeNumber, firstName, lastName; headers found: A, B, C. ` +
        'Map them in idrecon.config.json under columns.esr.employeeNumber, columns.esr.firstName and columns.esr.lastName.',
    );
    expect(msg).not.toMatch(/secret-value/);
  });

  it('matches the one-field wording, and one-of groups', () => {
    expect(missingFieldsMessage('samples/x.csv', 'esr', ['employeeNumber'], ['A', 'B', 'C'])).toBe(
      'samples/x.csv (ESR extract) has no column for employeeNumber; headers found: A, B, C. Map it in idrecon.config.json under columns.esr.employeeNumber.',
    );
    expect(missingFieldsMessage('l.csv', 'tis-logins', ['username or email'], ['When'], 'cfg.json')).toBe(
      'l.csv (TIS last-login export) has no column for username or email; headers found: When. Map it in cfg.json under columns.tis-logins.username or columns.tis-logins.email.',
    );
  });

  it('openSource reports missing fields instead of throwing', async () => {
    const file = fixture('A\n1\n');
    const loaded = await openSource(file, 'esr');
    expect(loaded.resolution.missing).toEqual(['employeeNumber', 'firstName', 'lastName']);
  });

  it('refuses a mapping naming a field the profile does not have (a typo in config)', async () => {
    const file = fixture('Employee Number,First Name,Last Name\n1,a,b\n');
    await expect(loadSource(file, 'esr', { mapping: { emplyeeNumber: 'X' } })).rejects.toBeInstanceOf(ConfigError);
  });

  it('loads XLSX the same way', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mailbox Report');
    ws.addRow(['Email Address', 'First Name', 'Last Name', 'Last Logon']);
    ws.addRow(['ann.lee@nhs.net', 'Ann', 'Lee', new Date(Date.UTC(2026, 9, 1))]);
    const file = join(dir, 'mailbox.xlsx');
    await wb.xlsx.writeFile(file);
    const { rows } = await collectRows(await loadSource(file, 'nhsmail'));
    expect(rows).toEqual([{ line: 2, fields: { email: 'ann.lee@nhs.net', firstName: 'Ann', lastName: 'Lee', lastLogon: '2026-10-01' } }]);
  });

  it('hands out an XLSX sheet a batch at a time: every row once, in order, with its reject', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Mailbox Report');
    ws.addRow(['Email Address', 'First Name', 'Last Name']);
    for (let i = 0; i < 2_500; i++) ws.addRow(i === 1_234 ? ['x@nhs.net', 'X', 'Y', 'extra'] : [`p${i}@nhs.net`, `First${i}`, 'Last']);
    const file = join(dir, 'mailbox-2500.xlsx');
    await wb.xlsx.writeFile(file);
    const loaded = await loadSource(file, 'nhsmail');
    const sizes: number[] = [];
    const got: unknown[] = [];
    for await (const batch of loaded.rawBatches()) {
      sizes.push(batch.length);
      for (const raw of batch) got.push('reason' in raw ? raw : loaded.toRow(raw));
    }
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.min(...sizes)).toBeGreaterThan(0);
    expect(got).toHaveLength(2_500);
    expect(got[1_234]).toEqual({ line: 1_236, reason: 'row has values in 4 columns but the header has 3' });
    expect(got[2_499]).toEqual({ line: 2_501, fields: { email: 'p2499@nhs.net', firstName: 'First2499', lastName: 'Last' } });
    const { rows, rejected } = await collectRows(loaded);
    expect(got.filter((r) => !(r as { reason?: string }).reason)).toEqual(rows);
    expect(rejected).toEqual([got[1_234]]);
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/run-cli.js';
import { ensureBuilt } from '../helpers/build.js';

const dir = tempDir('idrecon-inspect-');
const esr = join(dir, 'esr.csv');
const ad = join(dir, 'ad.csv');
const odd = join(dir, 'odd.csv');
const xlsx = join(dir, 'mailbox.xlsx');
const config = join(dir, 'idrecon.config.json');

beforeAll(async () => {
  ensureBuilt();
  writeFileSync(
    esr,
    [
      'Employee Number,First Name,Last Name,Email Address,Work Mobile,Assignment Start Date,Notes,notes',
      '00123456,Ann,Lee,ann.lee@nhs.net,07911 123456,01/02/2024,x,y',
      'not-a-number,Secretname,,not-an-email,12,31/02/2024,,',
      '1,2',
      '',
    ].join('\r\n'),
  );
  const utf16 = '#TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser\r\n"SamAccountName","GivenName","Surname","mail","extensionAttribute3"\r\n"ann.lee","Ann","Lee","ann.lee@nhs.net","ID-1"\r\n';
  writeFileSync(ad, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16, 'utf16le')]));
  writeFileSync(odd, 'Colour,Shape\nred,square\n');
  writeFileSync(config, JSON.stringify({ ad: { nhsmailIdAttribute: 'extensionAttribute3' }, columns: { esr: {} } }));
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Summary').addRow(['Total', 1]);
  const ws = wb.addWorksheet('Mailbox Report');
  ws.addRow(['Email Address', 'First Name', 'Last Name', 'Last Logon']);
  ws.addRow(['ann.lee@nhs.net', 'Ann', 'Lee', new Date(Date.UTC(2026, 9, 1))]);
  await wb.xlsx.writeFile(xlsx);
}, 120_000);

describe('idrecon inspect', () => {
  it('detects the source and reports mapping, counts and problems without printing values', () => {
    const r = runCli(['inspect', esr]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Source\s+ESR extract \(esr, detected from the headers\)/);
    expect(r.stdout).toMatch(/Format\s+CSV, utf-8, comma-delimited/);
    expect(r.stdout).toMatch(/Rows\s+3 read, 1 rejected/);
    expect(r.stdout).toMatch(/employeeNumber\s+Employee Number\s+yes\s+0\s+1/);
    expect(r.stdout).toMatch(/lastName\s+Last Name\s+yes\s+1\n/);
    expect(r.stdout).toMatch(/email\s+Email Address\s+0\s+1/);
    expect(r.stdout).toMatch(/Unmapped headers\s+Notes, notes/);
    expect(r.stdout).toMatch(/Duplicate headers\s+notes/);
    expect(r.stdout).toMatch(/line 4: row has 2 cells but the header has 8/);
    for (const value of ['Secretname', 'not-an-email', 'ann.lee@nhs.net', '07911', 'not-a-number']) expect(r.stdout).not.toContain(value);
  });

  it('--json gives the same facts as data', () => {
    const r = runCli(['inspect', esr, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ source: 'esr', detected: true, format: 'csv', encoding: 'utf-8', delimiter: ',', rows: 3, rejected: 1, missingRequired: [] });
    expect(j['fields']).toContainEqual({ field: 'mobile', required: false, header: 'Work Mobile', empty: 0, invalid: 1 });
    expect(j['fields']).toContainEqual({ field: 'assignmentStart', required: false, header: 'Assignment Start Date', empty: 0, invalid: 1 });
  });

  it('reads a PowerShell UTF-16 export and maps the configured NHSmail-ID attribute', () => {
    const r = runCli(['inspect', ad, '--source', 'ad', '--config', config, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { encoding: string; skippedPreamble: number; fields: Array<{ field: string; header?: string }> };
    expect(j.encoding).toBe('utf-16le');
    expect(j.skippedPreamble).toBe(1);
    expect(j.fields.find((f) => f.field === 'nhsmailId')?.header).toBe('extensionAttribute3');
  });

  it('reads a named XLSX sheet', () => {
    const r = runCli(['inspect', xlsx, '--sheet', 'Mailbox Report']);
    // This test failed twice in full runs on a loaded machine and never alone: say what ran.
    const seen = `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
    expect(r.code, seen).toBe(0);
    expect(r.stdout, seen).toMatch(/Format\s+XLSX, sheet "Mailbox Report"/);
    expect(r.stdout, seen).toMatch(/NHSmail mailbox report \(nhsmail, detected/);
    expect(r.stdout, seen).toMatch(/lastLogon\s+Last Logon\s+0\s+0/);
  });

  it('lists missing required fields for a forced source, with exit 0', () => {
    const r = runCli(['inspect', odd, '--source', 'esr']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Missing required\s+employeeNumber, firstName, lastName/);
    expect(r.stdout).toMatch(/Map the missing fields in idrecon\.config\.json under columns\.esr/);
  });

  it('exit 2 when the source cannot be told or is unknown', () => {
    const r = runCli(['inspect', odd]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Cannot tell which export ${odd} is; pass --source.`);
    const u = runCli(['inspect', esr, '--source', 'payroll']);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/--source takes esr, nhsmail/);
  });

  it('exit 1 for a missing, empty or unknown-sheet file', () => {
    const missing = runCli(['inspect', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file; check the path and name.');
    const emptyFile = join(dir, 'empty.csv');
    writeFileSync(emptyFile, '');
    const empty = runCli(['inspect', emptyFile]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain(`${emptyFile} is empty (0 bytes)`);
    const sheet = runCli(['inspect', xlsx, '--sheet', 'Nope']);
    expect(sheet.code).toBe(1);
    expect(sheet.stderr).toContain('sheets found: Summary, Mailbox Report.');
  });

  it('--help has an Examples section', () => {
    const r = runCli(['inspect', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:\n\s+\$ idrecon inspect/);
  });
});

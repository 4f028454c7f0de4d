/**
 * Every bundled sample loads through the same path the commands use, with the encoding and
 * source idrecon detects, and every data row is either read or rejected with a line number.
 */
import { describe, expect, it } from 'vitest';
import { detectSource, type SourceKind } from '../../src/core/profiles.js';
import { collectRows, loadSource } from '../../src/io/load.js';
import { openTable } from '../../src/io/open-table.js';
import { loadConfigFile } from '../../src/io/config-file.js';

const { config } = loadConfigFile('samples/idrecon.config.json');

const SAMPLES: [file: string, source: SourceKind, format: string, encoding: string | undefined, minRows: number][] = [
  ['samples/esr-extract.csv', 'esr', 'csv', 'utf-8-bom', 250],
  ['samples/nhsmail-mailbox-report.xlsx', 'nhsmail', 'xlsx', undefined, 250],
  ['samples/local-ad-users.csv', 'ad', 'csv', 'utf-16le', 250],
  ['samples/tis-users.csv', 'tis', 'csv', undefined, 50],
  ['samples/tis-last-logins.csv', 'tis-logins', 'csv', undefined, 20],
  ['samples/tableau-users.csv', 'tableau', 'csv', 'windows-1252', 20],
  ['samples/local-offices.csv', 'offices', 'csv', undefined, 5],
  ['samples/reval-doctors.csv', 'doctors', 'csv', undefined, 40],
  ['samples/gmc-connections.csv', 'gmc', 'csv', undefined, 20],
  ['samples/reval-hidden.csv', 'hidden', 'csv', undefined, 3],
];

describe('bundled samples', () => {
  it.each(SAMPLES)('%s is a %s export read as %s (%s)', async (file, source, format, encoding, minRows) => {
    const table = await openTable(file);
    expect(table.info.format).toBe(format);
    if (encoding !== undefined) expect(table.info.encoding).toBe(encoding);
    if (source !== 'hidden') expect(detectSource(table.info.headers)).toBe(source);
    const loaded = await loadSource(file, source, {
      mapping: config.columns[source],
      adNhsmailIdAttribute: source === 'ad' ? config.ad.nhsmailIdAttribute : undefined,
    });
    expect(loaded.resolution.missing).toEqual([]);
    const { rows, rejected } = await collectRows(loaded);
    expect(rows.length).toBeGreaterThanOrEqual(minRows);
    // Line numbers are distinct and increasing: every row can be found in the file.
    const lines = [...rows.map((r) => r.line), ...rejected.map((r) => r.line)].sort((a, b) => a - b);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines[0]).toBeGreaterThan(table.info.headerLine);
  });

  it('the AD sample maps the configured NHSmail ID attribute', async () => {
    const loaded = await loadSource('samples/local-ad-users.csv', 'ad', { adNhsmailIdAttribute: config.ad.nhsmailIdAttribute });
    const { rows } = await collectRows(loaded);
    expect(config.ad.nhsmailIdAttribute).toBe('extensionAttribute10');
    expect(rows.filter((r) => r.fields['nhsmailId']).length).toBeGreaterThan(200);
  });

  it('the Windows-1252 Tableau sample decodes accents and curly apostrophes', async () => {
    const { rows } = await collectRows(await loadSource('samples/tableau-users.csv', 'tableau'));
    const names = rows.map((r) => r.fields['fullName'] ?? '').join('|');
    expect(names).toContain('Zoë O’Connor');
    expect(names).toContain('Renée');
  });
});

/**
 * Golden-file comparison shared by the end-to-end tests. With UPDATE_GOLDEN=1 the golden file
 * is rewritten from the actual output first (review the diff by eye before committing it).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { expect } from 'vitest';

const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

/** Compares an output file with its golden copy, both read through `read` (e.g. parsed CSV). */
export function expectMatchesGoldenFile<T>(goldenDir: string, actualFile: string, name: string, read: (file: string) => T): void {
  const golden = join(goldenDir, name);
  if (UPDATE) {
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(golden, readFileSync(actualFile));
  }
  expect(read(actualFile)).toEqual(read(golden));
}

/** Compares a value with a golden JSON file. */
export function expectMatchesGoldenJson(goldenDir: string, name: string, actual: unknown): void {
  const golden = join(goldenDir, name);
  if (UPDATE) {
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(golden, `${JSON.stringify(actual, null, 2)}\n`);
  }
  expect(actual).toEqual(JSON.parse(readFileSync(golden, 'utf8')));
}

/** A CSV report as rows of cells (BOM removed; every row must have the header's length). */
export function readCsv(file: string): string[][] {
  return parse(readFileSync(file), { bom: true, relax_column_count: false }) as string[][];
}

/** summary.json without what legitimately varies between runs (out dir, tool version). */
export function normalisedSummary(file: string, outDir: string): unknown {
  const s = JSON.parse(readFileSync(file, 'utf8')) as { command: string; tool: { version: string } };
  s.command = s.command.split(outDir).join('<out>');
  s.tool.version = '<version>';
  return s;
}

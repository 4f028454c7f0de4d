/**
 * Opens any input table, choosing the adapter by content rather than by extension: a zip
 * (`PK`) is an XLSX workbook whatever it is called, an OLE container (D0 CF 11 E0) is an
 * encrypted XLSX or a legacy .xls (both refused with advice), anything else is read as CSV.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { openCsv, readHead } from './read-csv.js';
import { CFB_MAGIC, ZIP_MAGIC, encryptedError, openXlsx } from './read-xlsx.js';
import type { OpenTableOptions, Table } from './table.js';

/** Throws InputError when `file` is missing, unreadable, a directory or empty. */
export async function checkReadable(file: string): Promise<void> {
  let size: number;
  try {
    const s = await stat(file);
    if (s.isDirectory()) throw new InputError(`Cannot read ${file}: it is a directory, not a file.`, file);
    size = s.size;
    await access(file, constants.R_OK);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(`Cannot read ${file}: no such file.`, file);
    if (code === 'EACCES' || code === 'EPERM') throw new InputError(`Cannot read ${file}: permission denied.`, file);
    throw new InputError(`Cannot read ${file} (${code ?? 'unknown error'}).`, file);
  }
  if (size === 0) throw new InputError(`${file} is empty.`, file);
}

/** Opens a CSV or XLSX file as a Table (header read; rows streamed on demand). */
export async function openTable(file: string, opts: OpenTableOptions = {}): Promise<Table> {
  await checkReadable(file);
  const head = await readHead(file, 8);
  if (CFB_MAGIC.every((b, i) => head[i] === b)) throw encryptedError(file);
  if (ZIP_MAGIC.every((b, i) => head[i] === b)) return openXlsx(file, opts);
  return openCsv(file, opts);
}

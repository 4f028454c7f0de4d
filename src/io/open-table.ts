/**
 * Opens any input table, choosing the adapter by content rather than by extension: a zip
 * (`PK`) is an XLSX workbook whatever it is called, an OLE container (D0 CF 11 E0) is an
 * encrypted XLSX or a legacy .xls (both refused with advice), anything else is read as CSV,
 * except that a file named .xlsx (or .xlsm) that is not a zip is refused as a broken workbook
 * rather than read as text (its "headers" would be junk and the advice misleading).
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { openCsv, readHead } from './read-csv.js';
import { CFB_MAGIC, ZIP_MAGIC, encryptedError, notXlsxError, openXlsx } from './read-xlsx.js';
import type { OpenTableOptions, Table } from './table.js';

/** Throws InputError when `file` is missing, unreadable, a directory or empty. */
export async function checkReadable(file: string): Promise<void> {
  let size: number;
  try {
    const s = await stat(file);
    if (s.isDirectory()) throw new InputError(`Cannot read ${file}: it is a directory, not a file; give the path of the export inside it.`, file);
    size = s.size;
    await access(file, constants.R_OK);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(`Cannot read ${file}: no such file; check the path and name.`, file);
    if (code === 'EACCES' || code === 'EPERM') {
      throw new InputError(`Cannot read ${file}: permission denied; ask for read access or copy the file somewhere you can read it.`, file);
    }
    throw new InputError(`Cannot read ${file} (${code ?? 'unknown error'}); check the file and try again.`, file);
  }
  if (size === 0) throw new InputError(`${file} is empty (0 bytes); export the data again and check the copy is complete.`, file);
}

/** Extensions that promise an Office Open XML workbook (a zip). */
const XLSX_EXTENSIONS = /\.(xlsx|xlsm|xltx|xltm)$/i;

/** Opens a CSV or XLSX file as a Table (header read; rows streamed on demand). */
export async function openTable(file: string, opts: OpenTableOptions = {}): Promise<Table> {
  await checkReadable(file);
  const head = await readHead(file, 8);
  if (CFB_MAGIC.every((b, i) => head[i] === b)) throw encryptedError(file);
  if (ZIP_MAGIC.every((b, i) => head[i] === b)) return openXlsx(file, opts);
  if (XLSX_EXTENSIONS.test(file)) throw notXlsxError(file, 'it is not a zip container');
  return openCsv(file, opts);
}

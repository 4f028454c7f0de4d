/** Report tables as plain data: the core builds them, src/io writers put them in files. */

export type Cell = string | number | boolean | Date | null | undefined;

export type ColumnKind = 'text' | 'number' | 'date' | 'datetime' | 'boolean';

export interface ColumnSpec {
  header: string;
  /** How XLSX stores the cell; CSV writes text. Default 'text'. */
  kind?: ColumnKind;
  /** XLSX column width in characters (a sensible default is computed if absent). */
  width?: number;
  /**
   * Personal data held by the column, for `--redact`: 'name', 'email' (cells may hold several
   * addresses separated by "; "), 'phone', 'value' (any of those: pseudonymised whole), or
   * 'key' (an identifier: kept when it is only digits, like an employee number).
   */
  pii?: 'name' | 'email' | 'phone' | 'value' | 'key';
}

/** Column builders shared by every report, so a kind or width is spelled one way. */
export const textColumn = (header: string, width?: number, pii?: ColumnSpec['pii']): ColumnSpec => ({ header, kind: 'text', width, pii });
export const numberColumn = (header: string, width?: number): ColumnSpec => ({ header, kind: 'number', width });
export const booleanColumn = (header: string, width?: number): ColumnSpec => ({ header, kind: 'boolean', width });
export const dateColumn = (header: string, width?: number): ColumnSpec => ({ header, kind: 'date', width });

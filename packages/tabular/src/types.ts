/** A single cell: CSV cells are always strings; XLSX cells may be numbers. Empty cells are null. */
export type CellValue = string | number | null;

export type Delimiter = ";" | ",";

export type TableFormat = "csv" | "xlsx";

export type TextEncoding = "utf-8" | "windows-1252";

export interface TableRow {
  /** 1-based line (CSV) or row (XLSX) number in the file; the header is line 1. */
  line: number;
  /** Cell values keyed by the (trimmed, lower-cased) column name. */
  cells: Record<string, CellValue>;
}

export interface Table {
  format: TableFormat;
  /** Only set for CSV. */
  delimiter?: Delimiter;
  /** Only set for CSV. */
  encoding?: TextEncoding;
  /** Column names, trimmed and lower-cased, in file order. */
  header: string[];
  rows: TableRow[];
  /** XLSX: addresses of the cells that held a formula (their cached values were read), e.g. `D5`. */
  formulaCells?: string[];
}

export interface ReadTableOptions {
  /** Used to recognise `.xlsx` files (the zip magic bytes are recognised regardless). */
  fileName?: string;
  /** Forces the CSV delimiter; otherwise it is detected from the header line. */
  delimiter?: Delimiter;
  /** CSV: refuse a physical line longer than this many characters (default 64 K) with `line_too_long`. */
  maxLineLength?: number;
}

export type TableErrorCode = "empty" | "no_header" | "duplicate_column" | "malformed" | "unreadable_xlsx";

/** Thrown by `readTable` when a file cannot be turned into a table. `message` is plain English. */
export class TableError extends Error {
  override readonly name = "TableError";
  readonly code: TableErrorCode;
  /** 1-based line/row number the problem was found on, when known. */
  readonly line?: number;
  /** Column name involved (e.g. for `duplicate_column`), when known. */
  readonly column?: string;

  constructor(code: TableErrorCode, message: string, details: { line?: number; column?: string } = {}) {
    super(message);
    this.code = code;
    if (details.line !== undefined) this.line = details.line;
    if (details.column !== undefined) this.column = details.column;
  }
}

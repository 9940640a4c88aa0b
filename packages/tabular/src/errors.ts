export type TableErrorCode =
  | "empty"
  | "no_header"
  | "duplicate_column"
  | "malformed"
  | "unreadable_xlsx"
  | "utf16"
  | "line_too_long";

/** Thrown by `readTable` when a file cannot be turned into a table. `message` is plain English. */
export class TableError extends Error {
  override readonly name = "TableError";
  readonly code: TableErrorCode;
  /** 1-based line/row number the problem was found on, when known. */
  readonly line?: number;
  /** Column name involved (e.g. for `duplicate_column`), when known. */
  readonly column?: string;
  /** Values for the translated message (e.g. the line limit in KB); never personal data. */
  readonly params?: Record<string, string | number>;

  constructor(
    code: TableErrorCode,
    message: string,
    details: { line?: number; column?: string; params?: Record<string, string | number> } = {}
  ) {
    super(message);
    this.code = code;
    if (details.line !== undefined) this.line = details.line;
    if (details.column !== undefined) this.column = details.column;
    if (details.params !== undefined) this.params = details.params;
  }
}

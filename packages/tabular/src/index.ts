export type { CellValue, Delimiter, ReadTableOptions, Table, TableFormat, TableRow, TextEncoding } from "./types";
export { TableError, type TableErrorCode } from "./errors";
export { readTable } from "./read";
export { decodeText, detectDelimiter } from "./csv";
export { requireColumns, extraColumns } from "./columns";
export { parseDecimal, parseDecimalCell, parseInteger, type DecimalSeparator } from "./numbers";
export { streamTable, type StreamTableOptions, type StreamedTable } from "./stream";
export { IssueCollector, summariseIssues, type IssueSummary, type RowIssue } from "./issues";

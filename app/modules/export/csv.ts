/**
 * CSV as Dutch Excel writes it (`;`, UTF-8 BOM, CRLF), without server-only imports, so a page can
 * write the rows it shows in the browser (DataTable) under the same rules as the server's
 * downloads (files.server.ts uses `escapeFormula` from here; a unit test checks that both write
 * the same bytes). Text that could be taken for a formula gets a leading `'`.
 */

/** A cell: text, a number, empty, or an exact decimal (money) kept as its digits. */
export type CsvCell = string | number | null | { decimal: string };

const FORMULA_START = /^[=+\-@\t\r]/;

export function escapeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

// Quoted as csv-stringify does for the server's files: the delimiter, a quote or a line break,
// and leading or trailing spaces (which survive Excel only when quoted).
const NEEDS_QUOTES = /[;"\r\n]|^\s|\s$/;

function field(cell: CsvCell): string {
  if (cell === null) return "";
  // Dutch Excel reads `1234,56`; never thousands separators, never formula-escaped (a minus sign).
  if (typeof cell === "number") return Number.isFinite(cell) ? String(cell).replace(".", ",") : "";
  if (typeof cell === "object") return cell.decimal.replace(".", ",");
  const text = escapeFormula(cell);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function rowsToCsv(rows: readonly (readonly CsvCell[])[]): string {
  return `\uFEFF${rows.map((row) => row.map(field).join(";")).join("\r\n")}${rows.length ? "\r\n" : ""}`;
}

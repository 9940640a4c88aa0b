import ExcelJS from "exceljs";
import { TableError } from "./errors";
import { buildRows } from "./header";
import type { CellValue, Table } from "./types";

type ExcelCellValue = ExcelJS.CellValue;

export async function readXlsx(bytes: Uint8Array): Promise<Table> {
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs declares its own `Buffer` type (an ArrayBuffer look-alike); a Node Buffer is what it expects at runtime.
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    await workbook.xlsx.load(buffer as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch (error) {
    const detail = error instanceof Error ? ` (${error.message})` : "";
    throw new TableError("unreadable_xlsx", `The file could not be read as an Excel (.xlsx) workbook${detail}.`);
  }

  const sheet = workbook.worksheets[0];
  if (!sheet) throw new TableError("unreadable_xlsx", "The Excel workbook contains no worksheets.");

  const rawRows: { line: number; values: CellValue[] }[] = [];
  const formulaCells: string[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values: CellValue[] = [];
    row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
      // Their last calculated values are read as they are: the caller warns about them.
      if (cell.type === ExcelJS.ValueType.Formula) formulaCells.push(cell.address);
      // For formulas read `cell.result`: exceljs's `cell.value` drops falsy results (0, "", false).
      const raw =
        cell.type === ExcelJS.ValueType.Formula ? (cell.result as ExcelCellValue | undefined) ?? null : cell.value;
      values[colNumber - 1] = toCellValue(raw);
    });
    // fill holes left by sparse assignment
    for (let i = 0; i < values.length; i++) if (values[i] === undefined) values[i] = null;
    if (values.some((v) => v !== null)) rawRows.push({ line: rowNumber, values });
  });

  const first = rawRows[0];
  if (!first) throw new TableError("empty", "The first worksheet of the Excel file is empty.");
  if (first.line !== 1) {
    throw new TableError("no_header", `Row 1 of the first worksheet must contain the column names, but it is empty.`, {
      line: 1,
    });
  }
  const headerNames = first.values.map((v) => (v === null ? "" : String(v)));
  const { header, rows } = buildRows(headerNames, 1, rawRows.slice(1));
  return formulaCells.length ? { format: "xlsx", header, rows, formulaCells } : { format: "xlsx", header, rows };
}

function toCellValue(value: ExcelCellValue): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string") return textCell(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return formatDate(value);
  if (typeof value === "object") {
    if ("richText" in value) return textCell(value.richText.map((part) => part.text).join(""));
    if ("formula" in value || "sharedFormula" in value) {
      const result = (value as { result?: ExcelCellValue }).result;
      return toCellValue(result ?? null);
    }
    if ("hyperlink" in value) {
      const text: unknown = value.text;
      if (typeof text === "string") return textCell(text);
      if (text && typeof text === "object" && "richText" in text) {
        return toCellValue(text as ExcelCellValue);
      }
      return textCell(value.hyperlink);
    }
    if ("error" in value) return value.error;
  }
  return null;
}

function textCell(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : trimmed;
}

/** exceljs represents Excel dates as UTC instants; take the calendar date in UTC. */
function formatDate(date: Date): string | null {
  if (Number.isNaN(date.getTime())) return null;
  const y = String(date.getUTCFullYear()).padStart(4, "0");
  const m = String(date.getUTCMonth() + 1).padStart(2, "0");
  const d = String(date.getUTCDate()).padStart(2, "0");
  return `${y}-${m}-${d}`;
}

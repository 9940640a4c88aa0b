import ExcelJS from "exceljs";

/**
 * Files for Excel users: CSV as Dutch Excel writes it (`;`, UTF-8 BOM, CRLF)
 * and XLSX. Text that a spreadsheet could take for a formula (starting with
 * `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`; numbers stay numbers.
 */

export type ExportCell = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;

export function escapeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function csvCell(cell: ExportCell, decimalComma: boolean): string {
  if (cell === null) return "";
  if (typeof cell === "number") return Number.isFinite(cell) ? (decimalComma ? String(cell).replace(".", ",") : String(cell)) : "";
  const text = escapeFormula(cell);
  return /[;"\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `decimalComma`: numbers as Dutch Excel reads them (`1234,56`); never thousands separators. */
export function toCsv(rows: readonly (readonly ExportCell[])[], options: { decimalComma?: boolean } = {}): string {
  const decimalComma = options.decimalComma ?? false;
  return `\uFEFF${rows.map((row) => row.map((cell) => csvCell(cell, decimalComma)).join(";")).join("\r\n")}\r\n`;
}

export async function toXlsx(rows: readonly (readonly ExportCell[])[], sheetName: string): Promise<Uint8Array<ArrayBuffer>> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  for (const row of rows) {
    // Strings are written as text cells (never formulas); numbers as numbers.
    sheet.addRow(row.map((cell) => (typeof cell === "string" ? escapeFormula(cell) : cell)));
  }
  const header = rows[0];
  if (header) {
    sheet.getRow(1).font = { bold: true };
    sheet.views = [{ state: "frozen", ySplit: 1 }];
    sheet.columns.forEach((column, index) => {
      const longest = Math.max(...rows.map((row) => String(row[index] ?? "").length));
      column.width = Math.min(60, Math.max(10, longest + 2));
    });
  }
  return new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
}

/** A download answer; `fileName` is plain ASCII. */
export function attachment(body: string | Uint8Array<ArrayBuffer>, fileName: string, contentType: string): Response {
  return new Response(body, {
    headers: {
      "Content-Type": contentType,
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Cache-Control": "no-store",
    },
  });
}

export const CSV_TYPE = "text/csv; charset=utf-8";
export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

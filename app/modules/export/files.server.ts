import { stringify } from "csv-stringify/sync";
import ExcelJS from "exceljs";
import { escapeFormula } from "./csv";

/**
 * The one module that writes files: CSV as Dutch Excel writes it (`;`, UTF-8 BOM, CRLF) and XLSX
 * for the pages' downloads, and the CLI's CSV for scripts. CSV through csv-stringify (quoting
 * and escaping done by a library made for it). For spreadsheets, text that could be taken for a
 * formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`; numbers stay
 * numbers. The CLI's CSV is not escaped: scripts read `-12.50` as a number.
 */

export type ExportCell = string | number | null;

// One rule for every file, also the CSV a page writes in the browser (csv.ts).
export { escapeFormula };

/** `decimalComma`: numbers as Dutch Excel reads them (`1234,56`); never thousands separators. */
export function toCsv(rows: readonly (readonly ExportCell[])[], options: { decimalComma?: boolean } = {}): string {
  const decimalComma = options.decimalComma ?? false;
  const body = stringify(rows as ExportCell[][], {
    delimiter: ";",
    record_delimiter: "\r\n",
    // Line breaks inside a field (csv-stringify quotes only the whole CRLF), and leading or
    // trailing spaces, which survive a round trip through Excel only when quoted.
    quoted_match: /[\r\n]|^\s|\s$/,
    cast: {
      number: (value) => (Number.isFinite(value) ? (decimalComma ? String(value).replace(".", ",") : String(value)) : ""),
      string: (value) => escapeFormula(value),
    },
  });
  return `\uFEFF${body}`;
}

/**
 * CSV for the CLI's `--format csv` (RIGG's scripts read it): a header row of the records' keys,
 * comma-separated, LF, no BOM, values quoted only when needed; null and undefined are empty.
 */
export function reportCsv(records: readonly Record<string, unknown>[]): string {
  if (!records.length) return "";
  const columns = Object.keys(records[0]!);
  return stringify(
    records.map((record) => columns.map((column) => record[column])),
    {
      header: true,
      columns,
      delimiter: ",",
      record_delimiter: "\n",
      cast: { boolean: (value) => String(value), date: (value) => String(value), object: (value) => String(value) },
    },
  );
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

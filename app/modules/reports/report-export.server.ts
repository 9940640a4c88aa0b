import type { Language } from "~/i18n/config";
import { notFound } from "~/modules/http.server";
import { attachment, CSV_TYPE, toCsv, toXlsx, XLSX_TYPE, type ExportCell } from "~/modules/export/files.server";

/**
 * A report table as CSV or XLSX. XLSX keeps numbers as numbers; CSV writes them with the
 * language's decimal separator (a comma for Dutch, so Dutch Excel reads them as numbers).
 * Text that looks like a formula is escaped by the spreadsheet helpers.
 */
export async function spreadsheetAnswer(format: string | null, language: Language, rows: ExportCell[][], baseName: string): Promise<Response> {
  const fileName = baseName.replace(/[^A-Za-z0-9._-]/g, "_");
  if (format === "xlsx") return attachment(await toXlsx(rows, "Jeugdregio"), `${fileName}.xlsx`, XLSX_TYPE);
  if (format !== "csv") throw notFound();
  return attachment(toCsv(rows, { decimalComma: language === "nl" }), `${fileName}.csv`, CSV_TYPE);
}

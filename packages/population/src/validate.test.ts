import { readTable, type Table, type TableRow } from "@jeugdregio/tabular";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { validatePopulationTable, type RowIssue } from "./index";

const KNOWN = new Set(["GM0014", "GM0034", "GM0037"]);
const HEADER = ["municipality_code", "year", "inhabitants_0_17"];

function csvTable(rows: [string | null, string | null, string | null][], header = HEADER): Table {
  const tableRows: TableRow[] = rows.map(([code, year, inhabitants], i) => ({
    line: i + 2,
    cells: { municipality_code: code, year, inhabitants_0_17: inhabitants },
  }));
  return { format: "csv", delimiter: ",", encoding: "utf-8", header, rows: tableRows };
}

function errorsOf(result: ReturnType<typeof validatePopulationTable>): RowIssue[] {
  if (result.ok) throw new Error("expected validation to fail");
  return result.errors;
}

describe("validatePopulationTable", () => {
  it("accepts a valid CSV file read through readTable", async () => {
    const bytes = new TextEncoder().encode(
      "municipality_code,year,inhabitants_0_17\nGM0014,2024,36000\nGM0014,2023,35640\n"
    );
    const result = validatePopulationTable(await readTable(bytes, { fileName: "bevolking.csv" }), KNOWN);
    expect(result).toEqual({
      ok: true,
      rows: [
        { municipalityCode: "GM0014", year: 2024, inhabitants0to17: 36000, line: 2 },
        { municipalityCode: "GM0014", year: 2023, inhabitants0to17: 35640, line: 3 },
      ],
      notices: [],
    });
  });

  it("accepts a semicolon CSV with a BOM, CRLF and upper-case header", async () => {
    const text = "\uFEFFMunicipality_Code;Year;Inhabitants_0_17\r\nGM0034;2024;0\r\n";
    const result = validatePopulationTable(await readTable(new TextEncoder().encode(text), {}), KNOWN);
    expect(result).toEqual({
      ok: true,
      rows: [{ municipalityCode: "GM0034", year: 2024, inhabitants0to17: 0, line: 2 }],
      notices: [],
    });
  });

  it("accepts an XLSX file with numeric cells", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Bevolking");
    sheet.addRow(["municipality_code", "year", "inhabitants_0_17", "Bron"]);
    sheet.addRow(["GM0014", 2024, 36000, "CBS"]);
    sheet.addRow(["GM0037", "2024", 12345]); // year typed as text is fine too
    const bytes = new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer);

    const table = await readTable(bytes, { fileName: "bevolking.xlsx" });
    expect(table.format).toBe("xlsx");
    const result = validatePopulationTable(table, KNOWN);
    expect(result).toEqual({
      ok: true,
      rows: [
        { municipalityCode: "GM0014", year: 2024, inhabitants0to17: 36000, line: 2 },
        { municipalityCode: "GM0037", year: 2024, inhabitants0to17: 12345, line: 3 },
      ],
      notices: [
        {
          line: 1,
          column: "bron",
          code: "extra_column",
          message: 'The column "bron" is not used and will be ignored.',
        },
      ],
    });
  });

  it("rejects non-integer and negative inhabitants in XLSX", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Bevolking");
    sheet.addRow(HEADER);
    sheet.addRow(["GM0014", 2024, 36000.5]);
    sheet.addRow(["GM0014", 2023.5, -1]);
    const bytes = new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
    const errors = errorsOf(validatePopulationTable(await readTable(bytes, {}), KNOWN));
    expect(errors.map((e) => [e.line, e.column, e.code, e.value])).toEqual([
      [2, "inhabitants_0_17", "invalid_inhabitants", "36000.5"],
      [3, "year", "invalid_year", "2023.5"],
      [3, "inhabitants_0_17", "invalid_inhabitants", "-1"],
    ]);
  });

  it("reports every missing column (and extra columns as notices)", () => {
    const table: Table = {
      format: "csv",
      header: ["gemeente", "year"],
      rows: [{ line: 2, cells: { gemeente: "GM0014", year: "2024" } }],
    };
    const result = validatePopulationTable(table, KNOWN);
    expect(result.ok).toBe(false);
    expect(errorsOf(result).map((e) => [e.line, e.column, e.code])).toEqual([
      [1, "municipality_code", "missing_column"],
      [1, "inhabitants_0_17", "missing_column"],
    ]);
    expect(result.notices.map((n) => [n.column, n.code])).toEqual([["gemeente", "extra_column"]]);
  });

  it("reports no_rows for a header-only file", async () => {
    const table = await readTable(new TextEncoder().encode("municipality_code,year,inhabitants_0_17\n"), {});
    expect(errorsOf(validatePopulationTable(table, KNOWN))).toEqual([
      { line: null, column: null, code: "no_rows", message: "The file contains no data rows, only a header." },
    ]);
  });

  it("reports invalid municipality codes", () => {
    const errors = errorsOf(
      validatePopulationTable(
        csvTable([
          ["0014", "2024", "1"],
          ["gm0014", "2024", "1"],
          ["GM14", "2024", "1"],
          [null, "2024", "1"],
        ]),
        KNOWN
      )
    );
    expect(errors.map((e) => [e.line, e.column, e.code, e.value])).toEqual([
      [2, "municipality_code", "invalid_municipality_code", "0014"],
      [3, "municipality_code", "invalid_municipality_code", "gm0014"],
      [4, "municipality_code", "invalid_municipality_code", "GM14"],
      [5, "municipality_code", "invalid_municipality_code", undefined],
    ]);
    expect(errors[0]?.message).toContain("GM");
  });

  it("reports unknown municipalities", () => {
    const errors = errorsOf(validatePopulationTable(csvTable([["GM9999", "2024", "100"]]), KNOWN));
    expect(errors).toEqual([
      {
        line: 2,
        column: "municipality_code",
        code: "unknown_municipality",
        message: "Line 2: municipality GM9999 is not a known municipality.",
        value: "GM9999",
      },
    ]);
  });

  it("reports invalid years", () => {
    const errors = errorsOf(
      validatePopulationTable(
        csvTable([
          ["GM0014", "1899", "1"],
          ["GM0014", "2201", "1"],
          ["GM0014", "2024.0", "1"],
          ["GM0014", "twintig", "1"],
          ["GM0014", null, "1"],
        ]),
        KNOWN
      )
    );
    expect(errors.map((e) => [e.line, e.column, e.code])).toEqual([
      [2, "year", "invalid_year"],
      [3, "year", "invalid_year"],
      [4, "year", "invalid_year"],
      [5, "year", "invalid_year"],
      [6, "year", "invalid_year"],
    ]);
  });

  it("reports invalid inhabitants, including thousands separators", () => {
    const errors = errorsOf(
      validatePopulationTable(
        csvTable([
          ["GM0014", "2020", "36.000"],
          ["GM0014", "2021", "36,000"],
          ["GM0014", "2022", "-5"],
          ["GM0014", "2023", "12,5"],
          ["GM0014", "2024", null],
        ]),
        KNOWN
      )
    );
    expect(errors.map((e) => [e.line, e.column, e.code, e.value])).toEqual([
      [2, "inhabitants_0_17", "invalid_inhabitants", "36.000"],
      [3, "inhabitants_0_17", "invalid_inhabitants", "36,000"],
      [4, "inhabitants_0_17", "invalid_inhabitants", "-5"],
      [5, "inhabitants_0_17", "invalid_inhabitants", "12,5"],
      [6, "inhabitants_0_17", "invalid_inhabitants", undefined],
    ]);
    expect(errors[0]?.message).toContain("thousands separator");
  });

  it("refuses a number of inhabitants beyond the database's integer range, and accepts its maximum", () => {
    const result = validatePopulationTable(
      csvTable([
        ["GM0014", "2020", "99999999999"],
        ["GM0014", "2021", "2147483648"],
        ["GM0014", "2022", "2147483647"],
      ]),
      KNOWN
    );
    expect(errorsOf(result).map((e) => [e.line, e.column, e.code, e.value])).toEqual([
      [2, "inhabitants_0_17", "inhabitants_out_of_range", "99999999999"],
      [3, "inhabitants_0_17", "inhabitants_out_of_range", "2147483648"],
    ]);
  });

  it("reports a duplicate municipality/year on the second line, mentioning the first", () => {
    const errors = errorsOf(
      validatePopulationTable(
        csvTable([
          ["GM0014", "2024", "36000"],
          ["GM0034", "2024", "1000"],
          ["GM0014", "2024", "36001"],
        ]),
        KNOWN
      )
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 4, code: "duplicate_row", column: "municipality_code" });
    expect(errors[0]?.message).toContain("line 2");
  });

  it("collects all errors across rows and columns, not just the first", async () => {
    const bytes = new TextEncoder().encode(
      "municipality_code;year;inhabitants_0_17;opmerking\n" +
        "GM0014;2024;36000;\n" +
        "XX0001;3000;veel;\n" +
        "GM9999;2024;1;\n" +
        "GM0014;2024;2;dubbel\n"
    );
    const result = validatePopulationTable(await readTable(bytes, {}), KNOWN);
    expect(errorsOf(result).map((e) => [e.line, e.column, e.code])).toEqual([
      [3, "municipality_code", "invalid_municipality_code"],
      [3, "year", "invalid_year"],
      [3, "inhabitants_0_17", "invalid_inhabitants"],
      [4, "municipality_code", "unknown_municipality"],
      [5, "municipality_code", "duplicate_row"],
    ]);
    expect(result.notices.map((n) => n.code)).toEqual(["extra_column"]);
  });
});

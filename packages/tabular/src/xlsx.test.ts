import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { readTable, TableError } from "./index";

async function workbookBytes(
  build: (sheet: ExcelJS.Worksheet, workbook: ExcelJS.Workbook) => void
): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("Blad1");
  build(sheet, workbook);
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}

async function tableError(promise: Promise<unknown>): Promise<TableError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(TableError);
  return error as TableError;
}

describe("readTable – XLSX", () => {
  it("reads the first worksheet with number, text, date, formula and empty cells", async () => {
    const bytes = await workbookBytes((sheet, workbook) => {
      sheet.addRow([" Code ", "Year", "Amount", "Start date", "Note", "Total"]);
      sheet.addRow([
        "GM0014",
        2024,
        1234.56,
        new Date(Date.UTC(2024, 0, 1)),
        "  eerste  ",
        { formula: "C2*2", result: 2469.12 },
      ]);
      sheet.addRow([]); // fully empty row: skipped
      // result 0 exercises an exceljs quirk: `cell.value` drops falsy formula results
      sheet.addRow(["GM0034", 2023, null, new Date(Date.UTC(2023, 11, 31)), "   ", { formula: "C4*2", result: 0 }]);
      sheet.getCell("D2").numFmt = "dd-mm-yyyy";
      sheet.getCell("D4").numFmt = "dd-mm-yyyy";
      const other = workbook.addWorksheet("Blad2");
      other.addRow(["not", "read"]);
    });
    // zip magic is enough, no file name needed
    const table = await readTable(bytes, {});
    expect(table.format).toBe("xlsx");
    expect(table.delimiter).toBeUndefined();
    expect(table.encoding).toBeUndefined();
    expect(table.header).toEqual(["code", "year", "amount", "start date", "note", "total"]);
    expect(table.rows).toEqual([
      {
        line: 2,
        cells: {
          code: "GM0014",
          year: 2024,
          amount: 1234.56,
          "start date": "2024-01-01",
          note: "eerste",
          total: 2469.12,
        },
      },
      {
        line: 4,
        cells: { code: "GM0034", year: 2023, amount: null, "start date": "2023-12-31", note: null, total: 0 },
      },
    ]);
    // The cached values are read; the caller is told which cells were formulas.
    expect(table.formulaCells).toEqual(["F2", "F4"]);
  });

  it("lists no formula cells for a sheet of plain values", async () => {
    const table = await readTable(await workbookBytes((sheet) => sheet.addRows([["a"], [1]])), {});
    expect(table.formulaCells).toBeUndefined();
  });

  it("returns rich text and hyperlinks as plain text", async () => {
    const bytes = await workbookBytes((sheet) => {
      sheet.addRow(["naam", "website"]);
      sheet.addRow([
        { richText: [{ text: "Zorg" }, { text: "groep", font: { bold: true } }] },
        { text: "voorbeeld", hyperlink: "https://example.org" },
      ]);
    });
    const table = await readTable(bytes, { fileName: "lijst.xlsx" });
    expect(table.rows).toEqual([{ line: 2, cells: { naam: "Zorggroep", website: "voorbeeld" } }]);
  });

  it("returns no rows for a header-only sheet", async () => {
    const bytes = await workbookBytes((sheet) => {
      sheet.addRow(["municipality_code", "year", "inhabitants_0_17"]);
    });
    const table = await readTable(bytes, {});
    expect(table.header).toEqual(["municipality_code", "year", "inhabitants_0_17"]);
    expect(table.rows).toEqual([]);
  });

  it("rejects an empty first worksheet", async () => {
    const error = await tableError(readTable(await workbookBytes(() => {}), {}));
    expect(error.code).toBe("empty");
  });

  it("rejects a sheet whose first row is empty", async () => {
    const bytes = await workbookBytes((sheet) => {
      sheet.getCell("A3").value = "code";
    });
    const error = await tableError(readTable(bytes, {}));
    expect(error.code).toBe("no_header");
    expect(error.line).toBe(1);
  });

  it("rejects duplicate columns", async () => {
    const bytes = await workbookBytes((sheet) => {
      sheet.addRow(["Year", "YEAR "]);
    });
    const error = await tableError(readTable(bytes, {}));
    expect(error.code).toBe("duplicate_column");
  });

  it("rejects a value in a column without a header", async () => {
    const bytes = await workbookBytes((sheet) => {
      sheet.addRow(["a", "b"]);
      sheet.addRow([1, 2, 3]);
    });
    const error = await tableError(readTable(bytes, {}));
    expect(error.code).toBe("no_header");
    expect(error.line).toBe(2);
  });

  it("rejects bytes that are not a readable workbook", async () => {
    const notZip = await tableError(readTable(new TextEncoder().encode("a;b\n1;2\n"), { fileName: "DATA.XLSX" }));
    expect(notZip.code).toBe("unreadable_xlsx");
    const brokenZip = await tableError(readTable(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]), {}));
    expect(brokenZip.code).toBe("unreadable_xlsx");
    expect(brokenZip.message).toMatch(/Excel/);
  });
});

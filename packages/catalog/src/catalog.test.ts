import { readTable, type CellValue, type Table } from "@jeugdregio/tabular";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import {
  CATALOG_COLUMNS,
  catalogToRows,
  resolveSegment,
  validateCatalogTable,
  type CatalogIssue,
  type CatalogValidationResult,
  type MappingRow,
} from "./index";

const KNOWN = new Set(["GM0014", "GM1966", "GM0037"]);

// The shared example file (../shared/data/example-catalog.csv).
const EXAMPLE = [
  "product_code;name_nl;name_en;segment;municipality_code;valid_from;valid_to",
  "45A51;Gezinsbegeleiding basis;Family guidance, basic;basishulp;;2015-01-01;",
  "54001;Jeugd-ggz behandeling;Youth mental health treatment;aanvullende_hulp;;2015-01-01;",
  "44P01;Pleegzorg;Foster care;wonen;;2015-01-01;",
  "41A01;Dagbehandeling;Day treatment;onderwijs;;2015-01-01;",
  "48B01;Jeugdbeschermingsmaatregel;Child protection measure;;;2015-01-01;",
  "45A60;Ouder-kindbegeleiding;Parent-child guidance;aanvullende_hulp;;2015-01-01;2023-12-31",
  "45A60;Ouder-kindbegeleiding;Parent-child guidance;basishulp;;2024-01-01;",
  "45A60;Ouder-kindbegeleiding;Parent-child guidance;basishulp;GM0014;2023-01-01;2023-12-31",
  "",
].join("\n");

type Cells = [
  product_code: CellValue,
  name_nl: CellValue,
  name_en: CellValue,
  segment: CellValue,
  municipality_code: CellValue,
  valid_from: CellValue,
  valid_to: CellValue,
];

function table(rows: Cells[], header: string[] = [...CATALOG_COLUMNS]): Table {
  return {
    format: "csv",
    delimiter: ";",
    encoding: "utf-8",
    header,
    rows: rows.map((values, i) => ({
      line: i + 2,
      cells: Object.fromEntries(header.map((name, c) => [name, values[c] ?? null])),
    })),
  };
}

const P: Cells = ["45A51", "Gezinsbegeleiding basis", "Family guidance, basic", "basishulp", null, "2015-01-01", null];
const rowWith = (changes: Partial<Record<(typeof CATALOG_COLUMNS)[number], CellValue>>): Cells =>
  CATALOG_COLUMNS.map((c, i) => (c in changes ? changes[c] : P[i])) as Cells;

function errorsOf(result: CatalogValidationResult): CatalogIssue[] {
  if (result.ok) throw new Error("expected validation to fail");
  return result.errors;
}

function okOf(result: CatalogValidationResult) {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.errors)}`);
  return result;
}

describe("validateCatalogTable – the shared example", () => {
  it("reads products and mappings", async () => {
    const result = okOf(validateCatalogTable(await readTable(new TextEncoder().encode(EXAMPLE), {}), KNOWN));
    expect(result.notices).toEqual([]);
    expect(result.products).toEqual([
      { code: "45A51", nameNl: "Gezinsbegeleiding basis", nameEn: "Family guidance, basic", category: "45" },
      { code: "54001", nameNl: "Jeugd-ggz behandeling", nameEn: "Youth mental health treatment", category: "54" },
      { code: "44P01", nameNl: "Pleegzorg", nameEn: "Foster care", category: "44" },
      { code: "41A01", nameNl: "Dagbehandeling", nameEn: "Day treatment", category: "41" },
      { code: "48B01", nameNl: "Jeugdbeschermingsmaatregel", nameEn: "Child protection measure", category: "48" },
      { code: "45A60", nameNl: "Ouder-kindbegeleiding", nameEn: "Parent-child guidance", category: "45" },
    ]);
    expect(result.mappings).toEqual([
      { line: 2, productCode: "45A51", segment: "basishulp", municipalityCode: null, validFrom: "2015-01-01", validTo: null },
      { line: 3, productCode: "54001", segment: "aanvullende_hulp", municipalityCode: null, validFrom: "2015-01-01", validTo: null },
      { line: 4, productCode: "44P01", segment: "wonen", municipalityCode: null, validFrom: "2015-01-01", validTo: null },
      { line: 5, productCode: "41A01", segment: "onderwijs", municipalityCode: null, validFrom: "2015-01-01", validTo: null },
      { line: 6, productCode: "48B01", segment: null, municipalityCode: null, validFrom: "2015-01-01", validTo: null },
      { line: 7, productCode: "45A60", segment: "aanvullende_hulp", municipalityCode: null, validFrom: "2015-01-01", validTo: "2023-12-31" },
      { line: 8, productCode: "45A60", segment: "basishulp", municipalityCode: null, validFrom: "2024-01-01", validTo: null },
      { line: 9, productCode: "45A60", segment: "basishulp", municipalityCode: "GM0014", validFrom: "2023-01-01", validTo: "2023-12-31" },
    ]);

    const of = (code: string) => result.mappings.filter((m) => m.productCode === code);
    // the GM0014 override for 2023
    expect(resolveSegment(of("45A60"), "GM0014", "2023-06-01")).toBe("basishulp");
    expect(resolveSegment(of("45A60"), "GM1966", "2023-06-01")).toBe("aanvullende_hulp");
    expect(resolveSegment(of("45A60"), "GM0014", "2022-12-01")).toBe("aanvullende_hulp");
    // the regional change on 2024-01-01
    expect(resolveSegment(of("45A60"), "GM1966", "2023-12-01")).toBe("aanvullende_hulp");
    expect(resolveSegment(of("45A60"), "GM1966", "2024-01-01")).toBe("basishulp");
    expect(resolveSegment(of("45A60"), "GM0014", "2024-01-01")).toBe("basishulp");
    // known product in no segment vs. no valid row
    expect(resolveSegment(of("48B01"), "GM0014", "2024-01-01")).toBeNull();
    expect(resolveSegment(of("45A51"), "GM0014", "2014-12-01")).toBeUndefined();
    expect(resolveSegment([], "GM0014", "2024-01-01")).toBeUndefined();
  });
});

describe("validateCatalogTable – errors", () => {
  const cases: [name: string, column: string, code: string, row: Cells][] = [
    ["empty product code", "product_code", "invalid_product_code", rowWith({ product_code: null })],
    ["lower-case product code", "product_code", "invalid_product_code", rowWith({ product_code: "45a51" })],
    ["product code of 4 characters", "product_code", "invalid_product_code", rowWith({ product_code: "45A5" })],
    ["product code with a dash", "product_code", "invalid_product_code", rowWith({ product_code: "45-51" })],
    ["empty Dutch name", "name_nl", "missing_name", rowWith({ name_nl: null })],
    ["empty English name", "name_en", "missing_name", rowWith({ name_en: null })],
    ["name too long", "name_nl", "invalid_name", rowWith({ name_nl: "x".repeat(201) })],
    ["name with a NUL character", "name_en", "nul_character", rowWith({ name_en: "Outpatient\u0000help" })],
    ["unknown segment", "segment", "unknown_segment", rowWith({ segment: "jeugdzorg" })],
    ["segment 'all'", "segment", "unknown_segment", rowWith({ segment: "all" })],
    ["segment 'unassigned'", "segment", "unknown_segment", rowWith({ segment: "unassigned" })],
    ["municipality without GM", "municipality_code", "invalid_municipality_code", rowWith({ municipality_code: "0014" })],
    ["unknown municipality", "municipality_code", "unknown_municipality", rowWith({ municipality_code: "GM9999" })],
    ["empty valid_from", "valid_from", "invalid_date", rowWith({ valid_from: null })],
    ["Dutch date order", "valid_from", "invalid_date", rowWith({ valid_from: "01-01-2024" })],
    ["31 April", "valid_from", "invalid_date", rowWith({ valid_from: "2024-04-31" })],
    ["29 February in a common year", "valid_from", "invalid_date", rowWith({ valid_from: "2023-02-29" })],
    ["month 13", "valid_to", "invalid_date", rowWith({ valid_to: "2024-13-01" })],
    ["date with time", "valid_to", "invalid_date", rowWith({ valid_to: "2024-01-01T00:00" })],
    ["Excel serial number", "valid_from", "invalid_date", rowWith({ valid_from: 45292 })],
    ["valid_to before valid_from", "valid_to", "valid_to_before_valid_from", rowWith({ valid_from: "2024-01-01", valid_to: "2023-12-31" })],
  ];

  it.each(cases)("%s → %s %s", (_name, column, code, row) => {
    const errors = errorsOf(validateCatalogTable(table([row]), KNOWN));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 2, column, code });
    expect(errors[0]?.message).toMatch(/^Line 2: /);
  });

  it("accepts valid_to equal to valid_from (one day), a 29 February in a leap year, and segment spellings", () => {
    const result = okOf(
      validateCatalogTable(
        table([
          rowWith({ valid_from: "2024-02-29", valid_to: "2024-02-29" }),
          rowWith({ product_code: "54001", segment: "Aanvullende hulp" }),
          rowWith({ product_code: "54002", segment: " HSJ " }),
          rowWith({ product_code: "54003", segment: "aanvullende-hulp" }),
        ]),
        KNOWN
      )
    );
    expect(result.mappings.map((m) => m.segment)).toEqual(["basishulp", "aanvullende_hulp", "hsj", "aanvullende_hulp"]);
  });

  it("reads a product code typed as a number in Excel", () => {
    const result = okOf(validateCatalogTable(table([rowWith({ product_code: 54001 })]), KNOWN));
    expect(result.products[0]?.code).toBe("54001");
  });

  it("reports products whose names differ between lines, with both lines", () => {
    const errors = errorsOf(
      validateCatalogTable(
        table([
          P,
          rowWith({ valid_from: "2015-01-01", municipality_code: "GM0014" }),
          rowWith({ name_en: "Family support", municipality_code: "GM1966" }),
        ]),
        KNOWN
      )
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 4, column: "name_en", code: "conflicting_names", relatedLine: 2, value: "Family support" });
    expect(errors[0]?.message).toContain("line 2");
  });

  it("checks the category only when known categories are given", () => {
    const rows = table([rowWith({ product_code: "99X01" })]);
    expect(validateCatalogTable(rows, KNOWN).ok).toBe(true);
    const categories = new Set(["40", "41", "42", "43", "44", "45", "46", "47", "48", "49", "50", "51", "52", "53", "54", "55"]);
    expect(errorsOf(validateCatalogTable(rows, KNOWN, { knownCategories: categories }))).toMatchObject([
      { line: 2, column: "product_code", code: "unknown_category", value: "99X01" },
    ]);
    expect(validateCatalogTable(table([P]), KNOWN, { knownCategories: categories }).ok).toBe(true);
  });

  it("reports missing columns and extra columns; municipality_code and valid_to may be left out", () => {
    const result = validateCatalogTable(
      table([["45A51", "x", "y", "basishulp"]] as unknown as Cells[], ["product_code", "naam", "name_en", "segment"]),
      KNOWN
    );
    expect(errorsOf(result).map((e) => [e.line, e.column, e.code])).toEqual([
      [1, "name_nl", "missing_column"],
      [1, "valid_from", "missing_column"],
    ]);
    expect(result.notices.map((n) => [n.column, n.code])).toEqual([["naam", "extra_column"]]);

    const short = okOf(
      validateCatalogTable(
        table([["45A51", "x", "y", null, "2024-01-01"]] as unknown as Cells[], ["product_code", "name_nl", "name_en", "segment", "valid_from"]),
        KNOWN
      )
    );
    expect(short.mappings).toEqual([
      { line: 2, productCode: "45A51", segment: null, municipalityCode: null, validFrom: "2024-01-01", validTo: null },
    ]);
  });

  it("reports no_rows for a header-only file", () => {
    expect(errorsOf(validateCatalogTable(table([]), KNOWN))).toEqual([
      { line: null, column: null, code: "no_rows", message: "The file contains no data rows, only a header." },
    ]);
  });

  it("collects every error, sorted by line", () => {
    const errors = errorsOf(
      validateCatalogTable(
        table([
          rowWith({ product_code: "bad", segment: "x" }),
          P,
          rowWith({ valid_from: "2020-01-01" }), // overlaps line 3
          rowWith({ municipality_code: "GM9999", valid_to: "2000-01-01" }),
        ]),
        KNOWN
      )
    );
    expect(errors.map((e) => [e.line, e.column, e.code])).toEqual([
      [2, "product_code", "invalid_product_code"],
      [2, "segment", "unknown_segment"],
      [4, "valid_from", "overlapping_validity"],
      [5, "municipality_code", "unknown_municipality"],
      [5, "valid_to", "valid_to_before_valid_from"],
    ]);
  });
});

describe("validateCatalogTable – overlapping validity", () => {
  const overlapsOf = (rows: Cells[]) =>
    validateCatalogTable(table(rows), KNOWN).ok
      ? []
      : errorsOf(validateCatalogTable(table(rows), KNOWN))
          .filter((e) => e.code === "overlapping_validity")
          .map((e) => [e.line, e.relatedLine]);

  it("lets touching ranges follow each other", () => {
    expect(
      overlapsOf([
        rowWith({ valid_from: "2015-01-01", valid_to: "2023-12-31" }),
        rowWith({ valid_from: "2024-01-01", valid_to: null, segment: "hsj" }),
      ])
    ).toEqual([]);
  });

  it("reports ranges sharing a day, with both line numbers", () => {
    const rows = [
      rowWith({ valid_from: "2015-01-01", valid_to: "2024-01-01" }),
      rowWith({ valid_from: "2024-01-01", valid_to: null, segment: "hsj" }),
    ];
    expect(overlapsOf(rows)).toEqual([[3, 2]]);
    const error = errorsOf(validateCatalogTable(table(rows), KNOWN))[0];
    expect(error?.message).toContain("line 2");
    expect(error?.message).toContain("Line 3");
  });

  it("treats an empty valid_to as open-ended", () => {
    expect(overlapsOf([rowWith({ valid_from: "2015-01-01" }), rowWith({ valid_from: "2030-06-01", segment: "hsj" })])).toEqual([[3, 2]]);
    expect(
      overlapsOf([rowWith({ valid_from: "2030-06-01" }), rowWith({ valid_from: "2015-01-01", valid_to: "2030-06-01", segment: "hsj" })])
    ).toEqual([[3, 2]]);
    expect(
      overlapsOf([rowWith({ valid_from: "2030-06-01" }), rowWith({ valid_from: "2015-01-01", valid_to: "2030-05-31", segment: "hsj" })])
    ).toEqual([]);
  });

  it("reports a range inside another one, identical rows, and every overlapping pair", () => {
    expect(
      overlapsOf([
        rowWith({ valid_from: "2015-01-01", valid_to: "2030-12-31" }),
        rowWith({ valid_from: "2020-03-01", valid_to: "2020-03-31" }),
        rowWith({ valid_from: "2020-03-31", valid_to: "2021-01-01" }),
      ])
    ).toEqual([
      [3, 2],
      [4, 2],
      [4, 3],
    ]);
    expect(overlapsOf([P, P])).toEqual([[3, 2]]);
  });

  it("compares only rows of the same product and the same scope", () => {
    expect(
      overlapsOf([
        P,
        rowWith({ municipality_code: "GM0014", segment: "hsj" }), // override over the regional default: fine
        rowWith({ municipality_code: "GM1966", segment: "wonen" }),
        rowWith({ product_code: "54001" }),
      ])
    ).toEqual([]);
    expect(
      overlapsOf([rowWith({ municipality_code: "GM0014" }), rowWith({ municipality_code: "GM0014", valid_from: "2024-01-01" })])
    ).toEqual([[3, 2]]);
  });

  it("does not compare rows that have errors of their own", () => {
    expect(errorsOf(validateCatalogTable(table([P, rowWith({ segment: "x" })]), KNOWN)).map((e) => e.code)).toEqual([
      "unknown_segment",
    ]);
  });
});

describe("resolveSegment", () => {
  const m = (
    segment: MappingRow["segment"],
    municipalityCode: string | null,
    validFrom: string,
    validTo: string | null,
    line = 2
  ): MappingRow => ({ line, productCode: "45A60", segment, municipalityCode, validFrom, validTo });

  it("prefers a municipality's override valid on that day over the regional default", () => {
    const rows = [m("aanvullende_hulp", null, "2015-01-01", null), m("basishulp", "GM0014", "2023-01-01", "2023-12-31")];
    expect(resolveSegment(rows, "GM0014", "2023-01-01")).toBe("basishulp");
    expect(resolveSegment(rows, "GM0014", "2023-12-31")).toBe("basishulp");
    expect(resolveSegment(rows, "GM0014", "2024-01-01")).toBe("aanvullende_hulp");
    expect(resolveSegment(rows, "GM0014", "2022-12-01")).toBe("aanvullende_hulp");
    expect(resolveSegment(rows, "GM1966", "2023-06-01")).toBe("aanvullende_hulp");
  });

  it("lets an override put a product in no segment, and returns undefined without any valid row", () => {
    const rows = [m("basishulp", null, "2020-01-01", "2024-12-31"), m(null, "GM0014", "2024-01-01", null)];
    expect(resolveSegment(rows, "GM0014", "2024-05-01")).toBeNull();
    expect(resolveSegment(rows, "GM1966", "2024-05-01")).toBe("basishulp");
    expect(resolveSegment(rows, "GM1966", "2025-01-01")).toBeUndefined();
    expect(resolveSegment(rows, "GM0014", "2025-01-01")).toBeNull();
    expect(resolveSegment(rows, "GM1966", "2019-12-01")).toBeUndefined();
  });

  it("uses only a municipality's own override when there is no regional default", () => {
    const rows = [m("wonen", "GM0014", "2020-01-01", null)];
    expect(resolveSegment(rows, "GM0014", "2024-01-01")).toBe("wonen");
    expect(resolveSegment(rows, "GM0037", "2024-01-01")).toBeUndefined();
  });

  it("treats valid_from and valid_to as inclusive and an empty valid_to as open-ended", () => {
    const rows = [m("hsj", null, "2024-02-01", "2024-02-29")];
    expect(resolveSegment(rows, "GM0014", "2024-01-31")).toBeUndefined();
    expect(resolveSegment(rows, "GM0014", "2024-02-01")).toBe("hsj");
    expect(resolveSegment(rows, "GM0014", "2024-02-29")).toBe("hsj");
    expect(resolveSegment(rows, "GM0014", "2024-03-01")).toBeUndefined();
    expect(resolveSegment([m("hsj", null, "2024-02-01", null)], "GM0014", "2999-12-01")).toBe("hsj");
  });

  it("picks the latest start when (unvalidated) rows of one scope overlap", () => {
    const rows = [m("hsj", null, "2020-01-01", null), m("wonen", null, "2023-01-01", null)];
    expect(resolveSegment(rows, "GM0014", "2024-01-01")).toBe("wonen");
    expect(resolveSegment([...rows].reverse(), "GM0014", "2024-01-01")).toBe("wonen");
  });
});

describe("catalogToRows", () => {
  it("writes the catalogue in file column order, sorted, and reads back to the same catalogue", async () => {
    const original = okOf(validateCatalogTable(await readTable(new TextEncoder().encode(EXAMPLE), {}), KNOWN));
    const rows = catalogToRows(original.products, original.mappings);
    expect(rows).toEqual([
      ["41A01", "Dagbehandeling", "Day treatment", "onderwijs", "", "2015-01-01", ""],
      ["44P01", "Pleegzorg", "Foster care", "wonen", "", "2015-01-01", ""],
      ["45A51", "Gezinsbegeleiding basis", "Family guidance, basic", "basishulp", "", "2015-01-01", ""],
      ["45A60", "Ouder-kindbegeleiding", "Parent-child guidance", "aanvullende_hulp", "", "2015-01-01", "2023-12-31"],
      ["45A60", "Ouder-kindbegeleiding", "Parent-child guidance", "basishulp", "", "2024-01-01", ""],
      ["45A60", "Ouder-kindbegeleiding", "Parent-child guidance", "basishulp", "GM0014", "2023-01-01", "2023-12-31"],
      ["48B01", "Jeugdbeschermingsmaatregel", "Child protection measure", "", "", "2015-01-01", ""],
      ["54001", "Jeugd-ggz behandeling", "Youth mental health treatment", "aanvullende_hulp", "", "2015-01-01", ""],
    ]);

    const csv = [CATALOG_COLUMNS.join(";"), ...rows.map((r) => r.map((c) => (/[;"\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(";"))].join(
      "\r\n"
    );
    const again = okOf(validateCatalogTable(await readTable(new TextEncoder().encode(csv), {}), KNOWN));
    const withoutLine = (ms: MappingRow[]) =>
      ms.map(({ line: _line, ...rest }) => rest).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(withoutLine(again.mappings)).toEqual(withoutLine(original.mappings));
    expect([...again.products].sort((a, b) => a.code.localeCompare(b.code))).toEqual(
      [...original.products].sort((a, b) => a.code.localeCompare(b.code))
    );
  });

  it("refuses a mapping without its product, and a product without any mapping", () => {
    const product = { code: "45A51", nameNl: "a", nameEn: "b", category: "45" };
    const mapping: MappingRow = { line: 2, productCode: "45A51", segment: null, municipalityCode: null, validFrom: "2024-01-01", validTo: null };
    expect(() => catalogToRows([], [mapping])).toThrow(/45A51/);
    expect(() => catalogToRows([product], [])).toThrow(/45A51/);
    expect(catalogToRows([], [])).toEqual([]);
  });
});

describe("XLSX catalogue", () => {
  it("accepts date cells and a numeric product code", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Catalogus");
    sheet.addRow([...CATALOG_COLUMNS]);
    sheet.addRow([54001, "Jeugd-ggz", "Youth mental health", "aanvullende_hulp", null, new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2024, 11, 31))]);
    sheet.addRow(["45A51", "Gezinsbegeleiding", "Family guidance", null, "GM0037", "2024-01-01", null]);
    sheet.getCell("F2").numFmt = "dd-mm-yyyy";
    sheet.getCell("G2").numFmt = "dd-mm-yyyy";
    const bytes = new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
    const result = okOf(validateCatalogTable(await readTable(bytes, { fileName: "catalogus.xlsx" }), KNOWN));
    expect(result.mappings).toEqual([
      { line: 2, productCode: "54001", segment: "aanvullende_hulp", municipalityCode: null, validFrom: "2024-01-01", validTo: "2024-12-31" },
      { line: 3, productCode: "45A51", segment: null, municipalityCode: "GM0037", validFrom: "2024-01-01", validTo: null },
    ]);
  });
});

describe("formula escapes", () => {
  it("reads back a name that our export escaped with an apostrophe", async () => {
    const table = await readTable(
      new TextEncoder().encode("product_code;name_nl;name_en;segment;municipality_code;valid_from;valid_to\n45A51;'=Gezinsbegeleiding;'+Family;basishulp;;2015-01-01;\n"),
      { fileName: "c.csv" },
    );
    const result = validateCatalogTable(table, new Set(["GM0014"]));
    expect(result.ok && result.products[0]).toMatchObject({ nameNl: "=Gezinsbegeleiding", nameEn: "+Family" });
  });
});


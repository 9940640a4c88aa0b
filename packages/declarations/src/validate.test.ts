import { createHmac } from "node:crypto";
import { readTable, streamTable, type CellValue, type TableRow } from "@jeugdregio/tabular";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import {
  createDeclarationValidator,
  defaultDecimalFor,
  parsePeriod,
  summariseIssues,
  type DeclarationIssue,
  type DeclarationLine,
  type RowIssue,
} from "./index";

const KNOWN = new Set(["GM0014", "GM1966", "GM1969", "GM0037"]);
const pseudonymise = (bsn: string) => `P${createHmac("sha256", "test-key").update(bsn).digest("hex").slice(0, 20)}`;
/** The batch's delivery date and the day of import, as the import passes them. */
const DATES = { deliveredOn: "2026-12-01", today: "2026-12-02" };
const comma = createDeclarationValidator({ knownMunicipalities: KNOWN, ...DATES, decimal: "comma", pseudonymise });
const point = createDeclarationValidator({ knownMunicipalities: KNOWN, ...DATES, decimal: "point", pseudonymise });
/** As the import sets it up for an XLSX file: a date cell counts for its month. */
const xlsxComma = createDeclarationValidator({ knownMunicipalities: KNOWN, ...DATES, decimal: "comma", pseudonymise, periodDates: true });

// valid BSNs (eleven-test): 111222333, 123456782, 012345672 (also written 12345672)
const BSN_A = "111222333";
const BSN_B = "123456782";
const BSN_C = "012345672";

const VALID: Record<string, CellValue> = {
  period: "2024-01",
  municipality_code: "GM0014",
  provider_code: "12345678",
  provider_name: "Stichting Voorbeeld Jeugdhulp",
  product_code: "45A51",
  client_key: "K3f9a01c2d4",
  amount: "1.234,56",
  units: "12",
};

function row(overrides: Record<string, CellValue> = {}, line = 2): TableRow {
  return { line, cells: { ...VALID, ...overrides } };
}

function errorsOf(result: ReturnType<typeof comma.validateRow>): DeclarationIssue[] {
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.line)}`);
  return result.errors;
}

function lineOf(result: ReturnType<typeof comma.validateRow>): DeclarationLine {
  if (!result.ok) throw new Error(`expected a valid line, got ${JSON.stringify(result.errors)}`);
  return result.line;
}

// The shared example file (../shared/data/example-declarations.csv): UTF-8 BOM, CRLF, ";" and decimal comma.
const EXAMPLE =
  "\uFEFF" +
  [
    "period;municipality_code;provider_code;provider_name;product_code;client_key;amount;units",
    "2024-01;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A51;K3f9a01c2d4;1.234,56;12",
    "2024-01;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A51;K3f9a01c2d4;-234,56;-2",
    '2024-01;GM1966;87654321;"Zorggroep ""Het Kompas""; locatie Noord";54001;K77b21e0a90;845,00;6',
    "2024-02;GM1969;11223344;Pleegzorg Voorbeeld;44P01;K0c4d5e6f7a;3.310,40;29",
    "2024-02;GM0037;55667788;Praktijk De Linde;41A01;K9e8d7c6b5a;2.100,00;20",
  ].join("\r\n") +
  "\r\n";

describe("the shared example file", () => {
  it("reads and validates every line", async () => {
    const table = await readTable(new TextEncoder().encode(EXAMPLE), { fileName: "example-declarations.csv" });
    expect(table.delimiter).toBe(";");
    const validator = createDeclarationValidator({
      knownMunicipalities: KNOWN, ...DATES,
      decimal: defaultDecimalFor(table.delimiter ?? ","),
      pseudonymise,
    });
    expect(validator.checkHeader(table.header)).toEqual({ errors: [], notices: [] });
    const lines = table.rows.map((r) => lineOf(validator.validateRow(r)));
    expect(lines).toEqual([
      {
        line: 2,
        period: "2024-01",
        serviceMonth: "2024-01-01",
        municipalityCode: "GM0014",
        providerCode: "12345678",
        providerName: "Stichting Voorbeeld Jeugdhulp",
        productCode: "45A51",
        clientKey: "K3f9a01c2d4",
        amount: "1234.56",
        units: "12",
        referrer: null,
        declaredOn: DATES.deliveredOn,
      },
      {
        line: 3,
        period: "2024-01",
        serviceMonth: "2024-01-01",
        municipalityCode: "GM0014",
        providerCode: "12345678",
        providerName: "Stichting Voorbeeld Jeugdhulp",
        productCode: "45A51",
        clientKey: "K3f9a01c2d4",
        amount: "-234.56",
        units: "-2",
        referrer: null,
        declaredOn: DATES.deliveredOn,
      },
      {
        line: 4,
        period: "2024-01",
        serviceMonth: "2024-01-01",
        municipalityCode: "GM1966",
        providerCode: "87654321",
        providerName: 'Zorggroep "Het Kompas"; locatie Noord',
        productCode: "54001",
        clientKey: "K77b21e0a90",
        amount: "845.00",
        units: "6",
        referrer: null,
        declaredOn: DATES.deliveredOn,
      },
      {
        line: 5,
        period: "2024-02",
        serviceMonth: "2024-02-01",
        municipalityCode: "GM1969",
        providerCode: "11223344",
        providerName: "Pleegzorg Voorbeeld",
        productCode: "44P01",
        clientKey: "K0c4d5e6f7a",
        amount: "3310.40",
        units: "29",
        referrer: null,
        declaredOn: DATES.deliveredOn,
      },
      {
        line: 6,
        period: "2024-02",
        serviceMonth: "2024-02-01",
        municipalityCode: "GM0037",
        providerCode: "55667788",
        providerName: "Praktijk De Linde",
        productCode: "41A01",
        clientKey: "K9e8d7c6b5a",
        amount: "2100.00",
        units: "20",
        referrer: null,
        declaredOn: DATES.deliveredOn,
      },
    ]);
  });

  it("streams a large file through the validator row by row", async () => {
    const bodyLines = EXAMPLE.split("\r\n").slice(1, -1);
    const open = () =>
      (async function* () {
        const encoder = new TextEncoder();
        yield encoder.encode(EXAMPLE); // header + 5 lines
        for (let i = 0; i < 4_000; i++) yield encoder.encode(`${bodyLines.join("\r\n")}\r\n`);
        yield encoder.encode("2024-13;GM0014;12345678;X;45A51;K1;1,00;\r\n");
      })();
    const table = await streamTable(open, {});
    const validator = createDeclarationValidator({
      knownMunicipalities: KNOWN, ...DATES,
      decimal: defaultDecimalFor(table.delimiter),
      pseudonymise,
    });
    expect(validator.checkHeader(table.header).errors).toEqual([]);
    let valid = 0;
    const issues: RowIssue[] = [];
    let total = "0";
    for await (const r of table.rows) {
      const result = validator.validateRow(r);
      if (result.ok) {
        valid++;
        total = (Number(total) + Number(result.line.amount)).toFixed(2);
      } else issues.push(...result.errors);
    }
    expect(valid).toBe(20_005);
    expect(total).toBe((4_001 * (1234.56 - 234.56 + 845 + 3310.4 + 2100)).toFixed(2));
    expect(issues.map((i) => [i.line, i.code])).toEqual([[20_007, "invalid_period"]]);
  });
});

describe("checkHeader", () => {
  it("accepts the required columns with client_key, client_bsn or both, and the optional ones", () => {
    const base = ["period", "municipality_code", "provider_code", "provider_name", "product_code", "amount"];
    for (const client of [["client_key"], ["client_bsn"], ["client_bsn", "client_key"]]) {
      expect(comma.checkHeader([...base, ...client, "units", "referrer"])).toEqual({ errors: [], notices: [] });
    }
  });

  it("reports every missing column, a missing client column, and extra columns as notices", () => {
    const { errors, notices } = comma.checkHeader(["periode", "municipality_code", "provider_code", "bedrag"]);
    expect(errors.map((e) => [e.line, e.column, e.code])).toEqual([
      [1, "period", "missing_column"],
      [1, "provider_name", "missing_column"],
      [1, "product_code", "missing_column"],
      [1, "amount", "missing_column"],
      [1, "client_key", "missing_column"],
    ]);
    expect(errors[4]?.message).toContain("client_bsn");
    expect(notices).toEqual([
      { line: 1, column: "periode", code: "extra_column", message: 'The column "periode" is not used and will be ignored.' },
      { line: 1, column: "bedrag", code: "extra_column", message: 'The column "bedrag" is not used and will be ignored.' },
    ]);
  });
});

describe("validateRow – one case per error code", () => {
  const cases: [name: string, overrides: Record<string, CellValue>, column: string, code: string][] = [
    ["empty period", { period: null }, "period", "invalid_period"],
    ["period without dash", { period: "202401" }, "period", "invalid_period"],
    ["month 13", { period: "2024-13" }, "period", "invalid_period"],
    ["month 00", { period: "2024-00" }, "period", "invalid_period"],
    ["single-digit month", { period: "2024-1" }, "period", "invalid_period"],
    ["year 1999", { period: "1999-12" }, "period", "invalid_period"],
    ["year 2101", { period: "2101-01" }, "period", "invalid_period"],
    ["Dutch month order", { period: "01-2024" }, "period", "invalid_period"],
    ["impossible date", { period: "2024-02-30" }, "period", "invalid_period"],
    ["lower-case municipality", { municipality_code: "gm0014" }, "municipality_code", "invalid_municipality_code"],
    ["municipality without GM", { municipality_code: "0014" }, "municipality_code", "invalid_municipality_code"],
    ["empty municipality", { municipality_code: null }, "municipality_code", "invalid_municipality_code"],
    ["unknown municipality", { municipality_code: "GM9999" }, "municipality_code", "unknown_municipality"],
    ["7-digit AGB code text", { provider_code: "1234567" }, "provider_code", "invalid_provider_code"],
    ["9-digit AGB code", { provider_code: "123456789" }, "provider_code", "invalid_provider_code"],
    ["AGB code with letters", { provider_code: "1234567A" }, "provider_code", "invalid_provider_code"],
    ["AGB code as a fraction", { provider_code: 1234567.5 }, "provider_code", "invalid_provider_code"],
    ["empty AGB code", { provider_code: null }, "provider_code", "invalid_provider_code"],
    ["empty provider name", { provider_name: null }, "provider_name", "invalid_provider_name"],
    ["provider name of 201 characters", { provider_name: "x".repeat(201) }, "provider_name", "invalid_provider_name"],
    ["lower-case product code", { product_code: "45a51" }, "product_code", "invalid_product_code"],
    ["product code too long", { product_code: "45A511" }, "product_code", "invalid_product_code"],
    ["product code with one-digit category", { product_code: "4A511" }, "product_code", "invalid_product_code"],
    ["empty product code", { product_code: null }, "product_code", "invalid_product_code"],
    ["no client at all", { client_key: null }, "client_key", "missing_client"],
    ["key and BSN both filled", { client_bsn: BSN_A }, "client_bsn", "both_client_key_and_bsn"],
    ["client key of 65 characters", { client_key: "k".repeat(65) }, "client_key", "invalid_client_key"],
    ["client key with a line break", { client_key: "a\nb" }, "client_key", "invalid_client_key"],
    ["client key that is a BSN", { client_key: BSN_B }, "client_key", "client_key_is_bsn"],
    ["client key that is a BSN without its leading zero", { client_key: 12345672 }, "client_key", "client_key_is_bsn"],
    ["client key that is a BSN with dashes", { client_key: "123-456-782" }, "client_key", "client_key_is_bsn"],
    ["client key that is a BSN with dots", { client_key: "1112.22.333" }, "client_key", "client_key_is_bsn"],
    ["client key that is a BSN after a prefix", { client_key: "BSN 111222333" }, "client_key", "client_key_is_bsn"],
    ["client key that is a BSN after a lower-case prefix", { client_key: "bsn:111 222 333" }, "client_key", "client_key_is_bsn"],
    ["client key with slashes and underscores", { client_key: "111/222_333" }, "client_key", "client_key_is_bsn"],
    ["client key with a BSN among letters", { client_key: "K-111222333" }, "client_key", "client_key_is_bsn"],
    ["client key whose nine digits pass the eleven-test", { client_key: "K0014-00009" }, "client_key", "client_key_is_bsn"],
    ["client key that is 8 digits of a BSN with spaces", { client_key: "1234 5672" }, "client_key", "client_key_is_bsn"],
    ["period written as a date in a CSV file", { period: "2023-01-01" }, "period", "invalid_period"],
    ["NUL character in a value", { provider_name: "Zorg\u0000BV" }, "provider_name", "nul_character"],
    ["NUL character in an ignored column", { opmerking: "x\u0000" }, "opmerking", "nul_character"],
    ["amount 1.234 in a comma file (1234 or 1,234?)", { amount: "1.234" }, "amount", "ambiguous_number"],
    ["units 1.500 in a comma file", { units: "1.500" }, "units", "ambiguous_number"],
    ["BSN failing the eleven-test", { client_key: null, client_bsn: "111222334" }, "client_bsn", "invalid_bsn"],
    ["BSN of 7 digits", { client_key: null, client_bsn: "1234567" }, "client_bsn", "invalid_bsn"],
    ["BSN of 10 digits", { client_key: null, client_bsn: "1112223330" }, "client_bsn", "invalid_bsn"],
    ["BSN of zeros", { client_key: null, client_bsn: "000000000" }, "client_bsn", "invalid_bsn"],
    ["BSN with dots", { client_key: null, client_bsn: "1112.22.333" }, "client_bsn", "invalid_bsn"],
    ["empty amount", { amount: null }, "amount", "invalid_amount"],
    ["amount with a decimal point in a comma file", { amount: "1234.56" }, "amount", "invalid_amount"],
    ["amount 1,234.56 in a comma file", { amount: "1,234.56" }, "amount", "invalid_amount"],
    ["amount in exponent notation", { amount: "1e5" }, "amount", "invalid_amount"],
    ["amount with two commas", { amount: "12,3,4" }, "amount", "invalid_amount"],
    ["amount with 3 decimals", { amount: "12,345" }, "amount", "invalid_amount"],
    ["amount as text", { amount: "twaalf" }, "amount", "invalid_amount"],
    ["amount as XLSX number with 3 decimals", { amount: 12.345 }, "amount", "invalid_amount"],
    ["amount of a billion", { amount: "1.000.000.000,00" }, "amount", "amount_out_of_range"],
    ["amount of minus a billion", { amount: "-1000000000" }, "amount", "amount_out_of_range"],
    ["XLSX amount of a billion", { amount: 1e9 }, "amount", "amount_out_of_range"],
    ["units with a decimal point in a comma file", { units: "1.5" }, "units", "invalid_units"],
    ["units as text", { units: "uur" }, "units", "invalid_units"],
    ["units with 3 decimals", { units: "1,125" }, "units", "invalid_units"],
    ["units of a billion", { units: "1000000000" }, "units", "invalid_units"],
    ["unknown referrer", { referrer: "buurvrouw" }, "referrer", "invalid_referrer"],
    ["referrer code 07", { referrer: "07" }, "referrer", "invalid_referrer"],
    ["referrer code 0", { referrer: 0 }, "referrer", "invalid_referrer"],
  ];

  it.each(cases)("%s → %s %s", (_name, overrides, column, code) => {
    const errors = errorsOf(comma.validateRow(row(overrides, 7)));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 7, column, code });
    expect(errors[0]?.message).toMatch(/^Line 7: /);
  });

  it("puts the offending value in `value`, except for client fields", () => {
    const errors = errorsOf(comma.validateRow(row({ period: "2024-13", amount: "1e5", client_key: "k".repeat(70) })));
    expect(errors.map((e) => [e.code, e.value])).toEqual([
      ["invalid_period", "2024-13"],
      ["invalid_client_key", `${"k".repeat(64)}…`],
      ["invalid_amount", "1e5"],
    ]);
    const empty = errorsOf(comma.validateRow(row({ period: null })));
    expect(empty[0]).not.toHaveProperty("value");
  });

  it("reports every problem in a row, in column order", () => {
    const errors = errorsOf(
      comma.validateRow(
        row({
          period: "2024",
          municipality_code: "GM9999",
          provider_code: "1",
          provider_name: null,
          product_code: "X",
          client_key: null,
          amount: "1.5",
          units: "x",
          referrer: "x",
        })
      )
    );
    expect(errors.map((e) => e.code)).toEqual([
      "invalid_period",
      "unknown_municipality",
      "invalid_provider_code",
      "invalid_provider_name",
      "invalid_product_code",
      "missing_client",
      "invalid_amount",
      "invalid_units",
      "invalid_referrer",
    ]);
  });

  it("treats a missing column like an empty cell", () => {
    const errors = errorsOf(comma.validateRow({ line: 3, cells: { period: "2024-01" } }));
    expect(errors.map((e) => e.code)).toEqual([
      "invalid_municipality_code",
      "invalid_provider_code",
      "invalid_provider_name",
      "invalid_product_code",
      "missing_client",
      "invalid_amount",
    ]);
  });
});

describe("validateRow – accepted values", () => {
  it("accepts amounts written for the file's separator and canonicalises them to 2 decimals", () => {
    const amounts: [string | number, "comma" | "point", string][] = [
      ["1.234,56", "comma", "1234.56"],
      ["1234,5", "comma", "1234.50"],
      ["-234,56", "comma", "-234.56"],
      ["€ 12", "comma", "12.00"],
      ["-0,00", "comma", "0.00"],
      ["999.999.999,99", "comma", "999999999.99"],
      ["1,234.56", "point", "1234.56"],
      ["-0.5", "point", "-0.50"],
      ["1.234.567", "comma", "1234567.00"], // grouped thousands
      [1234.56, "comma", "1234.56"],
      [0.1 + 0.2, "point", "0.30"], // an XLSX formula result with binary noise
      [-12, "point", "-12.00"],
    ];
    for (const [amount, separator, expected] of amounts) {
      const validator = separator === "comma" ? comma : point;
      expect(lineOf(validator.validateRow(row({ amount, units: null }))).amount, String(amount)).toBe(expected);
    }
  });

  it("accepts units with the file's separator, optional", () => {
    expect(lineOf(comma.validateRow(row({ units: "1,50" }))).units).toBe("1.5");
    expect(lineOf(comma.validateRow(row({ units: "-2" }))).units).toBe("-2");
    expect(lineOf(point.validateRow(row({ amount: "10.00", units: "0.25" }))).units).toBe("0.25");
    expect(lineOf(comma.validateRow(row({ units: 7.5 }))).units).toBe("7.5");
    expect(lineOf(comma.validateRow(row({ units: null }))).units).toBeNull();
  });

  it("accepts periods as YYYY-MM, as an Excel date and as an XLSX number YYYYMM", () => {
    expect(parsePeriod("2024-01")).toBe("2024-01");
    expect(parsePeriod("2000-01")).toBe("2000-01");
    expect(parsePeriod("2100-12")).toBe("2100-12");
    expect(parsePeriod("2024-01-01")).toBe("2024-01");
    expect(parsePeriod("2024-02-29")).toBe("2024-02");
    expect(parsePeriod(202403)).toBe("2024-03");
    expect(parsePeriod("2023-02-29")).toBeNull();
    expect(parsePeriod(202413)).toBeNull();
    expect(parsePeriod(45292)).toBeNull(); // an Excel serial date number is ambiguous: not accepted
    expect(parsePeriod(null)).toBeNull();
    const line = lineOf(xlsxComma.validateRow(row({ period: "2024-11-01" })));
    expect([line.period, line.serviceMonth]).toEqual(["2024-11", "2024-11-01"]);
  });

  it("reads XLSX numbers for provider and product codes", () => {
    const line = lineOf(comma.validateRow(row({ provider_code: 1234567, product_code: 54001 })));
    expect([line.providerCode, line.productCode]).toEqual(["01234567", "54001"]);
    expect(lineOf(comma.validateRow(row({ provider_code: 98765432 }))).providerCode).toBe("98765432");
  });

  it("keeps a provider name that looks like a formula as text", () => {
    expect(lineOf(comma.validateRow(row({ provider_name: '=HYPERLINK("x")' }))).providerName).toBe('=HYPERLINK("x")');
    expect(lineOf(comma.validateRow(row({ provider_name: "x".repeat(200) }))).providerName).toHaveLength(200);
  });

  it("refuses a client key holding a BSN without echoing it, and keeps keys whose digits are no BSN", () => {
    for (const key of ["123-456-782", "1112.22.333", "BSN 111222333", "Client K-111.222.333 (2024)"]) {
      const result = comma.validateRow(row({ client_key: key }, 17));
      const [error] = errorsOf(result);
      expect(error).toEqual({
        line: 17,
        column: "client_key",
        code: "client_key_is_bsn",
        message: "Line 17: client_key looks like a BSN; use client_bsn (BSNs there are replaced by a pseudonym).",
      });
    }
    for (const key of ["K0014c00009", "123-456-789", "K2024-01-12345", "1112223330", "AB12345678CD", "K-1234567"]) {
      expect(lineOf(comma.validateRow(row({ client_key: key }))).clientKey, key).toBe(key);
    }
  });

  it("refuses a period after the latest one, naming it", () => {
    const december = createDeclarationValidator({ knownMunicipalities: KNOWN, ...DATES, decimal: "comma", pseudonymise, latestPeriod: "2026-12" });
    expect(lineOf(december.validateRow(row({ period: "2026-12" }))).period).toBe("2026-12");
    const [error] = errorsOf(december.validateRow(row({ period: "2099-12" }, 9)));
    expect(error).toMatchObject({ line: 9, column: "period", code: "future_period", params: { period: "2099-12" } });
    expect(error?.message).toBe("Line 9: period 2099-12 is in the future.");
  });

  it("names both readings of an ambiguous number", () => {
    const [error] = errorsOf(comma.validateRow(row({ amount: "1.234" })));
    expect(error).toMatchObject({ code: "ambiguous_number", value: "1.234", params: { grouped: "1234", decimal: "1,234" } });
    expect(error?.message).toBe("Line 2: 1.234 could be 1234 or 1,234; write 1234 or 1,234.");
    expect(errorsOf(point.validateRow(row({ amount: "1,234" })))[0]).toMatchObject({ code: "ambiguous_number", params: { grouped: "1234", decimal: "1.234" } });
    expect(lineOf(comma.validateRow(row({ amount: "1.234,56" }))).amount).toBe("1234.56");
  });

  it("reports a NUL character by column, without the value, and nothing else of that row", () => {
    const errors = errorsOf(comma.validateRow(row({ client_key: "K\u00001", amount: "x" }, 4)));
    expect(errors).toEqual([{ line: 4, column: "client_key", code: "nul_character", message: "Line 4: client_key contains a NUL character." }]);
  });

  it("accepts a client key of 64 characters and a numeric key that is not a BSN", () => {
    expect(lineOf(comma.validateRow(row({ client_key: "k".repeat(64) }))).clientKey).toHaveLength(64);
    expect(lineOf(comma.validateRow(row({ client_key: 4711 }))).clientKey).toBe("4711");
    expect(lineOf(comma.validateRow(row({ client_key: "111222334" }))).clientKey).toBe("111222334");
  });

  it("normalises referrers in Dutch, English and iJw codes", () => {
    const referrers: [CellValue, string][] = [
      ["lokaal team", "local_team"],
      ["Gemeente", "local_team"],
      ["wijkteam", "local_team"],
      ["Local Team", "local_team"],
      ["local_team", "local_team"],
      ["01", "local_team"],
      ["huisarts", "gp"],
      ["GP", "gp"],
      ["02", "gp"],
      [2, "gp"],
      ["jeugdarts", "youth_doctor"],
      ["Youth doctor", "youth_doctor"],
      ["3", "youth_doctor"],
      ["gecertificeerde instelling", "certified_institution"],
      ["GI", "certified_institution"],
      ["certified institution", "certified_institution"],
      ["04", "certified_institution"],
      ["medisch specialist", "medical_specialist"],
      ["Medical-Specialist", "medical_specialist"],
      ["05", "medical_specialist"],
      ["overig", "other"],
      ["other", "other"],
      ["06", "other"],
      [6, "other"],
    ];
    for (const [referrer, expected] of referrers) {
      expect(lineOf(comma.validateRow(row({ referrer }))).referrer, String(referrer)).toBe(expected);
    }
  });
});

describe("BSN handling", () => {
  it("replaces a BSN by its pseudonym; the same BSN always gives the same key", () => {
    const a1 = lineOf(comma.validateRow(row({ client_key: null, client_bsn: BSN_A })));
    const a2 = lineOf(comma.validateRow(row({ client_key: null, client_bsn: BSN_A }, 9)));
    const b = lineOf(comma.validateRow(row({ client_key: null, client_bsn: BSN_B })));
    expect(a1.clientKey).toBe(pseudonymise(BSN_A));
    expect(a2.clientKey).toBe(a1.clientKey);
    expect(b.clientKey).not.toBe(a1.clientKey);
  });

  it("accepts 8 digits (a lost leading zero) and XLSX numbers as the same BSN", () => {
    const keys = [BSN_C, BSN_C.slice(1), Number(BSN_C)].map(
      (bsn) => lineOf(comma.validateRow(row({ client_key: null, client_bsn: bsn }))).clientKey
    );
    expect(keys).toEqual([pseudonymise(BSN_C), pseudonymise(BSN_C), pseudonymise(BSN_C)]);
  });

  it("allows both client columns in a file when each row fills exactly one", () => {
    const byKey = lineOf(comma.validateRow(row({ client_key: "K1", client_bsn: null })));
    const byBsn = lineOf(comma.validateRow(row({ client_key: null, client_bsn: BSN_B })));
    expect([byKey.clientKey, byBsn.clientKey]).toEqual(["K1", pseudonymise(BSN_B)]);
  });

  it("never lets a BSN leak into results, messages or values", () => {
    const invalidBsn = "123456789"; // fails the eleven-test
    const rows: TableRow[] = [
      row({ client_key: null, client_bsn: BSN_A }),
      row({ client_key: null, client_bsn: BSN_B, amount: "x" }),
      row({ client_key: null, client_bsn: invalidBsn }),
      row({ client_key: BSN_C.slice(1), client_bsn: null }),
      row({ client_key: BSN_A, client_bsn: null }),
      row({ client_key: "K1", client_bsn: BSN_B }),
      row({ client_key: null, client_bsn: Number(BSN_C) }),
      row({ client_key: null, client_bsn: `${BSN_A}0` }),
    ];
    const results = rows.map((r) => comma.validateRow(r));
    const serialised = JSON.stringify(results) + JSON.stringify(summariseIssues(results.flatMap((r) => (r.ok ? [] : r.errors))));
    for (const bsn of [BSN_A, BSN_B, BSN_C, BSN_C.slice(1), invalidBsn]) expect(serialised).not.toContain(bsn);
    const errors = results.flatMap((r) => (r.ok ? [] : r.errors));
    expect(errors.map((e) => e.code)).toEqual([
      "invalid_amount",
      "invalid_bsn",
      "client_key_is_bsn",
      "client_key_is_bsn",
      "both_client_key_and_bsn",
      "invalid_bsn",
    ]);
    for (const error of errors.filter((e) => e.column === "client_bsn" || e.column === "client_key")) {
      expect(error).not.toHaveProperty("value");
    }
    expect(errors.find((e) => e.code === "invalid_bsn")?.message).toContain("invalid BSN");
  });
});

describe("declared_on and the delivery date (issue 14)", () => {
  const at = (options: { deliveredOn?: string; countFromDelivery?: boolean } = {}) =>
    createDeclarationValidator({ knownMunicipalities: KNOWN, decimal: "comma", pseudonymise, ...DATES, ...options });

  it("takes a line's own declared date, else the batch's delivery date", () => {
    expect(lineOf(at().validateRow(row({ period: "2023-02", declared_on: "2023-03-09" }))).declaredOn).toBe("2023-03-09");
    expect(lineOf(at().validateRow(row({ period: "2023-02", declared_on: "2023-02-01" }))).declaredOn).toBe("2023-02-01");
    expect(lineOf(at().validateRow(row({ period: "2023-02", declared_on: DATES.today }))).declaredOn).toBe(DATES.today);
    expect(lineOf(at().validateRow(row({ period: "2023-02" }))).declaredOn).toBe(DATES.deliveredOn);
  });

  it("counts a replace from its delivery date: an earlier declared date is raised to it", () => {
    const replace = at({ deliveredOn: "2024-05-10", countFromDelivery: true });
    expect(lineOf(replace.validateRow(row({ period: "2024-02", declared_on: "2024-03-09" }))).declaredOn).toBe("2024-05-10");
    expect(lineOf(replace.validateRow(row({ period: "2024-02", declared_on: "2024-06-01" }))).declaredOn).toBe("2024-06-01");
  });

  it("refuses a declared date before the first day of the service month, naming row, column and both", () => {
    const [error, ...rest] = errorsOf(at().validateRow(row({ period: "2023-02", declared_on: "2023-01-05" }, 17)));
    expect(rest).toEqual([]);
    expect(error).toMatchObject({
      line: 17,
      column: "declared_on",
      code: "declared_before_service_month",
      params: { date: "2023-01-05", period: "2023-02" },
    });
    expect(error!.message).toBe("Line 17: declared_on 2023-01-05 is before the service month 2023-02.");
  });

  it("refuses a declared date after the day of import", () => {
    const [error] = errorsOf(at().validateRow(row({ declared_on: "2026-12-03" }, 4)));
    expect(error).toMatchObject({ line: 4, column: "declared_on", code: "future_declared_on", params: { date: "2026-12-03", today: DATES.today } });
  });

  it("refuses what is not a date YYYY-MM-DD, quoting it", () => {
    for (const value of ["2024-02-30", "15-02-2024", "2024-2-5", "gisteren", "2024-02-15T10:00", 45321]) {
      const [error] = errorsOf(at().validateRow(row({ declared_on: value }, 5)));
      expect(error, String(value)).toMatchObject({ line: 5, column: "declared_on", code: "invalid_declared_on", value: String(value) });
    }
  });

  it("names only the period of a line in the future, not also its declared date or the delivery date", () => {
    const december = createDeclarationValidator({ knownMunicipalities: KNOWN, ...DATES, decimal: "comma", pseudonymise, latestPeriod: "2026-12" });
    const cases: Record<string, string>[] = [{ period: "2099-12" }, { period: "2099-12", declared_on: "2026-11-20" }];
    for (const fields of cases) {
      expect(errorsOf(december.validateRow(row(fields, 3))).map((e) => [e.column, e.code])).toEqual([["period", "future_period"]]);
    }
  });

  it("refuses a line without declared_on whose service month starts after the delivery date", () => {
    const [error] = errorsOf(at({ deliveredOn: "2024-01-20" }).validateRow(row({ period: "2024-02" }, 6)));
    expect(error).toMatchObject({ line: 6, column: "declared_on", code: "declared_before_service_month", params: { date: "2024-01-20", period: "2024-02" } });
  });
});

describe("XLSX files", () => {
  it("validates numeric cells from a workbook read with readTable", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Declaraties");
    sheet.addRow(["period", "municipality_code", "provider_code", "provider_name", "product_code", "client_bsn", "amount", "units", "referrer", "opmerking", "declared_on"]);
    // declared_on as a real Excel date cell, and as typed text.
    sheet.addRow([new Date(Date.UTC(2024, 0, 1)), "GM0014", 1234567, "Zorg BV", 54001, 12345672, 1234.56, 3, 1, "x", new Date(Date.UTC(2024, 1, 9))]);
    sheet.addRow(["2024-02", "GM0037", "87654321", "Zorg BV", "45A51", "111222333", { formula: "0.1+0.2", result: 0.30000000000000004 }, null, "huisarts", null, "2024-03-11"]);
    sheet.getCell("A2").numFmt = "mmm-yy";
    sheet.getCell("K2").numFmt = "dd-mm-yyyy";
    const bytes = new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
    const table = await readTable(bytes, { fileName: "declaraties.xlsx" });
    const { errors, notices } = comma.checkHeader(table.header);
    expect(errors).toEqual([]);
    expect(notices.map((n) => n.column)).toEqual(["opmerking"]);
    const lines = table.rows.map((r) => lineOf(xlsxComma.validateRow(r)));
    expect(lines).toEqual([
      {
        line: 2,
        period: "2024-01",
        serviceMonth: "2024-01-01",
        municipalityCode: "GM0014",
        providerCode: "01234567",
        providerName: "Zorg BV",
        productCode: "54001",
        clientKey: pseudonymise(BSN_C),
        amount: "1234.56",
        units: "3",
        referrer: "local_team",
        declaredOn: "2024-02-09",
      },
      {
        line: 3,
        period: "2024-02",
        serviceMonth: "2024-02-01",
        municipalityCode: "GM0037",
        providerCode: "87654321",
        providerName: "Zorg BV",
        productCode: "45A51",
        clientKey: pseudonymise(BSN_A),
        amount: "0.30",
        units: null,
        referrer: "gp",
        declaredOn: "2024-03-11",
      },
    ]);
  });
});

describe("defaultDecimalFor", () => {
  it("pairs ; with a decimal comma and , with a decimal point", () => {
    expect(defaultDecimalFor(";")).toBe("comma");
    expect(defaultDecimalFor(",")).toBe("point");
  });
});

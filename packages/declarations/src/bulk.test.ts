import { createHmac } from "node:crypto";
import { toCell, type DecimalSeparator, type TableRow } from "@jeugdregio/tabular";
import Decimal from "decimal.js";
import { describe, expect, it } from "vitest";
import {
  BULK_COPY_COLUMNS,
  BULK_DECIMAL_PATTERN,
  createBulkBlockConverter,
  createBulkLineConverter,
  createDeclarationValidator,
} from "./index";

const KNOWN = new Set(["GM0014", "GM1966"]);
const pseudonymise = (bsn: string) => `B${createHmac("sha256", "test-key").update(bsn).digest("base64url")}`;
/** The batch's delivery date and the day of import, as the import passes them. */
const DATES = { deliveredOn: "2026-12-01", today: "2026-12-02" };
const HEADER = ["period", "municipality_code", "provider_code", "provider_name", "product_code", "client_key", "client_bsn", "amount", "units", "referrer", "declared_on", ""];
const columns = new Map(HEADER.flatMap((name, i) => (name ? [[name, i] as [string, number]] : [])));

/** Values the converter may meet, valid and tricky, per column. */
const POOLS: Record<string, string[]> = {
  period: ["2024-01", "2024-12", "2024-13", "24-01", "2024-1", " 2024-02", "2024-02-30", "2024-02-01", "", "1999-12", "2099-12", "2025-01"],
  municipality_code: ["GM0014", "GM1966", "GM9999", "gm0014", " GM0014", ""],
  provider_code: ["12345678", "1234567", "1234567A", " 12345678", ""],
  provider_name: ["Stichting A", " Stichting B ", "=HYPERLINK(\"x\")", "x".repeat(201), "", "Zorg \"Het Kompas\"; Noord", "Zorg\u0000BV"],
  product_code: ["45A51", "54001", "45a51", "4A51", " 45A51", ""],
  client_key: ["K1", "K 2", " K3", "K4 ", "111222333", "12345678", "1234567", "K\t5", "x".repeat(64), "x".repeat(65), "é€\\x", "", "123-456-782", "1112.22.333", "BSN 111222333", "K-111222333", "K0014-00009", "K0014c00009", "K\u00006"],
  client_bsn: ["", "111222333", "12345672", "123456789", " 111222333"],
  amount: ["100", "100,5", "100,50", "100,505", "1.234,56", "1.234", "1.234.567", "1,234", "1,234,567", "12.5", "-12,50", "-0,00", "+5", "€ 5", "1e5", "12,3,4", "999.999.999,99", "1.000.000.000", "0001", "", " 5"],
  units: ["", "1", "1,5", "1,505", "x", "-2"],
  referrer: ["", "huisarts", "01", "6", "GP", "local_team", "wijkteam", "nobody", " jeugdarts "],
  declared_on: ["", "2024-12-15", "2024-01-31", "2023-12-31", "2026-11-25", "2026-12-02", "2024-02-30", "15-12-2024", " 2024-12-15", "2024-12-15T00:00", "2024-1-5"],
  "": ["", "", "", "x"],
};

/** A deterministic pseudo-random generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

function fieldsFrom(next: () => number): string[] {
  return HEADER.map((name) => {
    const pool = POOLS[name]!;
    // Mostly the first (valid) values, sometimes anything.
    const index = next() < 0.7 ? Math.floor(next() * 2) : Math.floor(next() * pool.length);
    return pool[index]!;
  });
}

function asRow(fields: string[], line: number): TableRow {
  const cells: TableRow["cells"] = {};
  HEADER.forEach((name, i) => {
    if (name) cells[name] = toCell(fields[i]!);
  });
  return { line, cells };
}

describe("the bulk line converter", () => {
  for (const [decimal, countFromDelivery] of [["comma", false], ["point", false], ["comma", true]] as [DecimalSeparator, boolean][]) {
    it(`never takes a line the validator rejects, and converts the others exactly (${decimal}${countFromDelivery ? ", replace" : ""})`, () => {
      const latestPeriod = "2024-12";
      const dates = { ...DATES, countFromDelivery };
      const validator = createDeclarationValidator({ knownMunicipalities: KNOWN, ...dates, decimal, pseudonymise, latestPeriod });
      const converter = createBulkLineConverter({ knownMunicipalities: KNOWN, ...dates, pseudonymise, columns, fieldCount: HEADER.length, unnamedColumns: [11], decimal, latestPeriod });
      const next = random(decimal === "comma" ? (countFromDelivery ? 13 : 7) : 11);
      let taken = 0;
      for (let line = 2; line < 30_000; line++) {
        const fields = fieldsFrom(next);
        const row = converter.convert(fields, line);
        if (row === null || row === "") continue;
        taken++;
        const checked = validator.validateRow(asRow(fields, line));
        expect(checked.ok, JSON.stringify(fields)).toBe(true);
        if (!checked.ok) continue;
        const stored = Object.fromEntries(row.slice(0, -1).split("\t").map((v, i) => [BULK_COPY_COLUMNS[i], v === "\\N" ? null : v]));
        const l = checked.line;
        const { amount, units, ...rest } = stored;
        expect(rest, JSON.stringify(fields)).toEqual({
          municipality_code: l.municipalityCode,
          line_no: String(line),
          service_month: l.serviceMonth,
          provider_code: l.providerCode,
          product_code: l.productCode,
          client_key: l.clientKey.replace(/\\/g, "\\\\"),
          referrer: l.referrer,
          declared_on: l.declaredOn,
        });
        // The same number, possibly written differently ("100.5" vs "100.50"); compared as decimals.
        expect(new Decimal(amount!).equals(l.amount)).toBe(true);
        expect(units === null ? null : new Decimal(units!).toString()).toBe(l.units === null ? null : new Decimal(l.units).toString());
      }
      expect(taken).toBeGreaterThan(500); // the generator does produce plenty of takeable lines
    });
  }

  it("takes amounts only in the shapes the pattern describes", () => {
    const comma = new RegExp(BULK_DECIMAL_PATTERN.comma);
    expect(["0", "12", "12,5", "-12,50", "1.234,5", "1.234,56", "1.234.567", "999.999.999,99", "999999999"].filter((a) => !comma.test(a))).toEqual([]);
    // "1.234" is ambiguous (1234 or 1,234): the validator refuses it with both readings.
    expect(["1000000000", "1.000.000.000", "12,505", "1,234.56", "12.5", "+5", " 5", "1e5", "0.123", "", "1.234", "-1.234"].filter((a) => comma.test(a))).toEqual([]);
    const point = new RegExp(BULK_DECIMAL_PATTERN.point);
    expect(["1,234.5", "1,234,567", "-12.50"].filter((a) => !point.test(a))).toEqual([]);
    expect(["1,234", "1.234,5", "12,5"].filter((a) => point.test(a))).toEqual([]);
  });

  it("skips empty rows and sums each municipality's amounts in cents", () => {
    const converter = createBulkLineConverter({ knownMunicipalities: KNOWN, ...DATES, pseudonymise, columns, fieldCount: HEADER.length, unnamedColumns: [11], decimal: "comma" });
    const line = (municipality: string, amount: string) =>
      ["2024-01", municipality, "12345678", "Stichting A", "45A51", "K1", "", amount, "", "", "", ""];
    expect(converter.convert(Array(HEADER.length).fill(""), 2)).toBe("");
    converter.convert(line("GM0014", "0,10"), 3);
    converter.convert(line("GM0014", "0,20"), 4);
    converter.convert(line("GM1966", "-1.000,01"), 5);
    const summary = converter.summary();
    expect(summary.lines).toBe(3);
    expect(summary.perMunicipality.get("GM0014")).toMatchObject({ lines: 2, cents: 30 });
    expect(summary.perMunicipality.get("GM1966")).toMatchObject({ lines: 1, cents: -100001 });
    expect(summary.providers.get("12345678")).toEqual({ name: "Stichting A", line: 3 });
  });
});

describe("the bulk block converter", () => {
  const options = {
    knownMunicipalities: KNOWN,
    ...DATES,
    pseudonymise,
    columns: new Map([["period", 0], ["municipality_code", 1], ["provider_code", 2], ["provider_name", 3], ["product_code", 4], ["client_key", 5], ["amount", 6]]),
    fieldCount: 7,
    unnamedColumns: [],
    decimal: "comma" as const,
    delimiter: ";" as const,
    encoding: "utf-8" as const,
    headerFields: ["period", "municipality_code", "provider_code", "provider_name", "product_code", "client_key", "amount"],
  };
  const bytes = (text: string) => new TextEncoder().encode(text);
  const HEAD = "\uFEFFperiod;municipality_code;provider_code;provider_name;product_code;client_key;amount\r\n";

  it("converts blocks with their own line numbers and sums them up", () => {
    const converter = createBulkBlockConverter(options);
    const first = converter.convertBlock(bytes(`${HEAD}2024-01;GM0014;12345678;"A; B";45A51;K1;1,00\r\n`), 1);
    const second = converter.convertBlock(bytes("2024-02;GM0014;12345678;A;45A51;K2;2,00"), 3);
    expect(first).toMatchObject({ ok: true, count: 1 });
    expect(second).toMatchObject({ ok: true, count: 1 });
    expect(new TextDecoder().decode((second as { rows: Uint8Array }).rows)).toContain("GM0014\t3\t2024-02-01");
    const merged = converter.summary();
    expect(merged.providers.get("12345678")).toEqual({ name: "A; B", line: 2 });
    expect(merged.perMunicipality.get("GM0014")).toMatchObject({ lines: 2, cents: 300 });
  });

  it("leaves lines that the row parser could read differently to the validator", () => {
    const cases = [
      `${HEAD}2024-01;GM0014;12345678;A;45A51;K1;1,00;\u0000\n`, // a NUL, even in a column the import ignores
      `${HEAD}2024-01;GM0014;12345678;${"A".repeat(70_000)};45A51;K1;1,00\n`, // a line over the row reader's limit
      `${HEAD}2024-01;GM0014;12345678;"A\r\n`, // a quote that continues on the next line
      `${HEAD}2024-01;GM0014;12345678;A"B;45A51;K1;1,00\n`, // a quote inside a value
      `${HEAD}\r\n2024-01;GM0014;12345678;A;45A51;K1;1,00\n`, // an empty line
      `${HEAD}2024-01;GM0014;12345678;A\rB;45A51;K1;1,00\n`, // a lone CR
      `period;municipality_code\r\n`, // another header than the one parsed
    ];
    for (const text of cases) expect(createBulkBlockConverter(options).convertBlock(bytes(text), 1).ok).toBe(false);
  });

  it("throws on bytes that are not UTF-8 (the caller then tries Windows-1252)", () => {
    expect(() => createBulkBlockConverter(options).convertBlock(new Uint8Array([0x80, 0x0a]), 2)).toThrow(TypeError);
    const win = createBulkBlockConverter({ ...options, encoding: "windows-1252" });
    const result = win.convertBlock(new Uint8Array([...bytes("2024-01;GM0014;12345678;"), 0x80, ...bytes(";45A51;K1;1,00\n")]), 2);
    expect(result.ok).toBe(true);
    expect(win.summary().providers.get("12345678")?.name).toBe("€");
  });
});

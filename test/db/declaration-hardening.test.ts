import ExcelJS from "exceljs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import {
  importDeclarations,
  rollBackBatch,
  type BulkEvent,
  type DeclarationImportOptions,
  type DeclarationImportResult,
} from "~/modules/declarations/declaration-import.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

/**
 * Issue 13, points 4, 8, 12 and 14: what the declaration import used to accept silently (or
 * answer confusingly) is refused with one clear message, or imported with a warning, the same
 * on the bulk path and on the row-by-row path, and nothing is stored when it is refused.
 */
let database: TestDatabase;
const KEY = "hardening-test-pseudonym-key-hardening-test";
const actor = { userId: null, label: "test" };
const HEADER = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount;units;referrer";
const line = (fields: Partial<Record<"period" | "key" | "amount" | "name" | "units", string>> = {}) =>
  `${fields.period ?? "2024-03"};GM0014;12345678;${fields.name ?? "Zorg BV"};45A51;${fields.key ?? "K1"};${fields.amount ?? "10,00"};${fields.units ?? "1"};`;
const file = (...lines: string[]) => `${HEADER}\r\n${lines.join("\r\n")}\r\n`;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

function source(content: string | Uint8Array, name = "declaraties.csv") {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  return {
    name,
    size: bytes.length,
    async *open() {
      for (let i = 0; i < bytes.length; i += 64 * 1024) yield bytes.subarray(i, i + 64 * 1024);
    },
  };
}

async function load(content: string | Uint8Array, options: Partial<DeclarationImportOptions> & { name?: string; viaBulk?: boolean } = {}) {
  const { name, viaBulk = true, ...rest } = options;
  const events: BulkEvent[] = [];
  const result = await importDeclarations(database.db, actor, source(content, name), {
    mode: "append",
    pseudonymKey: KEY,
    latestPeriod: "2026-12",
    ...rest,
    bulk: viaBulk ? database.bulk : undefined,
    onBulk: (event) => events.push(event),
  });
  return { result, events };
}

async function stored() {
  return withTenantScope(database.db, ALL_TENANTS, async (trx) => ({
    lines: (await sql<{ n: number }>`select count(*)::int as n from declaration`.execute(trx)).rows[0]!.n,
    keys: (await sql<{ k: string }>`select client_key as k from declaration union select client_key from summary_client`.execute(trx)).rows.map((r) => r.k),
    batches: (await sql<{ n: number }>`select count(*)::int as n from import_batch where status = 'committed'`.execute(trx)).rows[0]!.n,
  }));
}

function rejected(result: DeclarationImportResult) {
  if (result.ok) throw new Error(`expected a rejection, got ${result.lines} lines`);
  return result;
}
function imported(result: DeclarationImportResult) {
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.errors.shown.slice(0, 3))}`);
  return result;
}
async function rollBack(result: DeclarationImportResult) {
  await withTenantScope(database.db, ALL_TENANTS, (trx) => rollBackBatch(trx, actor, imported(result).batchId));
}

const PATHS = [
  { path: "bulk", viaBulk: true },
  { path: "row-by-row", viaBulk: false },
] as const;

describe.each(PATHS)("refused on the $path path, nothing stored", ({ viaBulk }) => {
  it("a client key that holds a BSN (4), never echoed", async () => {
    const before = await stored();
    const keys = ["123-456-782", "1112.22.333", "BSN 111222333"];
    const { result } = await load(file(line(), ...keys.map((key) => line({ key }))), { viaBulk });
    const refused = rejected(result);
    expect(refused.allErrors.map((e) => [e.line, e.column, e.code])).toEqual([
      [3, "client_key", "client_key_is_bsn"],
      [4, "client_key", "client_key_is_bsn"],
      [5, "client_key", "client_key_is_bsn"],
    ]);
    const text = JSON.stringify(result);
    for (const digits of ["123-456-782", "123456782", "1112.22.333", "111222333"]) expect(text).not.toContain(digits);
    expect(await stored()).toEqual(before);
  });

  it("a period written as a date, and a period in the future (8)", async () => {
    const before = await stored();
    const refused = rejected((await load(file(line({ period: "2023-01-01" }), line({ period: "2099-12" })), { viaBulk })).result);
    expect(refused.allErrors.map((e) => [e.line, e.code])).toEqual([
      [2, "invalid_period"],
      [3, "future_period"],
    ]);
    expect(refused.allErrors[1]!.message).toBe("Line 3: period 2099-12 is in the future.");
    expect(await stored()).toEqual(before);
  });

  it("1.234 in a decimal-comma file, naming both readings (8)", async () => {
    const refused = rejected((await load(file(line({ amount: "1.234" }), line({ amount: "1.234,56" })), { viaBulk })).result);
    expect(refused.allErrors).toHaveLength(1);
    expect(refused.allErrors[0]).toMatchObject({ line: 2, column: "amount", code: "ambiguous_number", params: { grouped: "1234", decimal: "1,234" } });
    expect(refused.allErrors[0]!.message).toContain("1.234 could be 1234 or 1,234");
  });

  it("a NUL character in any field (8)", async () => {
    const before = await stored();
    const refused = rejected((await load(file(line(), line({ name: "Zorg\u0000BV" }), `${line()}x\u0000y`), { viaBulk })).result);
    // The last line has a tenth field, which the file's header does not name: malformed, not a NUL.
    expect(refused.allErrors[0]).toMatchObject({ line: 3, column: "provider_name", code: "nul_character" });
    expect(await stored()).toEqual(before);
  });

  it("a file without line breaks, at once and with one clear message (12)", async () => {
    const before = await stored();
    const body = `${HEADER}\r\n${line().repeat(20_000)}`; // ≈ 1 MB on line 2
    const refused = rejected((await load(body, { viaBulk })).result);
    expect(refused.allErrors).toEqual([
      { line: 2, column: null, code: "line_too_long", params: { kb: 64 }, message: "Line 2 is longer than 64 KB; is this a CSV file with line breaks?" },
    ]);
    const small = rejected((await load(file(line({ name: "x".repeat(2_000) })), { viaBulk, maxLineLength: 1024 })).result);
    expect(small.allErrors[0]).toMatchObject({ line: 2, code: "line_too_long", params: { kb: 1 } });
    expect(await stored()).toEqual(before);
  });

  it("a UTF-16 file, with one error instead of seven missing columns (14)", async () => {
    const text = file(line());
    const utf16 = Uint8Array.from([0xff, 0xfe, ...[...text].flatMap((c) => [c.charCodeAt(0), 0])]);
    const refused = rejected((await load(utf16, { viaBulk })).result);
    expect(refused.allErrors.map((e) => e.code)).toEqual(["utf16"]);
    expect(refused.allErrors[0]!.message).toContain("save it as UTF-8 CSV");
  });
});

describe("identical lines (8)", () => {
  const repeated = file(line({ key: "K1" }), line({ key: "K2" }), line({ key: "K1" }), line({ key: "K3" }), line({ key: "K1" }), line({ key: "K2" }));

  it.each(PATHS)("are imported on the $path path with a warning listing them", async ({ viaBulk }) => {
    const { result, events } = await load(repeated, { viaBulk });
    const ok = imported(result);
    expect(ok.lines).toBe(6);
    if (viaBulk) expect(events).toEqual([{ kind: "loaded", lines: 6 }]);
    expect(ok.notices.filter((n) => n.code.startsWith("identical"))).toEqual([
      {
        line: null,
        column: null,
        code: "identical_lines_total",
        params: { repeated: 3, groups: 2 },
        message: "3 lines are identical to an earlier line (2 groups) and are counted as often as they appear.",
      },
      { line: 4, column: null, code: "identical_lines", params: { lines: "4, 6", first: 2 }, message: "Lines 4, 6: identical to line 2." },
      { line: 7, column: null, code: "identical_lines", params: { lines: "7", first: 3 }, message: "Lines 7: identical to line 3." },
    ]);
    await rollBack(result);
  });

  it.each(PATHS)("are refused on the $path path when asked, nothing stored", async ({ viaBulk }) => {
    const before = await stored();
    const refused = rejected((await load(repeated, { viaBulk, refuseIdenticalLines: true })).result);
    expect(refused.errors.countsByCode).toEqual({ identical_lines_total: 1, identical_lines: 2 });
    expect(refused.allErrors[1]).toMatchObject({ line: 4, code: "identical_lines", params: { lines: "4, 6", first: 2 } });
    expect(await stored()).toEqual(before);
  });

  it("are not lines that differ in units or referrer, and a file without repeats gets no warning", async () => {
    const { result: loaded } = await load(file(line(), line({ units: "2" }), line().replace(/;$/, ";huisarts")));
    const result = imported(loaded);
    expect(result.notices.filter((n) => n.code.startsWith("identical"))).toEqual([]);
    await rollBack(result);
  });

  it("cap the list: 20 groups shown, at most 10 repeats each, all counted", async () => {
    const lines = [...Array.from({ length: 15 }, () => line({ key: "KX" })), ...Array.from({ length: 30 }, (_, i) => [line({ key: `KG${i}` }), line({ key: `KG${i}` })]).flat()];
    const result = imported((await load(file(...lines))).result);
    const notices = result.notices.filter((n) => n.code.startsWith("identical"));
    expect(notices[0]).toMatchObject({ code: "identical_lines_total", params: { repeated: 14 + 30, groups: 31 } });
    expect(notices).toHaveLength(1 + 20);
    expect(notices[1]).toMatchObject({ params: { lines: "3, 4, 5, 6, 7, 8, 9, 10, 11, 12, … (14 in all)", first: 2 } });
    await rollBack(result);
  });
});

describe("XLSX files (8)", () => {
  it("import a formula's last calculated value with a warning naming the cells, and take a date cell as its month", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Declaraties");
    sheet.addRow(HEADER.split(";"));
    sheet.addRow([new Date(Date.UTC(2024, 4, 1)), "GM0014", "12345678", "Zorg BV", "45A51", "KX1", 10, 1, null]);
    sheet.addRow(["2024-05", "GM0014", "12345678", "Zorg BV", "45A51", "KX2", { formula: "G2*2", result: 20 }, { formula: "H2+1", result: 2 }, null]);
    const bytes = new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
    const result = imported((await load(bytes, { name: "declaraties.xlsx" })).result);
    expect(result.totalAmount).toBe("30.00");
    expect(result.notices.find((n) => n.code === "formula_cells")).toEqual({
      line: null,
      column: null,
      code: "formula_cells",
      params: { cells: "G3, H3", count: 2 },
      message: "Cells G3, H3 are formulas; their last calculated values were imported.",
    });
    await rollBack(result);
  });
});

describe("what stays accepted", () => {
  it.each(PATHS)("client keys whose digits are no BSN, the current month, 1.234,56 and 1.234.567 ($path)", async ({ viaBulk }) => {
    const { result } = await load(
      file(line({ key: "K0014c00009" }), line({ key: "123-456-789", period: "2026-12" }), line({ key: "K-1", amount: "1.234.567" }), line({ key: "K-2", amount: "1.234,56" })),
      { viaBulk },
    );
    expect(imported(result).totalAmount).toBe("1235821.56");
    await rollBack(result);
  });
});

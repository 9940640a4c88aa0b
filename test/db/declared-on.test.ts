import ExcelJS from "exceljs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import {
  importDeclarations,
  type BulkEvent,
  type DeclarationImportOptions,
} from "~/modules/declarations/declaration-import.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

/**
 * Issue 14 §1: each line's declared date — its `declared_on`, else the batch's delivery date; a
 * replace counts from its delivery date — the same on the bulk and the row-by-row path (CSV and
 * XLSX, also a real Excel date cell); a bad date is a row error and nothing is stored.
 */
let database: TestDatabase;
const KEY = "declared-on-test-pseudonym-key-0123456789abcdef";
const actor = { userId: null, label: "test" };
const TODAY = "2026-12-02";
const HEAD = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount;declared_on";

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

let files = 0;
async function load(content: string | Uint8Array, options: Partial<Omit<DeclarationImportOptions, "bulk">> & { bulk?: boolean; name?: string } = {}) {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  const { bulk = true, name = `declaraties-${++files}.csv`, ...rest } = options;
  const events: BulkEvent[] = [];
  const result = await importDeclarations(
    database.db,
    actor,
    { name, size: bytes.length, async *open() { yield bytes; } },
    { mode: "append", pseudonymKey: KEY, today: TODAY, ...rest, bulk: bulk ? database.bulk : undefined, onBulk: (e) => events.push(e) },
  );
  return { result, events };
}

async function declaredDates(batchId: string) {
  return withTenantScope(database.db, ALL_TENANTS, async (trx) => ({
    lines: (await sql<{ line_no: number; declared_on: string }>`
      select line_no, declared_on::text from declaration where batch_id = ${batchId} order by line_no`.execute(trx)).rows.map((r) => [r.line_no, r.declared_on]),
    deliveredOn: (await sql<{ d: string }>`select delivered_on::text as d from import_batch where id = ${batchId}`.execute(trx)).rows[0]!.d,
  }));
}

async function counts() {
  return withTenantScope(database.db, ALL_TENANTS, async (trx) =>
    (await sql<{ lines: number; batches: number }>`
      select (select count(*)::int from declaration) as lines, (select count(*)::int from import_batch) as batches`.execute(trx)).rows[0]!,
  );
}

function csv(rows: string[]) {
  return `${HEAD}\n${rows.join("\n")}\n`;
}

describe.each([true, false])("declared dates (bulk path offered: %s)", (bulk) => {
  const client = (n: number) => `K${bulk ? "b" : "r"}${n}`;

  it("stores each line's declared_on, and the delivery date where the cell is empty", async () => {
    const { result, events } = await load(
      csv([
        `2025-03;GM0014;12345678;Zorg A;45A51;${client(1)};100,00;2025-04-09`,
        `2025-03;GM0014;12345678;Zorg A;45A51;${client(2)};50,00;`,
        `2025-04;GM0014;12345678;Zorg A;45A51;${client(3)};-20,00;2025-04-01`,
      ]),
      { bulk, deliveredOn: "2025-05-10" },
    );
    expect(result.ok, JSON.stringify(result.ok ? null : result.errors.shown)).toBe(true);
    if (!result.ok) return;
    if (bulk && database.bulk) expect(events).toContainEqual({ kind: "loaded", lines: 3 });
    expect(await declaredDates(result.batchId)).toEqual({
      deliveredOn: "2025-05-10",
      lines: [
        [2, "2025-04-09"],
        [3, "2025-05-10"],
        [4, "2025-04-01"],
      ],
    });
  });

  it("takes the day of import when no delivery date is given", async () => {
    const { result } = await load(csv([`2025-06;GM0014;12345678;Zorg A;45A51;${client(4)};10,00;`]), { bulk });
    expect(result.ok).toBe(true);
    if (result.ok) expect(await declaredDates(result.batchId)).toEqual({ deliveredOn: TODAY, lines: [[2, TODAY]] });
  });

  it("counts a replace from its delivery date", async () => {
    const { result } = await load(
      csv([
        `2025-07;GM0037;12345678;Zorg A;45A51;${client(5)};10,00;2025-08-09`,
        `2025-07;GM0037;12345678;Zorg A;45A51;${client(6)};10,00;2025-11-20`,
      ]),
      { bulk, mode: "replace", deliveredOn: "2025-10-01" },
    );
    expect(result.ok).toBe(true);
    if (result.ok) expect((await declaredDates(result.batchId)).lines).toEqual([[2, "2025-10-01"], [3, "2025-11-20"]]);
  });

  it("refuses the whole file for a declared date before the service month, after the day of import, or not a date", async () => {
    const before = await counts();
    const { result } = await load(
      csv([
        `2023-02;GM0014;12345678;Zorg A;45A51;${client(7)};10,00;2023-02-15`,
        `2023-02;GM0014;12345678;Zorg A;45A51;${client(8)};10,00;2023-01-05`,
        `2023-02;GM0014;12345678;Zorg A;45A51;${client(9)};10,00;2026-12-03`,
        `2023-02;GM0014;12345678;Zorg A;45A51;${client(10)};10,00;05-02-2023`,
      ]),
      { bulk },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.allErrors.map((e) => [e.line, e.column, e.code])).toEqual([
      [3, "declared_on", "declared_before_service_month"],
      [4, "declared_on", "future_declared_on"],
      [5, "declared_on", "invalid_declared_on"],
    ]);
    expect(result.allErrors[0]!.message).toBe("Line 3: declared_on 2023-01-05 is before the service month 2023-02.");
    expect(await counts()).toEqual(before);
  });

  it("refuses a delivery date after today or that is not a date, storing nothing", async () => {
    const before = await counts();
    for (const [deliveredOn, code] of [["2026-12-03", "future_delivered_on"], ["3-12-2026", "invalid_delivered_on"], ["2026-02-30", "invalid_delivered_on"]]) {
      const { result } = await load(csv([`2025-06;GM0014;12345678;Zorg A;45A51;${client(11)};10,00;`]), { bulk, deliveredOn });
      expect(result.ok, deliveredOn).toBe(false);
      if (!result.ok) expect(result.allErrors.map((e) => [e.line, e.column, e.code])).toEqual([[null, "delivered_on", code]]);
    }
    expect(await counts()).toEqual(before);
  });
});

describe("declared dates in a workbook", () => {
  it("reads declared_on from a real Excel date cell and from text", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Declaraties");
    sheet.addRow(["period", "municipality_code", "provider_code", "provider_name", "product_code", "client_key", "amount", "declared_on"]);
    sheet.addRow(["2025-09", "GM0014", "12345678", "Zorg A", "45A51", "KX1", 12.5, new Date(Date.UTC(2025, 9, 8))]);
    sheet.addRow(["2025-09", "GM0014", "12345678", "Zorg A", "45A51", "KX2", 7, "2025-11-10"]);
    sheet.addRow(["2025-09", "GM0014", "12345678", "Zorg A", "45A51", "KX3", 7, null]);
    sheet.getCell("H2").numFmt = "d-m-yyyy";
    const bytes = new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
    const { result } = await load(bytes, { name: "declaraties.xlsx", deliveredOn: "2025-11-12" });
    expect(result.ok, JSON.stringify(result.ok ? null : result.errors.shown)).toBe(true);
    if (result.ok) expect((await declaredDates(result.batchId)).lines).toEqual([[2, "2025-10-08"], [3, "2025-11-10"], [4, "2025-11-12"]]);
  });
});

import { municipalityScopeOf } from "@jeugdregio/access";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { segmentReport } from "~/modules/reports/segment-report.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

/** The second wall around declarations: raw SQL in a municipal scope sees only its own lines. */
let database: TestDatabase;
const groningen = municipalityScopeOf("municipal_editor", "GM0014");
const FILE = [
  "period;municipality_code;provider_code;provider_name;product_code;client_key;amount",
  "2024-01;GM0014;12345678;Stichting Stad;45A51;K1;100,00",
  "2024-01;GM1966;87654321;Stichting Hogeland;54001;K2;250,00",
].join("\r\n");

beforeAll(async () => {
  database = await createTestDatabase();
  const bytes = new TextEncoder().encode(`${FILE}\r\n`);
  const result = await importDeclarations(
    database.db,
    { userId: null, label: "test" },
    { name: "d.csv", size: bytes.length, async *open() { yield bytes; } },
    { mode: "append", pseudonymKey: "isolation-test-key-isolation-test-key-01" },
  );
  expect(result.ok).toBe(true);
});
afterAll(async () => {
  await database?.close();
});

describe("declarations under row-level security", () => {
  it("shows a municipal scope only its own lines and batch totals", async () => {
    const seen = await withTenantScope(database.db, groningen, async (trx) => ({
      lines: (await sql<{ m: string }>`select distinct municipality_code as m from declaration`.execute(trx)).rows.map((r) => r.m),
      totals: (await sql<{ m: string }>`select municipality_code as m from import_batch_municipality`.execute(trx)).rows.map((r) => r.m),
      batches: (await sql`select * from import_batch`.execute(trx)).rows.length,
    }));
    expect(seen).toEqual({ lines: ["GM0014"], totals: ["GM0014"], batches: 0 });
  });

  it("refuses to write or change another municipality's lines", async () => {
    const changed = await withTenantScope(database.db, groningen, (trx) =>
      sql`update declaration set amount = 0 where municipality_code = 'GM1966'`.execute(trx),
    );
    expect(Number(changed.numAffectedRows ?? 0)).toBe(0);
    const deleted = await withTenantScope(database.db, groningen, (trx) => sql`delete from declaration where municipality_code = 'GM1966'`.execute(trx));
    expect(Number(deleted.numAffectedRows ?? 0)).toBe(0);
    const intact = await withTenantScope(database.db, ALL_TENANTS, (trx) =>
      sql<{ total: string }>`select sum(amount)::text as total from declaration where municipality_code = 'GM1966'`.execute(trx),
    );
    expect(intact.rows[0]!.total).toBe("250.00");
  });

  it("gives a municipal scope asking for the region only its own figures", async () => {
    const report = await withTenantScope(database.db, groningen, (trx) => segmentReport(trx, 2024, { kind: "region" }));
    expect(report.segments.all.spending).toBe("100.00");
  });
});

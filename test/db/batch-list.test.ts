import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { listBatches } from "~/modules/imports/batches.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

/**
 * The batch service behind the imports page and `batch list` (issue 15 §2): the page reads the newest
 * 100 and says there are more; the CLI (a `null` limit) lists every batch, newest first.
 */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
  const start = Date.UTC(2026, 0, 1);
  await database.db
    .insertInto("import_batch")
    .values(
      Array.from({ length: 101 }, (_, i) => ({
        kind: "declarations" as const,
        file_name: `batch-${String(i).padStart(3, "0")}.csv`,
        file_hash: `hash-${i}`,
        mode: i % 2 ? ("replace" as const) : ("append" as const),
        status: i === 100 ? ("rolled_back" as const) : ("committed" as const),
        line_count: i + 1,
        total_amount: `${i}.50`,
        imported_by: null,
        imported_by_label: "cli:test",
        imported_at: new Date(start + i * 60_000),
        delivered_on: "2026-01-01",
        rolled_back_at: i === 100 ? new Date(start + 200 * 60_000) : null,
        rolled_back_by_label: i === 100 ? "cli:test" : null,
      })),
    )
    .execute();
});
afterAll(async () => {
  await database?.close();
});

describe("listBatches", () => {
  it("gives the page the newest 100 and says there are more", async () => {
    const { batches, more } = await withTenantScope(database.db, ALL_TENANTS, (trx) => listBatches(trx));
    expect(batches).toHaveLength(100);
    expect(more).toBe(true);
    expect(batches[0]!.fileName).toBe("batch-100.csv");
    expect(batches.at(-1)!.fileName).toBe("batch-001.csv");
  });

  it("lists every batch, newest first, for the CLI, with the fields batch list prints", async () => {
    const { batches, more } = await withTenantScope(database.db, ALL_TENANTS, (trx) => listBatches(trx, null));
    expect(batches).toHaveLength(101);
    expect(more).toBe(false);
    expect(batches.map((b) => b.fileName)).toEqual(Array.from({ length: 101 }, (_, i) => `batch-${String(100 - i).padStart(3, "0")}.csv`));
    expect(batches[0]).toMatchObject({
      fileName: "batch-100.csv",
      status: "rolled_back",
      mode: "append",
      lines: 101,
      totalAmount: "100.50",
      importedBy: "cli:test",
      importedAt: "2026-01-01T01:40:00.000Z",
      deliveredOn: "2026-01-01",
      rolledBackBy: "cli:test",
    });
    expect(batches.at(-1)).toMatchObject({ fileName: "batch-000.csv", status: "committed", lines: 1, totalAmount: "0.50" });
  });
});

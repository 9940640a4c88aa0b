import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { todayInAmsterdam } from "@jeugdregio/format";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importDeclarations, rollBackBatch } from "~/modules/declarations/declaration-import.server";
import { demoDeclarationChunks } from "~seeds/demo-data";
import { createTestDatabase, type TestDatabase } from "../support/database";

/**
 * A replace records when it replaced (superseded_on = its delivery date), so as of an earlier date
 * the replaced lines still count; a rollback of the replace clears both marks together.
 */
let database: TestDatabase;
const actor = { userId: null, label: "test" };
const KEY = "superseded-on-test-pseudonym-key-0123456789";

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

async function load(text: string, mode: "append" | "replace", bulk: boolean) {
  const bytes = new TextEncoder().encode(text);
  const result = await importDeclarations(
    database.db,
    actor,
    { name: `f${Math.random()}.csv`, size: bytes.length, async *open() { yield bytes; } },
    { mode, pseudonymKey: KEY, bulk: bulk ? database.bulk : undefined },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors.shown.slice(0, 2)));
  return result.batchId;
}

async function marks() {
  return withTenantScope(database.db, ALL_TENANTS, async (trx) =>
    (await sql<{ by: number; on: number; on_date: string | null }>`
      select count(superseded_by)::int as by, count(superseded_on)::int as on, max(superseded_on)::text as on_date from declaration`.execute(trx)).rows[0]!,
  );
}

describe("superseded_on", () => {
  it.each([true, false])("is the replacing delivery's date, and a rollback clears it (bulk path: %s)", async (bulk) => {
    const file = (seed: number) => [...demoDeclarationChunks({ seed, trajectoriesPerThousand: 0.5, firstYear: 2024, lastMonth: "2024-06" })].join("");
    const first = await load(file(bulk ? 7 : 8), "append", bulk);
    expect(first).toBeTruthy();
    // Another delivery for the same municipality-months.
    const replace = await load(file(bulk ? 9 : 10), "replace", bulk);
    const after = await marks();
    expect(after.by).toBeGreaterThan(0);
    expect(after.on).toBe(after.by);
    expect(after.on_date).toBe(todayInAmsterdam());
    const rolledBack = await withTenantScope(database.db, ALL_TENANTS, (trx) => rollBackBatch(trx, actor, replace!));
    expect(rolledBack).toBe(true);
    expect(await marks()).toMatchObject({ by: 0, on: 0, on_date: null });
    await withTenantScope(database.db, ALL_TENANTS, (trx) => rollBackBatch(trx, actor, first!));
  });
});

import { municipalityScopeOf } from "@jeugdregio/access";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { computeLocalBudget, parseBudgetDefinition, saveBudgetDefinition } from "~/modules/budgets/budgets.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

/** The second wall around local budgets: raw SQL in another municipality's scope sees and changes nothing. */
let database: TestDatabase;
const actor = { userId: null, label: "test" };
const hogeland = municipalityScopeOf("municipal_editor", "GM1966");
const groningen = municipalityScopeOf("municipal_viewer", "GM0014");

beforeAll(async () => {
  database = await createTestDatabase();
  const definition = parseBudgetDefinition(
    JSON.stringify({
      municipality_code: "GM0014",
      key: "samen",
      name: "SAMEN.",
      executor: "WIJ Groningen",
      funding_form: "task_based",
      ict_share: "0.049",
      housing_share: "0.06",
      products: [{ product_code: "45A51", transferred_on: "2023-01-01" }],
      years: [{ year: 2025, manual_base: "100.00", manual_base_reason: "test" }],
    }),
  );
  await withTenantScope(database.db, ALL_TENANTS, (trx) => saveBudgetDefinition(trx, actor, definition));
});
afterAll(async () => {
  await database?.close();
});

describe("local budgets under row-level security", () => {
  it("are invisible to another municipality, whatever it asks", async () => {
    const seen = await withTenantScope(database.db, hogeland, async (trx) => ({
      budgets: (await sql`select * from local_budget`.execute(trx)).rows.length,
      products: (await sql`select * from local_budget_product`.execute(trx)).rows.length,
      years: (await sql`select * from local_budget_year`.execute(trx)).rows.length,
      computed: await computeLocalBudget(trx, "GM0014", "samen", 2025, "october"),
    }));
    expect(seen).toEqual({ budgets: 0, products: 0, years: 0, computed: null });
    const own = await withTenantScope(database.db, groningen, (trx) => sql`select key from local_budget`.execute(trx));
    expect(own.rows).toEqual([{ key: "samen" }]);
  });

  it("cannot be changed or created for another municipality", async () => {
    const changed = await withTenantScope(database.db, hogeland, (trx) =>
      sql`update local_budget_year set manual_base = 1 where municipality_code = 'GM0014'`.execute(trx),
    );
    expect(Number(changed.numAffectedRows ?? 0)).toBe(0);
    const insert = withTenantScope(database.db, hogeland, (trx) =>
      sql`insert into local_budget (municipality_code, key, name, executor, funding_form, ict_share, housing_share)
          values ('GM0014', 'stiekem', 'x', 'x', 'lump_sum', 0, 0)`.execute(trx),
    );
    await expect(insert).rejects.toMatchObject({ code: "42501" });
    const intact = await withTenantScope(database.db, ALL_TENANTS, (trx) => sql<{ manual_base: string }>`select manual_base::text from local_budget_year`.execute(trx));
    expect(intact.rows).toEqual([{ manual_base: "100.00" }]);
  });
});

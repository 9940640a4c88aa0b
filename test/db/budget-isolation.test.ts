import { municipalityScopeOf } from "@jeugdregio/access";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { BudgetInputError, computeLocalBudget, parseBudgetDefinition, saveBudgetDefinition } from "~/modules/budgets/budgets.server";
import { closedSquareReport } from "~/modules/budgets/closed-square.server";
import { financeHistory, saveBudgetParameters, saveOtherSpending, saveRealisation } from "~/modules/budgets/finance-entries.server";
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

  it("keep typed figures and their change history to the municipality: reads see nothing, writes are refused", async () => {
    await withTenantScope(database.db, ALL_TENANTS, async (trx) => {
      await saveOtherSpending(trx, actor, "GM0014", { year: "2024", non_contracted: "1000.00", pgb: "2000.00" }, "point");
      await saveRealisation(trx, actor, { municipalityCode: "GM0014", key: "samen" }, { year: "2025", realised_q1: "50.00" }, "point");
    });
    const seen = await withTenantScope(database.db, hogeland, async (trx) => ({
      other: (await sql`select * from other_youth_spending`.execute(trx)).rows.length,
      changes: (await sql`select * from finance_change`.execute(trx)).rows.length,
      history: await financeHistory(trx, "GM0014", "budget:samen"),
      square: (await closedSquareReport(trx, "GM0014", null)).years,
    }));
    expect(seen).toEqual({ other: 0, changes: 0, history: [], square: [] });
    const own = await withTenantScope(database.db, groningen, (trx) => financeHistory(trx, "GM0014", "budget:samen"));
    expect(own.map((c) => [c.field, c.previousValue, c.newValue])).toEqual([["realised_q1", null, "50.00"]]);

    // Through the module: another municipality's budget does not exist for Het Hogeland; raw SQL is refused.
    const parameters = withTenantScope(database.db, hogeland, (trx) =>
      saveBudgetParameters(trx, actor, { municipalityCode: "GM0014", key: "samen" }, { year: "2025", scope_share: "50" }, "point"),
    );
    await expect(parameters).rejects.toBeInstanceOf(BudgetInputError);
    const other = withTenantScope(database.db, hogeland, (trx) => saveOtherSpending(trx, actor, "GM0014", { year: "2025", pgb: "1.00" }, "point"));
    await expect(other).rejects.toMatchObject({ code: "42501" });
    const forged = withTenantScope(database.db, hogeland, (trx) =>
      sql`insert into finance_change (municipality_code, subject, field, changed_by) values ('GM0014', 'other_spending', 'pgb', 'x')`.execute(trx),
    );
    await expect(forged).rejects.toMatchObject({ code: "42501" });
    const updated = await withTenantScope(database.db, hogeland, (trx) => sql`update other_youth_spending set pgb = 0`.execute(trx));
    expect(Number(updated.numAffectedRows ?? 0)).toBe(0);
    // A viewer of Groningen itself has no write scope either.
    const viewer = withTenantScope(database.db, groningen, (trx) => saveOtherSpending(trx, actor, "GM0014", { year: "2024", pgb: "1.00" }, "point"));
    await expect(viewer).rejects.toMatchObject({ code: "42501" });
    const intact = await withTenantScope(database.db, ALL_TENANTS, async (trx) => ({
      other: (await sql<{ year: number; pgb: string }>`select year, pgb::text from other_youth_spending`.execute(trx)).rows,
      changes: Number((await sql<{ n: number }>`select count(*)::int as n from finance_change`.execute(trx)).rows[0]!.n),
    }));
    expect(intact).toEqual({ other: [{ year: 2024, pgb: "2000.00" }], changes: 3 });
  });

  it("refuses a date that does not exist in a budget file, naming the field", () => {
    const file = JSON.stringify({
      municipality_code: "GM0014",
      key: "samen",
      name: "SAMEN.",
      executor: "WIJ Groningen",
      funding_form: "task_based",
      ict_share: "0.049",
      housing_share: "0.06",
      products: [{ product_code: "45A51", transferred_on: "2023-02-30" }],
    });
    expect(() => parseBudgetDefinition(file)).toThrow(expect.objectContaining({ field: "products.0.transferred_on" }));
  });
});

import type { Kysely } from "kysely";
import type { BulkLoader } from "~db/connect";
import type { Database } from "~db/schema";
import { ACCOUNTS_ONLY, ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { demoDeclarationBytes, type DemoOptions } from "./demo-data";
import { createUser, findUser } from "~/modules/users/users.server";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./demo-accounts";
import { DEMO_HOGELAND, DEMO_OTHER_SPENDING, DEMO_OVA, DEMO_SAMEN } from "./demo-budgets";
import { importIndexFigures, saveBudgetDefinition } from "~/modules/budgets/budgets.server";
import { importOtherSpending } from "~/modules/budgets/finance-entries.server";
import type { SeedLog } from "./reference";

/**
 * Demo accounts for each role (existing accounts are left as they are) and, on
 * a database without declarations, the generated demo declarations, loaded
 * through the real import path.
 */
export async function seedDemo(
  db: Kysely<Database>,
  log: SeedLog = () => {},
  options: { pseudonymKey: string; declarations?: DemoOptions | false; bulk?: BulkLoader } = { pseudonymKey: "demo" },
): Promise<void> {
  let created = 0;
  await withTenantScope(db, ACCOUNTS_ONLY, async (trx) => {
    for (const account of DEMO_ACCOUNTS) {
      if (await findUser(trx, account.email)) continue;
      await createUser(trx, { userId: null, label: "seed --demo" }, { ...account, password: DEMO_PASSWORD });
      created++;
    }
  });
  log(`demo accounts: ${created} created, ${DEMO_ACCOUNTS.length - created} already present`);
  await seedDemoBudgets(db, log);
  if (options.declarations === false) return;

  const hasData = await withTenantScope(db, ALL_TENANTS, (trx) =>
    trx.selectFrom("import_batch").select("id").limit(1).executeTakeFirst(),
  );
  if (hasData) return;
  const demoOptions = options.declarations ?? {};
  const result = await importDeclarations(
    db,
    { userId: null, label: "seed --demo" },
    { name: "demo-declaraties-2022-2026.csv", size: null, open: () => demoDeclarationBytes(demoOptions) },
    { mode: "append", pseudonymKey: options.pseudonymKey, bulk: options.bulk },
  );
  if (!result.ok) throw new Error(`Demo declarations rejected: ${JSON.stringify(result.errors.shown.slice(0, 3))}`);
  log(`demo declarations: ${result.lines} lines, total € ${result.totalAmount}`);
}

/**
 * The OVA series, Groningen's SAMEN. budget, Het Hogeland's own budget and the closed square's
 * typed figures, each once: what exists is left as it is.
 */
async function seedDemoBudgets(db: Kysely<Database>, log: SeedLog): Promise<void> {
  const actor = { userId: null, label: "seed --demo" };
  const bytes = (text: string) => new TextEncoder().encode(text);
  await withTenantScope(db, ALL_TENANTS, async (trx) => {
    const seeded: string[] = [];
    if (!(await trx.selectFrom("index_figure").select("year").limit(1).executeTakeFirst())) {
      await importIndexFigures(trx, actor, { name: "ova.csv", bytes: bytes(DEMO_OVA) });
      seeded.push("the OVA series");
    }
    for (const budget of [DEMO_SAMEN, DEMO_HOGELAND]) {
      const existing = await trx.selectFrom("local_budget").select("key").where("municipality_code", "=", budget.municipality_code).where("key", "=", budget.key).executeTakeFirst();
      if (existing) continue;
      await saveBudgetDefinition(trx, actor, budget);
      seeded.push(`${budget.municipality_code} ${budget.name}`);
    }
    if (!(await trx.selectFrom("other_youth_spending").select("year").limit(1).executeTakeFirst())) {
      await importOtherSpending(trx, actor, { name: "overige-jeugdhulp.csv", bytes: bytes(DEMO_OTHER_SPENDING) });
      seeded.push("non-contracted care and PGB");
    }
    if (seeded.length) log(`demo budgets: ${seeded.join(", ")}`);
  });
}

import type { Kysely } from "kysely";
import type { BulkLoader } from "~db/connect";
import type { Database } from "~db/schema";
import { ALL_TENANTS, NO_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { demoDeclarationBytes, type DemoOptions } from "./demo-data";
import { createUser, findUser } from "~/modules/users/users.server";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./demo-accounts";
import { DEMO_OVA, DEMO_SAMEN } from "./demo-budgets";
import { importIndexFigures, saveBudgetDefinition } from "~/modules/budgets/budgets.server";
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
  await withTenantScope(db, NO_TENANTS, async (trx) => {
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

/** The OVA series and Groningen's SAMEN. budget, once (an existing budget is left as it is). */
async function seedDemoBudgets(db: Kysely<Database>, log: SeedLog): Promise<void> {
  const actor = { userId: null, label: "seed --demo" };
  await withTenantScope(db, ALL_TENANTS, async (trx) => {
    const existing = await trx.selectFrom("local_budget").select("key").limit(1).executeTakeFirst();
    if (existing) return;
    await importIndexFigures(trx, actor, { name: "ova.csv", bytes: new TextEncoder().encode(DEMO_OVA) });
    await saveBudgetDefinition(trx, actor, DEMO_SAMEN);
    log("demo budgets: the OVA series and Groningen's SAMEN. budget");
  });
}

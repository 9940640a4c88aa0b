import type { Kysely } from "kysely";
import type { Database } from "~db/schema";
import { NO_TENANTS, withTenantScope } from "~db/tenant-scope";
import { createUser, findUser } from "~/modules/users/users.server";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./demo-accounts";
import type { SeedLog } from "./reference";

/** Demo accounts for each role; existing accounts are left as they are. */
export async function seedDemo(db: Kysely<Database>, log: SeedLog = () => {}): Promise<void> {
  let created = 0;
  await withTenantScope(db, NO_TENANTS, async (trx) => {
    for (const account of DEMO_ACCOUNTS) {
      if (await findUser(trx, account.email)) continue;
      await createUser(trx, { userId: null, label: "seed --demo" }, { ...account, password: DEMO_PASSWORD });
      created++;
    }
  });
  log(`demo accounts: ${created} created, ${DEMO_ACCOUNTS.length - created} already present`);
}

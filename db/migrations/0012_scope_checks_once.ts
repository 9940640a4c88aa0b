import { sql, type Kysely } from "kysely";
import { legacyTenantPolicyStatements as tenantPolicyStatements } from "./legacy-scope-checks";

/** The tenant tables as of this migration (db/tenancy.ts TENANT_TABLES). */
const TABLES = [
  "population",
  "import_batch_municipality",
  "declaration",
  "local_budget",
  "local_budget_product",
  "local_budget_year",
  "local_budget_tranche",
  "other_youth_spending",
  "finance_change",
  "summary_provider",
  "summary_client",
];

/**
 * Every tenant table's policies in the form of `tenantPolicyStatements`: the same rows pass, but
 * the scope setting is read once per query instead of once per row.
 */
export async function up(db: Kysely<unknown>) {
  for (const table of TABLES) {
    for (const action of ["read", "insert", "update", "delete"]) await sql.raw(`drop policy if exists ${table}_${action} on ${table}`).execute(db);
    for (const statement of tenantPolicyStatements(table)) await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<unknown>) {
  const check = (setting: string) => `jeugdregio_in_scope('${setting}', municipality_code)`;
  for (const table of TABLES) {
    for (const action of ["read", "insert", "update", "delete"]) await sql.raw(`drop policy if exists ${table}_${action} on ${table}`).execute(db);
    await sql.raw(`create policy ${table}_read on ${table} for select using (${check("jeugdregio.read_scope")})`).execute(db);
    await sql.raw(`create policy ${table}_insert on ${table} for insert with check (${check("jeugdregio.write_scope")})`).execute(db);
    await sql.raw(`create policy ${table}_update on ${table} for update using (${check("jeugdregio.write_scope")}) with check (${check("jeugdregio.write_scope")})`).execute(db);
    await sql.raw(`create policy ${table}_delete on ${table} for delete using (${check("jeugdregio.write_scope")})`).execute(db);
  }
}

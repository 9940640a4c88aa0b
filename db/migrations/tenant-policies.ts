import { APP_ROLE, READ_SCOPE_SETTING, regionalScopeCheck, scopeCodes, WRITE_SCOPE_SETTING } from "../tenancy";

/**
 * Whether the row's municipality_code is in the transaction's signed scope `setting` ("all", or a
 * comma list of codes; empty or unsigned matches nothing), for migrations from 0013 on (earlier ones
 * use ./legacy-scope-checks, as applied). The scope is read in scalar subqueries: PostgreSQL
 * evaluates those once per query (init plans) instead of once per row, which on a scan of half a
 * million summary rows was a sixth of the time.
 */
export function inScopeCheck(setting: string): string {
  return `(${regionalScopeCheck(setting)} or municipality_code = any ${scopeCodes(setting)})`;
}

/** The four row-level security policies of a tenant-owned table, keyed on municipality_code. */
export function tenantPolicyStatements(table: string): string[] {
  return [
    `create policy ${table}_read on ${table} for select using ${inScopeCheck(READ_SCOPE_SETTING)}`,
    `create policy ${table}_insert on ${table} for insert with check ${inScopeCheck(WRITE_SCOPE_SETTING)}`,
    `create policy ${table}_update on ${table} for update using ${inScopeCheck(WRITE_SCOPE_SETTING)} with check ${inScopeCheck(WRITE_SCOPE_SETTING)}`,
    `create policy ${table}_delete on ${table} for delete using ${inScopeCheck(WRITE_SCOPE_SETTING)}`,
  ];
}

/**
 * Row-level security for a tenant-owned table and the application role's grants (for migrations
 * from 0013 on; 0013 rewrote every earlier table's policies into the form above).
 */
export function tenantTableStatements(table: string): string[] {
  return [
    `alter table ${table} enable row level security`,
    `alter table ${table} force row level security`,
    ...tenantPolicyStatements(table),
    `grant select, insert, update, delete on ${table} to ${APP_ROLE}`,
  ];
}

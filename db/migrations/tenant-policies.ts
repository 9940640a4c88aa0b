import { APP_ROLE, READ_SCOPE_SETTING, regionalScopeCheck, WRITE_SCOPE_SETTING } from "../tenancy";

/**
 * Whether the row's municipality_code is in the transaction's scope `setting` ("all", or a comma
 * list of codes; empty matches nothing). The same test as `jeugdregio_in_scope`, with the setting
 * read in scalar subqueries: PostgreSQL evaluates those once per query (init plans) instead of
 * once per row, which on a scan of half a million summary rows was a sixth of the time.
 */
export function inScopeCheck(setting: string): string {
  return `(${regionalScopeCheck(setting)}
           or municipality_code = any ((select string_to_array(nullif(current_setting('${setting}', true), ''), ','))::text[]))`;
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
 * Row-level security for a tenant-owned table and the application role's grants (for
 * migrations from 0004 on; earlier ones keep their own copy, as applied; 0012 rewrote every
 * tenant table's policies into the form above, with the same meaning).
 */
export function tenantTableStatements(table: string): string[] {
  return [
    `alter table ${table} enable row level security`,
    `alter table ${table} force row level security`,
    ...tenantPolicyStatements(table),
    `grant select, insert, update, delete on ${table} to ${APP_ROLE}`,
  ];
}

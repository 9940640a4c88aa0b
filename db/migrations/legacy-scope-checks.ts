import { APP_ROLE, READ_SCOPE_SETTING, WRITE_SCOPE_SETTING } from "../tenancy";

/**
 * The scope checks as migrations 0004–0012 applied them (the settings read directly, before the
 * scope was signed), kept so those migrations build the same schema on a new database; 0013
 * replaces every policy they create with the signed form (./tenant-policies, db/tenancy.ts).
 */
export function legacyRegionalScopeCheck(setting: string): string {
  return `coalesce((select nullif(current_setting('${setting}', true), '') = 'all'), false)`;
}

function legacyInScopeCheck(setting: string): string {
  return `(${legacyRegionalScopeCheck(setting)}
           or municipality_code = any ((select string_to_array(nullif(current_setting('${setting}', true), ''), ','))::text[]))`;
}

export function legacyTenantPolicyStatements(table: string): string[] {
  return [
    `create policy ${table}_read on ${table} for select using ${legacyInScopeCheck(READ_SCOPE_SETTING)}`,
    `create policy ${table}_insert on ${table} for insert with check ${legacyInScopeCheck(WRITE_SCOPE_SETTING)}`,
    `create policy ${table}_update on ${table} for update using ${legacyInScopeCheck(WRITE_SCOPE_SETTING)} with check ${legacyInScopeCheck(WRITE_SCOPE_SETTING)}`,
    `create policy ${table}_delete on ${table} for delete using ${legacyInScopeCheck(WRITE_SCOPE_SETTING)}`,
  ];
}

export function legacyTenantTableStatements(table: string): string[] {
  return [
    `alter table ${table} enable row level security`,
    `alter table ${table} force row level security`,
    ...legacyTenantPolicyStatements(table),
    `grant select, insert, update, delete on ${table} to ${APP_ROLE}`,
  ];
}

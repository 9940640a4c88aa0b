import { APP_ROLE, READ_SCOPE_SETTING, WRITE_SCOPE_SETTING } from "../tenancy";

/**
 * Row-level security for a tenant-owned table, keyed on municipality_code, and the
 * application role's grants (for migrations from 0004 on; earlier ones keep their own copy,
 * as applied).
 */
export function tenantTableStatements(table: string): string[] {
  return [
    `alter table ${table} enable row level security`,
    `alter table ${table} force row level security`,
    `create policy ${table}_read on ${table} for select
       using (jeugdregio_in_scope('${READ_SCOPE_SETTING}', municipality_code))`,
    `create policy ${table}_insert on ${table} for insert
       with check (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))`,
    `create policy ${table}_update on ${table} for update
       using (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))
       with check (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))`,
    `create policy ${table}_delete on ${table} for delete
       using (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))`,
    `grant select, insert, update, delete on ${table} to ${APP_ROLE}`,
  ];
}

import { sql, type Kysely } from "kysely";
import { APP_ROLE, READ_SCOPE_SETTING, regionalScopeCheck, WRITE_SCOPE_SETTING } from "../tenancy";

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/**
 * Provider names per import batch, so a provider is named by the latest committed batch that
 * names it and a rollback gives back the name before (app/modules/declarations/provider-names.server.ts).
 * `id` orders the names by commit: imports write them after taking the imports' advisory lock.
 * A row without a batch is the name a provider had before this migration (kept as the oldest).
 *
 * `provider.name_source` is the hook for a provider register (a later issue): a name from the
 * register ('register') outranks the declarations, which then no longer rename that provider.
 *
 * Like the batch list, the names per batch span municipalities: only regional scopes read or write them.
 */
export async function up(db: Kysely<unknown>) {
  await run(db, [
    `alter table provider add column name_source text not null default 'declarations'
       check (name_source in ('declarations', 'register'))`,
    `create table provider_name_seen (
       id bigint generated always as identity primary key,
       provider_code text not null references provider (code),
       batch_id uuid references import_batch (id),
       name text not null,
       unique (provider_code, batch_id)
     )`,
    `create index provider_name_seen_batch on provider_name_seen (batch_id)`,
    // Existing providers keep their current name (the one of the first batch that named them);
    // filled before row-level security is forced, which would bind a non-superuser owner too.
    `insert into provider_name_seen (provider_code, batch_id, name) select code, null, name from provider order by code`,
    `alter table provider_name_seen enable row level security`,
    `alter table provider_name_seen force row level security`,
    `create policy provider_name_seen_read on provider_name_seen for select using (${regionalScopeCheck(READ_SCOPE_SETTING)})`,
    `create policy provider_name_seen_insert on provider_name_seen for insert with check (${regionalScopeCheck(WRITE_SCOPE_SETTING)})`,
    `grant select, insert on provider_name_seen to ${APP_ROLE}`,
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [`drop table provider_name_seen`, `alter table provider drop column name_source`]);
}

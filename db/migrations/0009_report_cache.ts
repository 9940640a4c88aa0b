import { sql, type Kysely } from "kysely";
import { APP_ROLE, READ_SCOPE_SETTING } from "../tenancy";

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/**
 * Computed segment tables and overview charts, stamped with a change counter. Every import,
 * replace, rollback and mapping change increments `report_stamp` in its own transaction; a stored
 * result is used only while its stamp is the current one, so it is never stale. Rows per scope:
 * `region` (readable and fillable only with the regional read scope) or a municipality code (its
 * own read scope), so the cache keeps the same walls as the figures it holds.
 */
export async function up(db: Kysely<unknown>) {
  const visible = `((scope = 'region' and coalesce(nullif(current_setting('${READ_SCOPE_SETTING}', true), '') = 'all', false))
                    or (scope <> 'region' and jeugdregio_in_scope('${READ_SCOPE_SETTING}', scope)))`;
  await run(db, [
    `create table report_stamp (id integer primary key check (id = 1), version bigint not null)`,
    `insert into report_stamp values (1, 1)`,
    `create table report_cache (
       scope text not null,
       kind text not null check (kind in ('segment_table', 'spending_series')),
       year integer not null,
       version bigint not null,
       body jsonb not null,
       primary key (scope, kind, year)
     )`,
    `alter table report_cache enable row level security`,
    `alter table report_cache force row level security`,
    `create policy report_cache_read on report_cache for select using (${visible})`,
    `create policy report_cache_insert on report_cache for insert with check (${visible})`,
    `create policy report_cache_update on report_cache for update using (${visible}) with check (${visible})`,
    `grant select, update on report_stamp to ${APP_ROLE}`,
    `grant select, insert, update on report_cache to ${APP_ROLE}`,
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [`drop table report_cache`, `drop table report_stamp`]);
}

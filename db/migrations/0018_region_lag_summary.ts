import { sql, type Kysely } from "kysely";
import { APP_ROLE, READ_SCOPE_SETTING, regionalScopeCheck, WRITE_SCOPE_SETTING } from "../tenancy";

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/**
 * The region's summary_lag (0017) added up over the municipalities: per column, service month and
 * day, some ten thousand rows instead of millions at national scale, so the region's forecast
 * reads little. Kept in the same transactions as summary_lag. Like summary_region_provider (0011)
 * it holds only regional totals: only regional readers see it, only regional writers change it.
 */
export async function up(db: Kysely<unknown>) {
  const read = regionalScopeCheck(READ_SCOPE_SETTING);
  const write = regionalScopeCheck(WRITE_SCOPE_SETTING);
  await run(db, [
    `create table summary_region_lag (
       col text not null,
       service_month date not null,
       declared_on date not null,
       net numeric(18, 2) not null,
       lines integer not null,
       superseded integer not null,
       primary key (service_month, col, declared_on)
     )`,
    `insert into summary_region_lag select col, service_month, declared_on, sum(net), sum(lines), sum(superseded) from summary_lag group by 1, 2, 3`,
    `alter table summary_region_lag enable row level security`,
    `alter table summary_region_lag force row level security`,
    `create policy summary_region_lag_read on summary_region_lag for select using (${read})`,
    `create policy summary_region_lag_insert on summary_region_lag for insert with check (${write})`,
    `create policy summary_region_lag_update on summary_region_lag for update using (${write}) with check (${write})`,
    `create policy summary_region_lag_delete on summary_region_lag for delete using (${write})`,
    `grant select, insert, update, delete on summary_region_lag to ${APP_ROLE}`,
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [`drop table summary_region_lag`]);
}

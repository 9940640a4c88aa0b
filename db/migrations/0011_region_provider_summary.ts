import { sql, type Kysely } from "kysely";
import { APP_ROLE, READ_SCOPE_SETTING, WRITE_SCOPE_SETTING } from "../tenancy";
import { legacyRegionalScopeCheck as regionalScopeCheck } from "./legacy-scope-checks";

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/**
 * The region's net per year, segment column and provider: summary_provider added up over the
 * municipalities (~18k rows a year instead of ~0.4M at national scale), kept in the same
 * transactions as summary_provider. It holds only regional totals, so only regional readers see
 * it and only regional writers (RIGG's imports, rollbacks and mapping changes) change it. Not a
 * tenant table: under Citus it lives on the coordinator, filled by the same cross-shard
 * aggregate that would otherwise run on every regional report (docs/scaling.md).
 */
export async function up(db: Kysely<unknown>) {
  await run(db, [
    `create table summary_region_provider (
       year integer not null,
       col text not null,
       provider_code text not null,
       net numeric(18, 2) not null,
       lines integer not null,
       primary key (year, col, provider_code)
     )`,
    `alter table summary_region_provider enable row level security`,
    `alter table summary_region_provider force row level security`,
    `create policy summary_region_provider_read on summary_region_provider for select using (${regionalScopeCheck(READ_SCOPE_SETTING)})`,
    `create policy summary_region_provider_insert on summary_region_provider for insert with check (${regionalScopeCheck(WRITE_SCOPE_SETTING)})`,
    `create policy summary_region_provider_update on summary_region_provider for update using (${regionalScopeCheck(WRITE_SCOPE_SETTING)}) with check (${regionalScopeCheck(WRITE_SCOPE_SETTING)})`,
    `create policy summary_region_provider_delete on summary_region_provider for delete using (${regionalScopeCheck(WRITE_SCOPE_SETTING)})`,
    `grant select, insert, update, delete on summary_region_provider to ${APP_ROLE}`,
    // What is already summarised (run by the owner, who is not bound by the policies).
    `insert into summary_region_provider select year, col, provider_code, sum(net), sum(lines) from summary_provider group by 1, 2, 3`,
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [`drop table summary_region_provider`]);
}

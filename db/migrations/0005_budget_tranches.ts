import { sql, type Kysely } from "kysely";
import { APP_ROLE, READ_SCOPE_SETTING, WRITE_SCOPE_SETTING } from "../tenancy";

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/** Incidental money of a local budget (pre-investments, transition costs), released in tranches. Tenant-owned. */
export async function up(db: Kysely<unknown>) {
  await run(db, [
    `create table local_budget_tranche (
       municipality_code text not null,
       budget_key text not null,
       kind text not null check (kind in ('pre_investment', 'transition')),
       year integer not null check (year between 2000 and 2100),
       amount numeric(16, 2) not null check (amount >= 0),
       decided_on date not null,
       decided_by text not null check (length(decided_by) between 1 and 200),
       spent numeric(16, 2) not null default 0,
       primary key (municipality_code, budget_key, kind, year),
       foreign key (municipality_code, budget_key) references local_budget (municipality_code, key) on delete cascade
     )`,
    `alter table local_budget_tranche enable row level security`,
    `alter table local_budget_tranche force row level security`,
    `create policy local_budget_tranche_read on local_budget_tranche for select
       using (jeugdregio_in_scope('${READ_SCOPE_SETTING}', municipality_code))`,
    `create policy local_budget_tranche_insert on local_budget_tranche for insert
       with check (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))`,
    `create policy local_budget_tranche_update on local_budget_tranche for update
       using (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))
       with check (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))`,
    `create policy local_budget_tranche_delete on local_budget_tranche for delete
       using (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))`,
    `grant select, insert, update, delete on local_budget_tranche to ${APP_ROLE}`,
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [`drop table local_budget_tranche`]);
}

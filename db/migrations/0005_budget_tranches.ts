import { sql, type Kysely } from "kysely";
import { legacyTenantTableStatements as tenantTableStatements } from "./legacy-scope-checks";

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
    ...tenantTableStatements("local_budget_tranche"),
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [`drop table local_budget_tranche`]);
}

import { sql, type Kysely } from "kysely";
import { APP_ROLE } from "../tenancy";
import { legacyTenantTableStatements as tenantTableStatements } from "./legacy-scope-checks";

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/**
 * Local budgets (SAMEN.): the definition with its product set, yearly parameters and
 * realised execution costs per quarter, all tenant-owned; index series (the OVA) are
 * regional reference data.
 */
export async function up(db: Kysely<unknown>) {
  await run(db, [
    `create table local_budget (
       municipality_code text not null references municipality (code),
       key text not null check (key ~ '^[a-z][a-z0-9_]{0,39}$'),
       name text not null check (length(name) between 1 and 200),
       executor text not null check (length(executor) between 1 and 200),
       funding_form text not null check (funding_form in ('task_based', 'lump_sum')),
       ict_share numeric(7, 6) not null check (ict_share between 0 and 1),
       housing_share numeric(7, 6) not null check (housing_share between 0 and 1),
       open_house_closes_on date,
       primary key (municipality_code, key)
     )`,
    `create table local_budget_product (
       municipality_code text not null,
       budget_key text not null,
       product_code text not null references product (code),
       transferred_on date not null,
       primary key (municipality_code, budget_key, product_code),
       foreign key (municipality_code, budget_key) references local_budget (municipality_code, key) on delete cascade
     )`,
    `create table local_budget_year (
       municipality_code text not null,
       budget_key text not null,
       year integer not null check (year between 2000 and 2100),
       scope_share numeric(7, 6) not null default 1 check (scope_share between 0 and 1),
       expected_development numeric(9, 6),
       manual_base numeric(16, 2),
       manual_base_reason text,
       structural_adjustment numeric(16, 2) not null default 0,
       realised_q1 numeric(16, 2),
       realised_q2 numeric(16, 2),
       realised_q3 numeric(16, 2),
       realised_q4 numeric(16, 2),
       primary key (municipality_code, budget_key, year),
       foreign key (municipality_code, budget_key) references local_budget (municipality_code, key) on delete cascade,
       check (manual_base is null or length(coalesce(manual_base_reason, '')) > 0)
     )`,
    ...tenantTableStatements("local_budget"),
    ...tenantTableStatements("local_budget_product"),
    ...tenantTableStatements("local_budget_year"),

    `create table index_figure (
       index_name text not null check (index_name ~ '^[A-Za-z0-9_-]{1,40}$'),
       year integer not null check (year between 2000 and 2100),
       provisional_pct numeric(7, 4) not null,
       definitive_pct numeric(7, 4),
       primary key (index_name, year)
     )`,
    `grant select, insert, update on index_figure to ${APP_ROLE}`,
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [`drop table index_figure`, `drop table local_budget_year`, `drop table local_budget_product`, `drop table local_budget`]);
}

import { sql, type Kysely } from "kysely";
import { legacyTenantTableStatements as tenantTableStatements } from "./legacy-scope-checks";

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/**
 * What finance staff type in by hand: non-contracted care and personal budgets (PGB) per
 * municipality and year (the closed square), and the history of every typed field (who,
 * when, the previous value), kept per municipality so row-level security guards it too.
 */
export async function up(db: Kysely<unknown>) {
  await run(db, [
    `create table other_youth_spending (
       municipality_code text not null references municipality (code),
       year integer not null check (year between 2000 and 2100),
       non_contracted numeric(16, 2),
       pgb numeric(16, 2),
       primary key (municipality_code, year)
     )`,
    ...tenantTableStatements("other_youth_spending"),
    `create table finance_change (
       municipality_code text not null references municipality (code),
       id bigint generated always as identity,
       subject text not null check (length(subject) between 1 and 100),
       year integer,
       field text not null check (length(field) between 1 and 60),
       previous_value text,
       new_value text,
       changed_by_user_id uuid,
       changed_by text not null,
       changed_at timestamptz not null default now(),
       primary key (municipality_code, id)
     )`,
    `create index finance_change_subject on finance_change (municipality_code, subject, changed_at desc)`,
    ...tenantTableStatements("finance_change"),
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [`drop table finance_change`, `drop table other_youth_spending`]);
}

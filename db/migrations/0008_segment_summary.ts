import { sql, type Kysely } from "kysely";
import { legacyTenantTableStatements as tenantTableStatements } from "./legacy-scope-checks";

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/**
 * Summary tables for the segment table (not materialized views: those cannot carry row-level
 * security). Per municipality, year and segment column (the mapping valid on the first day of
 * each line's service month, as the reports assign it): net spending per provider, and net per
 * client for exact distinct client counts. Maintained in the same transaction as every import,
 * replace, rollback and mapping change (app/modules/figures/summaries.server.ts); only
 * current lines (not superseded) count. No foreign keys: derived data whose municipalities the
 * lines' own keys already guarantee, and a per-row key check would cost more than the rest of
 * the upkeep.
 */
export async function up(db: Kysely<unknown>) {
  await run(db, [
    `create table summary_provider (
       municipality_code text not null,
       year integer not null,
       col text not null,
       provider_code text not null,
       net numeric(18, 2) not null,
       lines integer not null,
       primary key (municipality_code, year, col, provider_code)
     )`,
    `create table summary_client (
       municipality_code text not null,
       year integer not null,
       col text not null,
       client_key text not null,
       net numeric(18, 2) not null,
       lines integer not null,
       primary key (municipality_code, year, col, client_key)
     )`,
    ...tenantTableStatements("summary_provider"),
    ...tenantTableStatements("summary_client"),
    // Lines imported before this migration (run by the owner, who is not bound by the policies).
    `create temporary table summary_seed as
       select d.municipality_code, extract(year from d.service_month)::int as year, d.provider_code, d.client_key, d.amount,
         coalesce((select m.segment_key from product_mapping m
                   where m.product_code = d.product_code and (m.municipality_code = d.municipality_code or m.municipality_code is null)
                     and m.valid_from <= d.service_month and (m.valid_to is null or m.valid_to >= d.service_month)
                   order by m.municipality_code nulls last limit 1), 'unassigned') as col
       from declaration d where d.superseded_by is null`,
    `insert into summary_provider select municipality_code, year, col, provider_code, sum(amount), count(*) from summary_seed group by 1, 2, 3, 4`,
    `insert into summary_client select municipality_code, year, col, client_key, sum(amount), count(*) from summary_seed group by 1, 2, 3, 4`,
    `drop table summary_seed`,
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [`drop table summary_client`, `drop table summary_provider`]);
}

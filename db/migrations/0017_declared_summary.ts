import { sql, type Kysely } from "kysely";
import { tenantTableStatements } from "./tenant-policies";

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/**
 * What the forecast reads (issue 14): per municipality, segment column (the mapping valid on the
 * first day of each line's service month, as the reports assign it), service month and day, the
 * net of the lines declared that day minus the lines superseded that day (`superseded_on`), and
 * how many lines were declared (`lines`) and superseded (`superseded`) that day. Summing the rows
 * with day <= A gives every figure as of A; a few hundred thousand rows at national scale instead
 * of the lines. Kept in the same transactions as the other summaries
 * (app/modules/figures/summaries.server.ts). Filled from the lines there are, current and
 * superseded (row-level security lifted for the fill only, as in 0016).
 */
export async function up(db: Kysely<unknown>) {
  await run(db, [
    `create table summary_lag (
       municipality_code text not null,
       col text not null,
       service_month date not null,
       declared_on date not null,
       net numeric(18, 2) not null,
       lines integer not null,
       superseded integer not null,
       primary key (municipality_code, service_month, col, declared_on)
     )`,
    `alter table declaration no force row level security`,
    `create temporary table lag_seed as
       select d.municipality_code, d.service_month, d.declared_on, d.superseded_on, d.amount,
         coalesce((select m.segment_key from product_mapping m
                   where m.product_code = d.product_code and (m.municipality_code = d.municipality_code or m.municipality_code is null)
                     and m.valid_from <= d.service_month and (m.valid_to is null or m.valid_to >= d.service_month)
                   order by m.municipality_code nulls last limit 1), 'unassigned') as col
       from declaration d`,
    `insert into summary_lag (municipality_code, col, service_month, declared_on, net, lines, superseded)
       select municipality_code, col, service_month, day, sum(net), sum(lines)::int, sum(superseded)::int from (
         select municipality_code, col, service_month, declared_on as day, amount as net, 1 as lines, 0 as superseded from lag_seed
         union all
         select municipality_code, col, service_month, superseded_on, -amount, 0, 1 from lag_seed where superseded_on is not null) e
       group by 1, 2, 3, 4`,
    `drop table lag_seed`,
    `alter table declaration force row level security`,
    ...tenantTableStatements("summary_lag"),
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [`drop table summary_lag`]);
}

import { sql, type Kysely } from "kysely";
import { tenantTableStatements } from "./tenant-policies";

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/**
 * The read model's detail summary (issue 15): net and lines per municipality, service year,
 * segment column, product, provider, client and referrer, the current lines summed over their
 * months. What the concentration page (clients per provider), the referrers and the segment
 * drill-downs (segment → products → providers) need, at about a third of the lines' rows (measured
 * at national scale: 814k rows for 2.5M lines a year). Keyed year first: the region reads a year,
 * a municipality a year and itself. A line without a referrer is kept under '' (a key column
 * cannot be null; read back as null, one group, as a `group by` over the lines makes it). Kept in the same transactions as the other summaries
 * (app/modules/figures/summaries.server.ts); filled here from the current lines with the mapping
 * rule as it stands at this migration (row-level security lifted for the fill only, as in 0017).
 */
export async function up(db: Kysely<unknown>) {
  await run(db, [
    `create table summary_detail (
       year integer not null,
       municipality_code text not null,
       col text not null,
       product_code text not null,
       provider_code text not null,
       client_key text not null,
       referrer text not null,
       net numeric(18, 2) not null,
       lines integer not null,
       primary key (year, municipality_code, col, product_code, provider_code, client_key, referrer)
     )`,
    `alter table declaration no force row level security`,
    `insert into summary_detail (year, municipality_code, col, product_code, provider_code, client_key, referrer, net, lines)
       select extract(year from d.service_month)::int, d.municipality_code,
         coalesce((select m.segment_key from product_mapping m
                   where m.product_code = d.product_code and (m.municipality_code = d.municipality_code or m.municipality_code is null)
                     and m.valid_from <= d.service_month and (m.valid_to is null or m.valid_to >= d.service_month)
                   order by m.municipality_code nulls last, m.valid_from desc limit 1), 'unassigned'),
         d.product_code, d.provider_code, d.client_key, coalesce(d.referrer, ''), sum(d.amount), count(*)::int
       from declaration d where d.superseded_by is null
       group by 1, 2, 3, 4, 5, 6, 7`,
    `alter table declaration force row level security`,
    ...tenantTableStatements("summary_detail"),
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [`drop table summary_detail`]);
}

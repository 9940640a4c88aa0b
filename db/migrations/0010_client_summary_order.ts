import { sql, type Kysely } from "kysely";

/**
 * The client summary's key in the order the region's client counts read it: year, client, column,
 * municipality, with the net alongside. The region's distinct clients per column and across all
 * columns (grouping sets (client, column) and (client)) then come from one ordered index-only scan
 * with no sort or hash of ~0.5M rows a year. The municipality code stays in the key (tenant tables
 * are distributed by it, docs/scaling.md).
 */
export async function up(db: Kysely<unknown>) {
  await sql`alter table summary_client drop constraint summary_client_pkey,
    add primary key (year, client_key, col, municipality_code) include (net)`.execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql`alter table summary_client drop constraint summary_client_pkey,
    add primary key (municipality_code, year, col, client_key)`.execute(db);
}

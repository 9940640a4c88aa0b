import { sql, type Kysely } from "kysely";

/** Stored forecasts (issue 14): report_cache also holds `forecast:<as-of date>` results. */
export async function up(db: Kysely<unknown>) {
  await sql.raw(`alter table report_cache drop constraint report_cache_kind_check`).execute(db);
  await sql
    .raw(`alter table report_cache add constraint report_cache_kind_check check (kind in ('segment_table', 'spending_series') or kind ~ '^forecast:[0-9]{4}-[0-9]{2}-[0-9]{2}$')`)
    .execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql.raw(`delete from report_cache where kind like 'forecast:%'`).execute(db);
  await sql.raw(`alter table report_cache drop constraint report_cache_kind_check`).execute(db);
  await sql.raw(`alter table report_cache add constraint report_cache_kind_check check (kind in ('segment_table', 'spending_series'))`).execute(db);
}

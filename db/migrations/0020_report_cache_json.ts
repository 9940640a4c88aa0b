import { sql, type Kysely } from "kysely";

/**
 * Stored results keep their keys in order: `json` keeps the text as written, `jsonb` sorts keys
 * (shorter first), so a report read back from the store had its figures (and the CLI its table
 * and CSV columns) in another order than the same report computed. Stored results are only a
 * cache: emptied here, refilled on the next ask.
 */
export async function up(db: Kysely<unknown>) {
  await sql.raw(`delete from report_cache`).execute(db);
  await sql.raw(`alter table report_cache alter column body type json using body::json`).execute(db);
}

export async function down(db: Kysely<unknown>) {
  await sql.raw(`alter table report_cache alter column body type jsonb using body::jsonb`).execute(db);
}

import { sql, type Kysely } from "kysely";

const TODAY = `((now() at time zone 'Europe/Amsterdam')::date)`;

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/**
 * When a line was declared, so every figure can be asked "as of" a date (issue 14):
 * - `import_batch.delivered_on`: the delivery's date (`--delivered-on`, default the day of import);
 *   a replace counts from it.
 * - `declaration.declared_on`: the line's own date (column `declared_on`), else its batch's delivery
 *   date; never before the first day of its service month.
 * - `declaration.superseded_on`: set with `superseded_by`, the replacing delivery's date: as of an
 *   earlier date the line still counts.
 * A line counts as of A when declared_on <= A and (superseded_on is null or superseded_on > A).
 * Lines from before this migration take their batch's import date (Dutch time), so no figure changes.
 * Row-level security is lifted for the fill only: forced, it would bind a non-superuser owner too.
 */
export async function up(db: Kysely<unknown>) {
  await run(db, [
    `alter table import_batch add column delivered_on date`,
    `alter table declaration add column declared_on date, add column superseded_on date`,
    `alter table import_batch no force row level security`,
    `alter table declaration no force row level security`,
    `update import_batch set delivered_on = (imported_at at time zone 'Europe/Amsterdam')::date`,
    `update declaration d set declared_on = greatest(b.delivered_on, d.service_month) from import_batch b where b.id = d.batch_id`,
    `update declaration d set superseded_on = b.delivered_on from import_batch b where b.id = d.superseded_by`,
    `alter table import_batch force row level security`,
    `alter table declaration force row level security`,
    // The day of import where an importer names no date (the region's calendar day).
    `alter table import_batch alter column delivered_on set not null, alter column delivered_on set default ${TODAY}`,
    `alter table declaration alter column declared_on set not null, alter column declared_on set default ${TODAY}`,
    `alter table declaration add constraint declaration_declared_in_service_month check (declared_on >= service_month)`,
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [
    `alter table declaration drop constraint declaration_declared_in_service_month`,
    `alter table declaration drop column declared_on, drop column superseded_on`,
    `alter table import_batch drop column delivered_on`,
  ]);
}

import { sql, type Kysely } from "kysely";

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/**
 * A track's health is what someone recorded (a review, or the track's owner), and null until then
 * (issue 16): the column's default 'on_track' made every new track look assessed and on track.
 * Existing tracks keep their health only when someone did record it: a 'roadmap.health' audit
 * event for the track, or (regional tracks) a review entry for its segment, or a health other
 * than on track or a reason (which only a person can have typed). Row-level security is lifted
 * for the fill only, as in 0017.
 */
export async function up(db: Kysely<unknown>) {
  await run(db, [
    `alter table roadmap_track alter column health drop default`,
    `alter table roadmap_track alter column health drop not null`,
    `alter table roadmap_track no force row level security`,
    `update roadmap_track t set health = null
       where t.health = 'on_track' and t.health_reason is null
         and not exists (select 1 from audit_event a where a.action = 'roadmap.health' and a.subject = t.id)
         and not (t.municipality_code is null and exists (select 1 from roadmap_review_entry e where e.segment_key = t.segment_key))`,
    `alter table roadmap_track force row level security`,
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [
    `alter table roadmap_track no force row level security`,
    `update roadmap_track set health = 'on_track' where health is null`,
    `alter table roadmap_track force row level security`,
    `alter table roadmap_track alter column health set not null`,
    `alter table roadmap_track alter column health set default 'on_track'`,
  ]);
}

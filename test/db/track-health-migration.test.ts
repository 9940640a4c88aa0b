import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMigrator, migrateToLatest } from "~db/migrate";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "../support/database";

/**
 * Migration 0022 (issue 16): a track's health is null until someone records one. On an existing
 * installation, where every track had the default 'on_track', only the tracks someone did assess
 * keep theirs: a 'roadmap.health' audit event, a review entry for a regional segment, or a health
 * or reason only a person can have typed. Down again, every track is on track as before.
 */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const healths = async () =>
  Object.fromEntries(
    (await withTenantScope(database.db, ALL_TENANTS, (trx) => sql<{ id: string; health: string | null }>`select id, health from roadmap_track order by id`.execute(trx))).rows.map((r) => [r.id, r.health]),
  );

describe("0022_track_health_assessed", () => {
  it("keeps a health only where someone assessed the track, and restores the old default going down", async () => {
    // A new installation: nothing assessed.
    expect(Object.values(await healths()).every((h) => h === null)).toBe(true);

    const down = await createMigrator(database.db).migrateTo("0021_detail_summary");
    expect(down.error).toBeUndefined();
    const before = await healths();
    expect(Object.values(before).every((h) => h === "on_track")).toBe(true);

    // What people did on the old schema.
    await withTenantScope(database.db, ALL_TENANTS, async (trx) => {
      await sql`insert into audit_event (actor_label, action, outcome, subject) values ('anna', 'roadmap.health', 'success', 'basishulp-gm0014')`.execute(trx);
      // A review of the steering body on onderwijs (its regional track took the review's health).
      const review = await sql<{ id: number }>`insert into roadmap_review (held_on, body, recorded_by) values ('2026-11-20', 'SOO', 'anna') returning id`.execute(trx);
      await sql`insert into roadmap_review_entry (review_id, segment_key, health, recorded_by) values (${review.rows[0]!.id}, 'onderwijs', 'on_track', 'anna')`.execute(trx);
      // A basishulp review entry does not set a municipality's track.
      await sql`insert into roadmap_review_entry (review_id, segment_key, health, recorded_by) values (${review.rows[0]!.id}, 'basishulp', 'on_track', 'anna')`.execute(trx);
      await sql`update roadmap_track set health = 'at_risk', health_reason = 'Gunning loopt uit' where id = 'hsj'`.execute(trx);
      await sql`update roadmap_track set health_reason = 'Loopt volgens plan' where id = 'wonen'`.execute(trx);
      // Someone edited a step (updated_by changes): not an assessment.
      await sql`update roadmap_track set updated_by = 'bert' where id = 'aanvullende_hulp'`.execute(trx);
    });

    await migrateToLatest(database.db);
    const after = await healths();
    expect({ gm0014: after["basishulp-gm0014"], onderwijs: after.onderwijs, hsj: after.hsj, wonen: after.wonen, aanvullende_hulp: after.aanvullende_hulp, gm1966: after["basishulp-gm1966"] }).toEqual({
      gm0014: "on_track",
      onderwijs: "on_track",
      hsj: "at_risk",
      wonen: "on_track",
      aanvullende_hulp: null,
      gm1966: null,
    });
    // New tracks get no health of their own: the column has no default any more.
    const column = await sql<{ column_default: string | null; is_nullable: string }>`select column_default, is_nullable from information_schema.columns where table_name = 'roadmap_track' and column_name = 'health'`.execute(database.db);
    expect(column.rows[0]).toEqual({ column_default: null, is_nullable: "YES" });
    // Row-level security is forced again after the fill.
    const forced = await sql<{ relforcerowsecurity: boolean }>`select relforcerowsecurity from pg_class where relname = 'roadmap_track'`.execute(database.db);
    expect(forced.rows[0]!.relforcerowsecurity).toBe(true);
  });
});

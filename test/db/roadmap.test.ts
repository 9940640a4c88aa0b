import { municipalityScopeOf } from "@jeugdregio/access";
import { addMonths } from "@jeugdregio/roadmap";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { loadRoadmap, recordDecision, recordReview, reviewHistory, RoadmapInputError, setTrackHealth, updateTrackStep } from "~/modules/roadmap/roadmap.server";
import { basishulpTrackId, REGIONAL_PLAN } from "~seeds/roadmap-plan";
import { createTestDatabase, type TestDatabase } from "../support/database";

/** The roadmap in the database: the seeded starting plan, decisions, warnings, reviews, and the walls around it. */
let database: TestDatabase;
const actor = { userId: null, label: "test" };
const regional = { read: "all" as const, write: [] as string[] };
const hogeland = municipalityScopeOf("municipal_editor", "GM1966");
const groningen = municipalityScopeOf("municipal_editor", "GM0014");

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const state = () =>
  withTenantScope(database.db, ALL_TENANTS, async (trx) => ({
    steps: (await sql`select * from roadmap_step order by track_id, step_key`.execute(trx)).rows,
    tracks: (await sql`select id, health, health_reason from roadmap_track order by id`.execute(trx)).rows,
    decisions: (await sql`select track_id, month, description from roadmap_decision order by id`.execute(trx)).rows,
    reviews: (await sql`select count(*)::int as n from roadmap_review_entry`.execute(trx)).rows,
  }));

describe("the starting plan", () => {
  it("has a track per regional segment and a basishulp track per municipality, each with seven steps", async () => {
    const tracks = await withTenantScope(database.db, regional, (trx) => loadRoadmap(trx, "2024-12"));
    const municipalities = await withTenantScope(database.db, ALL_TENANTS, (trx) => trx.selectFrom("municipality").select("code").execute());
    expect(tracks.filter((t) => t.segment !== "basishulp").map((t) => t.id).sort()).toEqual(Object.keys(REGIONAL_PLAN).sort());
    expect(tracks.filter((t) => t.segment === "basishulp").map((t) => t.municipalityCode).sort()).toEqual(municipalities.map((m) => m.code).sort());
    for (const track of tracks) expect([track.id, track.steps.length]).toEqual([track.id, 7]);
    // As the plan was written (end of 2024) HSJ was tendering and nothing was late.
    const hsj = tracks.find((t) => t.id === "hsj")!;
    expect([hsj.current, hsj.planned, hsj.warnings]).toEqual(["tender_award", "tender_award", []]);
  });

  it("warns of late steps as time passes", async () => {
    const hsj = (await withTenantScope(database.db, regional, (trx) => loadRoadmap(trx, "2026-02"))).find((t) => t.id === "hsj")!;
    expect(hsj.warnings.filter((w) => w.kind === "late_step").map((w) => (w.kind === "late_step" ? w.step : null))).toEqual(["tender_award", "dialogue_implementation_plan"]);
    expect(hsj.steps.filter((s) => s.late).map((s) => s.step)).toEqual(["tender_award", "dialogue_implementation_plan"]);
  });
});

describe("decision moments", () => {
  it("add a month to the planning after them, recomputed from the baseline", async () => {
    const before = (await withTenantScope(database.db, regional, (trx) => loadRoadmap(trx, "2025-01"))).find((t) => t.id === "aanvullende_hulp")!;
    await withTenantScope(database.db, ALL_TENANTS, (trx) => recordDecision(trx, actor, "aanvullende_hulp", { month: "2026-02", description: "Besluit colleges over inkoopstrategie" }));
    const after = (await withTenantScope(database.db, regional, (trx) => loadRoadmap(trx, "2025-01"))).find((t) => t.id === "aanvullende_hulp")!;
    for (const [i, step] of after.steps.entries()) {
      const was = before.steps[i]!;
      // Steps planned wholly before February 2026 stay; one running through it gets longer; later ones move.
      const startShift = was.plannedStart >= "2026-02" ? 1 : 0;
      const endShift = was.plannedEnd >= "2026-02" ? 1 : 0;
      expect([step.step, step.plannedStart, step.plannedEnd]).toEqual([was.step, addMonths(was.plannedStart, startShift), addMonths(was.plannedEnd, endShift)]);
      expect([step.baselineStart, step.baselineEnd]).toEqual([was.plannedStart, was.plannedEnd]);
    }
    expect(after.decisions.map((d) => d.month)).toEqual(["2026-02"]);
  });
});

describe("bad input is refused with the field named, and nothing changes", () => {
  it("refuses an end before a start, an unknown step, a review without date or body, health without reason, an unknown segment", async () => {
    const before = await state();
    // Lazy, one after another: a refusal is awaited where it happens.
    const attempts: [() => Promise<unknown>, string, string][] = [
      [() => withTenantScope(database.db, ALL_TENANTS, (trx) => updateTrackStep(trx, actor, "hsj", { step: "vision", planned_start: "2023-06", planned_end: "2023-01", state: "done", actual_start: "2023-01", actual_end: "2023-06" })), "plannedEnd", "endBeforeStart"],
      [() => withTenantScope(database.db, ALL_TENANTS, (trx) => updateTrackStep(trx, actor, "hsj", { step: "brainstorm", planned_start: "2023-01", planned_end: "2023-06", state: "not_started" })), "step", "unknownStep"],
      [() => withTenantScope(database.db, ALL_TENANTS, (trx) => recordReview(trx, actor, { held_on: "", body: "SOO", entries: [{ segment: "hsj", health: "on_track" }] })), "held_on", "required"],
      [() => withTenantScope(database.db, ALL_TENANTS, (trx) => recordReview(trx, actor, { held_on: "2024-11-15", body: " ", entries: [{ segment: "hsj", health: "on_track" }] })), "body", "required"],
      [() => withTenantScope(database.db, ALL_TENANTS, (trx) => recordReview(trx, actor, { held_on: "2024-11-15", body: "SOO", entries: [{ segment: "hsj", health: "at_risk" }] })), "entries.0.health_reason", "reasonRequired"],
      [() => withTenantScope(database.db, ALL_TENANTS, (trx) => recordReview(trx, actor, { held_on: "2024-11-15", body: "SOO", entries: [{ segment: "jeugdzorgplus", health: "on_track" }] })), "entries.0.segment", "unknownSegment"],
      [() => withTenantScope(database.db, ALL_TENANTS, (trx) => setTrackHealth(trx, actor, "wonen", "delayed", "")), "reason", "reasonRequired"],
      [() => withTenantScope(database.db, ALL_TENANTS, (trx) => recordDecision(trx, actor, "wonen", { month: "2027-13", description: "x" })), "month", "badMonth"],
    ];
    for (const [attempt, field, code] of attempts) {
      const error = await attempt().then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(RoadmapInputError);
      expect([(error as RoadmapInputError).field, (error as RoadmapInputError).code]).toEqual([field, code]);
    }
    expect(await state()).toEqual(before);
  });
});

describe("reviews", () => {
  it("are append-only: a correction is a new entry pointing back, and the database refuses edits", async () => {
    const first = await withTenantScope(database.db, ALL_TENANTS, (trx) =>
      recordReview(trx, actor, { held_on: "2024-11-15", body: "SOO 15 november 2024", entries: [{ segment: "hsj", health: "at_risk", health_reason: "Gunning loopt uit", decisions: "Planning met 1 maand verlengd" }] }),
    );
    const entry = (await withTenantScope(database.db, regional, (trx) => reviewHistory(trx))).find((e) => e.reviewId === first)!;
    await withTenantScope(database.db, ALL_TENANTS, (trx) =>
      recordReview(trx, actor, { held_on: "2024-12-13", body: "SOO 13 december 2024", entries: [{ segment: "hsj", health: "on_track", decisions: "Correctie: gunning op schema", corrects: String(entry.id) }] }),
    );
    const history = await withTenantScope(database.db, regional, (trx) => reviewHistory(trx));
    expect(history.map((e) => [e.body, e.health, e.correctsEntryId, e.correctedBy])).toEqual([
      ["SOO 13 december 2024", "on_track", entry.id, null],
      ["SOO 15 november 2024", "at_risk", null, history[0]!.id],
    ]);
    // A correction must point at an entry of the same segment.
    const wrong = withTenantScope(database.db, ALL_TENANTS, (trx) => recordReview(trx, actor, { held_on: "2025-01-10", body: "SOO", entries: [{ segment: "wonen", health: "on_track", corrects: String(entry.id) }] }));
    await expect(wrong).rejects.toMatchObject({ field: "entries.0.corrects", code: "unknownEntry" });
    for (const statement of [sql`update roadmap_review_entry set health = 'delayed'`, sql`delete from roadmap_review_entry`, sql`update roadmap_review set body = 'x'`]) {
      const attempt = withTenantScope(database.db, ALL_TENANTS, (trx) => statement.execute(trx));
      await expect(attempt).rejects.toMatchObject({ code: "42501" });
    }
  });
});

describe("a municipality's basishulp track", () => {
  it("is changed by that municipality and nobody else's scope, whatever it sends", async () => {
    const track = basishulpTrackId("GM0014");
    const before = await state();
    const viaModule = withTenantScope(database.db, hogeland, (trx) =>
      updateTrackStep(trx, actor, track, { step: "implementation", planned_start: "2023-01", planned_end: "2026-06", state: "in_progress", actual_start: "2023-01" }),
    );
    await expect(viaModule).rejects.toMatchObject({ code: "notWritable" });
    const health = withTenantScope(database.db, hogeland, (trx) => setTrackHealth(trx, actor, track, "delayed", "sabotage"));
    await expect(health).rejects.toMatchObject({ code: "notWritable" });
    const decision = withTenantScope(database.db, hogeland, (trx) => recordDecision(trx, actor, track, { month: "2026-01", description: "x" }));
    await expect(decision).rejects.toMatchObject({ code: "42501" });
    const raw = await withTenantScope(database.db, hogeland, (trx) => sql`update roadmap_step set state = 'done' where track_id = ${track}`.execute(trx));
    expect(Number(raw.numAffectedRows ?? 0)).toBe(0);
    const deleted = await withTenantScope(database.db, hogeland, (trx) => sql`delete from roadmap_step where track_id = ${track}`.execute(trx));
    expect(Number(deleted.numAffectedRows ?? 0)).toBe(0);
    expect(await state()).toEqual(before);

    await withTenantScope(database.db, groningen, (trx) =>
      updateTrackStep(trx, actor, track, { step: "implementation", planned_start: "2023-01", planned_end: "2026-06", state: "in_progress", actual_start: "2023-01" }),
    );
    const own = (await withTenantScope(database.db, groningen, (trx) => loadRoadmap(trx, "2026-01"))).find((t) => t.id === track)!;
    expect(own.steps.find((s) => s.step === "implementation")!.plannedEnd).toBe("2026-06");
  });
});

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { roadmapJson } from "~/modules/roadmap/roadmap-export.server";
import { thisMonth } from "~/modules/roadmap/roadmap.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * The roadmap through HTTP: who reads which page, who may write which track, reviews and
 * targets, the refusals that change nothing, and the downloads.
 */
let database: TestDatabase;
let server: TestServer;
const users = {
  groningenEditor: { email: "editor@groningen.test", role: "municipal_editor", municipalityCode: "GM0014" },
  groningenViewer: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  hogelandEditor: { email: "editor@hogeland.test", role: "municipal_editor", municipalityCode: "GM1966" },
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  steering: { email: "member@soo.test", role: "steering_member" },
  admin: { email: "admin@rigg.test", role: "admin" },
} as const;
type User = keyof typeof users;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function client(user: User) {
  const c = new HttpClient(server.baseUrl, { "accept-language": "en" });
  expect((await c.logIn(users[user].email)).status).toBe(302);
  return c;
}

async function get(user: User, path: string) {
  const response = await (await client(user)).get(path);
  // React's text separators (<!-- -->) are not part of what a reader sees.
  return { status: response.status, body: response.status === 200 ? (await response.text()).replaceAll("<!-- -->", "") : "" };
}

async function post(user: User, path: string, route: string, fields: Record<string, string>) {
  const response = await (await client(user)).post(`${path}?_data=${encodeURIComponent(route)}`, fields);
  const text = await response.text();
  return { status: response.status, body: response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text };
}

const TRACK_ROUTE = "routes/roadmap.tracks.$id";
const REVIEWS_ROUTE = "routes/roadmap.reviews";
const DASHBOARD_ROUTE = "routes/roadmap._index";

const snapshot = () =>
  withTenantScope(database.db, ALL_TENANTS, async (trx) => ({
    steps: (await sql`select * from roadmap_step order by track_id, step_key`.execute(trx)).rows,
    tracks: (await sql`select id, health, health_reason from roadmap_track order by id`.execute(trx)).rows,
    decisions: (await sql`select track_id, month from roadmap_decision order by id`.execute(trx)).rows,
    reviews: (await sql`select id from roadmap_review_entry order by id`.execute(trx)).rows,
    targets: (await sql`select * from roadmap_target order by segment_key, metric, year`.execute(trx)).rows,
  }));

describe("reading the roadmap", () => {
  it("is open to every role but administrators: dashboard, track, reviews, print view, downloads", async () => {
    for (const user of ["groningenViewer", "groningenEditor", "hogelandEditor", "analyst", "steering"] as const) {
      for (const path of ["/roadmap", "/roadmap/tracks/hsj", "/roadmap/tracks/basishulp-gm0014", "/roadmap/reviews", "/roadmap/print", "/roadmap/export?table=tracks&format=csv"]) {
        expect([user, path, (await get(user, path)).status]).toEqual([user, path, 200]);
      }
    }
    for (const path of ["/roadmap", "/roadmap/tracks/hsj", "/roadmap/reviews", "/roadmap/print", "/roadmap/export?format=json"]) {
      expect([path, (await get("admin", path)).status]).toEqual([path, 403]);
    }
    expect((await get("analyst", "/roadmap/tracks/nope")).status).toBe(404);
    expect((await new HttpClient(server.baseUrl).get("/roadmap")).status).toBe(302);
  });

  it("shows edit forms only to who may edit the track", async () => {
    const forms = async (user: User, track: string) => (await get(user, `/roadmap/tracks/${track}`)).body.includes('data-testid="health-form"');
    expect(await forms("steering", "hsj")).toBe(true);
    expect(await forms("analyst", "hsj")).toBe(true);
    expect(await forms("groningenEditor", "hsj")).toBe(false);
    expect(await forms("groningenEditor", "basishulp-gm0014")).toBe(true);
    expect(await forms("hogelandEditor", "basishulp-gm0014")).toBe(false);
    expect(await forms("steering", "basishulp-gm0014")).toBe(false);
    expect(await forms("groningenViewer", "basishulp-gm0014")).toBe(false);
  });

  it("downloads the same roadmap as the CLI's JSON", async () => {
    const response = await (await client("steering")).get("/roadmap/export?table=tracks&format=json");
    expect(response.headers.get("content-disposition")).toMatch(/attachment/);
    const expected = await withTenantScope(database.db, { read: "all", write: [] }, (trx) => roadmapJson(trx, thisMonth()));
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(expected)));
    const csv = await (await (await client("steering")).get("/roadmap/export?table=tracks&format=csv")).text();
    expect(csv.split("\n")[0]).toContain("track");
    expect(csv).toContain("hsj");
    expect((await get("steering", "/roadmap/export?table=budgets&format=csv")).status).toBe(404);
  });
});

describe("changing a track", () => {
  it("lets a municipal editor update their own basishulp track and nobody else's; the forbidden writes change nothing", async () => {
    const before = await snapshot();
    const step = { intent: "step", step: "vision", planned_start: "2024-10", planned_end: "2025-01", actual_start: "2024-10", actual_end: "2025-01", state: "done" };
    expect((await post("hogelandEditor", "/roadmap/tracks/basishulp-gm0014", TRACK_ROUTE, step)).status).toBe(403);
    expect((await post("groningenViewer", "/roadmap/tracks/basishulp-gm0014", TRACK_ROUTE, step)).status).toBe(403);
    expect((await post("steering", "/roadmap/tracks/basishulp-gm0014", TRACK_ROUTE, step)).status).toBe(403);
    expect((await post("analyst", "/roadmap/tracks/basishulp-gm0014", TRACK_ROUTE, step)).status).toBe(403);
    expect((await post("admin", "/roadmap/tracks/basishulp-gm0014", TRACK_ROUTE, step)).status).toBe(403);
    expect((await post("groningenEditor", "/roadmap/tracks/hsj", TRACK_ROUTE, { intent: "health", health: "delayed", health_reason: "x" })).status).toBe(403);
    expect((await post("groningenEditor", "/roadmap/tracks/basishulp-gm1966", TRACK_ROUTE, { intent: "decision", month: "2026-01", description: "x" })).status).toBe(403);
    expect(await snapshot()).toEqual(before);

    const own = await post("hogelandEditor", "/roadmap/tracks/basishulp-gm1966", TRACK_ROUTE, step);
    expect(own).toEqual({ status: 200, body: { ok: true, intent: "step" } });
    const page = await get("groningenViewer", "/roadmap/tracks/basishulp-gm1966");
    expect(page.body).toMatch(/data-step="vision"[\s\S]*?2024-10 – 2025-01/);
  });

  it("lets steering members and RIGG analysts change the regional tracks", async () => {
    const health = await post("steering", "/roadmap/tracks/hsj", TRACK_ROUTE, { intent: "health", health: "at_risk", health_reason: "Gunning loopt uit" });
    expect(health.body).toEqual({ ok: true, intent: "health" });
    const decision = await post("analyst", "/roadmap/tracks/hsj", TRACK_ROUTE, { intent: "decision", month: "2025-03", description: "Gunningsbesluit uitgesteld" });
    expect(decision.body).toEqual({ ok: true, intent: "decision" });
    const page = await get("groningenViewer", "/roadmap/tracks/hsj");
    expect(page.body).toContain("Gunning loopt uit");
    expect(page.body).toContain("Gunningsbesluit uitgesteld");
  });

  it("refuses an end before a start, an unknown step, a bad month and health without reason, naming the field", async () => {
    const before = await snapshot();
    const cases: [Record<string, string>, string, string][] = [
      [{ intent: "step", step: "vision", planned_start: "2023-06", planned_end: "2023-01", state: "done", actual_start: "2023-01", actual_end: "2023-06" }, "plannedEnd", "endBeforeStart"],
      [{ intent: "step", step: "brainstorm", planned_start: "2023-01", planned_end: "2023-06", state: "not_started" }, "step", "unknownStep"],
      [{ intent: "decision", month: "2025-13", description: "x" }, "month", "badMonth"],
      [{ intent: "health", health: "delayed", health_reason: "" }, "reason", "reasonRequired"],
      [{ intent: "health", health: "sideways", health_reason: "x" }, "health", "unknownHealth"],
    ];
    for (const [fields, field, code] of cases) {
      const result = await post("steering", "/roadmap/tracks/wonen", TRACK_ROUTE, fields);
      expect([fields.intent, result.status, result.body.field, result.body.code]).toEqual([fields.intent, 400, field, code]);
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe("reviews", () => {
  it("are recorded by steering members only, shown on the dashboard, and corrected by a new entry", async () => {
    const review = { intent: "review", held_on: "2024-11-15", body: "SOO 15 november 2024", health_hsj: "at_risk", reason_hsj: "Gunning loopt uit", decisions_hsj: "Planning HSJ met een maand verlengd" };
    const before = await snapshot();
    for (const user of ["analyst", "groningenEditor", "groningenViewer", "admin"] as const) {
      expect([user, (await post(user, "/roadmap/reviews", REVIEWS_ROUTE, review)).status]).toEqual([user, 403]);
    }
    expect(await snapshot()).toEqual(before);
    expect((await post("steering", "/roadmap/reviews", REVIEWS_ROUTE, review)).body).toEqual({ ok: true, intent: "review" });
    // The recorded health right under the title (beside the plan's signals), with its reason.
    expect((await get("analyst", "/roadmap/tracks/hsj")).body).toMatch(/<h1>[^<]*<\/h1><dl class="track-status" data-testid="status-hsj"><div><dt>Assessment<\/dt><dd><span class="health health-at_risk"[\s\S]*?Gunning loopt uit/);
    const dashboard = await get("groningenViewer", "/roadmap");
    expect(dashboard.body).toMatch(/data-testid="last-review-hsj"[\s\S]*?SOO 15 november 2024[\s\S]*?Planning HSJ met een maand verlengd/);

    const entryId = String(((await snapshot()).reviews.at(-1) as { id: number | string }).id);
    const correction = { intent: "review", held_on: "2024-12-13", body: "SOO 13 december 2024", health_hsj: "on_track", decisions_hsj: "Correctie: gunning ligt op schema", corrects_hsj: entryId };
    expect((await post("steering", "/roadmap/reviews", REVIEWS_ROUTE, correction)).body).toMatchObject({ ok: true });
    const history = await get("analyst", "/roadmap/reviews");
    expect(history.body).toContain("SOO 15 november 2024");
    expect(history.body).toContain("Corrects the entry of SOO 15 november 2024.");
    expect((await get("analyst", "/roadmap")).body).toMatch(/data-testid="last-review-hsj"[\s\S]*?SOO 13 december 2024/);
    // The latest judgement is the regional track's health.
    expect((await get("analyst", "/roadmap/tracks/hsj")).body).toMatch(/<h1>[^<]*<\/h1><dl class="track-status" data-testid="status-hsj"><div><dt>Assessment<\/dt><dd><span class="health health-on_track"/);
  });

  it("refuses a review without a date or body, an unknown segment, or health without reason; nothing is recorded", async () => {
    const before = await snapshot();
    const cases: [Record<string, string>, string, string][] = [
      [{ intent: "review", held_on: "", body: "SOO", health_wonen: "on_track" }, "held_on", "required"],
      [{ intent: "review", held_on: "2025-01-10", body: "", health_wonen: "on_track" }, "body", "required"],
      [{ intent: "review", held_on: "2025-02-30", body: "SOO", health_wonen: "on_track" }, "held_on", "required"],
      [{ intent: "review", held_on: "2025-01-10", body: "SOO", health_wonen: "on_track", corrects_wonen: "abc" }, "entries.0.corrects", "unknownEntry"],
      [{ intent: "review", held_on: "2025-01-10", body: "SOO", health_jeugdzorgplus: "on_track" }, "entries.0.segment", "unknownSegment"],
      [{ intent: "review", held_on: "2025-01-10", body: "SOO", health_wonen: "delayed" }, "entries.0.health_reason", "reasonRequired"],
      // An edit instead of a correcting entry.
      [{ intent: "edit", entry: "1", held_on: "2024-11-15", body: "SOO", health_hsj: "on_track" }, "review", "appendOnly"],
    ];
    for (const [fields, field, code] of cases) {
      const result = await post("steering", "/roadmap/reviews", REVIEWS_ROUTE, fields);
      expect([result.status, result.body.field, result.body.code]).toEqual([400, field, code]);
    }
    // The page says it in the user's language.
    const page = await (await client("steering")).post("/roadmap/reviews", { intent: "review", held_on: "", body: "SOO", health_wonen: "on_track" });
    expect(await page.text()).toMatch(/data-testid="roadmap-error"[^>]*>Not saved: Date of the meeting: this is required/);
    expect(await snapshot()).toEqual(before);
  });
});

describe("targets", () => {
  it("are set by steering members only and shown against the actual figure", async () => {
    const target = { intent: "target", segment: "aanvullende_hulp", metric: "providers_80", year: "2027", comparison: "at_most", value: "10" };
    for (const user of ["analyst", "groningenEditor", "admin"] as const) {
      expect([user, (await post(user, "/roadmap", DASHBOARD_ROUTE, target)).status]).toEqual([user, 403]);
    }
    expect((await post("steering", "/roadmap", DASHBOARD_ROUTE, target)).body).toEqual({ ok: true, intent: "target" });
    const bad = await post("steering", "/roadmap", DASHBOARD_ROUTE, { ...target, value: "tien" });
    expect([bad.status, bad.body.field]).toEqual([400, "value"]);
    const page = await get("steering", "/roadmap");
    // No declarations in this database: the target is shown with no figure yet.
    expect(page.body).toMatch(/data-target="providers_80-2027"[\s\S]*?at most 10[\s\S]*?no figure yet/);
  });
});

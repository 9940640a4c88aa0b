import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import en from "../../app/i18n/en.json";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * Issue 16, the roadmap's forms: every refused field at once, each next to its input and marked
 * (aria-invalid, aria-describedby), a review entry's refusal naming its segment, the typed values
 * back (also for a post without JavaScript), nothing stored; a track's steps saved in one save.
 */
let database: TestDatabase;
let server: TestServer;
const users = {
  steering: { email: "member@soo.test", role: "steering_member" },
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  groningenEditor: { email: "editor@groningen.test", role: "municipal_editor", municipalityCode: "GM0014" },
  groningenViewer: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  hogelandEditor: { email: "editor@hogeland.test", role: "municipal_editor", municipalityCode: "GM1966" },
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

/** The action's JSON answer (what a page with JavaScript gets). */
async function post(user: User, path: string, route: string, fields: Record<string, string>) {
  const response = await (await client(user)).post(`${path}?_data=${encodeURIComponent(route)}`, fields);
  const text = await response.text();
  return { status: response.status, body: response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text };
}

/** The page a browser without JavaScript gets back after posting the form. */
async function postPage(user: User, path: string, fields: Record<string, string>) {
  const response = await (await client(user)).post(path, fields);
  return { status: response.status, html: (await response.text()).replaceAll("<!-- -->", "") };
}

const TRACK_ROUTE = "routes/roadmap.tracks.$id";
const REVIEWS_ROUTE = "routes/roadmap.reviews";

const snapshot = () =>
  withTenantScope(database.db, ALL_TENANTS, async (trx) => ({
    steps: (await sql`select * from roadmap_step order by track_id, step_key`.execute(trx)).rows,
    tracks: (await sql`select id, health, health_reason, updated_by from roadmap_track order by id`.execute(trx)).rows,
    decisions: (await sql`select track_id, month, description from roadmap_decision order by id`.execute(trx)).rows,
    reviews: (await sql`select id from roadmap_review order by id`.execute(trx)).rows,
    entries: (await sql`select id from roadmap_review_entry order by id`.execute(trx)).rows,
    targets: (await sql`select * from roadmap_target order by segment_key, metric, year`.execute(trx)).rows,
  }));

type StepRow = { step_key: string; planned_start: string; planned_end: string; actual_start: string | null; actual_end: string | null; state: string };
const stepsOf = (track: string) =>
  withTenantScope(database.db, ALL_TENANTS, async (trx) => (await sql<StepRow>`select step_key, planned_start, planned_end, actual_start, actual_end, state from roadmap_step where track_id = ${track}`.execute(trx)).rows);

/** The track form as the page posts it: every step's inputs, as stored. */
async function stepsForm(track: string): Promise<Record<string, string>> {
  const fields: Record<string, string> = { intent: "steps" };
  for (const s of await stepsOf(track)) {
    Object.assign(fields, {
      [`planned_start_${s.step_key}`]: s.planned_start,
      [`planned_end_${s.step_key}`]: s.planned_end,
      [`actual_start_${s.step_key}`]: s.actual_start ?? "",
      [`actual_end_${s.step_key}`]: s.actual_end ?? "",
      [`state_${s.step_key}`]: s.state,
    });
  }
  return fields;
}

/** The opening tag of the input, select or text area with this name (and, for a text area, its text). */
function control(html: string, name: string): { tag: string; text: string } {
  const match = new RegExp(`<(input|select|textarea)\\b[^>]*\\bname="${name}"[^>]*>`).exec(html);
  expect(match, `no input named ${name}`).not.toBeNull();
  const tag = match![0];
  const text = match![1] === "textarea" ? html.slice(match!.index + tag.length, html.indexOf("</textarea>", match!.index)) : "";
  return { tag, text };
}
const attribute = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];

/** The input is marked refused and read with a reason shown next to it, that says `reason`. */
function expectMarked(html: string, name: string, reason: string) {
  const { tag } = control(html, name);
  expect([name, attribute(tag, "aria-invalid")]).toEqual([name, "true"]);
  const ids = (attribute(tag, "aria-describedby") ?? "").split(" ");
  const errorId = ids.find((id) => id.endsWith("-error"));
  expect(errorId, `${name} is not described by an error`).toBeDefined();
  expect(html).toMatch(new RegExp(`<div class="field-error" id="${errorId}">${reason}</div>`));
}
const expectUnmarked = (html: string, name: string) => expect([name, attribute(control(html, name).tag, "aria-invalid")]).toEqual([name, undefined]);

describe("the review form", () => {
  const review = {
    intent: "review",
    held_on: "2025-03-14",
    body: "SOO 14 maart 2025",
    health_hsj: "at_risk",
    reason_hsj: "",
    decisions_hsj: "Gunning HSJ uitgesteld",
    health_wonen: "delayed",
    reason_wonen: "",
    risks_wonen: "Te weinig woonplekken",
    health_onderwijs: "on_track",
    next_onderwijs: "Evaluatie in juni",
  };

  it("answers every segment missing a reason at once, each naming its segment, with what was typed; nothing is stored", async () => {
    const before = await snapshot();
    const answer = await post("steering", "/roadmap/reviews", REVIEWS_ROUTE, review);
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([
      { field: "entries.0.health_reason", code: "reasonRequired", params: { segment: "hsj" } },
      { field: "entries.1.health_reason", code: "reasonRequired", params: { segment: "wonen" } },
    ]);
    expect(answer.body.values).toMatchObject({ decisions_hsj: "Gunning HSJ uitgesteld", risks_wonen: "Te weinig woonplekken", next_onderwijs: "Evaluatie in juni", body: "SOO 14 maart 2025" });
    expect(await snapshot()).toEqual(before);

    // Without JavaScript: the page comes back with both reasons marked and every typed value in its input.
    const page = await postPage("steering", "/roadmap/reviews", review);
    expect(page.status).toBe(400);
    expectMarked(page.html, "reason_hsj", en.roadmap.errors.reasonRequired);
    expectMarked(page.html, "reason_wonen", en.roadmap.errors.reasonRequired);
    for (const name of ["reason_onderwijs", "health_hsj", "held_on", "body"]) expectUnmarked(page.html, name);
    expect(control(page.html, "decisions_hsj").text).toBe("Gunning HSJ uitgesteld");
    expect(control(page.html, "risks_wonen").text).toBe("Te weinig woonplekken");
    expect(control(page.html, "next_onderwijs").text).toBe("Evaluatie in juni");
    expect(attribute(control(page.html, "body").tag, "value")).toBe("SOO 14 maart 2025");
    expect(attribute(control(page.html, "held_on").tag, "value")).toBe("2025-03-14");
    expect(page.html).toMatch(/<select[^>]*name="health_wonen"[^>]*>[\s\S]*?<option value="delayed" selected="">/);
    // The summary names each segment.
    const notice = /data-testid="roadmap-error"[\s\S]*?<\/div>/.exec(page.html)![0];
    expect(notice).toContain(`${en.roadmap.fields.health_reason} (${en.segments.columns.hsj}): ${en.roadmap.errors.reasonRequired}`);
    expect(notice).toContain(`${en.roadmap.fields.health_reason} (${en.segments.columns.wonen}): ${en.roadmap.errors.reasonRequired}`);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses the meeting's fields and a segment's typed text without a health together, instead of dropping the text", async () => {
    const before = await snapshot();
    const answer = await post("steering", "/roadmap/reviews", REVIEWS_ROUTE, { intent: "review", held_on: "", body: "", health_hsj: "", decisions_hsj: "Besluit zonder stand" });
    expect([answer.status, answer.body.issues.map((i: { field: string; code: string; params: object }) => [i.field, i.code, i.params])]).toEqual([
      400,
      [
        ["held_on", "required", {}],
        ["body", "required", {}],
        ["entries.0.health", "required", { segment: "hsj" }],
      ],
    ]);
    const page = await postPage("steering", "/roadmap/reviews", { intent: "review", held_on: "", body: "", health_hsj: "", decisions_hsj: "Besluit zonder stand" });
    for (const name of ["held_on", "body", "health_hsj"]) expectMarked(page.html, name, en.roadmap.errors.required);
    expect(control(page.html, "decisions_hsj").text).toBe("Besluit zonder stand");
    expect(await snapshot()).toEqual(before);
  });

  it("is still refused for every role but steering members, changing nothing", async () => {
    const before = await snapshot();
    const fine = { ...review, reason_hsj: "Bezwaar", reason_wonen: "Wachtlijst" };
    for (const user of ["analyst", "groningenEditor", "groningenViewer", "hogelandEditor", "admin"] as const) {
      expect([user, (await post(user, "/roadmap/reviews", REVIEWS_ROUTE, fine)).status]).toEqual([user, 403]);
    }
    expect(await snapshot()).toEqual(before);
    expect((await post("steering", "/roadmap/reviews", REVIEWS_ROUTE, fine)).body).toEqual({ ok: true, intent: "review" });
    expect((await snapshot()).entries.length).toBe(before.entries.length + 3);
  });
});

describe("the track's steps", () => {
  it("are saved in one save: every changed step stored, the others as they were", async () => {
    const before = await stepsOf("wonen");
    const fields = await stepsForm("wonen");
    expect(Object.keys(fields).filter((k) => k.startsWith("state_")).length).toBe(7);
    Object.assign(fields, { actual_start_vision: "2024-02", state_vision: "in_progress", planned_end_elaboration: "2027-08" });
    const answer = await post("analyst", "/roadmap/tracks/wonen", TRACK_ROUTE, fields);
    expect(answer).toEqual({ status: 200, body: { ok: true, intent: "steps" } });
    const after = await stepsOf("wonen");
    const byKey = (rows: StepRow[]) => Object.fromEntries(rows.map((r) => [r.step_key, r]));
    expect(byKey(after).vision).toMatchObject({ actual_start: "2024-02", state: "in_progress" });
    expect(byKey(after).elaboration!.planned_end).toBe("2027-08");
    const untouched = (rows: StepRow[]) => rows.filter((r) => r.step_key !== "vision" && r.step_key !== "elaboration");
    expect(byKey(untouched(after))).toEqual(byKey(untouched(before)));
    const audit = await withTenantScope(database.db, ALL_TENANTS, async (trx) => (await sql<{ subject: string }>`select subject from audit_event where action = 'roadmap.step' order by subject`.execute(trx)).rows);
    expect(audit.map((a) => a.subject)).toEqual(["wonen/elaboration", "wonen/vision"]);
  });

  it("refuses every bad step at once, each input marked, the typed values back; nothing is stored", async () => {
    const before = await snapshot();
    const fields = { ...(await stepsForm("wonen")), planned_start_market_consultation: "2027-09", planned_end_market_consultation: "2027-07", state_tender_award: "done", actual_start_tender_award: "2028-01", actual_end_tender_award: "", actual_start_implementation: "2027-1", planned_end_vision: "2027-05" };
    const answer = await post("analyst", "/roadmap/tracks/wonen", TRACK_ROUTE, fields);
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([
      { field: "steps.market_consultation.plannedEnd", code: "endBeforeStart", params: { step: "market_consultation" } },
      { field: "steps.tender_award.actualEnd", code: "doneWithoutEnd", params: { step: "tender_award" } },
      { field: "steps.implementation.actualStart", code: "badMonth", params: { step: "implementation" } },
    ]);
    expect(answer.body.values).toMatchObject({ planned_end_vision: "2027-05", actual_start_implementation: "2027-1" });
    expect(await snapshot()).toEqual(before);

    const page = await postPage("analyst", "/roadmap/tracks/wonen", fields);
    expect(page.status).toBe(400);
    expectMarked(page.html, "planned_end_market_consultation", en.roadmap.errors.endBeforeStart);
    expectMarked(page.html, "actual_end_tender_award", en.roadmap.errors.doneWithoutEnd);
    expectMarked(page.html, "actual_start_implementation", en.roadmap.errors.badMonth.replace("(", "\\(").replace(")", "\\)"));
    expectUnmarked(page.html, "planned_end_vision");
    // What was typed stays, the good step's change too (it was not stored: one save).
    expect(attribute(control(page.html, "planned_end_vision").tag, "value")).toBe("2027-05");
    expect(attribute(control(page.html, "actual_start_implementation").tag, "value")).toBe("2027-1");
    expect(page.html).toMatch(/<select[^>]*name="state_tender_award"[^>]*>[\s\S]*?<option value="done" selected="">/);
    // One save button for the steps, none per step.
    const form = /<form[^>]*data-testid="steps-form"[\s\S]*?<\/form>/.exec(page.html)![0];
    expect(form.match(/<button/g)?.length).toBe(1);
    expect(form).toContain(`${en.roadmap.fields.plannedEnd}, ${en.roadmap.steps.market_consultation}: ${en.roadmap.errors.endBeforeStart}`);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a step the track does not have, and an empty save", async () => {
    const before = await snapshot();
    const unknown = await post("analyst", "/roadmap/tracks/wonen", TRACK_ROUTE, { intent: "steps", state_brainstorm: "done", planned_start_brainstorm: "2024-01", planned_end_brainstorm: "2024-02" });
    expect([unknown.status, unknown.body.field, unknown.body.code]).toEqual([400, "steps.brainstorm.step", "unknownStep"]);
    const empty = await post("analyst", "/roadmap/tracks/wonen", TRACK_ROUTE, { intent: "steps" });
    expect([empty.status, empty.body.field, empty.body.code]).toEqual([400, "steps", "required"]);
    expect(await snapshot()).toEqual(before);
  });

  it("are refused to another municipality's editor and to roles that may not edit the track; nothing changes", async () => {
    const own = await stepsForm("basishulp-gm0014");
    const changed = { ...own, actual_end_implementation: "2025-12", state_implementation: "done" };
    const before = await snapshot();
    for (const user of ["hogelandEditor", "groningenViewer", "steering", "analyst", "admin"] as const) {
      expect([user, (await post(user, "/roadmap/tracks/basishulp-gm0014", TRACK_ROUTE, changed)).status]).toEqual([user, 403]);
    }
    expect((await post("groningenEditor", "/roadmap/tracks/hsj", TRACK_ROUTE, { ...(await stepsForm("hsj")), state_vision: "done" })).status).toBe(403);
    expect((await post("groningenEditor", "/roadmap/tracks/basishulp-gm1966", TRACK_ROUTE, { ...(await stepsForm("basishulp-gm1966")), state_vision: "done" })).status).toBe(403);
    expect(await snapshot()).toEqual(before);
    expect((await post("groningenEditor", "/roadmap/tracks/basishulp-gm0014", TRACK_ROUTE, changed)).body).toEqual({ ok: true, intent: "steps" });
  });
});

describe("the health and decision forms", () => {
  it("refuse every field at once, marked, with what was typed", async () => {
    const before = await snapshot();
    const decision = await post("analyst", "/roadmap/tracks/onderwijs", TRACK_ROUTE, { intent: "decision", month: "2026-13", description: "" });
    expect(decision.body.issues.map((i: { field: string }) => i.field)).toEqual(["month", "description"]);
    const page = await postPage("analyst", "/roadmap/tracks/onderwijs", { intent: "health", health: "delayed", health_reason: "" });
    expectMarked(page.html, "health_reason", en.roadmap.errors.reasonRequired);
    expect(attribute(control(page.html, "health_reason").tag, "aria-describedby")).toContain("health-health_reason-hint");
    expect(page.html).toMatch(/<select[^>]*name="health"[^>]*>[\s\S]*?<option value="delayed" selected="">/);
    expect(await snapshot()).toEqual(before);
  });
});

describe("the target form", () => {
  it("refuses every field at once, marked, with what was typed; still only for steering members", async () => {
    const before = await snapshot();
    const target = { intent: "target", segment: "hsj", metric: "clients", year: "twee", comparison: "at_most", value: "veel" };
    for (const user of ["analyst", "groningenEditor", "admin"] as const) expect([user, (await post(user, "/roadmap", "routes/roadmap._index", { ...target, year: "2027", value: "10" })).status]).toEqual([user, 403]);
    const answer = await post("steering", "/roadmap", "routes/roadmap._index", target);
    expect([answer.status, answer.body.issues.map((i: { field: string }) => i.field)]).toEqual([400, ["year", "value"]]);
    const page = await postPage("steering", "/roadmap", target);
    expectMarked(page.html, "year", en.roadmap.errors.badYear);
    expectMarked(page.html, "value", `&quot;veel&quot; is not a number`);
    expect(attribute(control(page.html, "value").tag, "value")).toBe("veel");
    expect(await snapshot()).toEqual(before);
  });
});

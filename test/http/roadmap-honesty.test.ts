import { SEGMENT_COLUMNS } from "@jeugdregio/metrics";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { GANTT_BAR_STYLES, GANTT_HEALTHS } from "~/components/charts/GanttChart";
import en from "../../app/i18n/en.json";
import nl from "../../app/i18n/nl.json";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * Issue 16: the roadmap says what was assessed and what the plan computes, as two things side by
 * side. A fresh installation has assessed nothing, so no track may read "on track"; a recorded
 * "on track" on a track with late steps shows both; the timeline's key names every bar style it draws;
 * the cards and the timeline follow the segment table's column order.
 */
let database: TestDatabase;
let server: TestServer;
const users = {
  steering: { email: "member@soo.test", role: "steering_member" },
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  groningenViewer: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
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

async function client(user: User, language: "en" | "nl" = "en") {
  const c = new HttpClient(server.baseUrl, { "accept-language": language });
  expect((await c.logIn(users[user].email)).status).toBe(302);
  return c;
}

async function page(user: User, path: string, language: "en" | "nl" = "en") {
  const response = await (await client(user, language)).get(path);
  expect([path, response.status]).toEqual([path, 200]);
  return (await response.text()).replaceAll("<!-- -->", "");
}

/** The HTML from `<tag ... data-testid="id"` to the end of that element (by counting its tag). */
function element(html: string, testId: string): string {
  const start = html.search(new RegExp(`<([a-z]+)[^>]*data-testid="${testId}"`));
  expect(start, `no element data-testid="${testId}"`).toBeGreaterThanOrEqual(0);
  const tag = /^<([a-z]+)/.exec(html.slice(start))![1]!;
  const re = new RegExp(`<${tag}[\\s>]|</${tag}>`, "g");
  re.lastIndex = start;
  let depth = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    depth += m[0].startsWith("</") ? -1 : 1;
    if (depth === 0) return html.slice(start, m.index + m[0].length);
  }
  throw new Error(`unclosed ${testId}`);
}

const values = (html: string, attribute: string) => [...html.matchAll(new RegExp(`${attribute}="([^"]+)"`, "g"))].map((m) => m[1]!);

describe("a roadmap nobody has assessed yet", () => {
  it("stores no health for any track, and shows every track as not assessed, never on track", async () => {
    const tracks = await withTenantScope(database.db, ALL_TENANTS, (trx) => sql<{ id: string; health: string | null }>`select id, health from roadmap_track order by id`.execute(trx));
    expect(tracks.rows.length).toBeGreaterThanOrEqual(5);
    expect(tracks.rows.filter((t) => t.health !== null)).toEqual([]);

    for (const [language, texts] of [["en", en], ["nl", nl]] as const) {
      const html = await page("analyst", "/roadmap", language);
      const cards = element(html, "card-hsj") + element(html, "card-basishulp") + element(html, "card-wonen");
      expect(cards).not.toContain(texts.roadmap.health.on_track);
      expect(cards).toContain(texts.roadmap.health.not_assessed);
      // Outside the timeline's key, no badge or marker says on track.
      const withoutKey = html.replace(element(html, "gantt-legend"), "");
      expect(values(withoutKey, "data-health").filter((h) => h !== "not_assessed")).toEqual([]);
      expect(values(element(html, "gantt"), "data-health").length).toBe(tracks.rows.length);
    }
    const track = await page("groningenViewer", "/roadmap/tracks/hsj", "nl");
    expect(element(track, "status-hsj")).toMatch(/data-health="not_assessed"[^>]*><span aria-hidden="true">\?<\/span> Niet beoordeeld/);
  });

  it("shows the plan's signals beside the health: late steps and cannot-finish on every late track", async () => {
    const html = await page("analyst", "/roadmap");
    // Each regional track: a status with an assessment and the signals, as two parts.
    for (const segment of ["onderwijs", "aanvullende_hulp", "hsj", "wonen"]) {
      const status = element(html, `status-${segment}`);
      expect(status).toMatch(new RegExp(`<dt>${en.roadmap.assessment}</dt><dd><span class="health health-not_assessed"`));
      expect(status).toMatch(new RegExp(`<dt>${en.roadmap.planSignals}</dt><dd><span class="signals`));
    }
    // The basishulp card: a column for each, per municipality.
    const basishulp = element(html, "card-basishulp");
    expect(basishulp).toContain(`<th scope="col">${en.roadmap.assessment}</th><th scope="col">${en.roadmap.planSignals}</th>`);
    const rows = [...basishulp.matchAll(/<tr data-track="([^"]+)">([\s\S]*?)<\/tr>/g)];
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const [, id, row] of rows) {
      expect([id, /<td data-assessment="true">[\s\S]*?data-health="not_assessed"/.test(row!), /<td data-signals-cell="true">[\s\S]*?data-signals="/.test(row!)]).toEqual([id, true, true]);
    }
    // HSJ's plan (seeded) has a late step by now, whatever anyone recorded.
    expect(element(html, "status-hsj")).toMatch(/data-signals="[^"]*late_step/);
  });
});

describe("a recorded health", () => {
  it("is shown as recorded, with the plan's late steps still beside it", async () => {
    const review = { intent: "review", held_on: "2026-11-20", body: "SOO 20 november 2026", health_hsj: "on_track", decisions_hsj: "Gunning loopt" };
    const saved = await (await client("steering")).post(`/roadmap/reviews?_data=${encodeURIComponent("routes/roadmap.reviews")}`, review);
    expect(await saved.json()).toEqual({ ok: true, intent: "review" });

    const html = await page("groningenViewer", "/roadmap");
    const status = element(html, "status-hsj");
    expect(status).toMatch(/data-health="on_track"[\s\S]*?in SOO 20 november 2026/);
    // Not merged into the health: the late steps are still there, under their own heading.
    expect(status).toMatch(new RegExp(`<dt>${en.roadmap.planSignals}</dt><dd><span class="signals signals-raised" data-signals="late_step[^"]*">`));
    expect(status).toContain("Steps late: ");
    // The other tracks are still not assessed.
    expect(element(html, "status-wonen")).toContain('data-health="not_assessed"');
  });
});

describe("the timeline's key", () => {
  it("has an entry for every bar style and health marker the timeline draws, in both languages", async () => {
    for (const [language, texts] of [["en", en], ["nl", nl]] as const) {
      const html = await page("steering", "/roadmap", language);
      const gantt = element(html, "gantt");
      const key = element(html, "gantt-legend");
      const drawn = new Set(values(gantt, "data-bar"));
      // The seeded plan on today's date has late, running and done bars at least.
      for (const style of ["planned", "planned_late", "running_late", "done"]) expect([language, style, drawn.has(style)]).toEqual([language, style, true]);
      const entries = new Set(values(key, "data-legend"));
      for (const style of [...drawn, ...GANTT_BAR_STYLES]) expect([language, style, entries.has(style)]).toEqual([language, style, true]);
      for (const health of [...new Set(values(gantt, "data-health")), ...GANTT_HEALTHS]) expect(entries.has(`health-${health}`)).toBe(true);
      for (const mark of ["decision", "milestone", "today"]) expect(entries.has(mark)).toBe(true);
      // Each entry says what it is in words (the dashed and the hatched bars included).
      for (const style of GANTT_BAR_STYLES) expect(key).toContain(texts.roadmap.legend[style]);
      expect(key).toContain(texts.roadmap.health.not_assessed);
    }
  });
});

describe("segment order", () => {
  it("is the segment table's column order on the roadmap's cards, its timeline, the review form and the print report", async () => {
    const order = SEGMENT_COLUMNS.filter((c) => c !== "all" && c !== "unassigned");
    const positions = (html: string, pattern: (s: string) => string) => order.map((s) => html.indexOf(pattern(s)));
    const increasing = (xs: number[]) => xs.every((x, i) => x >= 0 && (i === 0 || x > xs[i - 1]!));
    const dashboard = await page("analyst", "/roadmap");
    expect(increasing(positions(dashboard, (s) => `data-testid="card-${s}"`))).toBe(true);
    // The regional tracks on the timeline (basishulp's, per municipality, come after them).
    const gantt = element(dashboard, "gantt");
    expect(increasing(order.filter((s) => s !== "basishulp").map((s) => gantt.indexOf(`data-track="${s}"`)))).toBe(true);
    expect(increasing(positions(await page("analyst", "/roadmap/print"), (s) => `data-testid="card-${s}"`))).toBe(true);
    expect(increasing(positions(await page("steering", "/roadmap/reviews"), (s) => `data-segment="${s}"`))).toBe(true);
  });
});

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDate, formatMonth, todayInAmsterdam } from "@jeugdregio/format";
import en from "~/i18n/en.json";
import nl from "~/i18n/nl.json";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { countingLines } from "~/modules/figures/counting.server";
import { segmentReport } from "~/modules/reports/segment-report.server";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * `asOf=` on the segment JSON routes, the segment overview and drill-downs, concentration and
 * compare (and their exports), over the real HTTP stack: a report as of D is the same before
 * and after a later delivery and equals the lines declared by D; a replace on R leaves the old
 * lines counting as of R − 1; a bad date is a 400 with the reason and nothing else; the walls
 * (another municipality 404, a role without figures 403, logged out 401) and the small-count
 * rule hold as of a date too; every page says how far its figures reach, in Dutch and English.
 */
let database: TestDatabase;
let server: TestServer;
const users = {
  groningen: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  steering: { email: "member@soo.test", role: "steering_member" },
  admin: { email: "admin@rigg.test", role: "admin" },
} as const;
const sessions = new Map<string, HttpClient>();
const KEY = "as-of-http-test-key-as-of-http-test-key-0123";
const HEADER = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount;units;referrer";
const D = "2025-04-30";
const R = "2025-09-01";

function lines(month: string, municipality: string, clients: number, base: number, provider = "11111111"): string[] {
  return Array.from({ length: clients }, (_, c) => [month, municipality, provider, `Zorg ${provider}`, "45A51", `K${municipality}${c}`, `${base + c},00`, "1", "01"].join(";"));
}

async function load(rows: string[], mode: "append" | "replace", deliveredOn: string) {
  const bytes = new TextEncoder().encode([HEADER, ...rows].join("\r\n"));
  const result = await importDeclarations(
    database.db,
    { userId: null, label: "test" },
    { name: `f${Math.random()}.csv`, size: bytes.length, async *open() { yield bytes; } },
    { mode, pseudonymKey: KEY, bulk: database.bulk, deliveredOn },
  );
  expect(result.ok, JSON.stringify(result)).toBe(true);
}

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
  // Delivery 1, 10 March 2025: Groningen's January and February; Het Hogeland two clients in January.
  await load([...lines("2025-01", "GM0014", 6, 100), ...lines("2025-02", "GM0014", 6, 110), ...lines("2025-01", "GM1966", 2, 50)], "append", "2025-03-10");
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function as(user: keyof typeof users) {
  const existing = sessions.get(user);
  if (existing) return existing;
  const client = new HttpClient(server.baseUrl);
  expect((await client.logIn(users[user].email)).status).toBe(302);
  sessions.set(user, client);
  return client;
}

async function body(user: keyof typeof users, path: string): Promise<string> {
  const response = await (await as(user)).get(path);
  expect(response.status, path).toBe(200);
  return response.text();
}

/** Net and clients of a scope's 2025 lines counting as of `asOf`, straight from the lines. */
async function fromLines(municipality: string | null, asOf: string) {
  return withTenantScope(database.db, ALL_TENANTS, async (trx) => {
    const row = await sql<{ net: string; clients: number }>`
      with t as (select client_key, sum(amount) as net from declaration d
        where ${countingLines("d", asOf)} and extract(year from d.service_month) = 2025 ${municipality ? sql`and d.municipality_code = ${municipality}` : sql``}
        group by client_key)
      select coalesce(sum(net), 0)::numeric(16, 2)::text as net, count(*) filter (where net > 0)::int as clients from t`.execute(trx);
    return { spending: row.rows[0]!.net, clients: Number(row.rows[0]!.clients) };
  });
}

/** What the analyst gets as of D: JSON routes, page data and exports. */
const AS_OF_D = [
  `/api/segments?year=2025&scope=region&asOf=${D}`,
  `/api/segments?year=2025&scope=GM0014&asOf=${D}`,
  `/api/segments?scope=GM0014&asOf=${D}`,
  `/api/segments/series?scope=region&asOf=${D}`,
  `/segments?scope=region&year=2025&asOf=${D}&_data=routes%2Fsegments._index`,
  `/segments/all?scope=GM0014&year=2025&asOf=${D}&_data=routes%2Fsegments.%24column._index`,
  `/segments/all/45A51?scope=GM0014&year=2025&asOf=${D}&_data=routes%2Fsegments.%24column.%24product`,
  `/concentration?scope=region&year=2025&asOf=${D}&_data=routes%2Fconcentration`,
  `/compare?year=2025&asOf=${D}&_data=routes%2Fcompare`,
  `/concentration/export?scope=region&segment=all&year=2025&asOf=${D}&table=providers&format=csv`,
  `/concentration/export?scope=region&segment=all&year=2025&asOf=${D}&table=trend&format=csv`,
  `/concentration/export?scope=region&segment=all&year=2025&asOf=${D}&table=referrers&format=csv`,
  `/compare/export?year=2025&asOf=${D}&table=matrix&metric=spending_per_inhabitant&format=csv`,
];

describe("as of a date over HTTP", () => {
  let before: string[];

  it("answers the figures of the lines declared by then, the same after a later delivery", async () => {
    before = [];
    for (const path of AS_OF_D) before.push(await body("analyst", path));
    const region = JSON.parse(before[0]!) as { year: number; scope: string; segments: Record<string, { spending: string; clients: number | null }> };
    const expected = await fromLines(null, D);
    expect(region.segments.all).toMatchObject(expected);
    expect(region).toEqual(await withTenantScope(database.db, ALL_TENANTS, (trx) => segmentReport(trx, 2025, { kind: "region" }, "lines", D)));
    expect(JSON.parse(before[3]!)).toMatchObject({ asOf: D, dataThrough: "2025-02", years: [2025] });

    // Delivery 2, 10 June: March and April, and a late January credit.
    await load([...lines("2025-03", "GM0014", 6, 120), ...lines("2025-04", "GM0014", 6, 130, "22222222"), "2025-01;GM0014;33333333;Zorg 3;45A51;KGM00140;-40,00;1;01"], "append", "2025-06-10");
    for (const [i, path] of AS_OF_D.entries()) expect(await body("analyst", path), path).toBe(before[i]);
    // Without asOf: today's figures, with delivery 2.
    const now = JSON.parse(await body("analyst", "/api/segments?year=2025&scope=region")) as typeof region;
    expect(now.segments.all!.spending).toBe((await fromLines(null, todayInAmsterdam())).spending);
    expect(now.segments.all!.spending).not.toBe(region.segments.all!.spending);
    expect(JSON.parse(await body("analyst", "/api/segments/series?scope=region"))).toMatchObject({ asOf: todayInAmsterdam(), dataThrough: "2025-04" });
  });

  it("counts a replace from its delivery date: as of the day before, the old lines", async () => {
    const dayBefore = "2025-08-31";
    const path = (asOf: string) => `/api/segments?year=2025&scope=GM0014&asOf=${asOf}`;
    const old = await body("analyst", path(dayBefore));
    await load(lines("2025-02", "GM0014", 6, 200), "replace", R);
    expect(await body("analyst", path(dayBefore))).toBe(old);
    const replaced = JSON.parse(await body("analyst", path(R))) as { segments: { all: { spending: string } } };
    expect(replaced.segments.all.spending).toBe((await fromLines("GM0014", R)).spending);
    expect(JSON.parse(old).segments.all.spending).toBe((await fromLines("GM0014", dayBefore)).spending);
    expect(replaced.segments.all.spending).not.toBe(JSON.parse(old).segments.all.spending);
  });

  it("refuses a malformed or future as-of date with a 400 naming it, and nothing else", async () => {
    for (const [value, message] of [
      ["2025-13-01", /expected YYYY-MM-DD, got 2025-13-01/],
      ["30-04-2025", /expected YYYY-MM-DD, got 30-04-2025/],
      ["2999-01-01", /2999-01-01 is after today/],
    ] as const) {
      for (const route of ["/api/segments?year=2025&", "/api/segments/series?"]) {
        const response = await (await as("analyst")).get(`${route}asOf=${value}`);
        expect(response.status, route).toBe(400);
        const json = (await response.json()) as Record<string, unknown>;
        expect(Object.keys(json).sort()).toEqual(["error", "message"]);
        expect(json.error).toBe("invalid_as_of");
        expect(json.message).toMatch(message);
      }
      for (const page of ["/segments?", "/segments/all?", "/segments/all/45A51?", "/concentration?", "/compare?", "/forecast?", "/concentration/export?table=providers&format=csv&", "/compare/export?table=matrix&format=csv&"]) {
        const response = await (await as("analyst")).get(`${page}asOf=${value}`);
        expect(response.status, page).toBe(400);
        const text = await response.text();
        expect(text, page).not.toContain("segment-table");
        expect(text, page).not.toContain("Zorg 1111");
      }
    }
  });

  it("keeps the walls as of a date: another municipality 404, no figures for a role without them, 401 logged out", async () => {
    const groningen = await as("groningen");
    for (const path of [
      `/api/segments?scope=GM1966&asOf=${D}`,
      `/api/segments?scope=region&asOf=${D}`,
      `/api/segments/series?scope=GM1966&asOf=${D}`,
      `/segments?scope=GM1966&asOf=${D}`,
      `/segments/all?scope=GM1966&asOf=${D}`,
      `/segments/all/45A51?scope=GM1966&asOf=${D}`,
      `/concentration?scope=GM1966&asOf=${D}`,
      `/concentration/export?scope=GM1966&table=referrers&format=csv&asOf=${D}`,
    ]) {
      const response = await groningen.get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toMatch(/spending|KGM1966/);
    }
    // Their own municipality as of D is fine.
    expect(JSON.parse(await body("groningen", `/api/segments?asOf=${D}&year=2025`))).toMatchObject({ scope: "GM0014" });
    const admin = await as("admin");
    for (const path of [`/api/segments?asOf=${D}`, `/api/segments/series?asOf=${D}`]) expect((await admin.get(path)).status, path).toBe(403);
    for (const path of [`/segments?asOf=${D}`, `/concentration?asOf=${D}`, `/compare?asOf=${D}`]) expect((await admin.get(path)).status, path).toBe(403);
    expect((await new HttpClient(server.baseUrl).get(`/api/segments?asOf=${D}`)).status).toBe(401);
  });

  it("hides small client counts as of a date as it does today", async () => {
    // Het Hogeland has two clients: a steering member sees no count, the analyst does.
    const steering = JSON.parse(await body("steering", `/api/segments?year=2025&scope=GM1966&asOf=${D}`)) as { segments: Record<string, { clients: number | null; spending: string }> };
    expect(steering.segments.all).toMatchObject({ clients: null, spending: "101.00" });
    const analyst = JSON.parse(await body("analyst", `/api/segments?year=2025&scope=GM1966&asOf=${D}`)) as typeof steering;
    expect(analyst.segments.all).toMatchObject({ clients: 2, spending: "101.00" });
    const compare = JSON.parse(await body("groningen", `/compare?year=2025&asOf=${D}&_data=routes%2Fcompare`)) as { rows: { scope: string; segments: { all: { clients: number | null } } }[] };
    expect(compare.rows.find((r) => r.scope === "GM1966")?.segments.all.clients).toBeNull();
    const concentration = JSON.parse(await body("steering", `/concentration?scope=GM1966&year=2025&asOf=${D}&_data=routes%2Fconcentration`)) as { rows: unknown };
    expect(concentration.rows).toBeNull();
  });

  it("says how far the figures reach next to every page title, in Dutch and in English", async () => {
    const pages = [
      `/segments?scope=GM0014&year=2025&asOf=${D}`,
      `/segments/all?scope=GM0014&year=2025&asOf=${D}`,
      `/segments/all/45A51?scope=GM0014&year=2025&asOf=${D}`,
      `/concentration?scope=GM0014&year=2025&asOf=${D}`,
      `/compare?year=2025&asOf=${D}`,
      `/forecast?scope=GM0014&asOf=${D}`,
    ];
    const dutch = nl.asOf.dataThrough.replace("{{month}}", "februari 2025").replace("{{date}}", "30 april 2025");
    expect(formatMonth("2025-02", "nl")).toBe("februari 2025");
    expect(formatDate(D, "nl")).toBe("30 april 2025");
    for (const page of pages) {
      const html = await body("analyst", page);
      expect(html, page).toContain('data-testid="data-through"');
      expect(html, page).toContain(dutch);
    }
    // The overview's as-of field and its links keep the date.
    const overview = await body("analyst", pages[0]!);
    expect(overview).toMatch(/<input type="date" name="asOf"[^>]*value="2025-04-30"/);
    expect(overview).toContain(`href="/segments/all?year=2025&amp;scope=GM0014&amp;asOf=${D}"`);

    const client = new HttpClient(server.baseUrl);
    expect((await client.logIn(users.analyst.email)).status).toBe(302);
    expect([200, 302, 303]).toContain((await client.post("/language", { language: "en", redirectTo: "/segments" })).status);
    const english = en.asOf.dataThrough.replace("{{month}}", "February 2025").replace("{{date}}", "30 April 2025");
    for (const page of pages) {
      const response = await client.get(page);
      expect(response.status, page).toBe(200);
      expect(await response.text(), page).toContain(english);
    }
    // Today: through the latest month declared, declared up to today.
    const today = await (await client.get("/segments?scope=GM0014&year=2025")).text();
    expect(today).toContain(en.asOf.dataThrough.replace("{{month}}", "April 2025").replace("{{date}}", formatDate(todayInAmsterdam(), "en")));
  });
});

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { saveBudgetDefinition } from "~/modules/budgets/budgets.server";
import { DEMO_SAMEN } from "~seeds/demo-budgets";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, TEST_PASSWORD, type TestServer } from "../support/server";

/**
 * Cross-site writes (issue 13.3): every request that is not a GET, HEAD or OPTIONS must come
 * from the app's own origin (Origin, or Referer where Origin is absent), else 403 and nothing
 * changed. One kind of request per test: a page action, a `_data` action, resource routes, the
 * upload API, logout, the language switch and login.
 */
let database: TestDatabase;
let server: TestServer;
const EVIL = "http://evil.example";
const users = {
  editor: { email: "editor@groningen.test", role: "municipal_editor", municipalityCode: "GM0014" },
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  steering: { email: "member@soo.test", role: "steering_member" },
} as const;
type Who = keyof typeof users;

const BUDGET_ROUTE = "routes/budgets.$code.$key";
const CSV =
  "period;municipality_code;provider_code;provider_name;product_code;client_key;amount\n" +
  "2024-01;GM0014;12345678;Stichting Voorbeeld;45A51;K3f9a01c2d4;1.234,56\n";

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
  await withTenantScope(database.db, ALL_TENANTS, (trx) => saveBudgetDefinition(trx, { userId: null, label: "test" }, DEMO_SAMEN));
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

let ip = 0;
async function as(who: Who) {
  ip += 1;
  const client = new HttpClient(server.baseUrl, { "x-forwarded-for": `198.51.100.${ip}` });
  expect((await client.logIn(users[who].email)).status).toBe(302);
  return client;
}

const from = (origin: string) => ({ origin });

async function state() {
  return withTenantScope(database.db, ALL_TENANTS, async (trx) => ({
    years: (await sql`select year, scope_share from local_budget_year order by year`.execute(trx)).rows,
    changes: (await sql`select count(*)::int as n from finance_change`.execute(trx)).rows[0],
    tracks: (await sql`select id, health, health_reason from roadmap_track order by id`.execute(trx)).rows,
    batches: (await sql`select id, status from import_batch order by id`.execute(trx)).rows,
    sessions: (await sql`select count(*)::int as n from session`.execute(trx)).rows[0],
    languages: (await sql`select email, language from app_user order by email`.execute(trx)).rows,
    audit: (await sql`select count(*)::int as n from audit_event`.execute(trx)).rows[0],
  }));
}

/** The request is refused with 403 and the database is exactly as before. */
async function expectRefused(send: () => Promise<Response>, json = false) {
  const before = await state();
  const response = await send();
  expect(response.status).toBe(403);
  expect(response.headers.getSetCookie()).toEqual([]);
  const body = await response.text();
  if (json) expect(JSON.parse(body)).toEqual({ problem: "crossSiteRequest" });
  else expect(body).toMatch(/cross-site/i);
  expect(await state()).toEqual(before);
}

const parameters = (share: string) => ({
  intent: "parameters",
  year: "2026",
  scope_share: share,
  expected_development: "2,5",
  manual_base: "",
  manual_base_reason: "",
  structural_adjustment: "-15.000,00",
});

function upload(client: HttpClient, headers: Record<string, string>) {
  const body = new FormData();
  body.append("file", new Blob([CSV], { type: "text/csv" }), "cross-site.csv");
  return client.request("/api/imports", { method: "POST", body, headers: { accept: "application/json", ...headers } });
}

describe("a request from another origin is refused and changes nothing", () => {
  it("a _data action (the budget's scope share)", async () => {
    const editor = await as("editor");
    const url = `/budgets/GM0014/samen?_data=${encodeURIComponent(BUDGET_ROUTE)}`;
    await expectRefused(() => editor.request(url, { method: "POST", body: new URLSearchParams(parameters("50")), headers: from(EVIL) }), true);
    const own = await editor.request(url, { method: "POST", body: new URLSearchParams(parameters("50")), headers: from(server.baseUrl) });
    expect(await own.json()).toEqual({ ok: true, intent: "parameters", changed: 1 });
  });

  it("a page action without JavaScript (the track's health)", async () => {
    const steering = await as("steering");
    const fields = { intent: "health", health: "delayed", health_reason: "forged" };
    await expectRefused(() => steering.request("/roadmap/tracks/hsj", { method: "POST", body: new URLSearchParams(fields), headers: from(EVIL) }));
    // A sibling subdomain and another port are other origins too (SameSite=Lax lets them through).
    const sibling = server.baseUrl.replace("127.0.0.1", "localhost");
    await expectRefused(() => steering.request("/roadmap/tracks/hsj", { method: "POST", body: new URLSearchParams(fields), headers: from(sibling) }));
    await expectRefused(() => steering.request("/roadmap/tracks/hsj", { method: "POST", body: new URLSearchParams(fields), headers: from("null") }));
    const own = await steering.post("/roadmap/tracks/hsj", fields);
    expect(own.status).toBeLessThan(400);
    const track = await withTenantScope(database.db, ALL_TENANTS, (trx) => sql<{ health: string }>`select health from roadmap_track where id = 'hsj'`.execute(trx));
    expect(track.rows[0]!.health).toBe("delayed");
  });

  it("the upload API and a resource route (the batch rollback)", async () => {
    const analyst = await as("analyst");
    await expectRefused(() => upload(analyst, from(EVIL)), true);
    const started = await upload(analyst, {});
    expect(started.status).toBe(202);
    const { jobId } = (await started.json()) as { jobId: string };
    let job: { status: string; outcome?: { batchId?: string } } = { status: "running" };
    for (let i = 0; i < 200 && job.status === "running"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (await (await analyst.get(`/api/imports/${jobId}`)).json()) as typeof job;
    }
    const batches = await withTenantScope(database.db, ALL_TENANTS, (trx) => sql<{ id: string }>`select id from import_batch`.execute(trx));
    expect(batches.rows).toHaveLength(1);
    const batchId = batches.rows[0]!.id;
    await expectRefused(() =>
      analyst.request(`/imports/batches/${batchId}/rollback`, { method: "POST", body: new URLSearchParams({ confirm: "yes" }), headers: from(EVIL) }),
    );
    const own = await analyst.post(`/imports/batches/${batchId}/rollback`, { confirm: "yes" });
    expect(own.status).toBe(302);
  });

  it("logout", async () => {
    const editor = await as("editor");
    await expectRefused(() => editor.request("/logout", { method: "POST", body: new URLSearchParams(), headers: from(EVIL) }));
    expect((await editor.get("/")).status).toBe(200);
    expect((await editor.post("/logout", {})).headers.get("location")).toBe("/login");
  });

  it("the language switch", async () => {
    const editor = await as("editor");
    await expectRefused(() =>
      editor.request("/language", { method: "POST", body: new URLSearchParams({ language: "en", redirectTo: "/" }), headers: from(EVIL) }),
    );
    const own = await editor.post("/language", { language: "en", redirectTo: "/" });
    expect(own.status).toBe(302);
    expect(own.headers.getSetCookie().some((c) => c.startsWith("jr_lang="))).toBe(true);
    // Back to Dutch: the other tests type Dutch numbers as this editor.
    expect((await editor.post("/language", { language: "nl", redirectTo: "/" })).status).toBe(302);
  });

  it("login (no session is forced on the visitor)", async () => {
    const visitor = new HttpClient(server.baseUrl);
    const fields = { email: users.analyst.email, password: TEST_PASSWORD, redirectTo: "/" };
    await expectRefused(() => visitor.request("/login", { method: "POST", body: new URLSearchParams(fields), headers: from(EVIL) }));
    expect((await visitor.post("/login", fields)).status).toBe(302);
  });
});

describe("without an Origin header", () => {
  it("the Referer's origin decides", async () => {
    const editor = await as("editor");
    const url = `/budgets/GM0014/samen?_data=${encodeURIComponent(BUDGET_ROUTE)}`;
    const post = (headers: Record<string, string>) =>
      editor.request(url, { method: "POST", body: new URLSearchParams(parameters("60")), headers: { origin: "", ...headers } });
    await expectRefused(() => post({ referer: `${EVIL}/budgets/GM0014/samen` }), true);
    await expectRefused(() => post({ referer: "not a url" }), true);
    const own = await post({ referer: `${server.baseUrl}/budgets/GM0014/samen?year=2026` });
    expect(await own.json()).toEqual({ ok: true, intent: "parameters", changed: 1 });
  });

  it("neither Origin nor Referer: refused with a session cookie, allowed without one", async () => {
    const editor = await as("editor");
    await expectRefused(() => editor.request("/logout", { method: "POST", body: new URLSearchParams(), headers: { origin: "" } }));
    // A script without a session (it is logging in) has no ambient authority to abuse.
    const script = new HttpClient(server.baseUrl);
    const login = await script.request("/login", {
      method: "POST",
      body: new URLSearchParams({ email: users.analyst.email, password: TEST_PASSWORD, redirectTo: "/" }),
      headers: { origin: "" },
    });
    expect(login.status).toBe(302);
    // From then on it sends its Origin like a browser.
    expect((await upload(script, { origin: "" })).status).toBe(403);
    expect((await upload(script, {})).status).toBe(202);
  });

  it("reads are never refused", async () => {
    const editor = await as("editor");
    expect((await editor.request("/budgets/GM0014/samen?year=2026", { headers: from(EVIL) })).status).toBe(200);
  });
});

describe("the app's origin", () => {
  it("follows X-Forwarded-Proto from a trusted proxy", async () => {
    const editor = await as("editor");
    const https = server.baseUrl.replace("http:", "https:");
    const post = (origin: string) =>
      editor.request("/language", {
        method: "POST",
        body: new URLSearchParams({ language: "nl", redirectTo: "/" }),
        headers: { origin, "x-forwarded-proto": "https" },
      });
    expect((await post(https)).status).toBe(302);
    expect((await post(server.baseUrl)).status).toBe(403);
  });

  it("is APP_ORIGIN when configured, whatever the Host header says", async () => {
    const configured = await startTestServer(database.db, { APP_ORIGIN: "https://insight.jeugdregio.example" });
    try {
      const client = new HttpClient(configured.baseUrl);
      const post = (origin: string) =>
        client.request("/language", { method: "POST", body: new URLSearchParams({ language: "nl", redirectTo: "/" }), headers: { origin } });
      expect((await post("https://insight.jeugdregio.example")).status).toBe(302);
      expect((await post(configured.baseUrl)).status).toBe(403);
    } finally {
      await configured.close();
    }
  });
});

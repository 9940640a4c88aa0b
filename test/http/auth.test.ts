import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, TEST_PASSWORD, type TestServer } from "../support/server";

let database: TestDatabase;
let server: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db, { LOGIN_MAX_FAILURES_PER_ACCOUNT: "3", LOGIN_MAX_FAILURES_PER_IP: "8" });
  await addUser(database.db, { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" });
  await addUser(database.db, { email: "limited@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" });
  await addUser(database.db, { email: "analyst@rigg.test", role: "rigg_analyst" });
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

const client = (ip = "203.0.113.1") => new HttpClient(server.baseUrl, { "x-forwarded-for": ip });

async function auditRows(action: string) {
  return withTenantScope(database.db, ALL_TENANTS, (trx) =>
    trx.selectFrom("audit_event").selectAll().where("action", "=", action).orderBy("id").execute(),
  );
}

describe("login", () => {
  it("sends a visitor without a session to the login page", async () => {
    const response = await client().get("/");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/login\?redirectTo=%2F/);
  });

  it("logs in with e-mail and password and sets a hardened session cookie", async () => {
    const browser = client();
    const response = await browser.logIn("Viewer@Groningen.test");
    expect(response.status).toBe(302);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("jr_session="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Max-Age=\d+/i);
    expect(cookie).not.toMatch(/Secure/i); // not in test; see the production test below
    const home = await browser.get("/");
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Groningen");
  });

  it("stores only a hash of the session token", async () => {
    const browser = client();
    await browser.logIn("viewer@groningen.test");
    const token = decodeURIComponent(browser.cookieHeader().match(/jr_session=([^;]+)/)![1]!);
    const rows = await sql<{ token_hash: string }>`select token_hash from session`.execute(database.db);
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const row of rows.rows) expect(token).not.toContain(row.token_hash);
  });

  it("gives the same answer for a wrong password and an unknown e-mail", async () => {
    const wrong = await client("203.0.113.50").logIn("viewer@groningen.test", "not-the-password");
    const unknown = await client("203.0.113.51").logIn("nobody@groningen.test", "not-the-password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await wrong.text(), await unknown.text()];
    expect(a).toContain("E-mailadres of wachtwoord klopt niet");
    // Identical pages apart from the per-request id and the per-request CSP nonce.
    const comparable = (html: string) => html.replace(/"requestId":"[^"]+"/, "").replaceAll(/ nonce="[^"]+"/g, "");
    expect(comparable(a)).toBe(comparable(b));
  });

  it("audits successes and failures, never the password", async () => {
    await client("203.0.113.60").logIn("analyst@rigg.test", "Secret-typo-123");
    const events = await auditRows("login");
    expect(events.some((e) => e.outcome === "success" && e.subject === "viewer@groningen.test")).toBe(true);
    const failure = events.find((e) => e.outcome === "failure" && e.subject === "analyst@rigg.test");
    expect(failure).toMatchObject({ ip: "203.0.113.60" });
    const everything = JSON.stringify(events);
    expect(everything).not.toContain("Secret-typo-123");
    expect(everything).not.toContain(TEST_PASSWORD);
  });

  it("locks an account after repeated failures, even with the right password", async () => {
    for (let i = 0; i < 3; i++) {
      expect((await client(`198.51.100.${i}`).logIn("limited@groningen.test", "wrong-password")).status).toBe(401);
    }
    const locked = await client("198.51.100.99").logIn("limited@groningen.test");
    expect(locked.status).toBe(429);
    expect(await locked.text()).toContain("Te veel mislukte pogingen");
    expect(locked.headers.getSetCookie().some((c) => c.startsWith("jr_session="))).toBe(false);
  });

  it("limits failures per address across accounts", async () => {
    const attacker = "192.0.2.77";
    for (let i = 0; i < 8; i++) await client(attacker).logIn(`guess${i}@groningen.test`, "wrong-password");
    expect((await client(attacker).logIn("analyst@rigg.test")).status).toBe(429);
    expect((await client("192.0.2.78").logIn("analyst@rigg.test")).status).toBe(302);
  });
});

describe("logout and session expiry", () => {
  it("revokes the session on the server", async () => {
    const browser = client();
    await browser.logIn("analyst@rigg.test");
    const stolen = browser.cookieHeader();
    const out = await browser.post("/logout", {});
    expect(out.status).toBe(302);
    expect(out.headers.get("location")).toBe("/login");
    // Replaying the old cookie no longer works.
    const replay = await fetch(`${server.baseUrl}/`, { headers: { cookie: stolen }, redirect: "manual" });
    expect(replay.status).toBe(302);
    expect(replay.headers.get("location")).toMatch(/^\/login/);
    expect((await auditRows("logout")).some((e) => e.subject === "analyst@rigg.test")).toBe(true);
  });

  it("refuses an expired session", async () => {
    const browser = client();
    await browser.logIn("viewer@groningen.test");
    await sql`update session set expires_at = now() - interval '1 minute'`.execute(database.db);
    const response = await browser.get("/");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/login/);
  });

  it("refuses a forged cookie", async () => {
    const browser = client();
    browser.setCookie("jr_session", "forged-token-value");
    expect((await browser.get("/")).status).toBe(302);
  });
});

describe("production cookies", () => {
  it("marks the session cookie Secure in production", async () => {
    const production = await startTestServer(database.db, { NODE_ENV: "production" });
    try {
      const response = await new HttpClient(production.baseUrl).logIn("analyst@rigg.test");
      expect(response.headers.getSetCookie().find((c) => c.startsWith("jr_session="))).toMatch(/Secure/);
    } finally {
      await production.close();
    }
  });
});

describe("health", () => {
  it("answers 200 while the database is reachable", async () => {
    const response = await fetch(`${server.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});

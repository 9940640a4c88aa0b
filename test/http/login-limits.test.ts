import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, TEST_PASSWORD, type TestServer } from "../support/server";

/**
 * The login limits under parallel attempts (issue 13.6), with the defaults: 5 failures per
 * account, 20 per address, in 15 minutes. Every attempt is a real HTTP request; on PostgreSQL
 * they really run at once.
 */
let database: TestDatabase;
let server: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const email of ["target@groningen.test", "victim@groningen.test", "locked@groningen.test", "other@groningen.test"]) {
    await addUser(database.db, { email, role: "municipal_viewer", municipalityCode: "GM0014" });
  }
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

const attempt = (ip: string, email: string, password: string, language = "nl") =>
  new HttpClient(server.baseUrl, { "x-forwarded-for": ip, "accept-language": language }).post("/login", { email, password, redirectTo: "/" });

/** Failures counted against the limits: attempts whose password was checked. */
async function checkedFailures(column: "subject" | "ip", value: string) {
  const rows = await withTenantScope(database.db, ALL_TENANTS, (trx) =>
    trx.selectFrom("audit_event").select(["details"]).where("action", "=", "login").where("outcome", "=", "failure").where(column, "=", value).execute(),
  );
  return rows.filter((row) => (row.details as { reason?: string }).reason === "invalid").length;
}

const statuses = (responses: Response[]) => {
  const counts: Record<number, number> = {};
  for (const response of responses) counts[response.status] = (counts[response.status] ?? 0) + 1;
  return counts;
};

describe("login limits in parallel", () => {
  it("30 parallel wrong passwords for one e-mail: exactly 5 are checked", async () => {
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(`198.51.100.${i + 1}`, "target@groningen.test", `wrong-${i}`)));
    expect(statuses(responses)).toEqual({ 401: 5, 429: 25 });
    expect(await checkedFailures("subject", "target@groningen.test")).toBe(5);
  });

  it("30 parallel wrong passwords from one address: exactly 20 are checked", async () => {
    const ip = "192.0.2.10";
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(ip, `guess${i}@groningen.test`, "wrong-password")));
    expect(statuses(responses)).toEqual({ 401: 20, 429: 10 });
    expect(await checkedFailures("ip", ip)).toBe(20);
  });
});

describe("a blocked address", () => {
  it("is refused before any check and does not lock the account it tries", async () => {
    const ip = "192.0.2.20";
    for (let i = 0; i < 20; i++) expect((await attempt(ip, `probe${i}@groningen.test`, "wrong-password")).status).toBe(401);
    // Even the right password is not checked from there...
    const refused = await Promise.all(Array.from({ length: 8 }, () => attempt(ip, "victim@groningen.test", "wrong-password")));
    expect(statuses(refused)).toEqual({ 429: 8 });
    const blocked = await attempt(ip, "victim@groningen.test", TEST_PASSWORD);
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toContain("vanaf uw netwerkadres");
    // ...and none of it counts against the victim, who logs in from elsewhere.
    expect(await checkedFailures("subject", "victim@groningen.test")).toBe(0);
    expect((await attempt("192.0.2.21", "victim@groningen.test", TEST_PASSWORD)).status).toBe(302);
  });
});

describe("a locked account", () => {
  it("says that it is locked, in both languages, and that the password was not checked", async () => {
    for (let i = 0; i < 5; i++) expect((await attempt(`203.0.113.${i + 1}`, "locked@groningen.test", "wrong-password")).status).toBe(401);
    const dutch = await attempt("203.0.113.50", "locked@groningen.test", TEST_PASSWORD);
    expect(dutch.status).toBe(429);
    expect(dutch.headers.getSetCookie().some((c) => c.startsWith("jr_session="))).toBe(false);
    const nl = (await dutch.text()).replaceAll("<!-- -->", "");
    expect(nl).toContain("tijdelijk vergrendeld");
    expect(nl).toContain("wachtwoord is niet gecontroleerd");
    const english = await attempt("203.0.113.51", "locked@groningen.test", TEST_PASSWORD, "en");
    expect(english.status).toBe(429);
    const en = (await english.text()).replaceAll("<!-- -->", "");
    expect(en).toContain("temporarily locked");
    expect(en).toContain("password was not checked");
    // The refusals are in the audit log, but they do not extend the lock.
    expect(await checkedFailures("subject", "locked@groningen.test")).toBe(5);
    // Another account from the same addresses is not affected.
    expect((await attempt("203.0.113.50", "other@groningen.test", TEST_PASSWORD)).status).toBe(302);
  });
});

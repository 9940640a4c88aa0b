import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { ConfigError, loadConfig } from "~/server/config.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * Security headers (issue 13.13): a Content-Security-Policy whose nonce is on every script of
 * the page, Permissions-Policy, HSTS in production, no-store on everything with figures, Secure
 * cookies on HTTPS requests, and a configurable `trust proxy`.
 */
let database: TestDatabase;
let server: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  await addUser(database.db, { email: "analyst@rigg.test", role: "rigg_analyst" });
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function analyst(on: TestServer = server, headers: Record<string, string> = {}) {
  const client = new HttpClient(on.baseUrl, headers);
  expect((await client.logIn("analyst@rigg.test")).status).toBe(302);
  return client;
}

function directives(header: string | null): Map<string, string[]> {
  expect(header).toBeTruthy();
  return new Map(
    header!
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe("Content-Security-Policy", () => {
  it("allows only this origin's scripts and the page's nonce, which every script tag carries", async () => {
    const response = await (await analyst()).get("/");
    expect(response.status).toBe(200);
    const csp = directives(response.headers.get("content-security-policy"));
    const nonce = csp.get("script-src")!.find((value) => value.startsWith("'nonce-"))!.slice(7, -1);
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22,}={0,2}$/);
    expect(csp.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(csp.get("default-src")).toEqual(["'self'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'self'"]);
    expect(csp.get("form-action")).toEqual(["'self'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    const html = await response.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    expect(scripts.length).toBeGreaterThan(2); // the context, the route modules, scroll restoration
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    // A new nonce for every page.
    const again = directives((await (await analyst()).get("/")).headers.get("content-security-policy"));
    expect(again.get("script-src")).not.toContain(`'nonce-${nonce}'`);
  });

  it("is on the login page and on error pages too", async () => {
    for (const path of ["/login", "/no-such-page"]) {
      const response = await new HttpClient(server.baseUrl).get(path);
      const csp = directives(response.headers.get("content-security-policy"));
      const nonce = csp.get("script-src")!.find((value) => value.startsWith("'nonce-"))!.slice(7, -1);
      for (const [tag] of (await response.text()).matchAll(/<script\b[^>]*>/g)) expect(tag).toContain(`nonce="${nonce}"`);
    }
  });
});

describe("Cache-Control", () => {
  it("is no-store on pages, data requests, JSON and downloads, but not on the build's assets", async () => {
    const client = await analyst();
    for (const path of [
      "/",
      "/login",
      "/municipalities/GM0014",
      "/municipalities/GM0014?_data=routes%2Fmunicipalities.%24code",
      "/api/segments?year=2024&scope=region",
      "/catalog/download.csv",
      "/no-such-page",
    ]) {
      const response = await client.get(path);
      // A route may say more ("private, no-store"), never less, and only once.
      expect([path, response.status < 500, response.headers.get("cache-control")]).toEqual([path, true, expect.stringMatching(/^(private, )?no-store$/)]);
    }
    const page = await (await client.get("/")).text();
    const asset = page.match(/\/build\/[^"]+\.js/)![0];
    const built = await client.get(asset);
    expect(built.status).toBe(200);
    expect(built.headers.get("cache-control")).toMatch(/immutable/);
  });
});

describe("Permissions-Policy and HSTS", () => {
  it("Permissions-Policy turns off what the app never uses; no HSTS outside production", async () => {
    const response = await new HttpClient(server.baseUrl).get("/login");
    expect(response.headers.get("permissions-policy")).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
    expect(response.headers.get("strict-transport-security")).toBeNull();
  });

  it("HSTS in production", async () => {
    const production = await startTestServer(database.db, { NODE_ENV: "production" });
    try {
      const response = await new HttpClient(production.baseUrl).get("/login");
      expect(response.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
      expect(response.headers.get("permissions-policy")).toBeTruthy();
    } finally {
      await production.close();
    }
  });
});

describe("Secure cookies and trust proxy", () => {
  const secure = (response: Response, name: string) => {
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
    expect(cookie).toBeDefined();
    return /;\s*Secure/i.test(cookie!);
  };

  it("marks the cookies Secure when a trusted proxy says the request came over HTTPS", async () => {
    const https = { "x-forwarded-proto": "https", origin: server.baseUrl.replace("http:", "https:") };
    const client = new HttpClient(server.baseUrl, https);
    const login = await client.logIn("analyst@rigg.test");
    expect(login.status).toBe(302);
    expect(secure(login, "jr_session")).toBe(true);
    const language = await client.post("/language", { language: "en", redirectTo: "/" });
    expect(secure(language, "jr_lang")).toBe(true);
    const logout = await client.post("/logout", {});
    expect(secure(logout, "jr_session")).toBe(true);
    // Plain HTTP in development: not Secure (the browser would drop it).
    const plain = await new HttpClient(server.baseUrl).logIn("analyst@rigg.test");
    expect(secure(plain, "jr_session")).toBe(false);
  });

  it("believes no forwarded header with TRUST_PROXY=false", async () => {
    const untrusting = await startTestServer(database.db, { TRUST_PROXY: "false" });
    try {
      const client = new HttpClient(untrusting.baseUrl, { "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9" });
      const login = await client.logIn("analyst@rigg.test");
      expect(login.status).toBe(302);
      expect(secure(login, "jr_session")).toBe(false);
      const last = await withTenantScope(database.db, ALL_TENANTS, (trx) =>
        trx.selectFrom("audit_event").select("ip").where("action", "=", "login").orderBy("id", "desc").limit(1).executeTakeFirstOrThrow(),
      );
      expect(last.ip).toBe("127.0.0.1");
    } finally {
      await untrusting.close();
    }
  });

  it("takes the client address from a trusted proxy's X-Forwarded-For", async () => {
    const trusting = await startTestServer(database.db, { TRUST_PROXY: "127.0.0.1/32, ::1" });
    try {
      await new HttpClient(trusting.baseUrl, { "x-forwarded-for": "203.0.113.10" }).logIn("analyst@rigg.test");
      const last = await withTenantScope(database.db, ALL_TENANTS, (trx) =>
        trx.selectFrom("audit_event").select("ip").where("action", "=", "login").orderBy("id", "desc").limit(1).executeTakeFirstOrThrow(),
      );
      expect(last.ip).toBe("203.0.113.10");
    } finally {
      await trusting.close();
    }
  });

  it("refuses a TRUST_PROXY or APP_ORIGIN it cannot read, naming the setting", () => {
    const base: NodeJS.ProcessEnv = { NODE_ENV: "test", SESSION_SECRET: "x".repeat(32), PSEUDONYM_KEY: "y".repeat(32), DATA_DIR: "/tmp/jr-headers-config" };
    for (const value of ["true", "banana", "10.0.0.0/33", "loopback,"]) {
      expect(() => loadConfig({ ...base, TRUST_PROXY: value })).toThrow(ConfigError);
      expect(() => loadConfig({ ...base, TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
    }
    expect(loadConfig({ ...base, TRUST_PROXY: "2" }).trustProxy).toBe(2);
    expect(loadConfig({ ...base, TRUST_PROXY: "loopback, 10.0.0.0/8, fd00::/8" }).trustProxy).toEqual(["loopback", "10.0.0.0/8", "fd00::/8"]);
    expect(loadConfig(base).trustProxy).toEqual(["loopback"]);
    expect(() => loadConfig({ ...base, APP_ORIGIN: "https://insight.example.nl/app" })).toThrow(/APP_ORIGIN/);
    expect(loadConfig({ ...base, APP_ORIGIN: "https://Insight.Example.nl/" }).appOrigin).toBe("https://insight.example.nl");
  });
});

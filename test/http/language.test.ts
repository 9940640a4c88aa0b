import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "~db/connect";
import { migrateToLatest } from "~db/migrate";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

let database: TestDatabase;
let server: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  await addUser(database.db, { email: "analyst@rigg.test", role: "rigg_analyst", displayName: "Analist" });
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

const htmlLang = (html: string) => html.match(/<html lang="(\w+)"/)?.[1];

describe("language", () => {
  it("serves Dutch by default", async () => {
    const html = await (await new HttpClient(server.baseUrl).get("/login")).text();
    expect(htmlLang(html)).toBe("nl");
    expect(html).toContain("Inloggen");
  });

  it("follows Accept-Language for a new visitor", async () => {
    const client = new HttpClient(server.baseUrl, { "accept-language": "en-GB,en;q=0.9,nl;q=0.5" });
    const html = await (await client.get("/login")).text();
    expect(htmlLang(html)).toBe("en");
    expect(html).toContain("Log in");
  });

  it("switches at once and remembers the choice in a cookie", async () => {
    const client = new HttpClient(server.baseUrl);
    const switched = await client.post("/language", { language: "en", redirectTo: "/login" });
    expect(switched.status).toBe(302);
    expect(switched.headers.get("location")).toBe("/login");
    expect(htmlLang(await (await client.get("/login")).text())).toBe("en");
  });

  it("keeps a logged-in user's choice in the profile, for the next browser", async () => {
    const first = new HttpClient(server.baseUrl);
    await first.logIn("analyst@rigg.test");
    await first.post("/language", { language: "en", redirectTo: "/" });
    const home = await (await first.get("/")).text();
    expect(htmlLang(home)).toBe("en");
    expect(home).toContain("Welcome, Analist");

    const second = new HttpClient(server.baseUrl, { "accept-language": "nl" });
    await second.logIn("analyst@rigg.test");
    expect(htmlLang(await (await second.get("/")).text())).toBe("en");
  });

  it("ignores unknown languages and foreign redirect targets", async () => {
    const client = new HttpClient(server.baseUrl);
    const response = await client.post("/language", { language: "de", redirectTo: "https://evil.example/" });
    expect(response.headers.get("location")).toBe("/");
    expect(htmlLang(await (await client.get("/login")).text())).toBe("nl");
  });

  it("formats numbers for the language", async () => {
    const client = new HttpClient(server.baseUrl);
    await client.logIn("analyst@rigg.test");
    await client.post("/language", { language: "nl", redirectTo: "/" });
    const dutch = await (await client.get("/municipalities/GM0014")).text();
    expect(dutch).toMatch(/>3\d\.\d{3}</); // 36.600
    await client.post("/language", { language: "en", redirectTo: "/" });
    const english = await (await client.get("/municipalities/GM0014")).text();
    expect(english).toMatch(/>3\d,\d{3}</);
  });
});

describe("health without a database", () => {
  it("answers 503 when the database is unreachable", async () => {
    const doomed = await openDatabase({ kind: "embedded", dataDir: "memory://" });
    await migrateToLatest(doomed.db);
    const broken = await startTestServer(doomed.db);
    try {
      expect((await fetch(`${broken.baseUrl}/healthz`)).status).toBe(200);
      await doomed.close();
      const response = await fetch(`${broken.baseUrl}/healthz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "unavailable" });
    } finally {
      await broken.close();
    }
  });
});

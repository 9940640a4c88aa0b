import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { forecastReport } from "~/modules/forecast/forecast.server";
import { demoDeclarationChunks } from "~seeds/demo-data";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * `GET /api/forecast` over the real HTTP stack: the report's JSON for who may see it, and the
 * walls: another municipality 404, a role without the segment figures 403, logged out 401,
 * a bad year or as-of date 400 with the reason.
 */
let database: TestDatabase;
let server: TestServer;
const users = {
  groningen: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  admin: { email: "admin@rigg.test", role: "admin" },
} as const;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
  const bytes = new TextEncoder().encode([...demoDeclarationChunks({ trajectoriesPerThousand: 2, firstYear: 2024, lastMonth: "2025-06", seed: 5 })].join(""));
  const imported = await importDeclarations(
    database.db,
    { userId: null, label: "test" },
    { name: "demo.csv", size: bytes.length, open: async function* () { yield bytes; } },
    { mode: "append", pseudonymKey: "test-pseudonym-key-test-pseudonym-key-0123" },
  );
  expect(imported.ok).toBe(true);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function as(user: keyof typeof users) {
  const client = new HttpClient(server.baseUrl);
  expect((await client.logIn(users[user].email)).status).toBe(302);
  return client;
}

describe("GET /api/forecast", () => {
  it("answers the report's JSON: the region for an analyst, their own municipality for a municipal user", async () => {
    const analyst = await as("analyst");
    const region = await analyst.get("/api/forecast?year=2025");
    expect(region.status).toBe(200);
    expect(region.headers.get("content-type")).toMatch(/application\/json/);
    const body = (await region.json()) as { scope: string; year: number; as_of: string };
    const expected = await withTenantScope(database.db, ALL_TENANTS, (trx) => forecastReport(trx, { year: 2025, scope: { kind: "region" }, asOf: body.as_of }));
    expect(body).toEqual(expected);
    expect(body).toMatchObject({ scope: "region", year: 2025 });

    const own = await (await as("groningen")).get("/api/forecast?year=2025");
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ scope: "GM0014", year: 2025 });
    const asked = await analyst.get("/api/forecast?year=2025&municipality=GM1966");
    expect(await asked.json()).toMatchObject({ scope: "GM1966" });
  });

  it("answers the same text, key for key in the same order, when the answer comes from the stored result", async () => {
    // The CLI's table and CSV take their columns from the JSON's keys: a stored result must keep them in order.
    const analyst = await as("analyst");
    for (const path of ["/api/forecast?year=2025&municipality=GM0014", "/api/segments?year=2025&scope=GM0014"]) {
      const first = await (await analyst.get(path)).text();
      const second = await (await analyst.get(path)).text();
      expect(second, path).toBe(first);
      expect(Object.keys(JSON.parse(second)), path).toEqual(Object.keys(JSON.parse(first)));
    }
  });

  it("refuses another municipality (404), a role that may not (403) and the logged out (401)", async () => {
    const groningen = await as("groningen");
    for (const path of ["/api/forecast?municipality=GM1966", "/api/forecast?scope=GM1966", "/api/forecast?municipality=region"]) {
      const response = await groningen.get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toMatch(/GM1966"|realised/);
    }
    const admin = await (await as("admin")).get("/api/forecast?year=2025");
    expect(admin.status).toBe(403);
    const anonymous = await new HttpClient(server.baseUrl).get("/api/forecast?year=2025");
    expect(anonymous.status).toBe(401);
  });

  it("refuses a malformed or future as-of date, one before any data, and a bad year (400, with the reason)", async () => {
    const analyst = await as("analyst");
    const cases = [
      ["/api/forecast?asOf=2025-13-01", "invalid_as_of", /expected YYYY-MM-DD, got 2025-13-01/],
      ["/api/forecast?asOf=yesterday", "invalid_as_of", /expected YYYY-MM-DD, got yesterday/],
      ["/api/forecast?asOf=2999-01-01", "invalid_as_of", /2999-01-01 is after today/],
      ["/api/forecast?asOf=2001-01-01", "as_of_before_data", /2001-01-01 is before any data/],
      ["/api/forecast?year=20x5", "invalid_year", /20x5/],
    ] as const;
    for (const [path, error, message] of cases) {
      const response = await analyst.get(path);
      expect(response.status, path).toBe(400);
      const body = (await response.json()) as { error: string; message: string };
      expect(body.error, path).toBe(error);
      expect(body.message, path).toMatch(message);
    }
  });
});

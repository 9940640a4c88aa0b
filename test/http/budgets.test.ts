import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importIndexFigures, saveBudgetDefinition } from "~/modules/budgets/budgets.server";
import { DEMO_OVA, DEMO_SAMEN } from "~seeds/demo-budgets";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/** Local budget pages: who may see Groningen's SAMEN. budget, by URL and data request. */
let database: TestDatabase;
let server: TestServer;
const users = {
  groningen: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  hogeland: { email: "editor@hogeland.test", role: "municipal_editor", municipalityCode: "GM1966" },
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  steering: { email: "member@soo.test", role: "steering_member" },
  admin: { email: "admin@rigg.test", role: "admin" },
} as const;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
  const actor = { userId: null, label: "test" };
  await withTenantScope(database.db, ALL_TENANTS, async (trx) => {
    await importIndexFigures(trx, actor, { name: "ova.csv", bytes: new TextEncoder().encode(DEMO_OVA) });
    await saveBudgetDefinition(trx, actor, DEMO_SAMEN);
  });
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function get(user: keyof typeof users, path: string) {
  const client = new HttpClient(server.baseUrl);
  expect((await client.logIn(users[user].email)).status).toBe(302);
  const response = await client.request(path);
  return { status: response.status, body: response.status === 200 ? await response.text() : "" };
}

describe("local budget pages", () => {
  it("show Groningen's budget to its own users, RIGG analysts and steering members", async () => {
    for (const user of ["groningen", "analyst", "steering"] as const) {
      const list = await get(user, "/budgets");
      expect([user, list.status]).toEqual([user, 200]);
      expect(list.body).toContain('href="/budgets/GM0014/samen"');
      const page = await get(user, "/budgets/GM0014/samen?year=2025");
      expect([user, page.status]).toEqual([user, 200]);
      // No declarations here: the October version names the missing base instead of a number.
      expect(page.body).toContain('data-testid="budget-october-missing"');
      // Transition costs: 1.2M + 1.0M + 0.5M released, 1.05M + 1.01M + 0.48M spent → 160,000 to return.
      expect(page.body).toMatch(/data-kind="transition"[\s\S]*?data-to-return[^>]*>€\s?160\.000,00</);
    }
  });

  it("hide it from another municipality and from administrators: page, data request, list", async () => {
    const list = await get("hogeland", "/budgets");
    expect(list.status).toBe(200);
    expect(list.body).not.toContain('href="/budgets/GM0014/samen"');
    expect((await get("hogeland", "/budgets/GM0014/samen")).status).toBe(404);
    expect((await get("hogeland", "/budgets/GM0014/samen?_data=routes%2Fbudgets.%24code.%24key")).status).toBe(404);
    expect((await get("admin", "/budgets")).status).toBe(403);
    expect((await get("admin", "/budgets/GM0014/samen")).status).toBe(403);
    expect((await get("groningen", "/budgets/GM0014/onbekend")).status).toBe(404);
  });
});

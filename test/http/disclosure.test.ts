import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importIndexFigures, saveBudgetDefinition } from "~/modules/budgets/budgets.server";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { DEMO_OVA, DEMO_SAMEN } from "~seeds/demo-budgets";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * Issue 13, point 5: one disclosure rule for every view that shows client counts or provider
 * lists. Steering members see no client count from 1 to 4 (shown as "< 5") and no single
 * municipality's provider list; RIGG analysts and the municipality's own users see the numbers.
 */

// Groningen (GM0014), basishulp product 45A51 (a SAMEN. product since 2023): 8 clients at
// "Groot Zorg", 3 at "Klein Zorg", 1 at "Mini Zorg" (also after the Open House closed).
// Pekela (GM0765): 6 basishulp clients and 2 hsj clients (43S4A) at "Pekela Zorg".
const lines: string[] = [];
for (let i = 0; i < 8; i++) lines.push(`2023-0${1 + (i % 3)};GM0014;11111111;Groot Zorg;45A51;KG${i};${1000 + i},00`);
for (let i = 8; i < 11; i++) lines.push(`2023-02;GM0014;22222222;Klein Zorg;45A51;KG${i};${500 + i},00`);
lines.push("2023-03;GM0014;33333333;Mini Zorg;45A51;KG11;400,00", "2025-08;GM0014;33333333;Mini Zorg;45A51;KG11;450,00");
for (let i = 0; i < 6; i++) lines.push(`2023-05;GM0765;44444444;Pekela Zorg;45A51;KP${i};${700 + i},00`);
lines.push("2023-06;GM0765;44444444;Pekela Zorg;43S4A;KP0;9000,00", "2023-06;GM0765;44444444;Pekela Zorg;43S4A;KP1;9100,00");
const FILE = ["period;municipality_code;provider_code;provider_name;product_code;client_key;amount", ...lines].join("\r\n");
const GRONINGEN_PROVIDERS = ["Groot Zorg", "Klein Zorg", "Mini Zorg"];

let database: TestDatabase;
let server: TestServer;
const users = {
  groningen: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  pekela: { email: "editor@pekela.test", role: "municipal_editor", municipalityCode: "GM0765" },
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  steering: { email: "member@soo.test", role: "steering_member" },
} as const;
type User = keyof typeof users;
const sessions = new Map<User, HttpClient>();

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
  const actor = { userId: null, label: "test" };
  await withTenantScope(database.db, ALL_TENANTS, async (trx) => {
    await importIndexFigures(trx, actor, { name: "ova.csv", bytes: new TextEncoder().encode(DEMO_OVA) });
    await saveBudgetDefinition(trx, actor, DEMO_SAMEN);
  });
  const bytes = Buffer.from(FILE, "utf8");
  const imported = await importDeclarations(
    database.db,
    actor,
    { name: "d.csv", size: bytes.length, open: async function* () { yield bytes; } },
    { mode: "append", pseudonymKey: "disclosure-test-key-disclosure-test-key-0123", bulk: database.bulk },
  );
  expect(imported).toMatchObject({ ok: true, lines: lines.length });
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function as(user: User): Promise<HttpClient> {
  const existing = sessions.get(user);
  if (existing) return existing;
  const client = new HttpClient(server.baseUrl);
  expect((await client.logIn(users[user].email)).status).toBe(302);
  sessions.set(user, client);
  return client;
}

async function get(user: User, path: string): Promise<{ status: number; body: string }> {
  const response = await (await as(user)).request(path);
  return { status: response.status, body: await response.text() };
}

async function data(user: User, path: string, route: string): Promise<unknown> {
  const separator = path.includes("?") ? "&" : "?";
  const { status, body } = await get(user, `${path}${separator}_data=${encodeURIComponent(route)}`);
  expect([user, path, status]).toEqual([user, path, 200]);
  return JSON.parse(body);
}

/** Every client count (a `clients` field) anywhere in a JSON value. */
function clientCounts(value: unknown): (number | null)[] {
  if (Array.isArray(value)) return value.flatMap(clientCounts);
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, v]) => (key === "clients" && (typeof v === "number" || v === null) ? [v] : clientCounts(v)));
  }
  return [];
}
const small = (counts: (number | null)[]) => counts.filter((n) => n !== null && n > 0 && n < 5);

const PRODUCT_ROUTE = "routes/segments.$column.$product";
const COLUMN_ROUTE = "routes/segments.$column._index";

describe("a single product's providers (drill-down)", () => {
  it("shows a steering member no provider list of one municipality, page and data request", async () => {
    const page = await get("steering", "/segments/basishulp/45A51?scope=GM0014&year=2023");
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-testid="provider-list-hidden"');
    expect(GRONINGEN_PROVIDERS.filter((name) => page.body.includes(name))).toEqual([]);
    const json = (await data("steering", "/segments/basishulp/45A51?scope=GM0014&year=2023", PRODUCT_ROUTE)) as { providers: unknown; total: string };
    expect(json.providers).toBeNull();
    expect(JSON.stringify(json)).not.toMatch(/Groot Zorg|Klein Zorg|Mini Zorg|11111111|22222222|33333333/);
    // The total is an aggregate: still shown.
    expect(json.total).toBe("9955.00");
  });

  it("shows a steering member the region's providers with counts of 1 to 4 as '< 5'", async () => {
    const json = await data("steering", "/segments/basishulp/45A51?scope=region&year=2023", PRODUCT_ROUTE);
    const counts = clientCounts(json);
    expect(counts.length).toBe(4);
    expect(small(counts)).toEqual([]);
    expect(counts).toContain(null);
    const page = await get("steering", "/segments/basishulp/45A51?scope=region&year=2023");
    expect(page.body).toContain("Klein Zorg");
    expect(page.body).toContain("&lt; 5");
  });

  it("shows RIGG analysts and the municipality's own users the numbers", async () => {
    for (const user of ["analyst", "groningen"] as const) {
      const json = (await data(user, "/segments/basishulp/45A51?scope=GM0014&year=2023", PRODUCT_ROUTE)) as {
        providers: { name: string; clients: number }[];
      };
      expect([user, json.providers.map((p) => [p.name, p.clients])]).toEqual([
        user,
        [
          ["Groot Zorg", 8],
          ["Klein Zorg", 3],
          ["Mini Zorg", 1],
        ],
      ]);
    }
  });
});

describe("a column's products (drill-down)", () => {
  it("shows a steering member no count from 1 to 4 for one municipality, nor one that gives it away", async () => {
    const json = await data("steering", "/segments/all?scope=GM0765&year=2023", COLUMN_ROUTE);
    const counts = clientCounts(json);
    expect(counts.length).toBe(2);
    // 2 clients hidden, and the 6 as well: otherwise the 2 follows from the column's total.
    expect(counts).toEqual([null, null]);
    const page = await get("steering", "/segments/all?scope=GM0765&year=2023");
    expect(page.body).toContain("&lt; 5");
  });

  it("shows the municipality's own users and RIGG analysts the numbers", async () => {
    for (const user of ["pekela", "analyst"] as const) {
      const json = await data(user, "/segments/all?scope=GM0765&year=2023", COLUMN_ROUTE);
      expect([user, clientCounts(json).sort()]).toEqual([user, [2, 6]]);
    }
  });
});

describe("the segment overview and /api/segments", () => {
  it("hides a steering member's small counts, and the average that would give them away", async () => {
    const response = await (await as("steering")).request("/api/segments?scope=GM0765&year=2023");
    expect(response.status).toBe(200);
    const json = (await response.json()) as { segments: Record<string, { clients: number | null; avg_per_client: string | null; spending: string }> };
    expect(small(clientCounts(json))).toEqual([]);
    expect(json.segments.hsj).toMatchObject({ clients: null, avg_per_client: null, spending: "18100.00" });
    const overview = await data("steering", "/segments?scope=GM0765&year=2023", "routes/segments._index");
    expect(small(clientCounts(overview))).toEqual([]);
    const page = await get("steering", "/segments?scope=GM0765&year=2023");
    expect(page.body).toMatch(/data-testid="cell-hsj-clients"[^>]*>&lt; 5</);
  });

  it("gives RIGG analysts and the municipality's own users the numbers", async () => {
    for (const user of ["analyst", "pekela"] as const) {
      const response = await (await as(user)).request("/api/segments?scope=GM0765&year=2023");
      const json = (await response.json()) as { segments: Record<string, { clients: number }> };
      expect([user, json.segments.hsj!.clients, json.segments.basishulp!.clients]).toEqual([user, 2, 6]);
    }
  });
});

describe("the budget page's transition monitor", () => {
  const route = "routes/budgets.$code.$key";
  it("shows a steering member no count from 1 to 4 and no provider list of the municipality", async () => {
    const json = (await data("steering", "/budgets/GM0014/samen?year=2025", route)) as {
      monitor: { months: unknown[]; perProvider: unknown; signals: unknown };
    };
    expect(json.monitor.months.length).toBeGreaterThan(0);
    expect(small(clientCounts(json.monitor))).toEqual([]);
    expect(json.monitor.perProvider).toBeNull();
    expect(json.monitor.signals).toBeNull();
    const page = await get("steering", "/budgets/GM0014/samen?year=2025");
    expect(page.status).toBe(200);
    expect(GRONINGEN_PROVIDERS.filter((name) => page.body.includes(name))).toEqual([]);
    expect(page.body).toContain('data-testid="monitor-providers-hidden"');
  });

  it("shows the municipality's own users and RIGG analysts the monitor in full", async () => {
    for (const user of ["groningen", "analyst"] as const) {
      const json = (await data(user, "/budgets/GM0014/samen?year=2025", route)) as {
        monitor: { perProvider: { provider_name: string; clients: number }[]; signals: { provider_name: string; clients: number }[] };
      };
      expect([user, json.monitor.perProvider.map((p) => [p.provider_name, p.clients])]).toEqual([
        user,
        [
          ["Groot Zorg", 8],
          ["Klein Zorg", 3],
          ["Mini Zorg", 1],
        ],
      ]);
      expect(json.monitor.signals.map((s) => s.clients)).toEqual([1]);
    }
  });
});

describe("the roadmap dashboard and its print report", () => {
  it("show a steering member the region's figures without counts from 1 to 4", async () => {
    const dashboard = await data("steering", "/roadmap", "routes/roadmap._index");
    const counts = clientCounts(dashboard);
    expect(counts.length).toBeGreaterThan(0);
    expect(small(counts)).toEqual([]);
    const print = await data("steering", "/roadmap/print", "routes/roadmap.print");
    expect(small(clientCounts(print))).toEqual([]);
  });

  it("show a RIGG analyst the region's count of 2 hsj clients", async () => {
    const dashboard = (await data("analyst", "/roadmap", "routes/roadmap._index")) as {
      cards: { segment: string; movement: { year: number; clients: number }[] }[];
    };
    expect(dashboard.cards.find((c) => c.segment === "hsj")!.movement.find((m) => m.year === 2023)!.clients).toBe(2);
  });
});

describe("the comparison and its export", () => {
  it("hide small counts of other municipalities from steering members", async () => {
    const json = await data("steering", "/compare?year=2023", "routes/compare");
    expect(small(clientCounts(json))).toEqual([]);
    const csv = await get("steering", "/compare/export?year=2023&format=csv&metric=avg_per_client");
    expect(csv.status).toBe(200);
    expect(csv.body).toContain("< 5");
  });
});

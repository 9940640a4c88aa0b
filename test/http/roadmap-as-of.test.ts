import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";
import { csvOf, laterDelivery, LINES, M, monthOf, netOf, type Line } from "../support/square-forecast-data";

/**
 * The roadmap dashboard and its print view as of a date (issue 14 §2): the movement in the
 * figures counts the lines declared by then (45A51 is basishulp), the same after a later
 * delivery; "figures through …" under the title; `asOf=` kept in links; a bad date a 400; each
 * municipal user only their own municipality's figures, administrators nothing.
 */
let database: TestDatabase;
let server: TestServer;
const users = {
  groningen: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  hogeland: { email: "editor@hogeland.test", role: "municipal_editor", municipalityCode: "GM1966" },
  steering: { email: "member@soo.test", role: "steering_member" },
  admin: { email: "admin@rigg.test", role: "admin" },
} as const;
const sessions = new Map<string, HttpClient>();
const D = `${monthOf(M - 3)}-15`;
const DY = Number(D.slice(0, 4));

async function load(lines: readonly Line[]) {
  const bytes = new TextEncoder().encode(csvOf(lines));
  const result = await importDeclarations(database.db, { userId: null, label: "test" }, { name: `d${Math.random()}.csv`, size: bytes.length, async *open() { yield bytes; } }, { mode: "append", pseudonymKey: "roadmap-as-of-test-key-0123456789abcdef", bulk: database.bulk });
  if (!result.ok) throw new Error(JSON.stringify(result.errors.shown.slice(0, 2)));
}

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
  await load(LINES);
}, 240_000);
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function get(user: keyof typeof users, path: string) {
  let client = sessions.get(user);
  if (!client) {
    client = new HttpClient(server.baseUrl);
    expect((await client.logIn(users[user].email)).status).toBe(302);
    sessions.set(user, client);
  }
  return client.request(path);
}

interface Dashboard {
  asOf: string;
  requestedAsOf: string | null;
  dataThrough: string | null;
  figuresScope: { kind: string; code?: string };
  cards: { segment: string; movement: { year: number; spending: string }[] }[];
}
async function dashboard(user: keyof typeof users, query = ""): Promise<Dashboard> {
  const response = await get(user, `/roadmap?${query}${query ? "&" : ""}_data=routes%2Froadmap._index`);
  expect(response.status, query).toBe(200);
  return (await response.json()) as Dashboard;
}
const basishulp = (view: Dashboard, year: number) => view.cards.find((c) => c.segment === "basishulp")!.movement.find((m) => m.year === year)?.spending;

describe("the roadmap as of a date", () => {
  it("counts the lines declared by then, for the viewer's own scope, and stays the same after a later delivery", async () => {
    const own = await dashboard("groningen", `asOf=${D}`);
    expect(own).toMatchObject({ asOf: D, requestedAsOf: D, dataThrough: monthOf(M - 4), figuresScope: { kind: "municipality", code: "GM0014" } });
    expect(basishulp(own, DY)).toBe(netOf(LINES, "GM0014", DY, D));
    const hogeland = await dashboard("hogeland", `asOf=${D}`);
    expect(basishulp(hogeland, DY)).toBe(netOf(LINES, "GM1966", DY, D));
    const region = await dashboard("steering", `asOf=${D}`);
    const regionTotal = ["GM0014", "GM1966", "GM0037"].reduce((sum, code) => sum + Number(netOf(LINES, code, DY, D)), 0);
    expect(Number(basishulp(region, DY))).toBeCloseTo(regionTotal, 2);
    expect(basishulp(await dashboard("groningen"), DY)).toBe(netOf(LINES, "GM0014", DY, null));

    const page = await (await get("groningen", `/roadmap?asOf=${D}`)).text();
    expect(page).toContain(`data-declared-up-to="${D}"`);
    expect(page).toContain(`href="/roadmap/print?asOf=${D}"`);
    const print = await get("groningen", `/roadmap/print?asOf=${D}`);
    expect(print.status).toBe(200);
    const printed = await print.text();
    expect(printed).toContain(`data-declared-up-to="${D}"`);
    expect(printed).toContain(`href="/roadmap?asOf=${D}"`);

    await load(laterDelivery(M - 5));
    expect(await dashboard("groningen", `asOf=${D}`)).toEqual(own);
  });

  it("refuses a bad date with a 400, and administrators with a 403", async () => {
    for (const path of ["/roadmap?asOf=2026-02-30", "/roadmap/print?asOf=morgen", `/roadmap?asOf=${DY + 3}-01-01`]) {
      expect((await get("steering", path)).status, path).toBe(400);
    }
    for (const path of [`/roadmap?asOf=${D}`, `/roadmap/print?asOf=${D}`]) expect((await get("admin", path)).status, path).toBe(403);
  });
});

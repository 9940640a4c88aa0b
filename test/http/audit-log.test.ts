import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * The audit log's filters and pages (issue 16) over the real HTTP stack: who, what, municipality
 * and period narrow the rows, counted and paged in the database; the rows and totals are checked
 * against the database itself. Only read:audit roles open it, whatever the filters say.
 */
let database: TestDatabase;
let server: TestServer;
const users = {
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  admin: { email: "admin@rigg.test", role: "admin" },
  viewer: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  editor: { email: "editor@groningen.test", role: "municipal_editor", municipalityCode: "GM0014" },
  steering: { email: "member@soo.test", role: "steering_member" },
} as const;
const sessions = new Map<string, HttpClient>();

// Three actors of this test's own, so the other events (accounts created, logins) do not count.
const A = "a@filters.test"; // 60 budget saves for Groningen, 10 March 2025
const B = "b@filters.test"; // 40 logins without a municipality, 11 March 2025
const C = "c@filters.test"; // 30 imports for Het Hogeland at 00:30 on 1 April 2025 in Amsterdam (22:30 UTC the day before)

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
  const event = (actor: string, action: string, municipality: string | null, at: string, i: number) => ({
    actor_label: actor,
    action,
    outcome: i % 7 === 0 ? ("failure" as const) : ("success" as const),
    municipality_code: municipality,
    subject: `${action}-subject-${i}`,
    occurred_at: new Date(at),
    details: "{}",
  });
  await withTenantScope(database.db, ALL_TENANTS, async (trx) => {
    await trx.insertInto("audit_event").values(Array.from({ length: 60 }, (_, i) => event(A, "budget.save", "GM0014", "2025-03-10T10:00:00Z", i))).execute();
    await trx.insertInto("audit_event").values(Array.from({ length: 40 }, (_, i) => event(B, "login", null, "2025-03-11T10:00:00Z", i))).execute();
    await trx.insertInto("audit_event").values(Array.from({ length: 30 }, (_, i) => event(C, "declarations.import", "GM1966", "2025-03-31T22:30:00Z", i))).execute();
  });
}, 120_000);
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

interface AuditData {
  events: { id: string; actor_label: string; action: string; municipality_code: string | null; subject: string | null }[];
  total: number;
  state: { page: number; size: number; sort: string | null; desc: boolean };
}
async function data(user: keyof typeof users, query: string): Promise<AuditData> {
  const response = await (await as(user)).get(`/audit?${query}&_data=routes%2Faudit`);
  expect([query, response.status]).toEqual([query, 200]);
  return (await response.json()) as AuditData;
}
/** The ids the database holds for an actor, newest first: the truth the pages are checked against. */
async function idsOf(actor: string): Promise<string[]> {
  const rows = await withTenantScope(database.db, ALL_TENANTS, (trx) => trx.selectFrom("audit_event").select("id").where("actor_label", "=", actor).orderBy("id", "desc").execute());
  return rows.map((r) => String(r.id));
}

describe("who may open the audit log", () => {
  it("refuses municipal users and steering members, whatever the filters ask", async () => {
    for (const user of ["viewer", "editor", "steering"] as const) {
      for (const query of ["", "municipality=GM0014", `who=${users[user].email}`, "municipality=none&audit_size=200", "audit_page=2&from=2025-01-01"]) {
        for (const path of [`/audit?${query}`, `/audit?${query}&_data=routes%2Faudit`]) {
          const response = await (await as(user)).get(path);
          expect([user, path, response.status]).toEqual([user, path, 403]);
          expect(await response.text()).not.toContain(A);
        }
      }
    }
  });

  it("sends a visitor to the login page", async () => {
    const response = await new HttpClient(server.baseUrl).get("/audit?municipality=GM0014");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
  });

  it("opens for RIGG analysts and administrators, without addresses or details", async () => {
    for (const user of ["analyst", "admin"] as const) {
      const page = await data(user, `who=${A}`);
      expect(page.total).toBe(60);
      for (const event of page.events) expect(Object.keys(event).sort()).toEqual(["action", "actor_label", "id", "municipality_code", "occurred_at", "outcome", "subject"]);
    }
  });
});

describe("the filters", () => {
  it("narrow by who, what and municipality, counted in the database", async () => {
    expect((await data("analyst", `who=${A}&municipality=GM0014`)).total).toBe(60);
    expect((await data("analyst", `who=${A}&municipality=GM1966`)).total).toBe(0);
    expect((await data("analyst", `who=${B}&municipality=none&action=login`)).total).toBe(40);
    expect((await data("analyst", `who=${B}&action=budget.save`)).total).toBe(0);
    const imports = await data("analyst", "action=declarations.import&municipality=GM1966");
    expect(imports.events.map((e) => e.id)).toEqual(await idsOf(C));
    expect(imports.events.every((e) => e.actor_label === C)).toBe(true);
  });

  it("read the period as days in Amsterdam, the end day included", async () => {
    expect((await data("analyst", `who=${C}&from=2025-04-01&to=2025-04-01`)).total).toBe(30);
    expect((await data("analyst", `who=${C}&to=2025-03-31`)).total).toBe(0);
    expect((await data("analyst", `who=${A}&from=2025-03-10&to=2025-03-10`)).total).toBe(60);
    expect((await data("analyst", `who=${A}&from=2025-03-11`)).total).toBe(0);
  });

  it("refuse a date that is none, at the field, with no rows rather than the whole log", async () => {
    const client = await as("analyst");
    const response = await client.get("/audit?from=2025-02-30&to=2025-01-01");
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toMatch(/<input[^>]*aria-invalid="true"[^>]*aria-describedby="audit-from-error"|<input[^>]*aria-describedby="audit-from-error"[^>]*aria-invalid="true"/);
    expect(html).toContain('id="audit-from-error"');
    expect(html).not.toContain("<tr data-event=");
    const reversed = await client.get("/audit?from=2025-03-11&to=2025-03-10&_data=routes%2Faudit");
    expect(reversed.status).toBe(400);
    expect(((await reversed.json()) as AuditData).events).toEqual([]);
  });
});

describe("the pages", () => {
  it("split the filtered rows into pages, newest first, every row once", async () => {
    const truth = await idsOf(A);
    const first = await data("analyst", `who=${A}&audit_size=50`);
    const second = await data("analyst", `who=${A}&audit_size=50&audit_page=2`);
    expect([first.total, first.events.length, second.events.length]).toEqual([60, 50, 10]);
    expect([...first.events, ...second.events].map((e) => e.id)).toEqual(truth);
    // Past the last page: the last page.
    const beyond = await data("analyst", `who=${A}&audit_size=50&audit_page=99`);
    expect([beyond.state.page, beyond.events.map((e) => e.id)]).toEqual([1, truth.slice(50)]);
  });

  it("sort by a column on request, the oldest first by time", async () => {
    const truth = await idsOf(A);
    const oldest = await data("analyst", `who=${A}&audit_sort=when&audit_size=50`);
    expect(oldest.events.map((e) => e.id)).toEqual([...truth].reverse().slice(0, 50));
    const bySubject = await data("analyst", `who=${A}&audit_sort=-subject&audit_size=200`);
    const subjects = bySubject.events.map((e) => e.subject!);
    expect(subjects).toEqual([...subjects].sort().reverse());
  });

  it("search the subject, actor and action", async () => {
    const found = await data("analyst", `who=${A}&audit_q=subject-5`);
    expect(found.events.map((e) => e.subject).sort()).toEqual(["budget.save-subject-5", ...Array.from({ length: 10 }, (_, i) => `budget.save-subject-5${i}`)].sort());
    // LIKE's wildcards are text here.
    expect((await data("analyst", `who=${A}&audit_q=%25`)).total).toBe(0);
  });

  it("cannot be asked for more rows than a page size offered, nor for another SQL sort", async () => {
    const huge = await data("analyst", "audit_size=1000000");
    expect(huge.state.size).toBe(100);
    expect(huge.events.length).toBeLessThanOrEqual(100);
    const odd = await data("analyst", `who=${A}&audit_sort=id%3Bdrop%20table%20audit_event&audit_size=50`);
    expect(odd.events.map((e) => e.id)).toEqual((await idsOf(A)).slice(0, 50));
  });

  it("work without JavaScript: the page's controls carry the filters to the next page, in the page's words", async () => {
    const response = await (await as("analyst")).get(`/audit?who=${encodeURIComponent(A)}&audit_size=50`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`<input type="hidden" name="who" value="${A}"/>`);
    expect(html).toMatch(/<button[^>]*name="audit_page"[^>]*value="2"/);
    expect([...html.matchAll(/<tr data-event="/g)].length).toBe(50);
    expect(html).toContain("Lokaal budget opgeslagen"); // budget.save, translated
    expect(html).toMatch(/<th scope="col" aria-sort="descending" data-column="when">/);
    expect(html).toMatch(/role="status"[^>]*>60 van 60 rijen, 1–50 getoond</);
  });
});

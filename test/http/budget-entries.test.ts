import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importIndexFigures, saveBudgetDefinition } from "~/modules/budgets/budgets.server";
import { importOtherSpending } from "~/modules/budgets/finance-entries.server";
import { DEMO_HOGELAND, DEMO_OTHER_SPENDING, DEMO_OVA, DEMO_SAMEN } from "~seeds/demo-budgets";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * Typed finance figures through the pages: yearly parameters, quarterly realisations, tranche
 * spending, non-contracted care and PGB, index figures. Who may change what, the refusals that
 * change nothing, and the change history.
 */
let database: TestDatabase;
let server: TestServer;
const users = {
  groningenEditor: { email: "editor@groningen.test", role: "municipal_editor", municipalityCode: "GM0014", language: "nl" },
  groningenViewer: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  hogelandEditor: { email: "editor@hogeland.test", role: "municipal_editor", municipalityCode: "GM1966", language: "en" },
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst", language: "en" },
  steering: { email: "member@soo.test", role: "steering_member" },
  admin: { email: "admin@rigg.test", role: "admin" },
} as const;
type User = keyof typeof users;

const BUDGET_ROUTE = "routes%2Fbudgets.%24code.%24key";
const SQUARE_ROUTE = "routes%2Fbudgets.%24code._index";

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
  const actor = { userId: null, label: "test" };
  const bytes = (text: string) => new TextEncoder().encode(text);
  await withTenantScope(database.db, ALL_TENANTS, async (trx) => {
    await importIndexFigures(trx, actor, { name: "ova.csv", bytes: bytes(DEMO_OVA) });
    await saveBudgetDefinition(trx, actor, DEMO_SAMEN);
    await saveBudgetDefinition(trx, actor, DEMO_HOGELAND);
    await importOtherSpending(trx, actor, { name: "other.csv", bytes: bytes(DEMO_OTHER_SPENDING) });
  });
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

/** Numbers are typed as the user's language writes them (the browser's Accept-Language here). */
async function client(user: User) {
  const profile = users[user] as { language?: string };
  const c = new HttpClient(server.baseUrl, { "accept-language": profile.language ?? "nl" });
  expect((await c.logIn(users[user].email)).status).toBe(302);
  return c;
}

async function post(user: User, path: string, route: string, fields: Record<string, string>) {
  const response = await (await client(user)).post(`${path}?_data=${route}`, fields);
  const text = await response.text();
  return { status: response.status, body: response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text };
}

/** Everything typed, to show that a refused change left it as it was. */
async function typedState() {
  return withTenantScope(database.db, ALL_TENANTS, async (trx) => ({
    years: (await sql`select * from local_budget_year order by municipality_code, budget_key, year`.execute(trx)).rows,
    tranches: (await sql`select * from local_budget_tranche order by kind, year`.execute(trx)).rows,
    other: (await sql`select * from other_youth_spending order by municipality_code, year`.execute(trx)).rows,
    changes: (await sql`select count(*)::int as n from finance_change`.execute(trx)).rows,
  }));
}

describe("yearly parameters and realisations", () => {
  it("are changed by Groningen's editor, in Dutch notation, with each changed field logged with its previous value", async () => {
    const result = await post("groningenEditor", "/budgets/GM0014/samen", BUDGET_ROUTE, {
      intent: "parameters",
      year: "2026",
      scope_share: "95,5",
      expected_development: "2,5",
      manual_base: "",
      manual_base_reason: "",
      structural_adjustment: "-300.000,00",
    });
    expect(result).toEqual({ status: 200, body: { ok: true, intent: "parameters", changed: 2 } });
    const realisation = await post("groningenEditor", "/budgets/GM0014/samen", BUDGET_ROUTE, { intent: "realisation", year: "2025", realised_q1: "140.000,50", realised_q2: "42100,00", realised_q3: "40900", realised_q4: "43300" });
    expect(realisation.body).toEqual({ ok: true, intent: "realisation", changed: 1 });
    const history = await withTenantScope(database.db, ALL_TENANTS, (trx) =>
      trx.selectFrom("finance_change").select(["year", "field", "previous_value", "new_value", "changed_by"]).where("changed_by", "!=", "test").orderBy("id").execute(),
    );
    expect(history).toEqual([
      { year: 2026, field: "scope_share", previous_value: "1.000000", new_value: "0.955", changed_by: "editor@groningen.test" },
      { year: 2026, field: "structural_adjustment", previous_value: "-15000.00", new_value: "-300000.00", changed_by: "editor@groningen.test" },
      { year: 2025, field: "realised_q1", previous_value: "41250.00", new_value: "140000.50", changed_by: "editor@groningen.test" },
    ]);
    const page = await (await client("groningenViewer")).get("/budgets/GM0014/samen?year=2026");
    const html = await page.text();
    expect(html).toContain('data-testid="finance-history"');
    expect(html).toContain("editor@groningen.test");
    // A viewer reads the history but gets no forms.
    expect(html).not.toContain('data-testid="parameters-form"');
    expect(html).not.toContain('data-testid="add-year-form"');
  });

  it("add a new year, and an analyst (English notation) can change any municipality's budget", async () => {
    const added = await post("analyst", "/budgets/GM1966/basisteam", BUDGET_ROUTE, { intent: "add_year", year: "2027" });
    expect(added.body).toMatchObject({ ok: true });
    const again = await post("analyst", "/budgets/GM1966/basisteam", BUDGET_ROUTE, { intent: "add_year", year: "2027" });
    expect([again.status, again.body.code]).toEqual([400, "yearExists"]);
    const set = await post("analyst", "/budgets/GM1966/basisteam", BUDGET_ROUTE, { intent: "parameters", year: "2027", scope_share: "90", expected_development: "2.25" });
    expect(set.body).toMatchObject({ ok: true, changed: 2 });
    const row = await withTenantScope(database.db, ALL_TENANTS, (trx) =>
      trx.selectFrom("local_budget_year").select(["scope_share", "expected_development"]).where("municipality_code", "=", "GM1966").where("year", "=", 2027).executeTakeFirstOrThrow(),
    );
    expect({ scope: Number(row.scope_share), development: Number(row.expected_development) }).toEqual({ scope: 0.9, development: 0.0225 });
    // Het Hogeland's editor keeps a budget of its own.
    const own = await post("hogelandEditor", "/budgets/GM1966/basisteam", BUDGET_ROUTE, { intent: "realisation", year: "2025", realised_q1: "12500.00" });
    expect(own.body).toMatchObject({ ok: true, changed: 1 });
  });

  it("refuse every bad field at once, each marked at its field, and keep what was typed", async () => {
    const before = await typedState();
    const fields = { intent: "parameters", year: "2026", scope_share: "veel", expected_development: "2,5", manual_base: "1000000", manual_base_reason: "", structural_adjustment: "1,005" };
    const result = await post("groningenEditor", "/budgets/GM0014/samen", BUDGET_ROUTE, fields);
    expect(result.status).toBe(400);
    const issues = (result.body as { issues: { field: string; code: string }[] }).issues.map((i) => [i.field, i.code]);
    expect(issues).toEqual([
      ["scope_share", "notNumber"],
      ["structural_adjustment", "notMoney"],
      ["manual_base_reason", "reasonRequired"],
    ]);
    // The page without JavaScript: every refused field marked, its reason next to it, the typed values kept.
    const page = await (await client("groningenEditor")).post("/budgets/GM0014/samen?year=2026", fields);
    expect(page.status).toBe(400);
    const form = (await page.text()).match(/<form[^>]*data-testid="parameters-form"[\s\S]*?<\/form>/)![0];
    for (const field of ["scope_share", "structural_adjustment", "manual_base_reason"]) {
      expect(form, field).toMatch(new RegExp(`name="${field}"[^>]*aria-invalid="true"[^>]*aria-describedby="parameters-${field}-error`));
      expect(form, field).toContain(`id="parameters-${field}-error"`);
    }
    expect(form).not.toMatch(/name="expected_development"[^>]*aria-invalid/);
    expect(form).toContain('value="veel"');
    expect(form).toContain('value="1000000"');
    expect(form).toContain('value="1,005"');
    expect(form).toContain("Niet opgeslagen (3 velden)");
    expect(await typedState()).toEqual(before);
  });

  it("refuse bad input by field, with nothing changed", async () => {
    const before = await typedState();
    const cases: [Record<string, string>, string, string][] = [
      [{ intent: "realisation", year: "2031", realised_q1: "100" }, "year", "noSuchYear"],
      [{ intent: "realisation", year: "20x5", realised_q1: "100" }, "year", "notYear"],
      [{ intent: "parameters", year: "2026", scope_share: "120" }, "scope_share", "outOfRange"],
      [{ intent: "parameters", year: "2026", expected_development: "4,9,4" }, "expected_development", "notNumber"],
      [{ intent: "parameters", year: "2026", manual_base: "1000000", manual_base_reason: "" }, "manual_base_reason", "reasonRequired"],
      [{ intent: "realisation", year: "2025", realised_q2: "1,005" }, "realised_q2", "notMoney"],
      [{ intent: "tranche", kind: "transition", year: "2021", spent: "1" }, "year", "noSuchTranche"],
      [{ intent: "tranche", kind: "transition", year: "2023", spent: "-5" }, "spent", "negative"],
    ];
    for (const [fields, field, code] of cases) {
      const result = await post("groningenEditor", "/budgets/GM0014/samen", BUDGET_ROUTE, fields);
      expect([fields, result.status, result.body.field, result.body.code]).toEqual([fields, 400, field, code]);
    }
    // The page names the field in the user's language.
    const page = await (await client("groningenEditor")).post("/budgets/GM0014/samen", { intent: "realisation", year: "2031", realised_q1: "100" });
    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/data-testid="finance-error" data-field="year"[^>]*>Niet opgeslagen: Jaar: 2031 is geen jaar van dit budget/);
    expect(await typedState()).toEqual(before);
  });

  it("cannot be changed by viewers, steering members, administrators or another municipality", async () => {
    const before = await typedState();
    const attempt = { intent: "parameters", year: "2025", scope_share: "1" };
    expect((await post("groningenViewer", "/budgets/GM0014/samen", BUDGET_ROUTE, attempt)).status).toBe(403);
    expect((await post("steering", "/budgets/GM0014/samen", BUDGET_ROUTE, attempt)).status).toBe(403);
    expect((await post("admin", "/budgets/GM0014/samen", BUDGET_ROUTE, attempt)).status).toBe(403);
    expect((await post("hogelandEditor", "/budgets/GM0014/samen", BUDGET_ROUTE, attempt)).status).toBe(404);
    expect((await post("hogelandEditor", "/budgets/GM0014/samen", BUDGET_ROUTE, { intent: "tranche", kind: "transition", year: "2023", spent: "0" })).status).toBe(404);
    expect((await post("hogelandEditor", "/budgets/GM0014", SQUARE_ROUTE, { intent: "other_spending", year: "2025", pgb: "0" })).status).toBe(404);
    expect((await post("groningenEditor", "/budgets/GM1966/basisteam", BUDGET_ROUTE, attempt)).status).toBe(404);
    expect((await post("steering", "/budgets/GM0014", SQUARE_ROUTE, { intent: "other_spending", year: "2025", pgb: "0" })).status).toBe(403);
    expect(await typedState()).toEqual(before);
  });
});

describe("tranche spending", () => {
  it("moves what carries over and what returns", async () => {
    const result = await post("analyst", "/budgets/GM0014/samen", BUDGET_ROUTE, { intent: "tranche", kind: "transition", year: "2024", spent: "500000.00" });
    expect(result.body).toEqual({ ok: true, intent: "tranche", changed: 1 });
    const html = await (await (await client("groningenViewer")).get("/budgets/GM0014/samen")).text();
    // 1.2M + 1.0M + 0.5M released, 1.05M + 1.01M + 0.5M spent → 140,000 to return.
    expect(html).toMatch(/data-kind="transition"[\s\S]*?data-to-return[^>]*>€\s?140\.000,00</);
  });
});

describe("the closed square", () => {
  it("is shown to Groningen's users, analysts and steering members, not to another municipality or administrators", async () => {
    for (const user of ["groningenViewer", "groningenEditor", "analyst", "steering"] as const) {
      const response = await (await client(user)).get("/budgets/GM0014");
      expect([user, response.status]).toEqual([user, 200]);
      const html = await response.text();
      expect(html).toContain('data-testid="square-table"');
      expect(html.includes('data-testid="other-spending-new"')).toBe(user === "groningenEditor" || user === "analyst");
    }
    expect((await (await client("hogelandEditor")).get("/budgets/GM0014")).status).toBe(404);
    expect((await (await client("hogelandEditor")).get(`/budgets/GM0014?_data=${SQUARE_ROUTE}`)).status).toBe(404);
    expect((await (await client("admin")).get("/budgets/GM0014")).status).toBe(403);
    const list = await (await (await client("hogelandEditor")).get("/budgets")).text();
    expect(list).toContain('href="/budgets/GM1966"');
    expect(list).not.toContain('href="/budgets/GM0014"');
  });

  it("takes typed non-contracted care and PGB, logged, and names what is missing (no declarations here)", async () => {
    const result = await post("groningenEditor", "/budgets/GM0014", SQUARE_ROUTE, { intent: "other_spending", year: "2025", non_contracted: "2.050.000,00", pgb: "3310000" });
    expect(result.body).toEqual({ ok: true, intent: "other_spending", changed: 1 });
    const refused = await post("groningenEditor", "/budgets/GM0014", SQUARE_ROUTE, { intent: "other_spending", year: "2025", non_contracted: "veel", pgb: "1" });
    expect([refused.status, refused.body.field]).toEqual([400, "non_contracted"]);
    const data = await (await (await client("groningenViewer")).get(`/budgets/GM0014?_data=${SQUARE_ROUTE}`)).json();
    const y2025 = data.square.years.find((y: { year: number }) => y.year === 2025);
    expect(y2025.parts).toMatchObject({ non_contracted: "2050000.00", pgb: "3310000.00", rigg: null });
    expect(y2025.total).toBeNull();
    expect(y2025.missing).toContainEqual({ part: "rigg", year: 2025 });
    expect(data.history[0]).toMatchObject({ year: 2025, field: "non_contracted", previousValue: "2040000.00", newValue: "2050000.00" });
  });
});

describe("index figures page", () => {
  it("is read by budget readers and uploaded to by RIGG analysts only; a figure twice in a file is refused", async () => {
    const viewer = await (await client("groningenViewer")).get("/index-figures");
    expect(viewer.status).toBe(200);
    const html = await viewer.text();
    expect(html).toContain('data-testid="index-figures"');
    expect(html).not.toContain('data-testid="index-upload"');
    expect((await (await client("admin")).get("/index-figures")).status).toBe(403);

    const upload = async (user: User, text: string) => {
      const form = new FormData();
      form.set("file", new File([text], "ova.csv", { type: "text/csv" }));
      const response = await (await client(user)).request("/index-figures?_data=routes%2Findex-figures", { method: "POST", body: form });
      return { status: response.status, body: response.headers.get("content-type")?.includes("json") ? await response.json() : null };
    };
    const before = await withTenantScope(database.db, ALL_TENANTS, (trx) => trx.selectFrom("index_figure").selectAll().orderBy("year").execute());
    expect((await upload("groningenEditor", "index_name;year;provisional_pct;definitive_pct\nOVA;2026;3,5;\n")).status).toBe(403);
    expect((await upload("steering", "index_name;year;provisional_pct;definitive_pct\nOVA;2026;3,5;\n")).status).toBe(403);
    const twice = await upload("analyst", "index_name;year;provisional_pct;definitive_pct\nOVA;2026;3,5;\nOVA;2026;3,6;\n");
    expect([twice.status, twice.body]).toEqual([400, { ok: false, field: "line 3, year", code: "duplicate", params: { line: 3, value: "OVA 2026" } }]);
    const bad = await upload("analyst", "index_name;year;provisional_pct;definitive_pct\nOVA;2026;4,9,4;\n");
    expect([bad.status, bad.body.code, bad.body.field]).toEqual([400, "notPercent", "line 2, provisional_pct"]);
    expect(await withTenantScope(database.db, ALL_TENANTS, (trx) => trx.selectFrom("index_figure").selectAll().orderBy("year").execute())).toEqual(before);
    const ok = await upload("analyst", "index_name;year;provisional_pct;definitive_pct\nOVA;2025;4,18;4,40\nOVA;2026;3,5;\n");
    expect(ok.body).toEqual({ ok: true, count: 2 });
  });
});

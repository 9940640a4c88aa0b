import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { saveBudgetDefinition } from "~/modules/budgets/budgets.server";
import { DEMO_SAMEN } from "~seeds/demo-budgets";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * Issue 13 point 9: every input path checks the database's bounds (integer range, numeric
 * precision, text without NUL, lengths) before the database does, and answers with the field
 * named, never a raw database error or a 500; and an unexpected 500 never carries a stack trace
 * or the database's message, in development mode neither.
 */
let database: TestDatabase;
let server: TestServer;
const users = {
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  admin: { email: "admin@rigg.test", role: "admin" },
  editor: { email: "editor@groningen.test", role: "municipal_editor", municipalityCode: "GM0014" },
} as const;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db, {}, { bulk: database.bulk });
  for (const user of Object.values(users)) await addUser(database.db, user);
  await withTenantScope(database.db, ALL_TENANTS, (trx) => saveBudgetDefinition(trx, { userId: null, label: "test" }, DEMO_SAMEN));
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

let ip = 0;
async function as(who: keyof typeof users) {
  ip += 1;
  const client = new HttpClient(server.baseUrl, { "x-forwarded-for": `203.0.113.${ip}` });
  expect((await client.logIn(users[who].email)).status).toBe(302);
  return client;
}

function upload(client: HttpClient, path: string, content: BlobPart, fileName: string) {
  const body = new FormData();
  body.append("file", new Blob([content], { type: "text/csv" }), fileName);
  return client.request(path, { method: "POST", body });
}

/** What a raw database error or a stack trace would show. */
const RAW = /out of range for type|numeric field overflow|invalid byte sequence|violates check constraint|does not exist|\bat [\w.<>]+ \(|node_modules|\.server\.ts|"stack"/i;

function scoped<T>(work: Parameters<typeof withTenantScope<T>>[2]) {
  return withTenantScope(database.db, ALL_TENANTS, work);
}

describe("population import", () => {
  it("refuses a number of inhabitants beyond the integer range, naming line and column", async () => {
    const analyst = await as("analyst");
    const before = await scoped((trx) => trx.selectFrom("population").selectAll().execute());
    const response = await upload(analyst, "/population/import", "municipality_code,year,inhabitants_0_17\nGM0014,2031,99999999999\n", "too-many.csv");
    const html = await response.text();
    expect(response.status).toBe(400);
    expect(html).not.toMatch(RAW);
    const errors = html.match(/<table data-testid="import-errors">[\s\S]*?<\/table>/)![0];
    expect(errors).toContain('<td class="num">2</td><td><code>inhabitants_0_17</code></td>');
    expect(errors).toContain("Aantal inwoners te groot");
    expect(await scoped((trx) => trx.selectFrom("population").selectAll().execute())).toEqual(before);
  });
});

describe("index figures", () => {
  it("refuses a percentage the column cannot hold, naming the line and field", async () => {
    const analyst = await as("analyst");
    const response = await analyst.request("/index-figures?_data=routes%2Findex-figures", {
      method: "POST",
      body: (() => {
        const body = new FormData();
        body.append("file", new Blob(["index_name,year,provisional_pct\nOVA,2031,99999\n"], { type: "text/csv" }), "ova.csv");
        return body;
      })(),
    });
    const text = await response.text();
    expect(text).not.toMatch(RAW);
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ ok: false, field: "line 2, provisional_pct" });
    expect(await scoped((trx) => trx.selectFrom("index_figure").selectAll().where("year", "=", 2031).execute())).toEqual([]);
  });
});

describe("declaration import", () => {
  const header = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount";
  it("refuses a new provider's name with a NUL character, on the page and the API, storing nothing", async () => {
    const analyst = await as("analyst");
    const batches = async () => (await scoped((trx) => trx.selectFrom("import_batch").select("id").execute())).length;
    const before = await batches();
    const file = `${header}\r\n2023-01;GM0014;32000001;Zorg\u0000groep;45A51;N1;10,00\r\n`;
    const response = await upload(analyst, "/imports", file, "nul-name.csv");
    const html = await response.text();
    expect(response.status).not.toBe(500);
    expect(html).not.toMatch(RAW);
    expect(html).toContain("<code>provider_name</code>");
    expect(await batches()).toBe(before);
    expect(await scoped((trx) => trx.selectFrom("provider").select("code").where("code", "=", "32000001").execute())).toEqual([]);
  });

  it("keeps a file name with control characters out of the database as they are", async () => {
    const analyst = await as("analyst");
    const file = `${header}\r\n2023-02;GM0014;32000002;Zorggroep Noord;45A51;N2;10,00\r\n`;
    const response = await upload(analyst, "/imports", file, "decl\u0000arations.csv");
    expect(response.status).toBe(200);
    expect(await response.text()).not.toMatch(RAW);
    const names = (await scoped((trx) => trx.selectFrom("import_batch").select("file_name").execute())).map((b) => b.file_name);
    expect(names).toContain("decl_arations.csv");
  });
});

describe("catalog import", () => {
  it("refuses a product name with a NUL character, naming line and column, changing nothing", async () => {
    const analyst = await as("analyst");
    const products = () => scoped((trx) => trx.selectFrom("product").select(["code", "name_nl"]).orderBy("code").execute());
    const before = await products();
    const file = "product_code,name_nl,name_en,segment,municipality_code,valid_from,valid_to\r\n45A51,Ambulante\u0000hulp,Outpatient help,basishulp,,2015-01-01,\r\n";
    const response = await upload(analyst, "/catalog", file, "catalogus.csv");
    const html = await response.text();
    expect(response.status).toBe(400);
    expect(html).not.toMatch(RAW);
    expect(html).toContain("<code>name_nl</code>");
    expect(html).toContain("NUL");
    expect(await products()).toEqual(before);
  });
});

describe("forms", () => {
  it("refuse a NUL character in a finance field by name, changing nothing", async () => {
    const editor = await as("editor");
    const history = () => scoped((trx) => trx.selectFrom("finance_change").select("id").execute());
    const before = (await history()).length;
    const response = await editor.post(`/budgets/${DEMO_SAMEN.municipality_code}/${DEMO_SAMEN.key}?_data=routes%2Fbudgets.%24code.%24key`, {
      intent: "parameters",
      year: "2025",
      scope_share: "100",
      manual_base: "1000",
      manual_base_reason: "reason\u0000",
    });
    const text = await response.text();
    expect(text).not.toMatch(RAW);
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ ok: false, field: "manual_base_reason", code: "nulCharacter" });
    expect((await history()).length).toBe(before);
  });

  it("refuse a NUL character in a roadmap field by name", async () => {
    const analyst = await as("analyst");
    const response = await analyst.post("/roadmap/tracks/hsj?_data=routes%2Froadmap.tracks.%24id", { intent: "health", health: "at_risk", health_reason: "late\u0000" });
    const text = await response.text();
    expect(text).not.toMatch(RAW);
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ ok: false, field: "health_reason", code: "nulCharacter" });
    const track = await scoped((trx) => trx.selectFrom("roadmap_track").select("health_reason").where("id", "=", "hsj").executeTakeFirstOrThrow());
    expect(track.health_reason ?? "").not.toContain("\u0000");
  });

  it("refuse a user's name with a NUL character, and a municipality that is no code, by field", async () => {
    const admin = await as("admin");
    const create = (fields: Record<string, string>) =>
      admin.post("/admin/users/new?_data=routes%2Fadmin.users.new", { email: "new@rigg.test", role: "rigg_analyst", password: "a-long-enough-password", municipalityCode: "", ...fields });
    const nulName = await create({ displayName: "New\u0000user" });
    const body = await nulName.text();
    expect(body).not.toMatch(RAW);
    expect(nulName.status).toBe(400);
    expect(JSON.parse(body)).toMatchObject({ error: { code: "invalid_name", field: "displayName" } });
    const nulCode = await create({ displayName: "New user", role: "municipal_viewer", municipalityCode: "GM\u00000014" });
    const codeBody = await nulCode.text();
    expect(codeBody).not.toMatch(RAW);
    expect(nulCode.status).toBe(400);
    expect(JSON.parse(codeBody)).toMatchObject({ error: { code: "unknown_municipality", field: "municipalityCode" } });
    expect(await scoped((trx) => trx.selectFrom("app_user").select("id").where("email", "=", "new@rigg.test").execute())).toEqual([]);
  });
});

describe("addresses", () => {
  it("answer 404, not a database error, for a NUL character in a path parameter", async () => {
    const admin = await as("admin");
    const editor = await as("editor");
    for (const [client, path] of [
      [admin, "/admin/users/someone%00@rigg.test"],
      [editor, `/budgets/${DEMO_SAMEN.municipality_code}/sa%00men`],
      [editor, "/catalog/45A%0051"],
    ] as const) {
      const response = await client.get(path);
      const body = await response.text();
      expect([path, response.status]).toEqual([path, 404]);
      expect(body).not.toMatch(RAW);
    }
  });
});

describe("an unexpected error", () => {
  it("answers a data request with a 500 that carries neither a stack trace nor the database's message", async () => {
    // A database that lost a table: the index page's loader fails as no input check could prevent.
    const broken = await createTestDatabase();
    const brokenServer = await startTestServer(broken.db);
    try {
      await addUser(broken.db, users.analyst);
      const client = new HttpClient(brokenServer.baseUrl);
      expect((await client.logIn(users.analyst.email)).status).toBe(302);
      await sql`drop table index_figure cascade`.execute(broken.db);
      const data = await client.get("/index-figures?_data=routes%2Findex-figures");
      const body = await data.text();
      expect(data.status).toBe(500);
      expect(body).not.toMatch(RAW);
      expect(body).not.toContain("index_figure");
      const page = await client.get("/index-figures");
      const html = await page.text();
      expect(page.status).toBe(500);
      expect(html).not.toMatch(RAW);
      expect(html).not.toContain("index_figure");
    } finally {
      await brokenServer.close();
      await broken.close();
    }
  });
});

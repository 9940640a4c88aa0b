import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * The population upload over real HTTP: multipart bodies, every row or none,
 * row errors with line numbers, the audit trail, and only RIGG analysts.
 */
let database: TestDatabase;
let server: TestServer;
const users = {
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  editor: { email: "editor@hogeland.test", role: "municipal_editor", municipalityCode: "GM1966" },
  viewer: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  steering: { email: "member@soo.test", role: "steering_member" },
  admin: { email: "admin@rigg.test", role: "admin" },
} as const;
type Who = keyof typeof users;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function as(who: Who) {
  const client = new HttpClient(server.baseUrl);
  const response = await client.logIn(users[who].email);
  expect(response.status).toBe(302);
  return client;
}

function population() {
  return withTenantScope(database.db, ALL_TENANTS, (trx) =>
    trx
      .selectFrom("population")
      .select(["municipality_code", "year", "inhabitants_0_17", "source"])
      .orderBy("municipality_code")
      .orderBy("year")
      .execute(),
  );
}

function importAudit() {
  return withTenantScope(database.db, ALL_TENANTS, (trx) =>
    trx.selectFrom("audit_event").selectAll().where("action", "=", "population.import").orderBy("id").execute(),
  );
}

function upload(client: HttpClient, content: BlobPart | null, fileName = "population.csv", type = "text/csv") {
  const body = new FormData();
  if (content !== null) body.append("file", new Blob([content], { type }), fileName);
  return client.request("/population/import", { method: "POST", body });
}

const figure = (rows: Awaited<ReturnType<typeof population>>, code: string, year: number) =>
  rows.find((r) => r.municipality_code === code && r.year === year);

describe("the import page", () => {
  it("shows the upload form and the current figures per municipality and year", async () => {
    const analyst = await as("analyst");
    const response = await analyst.get("/population/import");
    expect(response.status).toBe(200);
    const html = await response.text();
    // React writes the attribute as `encType`; HTML attribute names are case-insensitive.
    expect(html).toMatch(/<form method="post"[^>]*enctype="multipart\/form-data"/i);
    expect(html).toMatch(/<label>[^<]*<input type="file" name="file" accept="\.csv,\.xlsx/);
    expect(html).toContain("Huidige inwonertallen");
    // Municipalities as rows, years as columns.
    expect(html).toMatch(/<th scope="col" class="num">2020<\/th>/);
    expect(html).toMatch(/<th scope="col" class="num">2026<\/th>/);
    expect(html).toMatch(/<tr data-code="GM0014"><th scope="row">Groningen<\/th>/);
    const seeded = figure(await population(), "GM0014", 2020)!;
    expect(html).toContain(`data-year="2020">${seeded.inhabitants_0_17.toLocaleString("nl-NL")}</td>`);
  });
});

describe("a valid file", () => {
  it("updates the figures, reports the counts and is audited", async () => {
    const analyst = await as("analyst");
    const csv = ["municipality_code,year,inhabitants_0_17,remark", "GM0014,2026,40001,revised", "GM1966,2027,5123,"].join("\n");
    const response = await upload(analyst, csv, "cbs-2027.csv");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("2 rijen geïmporteerd: 1 nieuw, 1 bijgewerkt.");
    // The extra column is a notice, not an error.
    expect(html).toContain("Onbekende kolom genegeerd");
    expect(html).toContain("<code>remark</code>");
    // The page already shows the new figures.
    expect(html).toMatch(/<th scope="col" class="num">2027<\/th>/);
    expect(html).toContain('data-year="2026">40.001</td>');
    expect(html).toContain('data-year="2027">5.123</td>');

    const rows = await population();
    expect(figure(rows, "GM0014", 2026)).toMatchObject({ inhabitants_0_17: 40001, source: "cbs-2027.csv" });
    expect(figure(rows, "GM1966", 2027)).toMatchObject({ inhabitants_0_17: 5123, source: "cbs-2027.csv" });

    const event = (await importAudit()).at(-1)!;
    expect(event).toMatchObject({ outcome: "success", actor_label: users.analyst.email, subject: "cbs-2027.csv" });
    expect(event.details).toMatchObject({ rows: 2, inserted: 1, updated: 1 });

    // And the figures stay on the page afterwards.
    expect(await (await analyst.get("/population/import")).text()).toContain('data-year="2027">5.123</td>');
  });

  it("accepts an Excel file", async () => {
    const analyst = await as("analyst");
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Bevolking");
    sheet.addRow(["municipality_code", "year", "inhabitants_0_17"]);
    sheet.addRow(["GM1950", 2027, 7007]);
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
    const response = await upload(analyst, bytes, "cbs.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("1 rijen geïmporteerd: 1 nieuw, 0 bijgewerkt.");
    expect(figure(await population(), "GM1950", 2027)).toMatchObject({ inhabitants_0_17: 7007 });
  });
});

describe("an invalid file", () => {
  it("returns every row error with its line number and stores nothing", async () => {
    const analyst = await as("analyst");
    const before = await population();
    const auditBefore = (await importAudit()).length;
    const csv = ["municipality_code,year,inhabitants_0_17", "GM0014,2030,100", "GM9999,2030,200", "GM1966,twenty,300"].join("\n");
    const response = await upload(analyst, csv, "broken.csv");
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Het bestand is niet geïmporteerd. Er is niets opgeslagen.");
    const errors = html.match(/<table data-testid="import-errors">[\s\S]*?<\/table>/)![0];
    expect(errors).toContain(
      '<tr><td class="num">3</td><td><code>municipality_code</code></td><td>Onbekende gemeente</td><td><code>GM9999</code></td></tr>',
    );
    expect(errors).toContain(
      '<tr><td class="num">4</td><td><code>year</code></td><td>Ongeldig jaar (verwacht een jaartal)</td><td><code>twenty</code></td></tr>',
    );
    expect(errors.match(/<tr>/g)).toHaveLength(3); // header + two errors: line 2 was fine
    expect(html).not.toContain("rijen geïmporteerd");

    expect(await population()).toEqual(before);
    const audit = await importAudit();
    expect(audit).toHaveLength(auditBefore + 1);
    expect(audit.at(-1)).toMatchObject({ outcome: "failure", subject: "broken.csv", actor_label: users.analyst.email });
  });

  it("explains a file that is not a table at all", async () => {
    const analyst = await as("analyst");
    const before = await population();
    const response = await upload(analyst, new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), "broken.xlsx");
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Het Excelbestand kan niet worden gelezen");
    expect(await population()).toEqual(before);
  });

  it("asks for a file when none was chosen", async () => {
    const analyst = await as("analyst");
    for (const response of [
      await upload(analyst, null),
      await upload(analyst, "", ""),
      await analyst.post("/population/import", { file: "GM0014,2026,1" }),
    ]) {
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(html).toContain("Kies een bestand.");
      expect(html).toMatch(/name="file"[^>]*aria-invalid="true"[^>]*aria-describedby="file-error file-hint"/);
    }
  });

  it("refuses a file over the size limit", async () => {
    const analyst = await as("analyst");
    const before = await population();
    const header = "municipality_code,year,inhabitants_0_17\n";
    const big = header + "GM0014,2026,1\n".repeat(Math.ceil((5 * 1024 * 1024) / 14) + 10);
    const response = await upload(analyst, big, "huge.csv");
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("Het bestand is groter dan 5 MB.");
    expect(await population()).toEqual(before);
  });
});

describe("other roles", () => {
  for (const who of ["editor", "admin", "viewer", "steering"] as const) {
    it(`give a ${users[who].role} 403 on GET and POST, and store nothing`, async () => {
      const client = await as(who);
      const before = await population();
      const auditBefore = (await importAudit()).length;
      expect((await client.get("/population/import")).status).toBe(403);
      const response = await upload(client, "municipality_code,year,inhabitants_0_17\nGM1966,2026,1\n", "sneaky.csv");
      expect(response.status).toBe(403);
      expect(await population()).toEqual(before);
      expect(await importAudit()).toHaveLength(auditBefore);
    });
  }

  it("send a visitor without a session to the login page", async () => {
    const visitor = new HttpClient(server.baseUrl);
    const response = await upload(visitor, "municipality_code,year,inhabitants_0_17\nGM1966,2026,1\n");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/login\?redirectTo=%2Fpopulation%2Fimport/);
  });
});

import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { concentrationReport } from "~/modules/reports/concentration.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * Providers covering 80% and the comparison of municipalities over the real HTTP stack, and
 * who sees what: analysts everything; steering members no single municipality's provider
 * list and no client counts below 5; municipal users their own municipality only, plus the
 * other municipalities' aggregate indicators.
 */

// Groningen (GM0014): 12 clients at 4 providers; Het Hogeland (GM1966): 3 clients at a
// provider only it uses ("Hogeland Zorg"), and a formula-like provider name.
const lines: string[] = [];
for (let i = 0; i < 12; i++) {
  const provider = ["11111111;Groot Zorg", "22222222;Middel Zorg", "33333333;Klein Zorg", "44444444;Mini Zorg"][i % 4]!;
  lines.push(`2023-0${1 + (i % 9)};GM0014;${provider};45A51;KG${i};${(i % 4 === 0 ? 9000 : 1000) + i},00`);
}
lines.push("2023-02;GM1966;99999999;Hogeland Zorg;45A51;KH1;700,00", "2023-03;GM1966;99999999;Hogeland Zorg;45A51;KH2;800,00");
lines.push('2023-04;GM1966;88888888;"=HYPERLINK(""http://x"")";45A51;KH3;300,00');
const FILE = ["period;municipality_code;provider_code;provider_name;product_code;client_key;amount", ...lines].join("\r\n");
const HOGELAND_PROVIDERS = ["Hogeland Zorg", "99999999", "HYPERLINK", "88888888"];
/** Het Hogeland's provider names, or its codes as a value (not inside chart geometry). */
const leaks = (text: string) => HOGELAND_PROVIDERS.filter((p) => (/^\d+$/.test(p) ? new RegExp(`[>"]${p}[<"]`).test(text) : text.includes(p)));

let database: TestDatabase;
let server: TestServer;
const users = {
  groningen: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  steering: { email: "member@soo.test", role: "steering_member" },
  admin: { email: "admin@rigg.test", role: "admin" },
} as const;
const sessions = new Map<string, HttpClient>();

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
  const bytes = Buffer.from(FILE, "utf8");
  const imported = await importDeclarations(
    database.db,
    { userId: null, label: "test" },
    { name: "d.csv", size: bytes.length, open: async function* () { yield bytes; } },
    { mode: "append", pseudonymKey: "concentration-test-key-concentration-test-key", bulk: database.bulk },
  );
  expect(imported).toMatchObject({ ok: true, lines: 15 });
});
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

async function page(user: keyof typeof users, path: string) {
  const response = await (await as(user)).request(path);
  return { status: response.status, html: response.status === 200 ? await response.text() : "" };
}

describe("providers covering 80%", () => {
  it("shows an analyst the region's list with the figures of the CLI's report", async () => {
    const { status, html } = await page("analyst", "/concentration?year=2023&scope=region&segment=all");
    expect(status).toBe(200);
    const cli = await withTenantScope(database.db, ALL_TENANTS, (trx) => concentrationReport(trx, 2023, { kind: "region" }, "all"));
    expect(cli.providers).toBe(6);
    for (const row of cli.rows) expect(html).toContain(`data-provider="${row.provider_code}"`);
    const data = await (await as("analyst")).request("/concentration?year=2023&scope=region&segment=all&_data=routes%2Fconcentration");
    const json = (await data.json()) as { summary: Record<string, unknown>; rows: { provider_code: string; spending: string; clients: number }[] };
    const { rows, ...summary } = cli;
    expect(json.summary).toEqual(summary);
    expect(json.rows.map((r) => [r.provider_code, r.spending, r.clients])).toEqual(rows.map((r) => [r.provider_code, r.spending, r.clients]));
  });

  it("hides a single municipality's provider list from steering members, and small client counts", async () => {
    const municipality = await page("steering", "/concentration?year=2023&scope=GM1966");
    expect(municipality.status).toBe(200);
    expect(municipality.html).toContain('data-testid="provider-list-hidden"');
    expect(leaks(municipality.html)).toEqual([]);
    const region = await (await as("steering")).request("/concentration?year=2023&scope=region&_data=routes%2Fconcentration");
    const json = (await region.json()) as { rows: { clients: number | null }[] };
    expect(json.rows.length).toBe(6);
    expect(json.rows.every((r) => r.clients === null || r.clients >= 5)).toBe(true);
    const exported = await (await as("steering")).request("/concentration/export?year=2023&scope=GM1966&table=providers&format=csv");
    expect(exported.status).toBe(404);
  });

  it("gives a municipal user their own municipality only: URL, data request and export", async () => {
    const own = await page("groningen", "/concentration?year=2023");
    expect(own.status).toBe(200);
    expect(own.html).toContain("Groot Zorg");
    expect(leaks(own.html)).toEqual([]);
    expect((await page("groningen", "/concentration?year=2023&scope=GM1966")).status).toBe(404);
    expect((await page("groningen", "/concentration?year=2023&scope=region")).status).toBe(404);
    const data = await (await as("groningen")).request("/concentration?scope=GM1966&_data=routes%2Fconcentration");
    expect(data.status).toBe(404);
    const exported = await (await as("groningen")).request("/concentration/export?year=2023&scope=GM1966&table=providers&format=xlsx");
    expect(exported.status).toBe(404);
  });

  it("exports the table as CSV (Dutch numbers, formulas escaped) and XLSX (numbers as numbers)", async () => {
    const csv = await (await as("analyst")).request("/concentration/export?year=2023&scope=GM1966&table=providers&format=csv");
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).toContain("'=HYPERLINK");
    expect(text).toMatch(/;1500;/);
    const xlsx = await (await as("analyst")).request("/concentration/export?year=2023&scope=GM1966&table=providers&format=xlsx");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(2).getCell(4).value).toBe(1500);
    expect(sheet.getRow(2).getCell(3).value).toBe("Hogeland Zorg");
  });
});

describe("comparing municipalities", () => {
  it("shows a municipal user the others' aggregate indicators, small counts hidden, no provider names", async () => {
    const response = await (await as("groningen")).request("/compare?year=2023&metric=clients_per_1000&_data=routes%2Fcompare");
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(leaks(body)).toEqual([]);
    const json = JSON.parse(body) as { shared: unknown; rows: { scope: string; segments: { all: { clients: number | null; providers_80: number } } }[] };
    expect(json.shared).toBeNull();
    const hogeland = json.rows.find((r) => r.scope === "GM1966")!;
    expect(hogeland.segments.all.clients).toBeNull();
    expect(hogeland.segments.all.providers_80).toBe(1); // 1,500 of 1,800
    expect(json.rows.find((r) => r.scope === "GM0014")!.segments.all.clients).toBe(12);
    expect(json.rows.at(-1)!.scope).toBe("region");
  });

  it("shows analysts every count and the shared providers", async () => {
    const response = await (await as("analyst")).request("/compare?year=2023&min=1&_data=routes%2Fcompare");
    const json = (await response.json()) as { shared: { providers: { provider_name: string }[] }; rows: { scope: string; segments: { all: { clients: number } } }[] };
    expect(json.rows.find((r) => r.scope === "GM1966")!.segments.all.clients).toBe(3);
    expect(json.shared.providers.map((p) => p.provider_name)).toContain("Hogeland Zorg");
  });
});

describe("the other tables and their exports", () => {
  it("lets a municipal user download neither the shared providers nor another municipality's tables", async () => {
    const shared = await (await as("groningen")).request("/compare/export?year=2023&table=shared&format=csv");
    expect(shared.status).toBe(404);
    const matrix = await (await as("groningen")).request("/compare/export?year=2023&table=matrix&metric=clients_per_1000&format=csv");
    expect(matrix.status).toBe(200);
    expect(leaks(await matrix.text())).toEqual([]);
    const referrers = await (await as("groningen")).request("/concentration/export?year=2023&scope=GM1966&table=referrers&format=csv");
    expect(referrers.status).toBe(404);
  });

  it("exports the trend and the shared providers for an analyst, in English when chosen", async () => {
    const client = await as("analyst");
    const trend = await client.request("/concentration/export?year=2023&table=trend&format=csv");
    expect((await trend.text()).split("\r\n")[1]).toMatch(/^2023;/);
    const shared = await client.request("/compare/export?year=2023&table=shared&min=1&format=csv", { headers: { "accept-language": "en" } });
    expect(shared.status).toBe(200);
    expect(await shared.text()).toContain("Hogeland Zorg");
  });

  it("offers two different municipalities for the overlap before a pair is chosen, never one against itself", async () => {
    const html = await (await (await as("steering")).request("/compare?year=2023")).text();
    const selected = (name: string) => new RegExp(`<select name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1]?.match(/<option value="(GM\d{4})" selected=""/)?.[1];
    expect(selected("first")).toMatch(/^GM\d{4}$/);
    expect(selected("second")).toMatch(/^GM\d{4}$/);
    expect(selected("second")).not.toBe(selected("first"));
  });

  it("shows the overlap of two municipalities' 80% sets to regional roles only", async () => {
    const steering = await (await as("steering")).request("/compare?year=2023&first=GM0014&second=GM1966&_data=routes%2Fcompare");
    const json = (await steering.json()) as { shared: { pair: { shared: string[]; onlyFirst: string[]; onlySecond: string[] } } };
    expect(json.shared.pair.shared).toEqual([]);
    expect(json.shared.pair.onlySecond).toEqual(["Hogeland Zorg"]);
    const municipal = await (await as("groningen")).request("/compare?year=2023&first=GM0014&second=GM1966&_data=routes%2Fcompare");
    expect(leaks(await municipal.text())).toEqual([]);
  });
});

describe("a role without segment figures", () => {
  it("gets 403 from every page, data request and export of providers covering 80%", async () => {
    const client = await as("admin");
    for (const path of [
      "/concentration?year=2023",
      "/concentration?year=2023&_data=routes%2Fconcentration",
      "/concentration/export?year=2023&table=providers&format=csv",
      "/compare?year=2023",
      "/compare?year=2023&_data=routes%2Fcompare",
      "/compare/export?year=2023&table=matrix&format=xlsx",
    ]) {
      const response = await client.request(path);
      expect([path, response.status]).toEqual([path, 403]);
      expect(leaks(await response.text())).toEqual([]);
    }
  });
});

import { formatMoney, todayInAmsterdam } from "@jeugdregio/format";
import { protectSegmentTable } from "@jeugdregio/metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importCatalog } from "~/modules/catalog/catalog.server";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { segmentReport, type ReportScope } from "~/modules/reports/segment-report.server";
import nl from "~/i18n/nl.json";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * The segment overview, its JSON and its drill-downs over the real HTTP stack:
 * the figures of a small hand-checked data set, and the tenant walls around them.
 */

// The example catalogue (Excel-style: `;`, CRLF), plus an HSJ product.
const CATALOG = [
  "product_code;name_nl;name_en;segment;municipality_code;valid_from;valid_to",
  "45A51;Gezinsbegeleiding basis;Family guidance, basic;basishulp;;2015-01-01;",
  "54001;Jeugd-ggz behandeling;Youth mental health treatment;aanvullende_hulp;;2015-01-01;",
  "44P01;Pleegzorg;Foster care;wonen;;2015-01-01;",
  "41A01;Dagbehandeling;Day treatment;onderwijs;;2015-01-01;",
  "46C01;Crisisopvang;Crisis care;hsj;;2015-01-01;",
  "48B01;Jeugdbeschermingsmaatregel;Child protection measure;;;2015-01-01;",
  "45A60;Ouder-kindbegeleiding;Parent-child guidance;aanvullende_hulp;;2015-01-01;2023-12-31",
  "45A60;Ouder-kindbegeleiding;Parent-child guidance;basishulp;;2024-01-01;",
  "45A60;Ouder-kindbegeleiding;Parent-child guidance;basishulp;GM0014;2023-01-01;2023-12-31",
].join("\r\n");

const KOMPAS = '"Zorggroep ""Het Kompas""; locatie Noord"';
// Declarations like the example file (BOM, `;`, decimal comma, a credit line, a quoted name).
// 42X99 is in no catalogue: unassigned until RIGG adds it.
const DECLARATIONS =
  "\uFEFF" +
  [
    "period;municipality_code;provider_code;provider_name;product_code;client_key;amount;units",
    "2023-03;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A51;Kg14a;1.234,56;12",
    "2023-03;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A51;Kg14a;-234,56;-2",
    "2023-04;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A60;Kg14b;500,00;5",
    "2023-05;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A51;Kg14g;-100,00;-1",
    "2023-05;GM0014;22334455;Praktijk De Linde;45A51;Kg14h;200,00;2",
    "2023-02;GM0014;22334455;Praktijk De Linde;41A01;Kg14c;2.100,00;20",
    "2023-02;GM0014;22334455;Praktijk De Linde;42X99;Kg14c;50,00;1",
    "2023-06;GM0014;33445566;Jeugdbescherming Noord;48B01;Kg14d;800,00;8",
    "2023-07;GM0014;44556677;Crisis Centrum Stad;46C01;Kg14e;3.000,00;3",
    "2023-08;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;54001;Kg14b;1.500,00;10",
    "2023-09;GM0014;55667788;Pleegzorg Voorbeeld;44P01;Kg14f;4.000,00;30",
    "2024-01;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A60;Kg14b;600,00;6",
    "2024-02;GM0014;55667788;Pleegzorg Voorbeeld;44P01;Kg14f;4.100,00;31",
    `2023-03;GM1966;87654321;${KOMPAS};54001;Kh66k;9.876,54;60`,
    `2023-04;GM1966;87654321;${KOMPAS};45A60;Kh66l;765,43;7`,
    `2024-01;GM1966;87654321;${KOMPAS};54001;Kh66k;845,00;6`,
  ].join("\r\n");

/** Hand-checked: GM0014 in 2023 (see the lines above; 45A60 is basishulp by Groningen's 2023 override). */
const GRONINGEN_2023 = {
  year: 2023,
  scope: "GM0014",
  segments: {
    all: { clients: 7, spending: "13050.00", avg_per_client: "1864.29", providers: 5, spending_80: "10440.00", providers_80: 4 },
    basishulp: { clients: 3, spending: "1600.00", avg_per_client: "533.33", providers: 2, spending_80: "1280.00", providers_80: 1 },
    onderwijs: { clients: 1, spending: "2100.00", avg_per_client: "2100.00", providers: 1, spending_80: "1680.00", providers_80: 1 },
    aanvullende_hulp: { clients: 1, spending: "1500.00", avg_per_client: "1500.00", providers: 1, spending_80: "1200.00", providers_80: 1 },
    hsj: { clients: 1, spending: "3000.00", avg_per_client: "3000.00", providers: 1, spending_80: "2400.00", providers_80: 1 },
    wonen: { clients: 1, spending: "4000.00", avg_per_client: "4000.00", providers: 1, spending_80: "3200.00", providers_80: 1 },
    unassigned: { clients: 2, spending: "850.00", avg_per_client: "425.00", providers: 2, spending_80: "680.00", providers_80: 1 },
  },
};

/** Strings that only Het Hogeland's data produces: a Groningen user must never see them. */
const HOGELAND_ONLY = ["Kompas", "87654321", "9.876,54", "9876.54", "9.877", "765,43", "765.43", "23691.97", "23.692", "Kh66"];

let database: TestDatabase;
let server: TestServer;
const users = {
  groningen: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  hogeland: { email: "editor@hogeland.test", role: "municipal_editor", municipalityCode: "GM1966" },
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  steering: { email: "member@soo.test", role: "steering_member" },
  admin: { email: "admin@rigg.test", role: "admin" },
} as const;
const clients = new Map<string, HttpClient>();

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
  const actor = { userId: null, label: "test" };
  const catalog = await withTenantScope(database.db, ALL_TENANTS, (trx) =>
    importCatalog(trx, actor, { name: "catalog.csv", bytes: Buffer.from(CATALOG, "utf8") }),
  );
  expect(catalog).toMatchObject({ ok: true });
  const bytes = Buffer.from(DECLARATIONS, "utf8");
  const imported = await importDeclarations(
    database.db,
    actor,
    {
      name: "declarations.csv",
      size: bytes.length,
      open: async function* () {
        yield bytes;
      },
    },
    { mode: "append", pseudonymKey: "test-pseudonym-key-test-pseudonym-key-0123" },
  );
  expect(imported).toMatchObject({ ok: true, lines: 16, unknownProducts: ["42X99"] });
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function as(user: keyof typeof users) {
  const existing = clients.get(user);
  if (existing) return existing;
  const client = new HttpClient(server.baseUrl);
  const response = await client.logIn(users[user].email);
  expect(response.status).toBe(302);
  clients.set(user, client);
  return client;
}

async function page(user: keyof typeof users, path: string) {
  const response = await (await as(user)).get(path);
  expect(response.status, path).toBe(200);
  return response.text();
}

async function api(user: keyof typeof users, path: string) {
  const response = await (await as(user)).get(path);
  expect(response.status, path).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  return response.json() as Promise<unknown>;
}

function reportFor(year: number, scope: ReportScope) {
  return withTenantScope(database.db, ALL_TENANTS, (trx) => segmentReport(trx, year, scope));
}

/** The text of one cell of the segment table. */
function cell(html: string, column: string, measure: string): string | undefined {
  return new RegExp(`data-testid="cell-${column}-${measure}">([^<]*)<`).exec(html)?.[1];
}

const euros = (value: string) => formatMoney(value, "nl", { cents: false });
const eurosCents = (value: string) => formatMoney(value, "nl");

describe("segment overview page", () => {
  it("shows DOMAIN.md's table for the municipality, in Dutch formatting", async () => {
    const html = await page("groningen", "/segments?year=2023");
    expect(html).toContain("Segmenten: Groningen, 2023");
    // Dutch money: euro sign, non-breaking space, thousands point, no cents on screen.
    expect(cell(html, "all", "spending")).toBe("€\u00a013.050");
    expect(cell(html, "all", "avg_per_client")).toBe("€\u00a01.864");
    expect(cell(html, "all", "clients")).toBe("7");
    expect(cell(html, "all", "providers_80")).toBe("4");
    for (const [column, figures] of Object.entries(GRONINGEN_2023.segments)) {
      expect(cell(html, column, "clients"), column).toBe(String(figures.clients));
      expect(cell(html, column, "spending"), column).toBe(euros(figures.spending));
      expect(cell(html, column, "avg_per_client"), column).toBe(euros(figures.avg_per_client));
      expect(cell(html, column, "providers"), column).toBe(String(figures.providers));
      expect(cell(html, column, "spending_80"), column).toBe(euros(figures.spending_80));
      expect(cell(html, column, "providers_80"), column).toBe(String(figures.providers_80));
    }
    for (const label of ["Totaal", "Basishulp", "Onderwijs", "Aanvullende hulp", "HSJ", "Wonen", "Niet toegedeeld"]) {
      expect(html).toContain(`>${label}</a>`);
    }
    for (const label of ["Cliënten (uniek)", "Uitgaven", "Gemiddeld per cliënt", "Aanbieders (totaal)", "80% van de uitgaven"]) {
      expect(html).toContain(label);
    }
    // Column headers open the drill-down for the same year and scope.
    expect(html).toContain('href="/segments/basishulp?year=2023&amp;scope=GM0014"');
    expect(html).toContain('href="/segments/unassigned?year=2023&amp;scope=GM0014"');
  });

  it("renders a GET form that works without JavaScript: labelled year select, no scope choice for municipal users", async () => {
    const html = await page("groningen", "/segments?year=2023");
    expect(html).toMatch(/<form method="get" action="\/segments"/);
    expect(html).toMatch(/<label>Jaar<select name="year"/);
    // Years whose data stops before December are marked as incomplete (issue 14 §4).
    expect(html).toMatch(/<option value="2023" selected="">2023 · t\/m sep<\/option>/);
    expect(html).toMatch(/<option value="2024">2024 · t\/m feb<\/option>/);
    expect(html).not.toContain('name="scope"');
    expect(html).toMatch(/<button type="submit"[^>]*>Tonen<\/button>/);
  });

  it("defaults to the latest year with data, and falls back to it for a bad year", async () => {
    for (const path of ["/segments", "/segments?year=abc", "/segments?year=1800", "/segments?year=20233", "/segments?year="]) {
      const html = await page("groningen", path);
      expect(html, path).toContain("Segmenten: Groningen, 2024");
      expect(cell(html, "all", "spending"), path).toBe(euros("4700.00"));
      expect(cell(html, "basishulp", "spending"), path).toBe(euros("600.00"));
    }
  });

  it("shows the stacked spending chart with a legend and a table of the same numbers for screen readers", async () => {
    const html = await page("groningen", "/segments?year=2023");
    expect(html).toContain("Uitgaven per segment per jaar: Groningen");
    expect(html).toMatch(/<svg[^>]*aria-hidden="true"/);
    expect(html).toContain('class="chart-legend"');
    const table = /data-testid="spending-chart-table">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? "";
    expect(table).toContain('<th scope="row">2023</th>');
    expect(table).toContain('<th scope="row">2024</th>');
    expect(table).toContain(eurosCents("13050.00"));
    expect(table).toContain(eurosCents("1600.00"));
    expect(table).toContain(eurosCents("4700.00"));
  });

  it("lets regional roles choose the region or any municipality", async () => {
    for (const role of ["analyst", "steering"] as const) {
      const region = await page(role, "/segments?year=2023");
      expect(region).toContain("Segmenten: Regio Groningen (alle gemeenten), 2023");
      expect(cell(region, "all", "spending")).toBe(euros("23691.97"));
      // The scope picker (a searchable combobox): the region chosen, every municipality among its
      // choices (the page's data; the list itself is drawn only while open).
      const picker = /<div class="scope-picker">[\s\S]*?<\/ul>/.exec(region)?.[0] ?? "";
      expect(picker).toMatch(/<label id="([^"]+)-label" for="\1-input">Gebied<\/label>/);
      expect(picker).toMatch(/<input [^>]*role="combobox"[^>]*value="Regio Groningen \(alle gemeenten\)"/);
      expect(picker).toContain('<input type="hidden" name="scope" value="region"/>');
      expect(picker).toMatch(/<ul [^>]*role="listbox"[^>]*hidden=""/);
      expect(region.slice(region.indexOf("__remixContext"))).toContain('{"code":"GM1966","name":"Het Hogeland"}');
      const hogeland = await page(role, "/segments?year=2023&scope=GM1966");
      expect(hogeland).toContain("Segmenten: Het Hogeland, 2023");
      expect(cell(hogeland, "aanvullende_hulp", "spending")).toBe(euros("10641.97"));
      expect(hogeland).toContain('<input type="hidden" name="scope" value="GM1966"/>');
      expect(hogeland).toMatch(/<input [^>]*role="combobox"[^>]*value="Het Hogeland"/);
      const groningen = await page(role, "/segments?scope=GM0014&year=2023");
      expect(cell(groningen, "all", "spending")).toBe(euros("13050.00"));
    }
  });

  it("says so when a scope has no data yet, or none for the chosen year", async () => {
    const empty = await page("analyst", "/segments?scope=GM1950");
    expect(empty).toContain("Nog geen gegevens voor Westerwolde.");
    expect(empty).not.toContain('data-testid="segment-table"');
    const noYear = await page("steering", "/segments?scope=GM0014&year=2019");
    expect(noYear).toContain("Geen gegevens voor Groningen in 2019.");
    expect(noYear).toMatch(/<option value="2019" selected="">2019<\/option>/);
  });
});

describe("JSON routes", () => {
  it("return exactly the CLI's segment report", async () => {
    const body = await api("groningen", "/api/segments?year=2023");
    expect(body).toEqual(GRONINGEN_2023);
    expect(body).toEqual(JSON.parse(JSON.stringify(await reportFor(2023, { kind: "municipality", code: "GM0014" }))));
    const region = await api("analyst", "/api/segments?year=2023&scope=region");
    const cli = JSON.parse(JSON.stringify(await reportFor(2023, { kind: "region" })));
    expect(region).toEqual(cli);
    expect(region).toMatchObject({ year: 2023, scope: "region", segments: { all: { spending: "23691.97" } } });
    // Steering members get the same report with client counts from 1 to 4 hidden (issue 13, point 5).
    expect(await api("steering", "/api/segments?year=2023&scope=region")).toEqual({ ...cli, segments: protectSegmentTable(cli.segments, { hideSmallCounts: true }) });
    const hogeland = await api("analyst", "/api/segments?year=2024&scope=GM1966");
    expect(hogeland).toEqual(JSON.parse(JSON.stringify(await reportFor(2024, { kind: "municipality", code: "GM1966" }))));
  });

  it("default to the latest year with data; a bad year is a 400", async () => {
    expect(await api("groningen", "/api/segments")).toMatchObject({ year: 2024, scope: "GM0014", segments: { all: { spending: "4700.00" } } });
    const client = await as("groningen");
    for (const year of ["abc", "1800", "2023.5", "-2023"]) {
      const response = await client.get(`/api/segments?year=${encodeURIComponent(year)}`);
      expect(response.status, year).toBe(400);
      expect(await response.json()).toEqual({ error: "invalid_year" });
    }
  });

  it("give the years with data and the spending series, consistent with the report", async () => {
    const series = (await api("groningen", "/api/segments/series")) as {
      scope: string;
      years: number[];
      series: { year: number; spending: Record<string, string> }[];
    };
    expect(series.scope).toBe("GM0014");
    expect(series.years).toEqual([2024, 2023]);
    expect(series.series.map((s) => s.year)).toEqual([2023, 2024]);
    for (const point of series.series) {
      const report = await reportFor(point.year, { kind: "municipality", code: "GM0014" });
      expect(point.spending).toEqual(Object.fromEntries(Object.entries(report.segments).map(([col, f]) => [col, f.spending])));
    }
    const empty = await api("analyst", "/api/segments/series?scope=GM1950");
    // With the as-of date (today) and how far the figures reach then (issue 14 §2).
    expect(empty).toEqual({ scope: "GM1950", years: [], series: [], asOf: todayInAmsterdam(), dataThrough: null });
  });
});

describe("drill-down", () => {
  it("lists a column's products by spending, and a product's providers", async () => {
    const products = await page("groningen", "/segments/basishulp?year=2023");
    expect(products).toContain("Basishulp: producten");
    const order = [...products.matchAll(/data-testid="product-([0-9A-Z]{5})"/g)].map((m) => m[1]);
    expect(order).toEqual(["45A51", "45A60"]);
    const row = /data-testid="product-45A51">([\s\S]*?)<\/tr>/.exec(products)?.[1] ?? "";
    expect(row).toContain("Gezinsbegeleiding basis");
    expect(row).toContain(eurosCents("1100.00"));
    expect(row).toContain(">2</td>");
    expect(products).toContain('href="/segments/basishulp/45A51?year=2023&amp;scope=GM0014"');
    expect(/data-testid="products-total">([^<]*)</.exec(products)?.[1]).toBe(eurosCents("1600.00"));

    const providers = await page("groningen", "/segments/basishulp/45A51?year=2023");
    expect(providers).toContain("45A51 Gezinsbegeleiding basis: aanbieders");
    const providerOrder = [...providers.matchAll(/data-testid="provider-(\d{8})"/g)].map((m) => m[1]);
    expect(providerOrder).toEqual(["12345678", "22334455"]);
    const first = /data-testid="provider-12345678">([\s\S]*?)<\/tr>/.exec(providers)?.[1] ?? "";
    expect(first).toContain("Stichting Voorbeeld Jeugdhulp");
    expect(first).toContain(eurosCents("900.00"));
    expect(first).toContain(">1</td>");
  });

  it("lists unassigned products with the reason, and catalogue links for RIGG only", async () => {
    const analyst = await page("analyst", "/segments/unassigned?year=2023&scope=GM0014");
    expect([...analyst.matchAll(/data-testid="product-([0-9A-Z]{5})"/g)].map((m) => m[1])).toEqual(["48B01", "42X99"]);
    expect(analyst).toContain("Geen segment voor deze periode");
    expect(analyst).toContain("Niet in de catalogus");
    expect(analyst).toContain('href="/catalog?q=48B01"');
    expect(analyst).toContain('href="/catalog?q=42X99"');
    const viewer = await page("groningen", "/segments/unassigned?year=2023");
    expect(viewer).toContain("Niet in de catalogus");
    expect(viewer).not.toContain("/catalog?q=");
    const unknown = await page("analyst", "/segments/unassigned/42X99?year=2023&scope=GM0014");
    expect(unknown).toContain("Onbekend product");
    expect(unknown).toContain("Praktijk De Linde");
  });

  it("follows the mapping per municipality: 45A60 is basishulp in Groningen but aanvullende hulp elsewhere in 2023", async () => {
    const region = await page("steering", "/segments/aanvullende_hulp?year=2023&scope=region");
    expect([...region.matchAll(/data-testid="product-([0-9A-Z]{5})"/g)].map((m) => m[1])).toEqual(["54001", "45A60"]);
    expect(/data-testid="product-54001">([\s\S]*?)<\/tr>/.exec(region)?.[1]).toContain(eurosCents("11376.54"));
    const providers = await page("steering", "/segments/aanvullende_hulp/54001?year=2023&scope=region");
    expect(providers).toContain("Zorggroep &quot;Het Kompas&quot;; locatie Noord");
    expect(providers).toContain("Stichting Voorbeeld Jeugdhulp");
  });

  it("has its own choice of scope and year, a chart, and downloads of exactly the table shown", async () => {
    const html = await page("analyst", "/segments/basishulp?year=2023&scope=GM0014");
    const filters = html.match(/<form[^>]*data-testid="drilldown-filters"[\s\S]*?<\/form>/)![0];
    expect(filters).toMatch(/<form method="get" action="\/segments\/basishulp"/);
    expect(filters).toContain('role="combobox"');
    expect(filters).toContain('<input type="hidden" name="scope" value="GM0014"/>');
    expect(filters).toMatch(/<select name="year"[^>]*>[\s\S]*<option value="2023" selected="">/);
    expect(html).toContain('data-testid="products-chart"');
    expect(html).toContain("De grafiek toont de 2 grootste van 2 producten naar uitgaven");
    const shown = [...html.matchAll(/data-testid="product-([0-9A-Z]{5})"/g)].map((m) => m[1]);
    const client = await as("analyst");
    const csv = await client.get("/segments/basishulp/download?scope=GM0014&year=2023&format=csv");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("content-disposition")).toContain("producten-basishulp-GM0014-2023.csv");
    const rows = (await csv.text()).replace(/^\uFEFF/, "").trim().split("\r\n").map((line) => line.split(";"));
    const d = nl.segments.drilldown;
    expect(rows[0]).toEqual([d.code, d.product, d.spending, d.clients]);
    expect(rows.slice(1).map((r) => r[0])).toEqual(shown);
    expect(rows.slice(1).find((r) => r[0] === "45A51")).toEqual(["45A51", "Gezinsbegeleiding basis", "1100", "2"]);
    const xlsx = await client.get("/segments/basishulp/download?scope=GM0014&year=2023&format=xlsx");
    expect([xlsx.status, xlsx.headers.get("content-type")]).toEqual([200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]);
    const providers = await client.get("/segments/basishulp/45A51/download?scope=GM0014&year=2023&format=csv");
    const providerRows = (await providers.text()).replace(/^\uFEFF/, "").trim().split("\r\n").map((line) => line.split(";"));
    expect(providerRows.slice(1).map((r) => r[0])).toEqual(["12345678", "22334455"]);
    expect(providerRows[1]).toEqual(["12345678", "Stichting Voorbeeld Jeugdhulp", "900", "1"]);
    // A municipal user: the own scope named, no choice; the own download works.
    const own = await page("groningen", "/segments/basishulp?year=2023");
    expect(own).toContain('data-testid="scope-name"');
    expect(own).not.toContain('role="combobox"');
    expect((await (await as("groningen")).get("/segments/basishulp/download?year=2023&format=csv")).status).toBe(200);
    expect((await client.get("/segments/basishulp/download?scope=GM0014&year=2023&format=pdf")).status).toBe(404);
  });

  it("answers 404 for an unknown column or product, and falls back for a bad year", async () => {
    const client = await as("analyst");
    for (const path of ["/segments/foo", "/segments/segments", "/segments/basishulp/nope", "/segments/basishulp/99Z99?year=2023", "/segments/all/45a51"]) {
      expect((await client.get(path)).status, path).toBe(404);
    }
    expect((await client.get("/segments/all?year=abc")).status).toBe(200);
    expect((await client.get("/segments/basishulp/45A51?year=1800")).status).toBe(200);
  });
});

describe("tenant isolation", () => {
  const foreign = [
    "/segments?scope=GM1966",
    "/segments?scope=region",
    "/segments?scope=GM9999",
    "/segments?year=2023&scope=GM1966",
    "/segments/_index?scope=GM1966",
    "/segments?scope=GM1966&_data=routes%2Fsegments._index",
    "/api/segments?scope=GM1966",
    "/api/segments?scope=region",
    "/api/segments?year=2023&scope=GM1966",
    "/api/segments/series?scope=GM1966",
    "/api/segments/series?scope=region",
    "/segments/aanvullende_hulp?year=2023&scope=GM1966",
    "/segments/aanvullende_hulp?year=2023&scope=region",
    "/segments/aanvullende_hulp/54001?year=2023&scope=GM1966",
    "/segments/unassigned/42X99?scope=region",
    "/segments/aanvullende_hulp/download?year=2023&scope=GM1966&format=csv",
    "/segments/aanvullende_hulp/download?year=2023&scope=region&format=xlsx",
    "/segments/aanvullende_hulp/54001/download?year=2023&scope=GM1966&format=csv",
  ];

  it("gives a municipal user 404 and nothing of another scope", async () => {
    const client = await as("groningen");
    for (const path of foreign) {
      const response = await client.get(path);
      expect(response.status, path).toBe(404);
      const body = await response.text();
      for (const secret of HOGELAND_ONLY) expect(body, `${path}: ${secret}`).not.toContain(secret);
    }
  });

  it("never shows another municipality's providers or amounts on the municipal user's own pages", async () => {
    const paths = [
      "/segments",
      "/segments?year=2023",
      "/segments?scope=GM0014&year=2023",
      "/api/segments?year=2023",
      "/api/segments/series",
      "/segments/aanvullende_hulp?year=2023",
      "/segments/aanvullende_hulp/54001?year=2023",
      "/segments/all?year=2023",
      "/segments/all/54001?year=2024",
    ];
    const client = await as("groningen");
    for (const path of paths) {
      const response = await client.get(path);
      expect(response.status, path).toBe(200);
      const body = await response.text();
      for (const secret of HOGELAND_ONLY) expect(body, `${path}: ${secret}`).not.toContain(secret);
    }
    // And the other way round: Het Hogeland sees its own figures only.
    expect(await api("hogeland", "/api/segments?year=2023")).toEqual(
      JSON.parse(JSON.stringify(await reportFor(2023, { kind: "municipality", code: "GM1966" }))),
    );
    const hogeland = await page("hogeland", "/segments/all?year=2023");
    expect(hogeland).not.toContain("Stichting Voorbeeld Jeugdhulp");
    expect((await (await as("hogeland")).get("/api/segments?scope=GM0014")).status).toBe(404);
  });

  it("gives admins 403 everywhere", async () => {
    const client = await as("admin");
    for (const path of ["/segments", "/segments?scope=region", "/api/segments", "/api/segments/series", "/segments/basishulp", "/segments/basishulp/45A51", ...foreign]) {
      const response = await client.get(path);
      expect(response.status, path).toBe(403);
      const body = await response.text();
      expect(body, path).not.toContain("13050");
    }
    const json = await client.get("/api/segments?year=2023");
    expect(await json.json()).toEqual({ error: "forbidden" });
  });

  it("sends logged-out visitors to the login page; the JSON routes answer 401", async () => {
    const client = new HttpClient(server.baseUrl);
    for (const path of ["/segments?year=2023&scope=region", "/segments/basishulp", "/segments/basishulp/45A51"]) {
      const response = await client.get(path);
      expect(response.status, path).toBe(302);
      expect(response.headers.get("location"), path).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
    }
    for (const path of ["/api/segments?year=2023", "/api/segments/series"]) {
      const response = await client.get(path);
      expect(response.status, path).toBe(401);
      expect(await response.json()).toEqual({ error: "unauthenticated" });
    }
  });
});

import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * The product catalogue over real HTTP: the list with search and segment
 * filter, a product's mapping history, uploading a catalogue file (all or
 * nothing, translated errors), downloads in the import format that read back
 * unchanged, and only RIGG analysts.
 */
let database: TestDatabase;
let server: TestServer;
const users = {
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  englishAnalyst: { email: "english@rigg.test", role: "rigg_analyst" },
  editor: { email: "editor@hogeland.test", role: "municipal_editor", municipalityCode: "GM1966" },
  viewer: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  steering: { email: "member@soo.test", role: "steering_member" },
  admin: { email: "admin@rigg.test", role: "admin" },
} as const;
type Who = keyof typeof users;

const HEADER = "product_code;name_nl;name_en;segment;municipality_code;valid_from;valid_to";
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

let ipCounter = 0;
async function as(who: Who) {
  ipCounter += 1;
  const client = new HttpClient(server.baseUrl, { "x-forwarded-for": `203.0.113.${ipCounter}` });
  const response = await client.logIn(users[who].email);
  expect(response.status).toBe(302);
  return client;
}

/** The catalogue as stored, in a stable order. */
function catalogue() {
  return withTenantScope(database.db, ALL_TENANTS, async (trx) => ({
    products: await trx.selectFrom("product").selectAll().orderBy("code").execute(),
    mappings: await trx
      .selectFrom("product_mapping")
      .select(["product_code", "segment_key", "municipality_code", "valid_from", "valid_to"])
      .orderBy("product_code")
      .orderBy("municipality_code")
      .orderBy("valid_from")
      .execute(),
  }));
}

function auditCount(action: string) {
  return withTenantScope(
    database.db,
    ALL_TENANTS,
    async (trx) => (await trx.selectFrom("audit_event").select("id").where("action", "=", action).execute()).length,
  );
}

function upload(client: HttpClient, content: BlobPart, fileName = "catalogus.csv", type = "text/csv") {
  const body = new FormData();
  body.append("file", new Blob([content], { type }), fileName);
  return client.request("/catalog", { method: "POST", body });
}

const csvOf = (...lines: string[]) => [HEADER, ...lines].join("\r\n");

/** Rows of the product table on the page: code → segment attribute and cells. */
function productRows(html: string): Map<string, string> {
  const table = html.match(/<table data-testid="catalog-products">[\s\S]*?<\/table>/)?.[0] ?? "";
  return new Map([...table.matchAll(/<tr data-code="([^"]+)" data-segment="([^"]+)">/g)].map((m) => [m[1]!, m[2]!]));
}

describe("the catalogue page", () => {
  it("lists every product with its category, current regional segment and overrides", async () => {
    const analyst = await as("analyst");
    const response = await analyst.get("/catalog");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<h1>Productcatalogus</h1>");
    const rows = productRows(html);
    expect(rows.size).toBe(29);
    expect(rows.get("45A51")).toBe("basishulp");
    expect(rows.get("48B01")).toBe("none");
    expect(html).toContain("29 van 29 producten");
    expect(html).toMatch(
      /<th scope="row"><a [^>]*href="\/catalog\/45A51">45A51<\/a><\/th><td lang="nl">Gezinsbegeleiding basis<\/td><td lang="en">Family guidance, basic<\/td><td>45<!-- --> <!-- -->Jeugdhulp ambulant<\/td><td>Basishulp jeugd en gezin<\/td><td class="num">0<\/td>/,
    );
    expect(html).toContain("Geen segment (niet toegedeeld)");
    // A GET form with labelled fields, and both downloads.
    expect(html).toMatch(/<form method="get" action="\/catalog" class="filters" role="search"/);
    expect(html).toMatch(/<label>Zoek op code of naam<input type="search" name="q"/);
    expect(html).toMatch(/<label>Huidig regionaal segment<select name="segment">/);
    expect(html).toContain('href="/catalog/download.csv"');
    expect(html).toContain('href="/catalog/download.xlsx"');
    expect(html).toMatch(/<label>Catalogusbestand \(CSV of XLSX\)<input type="file" name="file"/);
  });

  it("searches code and both names, case-insensitively, and filters by segment", async () => {
    const analyst = await as("analyst");
    const page = async (query: string) => productRows(await (await analyst.get(`/catalog?${query}`)).text());
    expect([...(await page("q=45a5")).keys()]).toEqual(["45A51", "45A53", "45A54", "45A56"]);
    expect([...(await page("q=pleegzorg")).keys()]).toEqual(["44P01"]);
    expect([...(await page("q=FOSTER")).keys()]).toEqual(["44P01"]);
    expect([...(await page("segment=wonen")).keys()]).toEqual(["44G01", "44P01", "44R4C"]);
    expect([...(await page("segment=none")).keys()]).toEqual(["42V01", "47R01", "48B01"]);
    expect([...(await page("segment=hsj&q=crisis")).keys()]).toEqual(["46C01"]);
    expect((await page("q=nothing-like-this")).size).toBe(0);
    // An unknown segment is no filter at all.
    expect((await page("segment=bogus")).size).toBe(29);
    const html = await (await analyst.get("/catalog?segment=none&q=jeugd")).text();
    expect(html).toContain("2 van 29 producten");
    expect(html).toMatch(/<option value="none" selected="">Niet toegedeeld<\/option>/);
    expect(html).toContain('value="jeugd"');
  });
});

describe("uploading a catalogue", () => {
  it("stores a valid file, reports the counts, and the history page shows every row by date", async () => {
    const analyst = await as("analyst");
    const csv = csvOf(
      "45A60;Ambulante behandeling LVB;Ambulatory treatment, mild intellectual disability;aanvullende_hulp;;2015-01-01;2023-12-31",
      "45A60;Ambulante behandeling LVB;Ambulatory treatment, mild intellectual disability;basishulp;;2024-01-01;",
      "45A60;Ambulante behandeling LVB;Ambulatory treatment, mild intellectual disability;basishulp;GM0014;2023-01-01;2023-12-31",
      "45A60;Ambulante behandeling LVB;Ambulatory treatment, mild intellectual disability;;GM1966;2024-01-01;",
      "49X01;Preventief justitieel;Preventive justice activities;;;2020-01-01;",
    );
    const response = await upload(analyst, csv, "catalogus-2026.csv");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Catalogus ingelezen: 2 producten met 5 indelingsregels.");
    // The list already follows the new mapping.
    const rows = productRows(html);
    expect(rows.get("45A60")).toBe("basishulp");
    expect(rows.get("49X01")).toBe("none");
    expect(html).toMatch(/href="\/catalog\/45A60">45A60<\/a>[\s\S]*?<td class="num">2<\/td>/);

    const stored = (await catalogue()).mappings.filter((m) => m.product_code === "45A60");
    expect(stored).toHaveLength(4);

    const history = await analyst.get("/catalog/45A60");
    expect(history.status).toBe(200);
    const page = await history.text();
    expect(page).toContain("Indelingsgeschiedenis van 45A60");
    const table = page.match(/<table data-testid="product-history"[\s\S]*?<\/table>/)![0];
    const order = [...table.matchAll(/<tr data-municipality="([^"]*)" data-from="([^"]+)"/g)].map(
      (m) => `${m[1] || "regio"} ${m[2]}`,
    );
    expect(order).toEqual(["regio 2015-01-01", "GM0014 2023-01-01", "regio 2024-01-01", "GM1966 2024-01-01"]);
    expect(table).toContain(
      "<td>1 januari 2015</td><td>31 december 2023</td><td>Regio (standaard)</td><td>Aanvullende hulp jeugd en gezin</td>",
    );
    expect(table).toContain(
      "<td>1 januari 2023</td><td>31 december 2023</td><td>Groningen</td><td>Basishulp jeugd en gezin</td>",
    );
    expect(table).toContain(
      "<td>1 januari 2024</td><td>geen einddatum</td><td>Het Hogeland</td><td>Geen segment (niet toegedeeld)</td><td>ja</td>",
    );

    // In English too.
    const english = await as("englishAnalyst");
    await english.post("/language", { language: "en", redirectTo: "/" });
    const en = await (await english.get("/catalog/45A60")).text();
    expect(en).toContain("Mapping history of 45A60");
    expect(en).toContain("<td>Region (default)</td><td>Additional youth and family help</td>");

    expect((await analyst.get("/catalog/99Z99")).status).toBe(404);
    expect((await analyst.get("/catalog/not-a-code")).status).toBe(404);
  });

  it("refuses a file with overlapping rows, naming both lines, and stores nothing", async () => {
    const analyst = await as("analyst");
    const before = await catalogue();
    const audits = await auditCount("catalog.import");
    const csv = csvOf(
      "45A51;Gezinsbegeleiding basis;Family guidance, basic;basishulp;;2015-01-01;2024-06-30",
      "45A51;Gezinsbegeleiding basis;Family guidance, basic;aanvullende_hulp;;2024-06-01;",
      "45A52;Nieuw;New;jeugdzorg;GM9999;2024-01-01;2023-01-01",
    );
    const response = await upload(analyst, csv, "overlap.csv");
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("De catalogus is niet ingelezen. Er is niets opgeslagen.");
    const errors = html.match(/<table data-testid="catalog-errors">[\s\S]*?<\/table>/)![0];
    expect(errors).toContain(
      '<tr data-code="overlapping_validity"><td class="num">3</td><td><code>valid_from</code></td><td>Geldigheid overlapt met regel 2 (zelfde product en gemeente of regio); laat de ene periode eindigen op de dag voordat de andere begint</td>',
    );
    expect(errors).toContain(
      '<tr data-code="unknown_segment"><td class="num">4</td><td><code>segment</code></td><td>Onbekend segment',
    );
    expect(errors).toContain("<td>Onbekende gemeente</td><td><code>GM9999</code></td>");
    // Never the service's English text.
    expect(errors).not.toMatch(/overlaps line|is not a|with no end/);
    expect(await catalogue()).toEqual(before);
    expect(await auditCount("catalog.import")).toBe(audits + 1);
  });

  it("translates every kind of problem, including unreadable files", async () => {
    const analyst = await as("analyst");
    const before = await catalogue();
    const cases: [BlobPart, string, string][] = [
      ["product_code;naam;segment\n45A51;x;basishulp\n", "missing.csv", "Verplichte kolom ontbreekt in de kopregel"],
      [`${HEADER}\n`, "empty-rows.csv", "Het bestand bevat alleen een kopregel, geen producten"],
      [new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), "broken.xlsx", "Het Excelbestand kan niet worden gelezen"],
      [
        csvOf("45A51;A;B;basishulp;;2015-01-01;", "45A51;A;C;basishulp;GM0014;2015-01-01;"),
        "names.csv",
        "Naam wijkt af van regel 2 voor hetzelfde product",
      ],
      [csvOf("99A51;A;B;basishulp;;01-01-2015;"), "dates.csv", "Ongeldige datum (verwacht JJJJ-MM-DD, bijv. 2024-01-01)"],
    ];
    for (const [content, name, text] of cases) {
      const response = await upload(analyst, content, name);
      expect(response.status, name).toBe(400);
      expect(await response.text(), name).toContain(text);
    }
    expect(await catalogue()).toEqual(before);
  });

  it("asks for a file, and refuses one over the size limit", async () => {
    const analyst = await as("analyst");
    const before = await catalogue();
    const empty = new FormData();
    const none = await analyst.request("/catalog", { method: "POST", body: empty });
    expect(none.status).toBe(400);
    expect(await none.text()).toContain("Kies een bestand.");
    const big = HEADER + "\n" + "45A51;Gezinsbegeleiding basis;Family guidance, basic;basishulp;;2015-01-01;\n".repeat(80_000);
    const response = await upload(analyst, big, "huge.csv");
    expect(response.status).toBe(413);
    expect(await response.text()).toContain("Het bestand is groter dan 5 MB. Er is niets opgeslagen.");
    expect(await catalogue()).toEqual(before);
  });
});

describe("downloading the catalogue", () => {
  it("writes CSV as Excel does (BOM, ;, CRLF) in the import format, and it reads back unchanged", async () => {
    const analyst = await as("analyst");
    const before = await catalogue();
    const response = await analyst.get("/catalog/download.csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="catalogus-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    expect(text.startsWith(`${HEADER}\r\n`)).toBe(true);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toContain("\n");
    expect(text).toContain("\r\n45A51;Gezinsbegeleiding basis;Family guidance, basic;basishulp;;2015-01-01;\r\n");
    expect(text).toContain("\r\n48B01;Jeugdbescherming;Youth protection;;;2015-01-01;\r\n");
    const lines = text.trimEnd().split("\r\n");
    expect(lines).toHaveLength(1 + before.mappings.length);

    const again = await upload(analyst, bytes, "catalogus-terug.csv");
    expect(again.status).toBe(200);
    expect(await again.text()).toContain(
      `Catalogus ingelezen: ${before.products.length} producten met ${before.mappings.length} indelingsregels.`,
    );
    expect(await catalogue()).toEqual(before);
  });

  it("writes XLSX in the import format, text cells only, and it reads back unchanged", async () => {
    const analyst = await as("analyst");
    const before = await catalogue();
    const response = await analyst.get("/catalog/download.xlsx");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(XLSX_TYPE);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="catalogus-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes.buffer as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, ...HEADER.split(";")]);
    expect(sheet.rowCount).toBe(1 + before.mappings.length);
    // Product codes that look like numbers stay text.
    const row54001 = sheet.getRows(2, sheet.rowCount - 1)!.find((row) => row.getCell(1).value === "54001");
    expect(row54001?.getCell(1).type).toBe(ExcelJS.ValueType.String);

    const again = await upload(analyst, bytes, "catalogus-terug.xlsx", XLSX_TYPE);
    expect(again.status).toBe(200);
    expect(await catalogue()).toEqual(before);
  });

  it("escapes names that a spreadsheet would run as a formula", async () => {
    const analyst = await as("analyst");
    const csv = csvOf(
      '55F01;"=HYPERLINK(""http://evil.test"";""klik"")";+31 jeugd;;;2024-01-01;',
      "55F02;-Min;@Mention;;;2024-01-01;",
    );
    const response = await upload(analyst, csv, "formulas.csv");
    expect(response.status).toBe(200);

    const text = new TextDecoder().decode(new Uint8Array(await (await analyst.get("/catalog/download.csv")).arrayBuffer()));
    expect(text).toContain(`\r\n55F01;"'=HYPERLINK(""http://evil.test"";""klik"")";'+31 jeugd;;;2024-01-01;\r\n`);
    expect(text).toContain("\r\n55F02;'-Min;'@Mention;;;2024-01-01;\r\n");
    expect(text).not.toMatch(/;=HYPERLINK/);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await (await analyst.get("/catalog/download.xlsx")).arrayBuffer()) as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const row = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(1).value === "55F01")!;
    expect(row.getCell(2).value).toBe(`'=HYPERLINK("http://evil.test";"klik")`);
    expect(row.getCell(2).type).toBe(ExcelJS.ValueType.String);
    expect(row.getCell(3).value).toBe("'+31 jeugd");
  });
});

describe("other roles", () => {
  for (const who of ["viewer", "editor", "steering", "admin"] as const) {
    it(`give a ${users[who].role} 403 on every catalogue page and download, and change nothing`, async () => {
      const client = await as(who);
      const before = await catalogue();
      const audits = await auditCount("catalog.import");
      for (const path of ["/catalog", "/catalog?q=45", "/catalog/45A51", "/catalog/download.csv", "/catalog/download.xlsx"]) {
        expect((await client.get(path)).status, path).toBe(403);
      }
      const response = await upload(client, csvOf("45A51;Hacked;Hacked;hsj;;2015-01-01;"), "sneaky.csv");
      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain("Hacked");
      expect((await client.post("/catalog/download.csv", {})).status).toBe(403);
      expect(await catalogue()).toEqual(before);
      expect(await auditCount("catalog.import")).toBe(audits);
    });
  }

  it("send a visitor without a session to the login page", async () => {
    const visitor = new HttpClient(server.baseUrl);
    const response = await visitor.get("/catalog/download.csv");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/login\?redirectTo=%2Fcatalog%2Fdownload\.csv/);
  });
});

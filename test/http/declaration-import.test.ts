import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * Declaration imports over real HTTP: the upload to `/api/imports` with a
 * background job that the page polls, the same import without JavaScript,
 * translated refusals (never a BSN), files counted once, the size limit, the
 * batch history with rollback, and only RIGG analysts.
 */
let database: TestDatabase;
let server: TestServer;
let small: TestServer;
const dataDir = mkdtempSync(path.join(tmpdir(), "jr-imports-"));
const smallDataDir = mkdtempSync(path.join(tmpdir(), "jr-imports-small-"));
const users = {
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  colleague: { email: "colleague@rigg.test", role: "rigg_analyst" },
  editor: { email: "editor@hogeland.test", role: "municipal_editor", municipalityCode: "GM1966" },
  viewer: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  steering: { email: "member@soo.test", role: "steering_member" },
  admin: { email: "admin@rigg.test", role: "admin" },
} as const;
type Who = keyof typeof users;

const HEADER = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount;units";
// The shared example file: UTF-8 BOM, CRLF, ";" and decimal comma, a credit line, a quoted name.
const EXAMPLE =
  "\uFEFF" +
  [
    HEADER,
    "2024-01;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A51;K3f9a01c2d4;1.234,56;12",
    "2024-01;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A51;K3f9a01c2d4;-234,56;-2",
    '2024-01;GM1966;87654321;"Zorggroep ""Het Kompas""; locatie Noord";54001;K77b21e0a90;845,00;6',
    "2024-02;GM1969;11223344;Pleegzorg Voorbeeld;44P01;K0c4d5e6f7a;3.310,40;29",
    "2024-02;GM0037;55667788;Praktijk De Linde;41A01;K9e8d7c6b5a;2.100,00;20",
  ].join("\r\n") +
  "\r\n";
const BAD_BSN = "123456789";
const GOOD_BSN = "111222333";

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db, { DATA_DIR: dataDir }, { bulk: database.bulk });
  small = await startTestServer(database.db, { DATA_DIR: smallDataDir, IMPORT_MAX_MB: "1" });
  for (const user of Object.values(users)) await addUser(database.db, user);
});
afterAll(async () => {
  await server?.close();
  await small?.close();
  await database?.close();
});

let ipCounter = 0;
async function as(who: Who, on: TestServer = server) {
  ipCounter += 1;
  const client = new HttpClient(on.baseUrl, { "x-forwarded-for": `198.51.100.${ipCounter}` });
  const response = await client.logIn(users[who].email);
  expect(response.status).toBe(302);
  return client;
}

function form(content: BlobPart, fileName: string, fields: Record<string, string> = {}, type = "text/csv") {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  body.append("file", new Blob([content], { type }), fileName);
  return body;
}

function uploadApi(client: HttpClient, content: BlobPart, fileName: string, fields: Record<string, string> = {}) {
  return client.request("/api/imports", {
    method: "POST",
    body: form(content, fileName, fields),
    headers: { Accept: "application/json" },
  });
}

function uploadPage(client: HttpClient, content: BlobPart, fileName: string, fields: Record<string, string> = {}) {
  return client.request("/imports", { method: "POST", body: form(content, fileName, fields) });
}

interface JobJson {
  jobId: string;
  status: "running" | "done" | "failed";
  fileName: string;
  progress: { phase: string; bytesRead: number; totalBytes: number | null; rows: number };
  outcome: Record<string, unknown> & { kind: string };
}

/** Polls the job like the page does, until it has finished. */
async function waitForJob(client: HttpClient, jobId: string): Promise<{ job: JobJson; raw: string; polls: number }> {
  for (let polls = 1; polls < 400; polls++) {
    const response = await client.get(`/api/imports/${jobId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const raw = await response.text();
    const job = JSON.parse(raw) as JobJson;
    expect(job.jobId).toBe(jobId);
    if (job.status !== "running") return { job, raw, polls };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the job did not finish");
}

async function importViaApi(client: HttpClient, content: BlobPart, fileName: string, fields: Record<string, string> = {}) {
  const response = await uploadApi(client, content, fileName, fields);
  expect(response.status).toBe(202);
  const body = (await response.json()) as { jobId: string };
  expect(body.jobId).toMatch(/^[0-9a-f-]{36}$/);
  return { jobId: body.jobId, ...(await waitForJob(client, body.jobId)) };
}

/** Everything an import or rollback could change. */
function state() {
  return withTenantScope(database.db, ALL_TENANTS, async (trx) => ({
    batches: await trx.selectFrom("import_batch").select(["id", "status", "line_count", "total_amount"]).orderBy("id").execute(),
    perMunicipality: await trx
      .selectFrom("import_batch_municipality")
      .selectAll()
      .orderBy("batch_id")
      .orderBy("municipality_code")
      .execute(),
    declarations: Number(
      (await sql<{ n: number }>`select count(*)::int as n from declaration where superseded_by is null`.execute(trx)).rows[0]!.n,
    ),
    allDeclarations: Number((await sql<{ n: number }>`select count(*)::int as n from declaration`.execute(trx)).rows[0]!.n),
    providers: (await trx.selectFrom("provider").select("code").orderBy("code").execute()).map((p) => p.code),
    audit: (await trx.selectFrom("audit_event").select("id").execute()).length,
  }));
}

/** Files in the upload folder, except the one a test below puts there on purpose. */
const uploadsLeft = (dir: string) => {
  try {
    return readdirSync(path.join(dir, "uploads")).filter((name) => name !== "notes.txt");
  } catch {
    return [];
  }
};

let firstBatchId = "";

describe("the import page", () => {
  it("has a labelled upload form that works without JavaScript", async () => {
    const analyst = await as("analyst");
    const response = await analyst.get("/imports");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<h1>Declaraties importeren</h1>");
    expect(html).toMatch(/<form method="post" action="\/imports" enctype="multipart\/form-data"/i);
    expect(html).toMatch(/<label>Declaratiebestand \(CSV of XLSX\)<input type="file" name="file"/);
    expect(html).toContain("CSV of XLSX, maximaal 200 MB.");
    expect(html).toMatch(
      /<fieldset class="choices"><legend>Wijze van inlezen<\/legend><label><input type="radio" name="mode" [^>]*checked="" value="append"\/>Toevoegen<\/label>/,
    );
    expect(html).toMatch(/<label><input type="radio" name="mode" [^>]*value="replace"\/>Vervangen<\/label>/);
    expect(html).toMatch(/<label>Decimaalteken van bedragen<select name="decimal">/);
    expect(html).toContain('<option value="comma">Komma (1.234,56)</option>');
    expect(html).toContain("Er zijn nog geen declaraties geïmporteerd.");
  });
});

describe("an upload through /api/imports", () => {
  it("starts a job, reports progress, and ends with the batch and its totals per municipality", async () => {
    const analyst = await as("analyst");
    const before = await state();
    const { job, raw } = await importViaApi(analyst, EXAMPLE, "declaraties-2024-01.csv");
    expect(job.status).toBe("done");
    expect(job.fileName).toBe("declaraties-2024-01.csv");
    expect(job.progress).toMatchObject({ phase: "done", totalBytes: new TextEncoder().encode(EXAMPLE).length });
    expect(job.outcome).toMatchObject({
      kind: "imported",
      fileName: "declaraties-2024-01.csv",
      mode: "append",
      lines: 5,
      totalAmount: "7255.40",
      replacedLines: 0,
      newProviders: 4,
      unknownProducts: [],
      perMunicipality: [
        { code: "GM0014", name: "Groningen", lines: 2, amount: "1000.00" },
        { code: "GM0037", name: "Stadskanaal", lines: 1, amount: "2100.00" },
        { code: "GM1966", name: "Het Hogeland", lines: 1, amount: "845.00" },
        { code: "GM1969", name: "Westerkwartier", lines: 1, amount: "3310.40" },
      ],
    });
    // The answer carries codes, never the service's English messages.
    expect(raw).not.toContain('"message"');
    firstBatchId = job.outcome.batchId as string;

    const after = await state();
    expect(after.batches).toHaveLength(before.batches.length + 1);
    expect(after.declarations).toBe(before.declarations + 5);
    // The temporary file is gone.
    expect(uploadsLeft(dataDir)).toEqual([]);

    // The batch is listed on the page, newest first, with its totals.
    const page = await (await analyst.get("/imports")).text();
    const row = page.match(new RegExp(`<tr data-batch-id="${firstBatchId}" data-status="committed">[\\s\\S]*?</tr>`))![0];
    expect(row).toContain(
      '<th scope="row">declaraties-2024-01.csv</th><td>analyst@rigg.test</td><td>Toevoegen</td><td class="num">5</td>',
    );
    expect(row).toMatch(/<td class="num">€\s7\.255,40<\/td>/);
    expect(row).toContain("Telt mee");
    expect(row).toContain(`href="/imports/batches/${firstBatchId}/rollback"`);

    const detail = await analyst.get(`/imports/batches/${firstBatchId}`);
    expect(detail.status).toBe(200);
    const html = await detail.text();
    expect(html).toContain("Import van declaraties-2024-01.csv");
    const table = html.match(/<table data-testid="batch-municipalities"[\s\S]*?<\/table>/)![0];
    expect(table).toMatch(
      /<tr data-code="GM0014"><th scope="row">Groningen<\/th><td class="num">2<\/td><td class="num">€\s1\.000,00<\/td><td>2024-01<\/td><\/tr>/,
    );
    expect(table).toMatch(
      /<tr data-code="GM1969"><th scope="row">Westerkwartier<\/th><td class="num">1<\/td><td class="num">€\s3\.310,40<\/td><td>2024-02<\/td><\/tr>/,
    );
    expect(html).toMatch(/data-testid="batch-current-lines">5</);
  });

  it("lets another analyst follow the job, but nobody sees an unknown job", async () => {
    const analyst = await as("analyst");
    const colleague = await as("colleague");
    const response = await uploadApi(
      analyst,
      `${HEADER}\r\n2024-03;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A51;K3f9a01c2d4;10,00;1\r\n`,
      "maart.csv",
    );
    expect(response.status).toBe(202);
    const { jobId } = (await response.json()) as { jobId: string };
    const { job } = await waitForJob(colleague, jobId);
    expect(job.outcome).toMatchObject({ kind: "imported", lines: 1 });
    expect((await analyst.get(`/api/imports/${jobId}`)).status).toBe(200);
    expect((await analyst.get("/api/imports/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await analyst.get("/api/imports/not-a-job")).status).toBe(404);
  });

  it("refuses an invalid file with line numbers and translated reasons, never shows a BSN, and stores nothing", async () => {
    const analyst = await as("analyst");
    const before = await state();
    const csv = [
      "period;municipality_code;provider_code;provider_name;product_code;client_bsn;amount;units",
      `2024-04;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A51;${GOOD_BSN};1.234,56;12`,
      `2024-04;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A51;${GOOD_BSN};1,234.56;12`,
      `2024-04;GM9999;12345678;Stichting Voorbeeld Jeugdhulp;45A51;${GOOD_BSN};10,00;1`,
      `2024-04;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A51;${BAD_BSN};10,00;1`,
      `2024-04;GM1966;99999999;Nieuwe Aanbieder;45A51;${GOOD_BSN};5,00;1`,
    ].join("\r\n");
    const { jobId, job, raw } = await importViaApi(analyst, csv, "fouten.csv");
    expect(job.status).toBe("done");
    expect(job.outcome).toMatchObject({ kind: "rejected", reason: "invalid", total: 3 });
    const outcome = job.outcome as unknown as {
      errors: { line: number; column: string; code: string; value?: string }[];
      countsByCode: Record<string, number>;
      errorsCsvUrl: string;
    };
    expect(outcome.errors).toEqual([
      { line: 3, column: "amount", code: "invalid_amount", value: "1,234.56" },
      { line: 4, column: "municipality_code", code: "unknown_municipality", value: "GM9999" },
      { line: 5, column: "client_bsn", code: "invalid_bsn" },
    ]);
    expect(outcome.countsByCode).toEqual({ invalid_amount: 1, unknown_municipality: 1, invalid_bsn: 1 });
    expect(raw).not.toContain(BAD_BSN);
    expect(raw).not.toContain(GOOD_BSN);
    expect(raw).not.toContain('"message"');
    expect(outcome.errorsCsvUrl).toBe(`/api/imports/${jobId}/errors.csv`);

    // The full list as CSV for Excel, translated, without the BSN.
    const download = await analyst.get(outcome.errorsCsvUrl);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(download.headers.get("content-disposition")).toBe('attachment; filename="import-errors.csv"');
    // Read the bytes: Response.text() would drop the BOM.
    const csvText = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await download.arrayBuffer());
    expect(csvText).toBe(
      "\uFEFF" +
        [
          "regel;kolom;code;probleem;waarde",
          '3;amount;invalid_amount;"Ongeldig bedrag voor dit bestand (let op het decimaalteken; hoogstens 2 decimalen)";1,234.56',
          "4;municipality_code;unknown_municipality;Onbekende gemeente;GM9999",
          "5;client_bsn;invalid_bsn;Ongeldig BSN (moet 9 cijfers hebben en de elfproef doorstaan);",
        ].join("\r\n") +
        "\r\n",
    );
    expect(csvText).not.toContain(BAD_BSN);

    const after = await state();
    expect({ ...after, audit: 0 }).toEqual({ ...before, audit: 0 });
    expect(after.audit).toBe(before.audit + 1); // the refusal is audited
    expect(after.providers).not.toContain("99999999");
    expect(uploadsLeft(dataDir)).toEqual([]);
  });

  it("refuses the same file a second time, saying when and by whom it was imported", async () => {
    const colleague = await as("colleague");
    const before = await state();
    const { job } = await importViaApi(colleague, EXAMPLE, "zelfde-bestand.csv");
    expect(job.outcome).toMatchObject({
      kind: "rejected",
      reason: "duplicate_file",
      duplicateOf: { batchId: firstBatchId, importedBy: users.analyst.email },
      errorsCsvUrl: null,
    });
    const after = await state();
    expect(after.batches).toEqual(before.batches);
    expect(after.declarations).toBe(before.declarations);

    // Without JavaScript, the page says so in words.
    const response = await uploadPage(colleague, EXAMPLE, "zelfde-bestand.csv");
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Het bestand zelfde-bestand.csv is niet geïmporteerd. Er is niets opgeslagen.");
    expect(html).toMatch(
      /Dit bestand is al eerder geïmporteerd, op \d{1,2} [a-z]+ \d{4}[^<]* door analyst@rigg\.test\. Hetzelfde bestand telt maar één keer\./,
    );
    expect(html).toContain(`href="/imports/batches/${firstBatchId}"`);
    expect((await state()).batches).toEqual(before.batches);
  });

  it("reads a file with a point as decimal separator when told so, and XLSX files", async () => {
    const analyst = await as("analyst");
    const csv = `${HEADER}\r\n2024-05;GM1950;12345678;Stichting Voorbeeld Jeugdhulp;45A51;Kpoint01;1,234.56;1.5\r\n`;
    const { job } = await importViaApi(analyst, csv, "punt.csv", { decimal: "point" });
    expect(job.outcome).toMatchObject({ kind: "imported", totalAmount: "1234.56" });

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Declaraties");
    sheet.addRow(HEADER.split(";"));
    sheet.addRow(["2024-05", "GM0047", "12345678", "Stichting Voorbeeld Jeugdhulp", "45A51", "Kxlsx01", 99.99, 1]);
    const bytes = new Uint8Array((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
    const { job: xlsx } = await importViaApi(analyst, bytes, "declaraties.xlsx");
    expect(xlsx.outcome).toMatchObject({
      kind: "imported",
      lines: 1,
      totalAmount: "99.99",
      perMunicipality: [{ code: "GM0047", name: "Veendam" }],
    });

    const bad = await uploadApi(analyst, csv, "x.csv", { decimal: "semicolon" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ problem: "invalidOptions" });
    expect(uploadsLeft(dataDir)).toEqual([]);
  });
});

describe("temporary files", () => {
  it("are removed when a crash left them behind, but not other files or fresh uploads", async () => {
    const analyst = await as("analyst");
    const uploads = path.join(dataDir, "uploads");
    mkdirSync(uploads, { recursive: true });
    const stale = "upload-0f0e0d0c-0b0a-4908-8706-050403020100.csv";
    const fresh = "upload-1f0e0d0c-0b0a-4908-8706-050403020100.csv";
    writeFileSync(path.join(uploads, stale), `${HEADER}\r\n`);
    writeFileSync(path.join(uploads, fresh), `${HEADER}\r\n`);
    writeFileSync(path.join(uploads, "notes.txt"), "not ours");
    const yesterday = new Date(Date.now() - 24 * 60 * 60 * 1000);
    utimesSync(path.join(uploads, stale), yesterday, yesterday);
    utimesSync(path.join(uploads, "notes.txt"), yesterday, yesterday);
    const { job } = await importViaApi(
      analyst,
      `${HEADER}\r\n2024-08;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A51;Ktmp01;1,00;1\r\n`,
      "tmp.csv",
    );
    expect(job.outcome).toMatchObject({ kind: "imported" });
    expect(uploadsLeft(dataDir)).toEqual([fresh]);
    writeFileSync(path.join(uploads, fresh), "");
    for (const name of [fresh, "notes.txt"]) utimesSync(path.join(uploads, name), yesterday, yesterday);
    await importViaApi(
      analyst,
      `${HEADER}\r\n2024-08;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A51;Ktmp02;1,00;1\r\n`,
      "tmp2.csv",
    );
    expect(uploadsLeft(dataDir)).toEqual([]);
    expect(readdirSync(uploads)).toEqual(["notes.txt"]);
  });
});

describe("an upload without JavaScript", () => {
  it("imports while the browser waits and shows the same result, with notices translated", async () => {
    const analyst = await as("analyst");
    const before = await state();
    const csv = `${HEADER};opmerking\r\n2024-01;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A51;Kextra01;50,00;1;nagekomen\r\n`;
    const response = await uploadPage(analyst, csv, "nagekomen.csv", { mode: "append", decimal: "auto" });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("1 regels uit nagekomen.csv geïmporteerd, samen €");
    expect(html).toMatch(
      /<tr data-code="GM0014"><th scope="row">Groningen<\/th><td class="num">1<\/td><td class="num">€\s50,00<\/td><\/tr>/,
    );
    const notices = html.match(/<table data-testid="import-notices">[\s\S]*?<\/table>/)![0];
    expect(notices).toContain("<td><code>opmerking</code></td><td>Onbekende kolom genegeerd</td>");
    expect(notices).toContain(
      "Voor deze gemeenten en maanden waren al regels geladen; de nieuwe regels zijn erbij geteld, niet vervangen (kies &#x27;Vervangen&#x27; voor een herlevering): GM0014 2024-01",
    );
    // The history below already lists it.
    expect(html).toMatch(/<th scope="row">nagekomen\.csv<\/th>/);
    expect((await state()).declarations).toBe(before.declarations + 1);
    expect(uploadsLeft(dataDir)).toEqual([]);
  });

  it("summarises a long 'already loaded' list in the sentence, with every municipality and month behind a disclosure", async () => {
    const analyst = await as("analyst");
    const lines = (suffix: string) =>
      ["GM0014", "GM1966"].flatMap((code) =>
        Array.from({ length: 12 }, (_, m) => `2022-${String(m + 1).padStart(2, "0")};${code};12345678;Stichting Voorbeeld Jeugdhulp;45A51;K${code}${m}${suffix};10,00;1`),
      );
    expect((await uploadPage(analyst, [HEADER, ...lines("a")].join("\r\n"), "jaar-2022.csv", { mode: "append" })).status).toBe(200);
    const response = await uploadPage(analyst, [HEADER, ...lines("b")].join("\r\n"), "jaar-2022-nagekomen.csv", { mode: "append" });
    expect(response.status).toBe(200);
    const notices = (await response.text()).match(/<table data-testid="import-notices">[\s\S]*?<\/table>/)![0];
    expect(notices).toContain("(kies &#x27;Vervangen&#x27; voor een herlevering): 24 combinaties van 2 gemeenten, 2022-01 t/m 2022-12");
    expect(notices).toContain("<summary>Alle gemeenten en maanden tonen</summary>");
    expect(notices).toContain("<li><code>GM0014</code>: 2022-01, 2022-02, 2022-03, 2022-04, 2022-05, 2022-06, 2022-07, 2022-08, 2022-09, 2022-10, 2022-11, 2022-12</li>");
    expect(notices).toContain("<li><code>GM1966</code>: 2022-01,");
    // Not the 24 pairs in one line any more.
    expect(notices).not.toContain("GM0014 2022-01, GM0014 2022-02");
  });

  it("replaces the lines of the same municipalities and months in replace mode", async () => {
    const analyst = await as("analyst");
    const before = await state();
    const csv = `${HEADER}\r\n2024-02;GM1969;11223344;Pleegzorg Voorbeeld;44P01;K0c4d5e6f7a;3.000,00;28\r\n`;
    const response = await uploadPage(analyst, csv, "herlevering.csv", { mode: "replace", decimal: "comma" });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("1 eerdere regels van dezelfde gemeenten en maanden zijn vervangen.");
    expect(html).toContain("<td>Vervangen</td>");
    expect((await state()).declarations).toBe(before.declarations); // one out, one in
  });

  it("shows refusals with the translated error table and the CSV link", async () => {
    const analyst = await as("analyst");
    const before = await state();
    const csv = `${HEADER}\r\n2024-13;GM0014;123;;45A51;K1;abc;1\r\n`;
    const response = await uploadPage(analyst, csv, "kapot.csv");
    expect(response.status).toBe(400);
    const html = await response.text();
    const errors = html.match(/<table data-testid="import-errors">[\s\S]*?<\/table>/)![0];
    expect(errors).toContain(
      '<tr data-code="invalid_period"><td class="num">2</td><td><code>period</code></td><td>Ongeldige periode',
    );
    expect(errors).toContain(
      "<td>Ongeldige AGB-code (verwacht precies 8 cijfers; let op een weggevallen voorloopnul in Excel)</td><td><code>123</code></td>",
    );
    expect(errors).toContain("<td>Naam van de aanbieder ontbreekt of is langer dan 200 tekens</td>");
    expect(html).toContain("4 van 4 fouten getoond.");
    expect(html).toMatch(
      /<a href="\/api\/imports\/[0-9a-f-]{36}\/errors\.csv" download="" data-testid="errors-csv">Download alle fouten \(CSV\)<\/a>/,
    );
    expect(html).not.toMatch(/is not a valid|Line 2:/);
    expect((await state()).batches).toEqual(before.batches);
  });

  it("asks for a file when none was chosen", async () => {
    const analyst = await as("analyst");
    const empty = await analyst.request("/imports", { method: "POST", body: new FormData() });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toMatch(
      /name="file"[^>]*aria-invalid="true"[^>]*aria-describedby="file-error file-hint"[\s\S]*Kies een bestand\./,
    );
    const api = await analyst.request("/api/imports", { method: "POST", body: new FormData() });
    expect(api.status).toBe(400);
    expect(await api.json()).toEqual({ problem: "noFile" });
  });
});

describe("the size limit", () => {
  const big =
    `${HEADER}\r\n` + "2024-06;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A51;K3f9a01c2d4;10,00;1\r\n".repeat(16_000);

  it("refuses a file over IMPORT_MAX_MB with 413, on the API and on the page, and stores nothing", async () => {
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const analyst = await as("analyst", small);
    const before = await state();
    const api = await uploadApi(analyst, big, "te-groot.csv");
    expect(api.status).toBe(413);
    expect(await api.json()).toEqual({ problem: "tooLarge" });

    const page = await uploadPage(analyst, big, "te-groot.csv");
    expect(page.status).toBe(413);
    const html = await page.text();
    expect(html).toContain("Het bestand is groter dan 1 MB en is niet geïmporteerd. Er is niets opgeslagen.");
    expect(html).toContain("CSV of XLSX, maximaal 1 MB.");

    expect(await state()).toEqual(before);
    expect(uploadsLeft(smallDataDir)).toEqual([]);
  });
});

describe("rolling back a batch", () => {
  it("asks for confirmation, then takes the batch out of every figure, audited", async () => {
    const analyst = await as("analyst");
    const before = await state();
    const batch = before.batches.find((b) => b.id === firstBatchId)!;
    expect(batch.status).toBe("committed");

    const confirm = await analyst.get(`/imports/batches/${firstBatchId}/rollback`);
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    expect(page).toContain("<h1>Import terugdraaien</h1>");
    expect(page).toMatch(
      /<form method="post" action="\/imports\/batches\/[0-9a-f-]{36}\/rollback"[^>]*><input type="hidden" name="confirm" value="yes"\/><button type="submit" class="danger"/,
    );

    // A bare POST without the confirmation changes nothing.
    expect((await analyst.post(`/imports/batches/${firstBatchId}/rollback`, {})).status).toBe(400);
    expect(await state()).toEqual(before);

    const response = await analyst.post(`/imports/batches/${firstBatchId}/rollback`, { confirm: "yes" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/imports?rolledBack=${firstBatchId}`);

    const after = await state();
    expect(after.batches.find((b) => b.id === firstBatchId)?.status).toBe("rolled_back");
    // Its 5 lines are gone; one of them (GM1969 2024-02) no longer counted already, replaced by the re-delivery.
    expect(after.allDeclarations).toBe(before.allDeclarations - 5);
    expect(after.declarations).toBe(before.declarations - 4);
    const audit = await withTenantScope(database.db, ALL_TENANTS, (trx) =>
      trx.selectFrom("audit_event").selectAll().where("action", "=", "declarations.rollback").execute(),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_label: users.analyst.email, subject: "declaraties-2024-01.csv", outcome: "success" });
    expect(audit[0]!.details).toMatchObject({ batchId: firstBatchId });

    const list = await (await analyst.get(`/imports?rolledBack=${firstBatchId}`)).text();
    expect(list).toContain("De import van declaraties-2024-01.csv is teruggedraaid.");
    const row = list.match(
      new RegExp(`<tr data-batch-id="${firstBatchId}" data-status="rolled_back" class="rolled-back">[\\s\\S]*?</tr>`),
    )![0];
    expect(row).toContain("Teruggedraaid");
    expect(row).toContain("door analyst@rigg.test");
    expect(row).not.toContain("/rollback");

    // A second rollback changes nothing; the confirmation page sends back to the details.
    expect((await analyst.post(`/imports/batches/${firstBatchId}/rollback`, { confirm: "yes" })).status).toBe(302);
    expect((await analyst.get(`/imports/batches/${firstBatchId}/rollback`)).headers.get("location")).toBe(
      `/imports/batches/${firstBatchId}`,
    );
    expect({ ...(await state()), audit: 0 }).toEqual({ ...after, audit: 0 });
    expect(await (await analyst.get(`/imports/batches/${firstBatchId}`)).text()).toMatch(/data-testid="batch-current-lines">0</);

    // Once rolled back, the same file may be imported again.
    const { job } = await importViaApi(analyst, EXAMPLE, "declaraties-2024-01-opnieuw.csv");
    expect(job.outcome).toMatchObject({ kind: "imported", lines: 5 });
  });

  it("answers 404 for unknown batches", async () => {
    const analyst = await as("analyst");
    expect((await analyst.get("/imports/batches/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await analyst.get("/imports/batches/nope")).status).toBe(404);
    expect(
      (await analyst.post("/imports/batches/00000000-0000-4000-8000-000000000000/rollback", { confirm: "yes" })).status,
    ).toBe(404);
  });
});

describe("other roles", () => {
  for (const who of ["viewer", "editor", "steering", "admin"] as const) {
    it(`give a ${users[who].role} 403 on the pages, the API and the jobs, and change nothing`, async () => {
      const analyst = await as("analyst");
      const started = await uploadApi(
        analyst,
        `${HEADER}\r\n2024-07;GM0014;12345678;Stichting Voorbeeld Jeugdhulp;45A51;K${who};1,00;1\r\n`,
        `${who}.csv`,
      );
      const { jobId } = (await started.json()) as { jobId: string };
      await waitForJob(analyst, jobId);
      const batchId = (await state()).batches[0]!.id;

      const client = await as(who);
      const before = await state();
      const files = uploadsLeft(dataDir);
      for (const path of [
        "/imports",
        "/api/imports",
        `/api/imports/${jobId}`,
        `/api/imports/${jobId}/errors.csv`,
        `/imports/batches/${batchId}`,
        `/imports/batches/${batchId}/rollback`,
      ]) {
        expect((await client.get(path)).status, path).toBe(403);
      }
      const page = await uploadPage(client, EXAMPLE.replace("2024-01", "2030-01"), "sneaky.csv");
      expect(page.status).toBe(403);
      const api = await uploadApi(client, EXAMPLE.replace("2024-01", "2030-02"), "sneaky.csv");
      expect(api.status).toBe(403);
      expect((await client.post(`/imports/batches/${batchId}/rollback`, { confirm: "yes" })).status).toBe(403);
      expect(await state()).toEqual(before);
      expect(uploadsLeft(dataDir)).toEqual(files);
    });
  }

  it("send a visitor without a session to the login page", async () => {
    const visitor = new HttpClient(server.baseUrl);
    const response = await uploadApi(visitor, EXAMPLE, "anon.csv");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/login\?redirectTo=%2Fapi%2Fimports/);
    expect((await visitor.get("/imports")).status).toBe(302);
  });
});

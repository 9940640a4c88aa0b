import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * Issue 13, points 4, 8 and 14 over HTTP: a BSN in the client key column is refused and appears
 * nowhere in the answer, the job or the error CSV; identical lines come back as translated
 * warnings; a UTF-16 file gets one clear error; an index figure of -150% is refused by field.
 */
let database: TestDatabase;
let server: TestServer;
const dataDir = mkdtempSync(path.join(tmpdir(), "jr-import-hardening-"));
const analyst = { email: "analyst@rigg.test", role: "rigg_analyst" } as const;
const HEADER = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount";
const line = (key: string, amount = "10,00") => `2024-03;GM0014;12345678;Zorg BV;45A51;${key};${amount}`;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db, { DATA_DIR: dataDir }, { bulk: database.bulk });
  await addUser(database.db, analyst);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

let ip = 0;
async function logIn(language?: "en") {
  ip++;
  const client = new HttpClient(server.baseUrl, { "x-forwarded-for": `198.51.100.${ip}`, ...(language ? { "accept-language": "en" } : {}) });
  expect((await client.logIn(analyst.email)).status).toBe(302);
  return client;
}

async function upload(client: HttpClient, content: BlobPart, fields: Record<string, string> = {}) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  body.append("file", new Blob([content], { type: "text/csv" }), "declaraties.csv");
  const started = await client.request("/api/imports", { method: "POST", body, headers: { Accept: "application/json" } });
  expect(started.status).toBe(202);
  const { jobId } = (await started.json()) as { jobId: string };
  for (let i = 0; i < 400; i++) {
    const response = await client.get(`/api/imports/${jobId}`);
    const raw = await response.text();
    const job = JSON.parse(raw) as { status: string; outcome: { kind: string; errors?: unknown[]; notices?: { code: string; params?: unknown }[] } };
    if (job.status !== "running") return { jobId, raw, job };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the job did not finish");
}

const storedKeys = () =>
  withTenantScope(database.db, ALL_TENANTS, async (trx) =>
    (await sql<{ k: string }>`select client_key as k from declaration union all select client_key from summary_client`.execute(trx)).rows.map((r) => r.k),
  );

describe("a BSN in the client key column (4)", () => {
  it("is refused, and the value is in neither the job, the page's answer nor the error CSV", async () => {
    const client = await logIn("en");
    const keys = ["123-456-782", "1112.22.333", "BSN 111222333"];
    const { jobId, raw, job } = await upload(client, `${HEADER}\r\n${[line("K1"), ...keys.map((k) => line(k))].join("\r\n")}\r\n`);
    expect(job.outcome.kind).toBe("rejected");
    expect(job.outcome.errors).toEqual([
      { line: 3, column: "client_key", code: "client_key_is_bsn" },
      { line: 4, column: "client_key", code: "client_key_is_bsn" },
      { line: 5, column: "client_key", code: "client_key_is_bsn" },
    ]);
    const csv = await (await client.get(`/api/imports/${jobId}/errors.csv`)).text();
    expect(csv).toContain("client_key_is_bsn");
    expect(csv).toContain("looks like a BSN");
    for (const text of [raw, csv]) {
      for (const digits of ["123-456-782", "123456782", "1112.22.333", "111222333", "111 222 333"]) expect(text).not.toContain(digits);
    }
    expect(await storedKeys()).toEqual([]);
  });
});

describe("identical lines (8)", () => {
  it("are imported with a translated warning listing them", async () => {
    const client = await logIn();
    const { job } = await upload(client, `${HEADER}\r\n${[line("K1"), line("K2"), line("K1"), line("K1")].join("\r\n")}\r\n`);
    expect(job.outcome.kind).toBe("imported");
    expect(job.outcome.notices).toEqual([
      { line: null, column: null, code: "identical_lines_total", params: { repeated: 2, groups: 1 } },
      { line: 4, column: null, code: "identical_lines", params: { lines: "4, 5", first: 2 } },
    ]);
  });
});

describe("identical lines refused on request (8)", () => {
  it("are refused with the upload's identical=refuse, nothing stored; any other value is refused as an option", async () => {
    const client = await logIn();
    const before = await storedKeys();
    const content = `${HEADER}\r\n${[line("KR1"), line("KR1")].join("\r\n")}\r\n`;
    const { job } = await upload(client, content, { identical: "refuse" });
    expect(job.outcome.kind).toBe("rejected");
    expect(job.outcome.errors).toEqual([
      { line: null, column: null, code: "identical_lines_total", params: { repeated: 1, groups: 1 } },
      { line: 3, column: null, code: "identical_lines", params: { lines: "3", first: 2 } },
    ]);
    expect(await storedKeys()).toEqual(before);
    const body = new FormData();
    body.append("identical", "maybe");
    body.append("file", new Blob([content], { type: "text/csv" }), "declaraties.csv");
    const wrong = await client.request("/api/imports", { method: "POST", body, headers: { Accept: "application/json" } });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ problem: "invalidOptions" });
  });

  it("has a checkbox on the upload page", async () => {
    const page = await (await (await logIn()).get("/imports")).text();
    expect(page.match(/<input[^>]*name="identical"[^>]*>/)?.[0], page.slice(page.indexOf("<form"), page.indexOf("<form") + 3000)).toMatch(/type="checkbox".*value="refuse"/);
  });
});

describe("a UTF-16 file (14)", () => {
  it("gets one clear error, translated in the error CSV", async () => {
    const client = await logIn();
    const text = `${HEADER}\r\n${line("K9")}\r\n`;
    const utf16 = Uint8Array.from([0xff, 0xfe, ...[...text].flatMap((c) => [c.charCodeAt(0), 0])]);
    const { jobId, job } = await upload(client, utf16);
    expect(job.outcome.errors).toEqual([{ line: null, column: null, code: "utf16" }]);
    const csv = await (await client.get(`/api/imports/${jobId}/errors.csv`)).text();
    expect(csv).toContain("UTF-16 wordt niet ondersteund; sla het bestand op als CSV UTF-8");
  });
});

describe("population and catalogue files (14, 12)", () => {
  it("get the same clear errors for UTF-16 and for a file without line breaks", async () => {
    const client = await logIn();
    const post = (path: string, content: BlobPart) => {
      const body = new FormData();
      body.append("file", new Blob([content], { type: "text/csv" }), "bestand.csv");
      return client.request(path, { method: "POST", body });
    };
    const text = "municipality_code,year,inhabitants_0_17\nGM0014,2031,1000\n";
    const utf16 = Uint8Array.from([0xff, 0xfe, ...[...text].flatMap((c) => [c.charCodeAt(0), 0])]);
    const population = await post("/population/import", utf16);
    expect(population.status).toBe(400);
    expect(await population.text()).toContain("UTF-16 wordt niet ondersteund; sla het bestand op als CSV UTF-8");
    const catalog = await post("/catalog", `product_code;name_nl;name_en;segment\n${"45A51;x;x;hsj;".repeat(10_000)}`);
    expect(await catalog.text()).toContain("Een regel is langer dan 64 KB; is dit een CSV-bestand met regeleinden?");
    const stored = await withTenantScope(database.db, ALL_TENANTS, (trx) => trx.selectFrom("population").selectAll().where("year", "=", 2031).execute());
    expect(stored).toEqual([]);
  });
});

describe("an index figure of -150% (8)", () => {
  it("is refused with a message naming the line and field, nothing stored", async () => {
    const client = await logIn();
    const body = new FormData();
    body.append("file", new Blob(["index_name;year;provisional_pct;definitive_pct\nOVA;2032;4,9;\nOVA;2033;-150;\n"], { type: "text/csv" }), "ova.csv");
    const response = await client.request("/index-figures?_data=routes%2Findex-figures", { method: "POST", body });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ ok: false, field: "line 3, provisional_pct", code: "pctOutOfRange", params: { line: 3, value: "-150", min: -50, max: 50 } });
    const stored = await withTenantScope(database.db, ALL_TENANTS, (trx) => trx.selectFrom("index_figure").selectAll().where("year", "in", [2032, 2033]).execute());
    expect(stored).toEqual([]);
  });
});

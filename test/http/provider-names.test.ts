import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * Issue 13 point 11: a provider is named by the latest committed batch that names it, and a
 * rollback gives back the name before; seen through the concentration page, as a RIGG analyst
 * sees it, with batches imported over HTTP (the bulk path where the database has one, and the
 * row-by-row path for XLSX).
 */
let database: TestDatabase;
let server: TestServer;
const analystUser = { email: "analyst@rigg.test", role: "rigg_analyst" } as const;
const HEADER = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount";
const AGB = "31000001";

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db, {}, { bulk: database.bulk });
  await addUser(database.db, analystUser);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function analyst() {
  const client = new HttpClient(server.baseUrl);
  expect((await client.logIn(analystUser.email)).status).toBe(302);
  return client;
}

function csv(month: string, name: string, client: string) {
  return [HEADER, `2023-${month};GM0014;${AGB};${name};45A51;${client};100,00`, `2023-${month};GM0014;${AGB};Other spelling of ${name};45A51;${client}b;50,00`].join("\r\n") + "\r\n";
}

async function xlsx(month: string, name: string, client: string): Promise<ArrayBuffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("Declaraties");
  sheet.addRow(HEADER.split(";"));
  sheet.addRow([`2023-${month}`, "GM0014", AGB, name, "45A51", client, 100]);
  return (await workbook.xlsx.writeBuffer()) as ArrayBuffer;
}

/** Imported through the page without JavaScript; returns the batch id. */
async function importFile(client: HttpClient, content: BlobPart, fileName: string, type = "text/csv"): Promise<string> {
  const body = new FormData();
  body.append("file", new Blob([content], { type }), fileName);
  const response = await client.request("/imports", { method: "POST", body });
  const html = await response.text();
  expect([response.status, html.match(/data-batch-id="([0-9a-f-]{36})"/)?.[0] ?? html.slice(0, 300)]).toEqual([200, expect.any(String)]);
  const ids = [...html.matchAll(/\/imports\/batches\/([0-9a-f-]{36})/g)].map((m) => m[1]!);
  expect(ids.length).toBeGreaterThan(0);
  return ids[0]!;
}

async function providerName(client: HttpClient): Promise<string | undefined> {
  const response = await client.get("/concentration?year=2023&scope=region&_data=routes%2Fconcentration");
  expect(response.status).toBe(200);
  // The report's rows carry provider_code and provider_name.
  const match = new RegExp(`"provider_code":"${AGB}","provider_name":"([^"]*)"`).exec(await response.text());
  return match?.[1];
}

async function rollBack(client: HttpClient, batchId: string) {
  const response = await client.post(`/imports/batches/${batchId}/rollback`, { confirm: "yes" });
  expect(response.status).toBe(302);
}

describe("provider names", () => {
  it("follow the latest committed batch that names the provider, and a rollback gives back the one before", async () => {
    const client = await analyst();
    await importFile(client, csv("01", "Old name", "P1"), "names-1.csv");
    expect(await providerName(client)).toBe("Old name");

    const second = await importFile(client, csv("02", "New name", "P2"), "names-2.csv");
    expect(await providerName(client)).toBe("New name");

    // XLSX always takes the row-by-row path.
    const third = await importFile(client, await xlsx("03", "Newest name", "P3"), "names-3.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(await providerName(client)).toBe("Newest name");

    // Rolling back a batch that is not the latest changes nothing; then the latest goes.
    await rollBack(client, second);
    expect(await providerName(client)).toBe("Newest name");
    await rollBack(client, third);
    expect(await providerName(client)).toBe("Old name");

    const fourth = await importFile(client, csv("04", "New name", "P4"), "names-4.csv");
    expect(await providerName(client)).toBe("New name");
    await rollBack(client, fourth);
    expect(await providerName(client)).toBe("Old name");
  });
});

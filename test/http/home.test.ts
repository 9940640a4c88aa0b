import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/** The start page says when declarations were last imported, within the user's own scope. */
let database: TestDatabase;
let server: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  await addUser(database.db, { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" });
  await addUser(database.db, { email: "viewer@westerwolde.test", role: "municipal_viewer", municipalityCode: "GM1950" });
  await addUser(database.db, { email: "analyst@rigg.test", role: "rigg_analyst" });
  const bytes = new TextEncoder().encode(
    "period;municipality_code;provider_code;provider_name;product_code;client_key;amount\r\n2024-01;GM0014;12345678;X;45A51;K1;10,00\r\n",
  );
  const result = await importDeclarations(
    database.db,
    { userId: null, label: "test" },
    { name: "d.csv", size: bytes.length, async *open() { yield bytes; } },
    { mode: "append", pseudonymKey: "home-test-key-home-test-key-home-test-01" },
  );
  expect(result.ok).toBe(true);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function declarationsLine(email: string) {
  const client = new HttpClient(server.baseUrl);
  await client.logIn(email);
  const html = await (await client.get("/")).text();
  return html.match(/data-testid="declarations-imported">([^<]*)</)?.[1];
}

describe("start page", () => {
  it("shows when declarations were last imported for the user's own municipality", async () => {
    expect(await declarationsLine("viewer@groningen.test")).toMatch(/\d{4}/);
    expect(await declarationsLine("analyst@rigg.test")).toMatch(/\d{4}/);
  });

  it("says 'no data yet' to a municipality whose lines have not arrived, whatever others have", async () => {
    expect(await declarationsLine("viewer@westerwolde.test")).toBe("nog geen gegevens");
  });
});

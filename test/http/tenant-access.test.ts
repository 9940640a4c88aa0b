import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * The first wall: the request helper. A municipal user who types another
 * municipality's URL gets 404 and nothing of its data; pages outside the
 * role's permissions answer 403; the navigation shows only what the role may open.
 */
let database: TestDatabase;
let server: TestServer;
const users = {
  groningen: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  hogeland: { email: "editor@hogeland.test", role: "municipal_editor", municipalityCode: "GM1966" },
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  steering: { email: "member@soo.test", role: "steering_member" },
  admin: { email: "admin@rigg.test", role: "admin" },
} as const;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function as(user: keyof typeof users) {
  const client = new HttpClient(server.baseUrl);
  const response = await client.logIn(users[user].email);
  expect(response.status).toBe(302);
  return client;
}

describe("municipal users", () => {
  it("see their own municipality with its population figures", async () => {
    const client = await as("groningen");
    const response = await client.get("/municipalities/GM0014");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Groningen");
    expect(html).toContain("Inwoners 0–17 jaar op 1 januari");
  });

  it("get 404 and no data for another municipality's URL", async () => {
    const client = await as("groningen");
    for (const code of ["GM1966", "GM1969", "GM9999"]) {
      const response = await client.get(`/municipalities/${code}`);
      expect(response.status).toBe(404);
      const html = await response.text();
      expect(html).not.toContain("Het Hogeland");
      expect(html).not.toContain("Westerkwartier");
    }
  });

  it("cannot fetch another municipality through Remix's data requests", async () => {
    const client = await as("hogeland");
    const response = await client.get("/municipalities/GM0014?_data=routes%2Fmunicipalities.%24code");
    expect(response.status).toBe(404);
    expect(await response.text()).not.toMatch(/GM0014|"Groningen"/);
  });

  it("see only their own municipality on the start page and in the list", async () => {
    const client = await as("hogeland");
    const home = await (await client.get("/")).text();
    expect(home).toContain("Het Hogeland");
    expect(home).not.toContain("/municipalities/GM0014");
    const list = await client.get("/municipalities");
    expect(list.status).toBe(302);
    expect(list.headers.get("location")).toBe("/municipalities/GM1966");
  });

  it("get 403 on the audit log and the admin pages, and no links to them", async () => {
    const client = await as("groningen");
    expect((await client.get("/audit")).status).toBe(403);
    const home = await (await client.get("/")).text();
    expect(home).not.toContain('href="/audit"');
    expect(home).not.toContain('href="/admin/users"');
  });
});

describe("regional roles", () => {
  it("let RIGG analysts and the steering body open every municipality", async () => {
    for (const role of ["analyst", "steering"] as const) {
      const client = await as(role);
      for (const code of ["GM0014", "GM1966", "GM1950"]) {
        expect((await client.get(`/municipalities/${code}`)).status).toBe(200);
      }
      const home = await (await client.get("/")).text();
      expect(home).toContain("Regio Groningen");
    }
  });

  it("keep the steering body out of the audit log; RIGG may read it", async () => {
    expect((await (await as("steering")).get("/audit")).status).toBe(403);
    expect((await (await as("analyst")).get("/audit")).status).toBe(200);
  });

  it("give admins accounts, not municipal figures", async () => {
    const client = await as("admin");
    expect((await client.get("/municipalities/GM0014")).status).toBe(403);
    const home = await (await client.get("/")).text();
    expect(home).toContain('href="/admin/users"');
    expect(home).not.toContain('href="/municipalities/GM0014"');
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * The acting user comes from the access guard (`access.actor`): every change made over HTTP is
 * audited with the signed-in user's id, e-mail and the request's address, the same address the
 * login recorded, whichever route made the change.
 */
let database: TestDatabase;
let server: TestServer;
const analyst = { email: "analyst@rigg.test", role: "rigg_analyst" } as const;
const admin = { email: "admin@rigg.test", role: "admin" } as const;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of [analyst, admin]) await addUser(database.db, user);
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

function events(action: string) {
  return withTenantScope(database.db, ALL_TENANTS, (trx) =>
    trx
      .selectFrom("audit_event as a")
      .leftJoin("app_user as u", "u.id", "a.actor_user_id")
      .select(["a.actor_label", "a.ip", "u.email"])
      .where("a.action", "=", action)
      .orderBy("a.id")
      .execute(),
  );
}

async function signedIn(email: string) {
  const client = new HttpClient(server.baseUrl);
  expect((await client.logIn(email)).status).toBe(302);
  const login = (await events("login")).at(-1);
  expect(login?.ip).toBeTruthy();
  return { client, ip: login!.ip };
}

describe("the acting user", () => {
  it("is the signed-in user with the request's address in the audit log of a population import", async () => {
    const { client, ip } = await signedIn(analyst.email);
    const body = new FormData();
    body.append("file", new Blob(["municipality_code,year,inhabitants_0_17\nGM0014,2027,42000\n"], { type: "text/csv" }), "cbs.csv");
    expect((await client.request("/population/import", { method: "POST", body })).status).toBeLessThan(400);
    expect((await events("population.import")).filter((e) => e.actor_label !== "seed")).toEqual([{ actor_label: analyst.email, ip, email: analyst.email }]);
  });

  it("is the signed-in admin with the request's address when an account is created", async () => {
    const { client, ip } = await signedIn(admin.email);
    const response = await client.post("/admin/users/new", {
      email: "new.person@groningen.test",
      displayName: "Nina Nieuw",
      role: "municipal_viewer",
      municipalityCode: "GM0014",
      password: "a-long-enough-password",
    });
    expect(response.status).toBe(302);
    const created = (await events("user.create")).filter((e) => e.actor_label !== "test");
    expect(created).toEqual([{ actor_label: admin.email, ip, email: admin.email }]);
  });
});

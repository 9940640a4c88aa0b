import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

let database: TestDatabase;
let server: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  await addUser(database.db, { email: "analyst@rigg.test", role: "rigg_analyst" });
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

// Targets a browser would resolve to another origin, raw and percent-encoded as a form carries them.
const FOREIGN = [
  "/\t/evil.example/phish",
  "/\n/evil.example/phish",
  "/\r\n/evil.example/phish",
  "\\\\evil.example/phish",
  "/\\evil.example/phish",
  "//evil.example/phish",
  " //evil.example/phish",
  "\t//evil.example/phish",
  "https://evil.example/phish",
  "javascript:alert(1)",
];
// Decoded by the form body, these are the raw characters; the encoded forms arrive as the
// login page's hidden field sends them (the query parameter's value as typed).
const ENCODED = ["%2F%09%2Fevil.example%2Fphish", "%2F%2Fevil.example", "%2F%5Cevil.example", "%5C%5Cevil.example"];

/** A Location a browser follows stays on this server. */
function expectSameOrigin(location: string | null) {
  expect(location).not.toBeNull();
  expect(location).toMatch(/^\/(?![/\\])/);
  expect(location).not.toMatch(/[\t\n\r\\]/);
  expect(new URL(location!, server.baseUrl).origin).toBe(server.baseUrl);
}

async function loginWith(redirectTo: string) {
  return new HttpClient(server.baseUrl).post("/login", { email: "analyst@rigg.test", password: "correct-horse-battery", redirectTo });
}

async function switchWith(redirectTo: string) {
  return new HttpClient(server.baseUrl).post("/language", { language: "en", redirectTo });
}

describe("redirect targets after login and the language switch", () => {
  for (const [name, send] of [
    ["login", loginWith],
    ["language", switchWith],
  ] as const) {
    it(`${name}: a target on another origin goes to /`, async () => {
      for (const target of [...FOREIGN, ...ENCODED.map(decodeURIComponent)]) {
        const response = await send(target);
        expect(response.status, JSON.stringify(target)).toBe(302);
        expect(response.headers.get("location"), JSON.stringify(target)).toBe("/");
      }
    });

    it(`${name}: a same-origin path survives, with its query and hash`, async () => {
      const response = await send("/segments/all?scope=GM0014&year=2023#table");
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/segments/all?scope=GM0014&year=2023#table");
    });

    it(`${name}: non-ASCII and percent-encoded paths stay same-origin, never a 500`, async () => {
      for (const target of ["/gemeenten/é", "/中文", "/segments/%2F%2Fevil.example", "/a%5Cb", "/x?q=é\u2028"]) {
        const response = await send(target);
        expect(response.status, JSON.stringify(target)).toBe(302);
        expectSameOrigin(response.headers.get("location"));
      }
      expect((await send("/gemeenten/é")).headers.get("location")).toBe("/gemeenten/%C3%A9");
    });
  }

  it("the login page carries an encoded foreign target only as a harmless value", async () => {
    // The guard's own redirect to /login encodes the target; the round trip must stay same-origin.
    const page = await new HttpClient(server.baseUrl).get(`/login?redirectTo=${ENCODED[0]}`);
    expect(page.status).toBe(200);
    const response = await loginWith(decodeURIComponent(ENCODED[0]!));
    expect(response.headers.get("location")).toBe("/");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "~/i18n/en.json";
import nl from "~/i18n/nl.json";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * `/accessibility` (issue 16): the accessibility statement, public like /login, in Dutch and
 * English, all its text from the translation files, linked from the footer of every page.
 */
let database: TestDatabase;
let server: TestServer;
const users = {
  groningen: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  hogeland: { email: "editor@hogeland.test", role: "municipal_editor", municipalityCode: "GM1966" },
  admin: { email: "admin@rigg.test", role: "admin" },
} as const;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
}, 120_000);
afterAll(async () => {
  await server?.close();
  await database?.close();
});

type Tree = { [key: string]: string | Tree };
const texts = (language: "nl" | "en") => (language === "nl" ? nl : en).accessibility as unknown as Tree;
const leaves = (tree: Tree): string[] => Object.values(tree).flatMap((value) => (typeof value === "string" ? [value] : leaves(value)));
const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
const main = (html: string) => /<main[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1] ?? "";
const footerLink = /<footer class="app-footer"><a[^>]*href="\/accessibility"[^>]*>([^<]+)<\/a><\/footer>/;

async function signedIn(user: keyof typeof users): Promise<HttpClient> {
  const http = new HttpClient(server.baseUrl);
  expect((await http.logIn(users[user].email)).status).toBe(302);
  return http;
}

describe("the accessibility statement", () => {
  it.each(["nl", "en"] as const)("is open without signing in and says what was tested, how and what does not conform, in %s", async (language) => {
    const response = await new HttpClient(server.baseUrl, { "accept-language": language }).get("/accessibility");
    expect(response.status).toBe(200);
    const html = await response.text();
    const own = texts(language);
    expect(html).toContain(`<html lang="${language}"`);
    expect(html).toContain(`<title>${escape(own.title as string)} · Jeugdregio Insight</title>`);
    expect(html).toContain(`<h1>${escape(own.title as string)}</h1>`);
    const body = main(html);
    // Every text of the statement is on the page, with the tags and the date filled in.
    for (const text of leaves(own).filter((t) => t !== own.link)) {
      const [before, after] = escape(text).split(/\{\{\w+\}\}/);
      expect(body, text).toContain(before);
      if (after) expect(body, text).toContain(after);
    }
    expect(body).toContain("wcag2a, wcag2aa, wcag21a, wcag21aa");
    expect(body).toMatch(language === "nl" ? /4 december 2026/ : /4 December 2026/);
    expect(body).not.toContain("{{");
    // Three lists: what was tested, how, and what is known not to conform.
    for (const list of ["a11y-tested", "a11y-how", "a11y-known"]) expect(body).toMatch(new RegExp(`<ul data-testid="${list}"><li>`));
    // Not the other language's words.
    expect(body).not.toContain(escape(texts(language === "nl" ? "en" : "nl").status as string));
  });

  it("is the same page for every signed-in role and municipality", async () => {
    const anonymous = main(await (await new HttpClient(server.baseUrl).get("/accessibility")).text());
    for (const user of Object.keys(users) as (keyof typeof users)[]) {
      const response = await (await signedIn(user)).get("/accessibility");
      expect([user, response.status]).toEqual([user, 200]);
      expect(main(await response.text())).toBe(anonymous);
    }
  });

  it("is linked from the footer of every page: public, signed in, and the error pages", async () => {
    const visitor = new HttpClient(server.baseUrl);
    const viewer = await signedIn("groningen");
    const admin = await signedIn("admin");
    const pages: [HttpClient, string, number][] = [
      [visitor, "/login", 200],
      [visitor, "/accessibility", 200],
      [viewer, "/", 200],
      [viewer, "/segments", 200],
      [viewer, "/no-such-page", 404],
      [admin, "/admin/users", 200],
      [admin, "/segments", 403],
    ];
    for (const [client, path, status] of pages) {
      const response = await client.get(path);
      const html = await response.text();
      expect([path, response.status]).toEqual([path, status]);
      expect([path, footerLink.exec(html)?.[1]]).toEqual([path, nl.accessibility.link]);
    }
  });

  it("takes no form posts", async () => {
    const response = await (await signedIn("admin")).post("/accessibility", { anything: "1" });
    expect(response.status).toBe(405);
  });
});

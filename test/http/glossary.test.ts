import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GLOSSARY } from "~/components/glossary/terms";
import en from "~/i18n/en.json";
import nl from "~/i18n/nl.json";
import { seedDemo } from "~seeds/demo";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/** `/glossary` (issue 16): the figures' definitions in Dutch and English, linked from the segment table's headers. */
let database: TestDatabase;
let server: TestServer;
const users = {
  groningen: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  hogeland: { email: "viewer@hogeland.test", role: "municipal_viewer", municipalityCode: "GM1966" },
  steering: { email: "member@soo.test", role: "steering_member" },
  admin: { email: "admin@rigg.test", role: "admin" },
} as const;
type Language = "nl" | "en";

beforeAll(async () => {
  database = await createTestDatabase();
  // A small share of the demo declarations, so that the segment table (and its links) renders.
  await seedDemo(database.db, () => {}, { pseudonymKey: "glossary-test", bulk: database.bulk, declarations: { trajectoriesPerThousand: 2 } });
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
}, 300_000);
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function client(user: keyof typeof users, language: Language = "nl"): Promise<HttpClient> {
  const http = new HttpClient(server.baseUrl);
  expect((await http.logIn(users[user].email)).status).toBe(302);
  expect((await http.post("/language", { language, redirectTo: "/" })).status).toBe(302);
  return http;
}

type Tree = { [key: string]: string | Tree };
const lookup = (texts: Tree, key: string) => key.split(".").reduce<string | Tree>((node, part) => (node as Tree)[part]!, texts) as string;
const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");

describe("the glossary", () => {
  it.each(["nl", "en"] as const)("gives every term with its definition, in %s", async (language) => {
    const texts = (language === "nl" ? nl : en) as unknown as Tree;
    const response = await (await client("groningen", language)).get("/glossary");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`<title>${language === "nl" ? "Begrippen" : "Glossary"} · Jeugdregio Insight</title>`);
    for (const section of GLOSSARY) {
      expect(html).toContain(`>${escape(lookup(texts, `glossary.sections.${section.id}`))}</h2>`);
      for (const term of section.terms) {
        const definition = lookup(texts, `glossary.definitions.${term.id}`);
        expect(definition.length, term.id).toBeGreaterThan(10);
        expect(html).toContain(`<dt id="term-${term.id}">${escape(lookup(texts, term.label))}</dt><dd>${escape(definition)}</dd>`);
      }
    }
    // The other language's words are not on the page.
    const other = (language === "nl" ? en : nl) as unknown as Tree;
    expect(html).not.toContain(escape(lookup(other, "glossary.definitions.providers_80")));
  });

  it("is the same for every municipality and the region, and closed to who reads no figures", async () => {
    const page = async (user: keyof typeof users) => {
      const response = await (await client(user)).get("/glossary");
      return { status: response.status, main: /<main[^>]*>([\s\S]*?)<\/main>/.exec(await response.text())?.[1] ?? "" };
    };
    const groningen = await page("groningen");
    const hogeland = await page("hogeland");
    const steering = await page("steering");
    expect([groningen.status, hogeland.status, steering.status]).toEqual([200, 200, 200]);
    expect(hogeland.main).toBe(groningen.main);
    expect(steering.main).toBe(groningen.main);
    expect((await page("admin")).status).toBe(403);
    const anonymous = await new HttpClient(server.baseUrl).get("/glossary");
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login/);
  });

  it.each(["nl", "en"] as const)("is linked from every header of the segment table, each link to a term on the page, in %s", async (language) => {
    const http = await client("groningen", language);
    const segments = await http.get("/segments");
    expect(segments.status).toBe(200);
    const html = await segments.text();
    const table = /<table class="segment-table"[\s\S]*?<\/table>/.exec(html)?.[0] ?? "";
    const links = [...table.matchAll(/<a class="term-link" aria-label="([^"]+)" data-testid="term-link-([a-z0-9_]+)"[^>]*? href="\/glossary#term-([a-z0-9_]+)"/g)];
    // Seven columns (total, five segments, not assigned) and six figures.
    expect(links.length).toBe(13);
    const glossary = await (await http.get("/glossary")).text();
    const texts = (language === "nl" ? nl : en) as unknown as Tree;
    for (const [, label, testId, term] of links) {
      expect(testId).toBe(term);
      expect(glossary).toContain(`<dt id="term-${term}">`);
      expect(label).toContain(lookup(texts, "glossary.definitionOf").replace("{{term}}", ""));
    }
  });
});

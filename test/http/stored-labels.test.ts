import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "~seeds/demo";
import { DEMO_PASSWORD } from "~seeds/demo-accounts";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * Stored codes in the page's words (issue 16): audit actions, actors and population sources stay
 * codes in the database and are translated when shown; one term per figure; the budgets list
 * reads as text. On the demo data (a small share of its declarations), in Dutch and English.
 */
let database: TestDatabase;
let server: TestServer;
type Language = "nl" | "en";

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.db, () => {}, { pseudonymKey: "labels-test", bulk: database.bulk, declarations: { trajectoriesPerThousand: 3 } });
  server = await startTestServer(database.db);
}, 300_000);
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function page(account: string, language: Language, path: string): Promise<string> {
  const http = new HttpClient(server.baseUrl);
  expect((await http.logIn(account, DEMO_PASSWORD)).status).toBe(302);
  expect((await http.post("/language", { language, redirectTo: "/" })).status).toBe(302);
  const response = await http.get(path);
  expect([path, response.status]).toEqual([path, 200]);
  return response.text();
}

/** What a reader sees: the body's text without tags (tags between words do not add spaces). */
function text(html: string): string {
  const body = /<main[^>]*>([\s\S]*?)<\/main>/.exec(html)?.[1] ?? html;
  return body.replace(/<script[\s\S]*?<\/script>/g, "").replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").replace(/&#x27;/g, "'");
}

const ANALYST = "analist@demo.jeugdregio.nl";
const EDITOR = "groningen.editor@demo.jeugdregio.nl";
const RAW = ["seed: starting estimate", "seed --demo", "declarations.import", "budget.save", "user.create", "catalog.import", "population.import"];

const WORDS = {
  nl: { estimate: "startschatting bij de installatie", demo: "Demogegevens", imported: "Declaraties geïmporteerd", saved: "Lokaal budget opgeslagen", created: "Gebruiker aangemaakt", setup: "Installatie (basisgegevens)", executor: "SAMEN. Groningen · uitvoerder: WIJ Groningen" },
  en: { estimate: "starting estimate at set-up", demo: "Demo data", imported: "Declarations imported", saved: "Local budget saved", created: "User created", setup: "Set-up (reference data)", executor: "SAMEN. Groningen · executed by WIJ Groningen" },
} as const;

describe.each(["nl", "en"] as const)("stored codes in %s", (language) => {
  const words = WORDS[language];

  it("give the population's source in words on the municipality page and in the budget's volume step", async () => {
    const municipality = text(await page(ANALYST, language, "/municipalities/GM0014"));
    expect(municipality).toContain(words.estimate);
    const budget = await page(ANALYST, language, "/budgets/GM0014/samen?year=2025");
    const volume = /<tr[^>]*data-step="volume"[^>]*>([\s\S]*?)<\/tr>/.exec(budget)?.[1] ?? "";
    expect(text(volume)).toContain(words.estimate);
    for (const raw of RAW) {
      expect(municipality).not.toContain(raw);
      expect(text(budget)).not.toContain(raw);
    }
  });

  it("give every audit action and actor in words", async () => {
    const html = await page(ANALYST, language, "/audit");
    const audit = text(html);
    for (const shown of [words.imported, words.saved, words.created, words.demo, words.setup]) expect(audit).toContain(shown);
    for (const raw of RAW) expect(audit).not.toContain(raw);
    // No action is left as a code ("login", "roadmap.step"): the third cell of every row.
    const actions = [...html.matchAll(/<tr[^>]*>\s*<td[^>]*>[\s\S]*?<\/td>\s*<td[^>]*>[\s\S]*?<\/td>\s*<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => text(m[1]!));
    expect(actions.length).toBeGreaterThan(10);
    expect(actions.filter((action) => /^[a-z_.]+$/.test(action))).toEqual([]);
  });

  it("give the demo import's actor in words on the imports page and the batch's page", async () => {
    const html = await page(ANALYST, language, "/imports");
    expect(text(html)).toContain(words.demo);
    expect(text(html)).not.toContain("seed --demo");
    const batch = /href="(\/imports\/batches\/[0-9a-f-]{36})"/.exec(html)?.[1];
    expect(batch).toBeTruthy();
    const detail = text(await page(ANALYST, language, batch!));
    expect(detail).toContain(words.demo);
    expect(detail).not.toContain("seed --demo");
  });

  it("give the budget's change history's actor in words", async () => {
    const budget = text(await page(EDITOR, language, "/budgets/GM0014/samen"));
    expect(budget).not.toContain("seed --demo");
  });

  it("separate the budgets list's name, municipality and executor", async () => {
    const list = await page(ANALYST, language, "/budgets");
    const item = /<ul data-testid="budget-list">([\s\S]*?)<\/ul>/.exec(list)?.[1] ?? "";
    expect(text(item)).toContain(words.executor);
  });

  it("use one term for the structural adjustment", async () => {
    const budget = text(await page(EDITOR, language, "/budgets/GM0014/samen?year=2025"));
    const term = language === "nl" ? "Structurele bijstelling" : "Structural adjustment";
    expect(budget).toContain(term);
    expect(budget).not.toMatch(language === "nl" ? /Structurele aanpassing/ : /Structural (change|revision)/);
  });
});

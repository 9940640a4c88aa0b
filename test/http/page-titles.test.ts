import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "~seeds/demo";
import { DEMO_PASSWORD } from "~seeds/demo-accounts";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * Every page has its own `<title>` (issue 16): page name, scope and year where the page has them,
 * then the product, in the page's language. Visited on the demo data (a small share of the
 * declarations) as a municipal editor, an analyst, an administrator and a visitor.
 */
let database: TestDatabase;
let server: TestServer;

const PAGES: Record<string, readonly string[]> = {
  "": ["/login", "/accessibility"],
  "groningen.editor@demo.jeugdregio.nl": [
    "/",
    "/segments",
    "/segments/basishulp",
    "/segments/aanvullende_hulp/54001",
    "/concentration",
    "/compare",
    "/forecast",
    "/budgets",
    "/budgets/GM0014",
    "/budgets/GM0014/samen",
    "/roadmap",
    "/roadmap/tracks/hsj",
    "/roadmap/tracks/basishulp-gm0014",
    "/roadmap/print",
    "/roadmap/reviews",
    "/municipalities/GM0014",
    "/index-figures",
    "/glossary",
  ],
  "analist@demo.jeugdregio.nl": [
    "/",
    "/segments",
    "/segments?scope=GM0014&year=2024",
    "/segments/all?scope=region&year=2024",
    "/segments/aanvullende_hulp/54001?scope=region&year=2024",
    "/concentration",
    "/concentration?scope=GM0014",
    "/compare",
    "/forecast",
    "/budgets",
    "/budgets/GM0014/samen",
    "/budgets/GM1966/basisteam",
    "/roadmap",
    "/roadmap/tracks/basishulp-gm0014",
    "/roadmap/print",
    "/municipalities",
    "/municipalities/GM1966",
    "/imports",
    "/imports/batches/{batch}",
    "/imports/batches/{batch}/rollback",
    "/catalog",
    "/catalog/54001",
    "/population/import",
    "/audit",
  ],
  "beheer@demo.jeugdregio.nl": ["/", "/audit", "/admin/users", "/admin/users/new", "/admin/users/{user}"],
};

/** Route files that render a page (a default export), as Remix names them: "routes/segments._index". */
const PAGE_ROUTES = readdirSync(path.resolve("app/routes"))
  .filter((file) => /\.tsx$/.test(file) && /^export default /m.test(readFileSync(path.resolve("app/routes", file), "utf8")))
  .map((file) => `routes/${file.replace(/\.tsx$/, "")}`)
  .sort();

interface Visit {
  account: string;
  language: "nl" | "en";
  path: string;
  title: string;
  routes: string[];
}
const visits: Visit[] = [];

function titleOf(html: string): string {
  // The document's title; charts carry SVG <title>s of their own further down.
  const head = /<head>([\s\S]*?)<\/head>/.exec(html)?.[1] ?? "";
  const titles = [...head.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]!);
  expect(titles.length).toBe(1);
  return titles[0]!.replace(/&amp;/g, "&").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"');
}

/** The route modules that rendered the page, from the loader data Remix puts in the document. */
function routesOf(html: string): string[] {
  const context = /window\.__remixContext = (.*?);<\/script>/s.exec(html)?.[1] ?? "";
  return [...context.matchAll(/"(routes\/[^"]+)":/g)].map((m) => m[1]!);
}

async function client(account: string, language: "nl" | "en"): Promise<HttpClient> {
  const http = new HttpClient(server.baseUrl);
  if (account) expect((await http.logIn(account, DEMO_PASSWORD)).status).toBe(302);
  expect((await http.post("/language", { language, redirectTo: "/" })).status).toBe(302);
  return http;
}

/** `{batch}` and `{user}`: the first matching link on the page that lists them. */
async function resolve(http: HttpClient, pagePath: string): Promise<string> {
  const from: Record<string, [string, RegExp]> = {
    batch: ["/imports", /href="\/imports\/batches\/([0-9a-f-]{36})"/],
    user: ["/admin/users", /href="\/admin\/users\/([0-9a-f-]{36})"/],
  };
  let resolved = pagePath;
  for (const [name, [list, link]] of Object.entries(from)) {
    if (!resolved.includes(`{${name}}`)) continue;
    const id = link.exec(await (await http.get(list)).text())?.[1];
    expect(id, `${list} links to a ${name}`).toBeTruthy();
    resolved = resolved.replace(`{${name}}`, id!);
  }
  return resolved;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.db, () => {}, { pseudonymKey: "titles-test", bulk: database.bulk, declarations: { trajectoriesPerThousand: 3 } });
  server = await startTestServer(database.db);
  for (const [account, pages] of Object.entries(PAGES)) {
    for (const language of ["nl", "en"] as const) {
      const http = await client(account, language);
      for (const page of pages) {
        const resolved = await resolve(http, page);
        const response = await http.get(resolved);
        const html = await response.text();
        expect([account, resolved, response.status]).toEqual([account, resolved, 200]);
        visits.push({ account, language, path: page, title: titleOf(html), routes: routesOf(html) });
      }
    }
  }
}, 600_000);
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe("page titles", () => {
  it("are visited on every page route", () => {
    expect(PAGE_ROUTES.length).toBeGreaterThan(25);
    const seen = new Set(visits.flatMap((v) => v.routes));
    expect(PAGE_ROUTES.filter((route) => !seen.has(route))).toEqual([]);
  });

  it("name the page before the product, on every page", () => {
    for (const visit of visits) {
      expect(visit.title, `${visit.path} (${visit.language})`).toMatch(/^\S.* · Jeugdregio Insight$/);
    }
  });

  it("differ between the pages an account sees, in each language", () => {
    for (const account of Object.keys(PAGES)) {
      for (const language of ["nl", "en"] as const) {
        const titles = visits.filter((v) => v.account === account && v.language === language).map((v) => `${v.title} ← ${v.path}`);
        const byTitle = new Map<string, string[]>();
        for (const line of titles) {
          const [title, page] = line.split(" ← ");
          byTitle.set(title!, [...(byTitle.get(title!) ?? []), page!]);
        }
        expect([...byTitle].filter(([, pages]) => pages.length > 1), `${account} ${language}`).toEqual([]);
      }
    }
  });

  it("are translated: no page has the same title in Dutch and English", () => {
    for (const visit of visits.filter((v) => v.language === "nl")) {
      const english = visits.find((v) => v.account === visit.account && v.language === "en" && v.path === visit.path)!;
      expect(english.title, visit.path).not.toBe(visit.title);
    }
  });

  it("give the page, scope and year in that order", () => {
    const title = (language: "nl" | "en", page: string) =>
      visits.find((v) => v.account === "analist@demo.jeugdregio.nl" && v.language === language && v.path === page)?.title;
    expect(title("nl", "/segments?scope=GM0014&year=2024")).toBe("Segmenten · Groningen · 2024 · Jeugdregio Insight");
    expect(title("en", "/segments?scope=GM0014&year=2024")).toBe("Segments · Groningen · 2024 · Jeugdregio Insight");
    expect(title("nl", "/segments/all?scope=region&year=2024")).toBe("Totaal: producten · Regio Groningen · 2024 · Jeugdregio Insight");
    expect(title("en", "/imports")).toBe("Import declarations · Jeugdregio Insight");
  });

  it("name the error on an error page", async () => {
    const http = await client("analist@demo.jeugdregio.nl", "en");
    const response = await http.get("/municipalities/GM9999");
    expect(response.status).toBe(404);
    expect(titleOf(await response.text())).toBe("Not found · Jeugdregio Insight");
  });
});

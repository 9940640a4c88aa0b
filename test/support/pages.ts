import type { Page } from "playwright-core";
import type { Role } from "@jeugdregio/access";
import { DEMO_ACCOUNTS, type DemoAccount } from "../../seeds/demo-accounts";

/**
 * Every page (a route that renders HTML, not an export or API route) each demo account may open,
 * with realistic parameters on the demo data, for the browser tests that visit every page (width,
 * axe). Keyed by the account's email, since two accounts share the role municipal_viewer. A route
 * that only redirects (e.g. /municipalities for one municipality) is left out; its target is in.
 * `{batch}` and `{user}` stand for ids the demo makes at start: `resolvePagePath` finds them.
 * Kept in step with the guards by hand: test/e2e/widths.test.ts fails when one answers other than 200.
 */
const MUNICIPAL = (code: "GM0014" | "GM1966", budget: string): string[] => [
  "/",
  "/segments",
  `/segments/all?scope=${code}&year=2024`,
  "/segments/basishulp",
  "/segments/aanvullende_hulp/54001",
  "/concentration",
  "/compare",
  "/forecast",
  "/budgets",
  `/budgets/${code}`,
  `/budgets/${code}/${budget}`,
  "/roadmap",
  "/roadmap/tracks/hsj",
  `/roadmap/tracks/basishulp-${code.toLowerCase()}`,
  "/roadmap/print",
  "/roadmap/reviews",
  `/municipalities/${code}`,
  "/index-figures",
  "/glossary",
];

/** What every regional reader (analyst, steering member) sees: the whole region and each municipality. */
const REGIONAL: string[] = [
  "/",
  "/segments",
  "/segments?scope=GM0014&year=2024",
  "/segments/all?scope=region&year=2024",
  "/segments/basishulp?scope=region",
  "/segments/aanvullende_hulp/54001?scope=region&year=2024",
  "/concentration",
  "/concentration?scope=GM0014",
  "/compare",
  "/forecast",
  "/budgets",
  "/budgets/GM0014",
  "/budgets/GM0014/samen",
  "/budgets/GM1966/basisteam",
  "/roadmap",
  "/roadmap/tracks/hsj",
  "/roadmap/tracks/basishulp-gm0014",
  "/roadmap/print",
  "/roadmap/reviews",
  "/municipalities",
  "/municipalities/GM0014",
  "/index-figures",
  "/glossary",
];

export const PAGES_BY_ACCOUNT: Record<string, readonly string[]> = {
  "groningen.lezer@demo.jeugdregio.nl": MUNICIPAL("GM0014", "samen"),
  "groningen.editor@demo.jeugdregio.nl": MUNICIPAL("GM0014", "samen"),
  "hogeland.lezer@demo.jeugdregio.nl": MUNICIPAL("GM1966", "basisteam"),
  "analist@demo.jeugdregio.nl": [
    ...REGIONAL,
    "/imports",
    "/imports/batches/{batch}",
    "/imports/batches/{batch}/rollback",
    "/catalog",
    "/catalog/54001",
    "/population/import",
    "/audit",
  ],
  "stuurgroep@demo.jeugdregio.nl": REGIONAL,
  "beheer@demo.jeugdregio.nl": ["/", "/audit", "/admin/users", "/admin/users/new", "/admin/users/{user}"],
};

/** Pages for a visitor who is not signed in. */
export const ANONYMOUS_PAGES: readonly string[] = ["/login", "/accessibility"];

/** Each demo account with its pages, in the order of seeds/demo-accounts.ts. */
export const ACCOUNT_PAGES: readonly { account: DemoAccount; role: Role; pages: readonly string[] }[] = DEMO_ACCOUNTS.map((account) => {
  const pages = PAGES_BY_ACCOUNT[account.email];
  if (!pages) throw new Error(`test/support/pages.ts has no pages for ${account.email}`);
  return { account, role: account.role, pages };
});

/** Where a placeholder's id is found: the first link on `from` whose path matches `link`. */
const PLACEHOLDERS: Record<string, { from: string; link: RegExp }> = {
  batch: { from: "/imports", link: /^\/imports\/batches\/([0-9a-f-]{36})$/ },
  user: { from: "/admin/users", link: /^\/admin\/users\/([0-9a-f-]{36})$/ },
};

/** The path with its `{…}` placeholders replaced by ids read from the page that links to them (signed in as `page`'s account). */
export async function resolvePagePath(page: Page, path: string): Promise<string> {
  let resolved = path;
  for (const [name, { from, link }] of Object.entries(PLACEHOLDERS)) {
    if (!resolved.includes(`{${name}}`)) continue;
    await page.goto(from);
    const hrefs = await page.locator("a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
    const id = hrefs.map((href) => link.exec(href)?.[1]).find(Boolean);
    if (!id) throw new Error(`no link matching ${link} on ${from} for ${path}`);
    resolved = resolved.replace(`{${name}}`, id);
  }
  return resolved;
}

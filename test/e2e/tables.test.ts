import { readFile, rm } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import Decimal from "decimal.js";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import nl from "../../app/i18n/nl.json";
import { DEMO_ACCOUNTS } from "../../seeds/demo-accounts";
import { axeViolations, browserAvailable, launchBrowser, logInAs, screenshot, startAppServer, type AppServer, type LaunchedBrowser } from "../support/browser";

/**
 * The long tables (issue 16) by keyboard on the concentration page, on the demo data: sort,
 * search, pages and the CSV of what the search and sort give, each checked against the page's own
 * loader data (never against numbers written here); the live region's count; and the same table
 * without JavaScript, where headers and pages work by reloading. (Skipped without Chromium.)
 */
const ANALYST = DEMO_ACCOUNTS.find((a) => a.email === "analist@demo.jeugdregio.nl")!;
const YEAR = 2024;
const PATH = `/concentration?year=${YEAR}&scope=region&segment=all`;
const SIZE = 25;

interface ProviderRow {
  rank: number;
  provider_code: string;
  provider_name: string;
  spending: string;
  clients: number | null;
  in_80: boolean;
}

const normalise = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
/** A stable sort (ties keep the rows' order, as the table's does). */
const sorted = (rows: ProviderRow[], compare: (a: ProviderRow, b: ProviderRow) => number) =>
  rows.map((row, index) => ({ row, index })).sort((a, b) => compare(a.row, b.row) || a.index - b.index).map((x) => x.row);
const bySpending = (a: ProviderRow, b: ProviderRow) => new Decimal(a.spending).cmp(b.spending);
const codes = (rows: ProviderRow[]) => rows.map((r) => r.provider_code);

describe.runIf(browserAvailable())("the long tables in a browser", () => {
  let server: AppServer;
  let chromium: LaunchedBrowser;
  const contexts: BrowserContext[] = [];
  let data: ProviderRow[] = [];

  beforeAll(async () => {
    server = await startAppServer({ timeoutMs: 400_000 });
    chromium = await launchBrowser();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await chromium?.close();
    await server?.stop();
  });

  const table = (page: Page) => page.getByTestId("concentration-table");
  const shownCodes = (page: Page) => table(page).locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-provider")));
  /** Tab (forwards only) until `target` has the focus: it is reachable by keyboard, in order. */
  async function tabTo(page: Page, target: Locator) {
    for (let i = 0; i < 300; i++) {
      if (await target.evaluate((element) => element === document.activeElement)) return;
      await page.keyboard.press("Tab");
    }
    throw new Error(`not reachable by Tab: ${target}`);
  }
  async function status(page: Page) {
    const live = page.getByTestId("concentration-table-status");
    return { count: Number(await live.getAttribute("data-count")), total: Number(await live.getAttribute("data-total")), text: await live.innerText() };
  }
  const statusText = (rows: number, total: number, from: number, to: number) =>
    nl.table.status
      .replace("{{rows}}", rows.toLocaleString("nl-NL"))
      .replace("{{total}}", total.toLocaleString("nl-NL"))
      .replace("{{from}}", from.toLocaleString("nl-NL"))
      .replace("{{to}}", to.toLocaleString("nl-NL"));

  it("sorts, searches, pages and downloads by keyboard, the rows shown those of the data", async () => {
    const page = await logInAs(chromium.browser, server.baseUrl, ANALYST, "nl-NL", { width: 1366, height: 900 });
    contexts.push(page.context());
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const answer = await page.request.get(`${PATH}&_data=routes%2Fconcentration`);
    expect(answer.status()).toBe(200);
    data = ((await answer.json()) as { rows: ProviderRow[] }).rows;
    expect(data.length).toBeGreaterThan(2 * SIZE); // enough rows for three pages

    await page.goto(PATH);
    await page.getByTestId("concentration-table-download").waitFor(); // hydrated
    await screenshot(page, "tables", "concentration-first-page");
    // The first page, in the report's order, the providers covering 80% marked.
    expect(await shownCodes(page)).toEqual(codes(data.slice(0, SIZE)));
    expect(await table(page).locator("tbody tr.in-set").count()).toBe(data.slice(0, SIZE).filter((r) => r.in_80).length);
    expect(await status(page)).toEqual({ count: data.length, total: data.length, text: statusText(data.length, data.length, 1, SIZE) });
    expect(await page.getByTestId("concentration-table-status").getAttribute("role")).toBe("status");
    // Numbers right-aligned: the spending's header and cells.
    const spendingHeader = table(page).locator('th[data-column="spending"]');
    expect(await spendingHeader.evaluate((th) => getComputedStyle(th).textAlign)).toBe("right");

    // Sort by spending: Enter on the header's button, ascending; again, descending.
    const spendingButton = spendingHeader.getByRole("button", { name: nl.concentration.columns.spending });
    await tabTo(page, spendingButton);
    await page.keyboard.press("Enter");
    await expect.poll(() => spendingHeader.getAttribute("aria-sort")).toBe("ascending");
    const ascending = sorted(data, bySpending);
    expect(await shownCodes(page)).toEqual(codes(ascending.slice(0, SIZE)));
    await page.keyboard.press("Space");
    await expect.poll(() => spendingHeader.getAttribute("aria-sort")).toBe("descending");
    const descending = sorted(data, (a, b) => bySpending(b, a));
    expect(await shownCodes(page)).toEqual(codes(descending.slice(0, SIZE)));
    expect(await table(page).locator("th[aria-sort]").count()).toBe(1);

    // The next page and the last, by the paging buttons.
    const next = page.getByRole("navigation", { name: nl.table.pages.replace("{{name}}", nl.concentration.tableCaption) }).getByRole("button", { name: nl.table.next });
    await tabTo(page, next);
    await page.keyboard.press("Enter");
    await expect.poll(() => shownCodes(page)).toEqual(codes(descending.slice(SIZE, 2 * SIZE)));
    const pages = Math.ceil(data.length / SIZE);
    expect(await page.getByTestId("concentration-table-page").innerText()).toBe(nl.table.page.replace("{{page}}", "2").replace("{{pages}}", String(pages)));
    await tabTo(page, page.getByRole("button", { name: nl.table.last }));
    await page.keyboard.press("Enter");
    await expect.poll(() => shownCodes(page)).toEqual(codes(descending.slice((pages - 1) * SIZE)));
    expect((await status(page)).text).toBe(statusText(data.length, data.length, (pages - 1) * SIZE + 1, data.length));
    await screenshot(page, "tables", "concentration-last-page");

    // Search (labelled, reached by Tab): a word several providers' names share, from the data.
    const words = new Map<string, number>();
    for (const row of data) for (const word of new Set(normalise(row.provider_name).split(/[^a-z]+/).filter((w) => w.length >= 5))) words.set(word, (words.get(word) ?? 0) + 1);
    const [term] = [...words].filter(([, n]) => n > 1 && n < data.length).sort((a, b) => b[1] - a[1])[0]!;
    const search = page.getByRole("searchbox", { name: `${nl.table.search} ${nl.concentration.tableCaption}` });
    await tabTo(page, search);
    await page.keyboard.type(term);
    const found = descending.filter((r) => normalise(r.provider_name).includes(term) || normalise(r.provider_code).includes(term));
    await expect.poll(async () => (await status(page)).count).toBe(found.length);
    expect(await shownCodes(page)).toEqual(codes(found.slice(0, SIZE))); // back to the first page, still by spending
    expect((await status(page)).text).toBe(statusText(found.length, data.length, 1, Math.min(SIZE, found.length)));
    await screenshot(page, "tables", "concentration-search");

    // The download: exactly the rows the search and sort give, in that order, every page.
    const download = page.waitForEvent("download");
    await tabTo(page, page.getByTestId("concentration-table-download"));
    await page.keyboard.press("Enter");
    const file = await (await download).path();
    const csv = await readFile(file, "utf8");
    await rm(file, { force: true });
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const [header, ...lines] = parse(csv, { bom: true, delimiter: ";", record_delimiter: "\r\n" }) as string[][];
    expect(header).toEqual(["rank", "provider_name", "provider_code", "spending", "share", "cumulative_share", "clients", "in_80"].map((c) => nl.concentration.columns[c as keyof typeof nl.concentration.columns]));
    expect(lines.map((cells) => cells[2])).toEqual(codes(found));
    expect(lines.map((cells) => cells[3])).toEqual(found.map((r) => r.spending.replace(".", ",")));

    // No match: zero rows, said so in the live region.
    await search.focus();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type("zzzzqqqq");
    await expect.poll(async () => (await status(page)).count).toBe(0);
    expect(await table(page).locator("tbody tr").count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("pages and sorts without JavaScript, by reloading the page from the same state", async () => {
    const context = await chromium.browser.newContext({ baseURL: server.baseUrl, locale: "nl-NL", javaScriptEnabled: false });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByLabel(nl.auth.email).fill(ANALYST.email);
    await page.getByLabel(nl.auth.password).fill("demo-wachtwoord");
    await page.getByRole("button", { name: nl.auth.submit, exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await page.goto(PATH);
    expect(await shownCodes(page)).toEqual(codes(data.slice(0, SIZE)));
    await table(page).getByRole("button", { name: nl.concentration.columns.spending }).click();
    await page.waitForURL((url) => url.searchParams.get("providers_by") === "spending");
    const ascending = sorted(data, bySpending);
    expect(await shownCodes(page)).toEqual(codes(ascending.slice(0, SIZE)));
    await page.getByRole("button", { name: nl.table.next }).click();
    await page.waitForURL((url) => url.searchParams.get("providers_page") === "2");
    expect(await shownCodes(page)).toEqual(codes(ascending.slice(SIZE, 2 * SIZE)));
    // The page's own question (year, scope, segment) travels with the table's controls.
    const url = new URL(page.url());
    expect([url.searchParams.get("year"), url.searchParams.get("scope"), url.searchParams.get("segment")]).toEqual([String(YEAR), "region", "all"]);
    await screenshot(page, "tables", "concentration-no-javascript");
  });

  it("gives the compare page's shared providers the same table", async () => {
    const page = await logInAs(chromium.browser, server.baseUrl, ANALYST, "nl-NL", { width: 1366, height: 900 });
    contexts.push(page.context());
    const answer = await page.request.get(`/compare?year=${YEAR}&_data=routes%2Fcompare`);
    const shared = ((await answer.json()) as { shared: { providers: { provider_code: string }[] } }).shared.providers;
    await page.goto(`/compare?year=${YEAR}`);
    await page.getByTestId("shared-table-download").waitFor();
    const live = page.getByTestId("shared-table-status");
    expect(Number(await live.getAttribute("data-total"))).toBe(shared.length);
    const shown = await page.getByTestId("shared-table").locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-provider")));
    expect(shown).toEqual(shared.slice(0, SIZE).map((p) => p.provider_code));
    await screenshot(page, "tables", "compare-shared");
  });

  it("gives the audit log server pages, sorted by keyboard, and no axe violations in the tables", async () => {
    const page = await logInAs(chromium.browser, server.baseUrl, ANALYST, "nl-NL", { width: 1366, height: 900 });
    contexts.push(page.context());
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    // The concentration table as a Groningen reader gets it: its size, and axe on the table.
    const html = await (await page.request.get(`/concentration?year=${YEAR}&scope=GM0014`)).text();
    console.info(`concentration GM0014 ${YEAR}: ${Math.round(html.length / 1024)} KB of HTML, ${html.match(/<tr data-provider=|<tr class="in-set" data-provider=/g)?.length} provider rows rendered`);
    await page.goto(`/concentration?year=${YEAR}&scope=GM0014`);
    await page.getByTestId("concentration-table-download").waitFor();
    expect(await axeViolations(page, ".data-table")).toEqual([]);

    const answer = await page.request.get("/audit?audit_size=50&_data=routes%2Faudit");
    const log = (await answer.json()) as { total: number; events: { actor_label: string }[] };
    await page.goto("/audit?audit_size=50");
    await page.getByTestId("audit-table-download").waitFor();
    expect(Number(await page.getByTestId("audit-table-status").getAttribute("data-count"))).toBe(log.total);
    expect(await page.getByTestId("audit-table").locator("tbody tr").count()).toBe(Math.min(50, log.total));
    const who = page.getByTestId("audit-table").locator('th[data-column="who"]');
    await tabTo(page, who.getByRole("button"));
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.searchParams.get("audit_by") === "who");
    await expect.poll(() => who.getAttribute("aria-sort")).toBe("ascending");
    expect(await axeViolations(page, ".data-table")).toEqual([]);
    await screenshot(page, "tables", "audit-by-who");
    expect(errors).toEqual([]);
  });
});

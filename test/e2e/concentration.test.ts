import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "../../app/i18n/en.json";
import nl from "../../app/i18n/nl.json";
import { DEMO_ACCOUNTS, type DemoAccount } from "../../seeds/demo-accounts";
import { browserAvailable, launchBrowser, logInAs, screenshot, startAppServer, type AppServer, type LaunchedBrowser } from "../support/browser";

/**
 * Providers covering 80% and the comparison in a browser, on the demo data, for each role and
 * in both languages; the figures on the page equal the CLI's JSON for the same question.
 * (Skipped without Chromium; CI requires it, see imports-and-segments.test.ts.)
 */
const run = promisify(execFile);
const account = (email: string): DemoAccount => DEMO_ACCOUNTS.find((a) => a.email === email)!;
const ANALYST = account("analist@demo.jeugdregio.nl");
const STEERING = account("stuurgroep@demo.jeugdregio.nl");
const GRONINGEN = account("groningen.lezer@demo.jeugdregio.nl");
const YEAR = 2024;

describe.runIf(browserAvailable())("providers covering 80% in a browser", () => {
  let server: AppServer;
  let chromium: LaunchedBrowser;
  const contexts: BrowserContext[] = [];
  /** Figures the analyst saw, to compare with the CLI once the server has stopped. */
  const seen: Record<string, string> = {};

  beforeAll(async () => {
    server = await startAppServer();
    chromium = await launchBrowser();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await chromium?.close();
    await server?.stop();
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
  });

  async function loggedIn(who: DemoAccount, locale: "nl-NL" | "en-GB", scenario: string): Promise<Page> {
    const page = await logInAs(chromium.browser, server.baseUrl, who, locale, { width: 1280, height: 900 });
    contexts.push(page.context());
    await screenshot(page, scenario, "logged-in");
    return page;
  }

  const figure = (page: Page, name: string) => page.locator(`[data-figure="${name}"]`).innerText();

  it("(a) an analyst sees the region's HSJ providers, the Pareto chart with hover, and downloads the table (Dutch)", async () => {
    const s = "concentration-a-analyst";
    const page = await loggedIn(ANALYST, "nl-NL", s);
    await page.goto(`/concentration?year=${YEAR}&scope=region&segment=hsj`);
    await page.getByRole("heading", { name: nl.concentration.title }).waitFor();
    await page.locator(".chart-bar").first().hover();
    await page.locator(".chart-tooltip").waitFor();
    await screenshot(page, s, "pareto-hover");
    // The "80%" label of the dashed line overlaps no tick label of the axes (issue 16: it sat on the right axis's own 80%).
    const overlaps = await page.evaluate(() => {
      const label = document.querySelector('[data-testid="line80-label"]')?.getBoundingClientRect();
      if (!label) return ["no 80% label"];
      const hit = (b: DOMRect) => !(b.right <= label.left || b.left >= label.right || b.bottom <= label.top || b.top >= label.bottom);
      const ticks = [...document.querySelectorAll(".visx-axis-tick text")];
      return ticks.length ? ticks.filter((tick) => hit(tick.getBoundingClientRect())).map((tick) => tick.textContent ?? "") : ["no axis ticks found"];
    });
    expect(overlaps).toEqual([]);
    for (const name of ["providers", "providers_80", "spending", "hhi"]) seen[name] = await figure(page, name);
    // The table shows 25 rows a page (issue 16): every row on one page to count them all.
    await page.getByTestId("concentration-table-size").selectOption("all");
    seen.rows = String(await page.locator('[data-testid="concentration-table"] tbody tr').count());
    seen.inSet = String(await page.locator('[data-testid="concentration-table"] tbody tr.in-set').count());
    const download = page.waitForEvent("download");
    await page.getByTestId("download-providers-xlsx").click();
    expect((await download).suggestedFilename()).toMatch(/\.xlsx$/);
  });

  it("(b) a steering member sees the comparison in English and no single municipality's provider list", async () => {
    const s = "concentration-b-steering";
    const page = await loggedIn(STEERING, "en-GB", s);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`/compare?year=${YEAR}&metric=spending_per_inhabitant`);
    await page.getByRole("heading", { name: en.compare.title }).waitFor();
    await screenshot(page, s, "compare-loaded");
    const rows = page.locator('[data-testid="compare-matrix"] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(2);
    expect(await rows.last().getAttribute("data-scope")).toBe("region");
    seen.regionPerInhabitant = await rows.last().locator('td[data-column="all"]').innerText();
    await page.getByTestId("shared-providers").waitFor();
    await screenshot(page, s, "compare");
    await page.goto(`/concentration?year=${YEAR}&scope=GM0014`);
    await page.getByTestId("provider-list-hidden").waitFor();
    expect(await page.getByTestId("concentration-table").count()).toBe(0);
    await screenshot(page, s, "municipality-without-list");
    expect(errors).toEqual([]); // hydrated without errors
  });

  it("(c) a Groningen viewer sees Groningen in full and the others only as aggregates (Dutch)", async () => {
    const s = "concentration-c-groningen";
    const page = await loggedIn(GRONINGEN, "nl-NL", s);
    await page.goto(`/concentration?year=${YEAR}`);
    await page.getByTestId("concentration-table").waitFor();
    expect(await page.getByTestId("scope-select").count()).toBe(0);
    await screenshot(page, s, "own-concentration");
    await page.goto(`/compare?year=${YEAR}`);
    await page.getByTestId("compare-matrix").waitFor();
    expect(await page.getByTestId("shared-providers").count()).toBe(0);
    await screenshot(page, s, "compare");
    const other = await page.goto(`/concentration?year=${YEAR}&scope=GM1966`);
    expect(other?.status()).toBe(404);
  });

  it("(e) both pages work in Dutch and English for every role that reads segments", async () => {
    const roles = [ANALYST, STEERING, GRONINGEN, account("groningen.editor@demo.jeugdregio.nl")];
    for (const who of roles) {
      for (const [locale, texts] of [["nl-NL", nl], ["en-GB", en]] as const) {
        const scenario = `concentration-e-${who.role}-${locale}`;
        const page = await loggedIn(who, locale, scenario);
        const errors: string[] = [];
        page.on("pageerror", (error) => errors.push(error.message));
        await page.goto(`/concentration?year=${YEAR}`);
        await page.getByRole("heading", { name: texts.concentration.title, level: 1 }).waitFor();
        await page.getByTestId("concentration-summary").waitFor();
        await screenshot(page, scenario, "concentration");
        await page.goto(`/compare?year=${YEAR}`);
        await page.getByRole("heading", { name: texts.compare.title, level: 1 }).waitFor();
        await page.getByTestId("compare-matrix").waitFor();
        await screenshot(page, scenario, "compare");
        expect(errors, `${who.email} ${locale}`).toEqual([]);
        await page.context().close();
      }
    }
  });

  it("(d) the page showed what the CLI reports for the same question", async () => {
    await server.stop({ keepData: true }); // the embedded database takes one process at a time
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: server.dataDir, LOG_LEVEL: "warn" };
    delete env.DATABASE_URL;
    delete env.TEST_DATABASE_URL;
    const { stdout } = await run(
      path.resolve("node_modules/.bin/tsx"),
      ["app/cli/main.server.ts", "report", "concentration", "--year", String(YEAR), "--segment", "hsj", "--format", "json"],
      { env, timeout: 120_000 },
    );
    const report = JSON.parse(stdout) as { providers: number; providers_80: number; spending: string; hhi: string; rows: unknown[] };
    const digits = (text: string) => text.replace(/[^\d]/g, "");
    expect(digits(seen.providers!)).toBe(String(report.providers));
    expect(digits(seen.providers_80!)).toBe(String(report.providers_80));
    expect(seen.rows).toBe(String(report.rows.length));
    expect(seen.inSet).toBe(String(report.providers_80));
    // The page shows euros with cents, Dutch style; the HHI rounded to a whole number.
    expect(digits(seen.spending!)).toBe(digits(report.spending));
    expect(digits(seen.hhi!)).toBe(String(Math.round(Number(report.hhi))));
    const compare = await run(path.resolve("node_modules/.bin/tsx"), ["app/cli/main.server.ts", "report", "compare", "--year", String(YEAR), "--format", "json"], {
      env,
      timeout: 120_000,
    });
    const region = (JSON.parse(compare.stdout) as { rows: { scope: string; segments: { all: { spending_per_inhabitant: string } } }[] }).rows.at(-1)!;
    expect(region.scope).toBe("region");
    expect(digits(seen.regionPerInhabitant!)).toBe(digits(region.segments.all.spending_per_inhabitant));
  });
});

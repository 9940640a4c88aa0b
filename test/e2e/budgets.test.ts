import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "../../app/i18n/en.json";
import nl from "../../app/i18n/nl.json";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type DemoAccount } from "../../seeds/demo-accounts";
import { browserAvailable, launchBrowser, screenshot, startAppServer, type AppServer, type LaunchedBrowser } from "../support/browser";

/**
 * Groningen's SAMEN. budget on the demo data in a browser: both versions computed from the
 * demo declarations, the waterfall and the settlement; the figures equal `budget compute`.
 */
const run = promisify(execFile);
const account = (email: string): DemoAccount => DEMO_ACCOUNTS.find((a) => a.email === email)!;

describe.runIf(browserAvailable())("local budgets in a browser", () => {
  // (The transition monitor and the settlement are on the same page as the two versions.)
  let server: AppServer;
  let chromium: LaunchedBrowser;
  const seen: Record<string, string> = {};

  beforeAll(async () => {
    server = await startAppServer();
    chromium = await launchBrowser();
  });
  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
  });

  async function loggedIn(who: DemoAccount, locale: "nl-NL" | "en-GB"): Promise<Page> {
    const context = await chromium.browser.newContext({ baseURL: server.baseUrl, locale, viewport: { width: 1280, height: 1000 } });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const texts = locale === "nl-NL" ? nl : en;
    await page.goto("/login");
    await page.getByLabel(texts.auth.email).fill(who.email);
    await page.getByLabel(texts.auth.password).fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: texts.auth.submit, exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/");
    return page;
  }

  it("(a) a Groningen editor sees SAMEN. 2025 computed step by step, with the waterfall and the settlement (Dutch)", async () => {
    const page = await loggedIn(account("groningen.editor@demo.jeugdregio.nl"), "nl-NL");
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto("/budgets");
    await page.getByRole("link", { name: "SAMEN." }).click();
    await page.waitForURL((url) => url.pathname === "/budgets/GM0014/samen");
    await page.goto("/budgets/GM0014/samen?year=2025");
    await page.getByTestId("budget-october").locator(".chart-bar").first().waitFor();
    await page.getByTestId("budget-settlement").waitFor();
    await page.getByTestId("transition-monitor").locator("table").first().waitFor();
    await screenshot(page, "budgets-a-groningen", "samen-2025");
    seen.gross = await page.getByTestId("budget-october").locator('tr[data-step="gross"] td[data-amount]').innerText();
    seen.execution = await page.getByTestId("budget-october").locator('tr[data-step="execution"] td[data-amount]').innerText();
    expect(errors).toEqual([]);
  });

  it("(b) a steering member reads it in English; another municipality's editor does not find it", async () => {
    const page = await loggedIn(account("stuurgroep@demo.jeugdregio.nl"), "en-GB");
    await page.goto("/budgets/GM0014/samen?year=2025");
    await page.getByRole("heading", { name: en.budgets.october }).waitFor();
    await screenshot(page, "budgets-b-steering", "samen-2025-en");
    const other = await loggedIn(account("hogeland.lezer@demo.jeugdregio.nl"), "nl-NL");
    const response = await other.goto("/budgets/GM0014/samen");
    expect(response?.status()).toBe(404);
  });

  it("(c) the page showed what budget compute reports", async () => {
    await server.stop({ keepData: true });
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: server.dataDir, LOG_LEVEL: "warn" };
    delete env.DATABASE_URL;
    delete env.TEST_DATABASE_URL;
    const { stdout } = await run(
      path.resolve("node_modules/.bin/tsx"),
      ["app/cli/main.server.ts", "budget", "compute", "--municipality", "GM0014", "--budget", "samen", "--year", "2025", "--format", "json"],
      { env, timeout: 120_000 },
    );
    const result = JSON.parse(stdout) as { gross: string; execution: string };
    const digits = (text: string) => text.replace(/[^\d]/g, "");
    expect(digits(seen.gross!)).toBe(digits(result.gross));
    expect(digits(seen.execution!)).toBe(digits(result.execution));
  });
});

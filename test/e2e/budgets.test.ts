import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "../../app/i18n/en.json";
import nl from "../../app/i18n/nl.json";
import { DEMO_ACCOUNTS, type DemoAccount } from "../../seeds/demo-accounts";
import { browserAvailable, launchBrowser, logInAs, screenshot, startAppServer, type AppServer, type LaunchedBrowser } from "../support/browser";

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

  const loggedIn = (who: DemoAccount, locale: "nl-NL" | "en-GB") => logInAs(chromium.browser, server.baseUrl, who, locale);

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
    await page.getByTestId("monitor-chart").locator(".chart-bar").first().waitFor();
    await screenshot(page, "budgets-a-groningen", "samen-2025");
    seen.gross = await page.getByTestId("budget-october").locator('tr[data-step="gross"] td[data-amount]').innerText();
    seen.execution = await page.getByTestId("budget-october").locator('tr[data-step="execution"] td[data-amount]').innerText();
    expect(errors).toEqual([]);
  });

  it("(a2) the editor enters a quarter's realisation and fixes the closed square's PGB; both are logged", async () => {
    const page = await loggedIn(account("groningen.editor@demo.jeugdregio.nl"), "nl-NL");
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto("/budgets/GM0014/samen?year=2025");
    const realisation = page.getByTestId("realisation-form");
    await realisation.getByLabel(nl.finance.fields.realised_q1).fill("150.000,00");
    await realisation.getByRole("button", { name: nl.finance.save }).click();
    await realisation.getByTestId("finance-saved").waitFor();
    await expect.poll(() => page.locator('[data-testid="budget-parameters"] tr[data-year="2025"] td[data-quarter="1"]').innerText(), { timeout: 15_000 }).toMatch(/150\.000,00/);
    await expect.poll(() => page.getByTestId("finance-history").innerText(), { timeout: 15_000 }).toContain("groningen.editor@demo.jeugdregio.nl");
    // A scope share above 100% is refused, naming the field.
    await page.getByTestId("parameters-form").getByLabel(nl.finance.fields.scope_share).fill("140");
    await page.getByTestId("parameters-form").getByRole("button", { name: nl.finance.save }).click();
    await page.getByTestId("parameters-form").getByTestId("finance-error").waitFor();
    await screenshot(page, "budgets-a2-entries", "samen-2025-edit");

    await page.goto("/budgets/GM0014");
    await page.getByTestId("square-chart").locator(".chart-bar").first().waitFor();
    await page.getByTestId("square-chart").locator("[data-chart-line] circle").first().waitFor();
    // One form per year: saving 2025's PGB leaves its non-contracted care as it was.
    const row = page.getByTestId("other-spending-table").locator('tr[data-year="2025"]');
    await row.getByLabel(`${nl.finance.fields.pgb} 2025`).fill("3.400.000,00");
    await row.getByRole("button", { name: nl.finance.save }).click();
    await page.getByTestId("other-spending").getByTestId("finance-saved").waitFor();
    expect(await page.getByTestId("other-spending").getByTestId("finance-saved").innerText()).toContain("(1 ");
    await expect.poll(() => page.getByTestId("square-table").locator('tr[data-year="2025"] td[data-part="pgb"]').innerText(), { timeout: 15_000 }).toMatch(/3\.400\.000,00/);
    await screenshot(page, "budgets-a2-entries", "closed-square-nl");
    // 2025 is complete on the demo data (2024 is not: SAMEN. 2024 needs the OVA of 2022, which is not entered).
    seen.total2025 = await page.getByTestId("square-table").locator('tr[data-year="2025"] td[data-total]').innerText();
    seen.deviation2025 = await page.getByTestId("square-table").locator('tr[data-year="2025"] td[data-deviation]').innerText();
    expect(errors).toEqual([]);
  });

  it("(b) a steering member reads it in English; another municipality's editor does not find it", async () => {
    const page = await loggedIn(account("stuurgroep@demo.jeugdregio.nl"), "en-GB");
    await page.goto("/budgets/GM0014/samen?year=2025");
    await page.getByRole("heading", { name: en.budgets.october }).waitFor();
    await screenshot(page, "budgets-b-steering", "samen-2025-en");
    await page.goto("/budgets/GM0014");
    await page.getByTestId("square-chart").locator(".chart-bar").first().waitFor();
    expect(await page.getByTestId("other-spending-new").count()).toBe(0);
    await screenshot(page, "budgets-b-steering", "closed-square-en");
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
    const square = await run(
      path.resolve("node_modules/.bin/tsx"),
      ["app/cli/main.server.ts", "budget", "square", "--municipality", "GM0014", "--format", "json"],
      { env, timeout: 120_000 },
    );
    const y2025 = (JSON.parse(square.stdout) as { years: { year: number; total: string; deviation: string }[] }).years.find((y) => y.year === 2025)!;
    expect(digits(seen.total2025!)).toMatch(/^\d{9,}$/);
    expect(digits(seen.total2025!)).toBe(digits(y2025.total));
    expect(digits(seen.deviation2025!.split("(")[0]!)).toBe(digits(y2025.deviation));
  });
});

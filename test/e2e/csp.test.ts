import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS } from "../../seeds/demo-accounts";
import { browserAvailable, launchBrowser, logInAs, startAppServer, type AppServer, type LaunchedBrowser } from "../support/browser";

/**
 * The Content-Security-Policy in a real browser (issue 13.13): the pages hydrate (Remix's inline
 * scripts carry the nonce), the charts draw, and Chromium reports no violation on any of them.
 */
const PAGES = [
  "/",
  "/segments",
  "/segments/all?scope=region&year=2024",
  "/concentration",
  "/compare",
  "/budgets/GM0014/samen",
  "/budgets/GM0014",
  "/roadmap",
  "/roadmap/tracks/hsj",
  "/imports",
  "/municipalities/GM0014",
];

describe.runIf(browserAvailable())("the Content-Security-Policy in a browser", () => {
  let server: AppServer;
  let chromium: LaunchedBrowser;

  beforeAll(async () => {
    // The demo declarations are imported at start: minutes on a busy machine.
    server = await startAppServer({ timeoutMs: 400_000 });
    chromium = await launchBrowser();
  }, 420_000);
  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
  });

  it("every page hydrates and draws without a single violation", async () => {
    const analyst = DEMO_ACCOUNTS.find((account) => account.role === "rigg_analyst")!;
    const page = await logInAs(chromium.browser, server.baseUrl, analyst, "nl-NL");
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => violations.push(`${page.url()}: ${error.message}`));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        console.error(`Refused to load: CSP ${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    for (const path of PAGES) {
      const response = await page.goto(path);
      expect([path, response?.status()]).toEqual([path, 200]);
      expect(response?.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-/);
      // Remix's router exists only when its inline module script ran.
      await page.waitForFunction(() => "__remixRouter" in window, undefined, { timeout: 15_000 });
      await page.waitForLoadState("networkidle");
    }
    // Charts are drawn with style attributes, which the policy allows.
    await page.goto("/budgets/GM0014/samen");
    await page.waitForLoadState("networkidle");
    expect(await page.locator("svg").count()).toBeGreaterThan(0);
    // A client-side navigation and a form post (the language switch) work under the policy.
    await page.getByTestId("language-switch").click();
    await page.waitForFunction(() => document.documentElement.lang === "en");
    expect(violations).toEqual([]);
    // The control: an injected inline script without the nonce is blocked, and reported.
    const ran = await page.evaluate(async () => {
      const script = document.createElement("script");
      script.textContent = "window.__injected = true";
      document.body.append(script);
      await new Promise((resolve) => setTimeout(resolve, 200));
      return "__injected" in window;
    });
    expect(ran).toBe(false);
    await expect.poll(() => violations.some((text) => /script-src/.test(text))).toBe(true);
  });
});

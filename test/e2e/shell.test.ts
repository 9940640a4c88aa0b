import type { BrowserContext, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type DemoAccount } from "../../seeds/demo-accounts";
import nl from "../../app/i18n/nl.json";
import {
  CHROMIUM_PATH,
  browserAvailable,
  launchBrowser,
  screenshot,
  startAppServer,
  type AppServer,
  type LaunchedBrowser,
} from "../support/browser";

/**
 * The app shell in a real browser: Debian's Chromium (headless) against the
 * real server process on an embedded database with the demo accounts.
 * Without Chromium the suite is skipped, unless REQUIRE_BROWSER=1 (CI), where
 * that is a failure.
 */
const haveBrowser = browserAvailable();
const requireBrowser = process.env.REQUIRE_BROWSER === "1";

if (!haveBrowser) {
  if (requireBrowser) {
    describe("browser tests", () => {
      it("need Chromium", () => {
        throw new Error(
          `REQUIRE_BROWSER=1 but ${CHROMIUM_PATH} is missing: install it with \`apt-get install -y chromium\` (the browser tests never download one).`,
        );
      });
    });
  } else {
    console.warn(`Browser tests were skipped because ${CHROMIUM_PATH} is missing (apt-get install -y chromium).`);
  }
}

const GRONINGEN_VIEWER = DEMO_ACCOUNTS.find((a) => a.email === "groningen.lezer@demo.jeugdregio.nl")!;
const MUNICIPALITY_NAMES: Record<string, string> = { GM0014: "Groningen", GM1966: "Het Hogeland" };

describe.runIf(haveBrowser)("app shell in a browser", () => {
  let server: AppServer;
  let chromium: LaunchedBrowser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // One after the other, so afterAll can stop whatever did start.
    server = await startAppServer();
    chromium = await launchBrowser();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await chromium?.close();
    await server?.stop();
  });

  /** A fresh "browser window" (own cookies) of a Dutch-speaking visitor. */
  async function newPage(): Promise<Page> {
    const context = await chromium.browser.newContext({
      baseURL: server.baseUrl,
      locale: "nl-NL",
      viewport: { width: 1280, height: 800 },
    });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return context.newPage();
  }

  function pathOf(page: Page): string {
    return new URL(page.url()).pathname;
  }

  async function htmlLang(page: Page): Promise<string | null> {
    return page.locator("html").getAttribute("lang");
  }

  /** Waits for the client-side (Remix) navigation to settle on `lang`. */
  async function waitForLang(page: Page, lang: string) {
    await page.waitForFunction((l) => document.documentElement.lang === l, lang);
  }

  async function bodyText(page: Page): Promise<string> {
    return page.locator("body").innerText();
  }

  /** Logs in through the form on /login (Dutch labels) and waits for the start page. */
  async function logIn(page: Page, account: DemoAccount, scenario: string) {
    await page.goto("/login");
    await screenshot(page, scenario, "login");
    await page.getByLabel("E-mailadres").fill(account.email);
    await page.getByLabel("Wachtwoord").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Inloggen", exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await page.getByTestId("current-user").waitFor();
  }

  it("(a) logs in, switches language (remembered), switches back and logs out", async () => {
    const s = "a-language";
    const page = await newPage();

    const first = await page.goto("/");
    expect(first?.ok()).toBe(true);
    expect(pathOf(page)).toBe("/login");
    expect(await htmlLang(page)).toBe("nl");

    await logIn(page, GRONINGEN_VIEWER, s);
    await screenshot(page, s, "home-nl");
    expect(await htmlLang(page)).toBe("nl");
    expect(await page.getByTestId("current-scope").innerText()).toContain("Groningen");
    expect(await page.getByTestId("current-user").innerText()).toContain(GRONINGEN_VIEWER.displayName);
    expect(await page.getByTestId("home-scope").innerText()).toContain("Groningen");
    expect(await page.locator("main").innerText()).toContain("Groningen");
    expect(await page.getByRole("button", { name: "Uitloggen" }).isVisible()).toBe(true);

    // To English.
    await page.getByTestId("language-switch").click();
    await waitForLang(page, "en");
    await page.getByRole("button", { name: "Log out" }).waitFor();
    await screenshot(page, s, "home-en");
    expect(pathOf(page)).toBe("/");
    const english = await bodyText(page);
    expect(english).toContain("Log out");
    expect(english).toContain("Home");
    expect(english).not.toContain("Uitloggen");
    expect(await page.getByTestId("current-scope").innerText()).toContain("Groningen");

    // Remembered over a full reload.
    await page.reload();
    await screenshot(page, s, "home-en-reloaded");
    expect(await htmlLang(page)).toBe("en");
    expect(await bodyText(page)).toContain("Log out");

    // Back to Dutch.
    await page.getByTestId("language-switch").click();
    await waitForLang(page, "nl");
    await page.getByRole("button", { name: "Uitloggen" }).waitFor();
    await screenshot(page, s, "home-nl-again");
    const dutch = await bodyText(page);
    expect(dutch).toContain("Uitloggen");
    expect(dutch).toContain("Start");

    // Keep the session cookie to try it after logging out.
    const session = (await page.context().cookies()).find((c) => c.name === "jr_session");
    expect(session?.value).toBeTruthy();

    await page.getByRole("button", { name: "Uitloggen" }).click();
    await page.waitForURL((url) => url.pathname === "/login");
    await page.getByRole("heading", { name: "Inloggen" }).waitFor();
    await screenshot(page, s, "logged-out");
    expect(await page.getByTestId("current-user").count()).toBe(0);
    expect(await htmlLang(page)).toBe("nl");

    // The old session cookie no longer works: in another browser...
    const other = await newPage();
    await other.context().addCookies([{ ...session!, value: session!.value }]);
    await other.goto("/");
    await screenshot(other, s, "old-cookie");
    expect(pathOf(other)).toBe("/login");
    expect(await other.getByTestId("current-user").count()).toBe(0);
    // ...and on a plain request.
    const response = await fetch(`${server.baseUrl}/`, {
      headers: { cookie: `jr_session=${session!.value}` },
      redirect: "manual",
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/login/);
  });

  it("(b) a municipal viewer gets 403 on admin pages and 404 on another municipality", async () => {
    const s = "b-access";
    const page = await newPage();
    await logIn(page, GRONINGEN_VIEWER, s);
    await screenshot(page, s, "home");

    const admin = (await page.goto("/admin/users")) as Response;
    await screenshot(page, s, "admin-users");
    const adminHeading = await page.locator("main h1").innerText();
    expect({ status: admin.status(), heading: adminHeading }).toEqual({ status: 403, heading: "Geen toegang" });
    expect(await page.getByTestId("current-user").innerText()).toContain(GRONINGEN_VIEWER.displayName);

    const foreign = (await page.goto("/municipalities/GM1966")) as Response;
    await screenshot(page, s, "other-municipality");
    expect(foreign.status()).toBe(404);
    expect(await page.locator("main h1").innerText()).toBe("Niet gevonden");
    expect(await page.content()).not.toContain("Het Hogeland");
    expect(await page.title()).not.toContain("Het Hogeland");

    // Its own municipality is fine.
    const own = (await page.goto("/municipalities/GM0014")) as Response;
    await screenshot(page, s, "own-municipality");
    expect(own.status()).toBe(200);
    expect(await page.getByTestId("municipality-name").innerText()).toBe("Groningen");
  });

  it("(c) the login form works with the keyboard only, and focus is visible", async () => {
    const s = "c-keyboard";
    const page = await newPage();
    await page.goto("/login");
    await screenshot(page, s, "login");

    const focusedName = () => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? "");
    // The e-mail field has autofocus; otherwise Tab until it is reached.
    for (let i = 0; i < 10 && (await focusedName()) !== "email"; i++) await page.keyboard.press("Tab");
    expect(await focusedName()).toBe("email");
    const emailOutline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(emailOutline).not.toBe("none");

    await page.keyboard.type(GRONINGEN_VIEWER.email);
    await page.keyboard.press("Tab");
    expect(await focusedName()).toBe("password");
    await page.keyboard.type(DEMO_PASSWORD);
    await screenshot(page, s, "filled");
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === "/");
    await page.getByTestId("current-user").waitFor();
    await screenshot(page, s, "home");

    // From the top of a freshly loaded page (Chromium tabs on from where focus
    // last was, so blur() is not enough): the first Tab reaches the skip link,
    // which shows itself with an outline.
    await page.reload();
    await page.getByTestId("current-user").waitFor();
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
    await page.keyboard.press("Tab");
    const link = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      return { tag: el.tagName, text: el.textContent, outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth, left: box.left };
    });
    await screenshot(page, s, "skip-link-focused");
    expect(link.tag).toBe("A");
    expect(link.text).toBe("Naar de inhoud");
    expect(link.outlineStyle).not.toBe("none");
    expect(link.outlineWidth).not.toBe("0px");
    expect(link.left).toBeGreaterThanOrEqual(0);

    // Tab on to the first button (the language switch): also outlined.
    let button = null as null | { text: string; outlineStyle: string; outlineWidth: string };
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press("Tab");
      button = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        if (el.tagName !== "BUTTON") return null;
        const style = getComputedStyle(el);
        return { text: el.innerText, outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth };
      });
      if (button) break;
    }
    await screenshot(page, s, "button-focused");
    expect(button).not.toBeNull();
    expect(button!.outlineStyle).not.toBe("none");
    expect(button!.outlineWidth).not.toBe("0px");
  });

  it.each(DEMO_ACCOUNTS.map((account) => [account.email, account] as const))(
    "(d) demo account %s logs in and sees its role in the header",
    async (_email, account) => {
      const s = `d-${account.email.split("@")[0]}`;
      const page = await newPage();
      await logIn(page, account, s);
      await screenshot(page, s, "home");
      const header = await page.getByTestId("current-user").innerText();
      expect(header).toContain(account.displayName);
      expect(header).toContain(nl.roles[account.role]);
      const scope = await page.getByTestId("current-scope").innerText();
      expect(scope).toBe(account.municipalityCode ? MUNICIPALITY_NAMES[account.municipalityCode] : nl.app.region);
      expect(await page.getByTestId("home-role").innerText()).toBe(nl.roles[account.role]);
      await page.getByRole("button", { name: "Uitloggen" }).click();
      await page.waitForURL((url) => url.pathname === "/login");
    },
  );

  it("(e) the tab's title names the page, scope and year, also after the year changes without a new page", async () => {
    const s = "e-title";
    const page = await newPage();
    await logIn(page, GRONINGEN_VIEWER, s);
    await page.goto("/segments");
    const select = page.locator("select[name='year']").first();
    const first = await select.inputValue();
    expect(await page.title()).toBe(`${nl.nav.segments} · Groningen · ${first} · ${nl.app.name}`);
    const other = await select.locator("option").evaluateAll((os, current) => os.map((o) => (o as HTMLOptionElement).value).find((v) => v !== current), first);
    expect(other).toBeTruthy();
    await select.selectOption(other!);
    // Only the query string changes (React Query fetches the figures): the title follows the shown year.
    await page.waitForFunction((year) => document.querySelector("#segment-table-caption")?.textContent?.includes(year), other!);
    await page.waitForFunction((title) => document.title === title, `${nl.nav.segments} · Groningen · ${other} · ${nl.app.name}`);
    await screenshot(page, s, "segments-other-year");
  });
});

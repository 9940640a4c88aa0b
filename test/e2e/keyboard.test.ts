import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import nl from "../../app/i18n/nl.json";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "../../seeds/demo-accounts";
import { browserAvailable, launchBrowser, screenshot, startAppServer, type AppServer, type LaunchedBrowser } from "../support/browser";

/**
 * A keyboard-only journey (issue 16, WCAG 2.1.1 and 2.4.7): sign in, open the segment table,
 * change the year and the scope, drill down, download, sign out, with Tab, Shift+Tab, Enter,
 * Space and the arrow keys only (no clicks, no fill). At every stop the focused element must
 * show a visible focus indicator: a computed outline or box-shadow, inside the window.
 */
interface Focused {
  tag: string;
  testId: string | null;
  name: string | null;
  href: string | null;
  text: string;
  /** Why the focus cannot be seen, or null when it can. */
  invisible: string | null;
}

function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: "body", testId: null, name: null, href: null, text: "", invisible: "nothing has the focus" };
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow !== "none" && style.boxShadow !== "";
    const rect = el.getBoundingClientRect();
    const onScreen = rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0 && rect.top < window.innerHeight && rect.left < window.innerWidth;
    const invisible = !onScreen ? `off screen (${Math.round(rect.left)},${Math.round(rect.top)} ${Math.round(rect.width)}×${Math.round(rect.height)})` : !outline && !shadow ? `no focus indicator (outline ${style.outlineStyle} ${style.outlineWidth}, box-shadow ${style.boxShadow})` : null;
    return {
      tag: el.tagName.toLowerCase(),
      testId: el.getAttribute("data-testid"),
      name: el.getAttribute("name"),
      href: el.getAttribute("href"),
      text: (el.innerText || el.getAttribute("aria-label") || "").trim().slice(0, 60),
      invisible,
    };
  });
}

const describeFocus = (f: Focused) => `${f.tag}${f.testId ? `[${f.testId}]` : ""}${f.name ? `[name=${f.name}]` : ""}${f.href ? `[href=${f.href}]` : ""} "${f.text}"`;

/** The segment table shows `scope`'s figures for `year`, and nothing is loading. */
async function tableShows(page: Page, scope: string, year: string): Promise<void> {
  const caption = nl.segments.tableCaption.replace("{{scope}}", scope).replace("{{year}}", year);
  await page.waitForFunction(
    (expected) => {
      const table = document.querySelector<HTMLTableElement>("[data-testid='segment-table']");
      const busy = document.querySelector(".segments-body")?.getAttribute("aria-busy");
      return table?.caption?.textContent?.replace(/\s+/g, " ").trim() === expected && busy !== "true";
    },
    caption,
    { timeout: 60_000 },
  );
}

describe.runIf(browserAvailable())("keyboard only", () => {
  let server: AppServer;
  let chromium: LaunchedBrowser;
  const stops: string[] = [];
  const unseen: string[] = [];

  beforeAll(async () => {
    // The demo declarations are imported at start: minutes on a busy machine.
    server = await startAppServer({ timeoutMs: 400_000 });
    chromium = await launchBrowser();
  }, 420_000);
  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
  });

  /** Checks the focus after a key: it is somewhere, and it can be seen. */
  async function checkFocus(page: Page, step: string): Promise<Focused> {
    const now = await focused(page);
    stops.push(`${step}: ${describeFocus(now)}`);
    if (now.invisible) unseen.push(`${step}: ${describeFocus(now)}: ${now.invisible}`);
    return now;
  }

  /** Tab (or Shift+Tab) until the focused element is the one wanted, checking the focus at every stop. */
  async function tabTo(page: Page, step: string, wanted: (f: Focused) => boolean, options: { back?: boolean; max?: number } = {}): Promise<Focused> {
    for (let i = 0; i < (options.max ?? 120); i++) {
      await page.keyboard.press(options.back ? "Shift+Tab" : "Tab");
      const now = await checkFocus(page, step);
      if (wanted(now)) return now;
    }
    throw new Error(`${step}: not reached by ${options.back ? "Shift+Tab" : "Tab"}; the stops were:\n${stops.slice(-40).join("\n")}`);
  }

  it("signs in, reads the segment table, changes year and scope, drills down, downloads and signs out", async () => {
    const analyst = DEMO_ACCOUNTS.find((account) => account.role === "rigg_analyst")!;
    const context = await chromium.browser.newContext({ baseURL: server.baseUrl, locale: "nl-NL", viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const s = "keyboard";
    try {
      // --- Sign in: the skip link first, then the form's fields, sent with Enter.
      await page.goto("/login");
      await page.waitForFunction(() => "__remixRouter" in window);
      // The e-mail field has the focus on arrival (autofocus): back to the page's first stop, the skip link.
      await tabTo(page, "login: skip link", (f) => f.text === nl.app.skipToContent, { back: true, max: 10 });
      await tabTo(page, "login: e-mail", (f) => f.name === "email");
      await page.keyboard.type(analyst.email);
      await tabTo(page, "login: password", (f) => f.name === "password", { max: 1 });
      await page.keyboard.type(DEMO_PASSWORD);
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => url.pathname === "/");
      await page.waitForFunction(() => "__remixRouter" in window);
      await screenshot(page, s, "1-home");
      // A new page puts the focus on its main, not on the body (then Tab would start at the top).
      // The focus moves in an effect after the new page renders: poll for it (a loaded machine lags).
      await expect.poll(() => page.evaluate(() => document.activeElement?.id), { timeout: 10_000 }).toBe("main");

      // --- The segment table, from the main navigation (just before main: Shift+Tab).
      await tabTo(page, "home: nav segments", (f) => f.href === "/segments", { back: true });
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => url.pathname === "/segments");
      await page.getByTestId("segment-table").waitFor();
      await page.waitForLoadState("networkidle");
      const yearBefore = await page.getByTestId("year-select").inputValue();

      // --- The year: the arrow keys on the select change it; the table follows without a new page.
      await tabTo(page, "segments: year", (f) => f.testId === "year-select");
      await page.keyboard.press("ArrowDown");
      await page.waitForURL((url) => url.searchParams.has("year") && url.searchParams.get("year") !== yearBefore);
      const year = new URL(page.url()).searchParams.get("year")!;
      expect(Number(year)).toBe(Number(yearBefore) - 1);
      await tableShows(page, nl.segments.region, year);
      await checkFocus(page, "segments: year changed");
      await screenshot(page, s, "2-year");

      // --- The scope: back to the combobox, type, arrow to the match, Enter.
      await tabTo(page, "segments: scope", (f) => f.testId === "scope-select", { back: true });
      await page.keyboard.type("GM0014");
      await page.waitForFunction(() => document.querySelectorAll("[data-testid='scope-select-list'] li").length === 1);
      await page.keyboard.press("ArrowDown");
      await page.waitForFunction(() => document.querySelector("[data-testid='scope-select-list'] li")?.getAttribute("aria-selected") === "true");
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => url.searchParams.get("scope") === "GM0014" && url.searchParams.get("year") === year);
      await tableShows(page, "Groningen", year);
      // The focus stays in the picker (it is drawn anew for the new scope).
      expect((await checkFocus(page, "segments: scope chosen")).testId).toBe("scope-select");
      await screenshot(page, s, "3-scope");

      // --- Drill down into a segment's column; the drill-down keeps the scope and the year.
      await tabTo(page, "segments: drill down", (f) => f.testId === "column-link-basishulp");
      await page.keyboard.press("Enter");
      await page.waitForURL((url) => url.pathname === "/segments/basishulp");
      await page.waitForFunction(() => "__remixRouter" in window);
      // The focus moves in an effect after the new page renders: poll for it (a loaded machine lags).
      await expect.poll(() => page.evaluate(() => document.activeElement?.id), { timeout: 10_000 }).toBe("main");
      const drill = new URL(page.url());
      expect([drill.searchParams.get("scope"), drill.searchParams.get("year")]).toEqual(["GM0014", year]);
      await screenshot(page, s, "4-drilldown");

      // --- Download the drill-down's table as CSV with Enter on its link.
      await tabTo(page, "drill-down: download", (f) => /^download-.*-csv$/.test(f.testId ?? ""));
      const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
      expect(download.suggestedFilename()).toMatch(/\.csv$/);
      const file = await download.path();
      const csv = readFileSync(file, "utf8");
      expect(csv.split("\n").filter(Boolean).length).toBeGreaterThan(1);

      // --- Sign out: back up to the header's button, Space presses it.
      await tabTo(page, "drill-down: sign out", (f) => f.tag === "button" && f.text === nl.auth.logout, { back: true });
      await page.keyboard.press("Space");
      await page.waitForURL((url) => url.pathname === "/login");
      await screenshot(page, s, "5-signed-out");
      const after = await page.goto("/segments");
      expect(new URL(after!.url()).pathname).toBe("/login");

      console.log(`keyboard: ${stops.length} focus stops`);
      expect(unseen).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);
});

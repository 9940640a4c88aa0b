import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserAvailable, launchBrowser, logInAs, screenshot, startAppServer, type AppServer, type LaunchedBrowser } from "../support/browser";
import { ACCOUNT_PAGES, resolvePagePath } from "../support/pages";

/**
 * No page scrolls sideways (issue 16): every page of every demo account, at a laptop's and a
 * tablet's width, after hydration with its charts drawn at their container's width, has a
 * document no wider than the window. A wide table scrolls in its own box (TableScroll) instead.
 * Each page is also kept as a full-page screenshot at both widths in Dutch and English
 * (test-results/screenshots/widths-<lang>-<width>-<page>.png), from the first account that opens it.
 */
const VIEWPORTS = [
  { width: 1366, height: 900 },
  { width: 768, height: 1024 },
] as const;
const LOCALES = [
  { locale: "nl-NL", lang: "nl" },
  { locale: "en-GB", lang: "en" },
] as const;

/** The page's screenshot name: its path without ids or punctuation ("/" is "home"). */
const slug = (path: string) => path.replace(/^\//, "").replace(/[{}]/g, "").replace(/[^a-zA-Z0-9]+/g, "-").replace(/-$/, "") || "home";

/** Which account takes a page's screenshots: the first that opens it. */
const shooter = new Map<string, string>();
for (const { account, pages } of ACCOUNT_PAGES) for (const path of pages) if (!shooter.has(path)) shooter.set(path, account.email);

interface Overflow {
  scrollWidth: number;
  innerWidth: number;
  /** The outermost elements that stick out past the window (and are in no scroll box). */
  culprits: string[];
}

/** Requests in flight per page: "networkidle" waits 500 ms on every visit, a tenth of this file's time. */
const inFlight = new WeakMap<Page, Set<unknown>>();
function trackRequests(page: Page): void {
  const open = new Set<unknown>();
  inFlight.set(page, open);
  page.on("request", (request) => open.add(request));
  page.on("requestfinished", (request) => open.delete(request));
  page.on("requestfailed", (request) => open.delete(request));
}

/** Hydrated (Remix's router is there), no request open for 100 ms (data fetched after hydration is in), and every chart drawn no wider than its frame. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => "__remixRouter" in window, undefined, { timeout: 20_000 });
  const open = inFlight.get(page)!;
  for (let quiet = 0, waited = 0; quiet < 2; waited += 50) {
    if (waited > 20_000) throw new Error(`requests still open after 20 s: ${open.size}`);
    await page.waitForTimeout(50);
    quiet = open.size === 0 ? quiet + 1 : 0;
  }
  await page.waitForFunction(
    () =>
      Array.from(document.querySelectorAll<HTMLElement>(".chart-frame")).every((frame) => {
        const canvas = frame.querySelector<HTMLElement>(".chart-canvas");
        return !canvas || canvas.getBoundingClientRect().width <= frame.getBoundingClientRect().width + 1;
      }),
    undefined,
    { timeout: 10_000 },
  );
}

function overflow(page: Page): Promise<Overflow> {
  return page.evaluate(() => {
    const innerWidth = window.innerWidth;
    const scrollWidth = document.documentElement.scrollWidth;
    const culprits: string[] = [];
    if (scrollWidth > innerWidth) {
      for (const element of Array.from(document.querySelectorAll("body *"))) {
        const parent = element.parentElement;
        if (!parent || element.getBoundingClientRect().right <= innerWidth + 1 || parent.getBoundingClientRect().right > innerWidth + 1) continue;
        let scrolled = false;
        for (let a: HTMLElement | null = parent; a && !scrolled; a = a.parentElement) scrolled = getComputedStyle(a).overflowX !== "visible";
        if (scrolled) continue;
        const name = element.getAttribute("data-testid") ?? element.id ?? "";
        culprits.push(`${element.tagName.toLowerCase()}${element.className && typeof element.className === "string" ? `.${element.className.split(" ")[0]}` : ""}${name ? `[${name}]` : ""} ${Math.round(element.getBoundingClientRect().width)} px`);
      }
    }
    return { scrollWidth, innerWidth, culprits: culprits.slice(0, 5) };
  });
}

describe.runIf(browserAvailable())("no page scrolls sideways", () => {
  let server: AppServer;
  let chromium: LaunchedBrowser;
  const started = Date.now();

  beforeAll(async () => {
    // The demo declarations are imported at start: minutes on a busy machine.
    server = await startAppServer({ timeoutMs: 400_000 });
    chromium = await launchBrowser();
  }, 420_000);
  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
    console.log(`widths: ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
  });

  for (const { account, pages } of ACCOUNT_PAGES) {
    it(`${account.email}: ${pages.length} pages at ${VIEWPORTS.map((v) => v.width).join(" and ")} px`, async () => {
      const problems: string[] = [];
      const t0 = Date.now();
      let shots = 0;
      for (const viewport of VIEWPORTS) {
        for (const { locale, lang } of LOCALES) {
          // Dutch: every page, checked; English: the pages this account photographs, checked too.
          const visit = lang === "nl" ? pages : pages.filter((path) => shooter.get(path) === account.email);
          if (visit.length === 0) continue;
          const page = await logInAs(chromium.browser, server.baseUrl, account, locale, viewport);
          trackRequests(page);
          let current = "";
          // A script error stops hydration (and the charts): say so, rather than only time out.
          page.on("pageerror", (error) => problems.push(`${current} ${lang} ${viewport.width}: ${error.message}`));
          try {
            for (const path of visit) {
              current = path;
              const url = await resolvePagePath(page, path);
              const response = await page.goto(url);
              if (response?.status() !== 200) {
                problems.push(`${path} ${lang} ${viewport.width}: status ${response?.status()}`);
                continue;
              }
              const unsettled = await settled(page).then(
                () => null,
                (error: Error) => error.message.split("\n")[0],
              );
              if (unsettled) {
                problems.push(`${path} ${lang} ${viewport.width}: not hydrated or charts not drawn (${unsettled})`);
                continue;
              }
              const language = await page.evaluate(() => document.documentElement.lang);
              if (language !== lang) problems.push(`${path} ${lang} ${viewport.width}: the page is in "${language}"`);
              const { scrollWidth, innerWidth, culprits } = await overflow(page);
              if (scrollWidth > innerWidth) problems.push(`${path} ${lang} ${viewport.width}: ${scrollWidth} px wide (${culprits.join(", ")})`);
              if (shooter.get(path) === account.email) {
                await screenshot(page, `widths-${lang}-${viewport.width}`, slug(path));
                shots++;
              }
            }
          } finally {
            await page.context().close();
          }
        }
      }
      console.log(`widths: ${account.email}: ${pages.length} pages × ${VIEWPORTS.length} widths, ${shots} screenshots, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      expect(problems).toEqual([]);
    }, 600_000);
  }
});

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeReport, browserAvailable, launchBrowser, logInAs, SCREENSHOT_DIR, startAppServer, type AppServer, type LaunchedBrowser } from "../support/browser";
import { ACCOUNT_PAGES, ANONYMOUS_PAGES, resolvePagePath } from "../support/pages";

/**
 * WCAG 2.1 A/AA as axe-core checks it (issue 16): every page of every demo account, and the
 * public pages, in Dutch and in English, hydrated with its charts drawn: zero violations. Each
 * violation is printed as "rule (impact) page role language: target — reason", and the counts per
 * rule are written to test-results/axe.json, so a failure says what to fix and where.
 */
const LOCALES = [
  { locale: "nl-NL", lang: "nl" },
  { locale: "en-GB", lang: "en" },
] as const;

interface Found {
  rule: string;
  impact: string;
  page: string;
  role: string;
  lang: string;
  target: string;
  summary: string;
}

const found: Found[] = [];
let visits = 0;

const line = (f: Found) => `${f.rule} (${f.impact}) ${f.page} ${f.role} ${f.lang}: ${f.target}${f.summary ? ` — ${f.summary}` : ""}`;

/** Hydrated (Remix's router is there) and the network quiet, so the charts are drawn at their width. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => "__remixRouter" in window, undefined, { timeout: 20_000 });
  await page.waitForLoadState("networkidle");
}

async function check(page: Page, url: string, who: { page: string; role: string; lang: string }): Promise<Found[]> {
  const response = await page.goto(url);
  if (response?.status() !== 200) return [{ rule: "status", impact: "", ...who, target: String(response?.status()), summary: "" }];
  await settled(page);
  visits++;
  return (await axeReport(page)).map((v) => ({ ...v, ...who }));
}

async function anonymousPage(browser: Browser, baseUrl: string, locale: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, locale, viewport: { width: 1280, height: 1000 } });
  context.setDefaultTimeout(20_000);
  return context.newPage();
}

describe.runIf(browserAvailable())("axe: WCAG 2.1 A/AA on every page, every role, both languages", () => {
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
    const perRule: Record<string, number> = {};
    for (const f of found) perRule[f.rule] = (perRule[f.rule] ?? 0) + 1;
    mkdirSync(path.dirname(SCREENSHOT_DIR), { recursive: true });
    writeFileSync(path.join(path.dirname(SCREENSHOT_DIR), "axe.json"), JSON.stringify({ visits, perRule, violations: found }, null, 2));
    console.log(`axe: ${visits} page visits, ${found.length} violations ${JSON.stringify(perRule)}, ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
  });

  it("the public pages", async () => {
    const mine: Found[] = [];
    for (const { locale, lang } of LOCALES) {
      const page = await anonymousPage(chromium.browser, server.baseUrl, locale);
      try {
        for (const path of ANONYMOUS_PAGES) mine.push(...(await check(page, path, { page: path, role: "anonymous", lang })));
      } finally {
        await page.context().close();
      }
    }
    found.push(...mine);
    if (mine.length) console.log(mine.map(line).join("\n"));
    expect(mine.map(line)).toEqual([]);
  }, 120_000);

  for (const { account, role, pages } of ACCOUNT_PAGES) {
    it(`${account.email} (${role}): ${pages.length} pages in nl and en`, async () => {
      const mine: Found[] = [];
      const t0 = Date.now();
      for (const { locale, lang } of LOCALES) {
        const page = await logInAs(chromium.browser, server.baseUrl, account, locale);
        try {
          for (const path of pages) mine.push(...(await check(page, await resolvePagePath(page, path), { page: path, role: `${role} ${account.email.split("@")[0]}`, lang })));
        } finally {
          await page.context().close();
        }
      }
      found.push(...mine);
      console.log(`axe: ${account.email}: ${pages.length} pages × 2 languages, ${mine.length} violations, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      if (mine.length) console.log(mine.map(line).join("\n"));
      expect(mine.map(line)).toEqual([]);
    }, 600_000);
  }
});

import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { todayInAmsterdam } from "@jeugdregio/format";
import { SEGMENT_COLUMNS } from "@jeugdregio/metrics";
import en from "../../app/i18n/en.json";
import nl from "../../app/i18n/nl.json";
import { DEMO_ACCOUNTS, type DemoAccount } from "../../seeds/demo-accounts";
import { monthBefore } from "../../seeds/lag-data";
import { CHROMIUM_PATH, SCREENSHOT_DIR, browserAvailable, launchBrowser, logInAs, screenshot, startAppServer, type AppServer, type LaunchedBrowser } from "../support/browser";

/**
 * Issue 14, "Done when": on a fresh start with the demo data, the segment overview of the
 * demo's current year (incomplete: declarations arrive late) shows per column realised,
 * expected late, expected remaining, the forecast with its band and the same period last year,
 * and the forecast page shows the monthly chart, the lag pattern and the backtest; in Dutch
 * and English, for a regional analyst and a municipal viewer (who sees only their own
 * municipality). Screenshots in test-results/screenshots/forecast-*.png.
 *
 * Without Chromium the suite is skipped, unless REQUIRE_BROWSER=1 (CI).
 */
const haveBrowser = browserAvailable();
const requireBrowser = process.env.REQUIRE_BROWSER === "1";

if (!haveBrowser) {
  if (requireBrowser) {
    describe("browser tests (forecast)", () => {
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

const account = (email: string): DemoAccount => {
  const found = DEMO_ACCOUNTS.find((a) => a.email === email);
  if (!found) throw new Error(`no demo account ${email}`);
  return found;
};
const ANALYST = account("analist@demo.jeugdregio.nl");
const GRONINGEN_VIEWER = account("groningen.lezer@demo.jeugdregio.nl");

type Lang = "nl" | "en";
const TEXTS = { nl, en } as const;
const LOCALE = { nl: "nl-NL", en: "en-GB" } as const;
const ROWS = ["realised", "expected_late", "expected_remaining", "forecast", "band", "same_period_last_year"] as const;

// The demo's "now": its declarations run through the last complete month before today
// (seeds/demo-data.ts), so the current year is that month's year (today's year, except on the
// first days of January, when it is last year).
const TODAY = todayInAmsterdam();
const THROUGH = monthBefore(TODAY);
const YEAR = Number(THROUGH.slice(0, 4));
const THROUGH_MONTH = Number(THROUGH.slice(5, 7));

// ---------------------------------------------------------------------------
// Formatting and parsing, written out independently of the app's formatter

/** Whitespace (incl. the no-break spaces of Intl) as single spaces. */
function normalize(text: string): string {
  return text.replace(/[\s\u00a0\u202f]+/g, " ").trim();
}

/** i18next-style interpolation of a translation. */
function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`no value for {{${key}}} in "${template}"`);
    return String(values[key]);
  });
}

/** "3 december 2026" / "3 December 2026". */
function longDate(isoDate: string, lang: Lang): string {
  return new Intl.DateTimeFormat(LOCALE[lang], { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${isoDate}T00:00:00Z`));
}

/** "november 2026" / "November 2026". */
function longMonth(yyyyMm: string, lang: Lang): string {
  return new Intl.DateTimeFormat(LOCALE[lang], { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${yyyyMm}-01T00:00:00Z`));
}

/** The last day of a month, 'YYYY-MM-DD'. */
function lastDayOf(yyyyMm: string): string {
  const [y, m] = yyyyMm.split("-").map(Number) as [number, number];
  const day = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${yyyyMm}-${String(day).padStart(2, "0")}`;
}

/** The same calendar date a year earlier (29 February → 28 February). */
function yearBefore(isoDate: string): string {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y - 1, m, 0)).getUTCDate();
  return `${y - 1}-${String(m).padStart(2, "0")}-${String(Math.min(d, last)).padStart(2, "0")}`;
}

const MONEY = {
  // "€ 22.604.868" or "€ 22.604.868,16" (spaces removed before matching)
  nl: /^(-?)€(-?)(\d{1,3}(?:\.\d{3})*)(?:,(\d{2}))?$/,
  // "€22,604,868" or "€22,604,868.16"
  en: /^(-?)€(-?)(\d{1,3}(?:,\d{3})*)(?:\.(\d{2}))?$/,
};

/** A money text of the page's language → integer cents; throws on anything else (also on an empty cell). */
function cents(text: string, lang: Lang, options: { withCents?: boolean } = {}): bigint {
  const compact = text.replace(/[\s\u00a0\u202f]/g, "").replace(/\u2212/g, "-");
  const match = MONEY[lang].exec(compact);
  if (!match) throw new Error(`not a ${lang} money amount: "${text}"`);
  const [, sign1, sign2, euros, fraction] = match;
  if (options.withCents === true && fraction === undefined) throw new Error(`no cents in "${text}"`);
  if (options.withCents === false && fraction !== undefined) throw new Error(`cents in "${text}" (whole euros expected)`);
  const value = BigInt(euros!.replace(/[.,]/g, "")) * 100n + BigInt(fraction ?? "0");
  return sign1 || sign2 ? -value : value;
}

/** "97,9%" / "97.9%" (one decimal) → tenths of a percent (979). */
function permille(text: string, lang: Lang): number {
  const compact = text.replace(/[\s\u00a0\u202f]/g, "").replace(/\u2212/g, "-");
  const match = (lang === "nl" ? /^(-?)(\d{1,3}(?:\.\d{3})*),(\d)%$/ : /^(-?)(\d{1,3}(?:,\d{3})*)\.(\d)%$/).exec(compact);
  if (!match) throw new Error(`not a ${lang} percentage with one decimal: "${text}"`);
  const value = Number(match[2]!.replace(/[.,]/g, "")) * 10 + Number(match[3]);
  return match[1] ? -value : value;
}

/** "20,1911" / "20.1911" (four decimals) → ten-thousandths (201911). */
function factorOf(text: string, lang: Lang): number {
  const match = (lang === "nl" ? /^(\d+),(\d{4})$/ : /^(\d+)\.(\d{4})$/).exec(normalize(text));
  if (!match) throw new Error(`not a ${lang} factor with four decimals: "${text}"`);
  return Number(match[1]) * 10_000 + Number(match[2]);
}

const abs = (n: bigint) => (n < 0n ? -n : n);

// ---------------------------------------------------------------------------
// Reading tables

interface ReadTable {
  caption: string;
  headers: string[];
  /** Per body row: the row header and the other cells, in order. */
  rows: { header: string; cells: string[]; attrs: Record<string, string> }[];
}

async function readTable(page: Page, testId: string): Promise<ReadTable> {
  return page.getByTestId(testId).evaluate((table: HTMLTableElement) => {
    const norm = (text: string | null) => (text ?? "").replace(/[\s\u00a0\u202f]+/g, " ").trim();
    return {
      caption: norm(table.caption?.textContent ?? ""),
      headers: Array.from(table.querySelectorAll("thead tr th")).map((th) => norm(th.textContent)),
      rows: Array.from(table.querySelectorAll("tbody tr")).map((tr) => {
        const attrs: Record<string, string> = {};
        for (const a of Array.from(tr.attributes)) attrs[a.name] = a.value;
        const [first, ...rest] = Array.from(tr.children);
        return { header: norm(first?.textContent ?? ""), cells: rest.map((c) => norm(c.textContent)), attrs };
      }),
    };
  });
}

/** Uncaught page errors and console errors of a page, from now on. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** The "figures through …, declared up to …" line right under the page's title. */
async function checkDataThrough(page: Page, lang: Lang, title: string) {
  const t = TEXTS[lang];
  await expect.poll(() => page.locator("h1").innerText()).toBe(title);
  const line = page.locator("h1 + [data-testid='data-through']");
  expect(await line.count()).toBe(1);
  expect(await line.getAttribute("data-through")).toBe(THROUGH);
  expect(await line.getAttribute("data-declared-up-to")).toBe(TODAY);
  expect(normalize(await line.innerText())).toBe(normalize(fill(t.asOf.dataThrough, { month: longMonth(THROUGH, lang), date: longDate(TODAY, lang) })));
}

/** The year choice: the current year chosen and marked incomplete ("2026 · t/m nov"), the earlier years plain. */
async function checkYearSelect(page: Page, lang: Lang) {
  const t = TEXTS[lang];
  const select = page.getByTestId("year-select").or(page.locator("select[name='year']")).first();
  expect(await select.inputValue()).toBe(String(YEAR));
  const options = await select.locator("option").evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, text: (o.textContent ?? "").trim() })));
  const mark = fill(t.forecast.yearIncomplete, { year: YEAR, month: t.forecast.monthShort[THROUGH.slice(5, 7) as keyof typeof t.forecast.monthShort] });
  expect(options[0]).toEqual({ value: String(YEAR), text: mark });
  // The demo has earlier, complete years (the forecast needs two years of history).
  const earlier = options.slice(1);
  expect(earlier.length).toBeGreaterThanOrEqual(2);
  for (const o of earlier) {
    expect(Number(o.value)).toBeLessThan(YEAR);
    expect(o.text).toBe(o.value);
  }
}

// ---------------------------------------------------------------------------

describe.runIf(haveBrowser)("the forecast in a browser (issue 14)", () => {
  let server: AppServer;
  let chromium: LaunchedBrowser;
  /** The 'all' column's forecast on the overview (whole euros), per account and language, for the forecast page to match. */
  const overviewForecast = new Map<string, bigint>();

  beforeAll(async () => {
    server = await startAppServer();
    chromium = await launchBrowser();
  });
  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
  });

  const VIEWS = [
    { who: ANALYST, lang: "nl", scope: "region", scopeName: nl.segments.region, label: "analyst" },
    { who: ANALYST, lang: "en", scope: "region", scopeName: en.segments.region, label: "analyst" },
    { who: GRONINGEN_VIEWER, lang: "nl", scope: "GM0014", scopeName: "Groningen", label: "groningen-viewer" },
    { who: GRONINGEN_VIEWER, lang: "en", scope: "GM0014", scopeName: "Groningen", label: "groningen-viewer" },
  ] as const;

  for (const view of VIEWS) {
    const lang: Lang = view.lang;
    const t = TEXTS[lang];
    const key = `${view.label}-${lang}`;

    it(`(a) ${view.label} (${lang}): the segment overview of ${YEAR} shows realised, expected late, remaining, forecast and band per column`, async () => {
      const page = await logInAs(chromium.browser, server.baseUrl, view.who, LOCALE[lang]);
      const errors = collectErrors(page);
      // A fresh visit: no year in the URL, the current (incomplete) year is the default.
      await page.goto("/segments");
      const section = page.getByTestId("segment-forecast");
      await section.waitFor();
      expect(await page.locator("html").getAttribute("lang")).toBe(lang);
      await checkDataThrough(page, lang, t.segments.title);
      await checkYearSelect(page, lang);
      if (view.scope === "region") expect(await page.locator("input[type='hidden'][name='scope']").inputValue()).toBe("region");
      else {
        expect(await page.getByTestId("scope-select").count()).toBe(0);
        expect(normalize(await page.getByTestId("scope-name").innerText())).toBe(view.scopeName);
      }

      const month = t.forecast.monthShort[THROUGH.slice(5, 7) as keyof typeof t.forecast.monthShort];
      expect(normalize(await section.locator("h2").first().innerText())).toBe(fill(t.forecast.overview.title, { year: YEAR }));
      expect(normalize(await section.getByTestId("year-incomplete").innerText())).toBe(fill(t.forecast.overview.incomplete, { year: YEAR, month }));
      expect(normalize(await section.getByTestId("forecast-basis").innerText())).toBe(fill(t.forecast.basis, { date: longDate(lastDayOf(THROUGH), lang) }));

      const table = await readTable(page, "segment-forecast-table");
      expect(table.caption).toBe(fill(t.forecast.overview.caption, { scope: view.scopeName, year: YEAR }));
      expect(table.headers).toEqual([t.segments.measure, ...SEGMENT_COLUMNS.map((c) => t.segments.columns[c])]);
      expect(table.rows.map((r) => r.header)).toEqual(ROWS.map((r) => t.forecast.figures[r]));
      expect(table.rows.map((r) => r.attrs["data-row"])).toEqual([...ROWS]);

      // The segment table above it: its spending row is the forecast's realised figure.
      const segments = await readTable(page, "segment-table");
      const spending = segments.rows.find((r) => r.header === t.segments.measures.spending);
      expect(spending, `no row "${t.segments.measures.spending}" in the segment table`).toBeDefined();

      const reasons = new Set([t.forecast.noBand, ...Object.values(t.forecast.bandReasons)].map(normalize));
      SEGMENT_COLUMNS.forEach((column, i) => {
        const cell = (row: (typeof ROWS)[number]) => table.rows[ROWS.indexOf(row)]!.cells[i]!;
        const realised = cents(cell("realised"), lang, { withCents: false });
        const late = cents(cell("expected_late"), lang, { withCents: false });
        const remaining = cents(cell("expected_remaining"), lang, { withCents: false });
        const forecast = cents(cell("forecast"), lang, { withCents: false });
        const lastYear = cents(cell("same_period_last_year"), lang, { withCents: false });
        const where = `${column}: ${JSON.stringify(table.rows.map((r) => r.cells[i]))}`;
        expect(late, where).toBeGreaterThanOrEqual(0n);
        expect(remaining, where).toBeGreaterThanOrEqual(0n);
        expect(lastYear, where).toBeGreaterThanOrEqual(0n);
        expect(forecast, where).toBeGreaterThanOrEqual(realised);
        // Forecast = realised + expected late + expected remaining (each rounded to whole euros).
        expect(abs(realised + late + remaining - forecast), where).toBeLessThanOrEqual(200n);
        expect(cents(spending!.cells[i]!, lang), where).toBe(realised);
        const band = cell("band");
        const parts = band.split(" – ");
        if (parts.length === 2) {
          const [low, high] = parts.map((p) => cents(p, lang, { withCents: false })) as [bigint, bigint];
          expect(low, where).toBeLessThanOrEqual(forecast);
          expect(high, where).toBeGreaterThanOrEqual(forecast);
        } else {
          expect(column, `the 'all' column needs a band: ${where}`).not.toBe("all");
          expect(reasons.has(band), where).toBe(true);
        }
      });

      // The 'all' column: the year is incomplete, so the late declarations and (before December) the remaining months add up.
      const all = (row: (typeof ROWS)[number]) => cents(table.rows[ROWS.indexOf(row)]!.cells[0]!, lang, { withCents: false });
      expect(all("realised")).toBeGreaterThan(100_000_00n);
      expect(all("expected_late")).toBeGreaterThan(0n);
      if (THROUGH_MONTH < 12) expect(all("expected_remaining")).toBeGreaterThan(0n);
      expect(all("forecast")).toBeGreaterThan(all("realised"));
      const [low, high] = table.rows[ROWS.indexOf("band")]!.cells[0]!.split(" – ").map((p) => cents(p, lang)) as [bigint, bigint];
      expect(low).toBeLessThan(high);
      overviewForecast.set(key, all("forecast"));

      const link = section.getByTestId("forecast-link");
      expect(normalize(await link.innerText())).toBe(t.forecast.overview.link);
      const href = new URL((await link.getAttribute("href"))!, server.baseUrl);
      expect(href.pathname).toBe("/forecast");
      expect(href.searchParams.get("scope")).toBe(view.scope);
      expect(href.searchParams.get("year")).toBe(String(YEAR));

      await screenshot(page, `forecast-a-${view.label}`, `segments-${YEAR}-${lang}`);
      await section.screenshot({ path: path.join(SCREENSHOT_DIR, `forecast-a-${view.label}-segments-forecast-section-${lang}.png`) });
      expect(errors).toEqual([]);
      await page.context().close();
    });

    it(`(b) ${view.label} (${lang}): the forecast page shows the monthly chart, the lag pattern and the backtest`, async () => {
      const page = await logInAs(chromium.browser, server.baseUrl, view.who, LOCALE[lang]);
      const errors = collectErrors(page);
      // From the overview's link, as a user would.
      await page.goto("/segments");
      await page.getByTestId("forecast-link").click();
      await page.waitForURL((url) => url.pathname === "/forecast");
      await page.getByTestId("forecast-chart").waitFor();
      expect(await page.locator("html").getAttribute("lang")).toBe(lang);
      await checkDataThrough(page, lang, t.forecast.title);
      await checkYearSelect(page, lang);
      expect(await page.locator("select[name='segment']").inputValue()).toBe("all");
      if (view.scope === "region") expect(await page.locator("input[type='hidden'][name='scope']").inputValue()).toBe("region");
      else {
        expect(await page.getByTestId("scope-select").count()).toBe(0);
        expect(normalize(await page.getByTestId("scope-name").innerText())).toBe(view.scopeName);
      }
      expect(normalize(await page.getByTestId("forecast-basis").innerText())).toBe(fill(t.forecast.basis, { date: longDate(lastDayOf(THROUGH), lang) }));

      // The year's figures of the 'all' column, with cents; the overview showed them in whole euros.
      const column = t.segments.columns.all;
      expect(normalize(await page.locator("#forecast-figures-title").innerText())).toBe(fill(t.forecast.figures.title, { column, year: YEAR, scope: view.scopeName }));
      const figures = page.getByTestId("forecast-figures");
      const figure = async (name: string) => normalize(await figures.locator(`dd[data-figure="${name}"]`).innerText());
      const realised = cents(await figure("realised"), lang, { withCents: true });
      const late = cents(await figure("expected_late"), lang, { withCents: true });
      const remaining = cents(await figure("expected_remaining"), lang, { withCents: true });
      const forecast = cents(await figure("forecast"), lang, { withCents: true });
      expect(forecast).toBeGreaterThan(realised);
      expect(late).toBeGreaterThan(0n);
      expect(abs(realised + late + remaining - forecast)).toBeLessThanOrEqual(2n);
      const [low, high] = (await figure("band")).split(" – ").map((p) => cents(p, lang, { withCents: true })) as [bigint, bigint];
      expect(low).toBeLessThan(forecast);
      expect(high).toBeGreaterThan(forecast);
      cents(await figure("same_period_last_year"), lang, { withCents: true });
      const fromOverview = overviewForecast.get(key);
      if (fromOverview !== undefined) expect(abs(fromOverview - forecast)).toBeLessThanOrEqual(50n);

      // The monthly chart: a region named by its title, an SVG (hidden from screen readers) and the same numbers as a table.
      const chartTitle = fill(t.forecast.chart.title, { column, year: YEAR, scope: view.scopeName });
      const chart = page.getByRole("region", { name: chartTitle, exact: true });
      expect(await chart.count()).toBe(1);
      const svg = chart.locator("svg").first();
      await svg.waitFor();
      expect(await svg.getAttribute("aria-hidden")).toBe("true");
      const box = await svg.boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(400);
      expect(box?.height ?? 0).toBeGreaterThan(200);
      expect(await svg.locator("rect").count()).toBeGreaterThanOrEqual(THROUGH_MONTH);
      const legend = normalize(await chart.innerText());
      for (const label of [t.forecast.chart.realised, t.forecast.chart.late, t.forecast.chart.forecast, t.forecast.chart.band]) expect(legend).toContain(label);

      const months = await readTable(page, "forecast-chart-table");
      expect(months.caption).toBe(chartTitle);
      expect(months.headers).toEqual([
        t.forecast.months.month,
        t.forecast.months.kind,
        t.forecast.chart.realised,
        t.forecast.chart.late,
        t.forecast.chart.ultimate,
        t.forecast.chart.completeness,
        t.forecast.chart.band,
      ]);
      const expectedMonths = Array.from({ length: 12 }, (_, i) => `${YEAR}-${String(i + 1).padStart(2, "0")}`);
      expect(months.rows.map((r) => r.header)).toEqual(expectedMonths);
      expect(months.rows.map((r) => r.attrs["data-kind"])).toEqual(expectedMonths.map((_, i) => (i < THROUGH_MONTH ? "declared" : "forecast")));
      const declared = months.rows.slice(0, THROUGH_MONTH);
      const completeness = declared.map((r) => permille(r.cells[4]!, lang));
      for (const r of declared) {
        expect(r.cells[0]).toBe(t.forecast.months.kinds.declared);
        expect(cents(r.cells[1]!, lang, { withCents: true })).toBeGreaterThan(0n);
        // Expected total = declared + expected late.
        expect(cents(r.cells[1]!, lang) + cents(r.cells[2]!, lang) - cents(r.cells[3]!, lang)).toBe(0n);
      }
      for (const r of months.rows.slice(THROUGH_MONTH)) {
        expect(r.cells[0]).toBe(t.forecast.months.kinds.forecast);
        expect(cents(r.cells[3]!, lang, { withCents: true })).toBeGreaterThan(0n);
        const [mLow, mHigh] = r.cells[5]!.split(" – ").map((p) => cents(p, lang, { withCents: true })) as [bigint, bigint];
        expect(mLow).toBeLessThan(mHigh);
      }
      // Recent months are far from complete, old ones nearly; completeness never rises towards the present.
      const latest = completeness[completeness.length - 1]!;
      expect(latest, `completeness ${completeness}`).toBeLessThan(500);
      if (THROUGH_MONTH >= 6) expect(completeness[0], `completeness ${completeness}`).toBeGreaterThanOrEqual(900);
      completeness.slice(1).forEach((c, i) => expect(c, `completeness ${completeness}`).toBeLessThanOrEqual(completeness[i]!));

      // The lag pattern: development factors per lag; lag 0 far above 1, the long lags complete.
      const factorsSection = page.locator("section[aria-labelledby='forecast-factors-title']");
      expect(normalize(await factorsSection.locator("h2").innerText())).toBe(t.forecast.factors.title);
      const factors = await readTable(page, "forecast-factors");
      expect(factors.caption).toBe(fill(t.forecast.factors.caption, { column }));
      expect(factors.headers).toEqual([t.forecast.factors.lag, t.forecast.factors.factor, t.forecast.factors.share]);
      expect(factors.rows.length).toBeGreaterThanOrEqual(12);
      expect(factors.rows.map((r) => r.header)).toEqual(factors.rows.map((_, i) => String(i)));
      const factor = factors.rows.map((r) => factorOf(r.cells[0]!, lang));
      const share = factors.rows.map((r) => permille(r.cells[1]!, lang));
      expect(factor[0], `lag 0 factor ${factors.rows[0]!.cells[0]}`).toBeGreaterThan(15_000);
      expect(factor[1], `lag 1 factor ${factors.rows[1]!.cells[0]}`).toBeGreaterThan(10_000);
      for (const f of factor) expect(f).toBeGreaterThanOrEqual(9_900);
      expect(share[0]).toBeLessThan(500);
      expect(share[share.length - 1]).toBeGreaterThanOrEqual(995);
      share.slice(1).forEach((s, i) => expect(s, `shares ${share}`).toBeGreaterThanOrEqual(share[i]!));
      // A month's completeness in the chart is the share declared at its lag.
      // (Both rounded to one decimal from their own exact values, so up to 0.1 point apart.)
      completeness.forEach((c, i) => expect(Math.abs(c - share[THROUGH_MONTH - 1 - i]!), `month ${i + 1}: ${c} vs ${share[THROUGH_MONTH - 1 - i]}`).toBeLessThanOrEqual(1));

      // The backtest: the previous years, forecast the same way on the same date.
      expect(normalize(await page.locator("#forecast-backtest-title").innerText())).toBe(t.forecast.backtest.title);
      const backtest = await readTable(page, "forecast-backtest");
      expect(backtest.caption).toBe(fill(t.forecast.backtest.caption, { column }));
      expect(backtest.headers).toEqual([t.forecast.backtest.year, t.forecast.backtest.asOf, t.forecast.backtest.forecast, t.forecast.backtest.total, t.forecast.backtest.error]);
      expect(backtest.rows.length).toBeGreaterThanOrEqual(1);
      expect(backtest.rows.length).toBeLessThanOrEqual(3);
      let asOf = TODAY;
      backtest.rows.forEach((r, i) => {
        asOf = yearBefore(asOf);
        expect(r.header).toBe(String(YEAR - 1 - i));
        expect(r.cells[0]).toBe(longDate(asOf, lang));
        const then = cents(r.cells[1]!, lang, { withCents: true });
        const now = cents(r.cells[2]!, lang, { withCents: true });
        expect(then).toBeGreaterThan(0n);
        expect(now).toBeGreaterThan(0n);
        expect(Math.abs(permille(r.cells[3]!, lang)), `backtest ${JSON.stringify(r)}`).toBeLessThan(100);
      });

      // Downloads of every table, CSV and XLSX, for the page's scope, year and column.
      for (const name of ["summary", "months", "factors", "backtest"]) {
        for (const format of ["csv", "xlsx"] as const) {
          const a = page.getByTestId(`download-${name}-${format}`);
          expect(await a.count()).toBe(1);
          expect(normalize(await a.innerText())).toBe(t.concentration[format]);
          const url = new URL((await a.getAttribute("href"))!, server.baseUrl);
          expect(url.pathname).toBe("/forecast/export");
          expect(Object.fromEntries(url.searchParams)).toEqual({ scope: view.scope, segment: "all", year: String(YEAR), table: name, format });
        }
      }
      // Downloaded as the browser does (its language headers and cookies): the lag pattern as CSV, the figures as XLSX.
      const [csv] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-factors-csv").click()]);
      expect(csv.suggestedFilename()).toMatch(new RegExp(`^prognose-factors-${view.scope}-${YEAR}-.*\\.csv$`));
      const csvText = readFileSync((await csv.path())!, "utf8");
      const csvLines = csvText.replace(/^\ufeff/, "").split(/\r?\n/);
      expect(csvLines[0]).toBe([t.forecast.export.column, t.forecast.export.lag, t.forecast.export.factor, t.forecast.export.share].join(";"));
      expect(csvLines.filter((l) => l.startsWith(`${t.segments.columns.all};`)).length).toBe(factors.rows.length);
      const [xlsx] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-summary-xlsx").click()]);
      expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
      expect(readFileSync((await xlsx.path())!).subarray(0, 2).toString("latin1")).toBe("PK");

      await screenshot(page, `forecast-b-${view.label}`, `forecast-${YEAR}-${lang}`);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }

  it("(c) a municipal viewer gets no other municipality's forecast, nor the region's; a regional analyst does", async () => {
    const page = await logInAs(chromium.browser, server.baseUrl, GRONINGEN_VIEWER, "nl-NL");
    for (const url of [
      "/forecast?scope=GM1966",
      "/forecast?municipality=GM1966",
      "/forecast?scope=region",
      `/forecast?scope=GM1966&year=${YEAR}`,
      "/forecast/export?scope=GM1966&table=summary&format=csv",
      "/forecast/export?municipality=GM1966&table=months&format=xlsx",
      "/segments?scope=GM1966",
      `/api/forecast?scope=GM1966&year=${YEAR}`,
    ]) {
      const response = await page.request.get(url);
      expect(response.status(), url).toBe(404);
      expect(await response.text(), url).not.toContain("Het Hogeland");
    }
    const refused = await page.goto("/forecast?scope=GM1966");
    expect(refused?.status()).toBe(404);
    expect(await page.getByTestId("forecast-chart").count()).toBe(0);
    await screenshot(page, "forecast-c-groningen-viewer", "other-municipality-404-nl");
    // Their own municipality, named explicitly, is fine.
    const own = await page.goto("/forecast?scope=GM0014");
    expect(own?.status()).toBe(200);
    expect(normalize(await page.getByTestId("scope-name").innerText())).toBe("Groningen");
    await page.getByTestId("forecast-factors").waitFor();
    await page.context().close();

    const analyst = await logInAs(chromium.browser, server.baseUrl, ANALYST, "en-GB");
    const other = await analyst.goto("/forecast?scope=GM1966");
    expect(other?.status()).toBe(200);
    expect(await analyst.locator("input[type='hidden'][name='scope']").inputValue()).toBe("GM1966");
    expect(await analyst.getByTestId("scope-select").inputValue()).toBe("Het Hogeland");
    expect(normalize(await analyst.locator("#forecast-figures-title").innerText())).toBe(
      fill(en.forecast.figures.title, { column: en.segments.columns.all, year: YEAR, scope: "Het Hogeland" }),
    );
    await analyst.context().close();
  });
});

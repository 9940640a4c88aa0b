import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SEGMENT_COLUMNS } from "@jeugdregio/metrics";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "../../app/i18n/en.json";
import nl from "../../app/i18n/nl.json";
import { DEMO_ACCOUNTS } from "../../seeds/demo-accounts";
import { browserAvailable, CHROMIUM_PATH, launchBrowser, logInAs, startAppServer, type AppServer, type LaunchedBrowser } from "../support/browser";

/**
 * The A4 steering report (/roadmap/print) printed by Chromium, in Dutch and English, on the demo
 * data: a PDF on A4 portrait whose text (pdftotext, poppler-utils) holds every section's heading
 * and the timeline, nothing on the page wider than the printable width, and the expected number
 * of pages. The PDFs and a PNG per page (pdftoppm -r 60) are kept in test-results/print/.
 *
 * Expected: 5 pages in either language. 1: title, the segment table, the decisions and the start
 * of the basishulp card (a row per municipality; it runs on, whole rows, its header repeated);
 * 2: the rest of it with its figures; 3: onderwijs and aanvullende hulp; 4: HSJ and wonen; 5: the
 * timeline with its key (it starts a page).
 *
 * Without Chromium or pdftotext the suite is skipped, unless REQUIRE_BROWSER=1 (CI), where
 * either missing is a failure that says what to install.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const OUT = path.join(ROOT, "test-results", "print");
const EXPECTED_PAGES = 5;
// A4 is 210 mm wide; the report's @page margins are 12 mm each side: 186 mm at 96 px per inch.
const PRINTABLE_WIDTH = Math.floor((186 / 25.4) * 96);

const haveBrowser = browserAvailable();
const havePoppler = (tool: string) => !spawnSync(tool, ["-v"], { stdio: "ignore" }).error;
const haveTools = havePoppler("pdftotext") && havePoppler("pdftoppm") && havePoppler("pdfinfo");
const requireBrowser = process.env.REQUIRE_BROWSER === "1";

if (!haveBrowser || !haveTools) {
  const missing = [!haveBrowser ? `${CHROMIUM_PATH} (apt-get install -y chromium)` : null, !haveTools ? "pdftotext/pdftoppm/pdfinfo (apt-get install -y poppler-utils)" : null].filter(Boolean).join(" and ");
  if (requireBrowser) {
    describe("browser tests (print)", () => {
      it("need Chromium and poppler-utils", () => {
        throw new Error(`REQUIRE_BROWSER=1 but ${missing} is missing: the print test reads the PDF with poppler-utils' pdftotext.`);
      });
    });
  } else {
    console.warn(`The print test was skipped because ${missing} is missing.`);
  }
}

const STEERING = DEMO_ACCOUNTS.find((a) => a.email === "stuurgroep@demo.jeugdregio.nl")!;
const TEXTS = { nl, en } as const;
const LOCALE = { nl: "nl-NL", en: "en-GB" } as const;

/** Whitespace (incl. Intl's no-break spaces) as single spaces. */
const normalize = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, " ").trim();

function run(tool: string, args: string[]): string {
  const result = spawnSync(tool, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${tool} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** In print media, every rendered element whose box reaches past the printable width (or left of 0). */
async function tooWide(page: Page, width: number): Promise<string[]> {
  return page.evaluate((limit) => {
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : ""}`;
    const where = (el: Element) => (el.closest("[data-testid]") as HTMLElement | null)?.dataset.testid ?? "";
    return [...document.body.querySelectorAll("*")].flatMap((el) => {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) return [];
      // Inside a 0×0 svg (the chart library's off-page text measurer) nothing is drawn.
      const svg = el.closest("svg");
      if (svg && svg !== el && svg.getBoundingClientRect().width === 0) return [];
      return box.right > limit + 0.5 || box.left < -0.5 ? [`${name(el)} in ${where(el) || "page"}: ${Math.round(box.left)}–${Math.round(box.right)} px`] : [];
    });
  }, width);
}

describe.runIf(haveBrowser && haveTools)("the steering report printed to PDF", () => {
  let server: AppServer;
  let chromium: LaunchedBrowser;

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    server = await startAppServer({ timeoutMs: 400_000 });
    chromium = await launchBrowser();
  });
  afterAll(async () => {
    await chromium?.close();
    await server?.stop();
  });

  for (const lang of ["nl", "en"] as const) {
    it(`prints on ${EXPECTED_PAGES} A4 pages with every section and the timeline, nothing wider than the page (${lang})`, async () => {
      const texts = TEXTS[lang];
      // The printable width as the viewport: the timeline measures its frame there, as on paper.
      const page = await logInAs(chromium.browser, server.baseUrl, STEERING, LOCALE[lang], { width: PRINTABLE_WIDTH, height: 1100 });
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto("/roadmap/print");
      await page.getByTestId("print-segment-table").waitFor();
      await page.getByTestId("gantt").locator("rect[data-step]").first().waitFor();
      await page.emulateMedia({ media: "print" });

      // The segment table's columns in /segments' order.
      const columns = await page.getByTestId("print-segment-table").locator("thead th").allInnerTexts();
      expect(columns.slice(1).map(normalize)).toEqual(SEGMENT_COLUMNS.map((c) => normalize(texts.segments.columns[c])));

      // The timeline is on the page in print (its frame was 0 px high) and fits the width.
      const frame = await page.getByTestId("roadmap-timeline").locator(".chart-frame").boundingBox();
      expect(frame?.height ?? 0).toBeGreaterThan(300);
      expect(await tooWide(page, PRINTABLE_WIDTH)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PRINTABLE_WIDTH);

      const headings = (await page.locator("h1:visible, h2:visible, h3:visible").allInnerTexts()).map(normalize).filter(Boolean);
      expect(headings).toContain(normalize(texts.roadmap.reportTitle));
      expect(headings).toContain(normalize(texts.roadmap.cardsTitle));
      expect(headings).toContain(normalize(texts.roadmap.timelineTitle));
      expect(headings.length).toBeGreaterThanOrEqual(9);

      const pdfPath = path.join(OUT, `steering-report-${lang}.pdf`);
      const bytes = await page.pdf({ path: pdfPath, format: "A4" });
      expect(statSync(pdfPath).size).toBe(bytes.length);

      const info = run("pdfinfo", [pdfPath]);
      const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
      // A4 portrait: 595.3 × 841.9 points (Chromium rounds to 8.27 × 11.7 in: 595.4 × 842.4).
      const [w, h] = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info)!.slice(1).map(Number) as [number, number];
      expect([Math.abs(w - 595.3) < 2, Math.abs(h - 841.9) < 2]).toEqual([true, true]);
      const text = run("pdftotext", ["-layout", pdfPath, "-"]);
      writeFileSync(path.join(OUT, `steering-report-${lang}.txt`), text);
      const pageTexts = text.split("\f").slice(0, pages).map(normalize);
      expect([lang, pages, pageTexts.length]).toEqual([lang, EXPECTED_PAGES, EXPECTED_PAGES]);

      // Every heading of the page is in the PDF's text.
      const all = pageTexts.join(" ");
      expect(headings.filter((h) => !all.includes(h))).toEqual([]);
      // The timeline is drawn, on its own last page: its years, today's label, a track and its key.
      const last = pageTexts.at(-1)!;
      expect(last).toContain(normalize(texts.roadmap.timelineTitle));
      expect(last).toMatch(/2024 .*2025 .*2026 .*2027 .*2028 .*2029/);
      expect(last).toContain(texts.roadmap.today);
      expect(last).toContain(normalize(texts.segments.columns.wonen));
      expect(last).toContain(normalize(texts.roadmap.legend.planned_late));
      expect(last).toContain(normalize(texts.roadmap.health.not_assessed));
      // The basishulp card is whole: its last municipality's row is in the PDF, with its signals.
      expect(all).toContain("Westerwolde");
      expect(all).toContain(normalize(texts.roadmap.planSignals));

      // A PNG per page beside the PDF.
      run("pdftoppm", ["-png", "-r", "60", pdfPath, path.join(OUT, `steering-report-${lang}`)]);
      const pngs = readdirSync(OUT).filter((f) => f.startsWith(`steering-report-${lang}-`) && f.endsWith(".png"));
      expect(pngs.length).toBe(EXPECTED_PAGES);
      expect(errors).toEqual([]);
      await page.context().close();
    });
  }
});

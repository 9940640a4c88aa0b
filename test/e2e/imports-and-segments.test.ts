import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BrowserContext, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import nl from "../../app/i18n/nl.json";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type DemoAccount } from "../../seeds/demo-accounts";
import {
  DOMAIN_2023_EXPECTED,
  generateDomain2023Fixture,
  writeFixtureCsv,
  type DomainFixture,
} from "../../seeds/fixtures/domain-2023";
import {
  CHROMIUM_PATH,
  axeViolations,
  browserAvailable,
  launchBrowser,
  screenshot,
  startAppServer,
  type AppServer,
  type LaunchedBrowser,
} from "../support/browser";

/**
 * Acceptance: a RIGG analyst uploads the catalogue and the declarations in the
 * browser, sees the progress, then the regional and per-municipality segment
 * tables; a municipal viewer sees only their own municipality.
 *
 * The server runs with the demo accounts but without generated declarations
 * (DEMO_DECLARATIONS=0), so every figure is the DOMAIN.md fixture's.
 * Without Chromium the suite is skipped, unless REQUIRE_BROWSER=1 (CI).
 */
const haveBrowser = browserAvailable();
const requireBrowser = process.env.REQUIRE_BROWSER === "1";

if (!haveBrowser) {
  if (requireBrowser) {
    describe("browser tests (imports and segments)", () => {
      it("need Chromium", () => {
        throw new Error(
          `REQUIRE_BROWSER=1 but ${CHROMIUM_PATH} is missing: install it with \`apt-get install -y chromium\` (the browser tests never download one).`
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

const CATALOG_FILE = "catalogus-2023.csv";
const DECLARATIONS_FILE = "declaraties-2022-2024.csv";
const TABLE_COLUMNS = ["all", "basishulp", "onderwijs", "aanvullende_hulp", "hsj", "wonen"] as const;
const MEASURES = ["clients", "spending", "avg_per_client", "providers", "spending_80", "providers_80"] as const;
const MONEY_MEASURES = new Set<string>(["spending", "avg_per_client", "spending_80"]);

// ---------------------------------------------------------------------------
// Dutch formatting, written out independently of the app's formatter

/** 15962 → "15.962". */
function dutchInteger(value: bigint | number): string {
  const text = String(value);
  const negative = text.startsWith("-");
  const digits = negative ? text.slice(1) : text;
  return `${negative ? "-" : ""}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".")}`;
}

/** "1234.5" / "-12.34" / "7" (euros, point decimal) → integer cents. */
function centsOf(amount: string): bigint {
  const negative = amount.startsWith("-");
  const [euros, fraction = ""] = (negative ? amount.slice(1) : amount).split(".");
  const cents = BigInt(euros!) * 100n + BigInt(fraction.padEnd(2, "0").slice(0, 2));
  return negative ? -cents : cents;
}

/** "€ 229.803.782,61" (with cents). Only for non-negative amounts. */
function dutchMoneyWithCents(cents: bigint): string {
  return `€ ${dutchInteger(cents / 100n)},${String(cents % 100n).padStart(2, "0")}`;
}

/** "€ 216.210.114" (whole euros, half rounded up). Only for non-negative amounts. */
function dutchMoneyWhole(cents: bigint): string {
  return `€ ${dutchInteger((cents + 50n) / 100n)}`;
}

/** A cell for `cents`: the page shows whole euros, but a version with cents is accepted too. */
function moneyCellMatches(cell: string, cents: bigint): boolean {
  return cell === dutchMoneyWhole(cents) || cell === dutchMoneyWithCents(cents);
}

/** Whitespace (incl. the no-break spaces of Intl) as single spaces. */
function normalize(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

// ---------------------------------------------------------------------------
// The segment table, read by its headers

interface ReadTable {
  caption: string;
  /** Row header (measure label) → column header → cell text. */
  rows: Record<string, Record<string, string>>;
}

async function readSegmentTable(page: Page): Promise<ReadTable> {
  return page.getByTestId("segment-table").evaluate((table: HTMLTableElement) => {
    const norm = (text: string | null) => (text ?? "").replace(/\s+/g, " ").trim();
    const headers = Array.from(table.querySelectorAll("thead tr th")).map((th) => norm(th.textContent));
    const rows: Record<string, Record<string, string>> = {};
    for (const tr of Array.from(table.querySelectorAll("tbody tr"))) {
      const cells = Array.from(tr.children);
      const label = norm(cells[0]?.textContent ?? "");
      const row: Record<string, string> = {};
      cells.slice(1).forEach((cell, i) => {
        row[headers[i + 1] ?? `#${i + 1}`] = norm(cell.textContent);
      });
      rows[label] = row;
    }
    return { caption: norm(table.caption?.textContent ?? ""), rows };
  });
}

/** The cell of `measure` × `column`, by their Dutch header texts. */
function cellOf(table: ReadTable, measure: (typeof MEASURES)[number], column: (typeof TABLE_COLUMNS)[number]): string {
  const row = table.rows[nl.segments.measures[measure]];
  if (!row) throw new Error(`no row "${nl.segments.measures[measure]}" in ${JSON.stringify(Object.keys(table.rows))}`);
  const cell = row[nl.segments.columns[column]];
  if (cell === undefined) throw new Error(`no column "${nl.segments.columns[column]}" in ${JSON.stringify(Object.keys(row))}`);
  return cell;
}

// ---------------------------------------------------------------------------

describe.runIf(haveBrowser)("imports and segments in a browser", () => {
  let server: AppServer;
  let chromium: LaunchedBrowser;
  let fixture: DomainFixture;
  let fileDir: string;
  let catalogPath: string;
  let declarationsPath: string;
  const contexts: BrowserContext[] = [];
  /** Groningen's 2023 table as the analyst saw it, for the municipal viewer to compare with. */
  let analystGroningen: ReadTable | undefined;
  let analystRegion: ReadTable | undefined;

  beforeAll(async () => {
    fixture = generateDomain2023Fixture();
    fileDir = mkdtempSync(path.join(tmpdir(), "jr-e2e-files-"));
    catalogPath = path.join(fileDir, CATALOG_FILE);
    declarationsPath = path.join(fileDir, DECLARATIONS_FILE);
    // Excel-style files: `;`, decimal comma; the declarations with a UTF-8 BOM.
    writeFileSync(catalogPath, writeFixtureCsv(fixture.catalog, { delimiter: ";", decimalComma: true }), "utf8");
    writeFileSync(
      declarationsPath,
      "\uFEFF" +
        writeFixtureCsv(fixture.declarations, {
          delimiter: ";",
          decimalComma: true,
        }),
      "utf8"
    );
    // One after the other, so afterAll can stop whatever did start.
    server = await startAppServer({ env: { DEMO_DECLARATIONS: "0" } });
    chromium = await launchBrowser();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await chromium?.close();
    await server?.stop();
    if (fileDir) rmSync(fileDir, { recursive: true, force: true });
  });

  /** A fresh "browser window" (own cookies) of a Dutch-speaking visitor. */
  async function newPage(): Promise<Page> {
    const context = await chromium.browser.newContext({
      baseURL: server.baseUrl,
      locale: "nl-NL",
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return context.newPage();
  }

  /** Logs in through the form on /login (Dutch labels) and waits for the start page. */
  async function logIn(page: Page, who: DemoAccount, scenario: string) {
    await page.goto("/login");
    await page.getByLabel("E-mailadres").fill(who.email);
    await page.getByLabel("Wachtwoord").fill(DEMO_PASSWORD);
    await screenshot(page, scenario, "login");
    await page.getByRole("button", { name: "Inloggen", exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await page.getByTestId("current-user").waitFor();
    expect(await page.getByTestId("current-user").innerText()).toContain(who.displayName);
  }

  /** Waits until the segment overview has no request in flight and the caption names `scope`, `year`. */
  async function waitForTable(page: Page, scopeName: string, year: number) {
    const caption = nl.segments.tableCaption.replace("{{scope}}", scopeName).replace("{{year}}", String(year));
    await page.waitForFunction(
      (expected) => {
        const table = document.querySelector('[data-testid="segment-table"]') as HTMLTableElement | null;
        const status = document.querySelector('[data-testid="segments-status"]');
        const busy = document.querySelector(".segments-body")?.getAttribute("aria-busy");
        return (
          table?.caption?.textContent?.replace(/\s+/g, " ").trim() === expected &&
          (status?.textContent ?? "") === "" &&
          busy !== "true"
        );
      },
      caption,
      { timeout: 60_000 }
    ).catch(async (error: unknown) => {
      // Say what the page showed instead (a CI run on a loaded machine timed out here once).
      const seen = await page.evaluate(() => ({
        url: location.href,
        caption: document.querySelector('[data-testid="segment-table"] caption')?.textContent?.replace(/\s+/g, " ").trim() ?? null,
        status: document.querySelector('[data-testid="segments-status"]')?.textContent ?? null,
        busy: document.querySelector(".segments-body")?.getAttribute("aria-busy") ?? null,
        alert: document.querySelector('[role="alert"]')?.textContent ?? null,
        scope: (document.querySelector('input[type="hidden"][name="scope"]') as HTMLInputElement | null)?.value ?? null,
      }));
      throw new Error(`segment table for ${scopeName} ${year} did not appear: ${JSON.stringify(seen)} (${String(error)})`);
    });
  }

  it("(a) a RIGG analyst uploads catalogue and declarations, sees progress, then the regional and Groningen tables", async () => {
    const s = "imports-a-analyst";
    const page = await newPage();
    await logIn(page, ANALYST, s);

    // --- The catalogue on /catalog.
    const catalogResponse = (await page.goto("/catalog")) as Response;
    expect(catalogResponse.status()).toBe(200);
    await page.locator('form[enctype="multipart/form-data"] input[type="file"][name="file"]').setInputFiles(catalogPath);
    await screenshot(page, s, "catalog-chosen");
    await page.getByRole("button", { name: nl.catalog.submit, exact: true }).click();
    const catalogSuccess = page.getByTestId("catalog-success");
    await catalogSuccess.waitFor({ timeout: 60_000 });
    await screenshot(page, s, "catalog-imported");
    const products = fixture.catalog.length;
    expect(normalize(await catalogSuccess.innerText())).toBe(
      nl.catalog.success.replace("{{products}}", String(products)).replace("{{mappings}}", String(products))
    );
    expect(await page.getByTestId("catalog-failed").count()).toBe(0);

    // --- The declarations on /imports.
    const importsResponse = (await page.goto("/imports")) as Response;
    expect(importsResponse.status()).toBe(200);
    // DEMO_DECLARATIONS=0: nothing imported yet.
    expect(await page.locator("main").innerText()).toContain(nl.imports.noBatches);
    await screenshot(page, s, "imports-empty");

    // Record every progress state the page shows, however short-lived.
    await page.evaluate(() => {
      const seen = { progressBar: false, statuses: [] as string[], steps: [] as string[], inView: false };
      (window as unknown as { __importProgress: typeof seen }).__importProgress = seen;
      const record = () => {
        const section = document.querySelector('[data-testid="import-progress"]');
        if (!section) return;
        if (section.querySelector("progress#import-progress-bar")) seen.progressBar = true;
        const status = section.querySelector("#import-progress-status")?.textContent?.replace(/\s+/g, " ").trim();
        if (status && seen.statuses[seen.statuses.length - 1] !== status) seen.statuses.push(status);
        // The step the list marks as current, in order, and whether the section came into view.
        const step = section.querySelector('[data-testid="import-steps"] [aria-current="step"]')?.getAttribute("data-step");
        if (step && seen.steps[seen.steps.length - 1] !== step) seen.steps.push(step);
        const box = section.getBoundingClientRect();
        if (box.top < window.innerHeight && box.bottom > 0) seen.inView = true;
      };
      new MutationObserver(record).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
    });

    const fileInput = page.locator('form[enctype="multipart/form-data"] input[type="file"][name="file"]');
    await fileInput.setInputFiles(declarationsPath);
    const started = Date.now();
    await page.getByRole("button", { name: nl.imports.submit, exact: true }).click();

    // Progress: the <progress> bar and its status text, while the job runs.
    // (The MutationObserver above is the real check; on a fast machine the job may
    // already be done here, and then the progress screenshot is left out.)
    const progress = page.getByTestId("import-progress");
    const success = page.getByTestId("import-success");
    await progress.or(success).first().waitFor({ state: "visible", timeout: 30_000 });
    const duringStatus = normalize(
      (await page
        .locator("#import-progress-status")
        .textContent({ timeout: 1_000 })
        .catch(() => null)) ?? ""
    );
    if (duringStatus) await screenshot(page, s, "imports-progress");

    // The batch summary.
    await success.waitFor({ timeout: 150_000 });
    const importMs = Date.now() - started;
    await progress.waitFor({ state: "detached", timeout: 15_000 });
    await screenshot(page, s, "imports-done");

    const seen = await page.evaluate(
      () =>
        (
          window as unknown as {
            __importProgress: { progressBar: boolean; statuses: string[]; steps: string[]; inView: boolean };
          }
        ).__importProgress
    );
    console.info(
      `[imports-and-segments] import of ${
        fixture.declarations.length
      } lines took ${importMs} ms in the browser; progress states: ${JSON.stringify(
        [duringStatus, ...seen.statuses].filter(Boolean)
      )}`
    );
    expect(seen.progressBar).toBe(true);
    // The steps in their order (each seen one after the other), the first the upload; the
    // progress scrolled into view (it sits below the form at 1366×900).
    const STEP_ORDER = ["uploading", "hashing", "storing", "summarising"];
    expect(seen.steps[0]).toBe("uploading");
    expect(seen.steps.map((step) => STEP_ORDER.indexOf(step))).toEqual([...seen.steps.map((step) => STEP_ORDER.indexOf(step))].sort((a, b) => a - b));
    expect(seen.inView).toBe(true);
    const phases = Object.values(nl.imports.phase);
    const statuses = [duringStatus, ...seen.statuses].filter(Boolean);
    expect(statuses.length).toBeGreaterThan(0);
    for (const status of statuses)
      expect(
        phases.some((phase) => status.startsWith(phase)),
        status
      ).toBe(true);

    const lines = fixture.declarations.length;
    const totalCents = fixture.declarations.reduce((sum, d) => sum + centsOf(d.amount), 0n);
    expect(normalize(await success.innerText())).toBe(
      nl.imports.imported
        .replace("{{lines}}", dutchInteger(lines))
        .replace("{{file}}", DECLARATIONS_FILE)
        .replace("{{total}}", dutchMoneyWithCents(totalCents))
    );
    expect(await page.getByTestId("import-rejected").count()).toBe(0);
    // The summary per municipality: lines and amounts, counted here from the file's rows.
    const perMunicipality = new Map<string, { lines: number; cents: bigint }>();
    for (const d of fixture.declarations) {
      const entry = perMunicipality.get(d.municipality_code) ?? {
        lines: 0,
        cents: 0n,
      };
      entry.lines += 1;
      entry.cents += centsOf(d.amount);
      perMunicipality.set(d.municipality_code, entry);
    }
    const shownPerMunicipality = await page.locator('[data-testid="import-municipalities"] tbody tr').evaluateAll((rows) =>
      rows.map((row) => ({
        code: row.getAttribute("data-code") ?? "",
        cells: Array.from(row.children).map((cell) => (cell.textContent ?? "").replace(/\s+/g, " ").trim()),
      }))
    );
    expect(shownPerMunicipality.map((row) => row.code).sort()).toEqual([...perMunicipality.keys()].sort());
    for (const row of shownPerMunicipality) {
      const expected = perMunicipality.get(row.code)!;
      expect(row.cells.slice(1), row.code).toEqual([dutchInteger(expected.lines), dutchMoneyWithCents(expected.cents)]);
    }
    expect(await page.getByTestId("import-failed").count()).toBe(0);

    // The history lists the batch with its line count (after the revalidation).
    const batchRow = page.locator('[data-testid="batches"] tbody tr', {
      hasText: DECLARATIONS_FILE,
    });
    await batchRow.waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="batches"] tbody tr').count()).toBe(1);
    const historyHeaders = (await page.locator('[data-testid="batches"] thead th').allInnerTexts()).map(normalize);
    const rowCells = (await batchRow.locator("th, td").allInnerTexts()).map(normalize);
    const byHeader = Object.fromEntries(historyHeaders.map((h, i) => [h, rowCells[i]]));
    expect(byHeader[nl.imports.lines]).toBe(dutchInteger(lines));
    expect(byHeader[nl.imports.total]).toBe(dutchMoneyWithCents(totalCents));
    expect(byHeader[nl.imports.who]).toBe(ANALYST.email);
    expect(byHeader[nl.imports.status]).toBe(nl.imports.statusCommitted);

    // --- The regional segment table: DOMAIN.md's figures, Dutch formatting.
    const segmentsResponse = (await page.goto("/segments?year=2023&scope=region")) as Response;
    expect(segmentsResponse.status()).toBe(200);
    await waitForTable(page, nl.segments.region, 2023);
    await screenshot(page, s, "segments-region");
    const region = await readSegmentTable(page);
    analystRegion = region;
    expect(cellOf(region, "clients", "all")).toBe("15.962");
    expect(cellOf(region, "spending", "all")).toContain("216.210.114");
    expect(cellOf(region, "providers_80", "all")).toBe("38");
    // DOMAIN.md's five segments add up to € 203.776.094: the rest (€ 12.434.020) is unassigned.
    const unassignedSpending = region.rows[nl.segments.measures.spending]?.[nl.segments.columns.unassigned] ?? "";
    expect(moneyCellMatches(unassignedSpending, 12_434_020_00n), unassignedSpending).toBe(true);
    for (const column of TABLE_COLUMNS) {
      const expected = DOMAIN_2023_EXPECTED[column];
      for (const measure of MEASURES) {
        const cell = cellOf(region, measure, column);
        const value = expected[measure];
        if (MONEY_MEASURES.has(measure)) {
          expect(moneyCellMatches(cell, centsOf(String(value))), `${column} ${measure}: ${cell} vs ${value}`).toBe(true);
        } else {
          expect(cell, `${column} ${measure}`).toBe(dutchInteger(Number(value)));
        }
      }
    }

    // --- Groningen via the scope picker (a searchable combobox), by keyboard only: no full page load.
    const scopeSelect = page.getByTestId("scope-select");
    const scopeValue = page.locator("input[type='hidden'][name='scope']");
    expect(await scopeSelect.getAttribute("role")).toBe("combobox");
    expect(await scopeValue.inputValue()).toBe("region");
    // Closed, nothing is listed (no option per municipality on every render).
    expect(await page.getByTestId("scope-select-list").locator("li").count()).toBe(0);
    await scopeSelect.focus();
    await page.keyboard.press("ArrowDown");
    expect(await scopeSelect.getAttribute("aria-expanded")).toBe("true");
    const listed = (await page.getByRole("listbox").getByRole("option").allInnerTexts()).map(normalize);
    expect(listed).toContain(normalize(nl.segments.region));
    expect(listed.some((text) => text.startsWith("Groningen") && text.includes("GM0014"))).toBe(true);
    expect(listed.some((text) => text.startsWith("Het Hogeland") && text.includes("GM1966"))).toBe(true);
    // WCAG 2.1 AA (axe-core) on the filters, with the list open.
    expect(await axeViolations(page, "[data-testid='segments-filters']")).toEqual([]);
    // Typing narrows the list; Escape closes it and puts the current choice back. (Focus
    // selects the current name, so typing replaces it: away with Shift+Tab and back with Tab.)
    await page.keyboard.press("Escape");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("scope-select");
    await page.keyboard.type("hogel");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid='scope-select-list'] li").length === 1);
    expect((await page.getByRole("listbox").getByRole("option").allInnerTexts()).map(normalize)).toEqual(["Het Hogeland GM1966"]);
    await page.keyboard.press("Escape");
    expect(await scopeSelect.getAttribute("aria-expanded")).toBe("false");
    expect(await scopeSelect.inputValue()).toBe(nl.segments.region);
    expect(await scopeValue.inputValue()).toBe("region");
    expect(await axeViolations(page, "[data-testid='segments-filters']")).toEqual([]);

    const documentRequests: string[] = [];
    const apiRequests: string[] = [];
    page.on("request", (request) => {
      if (request.resourceType() === "document") documentRequests.push(request.url());
      if (new URL(request.url()).pathname.startsWith("/api/segments")) apiRequests.push(request.url());
    });
    await page.evaluate(() => {
      (window as unknown as { __noReloadMarker: string }).__noReloadMarker = "still-here";
    });
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.type("GM0014");
    // Wait for the list to narrow to the one match and for it to be highlighted before Enter (on
    // a loaded machine the keys can outrun the renders).
    await page.waitForFunction(() => document.querySelectorAll("[data-testid='scope-select-list'] li").length === 1);
    await page.keyboard.press("ArrowDown");
    await page.waitForFunction(() => document.querySelector("[data-testid='scope-select-list'] li")?.getAttribute("aria-selected") === "true");
    await page.keyboard.press("Enter");
    await waitForTable(page, "Groningen", 2023);
    await page.waitForURL((url) => url.pathname === "/segments" && url.searchParams.get("scope") === "GM0014");
    await screenshot(page, s, "segments-groningen");

    expect(await page.evaluate(() => (window as unknown as { __noReloadMarker?: string }).__noReloadMarker)).toBe("still-here");
    expect(documentRequests).toEqual([]);
    expect(apiRequests.some((url) => new URL(url).searchParams.get("scope") === "GM0014")).toBe(true);
    expect(new URL(page.url()).searchParams.get("year")).toBe("2023");
    expect(await scopeValue.inputValue()).toBe("GM0014");
    expect(await scopeSelect.inputValue()).toBe("Groningen");

    const groningen = await readSegmentTable(page);
    analystGroningen = groningen;
    expect(groningen.rows).not.toEqual(region.rows);
    // Groningen's own spending: every 2023 line of GM0014, summed independently here.
    const groningenCents = fixture.declarations
      .filter((d) => d.municipality_code === "GM0014" && d.period.startsWith("2023-"))
      .reduce((sum, d) => sum + centsOf(d.amount), 0n);
    expect(cellOf(groningen, "spending", "all")).toBe(dutchMoneyWhole(groningenCents));
    const groningenClients = Number(cellOf(groningen, "clients", "all").replaceAll(".", ""));
    expect(groningenClients).toBeGreaterThan(0);
    expect(groningenClients).toBeLessThan(15_962);
    expect(cellOf(groningen, "clients", "all")).not.toBe(cellOf(region, "clients", "all"));
  }, 170_000);

  it("(b) the Groningen viewer sees only Groningen's table, and no other scope, imports or catalogue", async () => {
    expect(analystGroningen, "test (a) must have imported the fixture first").toBeDefined();
    const s = "imports-b-groningen";
    const page = await newPage();
    await logIn(page, GRONINGEN_VIEWER, s);

    // Own municipality, no choice of scope.
    const own = (await page.goto("/segments?year=2023")) as Response;
    expect(own.status()).toBe(200);
    await waitForTable(page, "Groningen", 2023);
    await screenshot(page, s, "segments-own");
    expect(await page.getByTestId("scope-select").count()).toBe(0);
    expect(normalize(await page.getByTestId("scope-name").innerText())).toBe("Groningen");
    const selectOptions = await page.locator("select option").evaluateAll((options) =>
      options.map((o) => ({
        value: (o as HTMLOptionElement).value,
        text: o.textContent ?? "",
      }))
    );
    for (const option of selectOptions) {
      expect(option.value, JSON.stringify(option)).not.toMatch(/^(GM\d{4}|region)$/);
      expect(option.text).not.toContain("Hogeland");
    }
    expect(await page.locator("main").innerText()).not.toContain("Het Hogeland");
    expect(await page.getByTestId("segment-table").count()).toBe(1);
    const table = await readSegmentTable(page);
    // Exactly what the analyst saw for Groningen, and not the region.
    expect(table).toEqual(analystGroningen);
    expect(table.rows).not.toEqual(analystRegion!.rows);

    // Another municipality, or the region: not found.
    for (const [step, url] of [
      ["segments-other-municipality", "/segments?year=2023&scope=GM1966"],
      ["segments-region", "/segments?year=2023&scope=region"],
    ] as const) {
      const response = (await page.goto(url)) as Response;
      await screenshot(page, s, step);
      expect({
        url,
        status: response.status(),
        heading: await page.locator("main h1").innerText(),
      }).toEqual({
        url,
        status: 404,
        heading: nl.errors.notFoundTitle,
      });
      expect(await page.getByTestId("segment-table").count()).toBe(0);
      expect(await page.content()).not.toContain("Het Hogeland");
      expect(await page.content()).not.toContain(cellOf(analystRegion!, "clients", "all"));
    }

    // Imports and catalogue: no access.
    for (const [step, url] of [
      ["imports", "/imports"],
      ["catalog", "/catalog"],
    ] as const) {
      const response = (await page.goto(url)) as Response;
      await screenshot(page, s, step);
      expect({
        url,
        status: response.status(),
        heading: await page.locator("main h1").innerText(),
      }).toEqual({
        url,
        status: 403,
        heading: nl.errors.forbiddenTitle,
      });
      expect(await page.locator('input[type="file"]').count()).toBe(0);
      expect(await page.content()).not.toContain(DECLARATIONS_FILE);
    }
    expect(await page.getByTestId("current-user").innerText()).toContain(GRONINGEN_VIEWER.displayName);
  }, 90_000);
});

import { rmSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "../../app/i18n/en.json";
import nl from "../../app/i18n/nl.json";
import { DEMO_ACCOUNTS, type DemoAccount } from "../../seeds/demo-accounts";
import { axeViolations, browserAvailable, launchBrowser, logInAs, screenshot, SCREENSHOT_DIR, startAppServer, type AppServer, type LaunchedBrowser } from "../support/browser";

/**
 * The roadmap in a browser on the demo data: a steering member records a review and sees it on
 * the dashboard; a municipal editor updates their basishulp track and cannot touch another's;
 * the timeline and the printed report (a PDF from Chromium) show it.
 */
const account = (email: string): DemoAccount => DEMO_ACCOUNTS.find((a) => a.email === email)!;

describe.runIf(browserAvailable())("the roadmap in a browser", () => {
  let server: AppServer;
  let chromium: LaunchedBrowser;

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

  it("(a) a steering member records a review and sees it on the dashboard, with the timeline (Dutch)", async () => {
    const page = await loggedIn(account("stuurgroep@demo.jeugdregio.nl"), "nl-NL");
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto("/roadmap/reviews");
    const form = page.getByTestId("review-form");
    // Refused first: at risk without a reason.
    await form.getByLabel(nl.roadmap.fields.held_on).fill("2024-11-15");
    await form.getByLabel(nl.roadmap.fields.body).fill("SOO 15 november 2024");
    const hsj = form.locator('fieldset[data-segment="hsj"]');
    await hsj.locator('select[name="health_hsj"]').selectOption("at_risk");
    await hsj.getByLabel(nl.roadmap.fields.decisions).fill("Gunning HSJ met een maand verlengd");
    await form.getByRole("button", { name: nl.roadmap.recordReview }).click();
    await form.getByTestId("roadmap-error").waitFor();
    expect(await form.getByTestId("roadmap-error").getAttribute("data-field")).toBe("entries.0.health_reason");
    await hsj.getByLabel(nl.roadmap.fields.health_reason).fill("Bezwaar tegen de gunning");
    await form.getByRole("button", { name: nl.roadmap.recordReview }).click();
    await form.getByTestId("roadmap-saved").waitFor();
    await screenshot(page, "roadmap-a-steering", "reviews-nl");

    await page.goto("/roadmap");
    const card = page.getByTestId("last-review-hsj");
    await expect.poll(() => card.innerText(), { timeout: 15_000 }).toContain("Gunning HSJ met een maand verlengd");
    await page.getByTestId("gantt").locator('g[data-track="hsj"] rect[data-step]').first().waitFor();
    expect(await page.getByTestId("gantt").locator("g[data-track]").count()).toBeGreaterThanOrEqual(14);
    expect(await page.getByTestId("gantt").locator("[data-today]").count()).toBe(1);
    await screenshot(page, "roadmap-a-steering", "dashboard-nl");
    await page.getByTestId("roadmap-timeline").screenshot({ path: path.join(SCREENSHOT_DIR, "roadmap-a-steering-timeline-nl.png") });
    expect(errors).toEqual([]);
  });

  it("(b) a municipal editor updates their basishulp track and cannot touch another's", async () => {
    const page = await loggedIn(account("groningen.editor@demo.jeugdregio.nl"), "nl-NL");
    await page.goto("/roadmap/tracks/basishulp-gm0014");
    const row = page.getByTestId("track-steps").locator('tr[data-step="implementation"]');
    const step = nl.roadmap.steps.implementation;
    await row.getByLabel(`${nl.roadmap.fields.actualEnd}, ${step}`).fill("2025-12");
    await row.getByLabel(`${nl.roadmap.fields.state}, ${step}`).selectOption("done");
    // One save for every step (issue 16: no Save button per step).
    await page.getByTestId("steps-form").getByRole("button", { name: nl.roadmap.saveSteps }).click();
    await page.getByTestId("roadmap-saved").waitFor();
    await expect.poll(() => row.innerText(), { timeout: 15_000 }).toContain(nl.roadmap.states.done);
    await screenshot(page, "roadmap-b-editor", "own-track-nl");

    await page.goto("/roadmap/tracks/basishulp-gm1966");
    expect(await page.getByTestId("health-form").count()).toBe(0);
    const forged = await page.request.post("/roadmap/tracks/basishulp-gm1966", { form: { intent: "health", health: "delayed", health_reason: "x" } });
    expect(forged.status()).toBe(403);
    // The timeline shows Groningen's implementation as done.
    await page.goto("/roadmap");
    const bar = page.getByTestId("gantt").locator('g[data-track="basishulp-gm0014"]');
    await bar.locator("rect[data-step]").first().waitFor();
    expect(await bar.locator('[data-late="true"]').count()).toBe(0);
  });

  it("(c) the printable report shows the review's decisions and prints to an A4 PDF (English)", async () => {
    const page = await loggedIn(account("analist@demo.jeugdregio.nl"), "en-GB");
    await page.goto("/roadmap");
    await page.getByRole("link", { name: en.roadmap.printReport }).click();
    await page.waitForURL((url) => url.pathname === "/roadmap/print");
    await page.getByTestId("print-segment-table").waitFor();
    expect(await page.getByTestId("print-decisions").innerText()).toContain("Gunning HSJ met een maand verlengd");
    await page.getByTestId("gantt").locator("rect[data-step]").first().waitFor();
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".app-nav").evaluate((el) => getComputedStyle(el).display)).toBe("none");
    expect(await page.getByTestId("print-button").isVisible()).toBe(false);
    await screenshot(page, "roadmap-c-print", "print-view-en");
    const pdf = path.join(SCREENSHOT_DIR, "roadmap-c-print-report-en.pdf");
    const bytes = await page.pdf({ path: pdf, format: "A4", printBackground: true });
    expect(statSync(pdf).size).toBe(bytes.length);
    const pages = (bytes.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(pages).toBeLessThanOrEqual(8);
  });

  it("(e) the forms mark every refused field, keep what was typed, use the page's font and pass axe (English)", async () => {
    const page = await loggedIn(account("stuurgroep@demo.jeugdregio.nl"), "en-GB");
    await page.goto("/roadmap/reviews");
    await page.waitForFunction(() => "__remixRouter" in window);
    const form = page.getByTestId("review-form");
    await form.getByLabel(en.roadmap.fields.held_on).fill("2025-02-14");
    await form.getByLabel(en.roadmap.fields.body).fill("SOO 14 februari 2025");
    for (const segment of ["onderwijs", "wonen"]) await form.locator(`select[name="health_${segment}"]`).selectOption("delayed");
    await form.locator('textarea[name="risks_wonen"]').fill("Te weinig woonplekken");
    await form.getByRole("button", { name: en.roadmap.recordReview }).click();
    await form.getByTestId("roadmap-error").waitFor();
    for (const segment of ["onderwijs", "wonen"]) {
      const reason = form.locator(`input[name="reason_${segment}"]`);
      expect([segment, await reason.getAttribute("aria-invalid")]).toEqual([segment, "true"]);
      const errorId = (await reason.getAttribute("aria-describedby"))!.split(" ").find((id) => id.endsWith("-error"))!;
      expect(await page.locator(`[id="${errorId}"]`).innerText()).toBe(en.roadmap.errors.reasonRequired);
      expect(await form.getByTestId("roadmap-error").innerText()).toContain(`${en.roadmap.fields.health_reason} (${en.segments.columns[segment as "wonen"]})`);
    }
    expect(await form.locator('textarea[name="risks_wonen"]').inputValue()).toBe("Te weinig woonplekken");
    // Text areas in the page's font, not the browser's monospace.
    const fonts = await page.evaluate(() => [getComputedStyle(document.body).fontFamily, getComputedStyle(document.querySelector("textarea")!).fontFamily]);
    expect(fonts[1]).toBe(fonts[0]);
    expect(await axeViolations(page, "main")).toEqual([]);
    await screenshot(page, "roadmap-e-forms", "review-refused-en");
    await page.context().close();

    // The track's steps: one save; a refused step keeps every typed value, the good ones too.
    const editor = await loggedIn(account("groningen.editor@demo.jeugdregio.nl"), "en-GB");
    await editor.goto("/roadmap/tracks/basishulp-gm0014");
    await editor.waitForFunction(() => "__remixRouter" in window);
    const steps = editor.getByTestId("steps-form");
    expect(await steps.getByRole("button").count()).toBe(1);
    const label = (field: "plannedEnd" | "actualEnd", step: "vision" | "implementation") => `${en.roadmap.fields[field]}, ${en.roadmap.steps[step]}`;
    await steps.getByLabel(label("plannedEnd", "vision")).fill("2020-01");
    await steps.getByLabel(label("actualEnd", "implementation")).fill("2026-02");
    await steps.getByRole("button", { name: en.roadmap.saveSteps }).click();
    await steps.getByTestId("roadmap-error").waitFor();
    expect(await steps.getByLabel(label("plannedEnd", "vision")).getAttribute("aria-invalid")).toBe("true");
    expect(await steps.getByLabel(label("actualEnd", "implementation")).getAttribute("aria-invalid")).toBeNull();
    expect(await steps.getByLabel(label("actualEnd", "implementation")).inputValue()).toBe("2026-02");
    expect(await axeViolations(editor, "main")).toEqual([]);
    await screenshot(editor, "roadmap-e-forms", "steps-refused-en");
    await editor.context().close();
  });

  // Issue 16: in Dutch the basishulp card cut its text off ("6 waarschuwing("), and the cards' headings skipped a level.
  for (const [lang, locale] of [["nl", "nl-NL"], ["en", "en-GB"]] as const) {
    it(`(d) no text clipped on the roadmap's cards and timeline key at 1280 and 768 px, and no axe violation (${lang})`, async () => {
      const texts = lang === "nl" ? nl : en;
      for (const width of [1280, 768]) {
        const page = await logInAs(chromium.browser, server.baseUrl, account("stuurgroep@demo.jeugdregio.nl"), locale, { width, height: 1000 });
        await page.goto("/roadmap");
        await page.waitForFunction(() => "__remixRouter" in window);
        // The timeline has taken its frame's width (it renders at 1000 px on the server).
        await page.waitForFunction(() => {
          const frame = document.querySelector(".timeline .chart-frame");
          const svg = document.querySelector('[data-testid="gantt"]');
          return !!frame && !!svg && Math.abs(Number(svg.getAttribute("width")) - frame.clientWidth) <= 1;
        });
        const clipped = await page.evaluate(() =>
          [...document.querySelectorAll('.progress-card, .progress-card *, [data-testid="gantt-legend"] *')].flatMap((el) => {
            const where = `${el.tagName.toLowerCase()} in ${(el.closest("[data-testid]") as HTMLElement | null)?.dataset.testid ?? "?"}`;
            const style = getComputedStyle(el);
            // A box that hides or scrolls what does not fit, or text that runs out of its card.
            if (style.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1) return [`${where}: ${el.scrollWidth} > ${el.clientWidth} px`];
            const card = el.closest(".progress-card, [data-testid='gantt-legend']");
            if (card && card !== el && el.getBoundingClientRect().right > card.getBoundingClientRect().right + 0.5) return [`${where}: past its card's edge`];
            return [];
          }),
        );
        expect([width, clipped]).toEqual([width, []]);
        const basishulp = await page.getByTestId("card-basishulp").innerText();
        expect(basishulp).toContain(texts.roadmap.planSignals);
        expect(basishulp).not.toMatch(/\($/m);
        for (const path of ["/roadmap", "/roadmap/tracks/basishulp-gm0014", "/roadmap/print"]) {
          if (path !== "/roadmap") await page.goto(path);
          expect([width, path, await axeViolations(page, "main")]).toEqual([width, path, []]);
        }
        await screenshot(page, `roadmap-d-${lang}`, `print-${width}`);
        await page.context().close();
      }
    });
  }
});

import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { chromium, type Browser, type Page } from "playwright-core";
import en from "../../app/i18n/en.json";
import nl from "../../app/i18n/nl.json";
import { DEMO_PASSWORD } from "../../seeds/demo-accounts";

/** Debian's Chromium; the browser tests never download one. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SCREENSHOT_DIR = path.join(ROOT, "test-results", "screenshots");

export function browserAvailable(): boolean {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a throw-away profile: Playwright's launch() always
 * passes Chromium a fresh temporary --user-data-dir of its own (and refuses
 * one in args) and deletes it on close. Every test makes its own context
 * (fresh cookies) from the one browser.
 */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}

/** A full-page screenshot at test-results/screenshots/<scenario>-<step>.png. */
export async function screenshot(page: Page, scenario: string, step: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const safe = (s: string) => s.replace(/[^a-zA-Z0-9._-]+/g, "-");
  const file = path.join(SCREENSHOT_DIR, `${safe(scenario)}-${safe(step)}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface AppServer {
  baseUrl: string;
  dataDir: string;
  /** Everything the server wrote so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Stops the server and deletes its data, unless `keepData` (e.g. to run the CLI on it afterwards). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export interface StartAppServerOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * The real server (`tsx app/server/start.server.ts`, the build in build/) as a
 * child process: embedded PGlite in a fresh temp DATA_DIR, demo accounts on,
 * a free loopback port. Resolves once /healthz answers 200.
 */
export async function startAppServer(options: StartAppServerOptions = {}): Promise<AppServer> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "jr-e2e-data-"));
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The browser tests always use the embedded database, whatever the shell says.
  delete env.DATABASE_URL;
  delete env.TEST_DATABASE_URL;
  Object.assign(env, {
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    DEMO: "1",
    SESSION_SECRET: "e2e-session-secret-e2e-session-secret-0123",
    LOG_LEVEL: "warn",
    ...options.env,
  });
  const tsx = path.join(ROOT, "node_modules", ".bin", "tsx");
  // Own process group, so stop() reaches tsx and the node process it starts.
  const child: ChildProcess = spawn(tsx, ["app/server/start.server.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });

  const signalGroup = (signal: NodeJS.Signals) => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  };
  // Never outlive the test process, even when it ends without stop().
  const killOnExit = () => signalGroup("SIGKILL");
  process.once("exit", killOnExit);
  const stop = async (options: { keepData?: boolean } = {}) => {
    process.off("exit", killOnExit);
    if (!exited) {
      signalGroup("SIGTERM");
      const timer = setTimeout(() => signalGroup("SIGKILL"), 10_000);
      await exit;
      clearTimeout(timer);
    }
    if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (exited) {
      const { code, signal } = exited;
      await stop();
      throw new Error(`The app server exited before it was healthy (code ${code}, signal ${signal}):\n${log}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The app server did not answer 200 on /healthz within ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { baseUrl, dataDir, output: () => log, stop };
}

/**
 * A fresh context (own cookies) in the given locale, logged in through the login form as a
 * demo account; the page is on the home page when this returns.
 */
export async function logInAs(
  browser: Browser,
  baseUrl: string,
  who: { email: string },
  locale: "nl-NL" | "en-GB",
  viewport = { width: 1280, height: 1000 },
): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, locale, viewport });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const texts = locale === "nl-NL" ? nl : en;
  await page.goto("/login");
  await page.getByLabel(texts.auth.email).fill(who.email);
  await page.getByLabel(texts.auth.password).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: texts.auth.submit, exact: true }).click();
  await page.waitForURL((url) => url.pathname === "/");
  return page;
}

/** The WCAG 2.0 and 2.1 A/AA rules: what the issue (and EN 301 549) asks of every page. */
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] as const;

export interface AxeViolation {
  rule: string;
  impact: string;
  target: string;
  /** axe's own one-line reason (e.g. the contrast ratio found). */
  summary: string;
}

/**
 * axe-core's WCAG 2.1 A/AA rules (through @axe-core/playwright's AxeBuilder) on the page, or on
 * the part `selector` names: one entry per failing element. AxeBuilder injects axe through the
 * DevTools protocol, which the page's Content Security Policy does not restrict.
 */
export async function axeReport(page: Page, selector?: string): Promise<AxeViolation[]> {
  let builder = new AxeBuilder({ page }).withTags([...AXE_TAGS]);
  if (selector) builder = builder.include(selector);
  const result = await builder.analyze();
  return result.violations.flatMap((v) =>
    v.nodes.map((n) => ({
      rule: v.id,
      impact: v.impact ?? "",
      target: n.target.map(String).join(" "),
      summary: (n.failureSummary ?? "").split("\n").slice(1, 2).join("").trim(),
    })),
  );
}

/** The violations in the part of the page `selector` names, each as "rule: target". */
export async function axeViolations(page: Page, selector: string): Promise<string[]> {
  return (await axeReport(page, selector)).map((v) => `${v.rule}: ${v.target}`);
}

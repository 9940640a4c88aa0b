import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import type { Kysely } from "kysely";
import type { BulkLoader } from "~db/connect";
import type { Database } from "~db/schema";
import { ACCOUNTS_ONLY, withTenantScope } from "~db/tenant-scope";
import { createServerApp } from "~/server/app.server";
import { loadConfig } from "~/server/config.server";
import { createLogger } from "~/server/logger.server";
import { createUser } from "~/modules/users/users.server";

export const TEST_PASSWORD = "correct-horse-battery";

export interface TestServer {
  baseUrl: string;
  close(): Promise<void>;
}

/** The real HTTP stack (Express + the built Remix app) on a free loopback port. */
export async function startTestServer(
  db: Kysely<Database>,
  env: Record<string, string> = {},
  options: { logFd?: number; bulk?: BulkLoader } = {},
): Promise<TestServer> {
  const buildPath = path.resolve("build/index.js");
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  const config = loadConfig({
    NODE_ENV: "test",
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "jr-http-")),
    SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
    PSEUDONYM_KEY: "test-pseudonym-key-test-pseudonym-key-0123",
    DEMO: "0",
    ...env,
  });
  const logger = options.logFd === undefined ? createLogger("silent") : createLogger("info", options.logFd);
  const app = createServerApp({ config, db, bulk: options.bulk, logger, build });
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function addUser(
  db: Kysely<Database>,
  user: { email: string; role: string; municipalityCode?: string | null; displayName?: string },
) {
  return withTenantScope(db, ACCOUNTS_ONLY, (trx) =>
    createUser(trx, { userId: null, label: "test" }, {
      email: user.email,
      displayName: user.displayName ?? user.email.split("@")[0]!,
      role: user.role,
      municipalityCode: user.municipalityCode ?? null,
      password: TEST_PASSWORD,
    }),
  );
}

/** A tiny browser: keeps cookies, never follows redirects by itself. */
export class HttpClient {
  private cookies = new Map<string, string>();
  constructor(
    readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  setCookie(name: string, value: string) {
    this.cookies.set(name, value);
  }

  async request(pathname: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(this.headers)) headers.set(k, v);
    if (this.cookies.size) headers.set("cookie", this.cookieHeader());
    // Like a browser, a request that is not a read carries the page's origin; "" leaves it out.
    const method = (init.method ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "HEAD" && !headers.has("origin")) headers.set("origin", this.baseUrl);
    if (headers.get("origin") === "") headers.delete("origin");
    const response = await fetch(this.baseUrl + pathname, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const index = pair!.indexOf("=");
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      if (/max-age=0/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(pathname: string) {
    return this.request(pathname);
  }

  post(pathname: string, fields: Record<string, string>) {
    return this.request(pathname, { method: "POST", body: new URLSearchParams(fields) });
  }

  async logIn(email: string, password = TEST_PASSWORD): Promise<Response> {
    return this.post("/login", { email, password, redirectTo: "/" });
  }
}

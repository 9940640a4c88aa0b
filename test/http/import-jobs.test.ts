import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "~db/connect";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { demoDeclarationChunks } from "~seeds/demo-data";
import { createTestDatabase, testServerUrl, type TestDatabase } from "../support/database";
import { HttpClient, TEST_PASSWORD } from "../support/server";

/**
 * Issue 13.7 over real HTTP with real server processes: a server killed (kill -9) during an
 * upload's import. After the restart the job URL answers "interrupted" (not 404) to whoever may
 * see it, the import history lists it as interrupted in both languages, and the upload file and
 * the loading table are gone.
 */
const work = mkdtempSync(path.join(tmpdir(), "jr-jobs-"));
const dataDir = path.join(work, "data");
let database: TestDatabase | null = null;
let env: Record<string, string>;
const children: ChildProcess[] = [];
const file = path.join(work, "levering.csv");

beforeAll(async () => {
  const base = { ...process.env, LOG_LEVEL: "info", DEMO: "0", DATA_DIR: dataDir, NODE_ENV: "test" } as Record<string, string>;
  delete base.DATABASE_URL;
  delete base.TEST_DATABASE_URL;
  if (testServerUrl()) {
    database = await createTestDatabase({ seed: false });
    env = { ...base, DATABASE_URL: database.url! };
  } else {
    env = base;
  }
  writeFileSync(file, [...demoDeclarationChunks({ firstYear: 2024, lastMonth: "2024-12", seed: 7 })].join(""));
  expect((await cli(["seed"])).code).toBe(0);
  for (const [email, role, municipality] of [
    ["analyst@rigg.test", "rigg_analyst", null],
    ["colleague@rigg.test", "rigg_analyst", null],
    ["viewer@groningen.test", "municipal_viewer", "GM0014"],
  ] as const) {
    const args = ["user", "create", "--email", email, "--name", email, "--role", role, "--password-stdin"];
    const created = await cli(municipality ? [...args, "--municipality", municipality] : args, `${TEST_PASSWORD}\n`);
    expect(created.code, created.stderr).toBe(0);
  }
}, 300_000);
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await database?.close();
});

function cli(args: string[], input = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", "app/cli/main.server.ts", ...args],
      { env: env as NodeJS.ProcessEnv, encoding: "utf8", timeout: 240_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The real server process (`npm start`), its pid the server itself. */
async function startServer(extra: Record<string, string> = {}) {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "app/server/start.server.ts"], {
    env: { ...(env as NodeJS.ProcessEnv), PORT: String(port), HOST: "127.0.0.1", ...extra },
  });
  children.push(child);
  let stderr = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
    for (const waiter of waiters.filter((w) => stderr.includes(w.text))) waiter.resolve();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const waitFor = (text: string) =>
    Promise.race([
      new Promise<void>((resolve) => (stderr.includes(text) ? resolve() : waiters.push({ text, resolve }))),
      exited.then(() => {
        throw new Error(`server ended before "${text}": ${stderr}`);
      }),
    ]);
  await waitFor("is listening");
  return { child, baseUrl: `http://127.0.0.1:${port}`, waitFor, exited, log: () => stderr };
}

async function logIn(baseUrl: string, email: string, language?: string) {
  const client = new HttpClient(baseUrl, language ? { "accept-language": language } : {});
  expect((await client.logIn(email)).status).toBe(302);
  return client;
}

async function reopen(): Promise<DatabaseHandle> {
  return database
    ? openDatabase({ kind: "postgres", url: database.url!, poolSize: 2 })
    : openDatabase({ kind: "embedded", dataDir: path.join(dataDir, "pgdata") });
}

const uploads = () => {
  try {
    return readdirSync(path.join(dataDir, "uploads"));
  } catch {
    return [];
  }
};

describe("a server killed during an upload's import", () => {
  it("after a restart: the job answers interrupted, the history lists it in both languages, and nothing is left", async () => {
    const first = await startServer({ JR_FAULT_PAUSE: "after-copy" });
    const analyst = await logIn(first.baseUrl, "analyst@rigg.test");
    const body = new FormData();
    body.append("file", new Blob([await import("node:fs/promises").then((fs) => fs.readFile(file))], { type: "text/csv" }), "levering.csv");
    const started = await analyst.request("/api/imports", { method: "POST", body, headers: { Accept: "application/json" } });
    expect(started.status).toBe(202);
    const { jobId } = (await started.json()) as { jobId: string };
    await first.waitFor("JR_FAULT_PAUSED after-copy");
    // While it runs, the job is reported from its row.
    const running = (await (await analyst.get(`/api/imports/${jobId}`)).json()) as { status: string };
    expect(running.status).toBe("running");
    expect(uploads()).toHaveLength(1);
    first.child.kill("SIGKILL");
    await first.exited;

    const second = await startServer();
    try {
      // The restart cleaned up before listening.
      expect(second.log()).toMatch(/import job interrupted: its process is gone/);
      expect(second.log()).toMatch(/loading table of an interrupted import dropped/);
      expect(uploads()).toEqual([]);

      const again = await logIn(second.baseUrl, "analyst@rigg.test");
      const job = await again.get(`/api/imports/${jobId}`);
      expect(job.status).toBe(200);
      expect(await job.json()).toMatchObject({
        jobId,
        status: "interrupted",
        fileName: "levering.csv",
        outcome: { kind: "interrupted", fileName: "levering.csv" },
      });
      // Another analyst may follow it; a municipal viewer may not; an unknown id is nothing.
      const colleague = await logIn(second.baseUrl, "colleague@rigg.test", "en");
      expect((await colleague.get(`/api/imports/${jobId}`)).status).toBe(200);
      expect((await again.get("/api/imports/00000000-0000-4000-8000-000000000000")).status).toBe(404);
      const viewer = await logIn(second.baseUrl, "viewer@groningen.test");
      expect((await viewer.get(`/api/imports/${jobId}`)).status).toBe(403);

      const nl = await (await again.get("/imports")).text();
      const row = (html: string) => html.match(new RegExp(`<tr data-job-id="${jobId}" data-status="interrupted">[\\s\\S]*?</tr>`))?.[0] ?? "";
      expect(row(nl)).toContain("levering.csv");
      expect(row(nl)).toContain("Onderbroken");
      const en = await (await colleague.get("/imports")).text();
      expect(row(en)).toContain("Interrupted");
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }

    const handle = await reopen();
    try {
      const tables = await sql<{ name: string }>`
        select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'declaration_lines' and c.relkind in ('r', 'p')`.execute(handle.db);
      expect(tables.rows).toEqual([]);
      const state = await withTenantScope(handle.db, ALL_TENANTS, async (trx) => ({
        batches: (await trx.selectFrom("import_batch").select("id").execute()).length,
        jobs: await trx.selectFrom("import_job").select(["id", "status", "upload_path"]).execute(),
      }));
      expect(state).toEqual({ batches: 0, jobs: [{ id: jobId, status: "interrupted", upload_path: null }] });
    } finally {
      await handle.close();
    }
  }, 300_000);
});

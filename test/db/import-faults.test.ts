import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "~db/connect";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { cleanUpImportLeftovers } from "~/modules/imports/leftovers.server";
import { segmentReport, type ReportScope } from "~/modules/reports/segment-report.server";
import { createLogger } from "~/server/logger.server";
import { demoDeclarationChunks } from "~seeds/demo-data";
import { createTestDatabase, testServerUrl, type TestDatabase } from "../support/database";

/**
 * Issue 13, "Done when": kill -9 of a real import (the CLI) at three moments, on the database
 * under test (embedded folder, or the PostgreSQL server), then a restart: no batch half-visible,
 * no leftover loading table, the job recorded as interrupted, the same file imports again, and
 * the summaries equal the lines. The pause points are `JR_FAULT_PAUSE` (fault-points.server.ts).
 */
const work = mkdtempSync(path.join(tmpdir(), "jr-faults-"));
const dataDir = path.join(work, "data");
let database: TestDatabase | null = null;
let env: Record<string, string>;
const file = path.join(work, "declaraties.csv");
let lineCount = 0;
const silent = createLogger("silent");

beforeAll(async () => {
  const base = { ...process.env, LOG_LEVEL: "warn", DEMO: "0", DATA_DIR: dataDir } as Record<string, string>;
  delete base.DATABASE_URL;
  delete base.TEST_DATABASE_URL;
  if (testServerUrl()) {
    database = await createTestDatabase({ seed: false });
    env = { ...base, DATABASE_URL: database.url! };
  } else {
    env = base;
  }
  // Big enough for the bulk path and more than one block of COPY (~30k lines, a few MB).
  const text = [...demoDeclarationChunks({ firstYear: 2023, lastMonth: "2024-06", seed: 13 })].join("");
  lineCount = text.split("\n").filter((line) => line.trim()).length - 1;
  writeFileSync(file, text);
  expect((await cli(["seed"])).code).toBe(0);
}, 300_000);
afterAll(async () => {
  await database?.close();
});

/** The CLI as its own process (node with tsx's loader: the pid is the importing process itself). */
function cli(args: string[], extra: Record<string, string> = {}, pauseAt?: string) {
  return new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string; paused: boolean }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "app/cli/main.server.ts", ...args], {
      env: { ...env, ...extra, ...(pauseAt ? { JR_FAULT_PAUSE: pauseAt } : {}) } as NodeJS.ProcessEnv,
    });
    let stdout = "";
    let stderr = "";
    let paused = false;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      if (pauseAt && !paused && stderr.includes(`JR_FAULT_PAUSED ${pauseAt} pid=${child.pid}`)) {
        paused = true;
        child.kill("SIGKILL"); // kill -9, mid-import
      }
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, paused });
    });
  });
}

/** The database as the next process sees it (the folder or the server the CLI used). */
async function reopen(): Promise<DatabaseHandle> {
  return database
    ? openDatabase({ kind: "postgres", url: database.url!, poolSize: 2 })
    : openDatabase({ kind: "embedded", dataDir: path.join(dataDir, "pgdata") });
}

async function loadingTables(handle: DatabaseHandle): Promise<string[]> {
  const rows = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'declaration_lines' and c.relkind in ('r', 'p') order by 1`.execute(handle.db);
  return rows.rows.map((r) => r.name);
}

async function visible(handle: DatabaseHandle) {
  return withTenantScope(handle.db, ALL_TENANTS, async (trx) => ({
    batches: Number((await sql<{ n: number }>`select count(*)::int as n from import_batch`.execute(trx)).rows[0]!.n),
    perMunicipality: Number((await sql<{ n: number }>`select count(*)::int as n from import_batch_municipality`.execute(trx)).rows[0]!.n),
    lines: Number((await sql<{ n: number }>`select count(*)::int as n from declaration`.execute(trx)).rows[0]!.n),
    summaryProvider: Number((await sql<{ n: number }>`select count(*)::int as n from summary_provider`.execute(trx)).rows[0]!.n),
    summaryClient: Number((await sql<{ n: number }>`select count(*)::int as n from summary_client`.execute(trx)).rows[0]!.n),
  }));
}

async function jobs(handle: DatabaseHandle) {
  return withTenantScope(handle.db, ALL_TENANTS, (trx) =>
    trx.selectFrom("import_job").select(["id", "status", "file_name"]).orderBy("started_at").execute(),
  );
}

const NOTHING = { batches: 0, perMunicipality: 0, lines: 0, summaryProvider: 0, summaryClient: 0 };

describe("an import killed with kill -9", () => {
  const interrupted: string[] = [];
  for (const moment of ["during-copy", "after-copy", "final-transaction"] as const) {
    it(`${moment}: leaves nothing half-visible, and a restart removes what it left and records it as interrupted`, async () => {
      const killed = await cli(["import", "declarations", file], {}, moment);
      expect(killed.paused, killed.stderr).toBe(true);
      expect(killed.signal).toBe("SIGKILL");
      expect(killed.stdout).not.toMatch(/Batch /);

      const handle = await reopen();
      try {
        // Before the restart's clean-up: the dead import's job still says "running".
        const before = await jobs(handle);
        expect(before.at(-1)).toMatchObject({ status: "running", file_name: "declaraties.csv" });
        expect(await visible(handle)).toEqual(NOTHING);
        const left = await loadingTables(handle);
        // After COPY the loading table is committed; that is exactly what must not stay.
        if (moment !== "during-copy") expect(left).toHaveLength(1);

        const cleaned = await cleanUpImportLeftovers(handle.db, { uploadDir: null, logger: silent });
        expect(cleaned.interruptedJobs).toEqual([before.at(-1)!.id]);
        expect(cleaned.droppedTables).toEqual(left);
        expect(await loadingTables(handle)).toEqual([]);
        expect(await visible(handle)).toEqual(NOTHING);
        interrupted.push(before.at(-1)!.id);
        expect((await jobs(handle)).filter((j) => j.status === "interrupted").map((j) => j.id)).toEqual(interrupted);
      } finally {
        await handle.close();
      }
    }, 300_000);
  }

  it("then the same file imports again, once, and the summaries equal the lines", async () => {
    const imported = await cli(["import", "declarations", file]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(new RegExp(`Batch [0-9a-f-]{36}: ${lineCount} lines`));

    const handle = await reopen();
    try {
      const state = await visible(handle);
      expect(state).toMatchObject({ batches: 1, lines: lineCount });
      expect(state.summaryProvider).toBeGreaterThan(0);
      expect((await loadingTables(handle)).filter((name) => name.endsWith("_load"))).toEqual([]);
      expect((await jobs(handle)).map((j) => j.status)).toEqual(["interrupted", "interrupted", "interrupted", "done"]);
      await withTenantScope(handle.db, { read: "all", write: [] }, async (trx) => {
        const years = (await sql<{ year: number }>`select distinct extract(year from service_month)::int as year from declaration order by 1`.execute(trx)).rows.map((r) => Number(r.year));
        expect(years).toEqual([2023, 2024]);
        const municipalities = (await trx.selectFrom("municipality").select("code").execute()).map((m) => m.code);
        const scopes: ReportScope[] = [{ kind: "region" }, ...municipalities.map((code) => ({ kind: "municipality" as const, code }))];
        for (const year of years) {
          for (const scope of scopes) {
            const fromSummary = await segmentReport(trx, year, scope, "summary");
            const fromLines = await segmentReport(trx, year, scope, "lines");
            expect([year, fromSummary.scope, fromSummary.segments]).toEqual([year, fromLines.scope, fromLines.segments]);
          }
        }
      });
    } finally {
      await handle.close();
    }
    // Counted once: the second time it is refused as the same file.
    const again = await cli(["import", "declarations", file]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already been imported/);
  }, 300_000);
});

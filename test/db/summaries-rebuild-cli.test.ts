import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "~db/connect";
import { ALL_TENANTS, withTenantScope, type ScopedTransaction } from "~db/tenant-scope";
import { bumpReportStamp } from "~/modules/reports/report-cache.server";
import { createTestDatabase, testServerUrl, type TestDatabase } from "../support/database";

/**
 * `summaries rebuild` (issue 15 §1, the read model's full rebuild for operators), as a child
 * process: after summaries were damaged by hand, the rebuild makes every report equal to the
 * lines again, in one transaction, audited with the row counts; the reports before and after a
 * rebuild of healthy summaries are identical.
 */
let database: TestDatabase | null = null;
let env: Record<string, string>;
const work = mkdtempSync(path.join(tmpdir(), "jr-rebuild-"));

beforeAll(async () => {
  const base = { ...process.env, LOG_LEVEL: "warn" } as Record<string, string>;
  delete base.DATABASE_URL;
  delete base.TEST_DATABASE_URL;
  if (testServerUrl()) {
    database = await createTestDatabase({ seed: false });
    env = { ...base, DATABASE_URL: database.url! };
  } else {
    env = { ...base, DATA_DIR: path.join(work, "data") };
  }
});
afterAll(async () => {
  await database?.close();
});

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      path.resolve("node_modules/.bin/tsx"),
      ["app/cli/main.server.ts", ...args],
      { env: env as NodeJS.ProcessEnv, encoding: "utf8", timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end("");
  });
}

/** Work on the CLI's database between two CLI runs (the embedded one is free then). */
async function onDatabase<T>(task: (trx: ScopedTransaction) => Promise<T>): Promise<T> {
  if (database) return withTenantScope(database.db, ALL_TENANTS, task);
  const handle = await openDatabase({ kind: "embedded", dataDir: path.join(work, "data", "pgdata") });
  try {
    return await withTenantScope(handle.db, ALL_TENANTS, task);
  } finally {
    await handle.close();
  }
}

async function report(year: number, municipality?: string) {
  const result = await cli(["report", "segments", "--year", String(year), ...(municipality ? ["--municipality", municipality] : []), "--format", "json"]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

const HEAD = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount;declared_on";

describe("summaries rebuild", () => {
  it("repairs damaged summaries from the lines, in one audited transaction, and changes nothing when they were right", async () => {
    expect((await cli(["migrate"])).code).toBe(0);
    expect((await cli(["seed"])).code).toBe(0);
    const csv = path.join(work, "d.csv");
    writeFileSync(
      csv,
      [HEAD, "2025-01;GM0014;12345678;Zorg A;45A51;K1;10,00;2025-02-10", "2025-02;GM0014;12345679;Zorg B;54001;K2;20,00;2025-03-10", "2025-02;GM1966;12345678;Zorg A;45A51;K3;30,00;2025-03-10"].join("\n"),
    );
    const imported = await cli(["import", "declarations", csv, "--delivered-on", "2025-03-12", "--format", "json"]);
    expect(imported.code, imported.stderr).toBe(0);
    const region = await report(2025);
    const groningen = await report(2025, "GM0014");
    expect(region.segments.all.spending).toBe("60.00");
    const lagBefore = await onDatabase((trx) => sql<Record<string, string>>`select * from summary_lag order by 1, 2, 3, 4`.execute(trx));

    // A rebuild of healthy summaries: the same figures, the same rows.
    const healthy = await cli(["summaries", "rebuild", "--format", "json"]);
    expect(healthy.code, healthy.stderr).toBe(0);
    expect(JSON.parse(healthy.stdout)).toEqual(expect.arrayContaining([{ table: "summary_lag", rows: lagBefore.rows.length }]));
    expect(await report(2025)).toEqual(region);

    // Damage by hand: a provider total off by a hundred euros, a municipality's lag rows gone.
    await onDatabase(async (trx) => {
      await sql`update summary_provider set net = net + 100 where municipality_code = 'GM0014'`.execute(trx);
      await sql`update summary_region_provider set net = net + 100`.execute(trx);
      await sql`delete from summary_lag where municipality_code = 'GM1966'`.execute(trx);
      // Outdate the stored reports, as any change does, so the damage shows.
      await bumpReportStamp(trx);
    });
    expect((await report(2025, "GM0014")).segments.all.spending).not.toBe(groningen.segments.all.spending);

    const repaired = await cli(["summaries", "rebuild"]);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stderr).toMatch(/^Summaries rebuilt from the lines in \d+\.\d s\.$/m);
    expect(await report(2025)).toEqual(region);
    expect(await report(2025, "GM0014")).toEqual(groningen);
    const lagAfter = await onDatabase((trx) => sql<Record<string, string>>`select * from summary_lag order by 1, 2, 3, 4`.execute(trx));
    expect(lagAfter.rows).toEqual(lagBefore.rows);
    const audit = await onDatabase((trx) => trx.selectFrom("audit_event").select(["actor_label", "details"]).where("action", "=", "summaries.rebuild").orderBy("id").execute());
    expect(audit).toHaveLength(2);
    expect(audit[1]!.actor_label).toMatch(/^cli:/);
    expect(audit[1]!.details).toMatchObject({ summary_lag: lagBefore.rows.length });
  });
});

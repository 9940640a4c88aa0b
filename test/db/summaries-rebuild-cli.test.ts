import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "~db/connect";
import { ALL_TENANTS, withTenantScope, type ScopedTransaction } from "~db/tenant-scope";
import { bumpReportStamp } from "~/modules/reports/report-cache.server";
import { cliHarness, type CliHarness } from "../support/cli";

/**
 * `summaries rebuild` (issue 15 §1, the read model's full rebuild for operators), as a child
 * process: after summaries were damaged by hand, the rebuild makes every report equal to the
 * lines again, in one transaction, audited with the row counts; the reports before and after a
 * rebuild of healthy summaries are identical.
 */
let harness: CliHarness;
const cli = (args: string[]) => harness.run(args);

beforeAll(async () => {
  harness = await cliHarness("jr-rebuild-");
});
afterAll(async () => {
  await harness?.close();
});

/** Work on the CLI's database between two CLI runs (the embedded one is free then). */
async function onDatabase<T>(task: (trx: ScopedTransaction) => Promise<T>): Promise<T> {
  if (harness.database) return withTenantScope(harness.database.db, ALL_TENANTS, task);
  const handle = await openDatabase({ kind: "embedded", dataDir: path.join(harness.dataDir!, "pgdata") });
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
    const csv = harness.file(
      "d.csv",
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

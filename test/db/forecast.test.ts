import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importCatalog } from "~/modules/catalog/catalog.server";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { forecastReport, forecastUnavailable, yearCompleteness, type ForecastReportJson } from "~/modules/forecast/forecast.server";
import { rebuildSummary } from "~/modules/figures/summaries.server";
import { segmentReport, type ReportScope } from "~/modules/reports/segment-report.server";
import { demoDeclarationChunks } from "~seeds/demo-data";
import { createTestDatabase, testServerUrl, type TestDatabase } from "../support/database";

/**
 * The forecast report (issue 14 §3) on demo lines with a lag pattern: the same from the summary
 * (summary_lag) as from the lines, its JSON shape, the history rule, as-of reproducibility
 * across later deliveries, the walls around summary_lag, and the `report forecast` command.
 */
let database: TestDatabase;
const actor = { userId: null, label: "test" };
const KEY = "forecast-test-pseudonym-key-forecast-test";
const REGION: ReportScope = { kind: "region" };
const GRONINGEN: ReportScope = { kind: "municipality", code: "GM0014" };

/**
 * The demo file without declared dates: its lines take their delivery date (today), so the lag
 * pattern below is the test's own, and a later delivery counts only from today.
 */
function demoText(options: Parameters<typeof demoDeclarationChunks>[0]) {
  return [...demoDeclarationChunks({ ...options, declaredDates: false })].join("");
}

async function load(text: string, mode: "append" | "replace" = "append") {
  const bytes = new TextEncoder().encode(text);
  const result = await importDeclarations(database.db, actor, { name: `f${Math.random()}.csv`, size: bytes.length, async *open() { yield bytes; } }, { mode, pseudonymKey: KEY, bulk: database.bulk });
  if (!result.ok) throw new Error(JSON.stringify(result.errors.shown.slice(0, 2)));
  return result.batchId;
}

const report = (scope: ReportScope, year: number, asOf: string, source: "summary" | "lines" = "summary") =>
  withTenantScope(database.db, ALL_TENANTS, (trx) => forecastReport(trx, { year, scope, asOf }, source));

beforeAll(async () => {
  database = await createTestDatabase();
  await load(demoText({ trajectoriesPerThousand: 3, firstYear: 2022, lastMonth: "2025-10", seed: 11 }));
  // A lag pattern on the imported lines (the file has no declared dates; set here so that it is fixed): per line, 55% a month
  // after its service month, 25% two months, then four, nine and fifteen months; the summaries
  // rebuilt from the lines.
  // A municipal override: Groningen counts 41A01 as aanvullende hulp from mid-2024.
  const catalog = [
    "product_code;name_nl;name_en;segment;municipality_code;valid_from;valid_to",
    "41A01;Onderwijszorg;Education care;onderwijs;;2015-01-01;",
    "41A01;Onderwijszorg;Education care;aanvullende_hulp;GM0014;2024-07-01;",
  ].join("\r\n");
  const changed = await withTenantScope(database.db, ALL_TENANTS, (trx) => importCatalog(trx, actor, { name: "mapping.csv", bytes: new TextEncoder().encode(catalog) }));
  expect(changed.ok).toBe(true);
  await withTenantScope(database.db, ALL_TENANTS, async (trx) => {
    await sql`update declaration set declared_on = least(date '2026-11-30', (service_month + make_interval(months => case
        when line_no % 20 < 11 then 1 when line_no % 20 < 16 then 2 when line_no % 20 < 18 then 4 when line_no % 20 = 18 then 9 else 15 end) + interval '8 days')::date)`.execute(trx);
    await rebuildSummary(trx);
  });
}, 240_000);
afterAll(async () => {
  await database?.close();
});

const MONEY = /^-?\d+\.\d{2}$/;
const RATIO = /^-?\d+\.\d{4,}$/;

function expectShape(r: ForecastReportJson) {
  expect(r.available).toBe(true);
  expect(Object.keys(r.segments).sort()).toEqual(["aanvullende_hulp", "all", "basishulp", "hsj", "onderwijs", "unassigned", "wonen"]);
  for (const s of Object.values(r.segments)) {
    for (const money of [s.realised, s.expected_late, s.expected_remaining, s.forecast, s.same_period_last_year]) expect(money).toMatch(MONEY);
    expect(s.growth).toMatch(RATIO);
  }
  expect(r.months.filter((m) => m.column === "all")).toHaveLength(12);
  expect(r.factors.filter((f) => f.column === "all").map((f) => f.lag)).toEqual([...Array(24).keys()]);
  for (const f of r.factors) expect(f.factor).toMatch(RATIO);
}

describe("forecast report", () => {
  it("is the same from the summary as from the lines, for the region and a municipality, as of several dates", async () => {
    for (const scope of [REGION, GRONINGEN]) {
      for (const [year, asOf] of [[2025, "2025-11-15"], [2025, "2025-06-30"], [2024, "2024-10-03"]] as const) {
        const fromSummary = await report(scope, year, asOf);
        const again = await report(scope, year, asOf); // the stored result
        const fromLines = await report(scope, year, asOf, "lines");
        expect([scope, asOf, fromSummary]).toEqual([scope, asOf, fromLines]);
        expect(again).toEqual(fromSummary);
        expectShape(fromSummary);
      }
    }
    const r = await report(REGION, 2025, "2025-11-15");
    // As of 15 November the last complete month is October: declared through its last day.
    expect(r).toMatchObject({ as_of: "2025-11-15", declared_through: "2025-10-31", scope: "region", year: 2025 });
    expect(r.data_through).toBe("2025-09"); // nothing of October is declared in October (the lag is at least a month)
    expect(r.months.filter((m) => m.column === "all" && m.kind === "declared").map((m) => m.month)).toContain("2025-09");
    const all = r.segments.all;
    const sum = (key: "realised" | "forecast") =>
      (["basishulp", "aanvullende_hulp", "onderwijs", "hsj", "wonen", "unassigned"] as const).reduce((t, c) => t + Math.round(Number(r.segments[c][key]) * 100), 0);
    expect(Math.round(Number(all.realised) * 100)).toBe(sum("realised")); // "all" is the sum of the columns
    expect(Number(all.forecast)).toBeGreaterThan(Number(all.realised));
    expect(all.clients_realised).toBeGreaterThan(0);
  }, 240_000);

  it("counts the clients as the segment table does, once everything is declared", async () => {
    // Every line of the data set is declared by 30 November 2026 (the last complete month then).
    for (const scope of [REGION, GRONINGEN]) {
      const r = await report(scope, 2024, "2026-11-30");
      const table = await withTenantScope(database.db, ALL_TENANTS, (trx) => segmentReport(trx, 2024, scope));
      for (const [col, figures] of Object.entries(table.segments)) {
        expect([scope, col, r.segments[col as keyof typeof r.segments].clients_realised]).toEqual([scope, col, figures.clients]);
        expect([scope, col, r.segments[col as keyof typeof r.segments].realised]).toEqual([scope, col, figures.spending]);
      }
    }
  });

  it("gives no forecast without two years of history, and says from when data starts", async () => {
    const r = await report(REGION, 2023, "2023-06-30");
    expect(r.available).toBe(false);
    expect(r.reason).toMatchObject({ code: "needs_history", data_starts: "2022-01" });
    expect(forecastUnavailable(r)).toBe(`No forecast for region 2023: needs two years of history; data starts 2022-01 (needed from ${r.reason!.needed_from}).`);
  });

  it("marks the years: through which month each is declared as of a date", async () => {
    const years = await withTenantScope(database.db, ALL_TENANTS, (trx) => yearCompleteness(trx, REGION, "2025-11-15"));
    expect(years).toEqual([
      { year: 2022, dataThrough: "2022-12", complete: true },
      { year: 2023, dataThrough: "2023-12", complete: true },
      { year: 2024, dataThrough: "2024-12", complete: true },
      { year: 2025, dataThrough: "2025-10", complete: false }, // October's first lines came on 9 November
    ]);
  });

  it("is reproducible: later deliveries (an append and a replace) do not change a report as of an earlier date", async () => {
    const before = { region: await report(REGION, 2025, "2025-11-15"), groningen: await report(GRONINGEN, 2025, "2025-11-15") };
    await load(demoText({ trajectoriesPerThousand: 2, firstYear: 2025, lastMonth: "2025-10", seed: 12 }));
    const text = demoText({ trajectoriesPerThousand: 3, firstYear: 2022, lastMonth: "2025-10", seed: 11 }).split("\r\n");
    await load([text[0], ...text.slice(1).filter((l) => l.startsWith("2025-03;GM0014"))].join("\r\n"), "replace");
    expect(await report(REGION, 2025, "2025-11-15")).toEqual(before.region);
    expect(await report(GRONINGEN, 2025, "2025-11-15")).toEqual(before.groningen);
    expect(await report(GRONINGEN, 2025, "2025-11-15", "lines")).toEqual(before.groningen);
  }, 240_000);

  it("keeps another municipality's summary_lag rows, and the region's, out of a municipal scope's reach", async () => {
    const hogeland = { read: ["GM1966"], write: ["GM1966"] };
    const seen = await withTenantScope(database.db, hogeland, async (trx) => ({
      own: (await sql<{ m: string }>`select distinct municipality_code as m from summary_lag`.execute(trx)).rows.map((r) => r.m),
      region: Number((await sql<{ n: number }>`select count(*)::int as n from summary_region_lag`.execute(trx)).rows[0]!.n),
    }));
    expect(seen).toEqual({ own: ["GM1966"], region: 0 });
    const forged = withTenantScope(database.db, hogeland, (trx) => sql`insert into summary_lag values ('GM0014', 'hsj', '2025-01-01', '2025-02-01', 1000000, 1, 0)`.execute(trx));
    await expect(forged).rejects.toMatchObject({ code: "42501" });
    const regionForged = withTenantScope(database.db, hogeland, (trx) => sql`insert into summary_region_lag values ('hsj', '2025-01-01', '2025-02-01', 1000000, 1, 0)`.execute(trx));
    await expect(regionForged).rejects.toMatchObject({ code: "42501" });
    const changed = await withTenantScope(database.db, hogeland, (trx) => sql`update summary_lag set net = 0 where municipality_code = 'GM0014'`.execute(trx));
    expect(Number(changed.numAffectedRows ?? 0)).toBe(0);
    // Through the report: Het Hogeland's scope asking for the region sees only its own rows.
    const regionAsHogeland = await withTenantScope(database.db, hogeland, (trx) => forecastReport(trx, { year: 2025, scope: REGION, asOf: "2025-11-15" }, "lines"));
    const hogelandOwn = await report({ kind: "municipality", code: "GM1966" }, 2025, "2025-11-15", "lines");
    expect(regionAsHogeland.segments.all.realised).toBe(hogelandOwn.segments.all.realised);
  });
});

describe("report forecast (CLI)", () => {
  const work = mkdtempSync(path.join(tmpdir(), "jr-forecast-cli-"));
  let env: Record<string, string>;
  let cliDatabase: TestDatabase | null = null;
  beforeAll(async () => {
    const base = { ...process.env, LOG_LEVEL: "warn" } as Record<string, string>;
    delete base.DATABASE_URL;
    delete base.TEST_DATABASE_URL;
    if (testServerUrl()) {
      cliDatabase = await createTestDatabase({ seed: false });
      env = { ...base, DATABASE_URL: cliDatabase.url! };
    } else env = { ...base, DATA_DIR: path.join(work, "data") };
  });
  afterAll(async () => {
    await cliDatabase?.close();
  });
  const cli = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(path.resolve("node_modules/.bin/tsx"), ["app/cli/main.server.ts", ...args], { env: env as NodeJS.ProcessEnv, encoding: "utf8", timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
      );
    });

  it("prints the JSON, and refuses bad input with a clear message and a non-zero exit", async () => {
    expect((await cli(["seed"])).code).toBe(0);
    const file = path.join(work, "declarations.csv");
    writeFileSync(file, demoText({ trajectoriesPerThousand: 1, firstYear: 2025, lastMonth: "2025-06", seed: 3 }));
    const imported = await cli(["import", "declarations", file]);
    expect(imported.code, imported.stderr).toBe(0);
    const json = await cli(["report", "forecast", "--year", "2025", "--format", "json"]);
    expect(json.code, json.stderr).toBe(0);
    const body = JSON.parse(json.stdout) as ForecastReportJson;
    // Every line was declared today (the import's date): nothing yet by the end of last month.
    expect(body).toMatchObject({ year: 2025, scope: "region", available: false, reason: { code: "needs_history", data_starts: null } });
    const table = await cli(["report", "forecast", "--year", "2025", "--municipality", "GM0014"]);
    expect(table.code).toBe(1);
    expect(table.stderr).toMatch(/No forecast for GM0014 2025: needs two years of history; no declarations up to \d{4}-\d{2}-\d{2}/);
    const bad = [
      [["--as-of", "2025-02-30"], /--as-of: as of: expected YYYY-MM-DD, got 2025-02-30/],
      [["--as-of", "2999-01-01"], /2999-01-01 is after today/],
      [["--as-of", "2001-05-01"], /--as-of 2001-05-01 is before any data \(the first line was declared on \d{4}-\d{2}-\d{2}\)/],
      [["--municipality", "GM9999"], /Unknown municipality GM9999/],
      [["--year", "20x5"], /--year/],
    ] as const;
    for (const [args, message] of bad) {
      const result = await cli(["report", "forecast", "--year", "2025", ...args, "--format", "json"]);
      expect(result.code, args.join(" ")).not.toBe(0);
      expect(result.stderr, args.join(" ")).toMatch(message);
      expect(result.stdout).toBe("");
    }
  }, 240_000);
});

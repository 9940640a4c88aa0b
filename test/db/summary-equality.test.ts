import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importCatalog } from "~/modules/catalog/catalog.server";
import { importDeclarations, rollBackBatch } from "~/modules/declarations/declaration-import.server";
import { countingLines } from "~/modules/figures/counting.server";
import { mappedColumn } from "~/modules/figures/segment-column.server";
import { latestCompleteYear, netPerYear } from "~/modules/figures/yearly.server";
import { segmentReport, type ReportScope } from "~/modules/reports/segment-report.server";
import { compareReport, concentrationReport, concentrationTrend, referrerReport } from "~/modules/reports/concentration.server";
import { SEGMENT_COLUMNS } from "@jeugdregio/metrics";
import { forecastReport } from "~/modules/forecast/forecast.server";
import { todayInAmsterdam } from "@jeugdregio/format";
import { productsInColumn, providersForProduct, segmentReportFor, spendingSeries } from "~/modules/reports/drilldown.server";
import { demoDeclarationChunks } from "~seeds/demo-data";
import { createTestDatabase, type TestDatabase } from "../support/database";

/**
 * The segment summaries against the lines: after every kind of change (append on both paths,
 * replace, rollback of each, a mapping change with a municipal override and a validity date),
 * every figure of the segment table, for the region and every municipality and year, is the
 * same computed from the summary tables as computed straight from the declaration lines.
 */
let database: TestDatabase;
const actor = { userId: null, label: "test" };
const KEY = "summary-test-pseudonym-key-summary-test-key";
const readAll = { read: "all" as const, write: [] as string[] };

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

function demoFile(options: Parameters<typeof demoDeclarationChunks>[0]) {
  const text = [...demoDeclarationChunks(options)].join("");
  const bytes = new TextEncoder().encode(text);
  return { text, source: { name: "demo.csv", size: bytes.length, async *open() { yield bytes; } } };
}

async function load(text: string, options: { mode?: "append" | "replace"; bulk?: boolean } = {}) {
  const bytes = new TextEncoder().encode(text);
  const result = await importDeclarations(
    database.db,
    actor,
    { name: `f${Math.random()}.csv`, size: bytes.length, async *open() { yield bytes; } },
    { mode: options.mode ?? "append", pseudonymKey: KEY, bulk: options.bulk === false ? undefined : database.bulk },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors.shown.slice(0, 2)));
  return result.batchId;
}

/** Every scope and year: the summary's table equals the lines' table, figure for figure. */
async function expectSummaryEqualsLines(label: string, empty = false) {
  await withTenantScope(database.db, readAll, async (trx) => {
    const years = (await sql<{ year: number }>`select distinct extract(year from service_month)::int as year from declaration where superseded_by is null order by 1`.execute(trx)).rows.map((r) => Number(r.year));
    const summaryYears = (await sql<{ year: number }>`select distinct year from summary_provider order by 1`.execute(trx)).rows.map((r) => Number(r.year));
    expect([label, summaryYears]).toEqual([label, years]);
    const municipalities = (await trx.selectFrom("municipality").select("code").execute()).map((m) => m.code);
    const scopes: ReportScope[] = [{ kind: "region" }, ...municipalities.map((code) => ({ kind: "municipality" as const, code }))];
    let compared = 0;
    for (const year of years) {
      for (const scope of scopes) {
        const fromSummary = await segmentReport(trx, year, scope, "summary");
        const fromLines = await segmentReport(trx, year, scope, "lines");
        expect([label, year, fromSummary.scope, fromSummary.segments]).toEqual([label, year, fromLines.scope, fromLines.segments]);
        compared++;
      }
    }
    // The comparison (every municipality and the region, every column) and the concentration
    // trend, through the read model's aggregations (figures/aggregates.server.ts).
    for (const year of years) {
      const fromSummary = await compareReport(trx, year, null, "summary");
      const fromLines = await compareReport(trx, year, null, "lines");
      expect([label, "compare", year, fromSummary]).toEqual([label, "compare", year, fromLines]);
    }
    for (const scope of scopes.slice(0, 3)) {
      expect([label, "trend", scope, await concentrationTrend(trx, scope, years, null, "summary")]).toEqual([label, "trend", scope, await concentrationTrend(trx, scope, years, null, "lines")]);
    }
    // Concentration (clients per provider), referrers and the drill-downs (segment → products →
    // providers) through the detail summary, for the region and two municipalities, every column.
    for (const year of years) {
      for (const scope of scopes.slice(0, 3)) {
        const key = scope.kind === "region" ? "region" : scope.code;
        const segmentScope = { key, report: scope, name: null } as Parameters<typeof productsInColumn>[1];
        for (const col of SEGMENT_COLUMNS) {
          expect([label, "concentration", year, key, col, await concentrationReport(trx, year, scope, col, null, "summary")]).toEqual([
            label, "concentration", year, key, col, await concentrationReport(trx, year, scope, col, null, "lines"),
          ]);
          const products = await productsInColumn(trx, segmentScope, year, col, null, "summary");
          expect([label, "products", year, key, col, products]).toEqual([label, "products", year, key, col, await productsInColumn(trx, segmentScope, year, col, null, "lines")]);
          for (const product of products.products.slice(0, 2)) {
            expect([label, "providers", year, key, col, product.productCode, await providersForProduct(trx, segmentScope, year, col, product.productCode, null, "summary")]).toEqual([
              label, "providers", year, key, col, product.productCode, await providersForProduct(trx, segmentScope, year, col, product.productCode, null, "lines"),
            ]);
          }
        }
        expect([label, "referrers", year, key, await referrerReport(trx, year, scope, null, "summary")]).toEqual([label, "referrers", year, key, await referrerReport(trx, year, scope, null, "lines")]);
      }
    }
    // The stored results (report-cache.server.ts): asked twice, the second answer comes from the
    // store; both equal the lines, so a change always outdates what was stored before it.
    for (const scope of scopes.slice(0, 3)) {
      const key = scope.kind === "region" ? "region" : scope.code;
      for (const year of years) {
        const segmentScope = { key, report: scope, name: null };
        const first = await segmentReportFor(trx, segmentScope, year);
        const second = await segmentReportFor(trx, segmentScope, year);
        const fromLines = await segmentReport(trx, year, scope, "lines");
        expect([label, "stored", key, year, first.segments, second.segments]).toEqual([label, "stored", key, year, fromLines.segments, fromLines.segments]);
      }
    }
    // The overview's chart (spending per column over the years) too.
    for (const scope of scopes.slice(0, 3)) {
      const key = scope.kind === "region" ? "region" : scope.code;
      const chart = await spendingSeries(trx, { key, report: scope } as Parameters<typeof spendingSeries>[1]);
      for (const point of chart.series) {
        const fromLines = await segmentReport(trx, point.year, scope, "lines");
        for (const [col, spending] of Object.entries(point.spending)) {
          expect([label, key, point.year, col, spending]).toEqual([label, key, point.year, col, fromLines.segments[col as keyof typeof fromLines.segments].spending]);
        }
      }
    }
    expect([label, compared > 0]).toEqual([label, !empty]);
    await expectLagEqualsLines(trx, label);
    // The forecast (summary_lag) against the lines, for the region and a municipality, as of today
    // and of earlier dates.
    for (const scope of scopes.slice(0, 2)) {
      for (const asOf of [todayInAmsterdam(), "2025-06-30", "2024-11-15"]) {
        for (const year of years.length ? [years[years.length - 1]!] : [2025]) {
          const fromSummary = await forecastReport(trx, { year, scope, asOf });
          const fromLines = await forecastReport(trx, { year, scope, asOf }, "lines");
          expect([label, "forecast", asOf, fromSummary]).toEqual([label, "forecast", asOf, fromLines]);
        }
      }
    }
    // The closed square's RIGG part (net per service year, netPerYear from summary_lag) against the
    // lines, current and as of earlier dates, for the region and every municipality.
    for (const scope of scopes) {
      for (const asOf of [null, todayInAmsterdam(), "2025-06-30", "2024-11-15"]) {
        const fromSummary = Object.fromEntries(await netPerYear(trx, scope, asOf));
        const fromLines = Object.fromEntries(
          (
            await sql<{ year: number; total: string }>`
              select extract(year from d.service_month)::int as year, sum(d.amount)::text as total from declaration d
              where ${countingLines("d", asOf)} ${scope.kind === "municipality" ? sql`and d.municipality_code = ${scope.code}` : sql``}
              group by 1`.execute(trx)
          ).rows.map((r) => [Number(r.year), r.total]),
        );
        expect([label, "net per year", scope, asOf, fromSummary]).toEqual([label, "net per year", scope, asOf, fromLines]);
        // The latest year with lines in all twelve months (the steering report's table).
        const complete = await sql<{ year: number }>`
          select extract(year from d.service_month)::int as year from declaration d
          where ${countingLines("d", asOf)} ${scope.kind === "municipality" ? sql`and d.municipality_code = ${scope.code}` : sql``}
          group by 1 having count(distinct extract(month from d.service_month)) = 12 order by 1 desc limit 1`.execute(trx);
        expect([label, "complete year", scope, asOf, await latestCompleteYear(trx, scope, asOf)]).toEqual([label, "complete year", scope, asOf, complete.rows[0] ? Number(complete.rows[0].year) : null]);
      }
    }
  });
}

/**
 * summary_lag (0017) row for row against the lines, current and superseded: per municipality,
 * column (as the reports assign it), service month and day, what was declared minus what was
 * superseded that day; summary_region_lag (0018) its sum over the municipalities.
 */
async function expectLagEqualsLines(trx: Parameters<Parameters<typeof withTenantScope>[2]>[0], label: string) {
  const fromLines = await sql<Record<string, string>>`
    with t as (select d.municipality_code, d.service_month, d.declared_on, d.superseded_on, d.amount, ${mappedColumn("d")} as col from declaration d),
    e as (select municipality_code, col, service_month, declared_on as day, amount as net, 1 as lines, 0 as superseded from t
          union all select municipality_code, col, service_month, superseded_on, -amount, 0, 1 from t where superseded_on is not null)
    select municipality_code, col, service_month::text as month, day::text as day, sum(net)::text as net, sum(lines)::text as lines, sum(superseded)::text as superseded
    from e group by 1, 2, 3, 4 order by 1, 2, 3, 4`.execute(trx);
  const stored = await sql<Record<string, string>>`
    select municipality_code, col, service_month::text as month, declared_on::text as day, net::text as net, lines::text as lines, superseded::text as superseded
    from summary_lag order by 1, 2, 3, 4`.execute(trx);
  expect([label, "summary_lag", stored.rows]).toEqual([label, "summary_lag", fromLines.rows]);
  const region = await sql<Record<string, string>>`
    select col, service_month::text as month, declared_on::text as day, net::text as net, lines::text as lines, superseded::text as superseded
    from summary_region_lag order by 1, 2, 3`.execute(trx);
  const summed = await sql<Record<string, string>>`
    select col, service_month::text as month, declared_on::text as day, sum(net)::text as net, sum(lines)::text as lines, sum(superseded)::text as superseded
    from summary_lag group by 1, 2, 3 order by 1, 2, 3`.execute(trx);
  expect([label, "summary_region_lag", region.rows]).toEqual([label, "summary_region_lag", summed.rows]);
}

describe("segment summaries", () => {
  it("equal the lines after appends on both import paths, replaces, rollbacks and a mapping change", async () => {
    const first = demoFile({ trajectoriesPerThousand: 6, firstYear: 2023, lastMonth: "2024-12", seed: 1 });
    const firstBatch = await load(first.text);
    await expectSummaryEqualsLines("append (bulk path)");

    // The row-by-row path (no bulk loader), overlapping months: added to, not replaced.
    const second = demoFile({ trajectoriesPerThousand: 2, firstYear: 2024, lastMonth: "2025-06", seed: 2 });
    const secondBatch = await load(second.text, { bulk: false });
    await expectSummaryEqualsLines("append (row path)");

    // A re-delivery of some months replaces them.
    const lines = first.text.split("\r\n");
    const redelivery = [lines[0], ...lines.slice(1).filter((l) => l.startsWith("2024-03;GM0014") || l.startsWith("2024-03;GM1966")).map((l) => l.replace(/;(-?\d+),(\d\d);/, ";$1,01;"))].join("\r\n");
    const replaceBatch = await load(redelivery, { mode: "replace" });
    await expectSummaryEqualsLines("replace");

    // A mapping change: a product moves segment regionally, and Groningen overrides another from mid-2024.
    const catalog = [
      "product_code;name_nl;name_en;segment;municipality_code;valid_from;valid_to",
      "54001;Jeugd-ggz behandeling;Youth mental health treatment;basishulp;;2015-01-01;",
      "41A01;Onderwijszorg;Education care;onderwijs;;2015-01-01;",
      "41A01;Onderwijszorg;Education care;aanvullende_hulp;GM0014;2024-07-01;",
    ].join("\r\n");
    const changed = await withTenantScope(database.db, ALL_TENANTS, (trx) => importCatalog(trx, actor, { name: "mapping.csv", bytes: new TextEncoder().encode(catalog) }));
    expect(changed.ok).toBe(true);
    await expectSummaryEqualsLines("mapping change");

    await withTenantScope(database.db, ALL_TENANTS, (trx) => rollBackBatch(trx, actor, replaceBatch));
    await expectSummaryEqualsLines("rollback of the replace");
    await withTenantScope(database.db, ALL_TENANTS, (trx) => rollBackBatch(trx, actor, secondBatch));
    await expectSummaryEqualsLines("rollback of an append");
    await withTenantScope(database.db, ALL_TENANTS, (trx) => rollBackBatch(trx, actor, firstBatch));
    await expectSummaryEqualsLines("everything rolled back", true);
    const left = await withTenantScope(database.db, ALL_TENANTS, async (trx) => ({
      providers: Number((await sql<{ n: number }>`select count(*)::int as n from summary_provider`.execute(trx)).rows[0]!.n),
      clients: Number((await sql<{ n: number }>`select count(*)::int as n from summary_client`.execute(trx)).rows[0]!.n),
      region: Number((await sql<{ n: number }>`select count(*)::int as n from summary_region_provider`.execute(trx)).rows[0]!.n),
      lag: Number((await sql<{ n: number }>`select count(*)::int as n from summary_lag`.execute(trx)).rows[0]!.n),
      regionLag: Number((await sql<{ n: number }>`select count(*)::int as n from summary_region_lag`.execute(trx)).rows[0]!.n),
    }));
    expect(left).toEqual({ providers: 0, clients: 0, region: 0, lag: 0, regionLag: 0 });
  });

  it("keep another municipality's summary rows out of reach (row-level security)", async () => {
    const text = demoFile({ trajectoriesPerThousand: 2, firstYear: 2025, lastMonth: "2025-03", seed: 3 }).text;
    await load(text);
    const hogeland = { read: ["GM1966"], write: ["GM1966"] };
    const seen = await withTenantScope(database.db, hogeland, async (trx) => ({
      providers: (await sql<{ m: string }>`select distinct municipality_code as m from summary_provider`.execute(trx)).rows.map((r) => r.m),
      clients: (await sql<{ m: string }>`select distinct municipality_code as m from summary_client`.execute(trx)).rows.map((r) => r.m),
    }));
    expect(seen).toEqual({ providers: ["GM1966"], clients: ["GM1966"] });
    const forged = withTenantScope(database.db, hogeland, (trx) =>
      sql`insert into summary_provider values ('GM0014', 2025, 'hsj', '12345678', 1000000, 1)`.execute(trx),
    );
    await expect(forged).rejects.toMatchObject({ code: "42501" });
    const changed = await withTenantScope(database.db, hogeland, (trx) => sql`update summary_client set net = 0 where municipality_code = 'GM0014'`.execute(trx));
    expect(Number(changed.numAffectedRows ?? 0)).toBe(0);

    // The region's provider totals are the region's only: no rows for a municipal reader, no writes.
    const regionSeen = await withTenantScope(database.db, hogeland, (trx) => sql<{ n: number }>`select count(*)::int as n from summary_region_provider`.execute(trx));
    expect(Number(regionSeen.rows[0]!.n)).toBe(0);
    const regionForged = withTenantScope(database.db, hogeland, (trx) =>
      sql`insert into summary_region_provider values (2025, 'hsj', '12345678', 1000000, 1)`.execute(trx),
    );
    await expect(regionForged).rejects.toMatchObject({ code: "42501" });
    const regionChanged = await withTenantScope(database.db, hogeland, (trx) => sql`update summary_region_provider set net = 0`.execute(trx));
    expect(Number(regionChanged.numAffectedRows ?? 0)).toBe(0);
    const regionRows = await withTenantScope(database.db, readAll, (trx) => sql<{ n: number }>`select count(*)::int as n from summary_region_provider where net <> 0`.execute(trx));
    expect(Number(regionRows.rows[0]!.n)).toBeGreaterThan(0);

    // Stored results keep the same walls: the region's and Groningen's are out of Het Hogeland's reach.
    await withTenantScope(database.db, readAll, (trx) => segmentReportFor(trx, { key: "region", report: { kind: "region" }, name: null }, 2025));
    await withTenantScope(database.db, readAll, (trx) => segmentReportFor(trx, { key: "GM0014", report: { kind: "municipality", code: "GM0014" }, name: null }, 2025));
    const stored = await withTenantScope(database.db, hogeland, (trx) => sql<{ scope: string }>`select distinct scope from report_cache`.execute(trx));
    expect(stored.rows.map((r) => r.scope)).not.toContain("region");
    expect(stored.rows.map((r) => r.scope)).not.toContain("GM0014");
    const poisoned = withTenantScope(database.db, hogeland, (trx) =>
      sql`insert into report_cache values ('region', 'segment_table', 2026, 999999, '{}'::jsonb)`.execute(trx),
    );
    await expect(poisoned).rejects.toMatchObject({ code: "42501" });
  });
});

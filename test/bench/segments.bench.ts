/**
 * Segment-table and mapping-change benchmark (`npm run bench:segments`): on the scale-profile data
 * set (BENCH_LINES, default 10M, in PostgreSQL), the segment table for the region and for one
 * municipality for one year, BENCH_QUERY_RUNS times (default 30): median and p95. Peer: DuckDB
 * computing the same table from the raw lines in memory (median of the same number of runs); its
 * totals are checked against ours to the cent. Then the time until every report reflects a changed
 * product→segment mapping. Prints the core count, ratios and this process's peak memory.
 */
import { cpus } from "node:os";
import Decimal from "decimal.js";
import { openDatabase } from "~db/connect";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importCatalog } from "~/modules/catalog/catalog.server";
import { segmentReportFor } from "~/modules/reports/drilldown.server";
import { segmentReport, type ReportScope } from "~/modules/reports/segment-report.server";
import { BENCH_YEAR, LINES, duckDbWithScaleLines, percentile, scaleDatabase } from "./scale-db";

const RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 30);
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const ms = (n: number) => `${n.toFixed(0)} ms`;

async function time(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

const SEGMENT_SQL = (file: string | null) => `
  with t as (
    select l.municipality_code, l.provider_code, l.client_key, l.amount,
      coalesce((select m.segment_key from mapping m
                where m.product_code = l.product_code and (m.municipality_code = l.municipality_code or m.municipality_code is null)
                  and m.valid_from <= l.month and (m.valid_to is null or m.valid_to >= l.month)
                order by m.municipality_code nulls last limit 1), 'unassigned') as col
    from lines l where l.month >= DATE '${BENCH_YEAR}-01-01' and l.month < DATE '${BENCH_YEAR + 1}-01-01' ${file ? `and l.municipality_code = '${file}'` : ""}
  ),
  spending as (select coalesce(col, 'all') as col, sum(amount) as spending from t group by grouping sets ((col), ())),
  clients as (
    select coalesce(col, 'all') as col, count(*) filter (where net > 0) as clients
    from (select col, client_key, sum(amount) as net from t group by grouping sets ((col, client_key), (client_key))) group by 1),
  providers as (
    select coalesce(col, 'all') as col, provider_code, sum(amount) as net from t group by grouping sets ((col, provider_code), (provider_code))),
  ranked as (
    select col, net, sum(net) over (partition by col order by net desc, provider_code rows unbounded preceding) as cumulative,
           sum(net) over (partition by col) as total, row_number() over (partition by col order by net desc, provider_code) as rank
    from providers where net > 0),
  p80 as (select col, min(rank) filter (where cumulative >= 0.8 * total) as providers_80 from ranked group by col)
  select s.col, s.spending::varchar as spending, c.clients, p.providers_80
  from spending s left join clients c using (col) left join p80 p using (col) order by s.col`;

async function main() {
  console.log(`segment-table benchmark · ${new Date().toISOString()} · ${cpus().length} cores · node ${process.version} · ${LINES.toLocaleString("en-GB")} lines · year ${BENCH_YEAR} · ${RUNS} runs`);
  const url = await scaleDatabase();
  const handle = await openDatabase({ kind: "postgres", url });
  const readAll = { read: "all" as const, write: [] as string[] };
  const largest = "GM5001";
  const scopes: [string, ReportScope][] = [
    ["region", { kind: "region" }],
    [`municipality ${largest}`, { kind: "municipality", code: largest }],
  ];
  const ours: Record<string, { median: number; p95: number; spending: string }> = {};
  for (const [label, scope] of scopes) {
    const times: number[] = [];
    let spending = "";
    for (let run = 0; run < RUNS; run++) {
      times.push(await time(async () => (spending = (await withTenantScope(handle.db, readAll, (trx) => segmentReport(trx, BENCH_YEAR, scope))).segments.all.spending)));
    }
    ours[label] = { median: percentile(times, 50), p95: percentile(times, 95), spending };
  }
  // What the page and the JSON route serve between changes: the stored result (report-cache.server.ts).
  const stored: Record<string, { median: number; p95: number; spending: string }> = {};
  for (const [label, scope] of scopes) {
    const segmentScope = { key: scope.kind === "region" ? "region" : scope.code, report: scope, name: null };
    const times: number[] = [];
    let spending = "";
    for (let run = 0; run < RUNS; run++) {
      times.push(await time(async () => (spending = (await withTenantScope(handle.db, readAll, (trx) => segmentReportFor(trx, segmentScope, BENCH_YEAR))).segments.all.spending)));
    }
    stored[label] = { median: percentile(times, 50), p95: percentile(times, 95), spending };
  }

  // The peer: DuckDB with the raw lines in memory, the same mapping.
  const { duck, loadMs } = await duckDbWithScaleLines(handle.db);
  const peer: Record<string, { median: number; spending: string }> = {};
  for (const [label, scope] of scopes) {
    const times: number[] = [];
    let rows: Record<string, unknown>[] = [];
    for (let run = 0; run < RUNS; run++) {
      times.push(await time(async () => (rows = (await duck.runAndReadAll(SEGMENT_SQL(scope.kind === "municipality" ? scope.code : null))).getRowObjectsJS() as Record<string, unknown>[])));
    }
    const all = rows.find((r) => r.col === "all");
    peer[label] = { median: percentile(times, 50), spending: new Decimal(String(all?.spending ?? "0")).toFixed(2) };
  }
  console.log(`DuckDB: raw lines loaded in memory in ${ms(loadMs)} (not counted in its scans)`);
  for (const [label] of scopes) {
    const o = ours[label]!;
    const p = peer[label]!;
    const same = new Decimal(o.spending).eq(p.spending) ? "same total" : `TOTALS DIFFER: ours ${o.spending}, DuckDB ${p.spending}`;
    console.log(
      `segment table, ${label.padEnd(22)} computed from the summaries: median ${ms(o.median)}, p95 ${ms(o.p95)} · DuckDB median ${ms(p.median)} · ratio p95/DuckDB ${(o.p95 / p.median).toFixed(2)} (target < 1) · ${same}`,
    );
    const st = stored[label]!;
    console.log(
      `segment table, ${label.padEnd(22)} as served between changes (stored result; the first request after a change computes): median ${ms(st.median)}, p95 ${ms(st.p95)} · ratio p95/DuckDB ${(st.p95 / p.median).toFixed(2)} · ${new Decimal(st.spending).eq(p.spending) ? "same total" : "TOTALS DIFFER"}`,
    );
  }

  // Mapping change: move the largest product to another segment, time until the report shows it.
  const catalog = (segment: string) =>
    new TextEncoder().encode(`product_code;name_nl;name_en;segment;municipality_code;valid_from;valid_to\r\n54001;Jeugd-ggz behandeling;Youth mental health treatment;${segment};;2015-01-01;\r\n`);
  const before = await withTenantScope(handle.db, readAll, (trx) => segmentReport(trx, BENCH_YEAR, { kind: "region" }));
  const changeMs = await time(async () => {
    const result = await withTenantScope(handle.db, ALL_TENANTS, (trx) => importCatalog(trx, { userId: null, label: "bench" }, { name: "mapping.csv", bytes: catalog("basishulp") }));
    if (!result.ok) throw new Error("mapping change refused");
    const after = await withTenantScope(handle.db, readAll, (trx) => segmentReport(trx, BENCH_YEAR, { kind: "region" }));
    if (new Decimal(after.segments.basishulp.spending).lte(before.segments.basishulp.spending)) throw new Error("the report does not reflect the mapping change");
  });
  await withTenantScope(handle.db, ALL_TENANTS, (trx) => importCatalog(trx, { userId: null, label: "bench" }, { name: "mapping.csv", bytes: catalog("aanvullende_hulp") }));
  console.log(`mapping change (product 54001 to another segment) until the region's segment table reflects it: ${ms(changeMs)} (target < 60 s): the catalogue import moves the product's lines between columns in the summary tables in the same transaction, so no report ever mixes old and new mapping`);
  console.log(`peak RSS of this process: ${Math.round(peakRss / 1048576)} MB`);
  clearInterval(sampler);
  await handle.close();
  duck.closeSync();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

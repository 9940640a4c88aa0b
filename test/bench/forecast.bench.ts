/**
 * Forecast benchmark (`npm run bench:forecast`): on the scale-profile data set (BENCH_LINES,
 * default 10M, in PostgreSQL; scale-db.ts), the region's forecast for the profile's last year as
 * of today, BENCH_QUERY_RUNS times (default 30), median and p95: computed (the report stamp is
 * moved on before every run, as after a change, so each run computes from summary_lag) and as
 * served between changes (the stored result). Peer: DuckDB computing the same "all" realised
 * figure (the year's service months up to M, declared by the end of M) from the raw lines in
 * memory; the totals are compared to the cent.
 */
import { cpus } from "node:os";
import { DuckDBInstance } from "@duckdb/node-api";
import { todayInAmsterdam } from "@jeugdregio/format";
import Decimal from "decimal.js";
import { openDatabase } from "~db/connect";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { forecastReport } from "~/modules/forecast/forecast.server";
import { bumpReportStamp } from "~/modules/reports/report-cache.server";
import { lastCompleteMonth, monthEnd } from "@jeugdregio/forecast";
import { LINES, percentile, PROFILE, scaleDatabase, scaleFile } from "./scale-db";

const RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 30);
const ms = (n: number) => `${n.toFixed(0)} ms`;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

async function time(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function main() {
  const year = PROFILE.firstYear + PROFILE.years - 1;
  const asOf = todayInAmsterdam();
  const month = lastCompleteMonth(asOf);
  console.log(`forecast benchmark · ${new Date().toISOString()} · ${cpus().length} cores · node ${process.version} · ${LINES.toLocaleString("en-GB")} lines · region, year ${year}, as of ${asOf} (M ${month}) · ${RUNS} runs`);
  const url = await scaleDatabase();
  const handle = await openDatabase({ kind: "postgres", url });
  const params = { year, scope: { kind: "region" as const }, asOf };
  const computed: number[] = [];
  let realised = "";
  let forecast = "";
  for (let run = 0; run < RUNS; run++) {
    await withTenantScope(handle.db, ALL_TENANTS, (trx) => bumpReportStamp(trx));
    computed.push(
      await time(async () => {
        const report = await withTenantScope(handle.db, ALL_TENANTS, (trx) => forecastReport(trx, params));
        realised = report.segments.all.realised;
        forecast = report.segments.all.forecast;
      }),
    );
  }
  const stored: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    stored.push(await time(() => withTenantScope(handle.db, ALL_TENANTS, (trx) => forecastReport(trx, params))));
  }

  const file = await scaleFile();
  const duck = await (await DuckDBInstance.create(":memory:")).connect();
  const loadMs = await time(() =>
    duck.run(`create table lines as select strptime(period || '-01', '%Y-%m-%d')::date as month, strptime(declared_on, '%Y-%m-%d')::date as declared_on,
                 replace(amount, ',', '.')::decimal(18, 2) as amount
              from read_csv('${file}', delim = ';', header = true, all_varchar = true)`),
  );
  const peer: number[] = [];
  let peerRealised = "";
  for (let run = 0; run < RUNS; run++) {
    peer.push(
      await time(async () => {
        const rows = (
          await duck.runAndReadAll(`select sum(amount)::varchar as realised from lines
            where month >= DATE '${year}-01-01' and month <= DATE '${month}-01' and declared_on <= DATE '${monthEnd(month)}'`)
        ).getRowObjectsJS() as { realised: string | null }[];
        peerRealised = new Decimal(rows[0]?.realised ?? "0").toFixed(2);
      }),
    );
  }
  const same = new Decimal(realised).eq(peerRealised) ? "same realised total" : `REALISED DIFFERS: ours ${realised}, DuckDB ${peerRealised}`;
  console.log(`DuckDB: raw lines loaded in memory in ${ms(loadMs)} (not counted)`);
  console.log(`forecast, region, computed from summary_lag: median ${ms(percentile(computed, 50))}, p95 ${ms(percentile(computed, 95))} (target < 2 s at 10M) · forecast ${forecast}, realised ${realised}`);
  console.log(`forecast, region, as served between changes (stored result): median ${ms(percentile(stored, 50))}, p95 ${ms(percentile(stored, 95))} (target < 50 ms)`);
  console.log(`DuckDB, the same realised figure from the raw lines: median ${ms(percentile(peer, 50))}, p95 ${ms(percentile(peer, 95))} · ${same}`);
  console.log(`peak RSS of this process: ${Math.round(peakRss / 1048576)} MB`);
  clearInterval(sampler);
  await handle.close();
  duck.closeSync();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

import { addMonths, forecastColumn, lastCompleteMonth, monthEnd, type ClientCounts } from "@jeugdregio/forecast";
import { SEGMENT_COLUMNS, type SegmentColumn } from "@jeugdregio/metrics";
import Decimal from "decimal.js";
import { sql } from "kysely";
import type { ForecastJson, ForecastSegmentJson, YearCompletenessJson } from "~/components/forecast/api";
import { cellsFromLines, cellsFromSummary, clientCounts, dataSpan, summaryClientCounts } from "~/modules/figures/forecast-inputs.server";
import { lagRows } from "~/modules/figures/data-through.server";
import { cachedReport } from "~/modules/reports/report-cache.server";
import type { ReportScope } from "~/modules/reports/segment-report.server";
import type { ScopedTransaction } from "~db/tenant-scope";

/**
 * Where the year will end (issue 14 §3, contract B): the chain-ladder forecast of
 * @jeugdregio/forecast per segment column, fed with the scope's declared net per service month and
 * declared month (summary_lag, migration 0017; for the region summary_region_lag, 0018) and its
 * client counts as of the end of the last complete month and twelve months before (summary_client
 * corrected by the lines declared or superseded after those dates: summaryClientCounts). "all" is the sum of the columns. Stored between changes (report-cache.server.ts).
 */

export type ForecastReportJson = ForecastJson;

/** Months of history the forecast reads: its own 36 months of factors plus three years of backtest. */
const HISTORY_MONTHS = 75;
const COLUMNS = SEGMENT_COLUMNS.filter((c) => c !== "all");

const money = (d: Decimal) => d.toFixed(2);
const ratio = (d: Decimal) => d.toFixed(4);

async function computeForecast(trx: ScopedTransaction, params: { year: number; scope: ReportScope; asOf: string }, source: "summary" | "lines"): Promise<ForecastReportJson> {
  const { year, scope, asOf } = params;
  const M = lastCompleteMonth(asOf);
  const through = monthEnd(M);
  const from = addMonths(M, -HISTORY_MONTHS);
  await sql`select set_config('jit', 'off', true)`.execute(trx);
  const [cells, span] = [
    source === "summary" ? await cellsFromSummary(trx, scope, from, through) : await cellsFromLines(trx, scope, from, M),
    await dataSpan(trx, scope, through, source),
  ];
  const clients = await (source === "summary" ? summaryClientCounts : clientCounts)(trx, scope, year, through, monthEnd(addMonths(M, -12)));
  const report: ForecastReportJson = {
    year,
    scope: scope.kind === "region" ? "region" : scope.code,
    as_of: asOf,
    declared_through: through,
    data_through: span.last,
    available: true,
    reason: null,
    segments: {} as Record<SegmentColumn, ForecastSegmentJson>,
    months: [],
    factors: [],
    backtest: [],
  };
  for (const column of SEGMENT_COLUMNS) {
    const result = forecastColumn({
      year,
      asOf,
      cells: cells.get(column) ?? [],
      dataStarts: span.first,
      clients: clients.get(column) ?? { realised: 0, previousNow: 0, previousThen: 0 },
    });
    if (!result.available) {
      // The history rule is the scope's (its earliest month), the same for every column.
      return {
        ...report,
        available: false,
        reason: { code: "needs_history", data_starts: result.reason.dataStarts, needed_from: result.reason.neededFrom },
        segments: {} as Record<SegmentColumn, ForecastSegmentJson>,
      };
    }
    report.segments[column] = {
      realised: money(result.realised),
      expected_late: money(result.expectedLate),
      expected_remaining: money(result.expectedRemaining),
      forecast: money(result.forecast),
      low: result.low === null ? null : money(result.low),
      high: result.high === null ? null : money(result.high),
      band_reason: result.bandReason,
      same_period_last_year: money(result.samePeriodLastYear),
      growth: ratio(result.growth),
      clients_realised: result.clientsRealised,
      clients_forecast: result.clientsForecast,
    };
    for (const m of result.months) {
      report.months.push({ month: m.month, column, kind: m.kind, realised: money(m.realised), ultimate: money(m.ultimate), completeness: m.completeness === null ? null : ratio(m.completeness) });
    }
    for (const f of result.factors) report.factors.push({ column, lag: f.lag, factor: ratio(f.factor) });
    for (const b of result.backtest) {
      report.backtest.push({ column, year: b.year, as_of: b.asOf, forecast: money(b.forecast), total: money(b.total), error: ratio(b.error) });
    }
  }
  return report;
}

/**
 * The forecast for a scope and year as of `asOf` (YYYY-MM-DD, not after today): from the summary
 * (stored between changes), or straight from the lines (`source` "lines", for the equality test).
 * Every client count is the full figure: what a viewer may see is cut after it (disclosedForecast).
 */
export async function forecastReport(
  trx: ScopedTransaction,
  params: { year: number; scope: ReportScope; asOf: string },
  source: "summary" | "lines" = "summary",
): Promise<ForecastReportJson> {
  if (source === "lines") return computeForecast(trx, params, "lines");
  const key = params.scope.kind === "region" ? "region" : params.scope.code;
  return cachedReport(trx, { scope: key, kind: `forecast:${params.asOf}`, year: params.year }, () => computeForecast(trx, params, "summary"));
}

/**
 * Years with data in the scope as of `asOf`, oldest first, each with its latest service month with
 * a line that counts then, and whether that is December (for the year choice: "2026 · t/m sep").
 */
export async function yearCompleteness(trx: ScopedTransaction, scope: ReportScope, asOf: string): Promise<YearCompletenessJson[]> {
  const rows = await sql<{ year: number; through: string }>`
    select extract(year from service_month)::int as year, to_char(max(service_month), 'YYYY-MM') as through from (
      select service_month from ${lagRows(scope)} l where declared_on <= ${asOf}::date
      group by service_month having sum(lines) - sum(superseded) > 0) m
    group by 1 order by 1`.execute(trx);
  return rows.rows.map((r) => ({ year: Number(r.year), dataThrough: r.through, complete: r.through.endsWith("-12") }));
}

/** The first day any line of the scope was declared, or null without data (an as-of date before it has nothing to report). */
export async function firstDeclaredOn(trx: ScopedTransaction, scope: ReportScope): Promise<string | null> {
  const row = await sql<{ first: string | null }>`select to_char(min(declared_on), 'YYYY-MM-DD') as first from ${lagRows(scope)} l where lines > 0`.execute(trx);
  return row.rows[0]?.first ?? null;
}

/** Why there is no forecast, in the CLI's words ("needs two years of history; data starts 2025-03"). */
export function forecastUnavailable(report: ForecastReportJson): string {
  const reason = report.reason;
  const history = reason?.data_starts
    ? `data starts ${reason.data_starts} (needed from ${reason.needed_from})`
    : `no declarations up to ${report.declared_through}`;
  return `No forecast for ${report.scope} ${report.year}: needs two years of history; ${history}.`;
}

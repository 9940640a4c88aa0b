import { addMonths, forecastColumn, lastCompleteMonth, monthEnd, type ClientCounts, type DeclaredCell, type Month } from "@jeugdregio/forecast";
import { SEGMENT_COLUMNS, type SegmentColumn } from "@jeugdregio/metrics";
import Decimal from "decimal.js";
import { sql, type RawBuilder } from "kysely";
import type { ForecastJson, ForecastSegmentJson, YearCompletenessJson } from "~/components/forecast/api";
import { countingLines } from "~/modules/figures/counting.server";
import { cachedReport } from "~/modules/reports/report-cache.server";
import { mappedColumn } from "~/modules/figures/segment-column.server";
import type { ReportScope } from "~/modules/reports/segment-report.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import { READ_SCOPE_SETTING, regionalScopeCheck } from "~db/tenancy";

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

const REGIONAL_READER = sql.raw(regionalScopeCheck(READ_SCOPE_SETTING));

/**
 * The scope's rows of summary_lag (col, service_month, declared_on, net, lines, superseded): for a
 * regional reader the region's sum, for anyone else the municipal rows row-level security shows.
 */
function lagRows(scope: ReportScope): RawBuilder<unknown> {
  if (scope.kind === "municipality") {
    return sql`(select col, service_month, declared_on, net, lines, superseded from summary_lag where municipality_code = ${scope.code})`;
  }
  return sql`(select col, service_month, declared_on, net, lines, superseded from summary_region_lag where ${REGIONAL_READER}
    union all select col, service_month, declared_on, net, lines, superseded from summary_lag where not ${REGIONAL_READER})`;
}

function inScope(scope: ReportScope): RawBuilder<unknown> {
  return scope.kind === "municipality" ? sql`and d.municipality_code = ${scope.code}` : sql``;
}

const first = (month: Month) => `${month}-01`;

/** Net per column, service month and declared month, service months from `from`, declared by `through`. */
async function cellsFromSummary(trx: ScopedTransaction, scope: ReportScope, from: Month, through: string): Promise<Map<string, DeclaredCell[]>> {
  const rows = await sql<{ col: string; service_month: string; declared_month: string; net: string }>`
    select col, to_char(service_month, 'YYYY-MM') as service_month, to_char(declared_on, 'YYYY-MM') as declared_month, sum(net)::text as net
    from ${lagRows(scope)} l
    where service_month >= ${first(from)}::date and declared_on <= ${through}::date
    group by 1, 2, 3`.execute(trx);
  return byColumn(rows.rows);
}

/**
 * The same cells straight from the lines: what counts as of the end of each declared month
 * (countingLines) minus what counted as of the end of the month before.
 */
async function cellsFromLines(trx: ScopedTransaction, scope: ReportScope, from: Month, through: Month): Promise<Map<string, DeclaredCell[]>> {
  const cells: { col: string; service_month: string; declared_month: string; net: string }[] = [];
  let before = new Map<string, Decimal>();
  for (let month = from; month <= through; month = addMonths(month, 1)) {
    const rows = await sql<{ col: string; service_month: string; net: string }>`
      select ${mappedColumn("d")} as col, to_char(d.service_month, 'YYYY-MM') as service_month, sum(d.amount)::text as net
      from declaration d
      where ${countingLines("d", monthEnd(month))} and d.service_month >= ${first(from)}::date ${inScope(scope)}
      group by 1, 2`.execute(trx);
    const now = new Map(rows.rows.map((r) => [`${r.col}|${r.service_month}`, new Decimal(r.net)]));
    for (const key of new Set([...now.keys(), ...before.keys()])) {
      const net = (now.get(key) ?? new Decimal(0)).minus(before.get(key) ?? 0);
      const [col, serviceMonth] = key.split("|") as [string, string];
      if (!net.isZero()) cells.push({ col, service_month: serviceMonth, declared_month: month, net: net.toFixed(2) });
    }
    before = now;
  }
  return byColumn(cells);
}

function byColumn(rows: readonly { col: string; service_month: string; declared_month: string; net: string }[]): Map<string, DeclaredCell[]> {
  const cells = new Map<string, DeclaredCell[]>();
  const all = new Map<string, Decimal>();
  for (const row of rows) {
    const list = cells.get(row.col) ?? [];
    list.push({ serviceMonth: row.service_month, declaredMonth: row.declared_month, net: row.net });
    cells.set(row.col, list);
    const key = `${row.service_month}|${row.declared_month}`;
    all.set(key, (all.get(key) ?? new Decimal(0)).plus(row.net));
  }
  cells.set(
    "all",
    [...all].map(([key, net]) => {
      const [serviceMonth, declaredMonth] = key.split("|") as [string, string];
      return { serviceMonth, declaredMonth, net };
    }),
  );
  for (const list of cells.values()) list.sort((a, b) => a.serviceMonth.localeCompare(b.serviceMonth) || a.declaredMonth.localeCompare(b.declaredMonth));
  return cells;
}

/** The earliest and latest service month with a line that counts as of `through`. */
async function dataSpan(trx: ScopedTransaction, scope: ReportScope, through: string, source: "summary" | "lines") {
  const row =
    source === "summary"
      ? await sql<{ first: string | null; last: string | null }>`
          select to_char(min(service_month), 'YYYY-MM') as first, to_char(max(service_month), 'YYYY-MM') as last from (
            select service_month from ${lagRows(scope)} l where declared_on <= ${through}::date
            group by service_month having sum(lines) - sum(superseded) > 0) m`.execute(trx)
      : await sql<{ first: string | null; last: string | null }>`
          select to_char(min(d.service_month), 'YYYY-MM') as first, to_char(max(d.service_month), 'YYYY-MM') as last
          from declaration d where ${countingLines("d", through)} ${inScope(scope)}`.execute(trx);
  return { first: row.rows[0]?.first ?? null, last: row.rows[0]?.last ?? null };
}

/**
 * Distinct clients with net spending > 0, per column and over all columns (a client counted once
 * in the region): year Y as of the end of M, year Y−1 as of the end of M and of M−12. One pass
 * over the lines of the two years, each figure with the one counting rule. (The lines' way, for
 * the equality test; the report reads summaryClientCounts.)
 */
async function clientCounts(trx: ScopedTransaction, scope: ReportScope, year: number, now: string, then: string): Promise<Map<string, ClientCounts>> {
  await sql`select set_config('work_mem', '256MB', true), set_config('jit', 'off', true)`.execute(trx);
  const rows = await sql<{ year: number; col: string | null; now: number; earlier: number }>`
    with lines as materialized (
      select d.municipality_code, d.service_month, d.product_code, d.client_key, d.amount,
        ${countingLines("d", now)} as counts_now, ${countingLines("d", then)} as counts_earlier
      from declaration d
      where d.service_month >= make_date(${year - 1}::int, 1, 1) and d.service_month < make_date(${year + 1}::int, 1, 1)
        and d.declared_on <= ${now}::date ${inScope(scope)}),
    -- The column once per product and month, per line only where a municipality overrides the product.
    regional as materialized (select k.product_code, k.service_month, ${mappedColumn("k", true)} as col
                 from (select distinct product_code, service_month from lines) k),
    overridden as (select distinct product_code, municipality_code from product_mapping where municipality_code is not null),
    t as (
      select extract(year from l.service_month)::int as year, l.client_key, l.amount, l.counts_now, l.counts_earlier,
        case when o.product_code is null then r.col else ${mappedColumn("l")} end as col
      from lines l
      join regional r on r.product_code = l.product_code and r.service_month = l.service_month
      left join overridden o on o.product_code = l.product_code and o.municipality_code = l.municipality_code),
    per_client as (
      select year, col, client_key, sum(amount) filter (where counts_now) as net_now, sum(amount) filter (where counts_earlier) as net_earlier
      from t group by grouping sets ((year, client_key, col), (year, client_key)))
    select year, col, count(*) filter (where net_now > 0)::int as now, count(*) filter (where net_earlier > 0)::int as earlier
    from per_client group by year, col`.execute(trx);
  return countsByColumn(year, rows.rows);
}

function countsByColumn(year: number, rows: readonly { year: number; col: string | null; now: number; earlier: number }[]): Map<string, ClientCounts> {
  const counts = new Map<string, ClientCounts>();
  const entry = (col: string) => counts.get(col) ?? { realised: 0, previousNow: 0, previousThen: 0 };
  for (const row of rows) {
    const col = row.col ?? "all";
    const c = entry(col);
    if (Number(row.year) === year) c.realised = Number(row.now);
    else {
      c.previousNow = Number(row.now);
      c.previousThen = Number(row.earlier);
    }
    counts.set(col, c);
  }
  return counts;
}

/**
 * The same counts from the client summary (summary_client: the current lines' net per year,
 * column, client and municipality) corrected by the few lines where "counts as of D" differs from
 * "current": those declared after D, or superseded after D (a current line is one not superseded,
 * and `superseded_on` is set exactly when `superseded_by` is, migration 0016). D is the end of M
 * for year Y and for Y−1's "now", the end of M−12 for Y−1's "then". A client's count changes only
 * if the client has such a line, so: the summary's counts, minus the touched clients' counts
 * from the summary, plus their counts with the corrections. Usually a handful of lines instead of
 * two years of them (issue 14 §5: the region at 10M lines).
 */
async function summaryClientCounts(trx: ScopedTransaction, scope: ReportScope, year: number, now: string, then: string): Promise<Map<string, ClientCounts>> {
  await sql`select set_config('work_mem', '256MB', true), set_config('jit', 'off', true)`.execute(trx);
  const inSummaryScope = scope.kind === "municipality" ? sql`and s.municipality_code = ${scope.code}` : sql``;
  const base = await sql<{ year: number; col: string | null; clients: number }>`
    with per_client as (
      select s.year, s.col, s.client_key, sum(s.net) as net from summary_client s
      where s.year in (${year - 1}::int, ${year}::int) ${inSummaryScope}
      group by grouping sets ((s.year, s.client_key, s.col), (s.year, s.client_key)))
    select year, col, count(*) filter (where net > 0)::int as clients from per_client group by year, col`.execute(trx);
  const touched = await sql<{ year: number; col: string | null; base: number; now: number; earlier: number }>`
    with corr as materialized (
      select extract(year from d.service_month)::int as year, d.client_key, ${mappedColumn("d")} as col,
        case when ${countingLines("d", now)} then d.amount else 0 end - case when ${countingLines("d", null)} then d.amount else 0 end as d_now,
        case when ${countingLines("d", then)} then d.amount else 0 end - case when ${countingLines("d", null)} then d.amount else 0 end as d_then
      from declaration d
      where d.service_month >= make_date(${year - 1}::int, 1, 1) and d.service_month < make_date(${year + 1}::int, 1, 1) ${inScope(scope)}
        and case when d.service_month >= make_date(${year}::int, 1, 1)
              then d.declared_on > ${now}::date or d.superseded_on > ${now}::date
              else d.declared_on > ${then}::date or d.superseded_on > ${then}::date end),
    clients as (select distinct year, client_key from corr),
    per_client as (
      select year, col, client_key, sum(base) as base, sum(base) + sum(d_now) as net_now, sum(base) + sum(d_then) as net_then from (
        select s.year, s.client_key, s.col, s.net as base, 0 as d_now, 0 as d_then
        from summary_client s join clients c on c.year = s.year and c.client_key = s.client_key
        where s.year in (${year - 1}::int, ${year}::int) ${inSummaryScope}
        union all
        select year, client_key, col, 0, d_now, d_then from corr) x
      group by grouping sets ((year, client_key, col), (year, client_key)))
    select year, col, count(*) filter (where base > 0)::int as base, count(*) filter (where net_now > 0)::int as now,
      count(*) filter (where net_then > 0)::int as earlier
    from per_client group by year, col`.execute(trx);
  const key = (r: { year: number; col: string | null }) => `${Number(r.year)}|${r.col ?? ""}`;
  const adjust = new Map(touched.rows.map((r) => [key(r), r]));
  const rows = new Map<string, { year: number; col: string | null; now: number; earlier: number }>();
  for (const r of base.rows) rows.set(key(r), { year: Number(r.year), col: r.col, now: Number(r.clients), earlier: Number(r.clients) });
  for (const r of touched.rows) if (!rows.has(key(r))) rows.set(key(r), { year: Number(r.year), col: r.col, now: 0, earlier: 0 });
  for (const [k, row] of rows) {
    const t = adjust.get(k);
    if (!t) continue;
    row.now += Number(t.now) - Number(t.base);
    row.earlier += Number(t.earlier) - Number(t.base);
  }
  return countsByColumn(year, [...rows.values()]);
}

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

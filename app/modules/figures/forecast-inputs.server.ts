import { addMonths, monthEnd, type ClientCounts, type DeclaredCell, type Month } from "@jeugdregio/forecast";
import Decimal from "decimal.js";
import { sql, type RawBuilder } from "kysely";
import type { ReportScope } from "~/modules/reports/segment-report.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import { countingLines } from "./counting.server";
import { lagRows } from "./data-through.server";
import { mappedColumn } from "./segment-column.server";

/**
 * What the forecast (app/modules/forecast) reads, in the read model (issue 15): the scope's declared
 * net per column, service month and declared month (summary_lag, or the lines for the equality
 * test), the span of its data, and its client counts as of two dates (summary_client corrected by
 * the lines declared or superseded after them: summaryClientCounts; or straight from the lines).
 */

function inScope(scope: ReportScope): RawBuilder<unknown> {
  return scope.kind === "municipality" ? sql`and d.municipality_code = ${scope.code}` : sql``;
}

const first = (month: Month) => `${month}-01`;

/** Net per column, service month and declared month, service months from `from`, declared by `through`. */
export async function cellsFromSummary(trx: ScopedTransaction, scope: ReportScope, from: Month, through: string): Promise<Map<string, DeclaredCell[]>> {
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
export async function cellsFromLines(trx: ScopedTransaction, scope: ReportScope, from: Month, through: Month): Promise<Map<string, DeclaredCell[]>> {
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
export async function dataSpan(trx: ScopedTransaction, scope: ReportScope, through: string, source: "summary" | "lines") {
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
export async function clientCounts(trx: ScopedTransaction, scope: ReportScope, year: number, now: string, then: string): Promise<Map<string, ClientCounts>> {
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
export async function summaryClientCounts(trx: ScopedTransaction, scope: ReportScope, year: number, now: string, then: string): Promise<Map<string, ClientCounts>> {
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



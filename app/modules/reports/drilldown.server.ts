import { yearInAmsterdam } from "@jeugdregio/format";
import { SEGMENT_COLUMNS, type SegmentColumn } from "@jeugdregio/metrics";
import Decimal from "decimal.js";
import { sql } from "kysely";
import { parseYear, type SegmentScope } from "~/modules/http.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import { lagRows } from "~/modules/figures/data-through.server";
import { cachedReport } from "./report-cache.server";
import { detailRows, regionProviderSummary, roomToAggregate, type FigureSource } from "~/modules/figures/aggregates.server";
import { segmentReport, yearsWithData, type ReportScope, type SegmentReport } from "./segment-report.server";

/**
 * The segment overview and its drill-downs: which scope and year a request
 * asks for (within what the user may see), the spending series for the chart,
 * and the product and provider lists behind a column. Every figure comes from
 * the read model (figures/aggregates.server.ts: the summaries, or the lines as of a past date), so
 * the lists always add up to the segment table.
 *
 * `asOf`: null for the current figures (summaries, stored results); a past date reads what
 * counted then (the lines, or summary_lag for the series) and is never stored in report_cache:
 * every distinct date would add rows per scope and year that nothing ever clears, for asks that
 * are rare and cost one query over the lines (callers pass null for today, reportAsOf).
 */

/** The column of a drill-down URL, or a 404. */
export function requireColumn(param: string | undefined): SegmentColumn {
  const column = SEGMENT_COLUMNS.find((c) => c === param);
  if (!column) throw new Response("Not Found", { status: 404 });
  return column;
}

const PRODUCT_CODE = /^[0-9]{2}[A-Z0-9]{3}$/;

/** The year to show: the one asked for, else the latest with data, else this year. */
function chooseYear(requested: number | null, years: number[]): number {
  return requested ?? years[0] ?? yearInAmsterdam();
}

export interface SpendingSeries {
  scope: string;
  /** Years with data in the scope, newest first. */
  years: number[];
  /** Spending per column per year, oldest first; money as decimal strings. */
  series: { year: number; spending: Record<SegmentColumn, string> }[];
}

/**
 * Spending per segment column for each year with data in the scope: one query over the summary
 * (as of a past date: over summary_lag's days up to it, which sum to the lines counting then).
 */
export async function spendingSeries(trx: ScopedTransaction, scope: SegmentScope, asOf: string | null = null): Promise<SpendingSeries> {
  const years = await yearsWithData(trx, scope.report, asOf);
  if (!years.length) return { scope: scope.key, years, series: [] };
  // From the segment summaries (equal to the lines, see app/modules/figures/summaries.server.ts).
  const rows = await sql<{ year: number; col: string; spending: string }>`
    select year, col, sum(net)::numeric(16, 2)::text as spending
    from ${
      asOf !== null
        ? sql`(select extract(year from service_month)::int as year, col, net from ${lagRows(scope.report)} l where declared_on <= ${asOf}::date) s`
        : scope.report.kind === "municipality"
          ? sql`summary_provider where municipality_code = ${scope.report.code}`
          : sql`${regionProviderSummary()} r`
    }
    group by year, col`.execute(trx);
  const series = [...years].sort((a, b) => a - b).map((year) => {
    const own = rows.rows.filter((r) => Number(r.year) === year);
    const spending = Object.fromEntries(SEGMENT_COLUMNS.map((col) => [col, "0.00"])) as Record<SegmentColumn, string>;
    let all = new Decimal(0);
    for (const row of own) {
      spending[row.col as SegmentColumn] = new Decimal(row.spending).toFixed(2);
      all = all.plus(row.spending);
    }
    spending.all = all.toFixed(2);
    return { year, spending };
  });
  return { scope: scope.key, years, series };
}

export interface SegmentOverview {
  report: SegmentReport;
  chart: SpendingSeries;
  /** The year the request named (valid), or null when it used the default. */
  requestedYear: number | null;
}

/** Everything the overview page shows for a scope and (optional) year. */
export async function segmentOverview(trx: ScopedTransaction, scope: SegmentScope, requestedYear: number | null, asOf: string | null = null): Promise<SegmentOverview> {
  const chart = await cachedSeries(trx, scope, asOf);
  const report = await cachedSegmentTable(trx, scope, chooseYear(requestedYear, chart.years), asOf);
  return { report, chart, requestedYear };
}

/** The segment table for a scope and (optional) year: exactly the CLI's `report segments --format json`. */
export async function segmentReportFor(trx: ScopedTransaction, scope: SegmentScope, requestedYear: number | null, asOf: string | null = null): Promise<SegmentReport> {
  const year = requestedYear ?? chooseYear(null, (await cachedSeries(trx, scope, asOf)).years);
  return cachedSegmentTable(trx, scope, year, asOf);
}

/** The spending series, reused between changes to the figures; as of a past date computed each time. */
export function cachedSeries(trx: ScopedTransaction, scope: SegmentScope, asOf: string | null = null): Promise<SpendingSeries> {
  if (asOf !== null) return spendingSeries(trx, scope, asOf);
  return cachedReport(trx, { scope: scope.key, kind: "spending_series", year: 0 }, () => spendingSeries(trx, scope));
}

/** The segment table, reused between changes to the figures (report-cache.server.ts); as of a past date computed each time. */
function cachedSegmentTable(trx: ScopedTransaction, scope: SegmentScope, year: number, asOf: string | null): Promise<SegmentReport> {
  if (asOf !== null) return segmentReport(trx, year, scope.report, "lines", asOf);
  return cachedReport(trx, { scope: scope.key, kind: "segment_table", year }, () => segmentReport(trx, year, scope.report));
}

const columnFilter = (column: SegmentColumn) => (column === "all" ? sql`true` : sql`t.col = ${column}`);

export interface ProductLine {
  productCode: string;
  nameNl: string | null;
  nameEn: string | null;
  /** False for product codes the catalogue does not know (unassigned until it does). */
  inCatalogue: boolean;
  spending: string;
  /** Clients with net spending > 0 on this product in the column. */
  clients: number;
}

export interface ProductList {
  year: number;
  scope: string;
  column: SegmentColumn;
  total: string;
  products: ProductLine[];
}

/** The products in a column for a scope and year, largest spending first. */
export async function productsInColumn(
  trx: ScopedTransaction,
  scope: SegmentScope,
  year: number,
  column: SegmentColumn,
  asOf: string | null = null,
  source: FigureSource = "summary",
): Promise<ProductList> {
  await roomToAggregate(trx);
  const rows = await sql<{ product_code: string; name_nl: string | null; name_en: string | null; spending: string; clients: number }>`
    with t as (${detailRows(year, scope.report, asOf, source)}),
    per_client as (
      select t.product_code, t.client_key, sum(t.amount) as net from t
      where ${columnFilter(column)}
      group by t.product_code, t.client_key
    )
    select c.product_code, p.name_nl, p.name_en,
      sum(c.net)::numeric(16, 2)::text as spending,
      count(*) filter (where c.net > 0)::int as clients
    from per_client c left join product p on p.code = c.product_code
    group by c.product_code, p.name_nl, p.name_en
    order by sum(c.net) desc, c.product_code`.execute(trx);
  const products = rows.rows.map((r) => ({
    productCode: r.product_code,
    nameNl: r.name_nl,
    nameEn: r.name_en,
    inCatalogue: r.name_nl !== null,
    spending: r.spending,
    clients: Number(r.clients),
  }));
  const total = products.reduce((sum, p) => sum.plus(p.spending), new Decimal(0)).toFixed(2);
  return { year, scope: scope.key, column, total, products };
}

export interface ProviderLine {
  providerCode: string;
  name: string | null;
  spending: string;
  clients: number;
}

export interface ProviderList {
  year: number;
  scope: string;
  column: SegmentColumn;
  product: { code: string; nameNl: string | null; nameEn: string | null; inCatalogue: boolean };
  total: string;
  providers: ProviderLine[];
}

/**
 * The providers of one product in a column for a scope and year, largest
 * spending first. A malformed code, or one that is neither in the catalogue nor
 * in the scope's lines, is a 404.
 */
export async function providersForProduct(
  trx: ScopedTransaction,
  scope: SegmentScope,
  year: number,
  column: SegmentColumn,
  productCode: string,
  asOf: string | null = null,
  source: FigureSource = "summary",
): Promise<ProviderList> {
  if (!PRODUCT_CODE.test(productCode)) throw new Response("Not Found", { status: 404 });
  await roomToAggregate(trx);
  const [product, rows] = await Promise.all([
    trx.selectFrom("product").select(["code", "name_nl", "name_en"]).where("code", "=", productCode).executeTakeFirst(),
    sql<{ provider_code: string; name: string | null; spending: string; clients: number }>`
      with t as (${detailRows(year, scope.report, asOf, source)}),
      per_client as (
        select t.provider_code, t.client_key, sum(t.amount) as net from t
        where ${columnFilter(column)} and t.product_code = ${productCode}
        group by t.provider_code, t.client_key
      )
      select c.provider_code, pv.name,
        sum(c.net)::numeric(16, 2)::text as spending,
        count(*) filter (where c.net > 0)::int as clients
      from per_client c left join provider pv on pv.code = c.provider_code
      group by c.provider_code, pv.name
      order by sum(c.net) desc, c.provider_code`.execute(trx),
  ]);
  if (!product && !rows.rows.length) throw new Response("Not Found", { status: 404 });
  const providers = rows.rows.map((r) => ({ providerCode: r.provider_code, name: r.name, spending: r.spending, clients: Number(r.clients) }));
  return {
    year,
    scope: scope.key,
    column,
    product: { code: productCode, nameNl: product?.name_nl ?? null, nameEn: product?.name_en ?? null, inCatalogue: Boolean(product) },
    total: providers.reduce((sum, p) => sum.plus(p.spending), new Decimal(0)).toFixed(2),
    providers,
  };
}

/** The year of a drill-down: the one asked for (a bad value falls back), else the latest of the scope's years with data. */
export function drilldownYear(param: string | null, years: readonly number[]): number {
  const requested = parseYear(param);
  return chooseYear(typeof requested === "number" ? requested : null, [...years]);
}


import { sql } from "kysely";
import type { ReportScope } from "~/modules/reports/segment-report.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import { READ_SCOPE_SETTING, regionalScopeCheck } from "~db/tenancy";
import { taggedLines } from "./lines.server";

/**
 * The read model's aggregations for the comparison and the concentration trend (issue 15 §1):
 * net per provider and clients with net > 0, per municipality and column, read from the summary
 * tables (summary_provider, summary_client; kept equal to the lines by summaries.server.ts), or
 * (`source` "lines", and always as of a past date: the summaries hold the current lines only)
 * straight from the lines. summary-equality compares the two for every report built on them.
 * Row-level security limits both sources alike: a municipal reader sees its own rows.
 */
export type FigureSource = "summary" | "lines";

/** Null in a grouping column: summed over it (the municipality: the region; the column: "all"). */
export interface ProviderNetRow {
  municipality_code: string | null;
  col: string | null;
  provider_code: string;
  net: string;
}

export interface ClientCountRow {
  municipality_code: string | null;
  col: string | null;
  clients: number;
}

const REGIONAL_READER = sql.raw(regionalScopeCheck(READ_SCOPE_SETTING));

/**
 * The region's net per year, column and provider (year, col, provider_code, net): the regional
 * summary for regional readers; for any other scope the municipal rows that row-level security
 * lets it see, so asking for the region never shows more than one's own (a one-time filter
 * picks the branch).
 */
export function regionProviderSummary() {
  return sql`(select year, col, provider_code, net from summary_region_provider where ${REGIONAL_READER}
    union all select year, col, provider_code, net from summary_provider where not ${REGIONAL_READER})`;
}

const source = (requested: FigureSource, asOf: string | null): FigureSource => (asOf === null ? requested : "lines");

/**
 * Net per provider for every municipality and the region, per column and over all columns
 * (grouping sets (municipality, col), (municipality), (col), ()), for a year.
 */
export async function providerNetsByMunicipality(trx: ScopedTransaction, year: number, asOf: string | null, requested: FigureSource = "summary"): Promise<ProviderNetRow[]> {
  const rows =
    source(requested, asOf) === "summary"
      ? sql`select municipality_code, col, provider_code, net as amount from summary_provider where year = ${year}`
      : taggedLines(year, { kind: "region" }, asOf);
  const result = await sql<ProviderNetRow>`
    with t as (${rows})
    select municipality_code, col, provider_code, sum(amount)::text as net from t
    group by grouping sets ((municipality_code, col, provider_code), (municipality_code, provider_code), (col, provider_code), (provider_code))`.execute(trx);
  return result.rows;
}

/**
 * Clients with net > 0 for every municipality and the region, per column and over all columns.
 * From the client summary (one row per municipality, year, column and client): the
 * municipality-column counts are its rows with net > 0; the others sum a client's rows first.
 */
export async function clientCountsByMunicipality(trx: ScopedTransaction, year: number, asOf: string | null, requested: FigureSource = "summary"): Promise<ClientCountRow[]> {
  await sql`select set_config('work_mem', '128MB', true), set_config('jit', 'off', true)`.execute(trx);
  const rows =
    source(requested, asOf) === "summary"
      ? sql`select municipality_code, col, client_key, net as amount from summary_client where year = ${year}`
      : taggedLines(year, { kind: "region" }, asOf);
  const result = await sql<ClientCountRow>`
    with t as (${rows}),
    per_client as (
      select municipality_code, col, client_key, sum(amount) as net from t
      group by grouping sets ((municipality_code, col, client_key), (municipality_code, client_key), (col, client_key), (client_key)))
    select municipality_code, col, count(*) filter (where net > 0)::int as clients from per_client group by municipality_code, col`.execute(trx);
  return result.rows.map((r) => ({ ...r, clients: Number(r.clients) }));
}

/** Net per provider of a scope and year, per column and over all columns (col null). */
export async function providerNetsByColumn(trx: ScopedTransaction, year: number, scope: ReportScope, asOf: string | null, requested: FigureSource = "summary"): Promise<Omit<ProviderNetRow, "municipality_code">[]> {
  const rows =
    source(requested, asOf) === "lines"
      ? taggedLines(year, scope, asOf)
      : scope.kind === "municipality"
        ? sql`select col, provider_code, net as amount from summary_provider where year = ${year} and municipality_code = ${scope.code}`
        : sql`select col, provider_code, net as amount from ${regionProviderSummary()} r where year = ${year}`;
  const result = await sql<Omit<ProviderNetRow, "municipality_code">>`
    with t as (${rows})
    select col, provider_code, sum(amount)::text as net from t group by grouping sets ((col, provider_code), (provider_code))`.execute(trx);
  return result.rows;
}

/**
 * The rows the concentration page, the referrers and the segment drill-downs sum (columns
 * municipality_code, col, product_code, provider_code, client_key, referrer, amount) for a scope
 * and year: the detail summary (0021: the current lines summed over their months), or the lines
 * themselves (`source` "lines", or as of a past date). Any `sum(amount)` grouped by a subset of
 * these columns is the same from both.
 */
export function detailRows(year: number, scope: ReportScope, asOf: string | null, requested: FigureSource = "summary") {
  if (source(requested, asOf) === "lines") return taggedLines(year, scope, asOf);
  return sql`
    select municipality_code, col, product_code, provider_code, client_key, nullif(referrer, '') as referrer, net as amount
    from summary_detail where year = ${year} ${scope.kind === "municipality" ? sql`and municipality_code = ${scope.code}` : sql``}`;
}

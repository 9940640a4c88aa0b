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

/** Room to hash and sort in memory, and no JIT compile (it costs more than it saves on these scans). */
export async function roomToAggregate(trx: ScopedTransaction): Promise<void> {
  await sql`select set_config('work_mem', '128MB', true), set_config('jit', 'off', true)`.execute(trx);
}

const source = (requested: FigureSource, asOf: string | null): FigureSource => (asOf === null ? requested : "lines");

/**
 * Net per provider for every municipality and the region, per column and over all columns
 * (grouping sets (municipality, col), (municipality), (col), ()), for a year. (Unordered: sorting
 * 765k rows at national scale cost the database 2 s; the caller orders each list.)
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

/** Clients with net > 0 for every municipality and the region, per column and over all columns. */
export async function clientCountsByMunicipality(trx: ScopedTransaction, year: number, asOf: string | null, requested: FigureSource = "summary"): Promise<ClientCountRow[]> {
  await roomToAggregate(trx);
  if (source(requested, asOf) === "lines") {
    const result = await sql<ClientCountRow>`
      with t as (${taggedLines(year, { kind: "region" }, asOf)}),
      per_client as (
        select municipality_code, col, client_key, sum(amount) as net from t
        group by grouping sets ((municipality_code, col, client_key), (municipality_code, client_key), (col, client_key), (client_key)))
      select municipality_code, col, count(*) filter (where net > 0)::int as clients from per_client group by municipality_code, col`.execute(trx);
    return result.rows.map((r) => ({ ...r, clients: Number(r.clients) }));
  }
  // Three plain queries instead of four grouping sets over the same rows (2.5 s at national scale,
  // against 0.6 s for the three): a municipality-column is the summary's rows as they are; a
  // municipality sums a client's columns; the region sums a client's municipalities.
  const [cells, municipalities, region] = [
    await sql<ClientCountRow>`
      select municipality_code, col, count(*) filter (where net > 0)::int as clients from summary_client where year = ${year} group by 1, 2`.execute(trx),
    await sql<ClientCountRow>`
      select municipality_code, null as col, count(*) filter (where net > 0)::int as clients
      from (select municipality_code, client_key, sum(net) as net from summary_client where year = ${year} group by 1, 2) c group by 1`.execute(trx),
    await sql<ClientCountRow>`
      select null as municipality_code, col, count(*) filter (where net > 0)::int as clients
      from (select col, client_key, sum(net) as net from summary_client where year = ${year} group by grouping sets ((client_key, col), (client_key))) c group by 2`.execute(trx),
  ];
  return [...cells.rows, ...municipalities.rows, ...region.rows].map((r) => ({ ...r, clients: Number(r.clients) }));
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

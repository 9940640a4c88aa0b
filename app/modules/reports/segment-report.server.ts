import { figuresToJson, segmentFigures, SEGMENT_COLUMNS, type SegmentColumn, type SegmentFiguresJson } from "@jeugdregio/metrics";
import Decimal from "decimal.js";
import { sql } from "kysely";
import { taggedLines } from "~/modules/figures/lines.server";
import { countingMonths } from "~/modules/figures/data-through.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import { regionProviderSummary } from "~/modules/figures/aggregates.server";

/**
 * The segment table of DOMAIN.md for a scope and a year, computed in one place
 * for every screen, export and CLI report. Each line is assigned by the mapping
 * row valid on the first day of its service month (a municipality's override
 * beats the regional default; no row or an empty segment → unassigned), at the
 * moment of the query, so a changed mapping changes every report at once.
 */

export interface SegmentReport {
  year: number;
  scope: "region" | string;
  segments: Record<SegmentColumn, SegmentFiguresJson>;
}

export type ReportScope = { kind: "region" } | { kind: "municipality"; code: string };

export async function segmentReport(
  trx: ScopedTransaction,
  year: number,
  scope: ReportScope,
  requestedSource: "summary" | "lines" = "summary",
  asOf: string | null = null,
): Promise<SegmentReport> {
  // From the summary tables (kept equal to the lines, see app/modules/figures/summaries.server.ts), or
  // straight from the lines: the test compares the two. As of a date: the lines (the summaries
  // hold the current lines only).
  const source = asOf === null ? requestedSource : "lines";
  const inScope = scope.kind === "municipality" ? sql`and municipality_code = ${scope.code}` : sql``;
  // The region's providers come summed over the municipalities already (summary_region_provider).
  const providerSource =
    source === "lines"
      ? taggedLines(year, scope, asOf)
      : scope.kind === "region"
        ? sql`select col, provider_code, net as amount from ${regionProviderSummary()} r where year = ${year}`
        : sql`select col, provider_code, net as amount from summary_provider where year = ${year} ${inScope}`;
  const clientSource =
    source === "summary" ? sql`select col, client_key, net as amount from summary_client where year = ${year} ${inScope}` : taggedLines(year, scope, asOf);
  // Room to aggregate in memory, and no JIT compile (it costs more than it saves on these scans).
  await sql`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`.execute(trx);
  // Providers per column; "all" is their sum over the columns (every line has exactly one column),
  // added up below. Clients: grouping sets (client, column) and (client), which the client
  // summary's key (year, client_key, col, …) delivers in order, so no sort or hash of every row.
  const providers = await sql<{ col: string; provider_code: string; net: string }>`
      with t as (${providerSource})
      select col, provider_code, sum(amount)::text as net from t group by col, provider_code
      order by col, sum(amount) desc`.execute(trx);
  const clients = await sql<{ col: string | null; clients: number }>`
      with t as (${clientSource}),
      per_client as (select col, client_key, sum(amount) as net from t group by grouping sets ((client_key, col), (client_key)))
      select col, count(*) filter (where net > 0)::int as clients from per_client group by col`.execute(trx);
  const key = (col: string | null): SegmentColumn => (col ?? "all") as SegmentColumn;
  // Largest first from the query, so the coverage count sorts in linear time; parsed once.
  const providerNets = new Map<SegmentColumn, { providerCode: string; spending: Decimal }[]>();
  const allNets = new Map<string, Decimal>();
  for (const row of providers.rows) {
    const net = new Decimal(row.net);
    const list = providerNets.get(key(row.col)) ?? [];
    list.push({ providerCode: row.provider_code, spending: net });
    providerNets.set(key(row.col), list);
    allNets.set(row.provider_code, (allNets.get(row.provider_code) ?? new Decimal(0)).plus(net));
  }
  providerNets.set("all", [...allNets].map(([providerCode, net]) => ({ providerCode, spending: net })));
  const spending = new Map<SegmentColumn, Decimal>();
  for (const [col, list] of providerNets) spending.set(col, list.reduce((sum, p) => sum.plus(p.spending), new Decimal(0)));
  const clientCounts = new Map(clients.rows.map((r) => [key(r.col), Number(r.clients)]));
  const segments = Object.fromEntries(
    SEGMENT_COLUMNS.map((col) => [
      col,
      figuresToJson(segmentFigures({ clients: clientCounts.get(col) ?? 0, spending: spending.get(col) ?? "0", providers: providerNets.get(col) ?? [] })),
    ]),
  ) as Record<SegmentColumn, SegmentFiguresJson>;
  return { year, scope: scope.kind === "region" ? "region" : scope.code, segments };
}

/** Years with declaration lines in the scope (as of `asOf`: lines counting then), newest first. */
export async function yearsWithData(trx: ScopedTransaction, scope: ReportScope, asOf: string | null = null): Promise<number[]> {
  if (asOf !== null) {
    const months = await sql<{ year: number }>`
      select distinct extract(year from service_month)::int as year from ${countingMonths(scope, asOf)} m order by 1 desc`.execute(trx);
    return months.rows.map((r) => Number(r.year));
  }
  // The summary has a row for every municipality-year with current lines.
  const rows = await sql<{ year: number }>`
    select distinct year from ${scope.kind === "municipality" ? sql`summary_provider where municipality_code = ${scope.code}` : sql`${regionProviderSummary()} r`}
    order by 1 desc`.execute(trx);
  return rows.rows.map((r) => Number(r.year));
}


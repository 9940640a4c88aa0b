import {
  concentration,
  coverageSet,
  perInhabitants,
  segmentFigures,
  sharedProviders,
  money,
  SEGMENT_COLUMNS,
  type SegmentColumn,
} from "@jeugdregio/metrics";
import Decimal from "decimal.js";
import { sql } from "kysely";
import type { ScopedTransaction } from "~db/tenant-scope";
import { clientCountsByMunicipality, detailRows, roomToAggregate, providerNetsByColumn, providerNetsByMunicipality, type FigureSource } from "~/modules/figures/aggregates.server";
import type { ReportScope } from "./segment-report.server";

/**
 * Providers covering 80% of spending, per scope, segment and year; the comparison of
 * municipalities; the providers their 80% sets share. One computation for pages, exports
 * and the CLI (`report concentration`, `report compare`).
 */

export interface ConcentrationRowJson {
  rank: number;
  provider_code: string;
  provider_name: string;
  spending: string;
  /** Shares as fractions with 6 decimals (0.123456 = 12.3456%). */
  share: string;
  cumulative_share: string;
  clients: number;
  in_80: boolean;
}

export interface ConcentrationReport {
  year: number;
  scope: "region" | string;
  segment: SegmentColumn;
  spending: string;
  providers: number;
  providers_80: number;
  top10_share: string;
  /** Herfindahl–Hirschman index on shares in percent (0–10,000), 2 decimals. */
  hhi: string;
  rows: ConcentrationRowJson[];
}

const share = (value: Decimal) => value.toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed(6);

export async function concentrationReport(
  trx: ScopedTransaction,
  year: number,
  scope: ReportScope,
  segment: SegmentColumn,
  asOf: string | null = null,
  source: FigureSource = "summary",
): Promise<ConcentrationReport> {
  await roomToAggregate(trx);
  const rows = await sql<{ provider_code: string; provider_name: string; net: string; clients: number }>`
    with t as (${detailRows(year, scope, asOf, source)}),
    per_client as (
      select provider_code, client_key, sum(amount) as net from t
      where ${segment === "all" ? sql`true` : sql`col = ${segment}`}
      group by provider_code, client_key)
    select c.provider_code, coalesce(p.name, c.provider_code) as provider_name, sum(c.net)::text as net,
           count(*) filter (where c.net > 0)::int as clients
    from per_client c left join provider p on p.code = c.provider_code
    group by c.provider_code, p.name`.execute(trx);
  const names = new Map(rows.rows.map((r) => [r.provider_code, r.provider_name]));
  const result = concentration(rows.rows.map((r) => ({ providerCode: r.provider_code, spending: r.net, clients: Number(r.clients) })));
  return {
    year,
    scope: scope.kind === "region" ? "region" : scope.code,
    segment,
    spending: money(result.spending),
    providers: result.providers,
    providers_80: result.providers80,
    top10_share: share(result.top10Share),
    hhi: result.hhi.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
    rows: result.rows.map((r) => ({
      rank: r.rank,
      provider_code: r.providerCode,
      provider_name: names.get(r.providerCode) ?? r.providerCode,
      spending: money(r.spending),
      share: share(r.share),
      cumulative_share: share(r.cumulativeShare),
      clients: r.clients,
      in_80: r.inCoverageSet,
    })),
  };
}

export interface ConcentrationTrendPoint {
  year: number;
  segment: SegmentColumn;
  providers_80: number;
  hhi: string;
}

/** Providers covering 80% and HHI per segment, for every year with data in the scope. */
export async function concentrationTrend(
  trx: ScopedTransaction,
  scope: ReportScope,
  years: readonly number[],
  asOf: string | null = null,
  source: FigureSource = "summary",
): Promise<ConcentrationTrendPoint[]> {
  const points: ConcentrationTrendPoint[] = [];
  for (const year of [...years].sort()) {
    const nets = await providerNetsByColumn(trx, year, scope, asOf, source);
    for (const col of SEGMENT_COLUMNS) {
      const providers = nets.filter((r) => (r.col ?? "all") === col).map((r) => ({ providerCode: r.provider_code, spending: r.net, clients: 0 }));
      const result = concentration(providers);
      points.push({ year, segment: col, providers_80: result.providers80, hhi: result.hhi.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2) });
    }
  }
  return points;
}

export interface CompareCell {
  clients: number;
  spending: string;
  avg_per_client: string | null;
  providers_80: number;
  /** Spending per inhabitant aged 0–17; null without a population figure. */
  spending_per_inhabitant: string | null;
  /** Clients per 1,000 inhabitants aged 0–17; null without a population figure. */
  clients_per_1000: string | null;
}

export interface CompareRow {
  scope: "region" | string;
  name: string;
  inhabitants_0_17: number | null;
  segments: Record<SegmentColumn, CompareCell>;
}

export interface CompareReport {
  year: number;
  rows: CompareRow[];
  /** Per segment column: municipality → codes of the providers in its 80% set. */
  coverageSets: Record<SegmentColumn, Record<string, string[]>>;
}

/**
 * Every municipality in the transaction's read scope, and the region (the last row), per
 * segment column, for a year: from two grouped queries. Inhabitants: 1 January of the year.
 */
/** "-12.30" → -1230n: a net as the database writes it (two decimals), for ordering only. */
function exactCents(net: string): bigint {
  const parts = /^(-?\d+)\.(\d{2})$/.exec(net);
  if (!parts) throw new Error(`not a net with two decimals: ${net}`);
  return BigInt(parts[1]! + parts[2]!);
}

export async function compareReport(trx: ScopedTransaction, year: number, asOf: string | null = null, source: FigureSource = "summary"): Promise<CompareReport> {
  const [nets, clients, municipalities, population] = await Promise.all([
    providerNetsByMunicipality(trx, year, asOf, source),
    clientCountsByMunicipality(trx, year, asOf, source),
    trx.selectFrom("municipality").select(["code", "name"]).orderBy("name").execute(),
    trx.selectFrom("population").select(["municipality_code", "inhabitants_0_17"]).where("year", "=", year).execute(),
  ]);
  const key = (municipality: string | null, col: string | null) => `${municipality ?? "region"}|${col ?? "all"}`;
  // Parsed once and ordered largest first here (by exact integer cents: the nets have two
  // decimals), so the 80% rules below, which sort by Decimal, do so in linear time.
  const lists = new Map<string, { providerCode: string; cents: bigint; net: string }[]>();
  for (const row of nets) {
    const k = key(row.municipality_code, row.col);
    let list = lists.get(k);
    if (!list) lists.set(k, (list = []));
    list.push({ providerCode: row.provider_code, cents: exactCents(row.net), net: row.net });
  }
  const providerNets = new Map<string, { providerCode: string; spending: Decimal }[]>();
  for (const [k, list] of lists) {
    list.sort((a, b) => (a.cents === b.cents ? 0 : a.cents > b.cents ? -1 : 1));
    providerNets.set(k, list.map((p) => ({ providerCode: p.providerCode, spending: new Decimal(p.net) })));
  }
  const clientCounts = new Map(clients.map((r) => [key(r.municipality_code, r.col), Number(r.clients)]));
  const inhabitants = new Map(population.map((p) => [p.municipality_code, Number(p.inhabitants_0_17)]));
  // The region's population only when every municipality in it has one.
  const withLines = new Set(nets.map((r) => r.municipality_code));
  const seen = municipalities.filter((m) => withLines.has(m.code) || inhabitants.has(m.code));
  const regionInhabitants = municipalities.every((m) => inhabitants.has(m.code))
    ? municipalities.reduce((sum, m) => sum + inhabitants.get(m.code)!, 0)
    : null;

  const coverageSets = Object.fromEntries(SEGMENT_COLUMNS.map((col) => [col, {} as Record<string, string[]>])) as CompareReport["coverageSets"];
  const cell = (scope: string | null, col: SegmentColumn, population: number | null): CompareCell => {
    const providers = providerNets.get(key(scope, col === "all" ? null : col)) ?? [];
    const spending = providers.reduce((sum, p) => sum.plus(p.spending), new Decimal(0));
    const count = clientCounts.get(key(scope, col === "all" ? null : col)) ?? 0;
    const figures = segmentFigures({ clients: count, spending, providers });
    if (scope) coverageSets[col][scope] = coverageSet(providers, spending);
    const perCapita = perInhabitants(spending, population);
    const perThousand = perInhabitants(count, population, 1000);
    return {
      clients: count,
      spending: money(spending),
      avg_per_client: figures.avgPerClient ? money(figures.avgPerClient) : null,
      providers_80: figures.providers80,
      spending_per_inhabitant: perCapita ? money(perCapita) : null,
      clients_per_1000: perThousand ? perThousand.toDecimalPlaces(1, Decimal.ROUND_HALF_UP).toFixed(1) : null,
    };
  };
  const row = (scope: string | null, name: string, population: number | null): CompareRow => ({
    scope: scope ?? "region",
    name,
    inhabitants_0_17: population,
    segments: Object.fromEntries(SEGMENT_COLUMNS.map((col) => [col, cell(scope, col, population)])) as Record<SegmentColumn, CompareCell>,
  });
  return {
    year,
    rows: [...seen.map((m) => row(m.code, m.name, inhabitants.get(m.code) ?? null)), row(null, "region", regionInhabitants)],
    coverageSets,
  };
}

/** Providers in the 80% set of at least `min` municipalities for a segment column, with names. */
export async function sharedProvidersReport(trx: ScopedTransaction, report: CompareReport, segment: SegmentColumn, min: number) {
  const sets = new Map(Object.entries(report.coverageSets[segment]).map(([m, codes]) => [m, new Set(codes)]));
  const shared = sharedProviders(sets, min);
  const codes = shared.map((s) => s.providerCode);
  const names = new Map(
    codes.length ? (await trx.selectFrom("provider").select(["code", "name"]).where("code", "in", codes).execute()).map((p) => [p.code, p.name]) : [],
  );
  return shared.map((s) => ({ provider_code: s.providerCode, provider_name: names.get(s.providerCode) ?? s.providerCode, municipalities: s.municipalities }));
}

export interface ReferrerRow {
  /** A referrer key, or null for lines without a referrer. */
  referrer: string | null;
  segment: SegmentColumn;
  spending: string;
  clients: number;
}

/** Spending and clients (net > 0) per referrer type and segment column, for a scope and year. */
export async function referrerReport(trx: ScopedTransaction, year: number, scope: ReportScope, asOf: string | null = null, source: FigureSource = "summary"): Promise<ReferrerRow[]> {
  await roomToAggregate(trx);
  const result = await sql<{ referrer: string | null; col: string | null; spending: string; clients: number }>`
    with t as (${detailRows(year, scope, asOf, source)}),
    per_client as (
      select referrer, col, client_key, sum(amount) as net from t
      group by grouping sets ((referrer, col, client_key), (referrer, client_key)))
    select referrer, col, sum(net)::text as spending, count(*) filter (where net > 0)::int as clients
    from per_client group by referrer, col`.execute(trx);
  return result.rows
    .map((r) => ({ referrer: r.referrer, segment: (r.col ?? "all") as SegmentColumn, spending: money(new Decimal(r.spending)), clients: Number(r.clients) }))
    .sort((a, b) => (a.referrer ?? "~").localeCompare(b.referrer ?? "~") || SEGMENT_COLUMNS.indexOf(a.segment) - SEGMENT_COLUMNS.indexOf(b.segment));
}

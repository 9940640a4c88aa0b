import { disclosureFor } from "@jeugdregio/access";
import { overlap, protectCounts, protectRows, SEGMENT_COLUMNS, type SegmentColumn, type VisibleCount } from "@jeugdregio/metrics";
import type { RequestAccess } from "~/modules/access/access.server";
import { withTenantScope, type ScopedTransaction } from "~db/tenant-scope";
import type { ServerContext } from "~/server/context.server";
import {
  compareReport,
  concentrationReport,
  concentrationTrend,
  referrerReport,
  sharedProvidersReport,
  type CompareCell,
  type ConcentrationReport,
} from "./concentration.server";
import { parseYear, resolveSegmentScope } from "~/modules/http.server";
import { timeLimited } from "~/server/request-limits.server";
import { singleFlight } from "./single-flight.server";
import { yearsWithData } from "./segment-report.server";
import { dataThrough } from "~/modules/figures/data-through.server";
import { requestAsOf, type RequestAsOf } from "./as-of-view.server";

/** The as-of part of a view: the date asked for (null: today), the date shown, and how far the figures reach then. */
export interface AsOfView {
  requestedAsOf: string | null;
  asOf: string;
  /** The latest service month with a line declared by `asOf` ('YYYY-MM'), or null. */
  dataThrough: string | null;
}

const asOfView = (asOf: RequestAsOf, through: string | null): AsOfView => ({ requestedAsOf: asOf.requested, asOf: asOf.asOf, dataThrough: through });

/**
 * Provider concentration and the comparison, under the one disclosure rule of
 * `disclosureFor` (@jeugdregio/access) for the pages and their exports. `Viewer` only tells
 * the pages which hints to show.
 */
export type Viewer = "analyst" | "steering" | "municipal";

export function viewerOf(access: RequestAccess): Viewer {
  if (access.user.role === "rigg_analyst") return "analyst";
  return access.scope.read === "all" ? "steering" : "municipal";
}

export function parseSegment(param: string | null): SegmentColumn {
  return SEGMENT_COLUMNS.find((c) => c === param) ?? "all";
}

export type { VisibleCount };

export interface ConcentrationView extends AsOfView {
  viewer: Viewer;
  scope: string;
  scopeName: string | null;
  segment: SegmentColumn;
  year: number | null;
  years: number[];
  summary: Omit<ConcentrationReport, "rows"> | null;
  /** The provider list, or null where this viewer may not see it. */
  rows: (Omit<ConcentrationReport["rows"][number], "clients"> & { clients: VisibleCount })[] | null;
  /** Providers covering 80% and HHI per year and segment column. */
  trend: Awaited<ReturnType<typeof concentrationTrend>>;
  referrers: { referrer: string | null; segment: SegmentColumn; spending: string; clients: VisibleCount }[];
}

export async function concentrationView(access: RequestAccess, context: Pick<ServerContext, "db" | "logger">, url: URL): Promise<ConcentrationView> {
  const viewer = viewerOf(access);
  const scope = resolveSegmentScope(access, url.searchParams.get("scope"));
  const segment = parseSegment(url.searchParams.get("segment"));
  const requested = parseYear(url.searchParams.get("year"));
  const asOf = requestAsOf(url);
  return access.run(async (trx) => {
    // One flight from the first query on: requests that arrive together share the years and the
    // report, even while the first of them waits for the database.
    const { years, year, through, report } = await singleFlight(
      trx,
      { db: context.db, report: "concentration", readScope: access.scope.read, params: { scope: scope.key, year: typeof requested === "number" ? requested : null, segment, asOf: asOf.read } },
      async () => {
        const years = await yearsWithData(trx, scope.report, asOf.read);
        const year = typeof requested === "number" && years.includes(requested) ? requested : (years[0] ?? null);
        const through = await dataThrough(trx, scope.report, asOf.asOf);
        return { years, year, through, report: year === null ? null : await concentrationReport(trx, year, scope.report, segment, asOf.read) };
      },
      context.logger,
    );
    const base = { viewer, scope: scope.key, scopeName: scope.name, segment, year, years, ...asOfView(asOf, through) };
    if (year === null || report === null) return { ...base, summary: null, rows: null, trend: [], referrers: [] };
    const trend = await concentrationTrend(trx, scope.report, years, asOf.read);
    const referrerRows = await referrerReport(trx, year, scope.report, asOf.read);
    const { rows, ...summary } = report;
    const disclosure = disclosureFor(access.user, scope.report);
    return {
      ...base,
      summary,
      rows: disclosure.providerList ? protectRows(rows, disclosure) : null,
      trend,
      referrers: SEGMENT_COLUMNS.flatMap((col) => protectRows(referrerRows.filter((r) => r.segment === col), disclosure)),
    };
  });
}

export type VisibleCompareCell = Omit<CompareCell, "clients"> & { clients: VisibleCount };

export interface CompareView extends AsOfView {
  viewer: Viewer;
  year: number | null;
  years: number[];
  rows: { scope: string; name: string; own: boolean; inhabitants_0_17: number | null; segments: Record<SegmentColumn, VisibleCompareCell> }[];
  /** Providers in the 80% sets of several municipalities; null where this viewer may not see them. */
  shared: {
    segment: SegmentColumn;
    min: number;
    providers: Awaited<ReturnType<typeof sharedProvidersReport>>;
    municipalities: string[];
    /** The overlap of two municipalities' 80% sets, when two are chosen. */
    pair: { first: string; second: string; shared: string[]; onlyFirst: string[]; onlySecond: string[] } | null;
  } | null;
}

/**
 * The comparison across municipalities. Municipal users see other municipalities'
 * aggregate indicators (as public statistics would): this is the one place that reads
 * beyond the user's own municipality on their behalf, with a read-only regional scope,
 * and only aggregates leave it.
 */
export async function compareView(access: RequestAccess, context: Pick<ServerContext, "db" | "config" | "logger">, url: URL): Promise<CompareView> {
  const viewer = viewerOf(access);
  const requested = parseYear(url.searchParams.get("year"));
  const segment = parseSegment(url.searchParams.get("segment"));
  const min = Math.max(1, Math.min(10, Number(url.searchParams.get("min")) || 2));
  const own = new Set(access.municipalities.map((m) => m.code));
  const asOf = requestAsOf(url);
  // Its own transaction (the regional read scope), so limited in time like every read request.
  const start = <T>(work: (trx: ScopedTransaction) => Promise<T>) => withTenantScope(context.db, { read: "all", write: [] }, work);
  return timeLimited(context.config, start, async (trx) => {
    // The same for every viewer (read with the regional scope); cut per viewer below. One flight
    // from the first query on, so requests that arrive together share it even while it waits.
    const { years, year, through, report } = await singleFlight(
      trx,
      { db: context.db, report: "compare", readScope: "all", params: { year: typeof requested === "number" ? requested : null, asOf: asOf.read } },
      async () => {
        const years = await yearsWithData(trx, { kind: "region" }, asOf.read);
        const year = typeof requested === "number" && years.includes(requested) ? requested : (years[0] ?? null);
        // How far the region's figures reach (an aggregate, like every figure here).
        const through = await dataThrough(trx, { kind: "region" }, asOf.asOf);
        return { years, year, through, report: year === null ? null : await compareReport(trx, year, asOf.read) };
      },
      context.logger,
    );
    const dated = asOfView(asOf, through);
    if (year === null || report === null) return { viewer, year, years, rows: [], shared: null, ...dated };
    const municipalRows = report.rows.filter((r) => r.scope !== "region");
    // Per column: which rows' counts to hide from this viewer (the disclosure rule per row's scope;
    // the region's row on its own, as it is no part of the municipalities' column).
    const hidden = new Map<SegmentColumn, Set<string>>();
    const protectedRow = (scope: string) =>
      disclosureFor(access.user, scope === "region" ? { kind: "region" } : { kind: "municipality", code: scope }).hideSmallCounts;
    for (const col of SEGMENT_COLUMNS) {
      const set = new Set<string>();
      for (const group of [municipalRows, report.rows.filter((r) => r.scope === "region")]) {
        const others = group.filter((r) => protectedRow(r.scope));
        const counts = protectCounts(
          others.map((r) => r.segments[col].clients),
          { hideSmallCounts: true },
        );
        others.forEach((r, i) => counts[i] === null && set.add(r.scope));
      }
      hidden.set(col, set);
    }
    const rows = report.rows.map((r) => ({
      scope: r.scope,
      name: r.name,
      own: own.has(r.scope),
      inhabitants_0_17: r.inhabitants_0_17,
      segments: Object.fromEntries(
        SEGMENT_COLUMNS.map((col) => {
          const cell = r.segments[col];
          return [
            col,
            hidden.get(col)!.has(r.scope) ? { ...cell, clients: null, avg_per_client: null, clients_per_1000: null } : cell,
          ];
        }),
      ) as Record<SegmentColumn, VisibleCompareCell>,
    }));
    let shared: CompareView["shared"] = null;
    if (viewer !== "municipal") {
      const sets = report.coverageSets[segment];
      const [first, second] = [url.searchParams.get("first"), url.searchParams.get("second")];
      let pair: NonNullable<CompareView["shared"]>["pair"] = null;
      if (first && second && sets[first] && sets[second]) {
        const result = overlap(new Set(sets[first]), new Set(sets[second]));
        const names = await providerNames(trx, [...result.shared, ...result.onlyFirst, ...result.onlySecond]);
        const named = (codes: string[]) => codes.map((c) => names.get(c) ?? c).sort((a, b) => a.localeCompare(b));
        pair = { first, second, shared: named(result.shared), onlyFirst: named(result.onlyFirst), onlySecond: named(result.onlySecond) };
      }
      shared = { segment, min, providers: await sharedProvidersReport(trx, report, segment, min), municipalities: municipalRows.map((r) => r.scope), pair };
    }
    return { viewer, year, years, rows, shared, ...dated };
  });
}

async function providerNames(trx: ScopedTransaction, codes: string[]): Promise<Map<string, string>> {
  if (!codes.length) return new Map();
  const rows = await trx.selectFrom("provider").select(["code", "name"]).where("code", "in", codes).execute();
  return new Map(rows.map((p) => [p.code, p.name]));
}

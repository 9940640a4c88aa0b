import { overlap, SEGMENT_COLUMNS, smallCountMask, type SegmentColumn } from "@jeugdregio/metrics";
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
import { parseYear, resolveSegmentScope } from "./drilldown.server";
import { yearsWithData } from "./segment-report.server";

/**
 * Who sees what of provider concentration (issue: "Who sees what"), in one place for the
 * pages and their exports:
 * - RIGG analysts: everything.
 * - Steering members: all aggregates and the region's provider list; a municipality's
 *   figures without its provider list; client counts of 1 to 4 shown as "< 5".
 * - Municipal users: their own municipality in full; other municipalities only as the
 *   comparison's aggregate indicators, small counts hidden, never provider names.
 */
export type Viewer = "analyst" | "steering" | "municipal";

export function viewerOf(access: RequestAccess): Viewer {
  if (access.user.role === "rigg_analyst") return "analyst";
  return access.scope.read === "all" ? "steering" : "municipal";
}

export function parseSegment(param: string | null): SegmentColumn {
  return SEGMENT_COLUMNS.find((c) => c === param) ?? "all";
}

/** A client count, or null where it is hidden ("< 5"). */
export type VisibleCount = number | null;

export interface ConcentrationView {
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

export async function concentrationView(access: RequestAccess, url: URL): Promise<ConcentrationView> {
  const viewer = viewerOf(access);
  const scope = resolveSegmentScope(access, url.searchParams.get("scope"));
  const segment = parseSegment(url.searchParams.get("segment"));
  const requested = parseYear(url.searchParams.get("year"));
  return access.run(async (trx) => {
    const years = await yearsWithData(trx, scope.report);
    const year = typeof requested === "number" && years.includes(requested) ? requested : (years[0] ?? null);
    const base = { viewer, scope: scope.key, scopeName: scope.name, segment, year, years };
    if (year === null) return { ...base, summary: null, rows: null, trend: [], referrers: [] };
    const report = await concentrationReport(trx, year, scope.report, segment);
    const trend = await concentrationTrend(trx, scope.report, years);
    const referrerRows = await referrerReport(trx, year, scope.report);
    const { rows, ...summary } = report;
    const listVisible = viewer !== "steering" || scope.key === "region";
    const maskClients = viewer === "steering";
    const mask = maskClients ? smallCountMask(rows.map((r) => r.clients)) : rows.map(() => false);
    return {
      ...base,
      summary,
      rows: listVisible ? rows.map((r, i) => ({ ...r, clients: mask[i] ? null : r.clients })) : null,
      trend,
      referrers: SEGMENT_COLUMNS.flatMap((col) => {
        const inColumn = referrerRows.filter((r) => r.segment === col);
        const hidden = maskClients ? smallCountMask(inColumn.map((r) => r.clients)) : inColumn.map(() => false);
        return inColumn.map((r, i) => ({ ...r, clients: hidden[i] ? null : r.clients }));
      }),
    };
  });
}

export type VisibleCompareCell = Omit<CompareCell, "clients"> & { clients: VisibleCount };

export interface CompareView {
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
export async function compareView(access: RequestAccess, context: Pick<ServerContext, "db">, url: URL): Promise<CompareView> {
  const viewer = viewerOf(access);
  const requested = parseYear(url.searchParams.get("year"));
  const segment = parseSegment(url.searchParams.get("segment"));
  const min = Math.max(1, Math.min(10, Number(url.searchParams.get("min")) || 2));
  const own = new Set(access.municipalities.map((m) => m.code));
  return withTenantScope(context.db, { read: "all", write: [] }, async (trx) => {
    const years = await yearsWithData(trx, { kind: "region" });
    const year = typeof requested === "number" && years.includes(requested) ? requested : (years[0] ?? null);
    if (year === null) return { viewer, year, years, rows: [], shared: null };
    const report = await compareReport(trx, year);
    const municipalRows = report.rows.filter((r) => r.scope !== "region");
    // Per column: which municipalities' counts to hide from this viewer.
    const hidden = new Map<SegmentColumn, Set<string>>();
    for (const col of SEGMENT_COLUMNS) {
      const others = viewer === "analyst" ? [] : municipalRows.filter((r) => !(viewer === "municipal" && own.has(r.scope)));
      const mask = smallCountMask(others.map((r) => r.segments[col].clients));
      hidden.set(col, new Set(others.filter((_, i) => mask[i]).map((r) => r.scope)));
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
    return { viewer, year, years, rows, shared };
  });
}

async function providerNames(trx: ScopedTransaction, codes: string[]): Promise<Map<string, string>> {
  if (!codes.length) return new Map();
  const rows = await trx.selectFrom("provider").select(["code", "name"]).where("code", "in", codes).execute();
  return new Map(rows.map((p) => [p.code, p.name]));
}

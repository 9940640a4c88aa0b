import { canEditTrack, disclosureFor } from "@jeugdregio/access";
import { protectSegmentTable } from "@jeugdregio/metrics";
import { targetMet, type Month } from "@jeugdregio/roadmap";
import Decimal from "decimal.js";
import { todayInAmsterdam } from "@jeugdregio/format";
import type { RequestAccess } from "~/modules/access/access.server";
import { dataThrough } from "~/modules/figures/data-through.server";
import type { RequestAsOf } from "~/modules/reports/as-of-view.server";
import { segmentReport, yearsWithData, type ReportScope } from "~/modules/reports/segment-report.server";
import { latestPerSegment, loadRoadmap, reviewHistory, type ReviewEntry, type RoadmapTrack } from "./roadmap.server";
import { ROADMAP_SEGMENTS } from "./segment-order";
import type { TargetMetric } from "./target-metrics";

export interface SegmentMovement {
  year: number;
  spending: string;
  /** Share of the total spending in the scope (a fraction), null when there is none. */
  spending_share: string | null;
  /** Null where hidden by the disclosure rule ("< 5"), and then the average too. */
  clients: number | null;
  avg_per_client: string | null;
  providers_80: number;
}

export interface SegmentCard {
  segment: string;
  tracks: (RoadmapTrack & { editable: boolean })[];
  lastReview: ReviewEntry | null;
  movement: SegmentMovement[];
  targets: { metric: TargetMetric; year: number; comparison: "at_most" | "at_least"; value: string; actual: string | null; met: boolean | null }[];
}

export interface RoadmapDashboard {
  today: Month;
  /** Whose figures the cards show: the region for regional roles, the own municipality otherwise. */
  figuresScope: ReportScope;
  figuresScopeName: string | null;
  cards: SegmentCard[];
  reviews: ReviewEntry[];
  canReview: boolean;
  canSetTargets: boolean;
  /** The figures as of this date (today when the URL named none), the date named (null: none), today, and how far the figures reach. */
  asOf: string;
  requestedAsOf: string | null;
  todayDate: string;
  dataThrough: string | null;
}

/** The figure a target is about, from a year's movement. */
function actualOf(movement: SegmentMovement | undefined, metric: TargetMetric): string | null {
  if (!movement) return null;
  const value = { providers_80: String(movement.providers_80), spending: movement.spending, spending_share: movement.spending_share, clients: movement.clients === null ? null : String(movement.clients), avg_per_client: movement.avg_per_client }[metric];
  return value ?? null;
}

/**
 * The steering body's dashboard: per segment where its track(s) stand, the last review, the
 * movement in the figures over the years with data and the targets against the actuals.
 * Everyone with `read:roadmap` sees the roadmap; the figures are read in the user's own scope
 * (row-level security), so a municipal user sees their municipality's movement, not the region's.
 * The figures as of `asOf` (issue 14 §2): only the lines that counted then.
 */
export async function roadmapDashboard(access: RequestAccess, today: Month, asOf: RequestAsOf): Promise<RoadmapDashboard> {
  const figuresScope: ReportScope = access.scope.read === "all" ? { kind: "region" } : { kind: "municipality", code: access.municipalities[0]?.code ?? "" };
  return access.run(async (trx) => {
    const [tracks, reviews, targets] = await Promise.all([
      loadRoadmap(trx, today),
      reviewHistory(trx),
      trx.selectFrom("roadmap_target").selectAll().orderBy("year").execute(),
    ]);
    const years = (await yearsWithData(trx, figuresScope, asOf.read)).sort((a, b) => a - b);
    const reports: Awaited<ReturnType<typeof segmentReport>>[] = [];
    for (const year of years) reports.push(await segmentReport(trx, year, figuresScope, "summary", asOf.read));
    const latest = latestPerSegment(reviews);
    // The figures under the disclosure rule: a target on a hidden count shows no actual either.
    const disclosure = disclosureFor(access.user, figuresScope);
    const cards = ROADMAP_SEGMENTS.map((segment): SegmentCard => {
      const movement = reports.map((report) => {
        const figures = protectSegmentTable(report.segments, disclosure)[segment];
        const total = new Decimal(report.segments.all.spending);
        return {
          year: report.year,
          spending: figures.spending,
          spending_share: total.isZero() ? null : new Decimal(figures.spending).dividedBy(total).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toString(),
          clients: figures.clients,
          avg_per_client: figures.avg_per_client,
          providers_80: figures.providers_80,
        };
      });
      return {
        segment,
        tracks: tracks
          .filter((t) => t.segment === segment)
          .map((t) => ({ ...t, editable: canEditTrack(access.user.role, access.user.municipalityCode, { municipalityCode: t.municipalityCode }) })),
        lastReview: latest.get(segment) ?? null,
        movement,
        targets: targets
          .filter((t) => t.segment_key === segment)
          .map((t) => {
            const actual = actualOf(movement.find((m) => m.year === t.year), t.metric);
            return { metric: t.metric, year: t.year, comparison: t.comparison, value: new Decimal(t.value).toString(), actual, met: actual === null ? null : targetMet(actual, { comparison: t.comparison, value: t.value }) };
          }),
      };
    });
    return {
      today,
      figuresScope,
      figuresScopeName: figuresScope.kind === "municipality" ? (access.municipalities[0]?.name ?? null) : null,
      cards,
      reviews,
      canReview: access.can("write:reviews"),
      canSetTargets: access.can("write:targets"),
      asOf: asOf.asOf,
      requestedAsOf: asOf.requested,
      todayDate: todayInAmsterdam(),
      dataThrough: await dataThrough(trx, figuresScope, asOf.asOf),
    };
  });
}

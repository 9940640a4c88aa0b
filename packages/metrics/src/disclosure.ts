import { smallCountMask } from "./concentration";
import { SEGMENT_COLUMNS, type SegmentColumn, type SegmentFiguresJson } from "./index";

/**
 * Applying the disclosure rule (`disclosureFor` in @jeugdregio/access) to client counts. A hidden
 * count is `null`, shown as "< 5" (i18n) and written as `null` in JSON, as the concentration
 * view always did. Hidden are the counts from 1 to 4 of one table column and, when that hides
 * only one, also the smallest other count, so the hidden one cannot be worked out from a total.
 */
export type VisibleCount = number | null;

export interface CountRule {
  hideSmallCounts: boolean;
}

/** The counts of one column of a table, protected where the rule says so. */
export function protectCounts(counts: readonly number[], rule: CountRule): VisibleCount[] {
  if (!rule.hideSmallCounts) return [...counts];
  const mask = smallCountMask(counts);
  return counts.map((n, i) => (mask[i] ? null : n));
}

/** Rows with a `clients` count (one column), protected where the rule says so. */
export function protectRows<T extends { clients: number }>(rows: readonly T[], rule: CountRule): (Omit<T, "clients"> & { clients: VisibleCount })[] {
  const counts = protectCounts(
    rows.map((r) => r.clients),
    rule,
  );
  return rows.map((r, i) => ({ ...r, clients: counts[i]! }));
}

export type VisibleSegmentFiguresJson = Omit<SegmentFiguresJson, "clients"> & { clients: VisibleCount };

/**
 * A segment table with its client counts protected; where a count is hidden the average per
 * client is too (spending is shown, so the average would give the count away).
 */
export function protectSegmentTable(
  segments: Record<SegmentColumn, SegmentFiguresJson>,
  rule: CountRule,
): Record<SegmentColumn, VisibleSegmentFiguresJson> {
  const counts = protectCounts(
    SEGMENT_COLUMNS.map((col) => segments[col].clients),
    rule,
  );
  return Object.fromEntries(
    SEGMENT_COLUMNS.map((col, i) => {
      const figures = segments[col];
      return [col, counts[i] === null ? { ...figures, clients: null, avg_per_client: null } : figures];
    }),
  ) as Record<SegmentColumn, VisibleSegmentFiguresJson>;
}

import { SEGMENT_COLUMNS, type SegmentColumn } from "@jeugdregio/metrics";

export { SEGMENT_COLUMNS, type SegmentColumn };

/** The stacks of the spending chart: every column but the total, bottom to top. */
export const STACK_COLUMNS = SEGMENT_COLUMNS.filter((c): c is Exclude<SegmentColumn, "all"> => c !== "all");
export type StackColumn = (typeof STACK_COLUMNS)[number];

/** The rows of the segment table, in DOMAIN.md's order. */
export const MEASURES = ["clients", "spending", "avg_per_client", "providers", "spending_80", "providers_80"] as const;
export type Measure = (typeof MEASURES)[number];

/**
 * Segment colours: viridis steps whose lightness rises from basishulp to wonen
 * (about 16, 33, 47, 61, 91 L*), so they stay apart in greyscale and for
 * colour-blind readers; unassigned is a neutral grey in between (about 76 L*).
 * Bars carry a dark outline, so even the light ones stand out from the page.
 */
export const SEGMENT_COLORS: Record<StackColumn, string> = {
  basishulp: "#440154",
  onderwijs: "#414487",
  aanvullende_hulp: "#2a788e",
  hsj: "#22a884",
  wonen: "#fde725",
  unassigned: "#bababa",
};

export function isSegmentColumn(value: string | undefined): value is SegmentColumn {
  return SEGMENT_COLUMNS.some((c) => c === value);
}

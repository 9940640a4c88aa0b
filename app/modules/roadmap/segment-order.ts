import { SEGMENT_COLUMNS } from "@jeugdregio/metrics";
import { isSegmentKey, type SegmentKey } from "@jeugdregio/roadmap";

/**
 * The roadmap's segments in the order of the segment table's columns (/segments), so the cards,
 * the timeline, the review form and the print report read left to right as the figures do (the
 * seed's sort order puts aanvullende hulp before onderwijs; the table does not).
 */
export const ROADMAP_SEGMENTS: readonly SegmentKey[] = SEGMENT_COLUMNS.filter(isSegmentKey);

/** Position of a segment in that order; unknown keys last. */
export function segmentRank(segment: string): number {
  const i = ROADMAP_SEGMENTS.indexOf(segment as SegmentKey);
  return i === -1 ? ROADMAP_SEGMENTS.length : i;
}

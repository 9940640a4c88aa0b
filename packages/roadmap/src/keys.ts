/**
 * The Groningen youth-care region's 2024–2029 transition roadmap: every segment has a track
 * (basishulp one per municipality), and every track passes the same seven process steps, in
 * this order (seed `process-steps.csv`, numbers 1–7).
 */

export const PROCESS_STEPS = [
  "vision",
  "elaboration",
  "market_consultation",
  "procurement_documents",
  "tender_award",
  "dialogue_implementation_plan",
  "implementation",
] as const;
export type ProcessStepKey = (typeof PROCESS_STEPS)[number];

/** The segment keys of seed `segments.csv`, in their sort order. */
export const SEGMENTS = ["basishulp", "aanvullende_hulp", "onderwijs", "hsj", "wonen"] as const;
export type SegmentKey = (typeof SEGMENTS)[number];

export const STEP_STATES = ["not_started", "in_progress", "done"] as const;
export type StepState = (typeof STEP_STATES)[number];

export const HEALTHS = ["on_track", "at_risk", "delayed"] as const;
export type Health = (typeof HEALTHS)[number];

/** Which track: basishulp is procured per municipality, the other segments region-wide. */
export type TrackRef =
  | { segment: "basishulp"; municipalityCode: string }
  | { segment: Exclude<SegmentKey, "basishulp">; municipalityCode: null };

// `includes` on a readonly tuple only accepts its own members, hence the widening.
const member =
  <T extends string>(list: readonly T[]) =>
  (value: unknown): value is T =>
    typeof value === "string" && (list as readonly string[]).includes(value);

export const isProcessStepKey = member(PROCESS_STEPS);
export const isSegmentKey = member(SEGMENTS);
export const isStepState = member(STEP_STATES);
export const isHealth = member(HEALTHS);

/** The step's number in the process, 1 (vision) to 7 (implementation), as in the seed. */
export function stepNumber(step: ProcessStepKey): number {
  return PROCESS_STEPS.indexOf(step) + 1;
}

import type { Health, ProcessStepKey } from "./keys";
import type { Month } from "./month";
import type { TrackWarning } from "./status";

/**
 * Two separate things about a track, never merged into one badge: the health someone recorded
 * (a review of the steering body, or the track's owner on its page) and the signals the plan
 * computes by itself (steps past their planned end, remaining steps that run past the end state).
 * A plan full of late steps does not make a recorded "on track" untrue, and a clean plan does
 * not make an unassessed track "on track": each is shown for what it is.
 */

/** The recorded health, or "not_assessed" when nobody has recorded one yet. */
export type Assessment = Health | "not_assessed";

export function assessmentOf(health: Health | null | undefined): Assessment {
  return health ?? "not_assessed";
}

export interface TrackSignals {
  /** Steps, in process order, whose planned end has passed and that are not done. */
  lateSteps: ProcessStepKey[];
  /** When the remaining steps cannot finish by the end state: the month they would run to, and the end state. */
  cannotFit: { neededUntil: Month; endState: Month } | null;
  /** No late step and the rest fits: the plan raises nothing. */
  clear: boolean;
}

/** The plan's signals from a track's warnings (`trackWarnings`). */
export function trackSignals(warnings: readonly TrackWarning[]): TrackSignals {
  const lateSteps = warnings.flatMap((w) => (w.kind === "late_step" ? [w.step] : []));
  const fit = warnings.find((w): w is Extract<TrackWarning, { kind: "cannot_fit" }> => w.kind === "cannot_fit");
  const cannotFit = fit ? { neededUntil: fit.neededUntil, endState: fit.endState } : null;
  return { lateSteps, cannotFit, clear: lateSteps.length === 0 && cannotFit === null };
}

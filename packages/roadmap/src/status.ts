import { PROCESS_STEPS, type ProcessStepKey } from "./keys";
import { addMonths, compareMonths, monthsBetween, type Month } from "./month";
import type { TrackStep } from "./plan";

/**
 * Where a track stands: its current step, the step the plan has for a month, and the
 * warnings a track page shows. All take the steps as recomputed (recomputePlan) and order
 * them by process step themselves, so the caller's order does not matter.
 */

export type TrackWarning =
  /** A step whose planned end has passed and that is not done. */
  | { kind: "late_step"; step: ProcessStepKey; plannedEnd: Month }
  /** The remaining steps, at their planned lengths, run past the end state. */
  | { kind: "cannot_fit"; neededUntil: Month; endState: Month };

/** The roadmap's end state: the transition is to be complete by the end of 2029. */
export const END_STATE: Month = "2029-12";

// Stable, so two rows for one step (not expected) keep the caller's order.
const inProcessOrder = (steps: readonly TrackStep[]) => [...steps].sort((a, b) => PROCESS_STEPS.indexOf(a.step) - PROCESS_STEPS.indexOf(b.step));

/** The first step in process order that is not done; null when every step is done. */
export function currentStep(steps: readonly TrackStep[]): ProcessStepKey | null {
  return inProcessOrder(steps).find((s) => s.state !== "done")?.step ?? null;
}

/**
 * The key of the step the plan has for `today`: the one whose planned window (inclusive)
 * contains it (the later one in process order where windows touch or overlap, i.e. the one
 * being handed over to). Between two windows, the step that ended last; after the last
 * window, that last step; before every window, null.
 */
export function plannedStepAt(steps: readonly TrackStep[], today: Month): ProcessStepKey | null {
  const ordered = inProcessOrder(steps);
  const containing = ordered.filter((s) => compareMonths(s.plannedStart, today) <= 0 && compareMonths(today, s.plannedEnd) <= 0);
  if (containing.length) return containing[containing.length - 1]!.step;
  let ended: TrackStep | null = null;
  for (const s of ordered) {
    if (compareMonths(s.plannedEnd, today) < 0 && (ended === null || compareMonths(s.plannedEnd, ended.plannedEnd) >= 0)) ended = s;
  }
  return ended?.step ?? null;
}

/**
 * Warnings for a track on `today`: a `late_step` for each step (in process order) that should
 * have ended before today and is not done, then a `cannot_fit` when the remaining steps
 * cannot be finished by `endState`.
 *
 * The reckoning for `cannot_fit`: the steps not done are laid end to end in process order
 * from today. Each takes its planned length (planned end − planned start + 1 months); an
 * in-progress step only what is left of it, max(1, planned end − today + 1). A step that has
 * not started does not start before its planned start (a contract start is not moved
 * forward), so it begins at the later of that and the end of the step before. If the last
 * one ends after `endState`, the warning names the month it would end.
 */
export function trackWarnings(steps: readonly TrackStep[], today: Month, endState: Month = END_STATE): TrackWarning[] {
  const ordered = inProcessOrder(steps);
  const warnings: TrackWarning[] = [];
  for (const s of ordered) {
    if (s.state !== "done" && compareMonths(s.plannedEnd, today) < 0) warnings.push({ kind: "late_step", step: s.step, plannedEnd: s.plannedEnd });
  }

  const remaining = ordered.filter((s) => s.state !== "done");
  if (!remaining.length) return warnings;
  // `next` is the first month free for the next step; `last` the last month of the one before.
  let next = today;
  let last = today;
  for (const s of remaining) {
    const length = s.state === "in_progress" ? Math.max(1, monthsBetween(today, s.plannedEnd) + 1) : monthsBetween(s.plannedStart, s.plannedEnd) + 1;
    const start = s.state === "not_started" && compareMonths(s.plannedStart, next) > 0 ? s.plannedStart : next;
    // A (malformed) window with its end before its start still takes at least a month.
    last = addMonths(start, Math.max(1, length) - 1);
    next = addMonths(last, 1);
  }
  if (compareMonths(last, endState) > 0) warnings.push({ kind: "cannot_fit", neededUntil: last, endState });
  return warnings;
}

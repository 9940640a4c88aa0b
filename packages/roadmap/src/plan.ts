import type { ProcessStepKey, StepState } from "./keys";
import { addMonths, compareMonths, monthsBetween, type Month } from "./month";

/** One process step of a track: its planned window (both months inclusive) and what happened. */
export interface TrackStep {
  step: ProcessStepKey;
  plannedStart: Month;
  plannedEnd: Month;
  actualStart: Month | null;
  actualEnd: Month | null;
  state: StepState;
}

/** A decision moment (e.g. a council decision) in the month it falls. */
export interface DecisionMoment {
  month: Month;
  description: string;
}

/** How far a step's planned window moved from the baseline, in months (never negative). */
export interface StepShift {
  step: ProcessStepKey;
  startShift: number;
  endShift: number;
}

export interface RecomputedPlan {
  steps: TrackStep[];
  /** One per step, in the order of `steps`, zero shifts included. */
  shifts: StepShift[];
}

/**
 * The plan after the decision moments: the region plans one extra month per decision for
 * everything planned at or after it. In month order, a decision in month m moves every
 * planned start ≥ m and every planned end ≥ m on by one month, so a decision during a step
 * lengthens it and one before (or at) its start moves it whole. Each decision compares with
 * the months as already moved by the earlier ones, so two decisions in one month add two.
 *
 * Always computed from the baseline, which is left untouched: recomputing after a new
 * decision applies every decision exactly once. Done steps keep their planned months (their
 * actual months are what count). Throws RangeError on a malformed month.
 */
export function recomputePlan(baseline: readonly TrackStep[], decisions: readonly DecisionMoment[]): RecomputedPlan {
  // Stable sort: same-month decisions keep their order (which cannot matter, each adds one).
  const ordered = [...decisions].sort((a, b) => compareMonths(a.month, b.month));
  const steps = baseline.map((s) => ({ ...s }));
  for (const decision of ordered) {
    for (const step of steps) {
      if (step.state === "done") continue;
      if (compareMonths(step.plannedStart, decision.month) >= 0) step.plannedStart = addMonths(step.plannedStart, 1);
      if (compareMonths(step.plannedEnd, decision.month) >= 0) step.plannedEnd = addMonths(step.plannedEnd, 1);
    }
  }
  const shifts = steps.map((s, i): StepShift => {
    const base = baseline[i]!;
    return { step: s.step, startShift: monthsBetween(base.plannedStart, s.plannedStart), endShift: monthsBetween(base.plannedEnd, s.plannedEnd) };
  });
  return { steps, shifts };
}

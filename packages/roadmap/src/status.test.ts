import { describe, expect, it } from "vitest";
import { CALENDAR, at, generator, pos } from "./calendar.fixture";
import { PROCESS_STEPS, type ProcessStepKey, type StepState } from "./keys";
import { recomputePlan, type TrackStep } from "./plan";
import { currentStep, plannedStepAt, trackWarnings, type TrackWarning } from "./status";

const step = (key: ProcessStepKey, plannedStart: string, plannedEnd: string, state: StepState = "not_started"): TrackStep => ({
  step: key,
  plannedStart,
  plannedEnd,
  actualStart: state === "not_started" ? null : plannedStart,
  actualEnd: state === "done" ? plannedEnd : null,
  state,
});
/** Inclusive length of a window, counted on the test calendar. */
const length = (from: string, to: string) => pos(to) - pos(from) + 1;

/** Seven consecutive steps from 2025-01 to exactly 2029-12, none started. */
const TIGHT: readonly TrackStep[] = [
  step("vision", "2025-01", "2025-06"),
  step("elaboration", "2025-07", "2025-12"),
  step("market_consultation", "2026-01", "2026-06"),
  step("procurement_documents", "2026-07", "2026-12"),
  step("tender_award", "2027-01", "2027-12"),
  step("dialogue_implementation_plan", "2028-01", "2028-12"),
  step("implementation", "2029-01", "2029-12"),
];

/** Behind schedule on 2027-06: tender_award should have ended in 2026-12. */
const BEHIND: readonly TrackStep[] = [
  step("vision", "2024-01", "2024-06", "done"),
  step("elaboration", "2024-07", "2024-12", "done"),
  step("market_consultation", "2025-01", "2025-03", "done"),
  step("procurement_documents", "2025-04", "2025-12", "done"),
  step("tender_award", "2026-01", "2026-12", "in_progress"),
  step("dialogue_implementation_plan", "2027-01", "2027-12"),
  step("implementation", "2028-01", "2029-12"),
];

describe("currentStep", () => {
  it("is the first step not done, in process order whatever the input order", () => {
    expect(currentStep(BEHIND)).toBe("tender_award");
    expect(currentStep([...BEHIND].reverse())).toBe("tender_award");
    expect(currentStep(TIGHT)).toBe("vision");
  });

  it("is null when every step is done", () => {
    expect(currentStep(TIGHT.map((s) => ({ ...s, state: "done" as const, actualStart: s.plannedStart, actualEnd: s.plannedEnd })))).toBeNull();
    expect(currentStep([])).toBeNull();
  });
});

describe("plannedStepAt", () => {
  it("is the step whose planned window holds the month, first and last months included", () => {
    expect(plannedStepAt(TIGHT, "2025-01")).toBe("vision");
    expect(plannedStepAt(TIGHT, "2025-06")).toBe("vision");
    expect(plannedStepAt(TIGHT, "2025-07")).toBe("elaboration");
    expect(plannedStepAt([...TIGHT].reverse(), "2027-05")).toBe("tender_award");
  });

  it("is null before the plan and the last step after it", () => {
    expect(plannedStepAt(TIGHT, "2024-12")).toBeNull();
    expect(plannedStepAt(TIGHT, "2030-01")).toBe("implementation");
    expect(plannedStepAt(TIGHT, "2035-01")).toBe("implementation");
    expect(plannedStepAt([], "2025-01")).toBeNull();
  });

  it("is the step just ended between two windows, and the later step where windows touch", () => {
    const gap = [step("vision", "2025-01", "2025-03"), step("elaboration", "2025-06", "2025-08")];
    expect(plannedStepAt(gap, "2025-04")).toBe("vision");
    const touching = [step("vision", "2025-01", "2025-03"), step("elaboration", "2025-03", "2025-08")];
    expect(plannedStepAt(touching, "2025-03")).toBe("elaboration");
  });
});

describe("trackWarnings", () => {
  it("warns for a step past its planned end that is not done, and not for done ones", () => {
    const warnings = trackWarnings(BEHIND, "2027-06");
    expect(warnings.filter((w) => w.kind === "late_step")).toEqual([{ kind: "late_step", step: "tender_award", plannedEnd: "2026-12" }]);
  });

  it("does not call a step late in its planned last month", () => {
    expect(trackWarnings(BEHIND, "2026-12")).toEqual([]);
  });

  it("warns that the remaining steps run past 2029-12, and until when", () => {
    const today = "2027-06";
    // tender_award is overdue, so what is left of it takes one month; the other two follow
    // end to end at their planned lengths.
    const months = 1 + length("2027-01", "2027-12") + length("2028-01", "2029-12");
    const expected: TrackWarning[] = [
      { kind: "late_step", step: "tender_award", plannedEnd: "2026-12" },
      { kind: "cannot_fit", neededUntil: CALENDAR[pos(today) + months - 1]!, endState: "2029-12" },
    ];
    expect(trackWarnings(BEHIND, today)).toEqual(expected);
    expect(trackWarnings([...BEHIND].reverse(), today)).toEqual(expected);
  });

  it("does not warn for a track that fits, even to the last month", () => {
    expect(trackWarnings(TIGHT, "2025-01")).toEqual([]);
    expect(trackWarnings(BEHIND, "2026-06")).toEqual([]);
  });

  it("counts only what is left of an in-progress step", () => {
    // 2026-06: six months of tender_award left, then 12 + 24 months.
    const steps = BEHIND.map((s) => (s.step === "implementation" ? { ...s, plannedEnd: "2030-03" } : s));
    const months = length("2026-06", "2026-12") + length("2027-01", "2027-12") + length("2028-01", "2030-03");
    expect(trackWarnings(steps, "2026-06")).toEqual([{ kind: "cannot_fit", neededUntil: CALENDAR[pos("2026-06") + months - 1], endState: "2029-12" }]);
  });

  it("lets a step that has not started wait for its planned start", () => {
    const steps = [step("vision", "2024-01", "2024-03", "done"), step("implementation", "2029-06", "2030-01")];
    expect(trackWarnings(steps, "2025-01")).toEqual([{ kind: "cannot_fit", neededUntil: "2030-01", endState: "2029-12" }]);
  });

  it("starts an overdue step that has not started today, at its full planned length", () => {
    const steps = [step("vision", "2024-01", "2024-12")];
    expect(trackWarnings(steps, "2029-06")).toEqual([
      { kind: "late_step", step: "vision", plannedEnd: "2024-12" },
      { kind: "cannot_fit", neededUntil: at("2029-06", length("2024-01", "2024-12") - 1), endState: "2029-12" },
    ]);
  });

  it("takes another end state", () => {
    expect(trackWarnings(TIGHT, "2025-01", "2029-11")).toEqual([{ kind: "cannot_fit", neededUntil: "2029-12", endState: "2029-11" }]);
    expect(trackWarnings(BEHIND, "2027-06", "2031-01")).toEqual([{ kind: "late_step", step: "tender_award", plannedEnd: "2026-12" }]);
  });

  it("gives nothing for a finished track, however late", () => {
    const done = TIGHT.map((s) => ({ ...s, state: "done" as const, actualStart: s.plannedStart, actualEnd: s.plannedEnd }));
    expect(trackWarnings(done, "2031-01")).toEqual([]);
  });

  it("warns once a decision moment pushes a tight plan past the end state", () => {
    const { steps } = recomputePlan(TIGHT, [{ month: "2026-05", description: "gemeenteraad" }]);
    expect(trackWarnings(steps, "2025-01")).toEqual([{ kind: "cannot_fit", neededUntil: "2030-01", endState: "2029-12" }]);
  });

  it("matches a month-by-month walk on generated tracks", () => {
    const next = generator(42);
    const seen = { inProgress: 0, late: 0, cannotFit: 0, fits: 0 };
    for (let round = 0; round < 300; round++) {
      const today = CALENDAR[pos("2025-01") + next(60)]!;
      let cursor = pos("2024-01") + next(24);
      const doneCount = next(8);
      const steps = PROCESS_STEPS.map((key, i) => {
        const start = CALENDAR[cursor]!;
        const end = CALENDAR[cursor + next(14)]!;
        cursor = pos(end) + 1 + next(4);
        return step(key, start, end, i < doneCount ? "done" : i === doneCount && next(2) ? "in_progress" : "not_started");
      });

      // Walk the calendar from today: a step not started first waits for its planned start;
      // then each month worked takes one off what the step still needs.
      let month = pos(today);
      let lastWorked: number | null = null;
      for (const s of steps.filter((x) => x.state !== "done")) {
        let needed = s.state === "in_progress" ? Math.max(1, pos(s.plannedEnd) - pos(today) + 1) : pos(s.plannedEnd) - pos(s.plannedStart) + 1;
        if (s.state === "not_started") while (month < pos(s.plannedStart)) month++;
        while (needed > 0) {
          lastWorked = month;
          month++;
          needed--;
        }
      }
      // An end state just before, at or just after that month, so the exact month counts.
      const endState = lastWorked === null ? "2029-12" : CALENDAR[lastWorked - 1 + next(3)]!;
      const expected: TrackWarning[] = steps
        .filter((s) => s.state !== "done" && pos(s.plannedEnd) < pos(today))
        .map((s) => ({ kind: "late_step", step: s.step, plannedEnd: s.plannedEnd }));
      if (lastWorked !== null && lastWorked > pos(endState)) expected.push({ kind: "cannot_fit", neededUntil: CALENDAR[lastWorked]!, endState });
      expect([round, today, trackWarnings(steps, today, endState)]).toEqual([round, today, expected]);
      seen.inProgress += steps.some((s) => s.state === "in_progress") ? 1 : 0;
      seen.late += expected.some((w) => w.kind === "late_step") ? 1 : 0;
      seen.cannotFit += expected.some((w) => w.kind === "cannot_fit") ? 1 : 0;
      seen.fits += lastWorked !== null && !expected.some((w) => w.kind === "cannot_fit") ? 1 : 0;
    }
    for (const [what, count] of Object.entries(seen)) expect([what, count > 10]).toEqual([what, true]);
  });
});

import { describe, expect, it } from "vitest";
import { CALENDAR, at, generator, pos } from "./calendar.fixture";
import { PROCESS_STEPS, type ProcessStepKey, type StepState } from "./keys";
import { recomputePlan, type DecisionMoment, type TrackStep } from "./plan";

const step = (key: ProcessStepKey, plannedStart: string, plannedEnd: string, state: StepState = "not_started"): TrackStep => ({
  step: key,
  plannedStart,
  plannedEnd,
  actualStart: state === "not_started" ? null : plannedStart,
  actualEnd: state === "done" ? plannedEnd : null,
  state,
});
const decision = (month: string, description = `besluit ${month}`): DecisionMoment => ({ month, description });

/** A track with vision done and elaboration under way. */
const BASELINE: readonly TrackStep[] = [
  step("vision", "2024-01", "2024-06", "done"),
  step("elaboration", "2024-07", "2024-12", "in_progress"),
  step("market_consultation", "2025-01", "2025-03"),
  step("procurement_documents", "2025-04", "2025-09"),
  step("tender_award", "2025-10", "2026-03"),
  step("dialogue_implementation_plan", "2026-04", "2026-09"),
  step("implementation", "2026-10", "2027-12"),
];
const find = (steps: readonly TrackStep[], key: ProcessStepKey) => steps.find((s) => s.step === key)!;
/** The baseline window moved by the given numbers of months, counted on the test calendar. */
const moved = (key: ProcessStepKey, startBy: number, endBy: number) => {
  const base = find(BASELINE, key);
  return { plannedStart: at(base.plannedStart, startBy), plannedEnd: at(base.plannedEnd, endBy) };
};

describe("recomputePlan", () => {
  it("lengthens the step a decision falls in and moves every later step by a month", () => {
    const { steps, shifts } = recomputePlan(BASELINE, [decision("2024-09")]);
    expect(find(steps, "elaboration")).toMatchObject(moved("elaboration", 0, 1));
    for (const key of PROCESS_STEPS.slice(2)) expect(find(steps, key)).toMatchObject(moved(key, 1, 1));
    expect(shifts).toEqual([
      { step: "vision", startShift: 0, endShift: 0 },
      { step: "elaboration", startShift: 0, endShift: 1 },
      ...PROCESS_STEPS.slice(2).map((key) => ({ step: key, startShift: 1, endShift: 1 })),
    ]);
  });

  it("moves a step whole when the decision falls in its first month, and lengthens it in its last", () => {
    const atStart = recomputePlan(BASELINE, [decision("2025-01")]);
    expect(find(atStart.steps, "elaboration")).toMatchObject(moved("elaboration", 0, 0));
    expect(find(atStart.steps, "market_consultation")).toMatchObject(moved("market_consultation", 1, 1));
    const atEnd = recomputePlan(BASELINE, [decision("2025-03")]);
    expect(find(atEnd.steps, "market_consultation")).toMatchObject(moved("market_consultation", 0, 1));
    expect(find(atEnd.steps, "procurement_documents")).toMatchObject(moved("procurement_documents", 1, 1));
  });

  it("moves nothing for a decision after the whole plan", () => {
    const { steps, shifts } = recomputePlan(BASELINE, [decision("2028-01")]);
    expect(steps).toEqual(BASELINE);
    expect(shifts.every((s) => s.startShift === 0 && s.endShift === 0)).toBe(true);
  });

  it("adds a month for each of two decisions in the same month", () => {
    const { steps } = recomputePlan(BASELINE, [decision("2025-05", "gemeenteraad"), decision("2025-05", "bestuurlijk overleg")]);
    expect(find(steps, "procurement_documents")).toMatchObject(moved("procurement_documents", 0, 2));
    expect(find(steps, "tender_award")).toMatchObject(moved("tender_award", 2, 2));
    expect(find(steps, "implementation")).toMatchObject(moved("implementation", 2, 2));
  });

  it("takes decisions in month order, each against the months as already moved", () => {
    // market_consultation starts 2025-01: the 2025-01 decision moves it to 2025-02, where
    // the 2025-02 decision finds it and moves it again; taken the other way round the
    // 2025-02 decision would pass it by.
    const expected = moved("market_consultation", 2, 2);
    expect(find(recomputePlan(BASELINE, [decision("2025-01"), decision("2025-02")]).steps, "market_consultation")).toMatchObject(expected);
    expect(find(recomputePlan(BASELINE, [decision("2025-02"), decision("2025-01")]).steps, "market_consultation")).toMatchObject(expected);
  });

  it("does not move done steps, even with a decision before them", () => {
    const { steps, shifts } = recomputePlan(BASELINE, [decision("2023-06"), decision("2024-03")]);
    expect(find(steps, "vision")).toEqual(find(BASELINE, "vision"));
    expect(shifts[0]).toEqual({ step: "vision", startShift: 0, endShift: 0 });
    expect(find(steps, "elaboration")).toMatchObject(moved("elaboration", 2, 2));
  });

  it("never changes the baseline and gives the same plan when recomputed", () => {
    const copy = structuredClone(BASELINE);
    const decisions = [decision("2025-02"), decision("2024-08")];
    const first = recomputePlan(BASELINE, decisions);
    const second = recomputePlan(BASELINE, decisions);
    expect(BASELINE).toEqual(copy);
    expect(second).toEqual(first);
    expect(first.steps[1]).not.toBe(BASELINE[1]);
    // A new decision recomputed from the baseline: the earlier one still counts once.
    const third = recomputePlan(BASELINE, [...decisions, decision("2026-01")]);
    expect(find(third.steps, "implementation")).toMatchObject(moved("implementation", 3, 3));
  });

  it("returns the baseline's months and zero shifts without decisions", () => {
    const { steps, shifts } = recomputePlan(BASELINE, []);
    expect(steps).toEqual(BASELINE);
    expect(shifts).toEqual(PROCESS_STEPS.map((key) => ({ step: key, startShift: 0, endShift: 0 })));
  });

  it("matches an independent month-by-month count on generated tracks", () => {
    const next = generator(2024);
    /**
     * A month planned at b lands at the first month p, counting on from b, by which the
     * decisions in or before p account for the whole shift p − b: walk on while there are
     * more of them than months walked.
     */
    const reckon = (b: string, decisions: readonly string[]) => {
      let p = pos(b);
      while (decisions.filter((d) => pos(d) <= p).length > p - pos(b)) p++;
      return CALENDAR[p]!;
    };
    // What the generated cases covered, so a weak generator cannot pass unnoticed.
    const seen = { inProgress: 0, done: 0, sameMonth: 0, lengthened: 0 };
    for (let round = 0; round < 300; round++) {
      let cursor = pos("2024-01") + next(12);
      const doneCount = next(8);
      const baseline = PROCESS_STEPS.map((key, i): TrackStep => {
        const start = CALENDAR[cursor]!;
        const end = CALENDAR[cursor + next(10)]!;
        cursor = pos(end) + 1 + next(3);
        return step(key, start, end, i < doneCount ? "done" : i === doneCount && next(2) ? "in_progress" : "not_started");
      });
      const decisions = Array.from({ length: next(7) }, () => decision(CALENDAR[pos("2023-06") + next(60)]!));
      const months = decisions.map((d) => d.month);
      const { steps, shifts } = recomputePlan(baseline, decisions);
      seen.inProgress += baseline.filter((b) => b.state === "in_progress").length;
      seen.done += baseline.filter((b) => b.state === "done").length;
      seen.sameMonth += new Set(months).size < months.length ? 1 : 0;
      seen.lengthened += shifts.filter((s) => s.endShift > s.startShift).length;
      baseline.forEach((b, i) => {
        const expected =
          b.state === "done" ? { plannedStart: b.plannedStart, plannedEnd: b.plannedEnd } : { plannedStart: reckon(b.plannedStart, months), plannedEnd: reckon(b.plannedEnd, months) };
        expect([round, b.step, steps[i]]).toEqual([round, b.step, { ...b, ...expected }]);
        expect(shifts[i]).toEqual({ step: b.step, startShift: pos(expected.plannedStart) - pos(b.plannedStart), endShift: pos(expected.plannedEnd) - pos(b.plannedEnd) });
      });
    }
    for (const [what, count] of Object.entries(seen)) expect([what, count > 10]).toEqual([what, true]);
  });
});

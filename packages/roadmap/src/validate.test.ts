import { describe, expect, it } from "vitest";
import { validateHealth, validateTrackStep } from "./validate";

/** A valid in-progress step as a form sends it. */
const VALID = { step: "tender_award", plannedStart: "2026-01", plannedEnd: "2026-12", actualStart: "2026-02", actualEnd: "", state: "in_progress" };
const problemsOf = (input: unknown) => {
  const result = validateTrackStep(input);
  return result.ok ? [] : result.problems;
};

describe("validateTrackStep", () => {
  it("returns the step, an empty actual month as null", () => {
    expect(validateTrackStep(VALID)).toEqual({
      ok: true,
      step: { step: "tender_award", plannedStart: "2026-01", plannedEnd: "2026-12", actualStart: "2026-02", actualEnd: null, state: "in_progress" },
    });
    const done = validateTrackStep({ ...VALID, actualEnd: "2026-12", state: "done" });
    expect(done.ok && done.step.actualEnd).toBe("2026-12");
    const notStarted = validateTrackStep({ ...VALID, actualStart: null, actualEnd: undefined, state: "not_started" });
    expect(notStarted).toMatchObject({ ok: true, step: { actualStart: null, actualEnd: null } });
    // One-month windows and same-month actuals are fine.
    expect(validateTrackStep({ ...VALID, plannedEnd: "2026-01", actualEnd: "2026-02", state: "done" }).ok).toBe(true);
  });

  it("names an unknown step key and an unknown state", () => {
    expect(problemsOf({ ...VALID, step: "tendering" })).toEqual([{ field: "step", code: "unknownStep" }]);
    expect(problemsOf({ ...VALID, step: 5 })).toEqual([{ field: "step", code: "unknownStep" }]);
    expect(problemsOf({ ...VALID, state: "finished" })).toEqual([{ field: "state", code: "unknownState" }]);
  });

  it("names a malformed month in any of the four fields", () => {
    expect(problemsOf({ ...VALID, plannedStart: "2026-1" })).toEqual([{ field: "plannedStart", code: "badMonth" }]);
    expect(problemsOf({ ...VALID, plannedEnd: "2026-13" })).toEqual([{ field: "plannedEnd", code: "badMonth" }]);
    expect(problemsOf({ ...VALID, actualStart: "feb 2026" })).toEqual([{ field: "actualStart", code: "badMonth" }]);
    expect(problemsOf({ ...VALID, actualEnd: "1999-12" })).toEqual([{ field: "actualEnd", code: "badMonth" }]);
  });

  it("requires the step, the state and the planned months", () => {
    expect(problemsOf({ ...VALID, step: "", state: null, plannedStart: undefined, plannedEnd: "" })).toEqual([
      { field: "step", code: "required" },
      { field: "state", code: "required" },
      { field: "plannedStart", code: "required" },
      { field: "plannedEnd", code: "required" },
    ]);
    expect(problemsOf(null)).toEqual(problemsOf({}));
    expect(problemsOf("tender_award")).toHaveLength(4);
  });

  it("names a planned or actual end before its start", () => {
    expect(problemsOf({ ...VALID, plannedEnd: "2025-12" })).toEqual([{ field: "plannedEnd", code: "endBeforeStart" }]);
    expect(problemsOf({ ...VALID, actualEnd: "2026-01", state: "done" })).toEqual([{ field: "actualEnd", code: "endBeforeStart" }]);
  });

  it("names an actual end without an actual start", () => {
    expect(problemsOf({ ...VALID, actualStart: "", actualEnd: "2026-12" })).toEqual([{ field: "actualEnd", code: "endWithoutStart" }]);
  });

  it("names a done step without an actual end", () => {
    expect(problemsOf({ ...VALID, state: "done" })).toEqual([{ field: "actualEnd", code: "doneWithoutEnd" }]);
  });

  it("names a step not started that has an actual start", () => {
    expect(problemsOf({ ...VALID, state: "not_started" })).toEqual([{ field: "actualStart", code: "notStartedWithStart" }]);
  });

  it("reports every problem at once, and one per typing error", () => {
    expect(problemsOf({ step: "visie", plannedStart: "2026-06", plannedEnd: "2026-01", actualStart: "", actualEnd: "2026-03", state: "done" })).toEqual([
      { field: "step", code: "unknownStep" },
      { field: "plannedEnd", code: "endBeforeStart" },
      { field: "actualEnd", code: "endWithoutStart" },
    ]);
    // A malformed month is not also "missing" or "before the start".
    expect(problemsOf({ ...VALID, actualStart: "2026-2", actualEnd: "2026-01", state: "done" })).toEqual([{ field: "actualStart", code: "badMonth" }]);
    expect(problemsOf({ ...VALID, actualEnd: "2026/12", state: "done" })).toEqual([{ field: "actualEnd", code: "badMonth" }]);
  });
});

describe("validateHealth", () => {
  it("accepts on_track with or without a reason", () => {
    expect(validateHealth("on_track", "")).toEqual([]);
    expect(validateHealth("on_track", null)).toEqual([]);
    expect(validateHealth("on_track", undefined)).toEqual([]);
    expect(validateHealth("on_track", " voor op schema ")).toEqual([]);
  });

  it("requires a reason that is not blank for at_risk and delayed", () => {
    expect(validateHealth("at_risk", "  Aanbesteding uitgesteld ")).toEqual([]);
    expect(validateHealth("delayed", "Bezwaar tegen gunning")).toEqual([]);
    for (const health of ["at_risk", "delayed"]) {
      for (const reason of ["", "   ", "\n\t", null, undefined, 3]) {
        expect([health, reason, validateHealth(health, reason)]).toEqual([health, reason, [{ field: "reason", code: "reasonRequired" }]]);
      }
    }
  });

  it("names an unknown or missing health", () => {
    expect(validateHealth("late", "reason")).toEqual([{ field: "health", code: "unknownHealth" }]);
    expect(validateHealth("ON_TRACK", "")).toEqual([{ field: "health", code: "unknownHealth" }]);
    expect(validateHealth(2, "reason")).toEqual([{ field: "health", code: "unknownHealth" }]);
    expect(validateHealth("", "")).toEqual([{ field: "health", code: "required" }]);
    expect(validateHealth(undefined, "reason")).toEqual([{ field: "health", code: "required" }]);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as roadmap from "./index";
import { PROCESS_STEPS, SEGMENTS, isProcessStepKey, isSegmentKey, recomputePlan, stepNumber, trackWarnings, validateTrackStep, type TrackStep } from "./index";

/** The reference data the database is seeded with: the keys here must be the same. */
const seedKeys = (file: string) =>
  readFileSync(new URL(`../../../seeds/reference/${file}`, import.meta.url), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(","));

describe("roadmap keys", () => {
  it("has the seven process steps in the seed's order and numbers", () => {
    const rows = seedKeys("process-steps.csv");
    expect(PROCESS_STEPS).toEqual(rows.map((r) => r[1]));
    for (const [number, key] of rows) expect(stepNumber(key as (typeof PROCESS_STEPS)[number])).toBe(Number(number));
  });

  it("has the five segments of the seed", () => {
    expect(SEGMENTS).toEqual(seedKeys("segments.csv").map((r) => r[0]));
  });

  it("recognises its keys", () => {
    expect(PROCESS_STEPS.every(isProcessStepKey)).toBe(true);
    expect(isProcessStepKey("Vision")).toBe(false);
    expect(SEGMENTS.every(isSegmentKey)).toBe(true);
    expect(isSegmentKey("jeugdbescherming")).toBe(false);
  });
});

describe("the package", () => {
  it("exports the whole API from its index", () => {
    for (const name of ["parseMonth", "addMonths", "monthsBetween", "compareMonths", "recomputePlan", "validateTrackStep", "validateHealth", "trackWarnings", "currentStep", "plannedStepAt", "targetMet"]) {
      expect([name, typeof (roadmap as Record<string, unknown>)[name]]).toEqual([name, "function"]);
    }
  });

  it("takes a typed-in track through validation, decisions and warnings", () => {
    const rows = [
      ["vision", "2024-01", "2024-09", "2024-01", "2024-10", "done"],
      ["elaboration", "2024-10", "2025-06", "2024-11", "", "in_progress"],
      ["market_consultation", "2025-07", "2025-12", "", "", "not_started"],
      ["procurement_documents", "2026-01", "2026-09", "", "", "not_started"],
      ["tender_award", "2026-10", "2027-09", "", "", "not_started"],
      ["dialogue_implementation_plan", "2027-10", "2028-06", "", "", "not_started"],
      ["implementation", "2028-07", "2029-11", "", "", "not_started"],
    ];
    const baseline: TrackStep[] = rows.map(([step, plannedStart, plannedEnd, actualStart, actualEnd, state]) => {
      const result = validateTrackStep({ step, plannedStart, plannedEnd, actualStart, actualEnd, state });
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      return result.step;
    });
    expect(trackWarnings(baseline, "2025-03")).toEqual([]);
    // Two council decisions in 2025 push implementation from 2029-11 to 2030-01.
    const { steps, shifts } = recomputePlan(baseline, [
      { month: "2025-11", description: "gemeenteraad" },
      { month: "2025-04", description: "bestuurlijk overleg" },
    ]);
    expect(shifts.find((s) => s.step === "elaboration")).toEqual({ step: "elaboration", startShift: 0, endShift: 1 });
    expect(shifts.find((s) => s.step === "market_consultation")).toEqual({ step: "market_consultation", startShift: 1, endShift: 2 });
    expect(shifts.find((s) => s.step === "implementation")).toEqual({ step: "implementation", startShift: 2, endShift: 2 });
    expect(trackWarnings(steps, "2025-03")).toEqual([{ kind: "cannot_fit", neededUntil: "2030-01", endState: "2029-12" }]);
  });
});

import { describe, expect, it } from "vitest";
import { assessmentOf, trackSignals } from "./signals";
import { trackWarnings } from "./status";
import type { TrackStep } from "./plan";

const steps: TrackStep[] = [
  { step: "vision", plannedStart: "2024-01", plannedEnd: "2024-06", actualStart: "2024-01", actualEnd: null, state: "in_progress" },
  { step: "elaboration", plannedStart: "2024-07", plannedEnd: "2024-12", actualStart: null, actualEnd: null, state: "not_started" },
  { step: "implementation", plannedStart: "2025-01", plannedEnd: "2029-12", actualStart: null, actualEnd: null, state: "not_started" },
];

describe("assessmentOf", () => {
  it("is never on track for a track nobody assessed", () => {
    expect(assessmentOf(null)).toBe("not_assessed");
    expect(assessmentOf(undefined)).toBe("not_assessed");
    expect(assessmentOf("on_track")).toBe("on_track");
    expect(assessmentOf("delayed")).toBe("delayed");
  });
});

describe("trackSignals", () => {
  it("lists the late steps in process order and whether the rest fits, apart from any recorded health", () => {
    // On 2025-03: vision takes this month, elaboration 2025-04..09, implementation 60 months from 2025-10.
    const signals = trackSignals(trackWarnings(steps, "2025-03"));
    expect(signals).toEqual({ lateSteps: ["vision", "elaboration"], cannotFit: { neededUntil: "2030-09", endState: "2029-12" }, clear: false });
  });

  it("is clear when nothing is late and the rest fits", () => {
    expect(trackSignals(trackWarnings(steps, "2024-03"))).toEqual({ lateSteps: [], cannotFit: null, clear: true });
  });

  it("reports cannot-fit alone, with no late step", () => {
    const late = trackSignals([{ kind: "cannot_fit", neededUntil: "2030-06", endState: "2029-12" }]);
    expect(late).toEqual({ lateSteps: [], cannotFit: { neededUntil: "2030-06", endState: "2029-12" }, clear: false });
  });
});

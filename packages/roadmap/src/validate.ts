import { isHealth, isProcessStepKey, isStepState } from "./keys";
import { compareMonths, parseMonth, type Month } from "./month";
import type { TrackStep } from "./plan";

/**
 * Checking a track step or a health status as typed in (a form, an import), before it is
 * stored: every problem is named by field and code, so the page can translate it and put it
 * next to the field, and all problems are reported at once rather than the first.
 */

export type TrackStepField = "step" | "state" | "plannedStart" | "plannedEnd" | "actualStart" | "actualEnd";

export type TrackStepProblemCode =
  /** The step key or state, or a planned month, is missing. */
  | "required"
  | "unknownStep"
  | "unknownState"
  /** Not exactly "YYYY-MM" with a month 01–12 and a year 2000–2100. */
  | "badMonth"
  /** On `plannedEnd` or `actualEnd`: the end is before the start. */
  | "endBeforeStart"
  /** On `actualEnd`: an actual end without an actual start. */
  | "endWithoutStart"
  /** On `actualEnd`: state "done" without an actual end. */
  | "doneWithoutEnd"
  /** On `actualStart`: state "not_started" with an actual start. */
  | "notStartedWithStart";

export interface Problem<Field extends string = string, Code extends string = string> {
  field: Field;
  code: Code;
}

export type TrackStepProblem = Problem<TrackStepField, TrackStepProblemCode>;

export type TrackStepResult = { ok: true; step: TrackStep } | { ok: false; problems: TrackStepProblem[] };

// A form sends "" for an empty field; an import may send null or leave the key out.
const absent = (value: unknown) => value === undefined || value === null || value === "";

type MonthField = { kind: "absent" } | { kind: "bad" } | { kind: "ok"; month: Month };
const monthField = (value: unknown): MonthField => {
  if (absent(value)) return { kind: "absent" };
  const month = parseMonth(value);
  return month === null ? { kind: "bad" } : { kind: "ok", month };
};

/**
 * A track step from untrusted input (an object with the fields of TrackStep; actual months
 * may be null, undefined or ""), or every problem with it. The checks between fields run
 * only on fields that are themselves valid, so one typing error gives one problem.
 */
export function validateTrackStep(input: unknown): TrackStepResult {
  const record: Record<string, unknown> = typeof input === "object" && input !== null ? (input as Record<string, unknown>) : {};
  const problems: TrackStepProblem[] = [];
  const fail = (field: TrackStepField, code: TrackStepProblemCode) => problems.push({ field, code });

  const step = record.step;
  if (absent(step)) fail("step", "required");
  else if (!isProcessStepKey(step)) fail("step", "unknownStep");

  const state = record.state;
  if (absent(state)) fail("state", "required");
  else if (!isStepState(state)) fail("state", "unknownState");

  const months = {
    plannedStart: monthField(record.plannedStart),
    plannedEnd: monthField(record.plannedEnd),
    actualStart: monthField(record.actualStart),
    actualEnd: monthField(record.actualEnd),
  };
  for (const field of ["plannedStart", "plannedEnd", "actualStart", "actualEnd"] as const) {
    const m = months[field];
    if (m.kind === "bad") fail(field, "badMonth");
    // The plan is always required; actual months only once something happened.
    else if (m.kind === "absent" && (field === "plannedStart" || field === "plannedEnd")) fail(field, "required");
  }
  const { plannedStart, plannedEnd, actualStart, actualEnd } = months;

  if (plannedStart.kind === "ok" && plannedEnd.kind === "ok" && compareMonths(plannedEnd.month, plannedStart.month) < 0) fail("plannedEnd", "endBeforeStart");
  if (actualStart.kind === "ok" && actualEnd.kind === "ok" && compareMonths(actualEnd.month, actualStart.month) < 0) fail("actualEnd", "endBeforeStart");
  if (actualEnd.kind === "ok" && actualStart.kind === "absent") fail("actualEnd", "endWithoutStart");
  if (state === "done" && actualEnd.kind === "absent") fail("actualEnd", "doneWithoutEnd");
  if (state === "not_started" && actualStart.kind === "ok") fail("actualStart", "notStartedWithStart");

  if (problems.length || !isProcessStepKey(step) || !isStepState(state) || plannedStart.kind !== "ok" || plannedEnd.kind !== "ok") {
    return { ok: false, problems };
  }
  return {
    ok: true,
    step: {
      step,
      plannedStart: plannedStart.month,
      plannedEnd: plannedEnd.month,
      actualStart: actualStart.kind === "ok" ? actualStart.month : null,
      actualEnd: actualEnd.kind === "ok" ? actualEnd.month : null,
      state,
    },
  };
}

export type HealthProblem = Problem<"health", "required" | "unknownHealth"> | Problem<"reason", "reasonRequired">;

/**
 * The problems with a track's health as typed in; none means it can be stored. Anything but
 * on_track must say why: a reason that is not empty after trimming (the caller stores it
 * trimmed).
 */
export function validateHealth(health: unknown, reason: unknown): HealthProblem[] {
  if (absent(health)) return [{ field: "health", code: "required" }];
  if (!isHealth(health)) return [{ field: "health", code: "unknownHealth" }];
  const text = typeof reason === "string" ? reason.trim() : "";
  if (health !== "on_track" && !text) return [{ field: "reason", code: "reasonRequired" }];
  return [];
}

import { PROCESS_STEPS, type ProcessStepKey } from "@jeugdregio/roadmap";
import type { FormIssue } from "~/modules/http.server";

/**
 * How the roadmap's forms name their inputs, and which input a refused field belongs to: one
 * place for the route that reads a form and the page that marks it (shared by server and client).
 */

/** The review form's inputs per segment (`reason_hsj`), by the entry field the service refuses. */
export const ENTRY_INPUTS = {
  health: "health",
  health_reason: "reason",
  decisions: "decisions",
  risks: "risks",
  next_steps: "next",
  corrects: "corrects",
} as const;
export type EntryField = keyof typeof ENTRY_INPUTS;

export function entryInput(field: EntryField, segment: string): string {
  return `${ENTRY_INPUTS[field]}_${segment}`;
}

/** The track form's inputs per step (`planned_end_vision`), by the step field the validator refuses. */
export const STEP_INPUTS = {
  plannedStart: "planned_start",
  plannedEnd: "planned_end",
  actualStart: "actual_start",
  actualEnd: "actual_end",
  state: "state",
} as const;
export type StepField = keyof typeof STEP_INPUTS;

export function stepInput(field: StepField, step: string): string {
  return `${STEP_INPUTS[field]}_${step}`;
}

const STEP_INPUT_NAME = new RegExp(`^(${Object.values(STEP_INPUTS).join("|")})_(.+)$`);

/** The steps a posted track form has inputs for (known or not), in the order first posted. */
export function postedSteps(fields: Record<string, string>): string[] {
  const steps = new Set<string>();
  for (const name of Object.keys(fields)) {
    const match = STEP_INPUT_NAME.exec(name);
    if (match) steps.add(match[2]!);
  }
  return [...steps];
}

export function isProcessStep(step: string): step is ProcessStepKey {
  return (PROCESS_STEPS as readonly string[]).includes(step);
}

/** Fields refused under another name than their input's (the health form's reason). */
const PLAIN_INPUTS: Record<string, string> = { reason: "health_reason" };

/**
 * The input a refused field belongs to: `entries.0.health_reason` of segment hsj is `reason_hsj`,
 * `steps.vision.plannedEnd` is `planned_end_vision`; any other field is its own input.
 */
export function issueInput(issue: Pick<FormIssue, "field" | "params">): string {
  const parts = issue.field.split(".");
  const last = parts.at(-1) ?? issue.field;
  const segment = issue.params.segment;
  if (parts[0] === "entries" && typeof segment === "string" && last in ENTRY_INPUTS) return entryInput(last as EntryField, segment);
  if (parts[0] === "steps" && parts.length === 3 && last in STEP_INPUTS) return stepInput(last as StepField, parts[1]!);
  return PLAIN_INPUTS[issue.field] ?? issue.field;
}

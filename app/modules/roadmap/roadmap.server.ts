import {
  currentStep,
  parseMonth,
  plannedStepAt,
  PROCESS_STEPS,
  recomputePlan,
  SEGMENTS,
  trackSignals,
  trackWarnings,
  validateHealth,
  validateTrackStep,
  type Health,
  type Month,
  type ProcessStepKey,
  type TrackSignals,
  type TrackStep,
} from "@jeugdregio/roadmap";
import { parseDate } from "@jeugdregio/catalog";
import { monthInAmsterdam } from "@jeugdregio/format";
import { sql } from "kysely";
import { recordAudit } from "~/modules/audit/audit.server";
import { FieldRefusal, refusalCollector } from "~/modules/http.server";
import type { Actor } from "~/modules/access/actor";
import type { ScopedTransaction } from "~db/tenant-scope";
import Decimal from "decimal.js";
import { isProcessStep, postedSteps, stepInput, type StepField } from "./roadmap-form";
import { segmentRank } from "./segment-order";
import { TARGET_METRICS } from "./target-metrics";

/**
 * The 2024–2029 transition roadmap: tracks with their steps (the baseline plan, shifted one
 * month per decision moment when recomputed), the steering body's append-only reviews, and
 * targets per figure. Role checks happen in the routes (`canEditTrack`); row-level security
 * keeps a municipality's basishulp track to that municipality.
 */

/** Bad input, naming the field, with a code a page translates. Nothing is changed. */
export class RoadmapInputError extends FieldRefusal {}

export interface RoadmapTrack {
  id: string;
  segment: string;
  municipalityCode: string | null;
  municipalityName: string | null;
  /** What someone recorded (a review, or the track's owner); null: nobody has assessed the track yet. */
  health: Health | null;
  healthReason: string | null;
  endState: Month;
  updatedBy: string | null;
  /** The plan after the decision moments, as the region plans. */
  steps: (TrackStep & { late: boolean; startShift: number; endShift: number; baselineStart: Month; baselineEnd: Month })[];
  decisions: { id: number; month: Month; description: string; recordedBy: string; recordedAt: string }[];
  milestones: { month: Month; kind: string; label: string | null }[];
  warnings: ReturnType<typeof trackWarnings>;
  /** What the plan itself says (late steps, cannot finish by the end state): shown beside the health, never merged into it. */
  signals: TrackSignals;
  current: ProcessStepKey | null;
  planned: ProcessStepKey | null;
}

/** This month on the region's clock (Europe/Amsterdam, not the server's UTC). */
export function thisMonth(now = new Date()): Month {
  return monthInAmsterdam(now);
}

/** Every track, recomputed, with warnings as of `today`; basishulp tracks after the regional ones, which are in the segment table's column order. */
export async function loadRoadmap(trx: ScopedTransaction, today: Month): Promise<RoadmapTrack[]> {
  const [tracks, steps, decisions, milestones] = await Promise.all([
    trx
      .selectFrom("roadmap_track")
      .leftJoin("municipality", "municipality.code", "roadmap_track.municipality_code")
      .innerJoin("segment", "segment.key", "roadmap_track.segment_key")
      .select(["roadmap_track.id", "roadmap_track.segment_key", "roadmap_track.municipality_code", "municipality.name as municipality_name", "roadmap_track.health", "roadmap_track.health_reason", "roadmap_track.end_state", "roadmap_track.updated_by"])
      .execute(),
    trx.selectFrom("roadmap_step").selectAll().execute(),
    trx.selectFrom("roadmap_decision").selectAll().orderBy("month").orderBy("id").execute(),
    trx.selectFrom("roadmap_milestone").selectAll().orderBy("month").execute(),
  ]);
  const order = (key: string) => PROCESS_STEPS.indexOf(key as ProcessStepKey);
  tracks.sort((a, b) => Number(a.segment_key === "basishulp") - Number(b.segment_key === "basishulp") || segmentRank(a.segment_key) - segmentRank(b.segment_key) || (a.municipality_name ?? "").localeCompare(b.municipality_name ?? ""));
  return tracks.map((track) => {
    const baseline: TrackStep[] = steps
      .filter((s) => s.track_id === track.id)
      .sort((a, b) => order(a.step_key) - order(b.step_key))
      .map((s) => ({ step: s.step_key as ProcessStepKey, plannedStart: s.planned_start, plannedEnd: s.planned_end, actualStart: s.actual_start, actualEnd: s.actual_end, state: s.state }));
    const own = decisions.filter((d) => d.track_id === track.id);
    const plan = recomputePlan(baseline, own.map((d) => ({ month: d.month, description: d.description })));
    const warnings = trackWarnings(plan.steps, today, track.end_state);
    const late = new Set(warnings.flatMap((w) => (w.kind === "late_step" ? [w.step] : [])));
    return {
      id: track.id,
      segment: track.segment_key,
      municipalityCode: track.municipality_code,
      municipalityName: track.municipality_name,
      health: track.health,
      healthReason: track.health_reason,
      endState: track.end_state,
      updatedBy: track.updated_by,
      steps: plan.steps.map((step, i) => {
        const shift = plan.shifts.find((s) => s.step === step.step);
        return { ...step, late: late.has(step.step), startShift: shift?.startShift ?? 0, endShift: shift?.endShift ?? 0, baselineStart: baseline[i]!.plannedStart, baselineEnd: baseline[i]!.plannedEnd };
      }),
      decisions: own.map((d) => ({ id: Number(d.id), month: d.month, description: d.description, recordedBy: d.recorded_by, recordedAt: new Date(d.recorded_at).toISOString() })),
      milestones: milestones.filter((m) => m.track_id === track.id).map((m) => ({ month: m.month, kind: m.kind, label: m.label })),
      warnings,
      signals: trackSignals(warnings),
      current: currentStep(plan.steps),
      planned: plannedStepAt(plan.steps, today),
    };
  });
}

export async function findTrack(trx: ScopedTransaction, id: string) {
  return trx.selectFrom("roadmap_track").select(["id", "segment_key", "municipality_code"]).where("id", "=", id).executeTakeFirst();
}

/** A step as typed (blank actuals are none), checked; every problem refused by its field, the step's own first. */
function parseStep(typed: { step: string; planned_start?: string; planned_end?: string; actual_start?: string; actual_end?: string; state?: string }) {
  const blank = (v: string | undefined) => (v === undefined || v.trim() === "" ? null : v.trim());
  return validateTrackStep({
    step: typed.step,
    plannedStart: typed.planned_start ?? "",
    plannedEnd: typed.planned_end ?? "",
    actualStart: blank(typed.actual_start),
    actualEnd: blank(typed.actual_end),
    state: typed.state ?? "",
  });
}

type StepRow = { step_key: string; planned_start: string; planned_end: string; actual_start: string | null; actual_end: string | null; state: string };

/** Stores a checked step over its stored row (row-level security: no row updated is a refusal) and logs it. */
async function storeStep(trx: ScopedTransaction, actor: Actor, trackId: string, previous: StepRow, step: TrackStep): Promise<void> {
  const values = { planned_start: step.plannedStart, planned_end: step.plannedEnd, actual_start: step.actualStart, actual_end: step.actualEnd, state: step.state };
  const result = await trx.updateTable("roadmap_step").set(values).where("track_id", "=", trackId).where("step_key", "=", step.step).executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new RoadmapInputError("track", "notWritable");
  await recordAudit(trx, { actorUserId: actor.userId, actorLabel: actor.label, action: "roadmap.step", subject: `${trackId}/${step.step}`, ip: actor.ip, details: { previous, values } });
}

async function touchTrack(trx: ScopedTransaction, actor: Actor, trackId: string): Promise<void> {
  await trx.updateTable("roadmap_track").set({ updated_by: actor.label, updated_at: new Date() }).where("id", "=", trackId).execute();
}

/** Updates one step of a track (baseline plan, actuals, state); every inconsistent field refused at once. */
export async function updateTrackStep(trx: ScopedTransaction, actor: Actor, trackId: string, typed: Record<string, string | undefined>): Promise<void> {
  const parsed = parseStep({ ...typed, step: typed.step ?? "" });
  if (!parsed.ok) {
    const refusals = refusalCollector();
    for (const problem of parsed.problems) refusals.refuse(new RoadmapInputError(problem.field, problem.code));
    refusals.done();
    return;
  }
  const previous = await trx.selectFrom("roadmap_step").selectAll().where("track_id", "=", trackId).where("step_key", "=", parsed.step.step).executeTakeFirst();
  if (!previous) throw new RoadmapInputError("step", "unknownStep");
  await storeStep(trx, actor, trackId, previous, parsed.step);
  await touchTrack(trx, actor, trackId);
}

/**
 * Saves a track's steps in one save (`planned_end_vision`, … for each step posted): every step is
 * checked first and every problem refused at once, named `steps.<step>.<field>`; only when all
 * are right are the steps that changed stored, together. Returns how many changed.
 */
export async function updateTrackSteps(trx: ScopedTransaction, actor: Actor, trackId: string, typed: Record<string, string | undefined>): Promise<number> {
  const rows = await trx.selectFrom("roadmap_step").selectAll().where("track_id", "=", trackId).execute();
  const refusals = refusalCollector();
  const posted = postedSteps(typed as Record<string, string>);
  if (!posted.length) refusals.refuse(new RoadmapInputError("steps", "required"));
  const changes: { previous: (typeof rows)[number]; step: TrackStep }[] = [];
  // In the plan's order, so the first problem named is the earliest step's.
  const order = (key: string) => (isProcessStep(key) ? PROCESS_STEPS.indexOf(key) : PROCESS_STEPS.length);
  for (const key of posted.sort((a, b) => order(a) - order(b))) {
    const previous = rows.find((r) => r.step_key === key);
    if (!previous) {
      refusals.refuse(new RoadmapInputError(`steps.${key}.step`, "unknownStep", { step: key }));
      continue;
    }
    const input = (field: StepField) => typed[stepInput(field, key)];
    // A field left out of the post keeps what is stored; one posted blank is blank.
    const stored = { planned_start: previous.planned_start, planned_end: previous.planned_end, actual_start: previous.actual_start ?? "", actual_end: previous.actual_end ?? "", state: previous.state };
    const parsed = parseStep({
      step: key,
      planned_start: input("plannedStart") ?? stored.planned_start,
      planned_end: input("plannedEnd") ?? stored.planned_end,
      actual_start: input("actualStart") ?? stored.actual_start,
      actual_end: input("actualEnd") ?? stored.actual_end,
      state: input("state") ?? stored.state,
    });
    if (!parsed.ok) {
      for (const problem of parsed.problems) refusals.refuse(new RoadmapInputError(`steps.${key}.${problem.field}`, problem.code, { step: key }));
      continue;
    }
    const s = parsed.step;
    const same = s.plannedStart === previous.planned_start && s.plannedEnd === previous.planned_end && s.actualStart === previous.actual_start && s.actualEnd === previous.actual_end && s.state === previous.state;
    if (!same) changes.push({ previous, step: s });
  }
  refusals.done();
  for (const { previous, step } of changes) await storeStep(trx, actor, trackId, previous, step);
  if (changes.length) await touchTrack(trx, actor, trackId);
  return changes.length;
}

/** Sets a track's health; anything but on track needs a reason. */
export async function setTrackHealth(trx: ScopedTransaction, actor: Actor, trackId: string, health: string, reason: string | undefined): Promise<void> {
  const refusals = refusalCollector();
  for (const problem of validateHealth(health, reason ?? null)) refusals.refuse(new RoadmapInputError(problem.field, problem.code));
  refusals.done();
  const result = await trx
    .updateTable("roadmap_track")
    .set({ health: health as Health, health_reason: health === "on_track" ? (reason?.trim() || null) : reason!.trim(), updated_by: actor.label, updated_at: new Date() })
    .where("id", "=", trackId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new RoadmapInputError("track", "notWritable");
  await recordAudit(trx, { actorUserId: actor.userId, actorLabel: actor.label, action: "roadmap.health", subject: trackId, ip: actor.ip, details: { health, reason } });
}

/** Records a decision moment on a track: the plan after it moves one month. */
export async function recordDecision(trx: ScopedTransaction, actor: Actor, trackId: string, typed: { month?: string; description?: string }): Promise<void> {
  const refusals = refusalCollector();
  const month = parseMonth(typed.month ?? "");
  if (!month) refusals.refuse(new RoadmapInputError("month", "badMonth"));
  const description = (typed.description ?? "").trim();
  if (!description || description.length > 1000) refusals.refuse(new RoadmapInputError("description", "required"));
  refusals.done();
  if (!month) return;
  await trx.insertInto("roadmap_decision").values({ track_id: trackId, month, description, recorded_by: actor.label }).execute();
  await recordAudit(trx, { actorUserId: actor.userId, actorLabel: actor.label, action: "roadmap.decision", subject: trackId, ip: actor.ip, details: { month, description } });
}

export interface ReviewEntryInput {
  segment: string;
  health: string;
  health_reason?: string;
  decisions?: string;
  risks?: string;
  next_steps?: string;
  corrects?: string;
}

/**
 * Records a review (a meeting of the steering body) with its entries per segment. Append-only:
 * a correction is a new entry that names the entry it corrects (same segment). The health
 * recorded for a regional segment becomes its track's health.
 */
export async function recordReview(
  trx: ScopedTransaction,
  actor: Actor,
  typed: { held_on?: string; body?: string; entries: ReviewEntryInput[] },
): Promise<number> {
  // Every problem at once; an entry's problem names its segment (params.segment), so the page says which.
  const refusals = refusalCollector();
  const heldOn = (typed.held_on ?? "").trim();
  if (parseDate(heldOn) === null) refusals.refuse(new RoadmapInputError("held_on", "required"));
  const body = (typed.body ?? "").trim();
  if (!body || body.length > 200) refusals.refuse(new RoadmapInputError("body", "required"));
  if (!typed.entries.length) refusals.refuse(new RoadmapInputError("entries", "required"));
  for (const [i, entry] of typed.entries.entries()) {
    if (!(SEGMENTS as readonly string[]).includes(entry.segment)) {
      refusals.refuse(new RoadmapInputError(`entries.${i}.segment`, "unknownSegment", { value: entry.segment }));
      continue;
    }
    const segment = { segment: entry.segment };
    for (const problem of validateHealth(entry.health, entry.health_reason ?? null)) {
      refusals.refuse(new RoadmapInputError(`entries.${i}.${problem.field === "reason" ? "health_reason" : "health"}`, problem.code, segment));
    }
    if (entry.corrects) {
      const refused = new RoadmapInputError(`entries.${i}.corrects`, "unknownEntry", { value: entry.corrects, ...segment });
      const corrected = /^\d{1,15}$/.test(entry.corrects)
        ? await trx.selectFrom("roadmap_review_entry").select(["id", "segment_key"]).where("id", "=", Number(entry.corrects)).executeTakeFirst()
        : undefined;
      if (!corrected || corrected.segment_key !== entry.segment) refusals.refuse(refused);
    }
  }
  refusals.done();
  const review = await trx.insertInto("roadmap_review").values({ held_on: heldOn, body, recorded_by: actor.label }).returning("id").executeTakeFirstOrThrow();
  await trx
    .insertInto("roadmap_review_entry")
    .values(
      typed.entries.map((entry) => ({
        review_id: Number(review.id),
        segment_key: entry.segment,
        health: entry.health as Health,
        health_reason: entry.health_reason?.trim() || null,
        decisions: entry.decisions?.trim() ?? "",
        risks: entry.risks?.trim() ?? "",
        next_steps: entry.next_steps?.trim() ?? "",
        corrects_entry_id: entry.corrects ? Number(entry.corrects) : null,
        recorded_by: actor.label,
      })),
    )
    .execute();
  // The steering body's judgement is the regional track's health from now on (basishulp tracks are the municipalities').
  for (const entry of typed.entries.filter((e) => e.segment !== "basishulp")) {
    await trx
      .updateTable("roadmap_track")
      .set({ health: entry.health as Health, health_reason: entry.health_reason?.trim() || null, updated_by: actor.label, updated_at: new Date() })
      .where("segment_key", "=", entry.segment)
      .where("municipality_code", "is", null)
      .execute();
  }
  await recordAudit(trx, { actorUserId: actor.userId, actorLabel: actor.label, action: "roadmap.review", subject: body, ip: actor.ip, details: { heldOn, entries: typed.entries.length } });
  return Number(review.id);
}

export interface ReviewEntry {
  id: number;
  reviewId: number;
  heldOn: string;
  body: string;
  segment: string;
  health: Health;
  healthReason: string | null;
  decisions: string;
  risks: string;
  nextSteps: string;
  correctsEntryId: number | null;
  /** A later entry corrects this one. */
  correctedBy: number | null;
  recordedBy: string;
  recordedAt: string;
}

/** Every review entry, newest meeting first; the history stays, corrections point back. */
export async function reviewHistory(trx: ScopedTransaction): Promise<ReviewEntry[]> {
  const rows = await trx
    .selectFrom("roadmap_review_entry as e")
    .innerJoin("roadmap_review as r", "r.id", "e.review_id")
    .select(["e.id", "e.review_id", "r.held_on", "r.body", "e.segment_key", "e.health", "e.health_reason", "e.decisions", "e.risks", "e.next_steps", "e.corrects_entry_id", "e.recorded_by", "e.recorded_at"])
    .orderBy("r.held_on", "desc")
    .orderBy("e.id", "desc")
    .execute();
  const correctedBy = new Map(rows.filter((r) => r.corrects_entry_id !== null).map((r) => [Number(r.corrects_entry_id), Number(r.id)]));
  return rows.map((r) => ({
    id: Number(r.id),
    reviewId: Number(r.review_id),
    heldOn: r.held_on,
    body: r.body,
    segment: r.segment_key,
    health: r.health,
    healthReason: r.health_reason,
    decisions: r.decisions,
    risks: r.risks,
    nextSteps: r.next_steps,
    correctsEntryId: r.corrects_entry_id === null ? null : Number(r.corrects_entry_id),
    correctedBy: correctedBy.get(Number(r.id)) ?? null,
    recordedBy: r.recorded_by,
    recordedAt: new Date(r.recorded_at).toISOString(),
  }));
}

/** The latest entry per segment that no later entry corrects. */
export function latestPerSegment(entries: readonly ReviewEntry[]): Map<string, ReviewEntry> {
  const latest = new Map<string, ReviewEntry>();
  for (const entry of entries) if (entry.correctedBy === null && !latest.has(entry.segment)) latest.set(entry.segment, entry);
  return latest;
}

export { TARGET_METRICS } from "./target-metrics";

/** Sets (or replaces) a target for a figure of a segment in a year. */
export async function setTarget(trx: ScopedTransaction, actor: Actor, typed: Record<string, string | undefined>): Promise<void> {
  const refusals = refusalCollector();
  const segment = typed.segment ?? "";
  if (!(SEGMENTS as readonly string[]).includes(segment)) refusals.refuse(new RoadmapInputError("segment", "unknownSegment", { value: segment }));
  const metric = typed.metric ?? "";
  if (!(TARGET_METRICS as readonly string[]).includes(metric)) refusals.refuse(new RoadmapInputError("metric", "unknownMetric", { value: metric }));
  const year = Number(typed.year);
  if (!Number.isInteger(year) || year < 2000 || year > 2100) refusals.refuse(new RoadmapInputError("year", "badYear"));
  const typedComparison = typed.comparison;
  const comparison = typedComparison === "at_most" ? "at_most" : typedComparison === "at_least" ? "at_least" : null;
  if (!comparison) refusals.refuse(new RoadmapInputError("comparison", "invalid"));
  const typedValue = (typed.value ?? "").trim().replace(",", ".");
  if (!/^-?\d{1,14}(\.\d{1,4})?$/.test(typedValue)) refusals.refuse(new RoadmapInputError("value", "notNumber", { value: typed.value ?? "" }));
  refusals.done();
  if (!comparison) return;
  // A share is typed in percent and kept as a fraction, like every share.
  const value = metric === "spending_share" ? new Decimal(typedValue).dividedBy(100).toString() : typedValue;
  const row = { segment_key: segment, metric: metric as (typeof TARGET_METRICS)[number], year, comparison: comparison as "at_most" | "at_least", value, set_by: actor.label };
  await trx
    .insertInto("roadmap_target")
    .values(row)
    .onConflict((oc) => oc.columns(["segment_key", "metric", "year"]).doUpdateSet({ comparison, value, set_by: actor.label, set_at: sql`now()` }))
    .execute();
  await recordAudit(trx, { actorUserId: actor.userId, actorLabel: actor.label, action: "roadmap.target", subject: `${segment}/${metric}/${year}`, ip: actor.ip, details: row });
}

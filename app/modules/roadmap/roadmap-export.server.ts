import type { Month } from "@jeugdregio/roadmap";
import type { ScopedTransaction } from "~db/tenant-scope";
import { loadRoadmap, reviewHistory } from "./roadmap.server";

/**
 * The roadmap as JSON (CLI `report roadmap --format json`, the page's download): every track
 * with its recomputed steps, decisions, milestones and warnings as of `today`, and the reviews.
 */
export async function roadmapJson(trx: ScopedTransaction, today: Month) {
  const [tracks, reviews] = await Promise.all([loadRoadmap(trx, today), reviewHistory(trx)]);
  return {
    today,
    tracks: tracks.map((t) => ({
      id: t.id,
      segment: t.segment,
      municipality_code: t.municipalityCode,
      health: t.health,
      health_reason: t.healthReason,
      end_state: t.endState,
      current_step: t.current,
      planned_step: t.planned,
      steps: t.steps.map((s) => ({
        step: s.step,
        planned_start: s.plannedStart,
        planned_end: s.plannedEnd,
        baseline_start: s.baselineStart,
        baseline_end: s.baselineEnd,
        actual_start: s.actualStart,
        actual_end: s.actualEnd,
        state: s.state,
        late: s.late,
      })),
      decisions: t.decisions.map((d) => ({ month: d.month, description: d.description, recorded_by: d.recordedBy, recorded_at: d.recordedAt })),
      milestones: t.milestones,
      warnings: t.warnings,
    })),
    reviews: reviews.map((r) => ({
      id: r.id,
      review_id: r.reviewId,
      held_on: r.heldOn,
      body: r.body,
      segment: r.segment,
      health: r.health,
      health_reason: r.healthReason,
      decisions: r.decisions,
      risks: r.risks,
      next_steps: r.nextSteps,
      corrects: r.correctsEntryId,
      corrected_by: r.correctedBy,
      recorded_by: r.recordedBy,
      recorded_at: r.recordedAt,
    })),
  };
}

/** One row per track step, for CSV/XLSX and the CLI table. */
export function roadmapRows(roadmap: Awaited<ReturnType<typeof roadmapJson>>) {
  return roadmap.tracks.flatMap((t) =>
    t.steps.map((s) => ({
      track: t.id,
      segment: t.segment,
      municipality_code: t.municipality_code ?? "",
      // Empty: nobody has assessed the track (the JSON says null).
      health: t.health ?? "",
      step: s.step,
      planned_start: s.planned_start,
      planned_end: s.planned_end,
      actual_start: s.actual_start ?? "",
      actual_end: s.actual_end ?? "",
      state: s.state,
      late: s.late ? "yes" : "",
    })),
  );
}

/** One row per review entry, for CSV/XLSX. */
export function reviewRows(roadmap: Awaited<ReturnType<typeof roadmapJson>>) {
  return roadmap.reviews.map((r) => ({ ...r, corrects: r.corrects ?? "", corrected_by: r.corrected_by ?? "", health_reason: r.health_reason ?? "" }));
}

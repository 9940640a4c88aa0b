import { assessmentOf, type TrackSignals } from "@jeugdregio/roadmap";
import { useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { FormOutcome } from "~/modules/http.server";
import { refusalKeys } from "~/modules/refusal";

/** What a roadmap form's action answered (see roadmap-action.server.ts). */
export type RoadmapResult = FormOutcome;

/** The outcome of a roadmap form with this intent: saved, or the refused field and why (nothing changed). */
export function RoadmapNotice({ result, intent }: { result: RoadmapResult | undefined; intent: string }) {
  const { t } = useTranslation();
  const settled = useNavigation().state === "idle";
  if (!result || result.intent !== intent || !settled) return null;
  if (result.ok) {
    return (
      <p className="message" role="status" data-testid="roadmap-saved">
        {t("roadmap.saved")}
      </p>
    );
  }
  // "entries.0.health_reason" → the field's own label.
  const field = result.field.split(".").pop() ?? result.field;
  return (
    <p className="message error" role="alert" data-testid="roadmap-error" data-field={result.field}>
      {t("roadmap.refused", { field: t(`roadmap.fields.${field}`, { defaultValue: field }), reason: t(refusalKeys("roadmap", { code: result.code }), result.params) })}
    </p>
  );
}

/** A track's recorded health as a badge that reads without colour: symbol and word; "not assessed" when nobody recorded one. */
export function HealthBadge({ health }: { health: "on_track" | "at_risk" | "delayed" | null }) {
  const { t } = useTranslation();
  const assessment = assessmentOf(health);
  const symbol = { on_track: "✓", at_risk: "!", delayed: "✕", not_assessed: "?" }[assessment];
  return (
    <span className={`health health-${assessment}`} data-health={assessment}>
      <span aria-hidden="true">{symbol}</span> {t(`roadmap.health.${assessment}`)}
    </span>
  );
}

/** What the plan computes for a track, beside (never instead of) its recorded health. */
export function SignalsBadge({ signals }: { signals: TrackSignals }) {
  const { t } = useTranslation();
  if (signals.clear) {
    return (
      <span className="signals signals-none" data-signals="none">
        {t("roadmap.signals.none")}
      </span>
    );
  }
  return (
    <span className="signals signals-raised" data-signals={[signals.lateSteps.length ? "late_step" : "", signals.cannotFit ? "cannot_fit" : ""].filter(Boolean).join(" ")}>
      <span aria-hidden="true">⚠ </span>
      {[
        signals.lateSteps.length ? t("roadmap.signals.lateSteps", { count: signals.lateSteps.length }) : null,
        signals.cannotFit ? t("roadmap.signals.cannotFit", { end: signals.cannotFit.endState, until: signals.cannotFit.neededUntil }) : null,
      ]
        .filter(Boolean)
        .join(" · ")}
    </span>
  );
}

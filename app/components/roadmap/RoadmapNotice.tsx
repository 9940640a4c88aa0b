import { assessmentOf, type TrackSignals } from "@jeugdregio/roadmap";
import { useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { FormIssue, FormOutcome } from "~/modules/http.server";
import { refusalKeys } from "~/modules/refusal";

/** What a roadmap form's action answered (see roadmap-action.server.ts). */
export type RoadmapResult = FormOutcome;

/** The outcome of a roadmap form with this intent: saved, or every refused field and why (nothing changed). */
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
  // "entries.0.health_reason" → the field's own label, with the segment (or step) it belongs to.
  const describe = (issue: FormIssue) => {
    const name = issue.field.split(".").pop() ?? issue.field;
    const label = t(`roadmap.fields.${name}`, { defaultValue: name });
    const { segment, step } = issue.params;
    const field =
      typeof segment === "string"
        ? t("roadmap.fieldOfSegment", { field: label, segment: t(`segments.columns.${segment}`) })
        : typeof step === "string" && issue.field.startsWith("steps.")
          ? t("roadmap.fieldOfStep", { field: label, step: t(`roadmap.steps.${step}`, { defaultValue: step }) })
          : label;
    return { field, reason: t(refusalKeys("roadmap", { code: issue.code }), issue.params) };
  };
  const issues = result.issues?.length ? result.issues : [result];
  if (issues.length === 1) {
    return (
      <p className="message error" role="alert" data-testid="roadmap-error" data-field={result.field}>
        {t("roadmap.refused", describe(issues[0]!))}
      </p>
    );
  }
  return (
    <div className="message error" role="alert" data-testid="roadmap-error" data-field={result.field}>
      <p>{t("roadmap.refusedMany", { count: issues.length })}</p>
      <ul>
        {issues.map((issue) => (
          <li key={issue.field} data-field={issue.field}>
            {t("roadmap.refusedField", describe(issue))}
          </li>
        ))}
      </ul>
    </div>
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

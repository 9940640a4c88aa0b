import { useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { FormOutcome } from "~/modules/http.server";

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
      {t("roadmap.refused", { field: t(`roadmap.fields.${field}`, { defaultValue: field }), reason: t(`roadmap.errors.${result.code}`, result.params) })}
    </p>
  );
}

/** A track's health as a badge that reads without colour: symbol and word. */
export function HealthBadge({ health }: { health: "on_track" | "at_risk" | "delayed" }) {
  const { t } = useTranslation();
  const symbol = { on_track: "✓", at_risk: "!", delayed: "✕" }[health];
  return (
    <span className={`health health-${health}`} data-health={health}>
      <span aria-hidden="true">{symbol}</span> {t(`roadmap.health.${health}`)}
    </span>
  );
}

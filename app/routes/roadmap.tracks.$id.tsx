import { canEditTrack } from "@jeugdregio/access";
import { STEP_STATES } from "@jeugdregio/roadmap";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RoadmapNotice, type RoadmapResult } from "~/components/roadmap/RoadmapNotice";
import { nowText, TrackStatus } from "~/components/roadmap/RoadmapParts";
import { healthOptions, RoadmapField } from "~/components/roadmap/RoadmapFields";
import { stepInput, type StepField } from "~/modules/roadmap/roadmap-form";
import { TableScroll } from "~/components/TableScroll";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { notFound } from "~/modules/http.server";
import { roadmapAction } from "~/modules/roadmap/roadmap-action.server";
import { loadRoadmap, recordDecision, setTrackHealth, thisMonth, updateTrackStep, updateTrackSteps } from "~/modules/roadmap/roadmap.server";
import { pageTitle } from "~/i18n/title";
import { actorLabel } from "~/i18n/stored";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, (t) => [data && t(`segments.columns.${data.track.segment}`), data?.track.municipalityName, t("nav.roadmap")]);

/** `/roadmap/tracks/hsj`: one track's steps, health, decision moments and warnings; editable by whoever owns it. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:roadmap");
  const today = thisMonth();
  const track = (await access.run((trx) => loadRoadmap(trx, today))).find((t) => t.id === params.id);
  if (!track) throw notFound();
  return json({ today, track, editable: canEditTrack(access.user.role, access.user.municipalityCode, { municipalityCode: track.municipalityCode }) });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const trackId = params.id ?? "";
  return roadmapAction(request, context, "write:roadmap", trackId, (trx, { intent, fields, actor }) => {
    // The page saves every step in one save; one step at a time stays for other clients.
    if (intent === "steps") return updateTrackSteps(trx, actor, trackId, fields);
    if (intent === "step") return updateTrackStep(trx, actor, trackId, fields);
    if (intent === "health") return setTrackHealth(trx, actor, trackId, fields.health ?? "", fields.health_reason);
    if (intent === "decision") return recordDecision(trx, actor, trackId, fields);
    throw new Response("Bad Request", { status: 400 });
  });
}

export default function TrackPage() {
  const { track, editable, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as RoadmapResult | undefined;
  const { t } = useTranslation();
  const format = useFormat();
  const busy = useNavigation().state === "submitting";
  const healthForm = { result, intent: "health" };
  const decisionForm = { result, intent: "decision" };
  const title = track.municipalityName ? `${t(`segments.columns.${track.segment}`)}: ${track.municipalityName}` : t(`segments.columns.${track.segment}`);
  return (
    <>
      <p>
        <Link to="/roadmap">{t("roadmap.backToDashboard")}</Link>
      </p>
      <h1>{title}</h1>
      <TrackStatus track={track} />
      <p className="hint">
        {t("roadmap.currentVsPlanned", {
          current: nowText(t, track),
          planned: track.planned ? t(`roadmap.steps.${track.planned}`) : t("roadmap.notYetStarted"),
          month: today,
        })}
      </p>
      {track.warnings.length ? (
        <ul className="warnings" data-testid="track-warnings">
          {track.warnings.map((w, i) => (
            <li key={i} data-warning={w.kind}>
              {w.kind === "late_step"
                ? t("roadmap.warnings.late_step", { step: t(`roadmap.steps.${w.step}`), end: w.plannedEnd })
                : t("roadmap.warnings.cannot_fit", { until: w.neededUntil, end: w.endState })}
            </li>
          ))}
        </ul>
      ) : null}
      {/* One form for every step, one save: a refused step refuses the save, every typed value stays. */}
      <StepsForm track={track} editable={editable} result={result} busy={busy} />

      {editable ? (
        <Form method="post" className="stacked" data-testid="health-form">
          <h2>{t("roadmap.healthTitle")}</h2>
          <input type="hidden" name="intent" value="health" />
          <RoadmapField
            form={healthForm}
            name="health"
            label={t("roadmap.fields.health")}
            value={track.health ?? ""}
            // Not a choice: a track stays "not assessed" until someone picks one of the three.
            control={{ kind: "select", options: healthOptions(t, track.health === null ? { value: "", label: t("roadmap.health.not_assessed"), disabled: true } : undefined) }}
          />
          <RoadmapField form={healthForm} name="health_reason" label={t("roadmap.fields.health_reason")} hint={t("roadmap.reasonHint")} value={track.healthReason ?? ""} control={{ kind: "textarea" }} />
          <RoadmapNotice result={result} intent="health" />
          <button type="submit" className="primary" disabled={busy}>
            {t("roadmap.save")}
          </button>
        </Form>
      ) : null}

      <section aria-labelledby="decisions-title" data-testid="track-decisions">
        <h2 id="decisions-title">{t("roadmap.decisionsTitle")}</h2>
        <p className="hint">{t("roadmap.decisionsIntro")}</p>
        {track.decisions.length === 0 ? (
          <p>{t("roadmap.noDecisions")}</p>
        ) : (
          <ul>
            {track.decisions.map((d) => (
              <li key={d.id}>
                <strong>{d.month}</strong> {d.description} <span className="meta">{t("roadmap.recorded", { who: actorLabel(t, d.recordedBy), when: format.dateTime(d.recordedAt) })}</span>
              </li>
            ))}
          </ul>
        )}
        {editable ? (
          // Emptied once the decision is recorded (a new key); kept as typed when refused.
          <Form key={track.decisions.length} method="post" className="stacked" data-testid="decision-form">
            <input type="hidden" name="intent" value="decision" />
            <RoadmapField form={decisionForm} name="month" label={t("roadmap.fields.month")} value={today} control={{ kind: "month" }} />
            <RoadmapField form={decisionForm} name="description" label={t("roadmap.fields.description")} value="" control={{ kind: "text", size: 60 }} />
            <RoadmapNotice result={result} intent="decision" />
            <button type="submit" className="primary" disabled={busy}>
              {t("roadmap.addDecision")}
            </button>
          </Form>
        ) : null}
      </section>
      {track.milestones.length ? (
        <section aria-labelledby="milestones-title">
          <h2 id="milestones-title">{t("roadmap.milestonesTitle")}</h2>
          <ul>
            {track.milestones.map((m, i) => (
              <li key={i}>
                <strong>{m.month}</strong> {m.label ?? t(`roadmap.milestones.${m.kind}`)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

type Track = ReturnType<typeof useLoaderData<typeof loader>>["track"];

/** The track's steps as a table; for who may edit it, one form with every step's inputs and one save. */
function StepsForm({ track, editable, result, busy }: { track: Track; editable: boolean; result: RoadmapResult | undefined; busy: boolean }) {
  const { t } = useTranslation();
  const form = { result, intent: "steps" };
  const stateOptions = STEP_STATES.map((state) => ({ value: state, label: t(`roadmap.states.${state}`) }));
  const table = (
    <TableScroll labelledBy="track-steps-caption">
      <table className="data" data-testid="track-steps">
        <caption id="track-steps-caption">{t("roadmap.stepsCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("roadmap.fields.step")}</th>
            <th scope="col">{t("roadmap.planned")}</th>
            <th scope="col">{t("roadmap.actual")}</th>
            <th scope="col">{t("roadmap.fields.state")}</th>
          </tr>
        </thead>
        <tbody>
          {track.steps.map((s) => {
            const stepName = t(`roadmap.steps.${s.step}`);
            const field = (name: StepField, value: string, control: Parameters<typeof RoadmapField>[0]["control"]) => (
              <RoadmapField form={form} name={stepInput(name, s.step)} label={t("roadmap.fieldOfStep", { field: t(`roadmap.fields.${name}`), step: stepName })} value={value} control={control} labelHidden />
            );
            return (
              <tr key={s.step} data-step={s.step} className={s.late ? "late" : undefined}>
                <th scope="row">
                  {stepName}
                  {s.late ? <span className="meta"> {t("roadmap.late")}</span> : null}
                </th>
                <td>
                  {s.plannedStart} – {s.plannedEnd}
                  {s.startShift || s.endShift ? <span className="meta"> {t("roadmap.shifted", { start: s.baselineStart, end: s.baselineEnd })}</span> : null}
                  {editable ? (
                    <span className="inline-fields">
                      {field("plannedStart", s.baselineStart, { kind: "month" })}
                      {field("plannedEnd", s.baselineEnd, { kind: "month" })}
                    </span>
                  ) : null}
                </td>
                <td>
                  {s.actualStart ?? ""}
                  {s.actualStart ? " – " : ""}
                  {s.actualEnd ?? ""}
                  {editable ? (
                    <span className="inline-fields">
                      {field("actualStart", s.actualStart ?? "", { kind: "month" })}
                      {field("actualEnd", s.actualEnd ?? "", { kind: "month" })}
                    </span>
                  ) : null}
                </td>
                <td>{editable ? field("state", s.state, { kind: "select", options: stateOptions }) : t(`roadmap.states.${s.state}`)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
  if (!editable) {
    return (
      <>
        {table}
        <p className="hint">{t("roadmap.plannedHint")}</p>
      </>
    );
  }
  return (
    <Form method="post" data-testid="steps-form" aria-describedby="steps-hint">
      <input type="hidden" name="intent" value="steps" />
      {table}
      <p className="hint" id="steps-hint">
        {t("roadmap.plannedHint")} {t("roadmap.stepsHint")}
      </p>
      <RoadmapNotice result={result} intent="steps" />
      <button type="submit" className="primary" disabled={busy}>
        {t("roadmap.saveSteps")}
      </button>
    </Form>
  );
}

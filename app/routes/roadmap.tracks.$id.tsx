import { canEditTrack } from "@jeugdregio/access";
import { STEP_STATES } from "@jeugdregio/roadmap";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RoadmapNotice, type RoadmapResult } from "~/components/roadmap/RoadmapNotice";
import { nowText, TrackStatus } from "~/components/roadmap/RoadmapParts";
import { TableScroll } from "~/components/TableScroll";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { notFound } from "~/modules/http.server";
import { roadmapAction } from "~/modules/roadmap/roadmap-action.server";
import { loadRoadmap, recordDecision, setTrackHealth, thisMonth, updateTrackStep } from "~/modules/roadmap/roadmap.server";
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
      <TableScroll labelledBy="track-steps-caption">
        <table className="data" data-testid="track-steps">
          <caption id="track-steps-caption">{t("roadmap.stepsCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("roadmap.fields.step")}</th>
              <th scope="col">{t("roadmap.planned")}</th>
              <th scope="col">{t("roadmap.actual")}</th>
              <th scope="col">{t("roadmap.fields.state")}</th>
              {editable ? <th scope="col">{t("roadmap.change")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {track.steps.map((s) => {
              const formId = `step-${s.step}`;
              return (
                <tr key={s.step} data-step={s.step} className={s.late ? "late" : undefined}>
                  <th scope="row">
                    {t(`roadmap.steps.${s.step}`)}
                    {s.late ? <span className="meta"> {t("roadmap.late")}</span> : null}
                  </th>
                  <td>
                    {s.plannedStart} – {s.plannedEnd}
                    {s.startShift || s.endShift ? <span className="meta"> {t("roadmap.shifted", { start: s.baselineStart, end: s.baselineEnd })}</span> : null}
                    {editable ? (
                      <span className="inline-fields">
                        <input type="month" form={formId} name="planned_start" aria-label={t("roadmap.fieldOfStep", { field: t("roadmap.fields.plannedStart"), step: t(`roadmap.steps.${s.step}`) })} defaultValue={s.baselineStart} />
                        <input type="month" form={formId} name="planned_end" aria-label={t("roadmap.fieldOfStep", { field: t("roadmap.fields.plannedEnd"), step: t(`roadmap.steps.${s.step}`) })} defaultValue={s.baselineEnd} />
                      </span>
                    ) : null}
                  </td>
                  <td>
                    {s.actualStart ?? ""}
                    {s.actualStart ? " – " : ""}
                    {s.actualEnd ?? ""}
                    {editable ? (
                      <span className="inline-fields">
                        <input type="month" form={formId} name="actual_start" aria-label={t("roadmap.fieldOfStep", { field: t("roadmap.fields.actualStart"), step: t(`roadmap.steps.${s.step}`) })} defaultValue={s.actualStart ?? ""} />
                        <input type="month" form={formId} name="actual_end" aria-label={t("roadmap.fieldOfStep", { field: t("roadmap.fields.actualEnd"), step: t(`roadmap.steps.${s.step}`) })} defaultValue={s.actualEnd ?? ""} />
                      </span>
                    ) : null}
                  </td>
                  <td>
                    {editable ? (
                      <select form={formId} name="state" aria-label={t("roadmap.fieldOfStep", { field: t("roadmap.fields.state"), step: t(`roadmap.steps.${s.step}`) })} defaultValue={s.state}>
                        {STEP_STATES.map((state) => (
                          <option key={state} value={state}>
                            {t(`roadmap.states.${state}`)}
                          </option>
                        ))}
                      </select>
                    ) : (
                      t(`roadmap.states.${s.state}`)
                    )}
                  </td>
                  {editable ? (
                    <td>
                      <Form method="post" id={formId} className="inline">
                        <input type="hidden" name="intent" value="step" />
                        <input type="hidden" name="step" value={s.step} />
                        <button type="submit" className="secondary" disabled={busy}>
                          {t("roadmap.save")}
                        </button>
                      </Form>
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
      <p className="hint">{t("roadmap.plannedHint")}</p>
      <RoadmapNotice result={result} intent="step" />

      {editable ? (
        <Form method="post" className="stacked" data-testid="health-form">
          <h2>{t("roadmap.healthTitle")}</h2>
          <input type="hidden" name="intent" value="health" />
          <label>
            {t("roadmap.fields.health")}
            <select name="health" defaultValue={track.health ?? ""}>
              {/* Not a choice: a track stays "not assessed" until someone picks one of the three. */}
              {track.health === null ? (
                <option value="" disabled>
                  {t("roadmap.health.not_assessed")}
                </option>
              ) : null}
              {(["on_track", "at_risk", "delayed"] as const).map((h) => (
                <option key={h} value={h}>
                  {t(`roadmap.health.${h}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("roadmap.fields.health_reason")}
            <textarea name="health_reason" rows={2} defaultValue={track.healthReason ?? ""} />
            <span className="hint">{t("roadmap.reasonHint")}</span>
          </label>
          <RoadmapNotice result={result} intent="health" />
          <button type="submit" disabled={busy}>
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
          <Form method="post" className="stacked" data-testid="decision-form">
            <input type="hidden" name="intent" value="decision" />
            <label>
              {t("roadmap.fields.month")}
              <input type="month" name="month" defaultValue={today} />
            </label>
            <label>
              {t("roadmap.fields.description")}
              <input name="description" size={60} />
            </label>
            <RoadmapNotice result={result} intent="decision" />
            <button type="submit" disabled={busy}>
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

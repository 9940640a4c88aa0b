import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { HealthBadge, RoadmapNotice, type RoadmapResult } from "~/components/roadmap/RoadmapNotice";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { roadmapAction } from "~/modules/roadmap/roadmap-action.server";
import { ROADMAP_SEGMENTS } from "~/modules/roadmap/segment-order";
import { recordReview, reviewHistory, RoadmapInputError, type ReviewEntryInput } from "~/modules/roadmap/roadmap.server";
import { pageTitle } from "~/i18n/title";
import { actorLabel } from "~/i18n/stored";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, (t) => [t("roadmap.reviewsTitle"), t("nav.roadmap")]);

/** `/roadmap/reviews`: the steering body's reviews, append-only, with their corrections. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:roadmap");
  return json({ entries: await access.run((trx) => reviewHistory(trx)), canReview: access.can("write:reviews") });
}

/** A review: the meeting, and an entry for each segment whose health was filled in. */
export async function action({ request, context }: ActionFunctionArgs) {
  return roadmapAction(request, context, "write:reviews", null, (trx, { intent, fields, actor }) => {
    // Reviews are append-only: an edit is refused with the way to correct instead.
    if (intent === "edit" || intent === "delete") throw new RoadmapInputError("review", "appendOnly");
    if (intent !== "review") throw new Response("Bad Request", { status: 400 });
    const entries: ReviewEntryInput[] = [];
    // Every posted health_<segment> is an entry; an unknown segment is refused by name, not ignored.
    const segments = Object.keys(fields).flatMap((name) => (name.startsWith("health_") ? [name.slice("health_".length)] : []));
    for (const segment of segments) {
      const health = fields[`health_${segment}`];
      if (!health) continue;
      entries.push({
        segment,
        health,
        health_reason: fields[`reason_${segment}`],
        decisions: fields[`decisions_${segment}`],
        risks: fields[`risks_${segment}`],
        next_steps: fields[`next_${segment}`],
        corrects: fields[`corrects_${segment}`] || undefined,
      });
    }
    return recordReview(trx, actor, { held_on: fields.held_on, body: fields.body, entries });
  });
}

export default function ReviewsPage() {
  const { entries, canReview } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as RoadmapResult | undefined;
  const { t } = useTranslation();
  const format = useFormat();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <p>
        <Link to="/roadmap">{t("roadmap.backToDashboard")}</Link>
      </p>
      <h1>{t("roadmap.reviewsTitle")}</h1>
      <p className="hint">{t("roadmap.reviewsIntro")}</p>
      {canReview ? (
        <Form method="post" className="stacked review-form" data-testid="review-form">
          <h2>{t("roadmap.newReview")}</h2>
          <input type="hidden" name="intent" value="review" />
          <label>
            {t("roadmap.fields.held_on")}
            <input type="date" name="held_on" />
          </label>
          <label>
            {t("roadmap.fields.body")}
            <input name="body" size={40} placeholder={t("roadmap.bodyExample")} />
          </label>
          <p className="hint">{t("roadmap.entryHint")}</p>
          {ROADMAP_SEGMENTS.map((segment) => {
            const earlier = entries.filter((e) => e.segment === segment);
            return (
              <fieldset key={segment} data-segment={segment}>
                <legend>{t(`segments.columns.${segment}`)}</legend>
                <label>
                  {t("roadmap.fields.health")}
                  <select name={`health_${segment}`} defaultValue="">
                    <option value="">{t("roadmap.noEntry")}</option>
                    {(["on_track", "at_risk", "delayed"] as const).map((h) => (
                      <option key={h} value={h}>
                        {t(`roadmap.health.${h}`)}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  {t("roadmap.fields.health_reason")}
                  <input name={`reason_${segment}`} size={60} />
                </label>
                <label>
                  {t("roadmap.fields.decisions")}
                  <textarea name={`decisions_${segment}`} rows={2} />
                </label>
                <label>
                  {t("roadmap.fields.risks")}
                  <textarea name={`risks_${segment}`} rows={2} />
                </label>
                <label>
                  {t("roadmap.fields.next_steps")}
                  <textarea name={`next_${segment}`} rows={2} />
                </label>
                {earlier.length ? (
                  <label>
                    {t("roadmap.fields.corrects")}
                    <select name={`corrects_${segment}`} defaultValue="">
                      <option value="">{t("roadmap.notACorrection")}</option>
                      {earlier.map((e) => (
                        <option key={e.id} value={e.id}>
                          {e.body} ({e.heldOn})
                        </option>
                      ))}
                    </select>
                  </label>
                ) : null}
              </fieldset>
            );
          })}
          <RoadmapNotice result={result} intent="review" />
          <button type="submit" disabled={busy}>
            {t("roadmap.recordReview")}
          </button>
        </Form>
      ) : null}
      <section aria-labelledby="history-title" data-testid="review-history">
        <h2 id="history-title">{t("roadmap.reviewHistory")}</h2>
        {entries.length === 0 ? (
          <p>{t("roadmap.noReviews")}</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t("roadmap.meeting")}</th>
                <th scope="col">{t("roadmap.fields.segment")}</th>
                <th scope="col">{t("roadmap.fields.health")}</th>
                <th scope="col">{t("roadmap.fields.decisions")}</th>
                <th scope="col">{t("roadmap.fields.risks")}</th>
                <th scope="col">{t("roadmap.fields.next_steps")}</th>
                <th scope="col">{t("roadmap.recordedBy")}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => {
                const corrected = e.correctsEntryId === null ? null : entries.find((x) => x.id === e.correctsEntryId);
                return (
                  <tr key={e.id} data-entry={e.id} className={e.correctedBy ? "superseded" : undefined}>
                    <td>
                      {e.body}
                      <br />
                      <span className="meta">{format.date(e.heldOn)}</span>
                    </td>
                    <td>{t(`segments.columns.${e.segment}`)}</td>
                    <td>
                      <HealthBadge health={e.health} />
                      {e.healthReason ? <div>{e.healthReason}</div> : null}
                    </td>
                    <td>
                      {e.decisions}
                      {corrected ? <div className="meta">{t("roadmap.correctsEntry", { body: corrected.body })}</div> : null}
                      {e.correctedBy ? <div className="meta">{t("roadmap.correctedLater")}</div> : null}
                    </td>
                    <td>{e.risks}</td>
                    <td>{e.nextSteps}</td>
                    <td>
                      {actorLabel(t, e.recordedBy)}
                      <br />
                      <span className="meta">{format.dateTime(e.recordedAt)}</span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { HealthBadge, RoadmapNotice, type RoadmapResult } from "~/components/roadmap/RoadmapNotice";
import { RoadmapField, SegmentEntryFields } from "~/components/roadmap/RoadmapFields";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { roadmapAction } from "~/modules/roadmap/roadmap-action.server";
import { ROADMAP_SEGMENTS } from "~/modules/roadmap/segment-order";
import { ENTRY_INPUTS, entryInput, type EntryField } from "~/modules/roadmap/roadmap-form";
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
    // Every segment with anything typed is an entry (so typed decisions without a health are refused,
    // not dropped); an unknown segment is refused by name, not ignored.
    const segments = new Set(Object.keys(fields).flatMap((name) => (name.startsWith("health_") ? [name.slice("health_".length)] : [])));
    for (const segment of ROADMAP_SEGMENTS) segments.add(segment);
    for (const segment of segments) {
      const typed = (field: EntryField) => fields[entryInput(field, segment)];
      if (!(Object.keys(ENTRY_INPUTS) as EntryField[]).some((field) => typed(field)?.trim())) continue;
      entries.push({
        segment,
        health: typed("health") ?? "",
        health_reason: typed("health_reason"),
        decisions: typed("decisions"),
        risks: typed("risks"),
        next_steps: typed("next_steps"),
        corrects: typed("corrects") || undefined,
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
  const form = { result, intent: "review" };
  return (
    <>
      <p>
        <Link to="/roadmap">{t("roadmap.backToDashboard")}</Link>
      </p>
      <h1>{t("roadmap.reviewsTitle")}</h1>
      <p className="hint">{t("roadmap.reviewsIntro")}</p>
      {canReview ? (
        // A recorded review empties the form (a new key once the history has it); a refused one keeps every typed value.
        <Form key={entries.length} method="post" className="stacked review-form" data-testid="review-form">
          <h2>{t("roadmap.newReview")}</h2>
          <input type="hidden" name="intent" value="review" />
          <RoadmapField form={form} name="held_on" label={t("roadmap.fields.held_on")} value="" control={{ kind: "date" }} />
          <RoadmapField form={form} name="body" label={t("roadmap.fields.body")} value="" control={{ kind: "text", size: 40, placeholder: t("roadmap.bodyExample") }} />
          <p className="hint">{t("roadmap.entryHint")}</p>
          {ROADMAP_SEGMENTS.map((segment) => (
            <SegmentEntryFields key={segment} form={form} segment={segment} earlier={entries.filter((e) => e.segment === segment)} />
          ))}
          <RoadmapNotice result={result} intent="review" />
          <button type="submit" className="primary" disabled={busy}>
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

import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AsOfField } from "~/components/AsOfField";
import { DataThrough } from "~/components/DataThrough";
import { RoadmapTimeline, SegmentProgressCard } from "~/components/roadmap/RoadmapParts";
import { RoadmapNotice, type RoadmapResult } from "~/components/roadmap/RoadmapNotice";
import { requireAccess } from "~/modules/access/access.server";
import { requestAsOf } from "~/modules/reports/as-of-view.server";
import { roadmapAction } from "~/modules/roadmap/roadmap-action.server";
import { roadmapDashboard } from "~/modules/roadmap/roadmap-view.server";
import { setTarget, thisMonth } from "~/modules/roadmap/roadmap.server";
import { ROADMAP_SEGMENTS } from "~/modules/roadmap/segment-order";
import { TARGET_METRICS } from "~/modules/roadmap/target-metrics";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, (t) => [t("nav.roadmap")]);

/** `/roadmap?asOf=2026-06-30`: the page the steering body opens in a meeting (a bad `asOf` is a 400). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:roadmap");
  return json(await roadmapDashboard(access, thisMonth(), requestAsOf(new URL(request.url))));
}

/** Steering members set targets per figure and year. */
export async function action({ request, context }: ActionFunctionArgs) {
  return roadmapAction(request, context, "write:targets", null, (trx, { intent, fields, actor }) => {
    if (intent !== "target") throw new Response("Bad Request", { status: 400 });
    return setTarget(trx, actor, fields);
  });
}

export default function RoadmapDashboardPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as RoadmapResult | undefined;
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <h1>{t("roadmap.title")}</h1>
      <DataThrough through={data.dataThrough} declaredUpTo={data.asOf} />
      <p className="hint">{t("roadmap.intro")}</p>
      <p className="actions no-print">
        <Link to={`/roadmap/print${data.requestedAsOf ? `?asOf=${encodeURIComponent(data.requestedAsOf)}` : ""}`}>{t("roadmap.printReport")}</Link> · <Link to="/roadmap/reviews">{t("roadmap.reviewsTitle")}</Link> ·{" "}
        <a href="/roadmap/export?table=tracks&format=json">{t("roadmap.download.json")}</a> · <a href="/roadmap/export?table=tracks&format=csv">{t("roadmap.download.tracksCsv")}</a> ·{" "}
        <a href="/roadmap/export?table=reviews&format=csv">{t("roadmap.download.reviewsCsv")}</a>
      </p>
      <Form method="get" className="filters no-print" data-testid="roadmap-filters">
        <AsOfField value={data.requestedAsOf} max={data.todayDate} />
        <button type="submit" className="secondary">
          {t("segments.show")}
        </button>
      </Form>
      <p className="hint" data-testid="figures-scope">
        {data.figuresScope.kind === "region" ? t("roadmap.figuresRegion") : t("roadmap.figuresMunicipality", { municipality: data.figuresScopeName })}
      </p>
      <h2>{t("roadmap.cardsTitle")}</h2>
      <p className="hint">{t("roadmap.statusHint")}</p>
      <div className="progress-cards">
        {data.cards.map((card) => (
          <SegmentProgressCard key={card.segment} card={card} />
        ))}
      </div>
      <RoadmapTimeline tracks={data.cards.flatMap((c) => c.tracks)} today={data.today} />
      {data.canSetTargets ? (
        <Form method="post" className="filters no-print" data-testid="target-form">
          <h2>{t("roadmap.setTarget")}</h2>
          <input type="hidden" name="intent" value="target" />
          <label>
            {t("roadmap.fields.segment")}
            <select name="segment">
              {ROADMAP_SEGMENTS.map((s) => (
                <option key={s} value={s}>
                  {t(`segments.columns.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("roadmap.fields.metric")}
            <select name="metric">
              {TARGET_METRICS.map((m) => (
                <option key={m} value={m}>
                  {t(`roadmap.metrics.${m}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("roadmap.fields.year")}
            <input name="year" inputMode="numeric" size={6} defaultValue={String(Number(data.today.slice(0, 4)) + 1)} />
          </label>
          <label>
            {t("roadmap.fields.comparison")}
            <select name="comparison">
              <option value="at_most">{t("roadmap.comparisonNames.at_most")}</option>
              <option value="at_least">{t("roadmap.comparisonNames.at_least")}</option>
            </select>
          </label>
          <label>
            {t("roadmap.fields.value")}
            <input name="value" inputMode="decimal" size={10} />
            <span className="hint">{t("roadmap.valueHint")}</span>
          </label>
          <button type="submit" disabled={busy}>
            {t("roadmap.save")}
          </button>
          <RoadmapNotice result={result} intent="target" />
        </Form>
      ) : null}
    </>
  );
}

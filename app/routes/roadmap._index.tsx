import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AsOfField } from "~/components/AsOfField";
import { DataThrough } from "~/components/DataThrough";
import { RoadmapTimeline, SegmentProgressCard } from "~/components/roadmap/RoadmapParts";
import { RoadmapNotice, type RoadmapResult } from "~/components/roadmap/RoadmapNotice";
import { RoadmapField } from "~/components/roadmap/RoadmapFields";
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
  const targetForm = { result, intent: "target" };
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
          <RoadmapField form={targetForm} name="segment" label={t("roadmap.fields.segment")} value={ROADMAP_SEGMENTS[0]!} control={{ kind: "select", options: ROADMAP_SEGMENTS.map((s) => ({ value: s, label: t(`segments.columns.${s}`) })) }} />
          <RoadmapField form={targetForm} name="metric" label={t("roadmap.fields.metric")} value={TARGET_METRICS[0]!} control={{ kind: "select", options: TARGET_METRICS.map((m) => ({ value: m, label: t(`roadmap.metrics.${m}`) })) }} />
          <RoadmapField form={targetForm} name="year" label={t("roadmap.fields.year")} value={String(Number(data.today.slice(0, 4)) + 1)} control={{ kind: "text", size: 6, inputMode: "numeric" }} />
          <RoadmapField
            form={targetForm}
            name="comparison"
            label={t("roadmap.fields.comparison")}
            value="at_most"
            control={{ kind: "select", options: (["at_most", "at_least"] as const).map((c) => ({ value: c, label: t(`roadmap.comparisonNames.${c}`) })) }}
          />
          <RoadmapField form={targetForm} name="value" label={t("roadmap.fields.value")} hint={t("roadmap.valueHint")} value="" control={{ kind: "text", size: 10, inputMode: "decimal" }} />
          <button type="submit" className="primary" disabled={busy}>
            {t("roadmap.save")}
          </button>
          <RoadmapNotice result={result} intent="target" />
        </Form>
      ) : null}
    </>
  );
}

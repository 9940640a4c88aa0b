import { todayInAmsterdam } from "@jeugdregio/format";
import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DataThrough } from "~/components/DataThrough";
import { TableScroll } from "~/components/TableScroll";
import { SEGMENT_COLUMNS } from "~/components/segments/columns";
import { RoadmapTimeline, SegmentProgressCard, trackTitle } from "~/components/roadmap/RoadmapParts";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { requestAsOf } from "~/modules/reports/as-of-view.server";
import { disclosedSegmentReport } from "~/modules/reports/disclosure.server";
import { latestCompleteYear } from "~/modules/figures/yearly.server";
import { segmentReport } from "~/modules/reports/segment-report.server";
import { roadmapDashboard } from "~/modules/roadmap/roadmap-view.server";
import { thisMonth } from "~/modules/roadmap/roadmap.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, (t) => [t("roadmap.reportTitle"), data?.reportDate]);

/**
 * `/roadmap/print`: the steering report on A4 (print stylesheet): the segment table of the latest
 * complete year, the progress cards, the timeline and the decisions since the previous review;
 * the figures as of `asOf=` (a bad one is a 400).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:roadmap");
  const asOf = requestAsOf(new URL(request.url));
  const dashboard = await roadmapDashboard(access, thisMonth(), asOf);
  const scope = dashboard.figuresScope;
  const table = await access.run(async (trx) => {
    const year = await latestCompleteYear(trx, scope, asOf.read);
    return year === null ? null : disclosedSegmentReport(access, scope, await segmentReport(trx, year, scope, "summary", asOf.read));
  });
  // The meetings: the latest one's decisions, and decision moments on tracks since the one before.
  const meetings = [...new Map(dashboard.reviews.map((e) => [e.reviewId, e.heldOn])).entries()];
  const latest = meetings[0] ?? null;
  const previous = meetings[1] ?? null;
  const since = previous ? previous[1].slice(0, 7) : null;
  const trackDecisions = dashboard.cards
    .flatMap((c) => c.tracks)
    .flatMap((track) => track.decisions.filter((d) => since === null || d.month >= since).map((d) => ({ ...d, track: { segment: track.segment, municipalityName: track.municipalityName } })));
  return json({
    // The report's date on the region's clock, from the server (the same on the client after hydration).
    reportDate: todayInAmsterdam(),
    dashboard,
    table,
    latestReview: latest ? dashboard.reviews.filter((e) => e.reviewId === latest[0]) : [],
    previousHeldOn: previous ? previous[1] : null,
    trackDecisions,
  });
}

export default function PrintReport() {
  const { reportDate, dashboard, table, latestReview, previousHeldOn, trackDecisions } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  // The columns of /segments, in its order (the total first, unassigned last), so the figures read alike.
  const columns = SEGMENT_COLUMNS;
  return (
    <div className="print-report" data-testid="print-report">
      <p className="no-print actions">
        <Link to={`/roadmap${dashboard.requestedAsOf ? `?asOf=${encodeURIComponent(dashboard.requestedAsOf)}` : ""}`}>{t("roadmap.backToDashboard")}</Link>{" "}
        <button type="button" className="secondary" onClick={() => window.print()} data-testid="print-button">
          {t("roadmap.print")}
        </button>
      </p>
      <h1>{t("roadmap.reportTitle")}</h1>
      <DataThrough through={dashboard.dataThrough} declaredUpTo={dashboard.asOf} />
      <p className="hint">
        {t("roadmap.reportDate", { date: format.date(reportDate) })} · {dashboard.figuresScope.kind === "region" ? t("roadmap.figuresRegion") : t("roadmap.figuresMunicipality", { municipality: dashboard.figuresScopeName })}
      </p>
      <section aria-labelledby="table-title" className="keep-together">
        <h2 id="table-title">{table ? t("roadmap.segmentTableTitle", { year: table.year }) : t("roadmap.noCompleteYear")}</h2>
        {table ? (
          // On a narrow screen the eight columns scroll in their box, not the page; on paper they fit.
          <TableScroll labelledBy="table-title">
          <table className="data compact" data-testid="print-segment-table">
            <thead>
              <tr>
                <th scope="col">{t("roadmap.figure")}</th>
                {columns.map((c) => (
                  <th scope="col" key={c}>
                    {t(`segments.columns.${c}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">{t("roadmap.metrics.clients")}</th>
                {columns.map((c) => (
                  <td className="num" key={c}>
                    {table.segments[c].clients === null ? t("segments.fewerThan5") : format.number(table.segments[c].clients!)}
                  </td>
                ))}
              </tr>
              <tr>
                <th scope="row">{t("roadmap.metrics.spending")}</th>
                {columns.map((c) => (
                  <td className="num" key={c}>
                    {format.money(table.segments[c].spending, { cents: false })}
                  </td>
                ))}
              </tr>
              <tr>
                <th scope="row">{t("roadmap.metrics.avg_per_client")}</th>
                {columns.map((c) => (
                  <td className="num" key={c}>
                    {table.segments[c].clients === null
                      ? t("segments.fewerThan5")
                      : table.segments[c].avg_per_client === null
                        ? ""
                        : format.money(table.segments[c].avg_per_client!, { cents: false })}
                  </td>
                ))}
              </tr>
              <tr>
                <th scope="row">{t("roadmap.metrics.providers_80")}</th>
                {columns.map((c) => (
                  <td className="num" key={c}>
                    {format.number(table.segments[c].providers_80)}
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
          </TableScroll>
        ) : null}
      </section>
      <section aria-labelledby="decisions-title" className="keep-together" data-testid="print-decisions">
        <h2 id="decisions-title">{previousHeldOn ? t("roadmap.decisionsSince", { date: format.date(previousHeldOn) }) : t("roadmap.decisionsAll")}</h2>
        {latestReview.length === 0 && trackDecisions.length === 0 ? <p>{t("roadmap.noDecisions")}</p> : null}
        <ul>
          {latestReview
            .filter((e) => e.decisions)
            .map((e) => (
              <li key={e.id}>
                <strong>{t(`segments.columns.${e.segment}`)}</strong> ({e.body}): {e.decisions}
              </li>
            ))}
          {trackDecisions.map((d) => (
            <li key={`${d.id}`}>
              <strong>{trackTitle(t, d.track)}</strong> ({d.month}): {d.description} — {t("roadmap.plusOneMonth")}
            </li>
          ))}
        </ul>
      </section>
      <h2>{t("roadmap.cardsTitle")}</h2>
      <div className="progress-cards">
        {dashboard.cards.map((card) => (
          <SegmentProgressCard key={card.segment} card={card} />
        ))}
      </div>
      <div className="page-break-before">
        <RoadmapTimeline tracks={dashboard.cards.flatMap((c) => c.tracks)} today={dashboard.today} />
      </div>
    </div>
  );
}

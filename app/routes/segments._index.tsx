import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SegmentOverview } from "~/components/segments/SegmentOverview";
import { SegmentsQueryProvider } from "~/components/segments/SegmentsQueryProvider";
import { todayInAmsterdam } from "@jeugdregio/format";
import { requireAccess } from "~/modules/access/access.server";
import { dataThrough } from "~/modules/figures/data-through.server";
import { requestAsOf } from "~/modules/reports/as-of-view.server";
import { disclosedSegmentReport } from "~/modules/reports/disclosure.server";
import { segmentForecast } from "~/modules/reports/forecast-view.server";
import { parseYear, resolveSegmentScope } from "~/modules/http.server";
import { segmentOverview } from "~/modules/reports/drilldown.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, (t) => [t("nav.segments"), data && (data.scopeName ?? t("app.region")), data?.report.year]);

/**
 * `/segments?year=2023&scope=region|GM….&asOf=YYYY-MM-DD`: DOMAIN.md's segment table and the
 * spending chart, as of a date (default today). A bad year falls back to the latest year with
 * data; a scope out of reach is a 404; a malformed or future as-of date a 400.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:segments");
  const url = new URL(request.url);
  const scope = resolveSegmentScope(access, url.searchParams.get("scope"));
  const year = parseYear(url.searchParams.get("year"));
  const asOf = requestAsOf(url);
  const overview = await access.run(async (trx) => {
    const found = await segmentOverview(trx, scope, year === "invalid" ? null : year, asOf.read);
    return { ...found, chart: { ...found.chart, asOf: asOf.asOf, dataThrough: await dataThrough(trx, scope.report, asOf.asOf) } };
  });
  const regional = access.scope.read === "all";
  const forecast = await segmentForecast(access, scope, overview.report.year, url);
  return json({
    regional,
    scope: scope.key,
    scopeName: scope.name,
    municipalities: regional ? access.municipalities : [],
    ...overview,
    requestedAsOf: asOf.requested,
    today: todayInAmsterdam(),
    report: disclosedSegmentReport(access, scope.report, overview.report),
    forecast,
  });
}

/** With JavaScript, year and scope changes only rewrite the query string: React Query fetches the figures. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formMethod, defaultShouldRevalidate }) => {
  if (currentUrl.pathname === nextUrl.pathname && (!formMethod || formMethod.toUpperCase() === "GET")) return false;
  return defaultShouldRevalidate;
};

export default function SegmentsPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("segments.title")}</h1>
      <SegmentsQueryProvider>
        <SegmentOverview initial={data} intro={<p className="hint">{t("segments.intro")}</p>} />
      </SegmentsQueryProvider>
    </>
  );
}

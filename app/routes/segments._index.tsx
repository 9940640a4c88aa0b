import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SegmentOverview } from "~/components/segments/SegmentOverview";
import { SegmentsQueryProvider } from "~/components/segments/SegmentsQueryProvider";
import { requireAccess } from "~/modules/access/access.server";
import { disclosedSegmentReport } from "~/modules/reports/disclosure.server";
import { segmentForecast } from "~/modules/reports/forecast-view.server";
import { parseYear, resolveSegmentScope, segmentOverview } from "~/modules/reports/drilldown.server";

export const meta: MetaFunction = () => [{ title: "Jeugdregio Insight" }];

/**
 * `/segments?year=2023&scope=region|GM….`: DOMAIN.md's segment table and the
 * spending chart. A bad year falls back to the latest year with data; a scope
 * out of reach is a 404.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:segments");
  const url = new URL(request.url);
  const scope = resolveSegmentScope(access, url.searchParams.get("scope"));
  const year = parseYear(url.searchParams.get("year"));
  const overview = await access.run((trx) => segmentOverview(trx, scope, year === "invalid" ? null : year));
  const regional = access.scope.read === "all";
  const forecast = await segmentForecast(access, scope, overview.report.year, url);
  return json({
    regional,
    scope: scope.key,
    scopeName: scope.name,
    municipalities: regional ? access.municipalities : [],
    ...overview,
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
      <p className="hint">{t("segments.intro")}</p>
      <SegmentsQueryProvider>
        <SegmentOverview initial={data} />
      </SegmentsQueryProvider>
    </>
  );
}

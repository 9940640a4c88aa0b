import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { ParentSize } from "@visx/responsive";
import { SEGMENT_COLUMNS } from "@jeugdregio/metrics";
import Decimal from "decimal.js";
import { useTranslation } from "react-i18next";
import { todayInAmsterdam } from "@jeugdregio/format";
import { AsOfField } from "~/components/AsOfField";
import { ParetoChart, type ParetoDatum } from "~/components/charts/ParetoChart";
import { DataThrough } from "~/components/DataThrough";
import { TableScroll } from "~/components/TableScroll";
import { DataTable, type TableColumn } from "~/components/table/DataTable";
import { ScopePicker } from "~/components/filters/ScopePicker";
import { DownloadLinks, SegmentColumnHeaders, SegmentSelect, YearSelect } from "~/components/filters/FilterFields";
import { IncompleteYearNote } from "~/components/forecast/ForecastParts";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { yearMarks } from "~/modules/reports/forecast-view.server";
import { concentrationView } from "~/modules/reports/concentration-view.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, (t) => [t("nav.concentration"), data && (data.scopeName ?? t("app.region")), data?.year]);

/** `/concentration?year=&scope=region|GM…&segment=&asOf=`: providers covering 80%, as the CLI's `report concentration` (as of a date, default today). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:segments");
  const url = new URL(request.url);
  const view = await concentrationView(access, context, url);
  const completeness = await yearMarks(access, url);
  return json({ ...view, completeness, municipalities: access.scope.read === "all" ? access.municipalities : [], today: todayInAmsterdam() });
}

const BARS = 60;
const CHART_HEIGHT = 320;

export default function ConcentrationPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  const query = new URLSearchParams({
    scope: data.scope,
    segment: data.segment,
    ...(data.year ? { year: String(data.year) } : {}),
    ...(data.requestedAsOf ? { asOf: data.requestedAsOf } : {}),
  });
  const rows = data.rows ?? [];
  type ProviderRow = (typeof rows)[number];
  const yesNo = (r: ProviderRow) => t(r.in_80 ? "concentration.yes" : "concentration.no");
  const providerColumns: TableColumn<ProviderRow>[] = [
    { id: "rank", header: t("concentration.columns.rank"), kind: "number", value: (r) => r.rank, text: (r) => format.number(r.rank) },
    { id: "provider_name", header: t("concentration.columns.provider_name"), value: (r) => r.provider_name },
    { id: "provider_code", header: t("concentration.columns.provider_code"), value: (r) => r.provider_code },
    { id: "spending", header: t("concentration.columns.spending"), kind: "decimal", value: (r) => r.spending, text: (r) => format.money(r.spending) },
    { id: "share", header: t("concentration.columns.share"), kind: "decimal", value: (r) => r.share, text: (r) => format.percent(r.share) },
    { id: "cumulative_share", header: t("concentration.columns.cumulative_share"), kind: "decimal", value: (r) => r.cumulative_share, text: (r) => format.percent(r.cumulative_share) },
    {
      id: "clients",
      header: t("concentration.columns.clients"),
      kind: "number",
      value: (r) => r.clients,
      text: (r) => (r.clients === null ? t("concentration.fewerThan5") : format.number(r.clients)),
      cellProps: () => ({ "data-clients": "" }),
    },
    { id: "in_80", header: t("concentration.columns.in_80"), value: (r) => r.in_80, text: yesNo },
  ];
  // The first 60 providers as bars, the long tail as one.
  const chartData: ParetoDatum[] = rows.slice(0, BARS).map((r) => ({
    label: r.provider_name,
    spending: r.spending,
    cumulativeShare: r.cumulative_share,
    inCoverageSet: r.in_80,
  }));
  const tail = rows.slice(BARS);
  if (tail.length) {
    const last = tail[tail.length - 1]!;
    chartData.push({
      label: t("concentration.others", { count: tail.length }),
      spending: tail.reduce((sum, r) => sum.plus(r.spending), new Decimal(0)).toFixed(2),
      cumulativeShare: last.cumulative_share,
      inCoverageSet: false,
    });
  }
  return (
    <>
      <h1>{t("concentration.title")}</h1>
      <DataThrough through={data.dataThrough} declaredUpTo={data.asOf} />
      <p className="hint">{t("concentration.intro")}</p>
      <Form method="get" className="filters" data-testid="concentration-filters">
        {data.municipalities.length ? (
          <ScopePicker value={data.scope} municipalities={data.municipalities} />
        ) : (
          <p className="filters-scope">
            <span className="filters-label">{t("segments.scope")}</span>
            <span className="filters-value">{data.scopeName}</span>
          </p>
        )}
        <SegmentSelect value={data.segment} />
        <YearSelect years={data.years} value={data.year} completeness={data.completeness} />
        <AsOfField value={data.requestedAsOf} max={data.today} />
        <button type="submit" className="secondary">
          {t("segments.show")}
        </button>
      </Form>
      <IncompleteYearNote year={data.year} completeness={data.completeness} />

      {!data.summary ? (
        <p data-testid="concentration-empty">{t("concentration.noData")}</p>
      ) : (
        <>
          <section aria-labelledby="concentration-summary">
            <h2 id="concentration-summary">{t("concentration.summary")}</h2>
            <dl className="summary-cards" data-testid="concentration-summary">
              <div>
                <dt>{t("concentration.spending")}</dt>
                <dd data-figure="spending">{format.money(data.summary.spending)}</dd>
              </div>
              <div>
                <dt>{t("concentration.providers")}</dt>
                <dd data-figure="providers">{format.number(data.summary.providers)}</dd>
              </div>
              <div>
                <dt>{t("concentration.providers80")}</dt>
                <dd data-figure="providers_80">{format.number(data.summary.providers_80)}</dd>
              </div>
              <div>
                <dt>{t("concentration.top10Share")}</dt>
                <dd data-figure="top10_share">{format.percent(data.summary.top10_share)}</dd>
              </div>
              <div>
                <dt>{t("concentration.hhi")}</dt>
                <dd data-figure="hhi">{format.number(data.summary.hhi, 0)}</dd>
                <dd className="card-hint">{t("concentration.hhiHint")}</dd>
              </div>
            </dl>
          </section>

          {data.rows === null ? (
            <p className="hint" data-testid="provider-list-hidden">
              {t("concentration.listHidden")}
            </p>
          ) : (
            <>
              <section className="chart" aria-labelledby="pareto-title">
                <h2 id="pareto-title">{t("concentration.chartTitle")}</h2>
                <p className="hint">{t("concentration.chartHint")}</p>
                <div className="chart-frame" style={{ height: CHART_HEIGHT }}>
                  <ParentSize initialSize={{ width: 800, height: CHART_HEIGHT }} debounceTime={50}>
                    {({ width }) => (
                      <ParetoChart
                        width={width}
                        height={CHART_HEIGHT}
                        data={chartData}
                        formatMoney={(value) => format.money(value)}
                        formatPercent={(value) => format.percent(value)}
                        formatTick={(value) => format.money(value, { cents: false })}
                        cumulativeLabel={t("concentration.cumulative")}
                        line80Label={t("concentration.line80")}
                      />
                    )}
                  </ParentSize>
                </div>
              </section>
              <Downloads query={query} table="providers" />
              <p className="hint">{t("concentration.inSetHint")}</p>
              <DataTable
                mode="client"
                id="providers"
                testId="concentration-table"
                caption={t("concentration.tableCaption")}
                fileName={`concentratie-${data.scope}-${data.segment}-${data.year ?? ""}`}
                rows={rows}
                rowKey={(r) => r.provider_code}
                rowProps={(r) => ({ className: r.in_80 ? "in-set" : undefined, "data-provider": r.provider_code })}
                columns={providerColumns}
              />
            </>
          )}

          <section aria-labelledby="trend-title">
            <h2 id="trend-title">{t("concentration.trendTitle")}</h2>
            <Downloads query={query} table="trend" />
            {(["providers_80", "hhi"] as const).map((measure) => (
              <TableScroll key={measure} labelledBy={`concentration-trend-${measure}-caption`}>
                <table className="data" data-testid={`concentration-trend-${measure}`}>
                  <caption id={`concentration-trend-${measure}-caption`}>{t(measure === "hhi" ? "concentration.trendHhi" : "concentration.trendProviders")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("concentration.columns.year")}</th>
                      <SegmentColumnHeaders />
                    </tr>
                  </thead>
                  <tbody>
                    {data.years
                      .slice()
                      .sort()
                      .map((year) => (
                        <tr key={year}>
                          <th scope="row">{year}</th>
                          {SEGMENT_COLUMNS.map((col) => {
                            const point = data.trend.find((p) => p.year === year && p.segment === col);
                            return (
                              <td className="num" key={col}>
                                {point ? format.number(measure === "hhi" ? point.hhi : point.providers_80, 0) : null}
                              </td>
                            );
                          })}
                        </tr>
                      ))}
                  </tbody>
                </table>
              </TableScroll>
            ))}
          </section>

          <section aria-labelledby="referrers-title">
            <h2 id="referrers-title">{t("concentration.referrersTitle")}</h2>
            <p className="hint">{t("concentration.referrersIntro")}</p>
            {data.referrers.length === 0 ? (
              <p>{t("concentration.noReferrers")}</p>
            ) : (
              <>
                <Downloads query={query} table="referrers" />
                <TableScroll labelledBy="referrers-title">
                  <table className="data" data-testid="concentration-referrers">
                    <thead>
                      <tr>
                        <th scope="col">{t("concentration.referrer")}</th>
                        <SegmentColumnHeaders />
                      </tr>
                    </thead>
                    <tbody>
                      {[...new Set(data.referrers.map((r) => r.referrer))].map((referrer) => (
                        <tr key={referrer ?? "none"}>
                          <th scope="row">{t(`concentration.referrers.${referrer ?? "none"}`)}</th>
                          {SEGMENT_COLUMNS.map((col) => {
                            const cell = data.referrers.find((r) => r.referrer === referrer && r.segment === col);
                            return (
                              <td className="num" key={col}>
                                {cell ? (
                                  <>
                                    {format.money(cell.spending)}
                                    <br />
                                    <small>
                                      {t("concentration.columns.clients")}:{" "}
                                      {cell.clients === null ? t("concentration.fewerThan5") : format.number(cell.clients)}
                                    </small>
                                  </>
                                ) : null}
                              </td>
                            );
                          })}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableScroll>
              </>
            )}
          </section>
        </>
      )}
    </>
  );
}

function Downloads({ query, table }: { query: URLSearchParams; table: "providers" | "trend" | "referrers" }) {
  return <DownloadLinks table={table} href={(format) => `/concentration/export?${query}&table=${table}&format=${format}`} />;
}

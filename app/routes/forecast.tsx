import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DataThrough } from "~/components/DataThrough";
import { ScopePicker } from "~/components/filters/ScopePicker";
import { DownloadLinks, SegmentSelect, YearSelect } from "~/components/filters/FilterFields";
import { BacktestTable, FactorsTable, ForecastFigures, ForecastMonthsChart, NoForecast } from "~/components/forecast/ForecastParts";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { dataThrough } from "~/modules/figures/data-through.server";
import { forecastScope, forecastView } from "~/modules/reports/forecast-view.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, (t) => [t("nav.forecast"), data && (data.scopeName ?? t("app.region")), data?.year]);

/**
 * `/forecast?scope=region|GM…&year=&asOf=&segment=`: where the year will end (issue 14 §3):
 * the monthly chart, the lag pattern and the backtest of one segment column, from the
 * forecast report (the CLI's `report forecast`). Who sees what: the segment table's rules.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:segments");
  const url = new URL(request.url);
  const view = await forecastView(access, url);
  // How far the declarations reach as of the page's date (the forecast itself reads whole months up to M).
  const through = await access.run((trx) => dataThrough(trx, forecastScope(access, url).report, view.asOf));
  return json({ ...view, dataThrough: through });
}

export default function ForecastPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  const report = data.report;
  const column = data.segment;
  const columnName = t(`segments.columns.${column}`);
  const scopeName = data.scope === "region" ? t("segments.region") : (data.scopeName ?? data.scope);
  const query = new URLSearchParams({ scope: data.scope, segment: column });
  if (data.year !== null) query.set("year", String(data.year));
  if (data.requestedAsOf) query.set("asOf", data.requestedAsOf);
  const download = (table: string) => <DownloadLinks table={table} href={(f) => `/forecast/export?${query}&table=${table}&format=${f}`} />;
  return (
    <>
      <h1>{t("forecast.title")}</h1>
      <DataThrough through={data.dataThrough} declaredUpTo={data.asOf} />
      <p className="hint">{t("forecast.intro")}</p>
      <Form method="get" className="filters" data-testid="forecast-filters">
        {data.regional ? (
          <ScopePicker value={data.scope} municipalities={data.municipalities} />
        ) : (
          <p className="filters-scope">
            <span className="filters-label">{t("segments.scope")}</span>
            <span className="filters-value" data-testid="scope-name">
              {data.scopeName}
            </span>
          </p>
        )}
        <YearSelect years={data.years.map((y) => y.year)} value={data.year} completeness={data.years} />
        <SegmentSelect value={column} />
        <label>
          {t("forecast.asOf")}
          <input type="date" name="asOf" defaultValue={data.requestedAsOf ?? ""} max={data.asOf} data-testid="as-of-input" />
        </label>
        <button type="submit" className="secondary">
          {t("segments.show")}
        </button>
      </Form>

      {report === null ? (
        <p className="empty" data-testid="forecast-empty">
          {t("segments.noData", { scope: scopeName })}
        </p>
      ) : !report.available ? (
        <NoForecast report={report} />
      ) : (
        <>
          <p data-testid="forecast-basis">{t("forecast.basis", { date: format.date(report.declared_through) })}</p>
          <section aria-labelledby="forecast-figures-title">
            <h2 id="forecast-figures-title">{t("forecast.figures.title", { year: report.year, column: columnName, scope: scopeName })}</h2>
            <ForecastFigures figures={report.segments[column]} />
            {download("summary")}
          </section>
          <ForecastMonthsChart report={report} column={column} title={t("forecast.chart.title", { year: report.year, column: columnName, scope: scopeName })} />
          {download("months")}
          <section aria-labelledby="forecast-factors-title">
            <h2 id="forecast-factors-title">{t("forecast.factors.title")}</h2>
            <p className="hint">{t("forecast.factors.intro")}</p>
            {download("factors")}
            <FactorsTable report={report} column={column} />
          </section>
          <section aria-labelledby="forecast-backtest-title">
            <h2 id="forecast-backtest-title">{t("forecast.backtest.title")}</h2>
            <p className="hint">{t("forecast.backtest.intro")}</p>
            {download("backtest")}
            <BacktestTable report={report} column={column} />
          </section>
        </>
      )}
    </>
  );
}

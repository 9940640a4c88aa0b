import { Form, useSearchParams } from "@remix-run/react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, type ReactNode } from "react";
import { AsOfField } from "~/components/AsOfField";
import { DataThrough } from "~/components/DataThrough";
import { ScopePicker } from "~/components/filters/ScopePicker";
import { YearSelect } from "~/components/filters/FilterFields";
import { useTranslation } from "react-i18next";
import { segmentReportQuery, spendingSeriesQuery, yearParam, type SegmentReportJson, type SpendingSeriesJson } from "./api";
import { SegmentTable } from "./SegmentTable";
import { SpendingChart } from "./SpendingChart";
import { segmentForecastQuery, type ForecastPageData } from "~/components/forecast/api";
import { SegmentForecast } from "~/components/forecast/SegmentForecast";
import { useYearLabel } from "~/components/forecast/useYearLabel";
import { titleText } from "~/i18n/title";

export interface SegmentOverviewData {
  /** Regional roles choose a scope; municipal users always see their own municipality. */
  regional: boolean;
  /** The scope the loader resolved: `region` or a municipality code. */
  scope: string;
  /** Name of the loader's scope; null for the region. */
  scopeName: string | null;
  /** Scope options for regional roles (empty for municipal users). */
  municipalities: { code: string; name: string }[];
  /** The valid year the URL named, or null for the default (latest with data). */
  requestedYear: number | null;
  /** The as-of date the URL named, or null for today. */
  requestedAsOf: string | null;
  report: SegmentReportJson;
  chart: SpendingSeriesJson;
  /** How complete each year is, and the shown year's forecast while it is not complete. */
  forecast: ForecastPageData;
  /** Today ('YYYY-MM-DD'): the latest as-of date the form offers. */
  today: string;
}

/**
 * The segment overview: scope and year in a GET form (works without
 * JavaScript); with JavaScript a change refetches through React Query and
 * only rewrites the URL. The loader's data seeds the first render.
 */
export function SegmentOverview({ initial, intro }: { initial: SegmentOverviewData; intro?: ReactNode }) {
  const { t } = useTranslation();
  const [searchParams, setSearchParams] = useSearchParams();
  const scope = initial.regional ? searchParams.get("scope")?.trim() || "region" : initial.scope;
  const year = yearParam(searchParams.get("year"));
  const asOf = searchParams.get("asOf")?.trim() || null;
  // The loader's data is for its own URL's scope and as-of date.
  const isInitialScope = scope === initial.scope && asOf === initial.requestedAsOf;

  const reportQuery = useQuery({
    ...segmentReportQuery(scope, year, asOf),
    initialData: isInitialScope && year === initial.requestedYear ? initial.report : undefined,
    placeholderData: keepPreviousData,
  });
  const chartQuery = useQuery({
    ...spendingSeriesQuery(scope, asOf),
    initialData: isInitialScope ? initial.chart : undefined,
    placeholderData: keepPreviousData,
  });
  const report = reportQuery.data ?? initial.report;
  const chart = chartQuery.data ?? initial.chart;
  const forecastQuery = useQuery({
    ...segmentForecastQuery(scope, report.year, asOf),
    initialData: isInitialScope && report.year === initial.forecast.year ? initial.forecast : undefined,
    placeholderData: keepPreviousData,
  });
  const forecast = forecastQuery.data?.scope === scope ? forecastQuery.data : null;
  const yearLabel = useYearLabel(forecast?.years);
  const incomplete = forecast && forecast.year === report.year ? yearLabel.incomplete(report.year) : null;
  const fetching = reportQuery.isFetching || chartQuery.isFetching;
  const failed = reportQuery.isError || chartQuery.isError;

  const nameOf = (key: string) =>
    key === "region" ? t("segments.region") : (initial.municipalities.find((m) => m.code === key)?.name ?? initial.scopeName ?? key);
  const shownName = nameOf(report.scope);
  // Year and scope change here without a new page (no loader, so no meta): the tab's title follows.
  const title = titleText(t, [t("nav.segments"), report.scope === "region" ? t("app.region") : shownName, report.year]);
  useEffect(() => {
    document.title = title;
  }, [title]);
  const years = chart.years.includes(report.year) ? chart.years : [...chart.years, report.year].sort((a, b) => b - a);

  return (
    <>
      <DataThrough through={chart.dataThrough} declaredUpTo={chart.asOf} />
      {intro}
      <Form method="get" action="/segments" className="filters" data-testid="segments-filters">
        {initial.regional ? (
          <ScopePicker
            key={scope}
            value={scope}
            municipalities={initial.municipalities}
            onPick={(code) => {
              const next = new URLSearchParams(searchParams);
              next.set("scope", code);
              setSearchParams(next, { replace: true, preventScrollReset: true });
            }}
          />
        ) : (
          <p className="filters-scope">
            <span className="filters-label">{t("segments.scope")}</span>
            <span className="filters-value" data-testid="scope-name">
              {initial.scopeName}
            </span>
          </p>
        )}
        <YearSelect
          years={years}
          value={report.year}
          completeness={forecast?.years}
          onChange={(year) => {
            const next = new URLSearchParams(searchParams);
            next.set("year", year);
            if (!initial.regional) next.delete("scope");
            setSearchParams(next, { replace: true, preventScrollReset: true });
          }}
        />
        <AsOfField value={asOf} max={initial.today} />
        <button type="submit" className="secondary">
          {t("segments.show")}
        </button>
      </Form>

      <p role="status" className="status-line" data-testid="segments-status">
        {fetching ? t("segments.loading") : ""}
      </p>
      {failed ? (
        <div className="message error" role="alert">
          {t("segments.loadFailed")}{" "}
          <button type="button" onClick={() => void Promise.all([reportQuery.refetch(), chartQuery.refetch()])}>
            {t("segments.retry")}
          </button>
        </div>
      ) : null}

      <div className={fetching ? "segments-body is-loading" : "segments-body"} aria-busy={fetching}>
        {!chart.years.length ? (
          <p className="empty" data-testid="segments-empty">
            {t("segments.noData", { scope: shownName })}
          </p>
        ) : (
          <>
            {chart.years.includes(report.year) ? (
              <>
                <SegmentTable report={report} scopeName={shownName} asOf={asOf} />
                {incomplete && forecast?.report ? (
                  <SegmentForecast report={forecast.report} scopeName={shownName} month={yearLabel.month(incomplete.dataThrough)} />
                ) : null}
              </>
            ) : (
              <p className="empty" data-testid="segments-empty-year">
                {t("segments.noDataForYear", { scope: shownName, year: report.year })}
              </p>
            )}
            <SpendingChart chart={chart} scopeName={nameOf(chart.scope)} />
          </>
        )}
      </div>
    </>
  );
}

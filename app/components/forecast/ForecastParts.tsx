import type { SegmentColumn } from "@jeugdregio/metrics";
import { ParentSize } from "@visx/responsive";
import Decimal from "decimal.js";
import { useTranslation } from "react-i18next";
import { ChartLegend } from "~/components/charts/ChartLegend";
import { FORECAST_COLORS, ForecastChart, type ForecastChartMonth } from "~/components/charts/ForecastChart";
import { useFormat } from "~/i18n/useFormat";
import { monthsOf, type ForecastJson, type ForecastSegmentJson, type YearCompletenessJson } from "./api";
import { useYearLabel } from "./useYearLabel";

const HEIGHT = 340;
/** Width before the browser has measured (server render, no JavaScript). */
const INITIAL_WIDTH = 760;

/** e = |high / forecast − 1|, exact; null without a band. */
function relativeBand(figures: ForecastSegmentJson): Decimal | null {
  if (figures.high === null || figures.low === null) return null;
  const forecast = new Decimal(figures.forecast);
  return forecast.isZero() ? null : new Decimal(figures.high).div(forecast).minus(1).abs();
}

/** The chart's months of a column: the late part exact (ultimate − realised), forecast months with the year's band. */
export function chartMonths(report: ForecastJson, column: SegmentColumn, monthLabel: (yyyyMm: string) => string): ForecastChartMonth[] {
  const figures = report.segments[column];
  const e = figures ? relativeBand(figures) : null;
  return monthsOf(report, column).map((m) => {
    const ultimate = new Decimal(m.ultimate);
    const declared = m.kind === "declared";
    return {
      label: monthLabel(m.month),
      kind: m.kind,
      realised: declared ? m.realised : "0.00",
      late: declared ? ultimate.minus(m.realised).toFixed(2) : "0.00",
      ultimate: m.ultimate,
      completeness: m.completeness,
      low: !declared && e ? ultimate.times(new Decimal(1).minus(e)).toFixed(2) : null,
      high: !declared && e ? ultimate.times(new Decimal(1).plus(e)).toFixed(2) : null,
    };
  });
}

/** The year's figures of one column: realised, expected late, expected remaining, forecast with band, same period last year. */
export function ForecastFigures({ figures, testId = "forecast-figures" }: { figures: ForecastSegmentJson; testId?: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const count = (n: number | null) => (n === null ? t("segments.fewerThan5") : format.number(n));
  return (
    <dl className="figures" data-testid={testId}>
      {(["realised", "expected_late", "expected_remaining", "forecast"] as const).map((key) => (
        <div key={key}>
          <dt>{t(`forecast.figures.${key}`)}</dt>
          <dd data-figure={key}>{format.money(figures[key])}</dd>
        </div>
      ))}
      <div>
        <dt>{t("forecast.figures.band")}</dt>
        <dd data-figure="band">
          {figures.low !== null && figures.high !== null ? `${format.money(figures.low)} – ${format.money(figures.high)}` : <BandReason reason={figures.band_reason} />}
        </dd>
      </div>
      <div>
        <dt>{t("forecast.figures.same_period_last_year")}</dt>
        <dd data-figure="same_period_last_year">{format.money(figures.same_period_last_year)}</dd>
      </div>
      <div>
        <dt>{t("forecast.figures.growth")}</dt>
        <dd data-figure="growth">{format.number(figures.growth, 4)}</dd>
      </div>
      <div>
        <dt>{t("forecast.figures.clients")}</dt>
        <dd data-figure="clients">
          {t("forecast.figures.clientsValue", { realised: count(figures.clients_realised), forecast: count(figures.clients_forecast) })}
        </dd>
      </div>
    </dl>
  );
}

/** Why there is no band: a known reason code translated, anything else as the general text. */
export function BandReason({ reason }: { reason: string | null }) {
  const { t, i18n } = useTranslation();
  const key = `forecast.bandReasons.${reason ?? ""}`;
  return <span data-band-reason={reason ?? ""}>{reason && i18n.exists(key) ? t(key) : t("forecast.noBand")}</span>;
}

/** The monthly chart of a column, with its legend and the same numbers as a table for screen readers. */
export function ForecastMonthsChart({ report, column, title }: { report: ForecastJson; column: SegmentColumn; title: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { month } = useYearLabel(undefined);
  const months = chartMonths(report, column, month);
  const labels = {
    realised: t("forecast.chart.realised"),
    late: t("forecast.chart.late"),
    forecast: t("forecast.chart.forecast"),
    band: t("forecast.chart.band"),
    completeness: t("forecast.chart.completeness"),
    ultimate: t("forecast.chart.ultimate"),
  };
  const keys = ["realised", "late", "forecast", "band"] as const;
  const rows = monthsOf(report, column);
  return (
    <section className="chart" aria-labelledby="forecast-chart-title" data-testid="forecast-chart">
      <h2 id="forecast-chart-title">{title}</h2>
      <p className="hint">{t("forecast.chart.hint")}</p>
      <ChartLegend keys={keys} color={(k) => FORECAST_COLORS[k]} keyLabel={(k) => labels[k]} label={t("forecast.chart.legend")} />
      <div className="chart-frame" style={{ height: HEIGHT }}>
        <ParentSize initialSize={{ width: INITIAL_WIDTH, height: HEIGHT }} debounceTime={50}>
          {({ width }) => (
            <ForecastChart
              width={width}
              height={HEIGHT}
              months={months}
              labels={labels}
              formatMoney={(value) => format.money(value)}
              formatPercent={(value) => format.percent(value)}
              formatTick={(value) => format.money(value, { cents: false })}
            />
          )}
        </ParentSize>
      </div>
      {/* A wrapper, not the table, is hidden: a table grows to its content whatever its width, and would widen the page. */}
      <div className="visually-hidden">
        <table data-testid="forecast-chart-table">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t("forecast.months.month")}</th>
              <th scope="col">{t("forecast.months.kind")}</th>
              <th scope="col">{labels.realised}</th>
              <th scope="col">{labels.late}</th>
              <th scope="col">{labels.ultimate}</th>
              <th scope="col">{labels.completeness}</th>
              <th scope="col">{labels.band}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((m, i) => {
              const c = months[i]!;
              return (
                <tr key={m.month} data-month={m.month} data-kind={m.kind}>
                  <th scope="row">{m.month}</th>
                  <td>{t(`forecast.months.kinds.${m.kind}`)}</td>
                  <td>{m.kind === "declared" ? format.money(m.realised) : t("segments.none")}</td>
                  <td>{m.kind === "declared" ? format.money(c.late) : t("segments.none")}</td>
                  <td>{format.money(m.ultimate)}</td>
                  <td>{m.completeness === null ? t("segments.none") : format.percent(m.completeness)}</td>
                  <td>{c.low !== null && c.high !== null ? `${format.money(c.low)} – ${format.money(c.high)}` : t("segments.none")}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * The lag pattern of a column: the development factor per lag, and the share of a month's
 * final amount declared after that many months (1 / Π f(k) for k ≥ lag), computed exactly.
 */
export function lagPattern(report: ForecastJson, column: SegmentColumn): { lag: number; factor: string; share: string }[] {
  const factors = report.factors.filter((f) => f.column === column).sort((a, b) => a.lag - b.lag);
  let product = new Decimal(1);
  const shares: string[] = [];
  for (let i = factors.length - 1; i >= 0; i--) {
    product = product.times(factors[i]!.factor);
    shares[i] = product.isZero() ? "0" : new Decimal(1).div(product).toFixed(4);
  }
  return factors.map((f, i) => ({ lag: f.lag, factor: f.factor, share: shares[i]! }));
}

export function FactorsTable({ report, column }: { report: ForecastJson; column: SegmentColumn }) {
  const { t } = useTranslation();
  const format = useFormat();
  const rows = lagPattern(report, column);
  return (
    <table className="data" data-testid="forecast-factors">
      <caption>{t("forecast.factors.caption", { column: t(`segments.columns.${column}`) })}</caption>
      <thead>
        <tr>
          <th scope="col">{t("forecast.factors.lag")}</th>
          <th scope="col">{t("forecast.factors.factor")}</th>
          <th scope="col">{t("forecast.factors.share")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.lag} data-lag={r.lag}>
            <th scope="row">{r.lag}</th>
            <td className="num">{format.number(r.factor, 4)}</td>
            <td className="num">{format.percent(r.share)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BacktestTable({ report, column }: { report: ForecastJson; column: SegmentColumn }) {
  const { t } = useTranslation();
  const format = useFormat();
  const rows = report.backtest.filter((b) => b.column === column).sort((a, b) => b.year - a.year);
  if (!rows.length) return <p data-testid="forecast-backtest-none">{t("forecast.backtest.none")}</p>;
  return (
    <table className="data" data-testid="forecast-backtest">
      <caption>{t("forecast.backtest.caption", { column: t(`segments.columns.${column}`) })}</caption>
      <thead>
        <tr>
          <th scope="col">{t("forecast.backtest.year")}</th>
          <th scope="col">{t("forecast.backtest.asOf")}</th>
          <th scope="col">{t("forecast.backtest.forecast")}</th>
          <th scope="col">{t("forecast.backtest.total")}</th>
          <th scope="col">{t("forecast.backtest.error")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.year} data-year={r.year}>
            <th scope="row">{r.year}</th>
            <td>{format.date(r.as_of)}</td>
            <td className="num">{format.money(r.forecast)}</td>
            <td className="num">{format.money(r.total)}</td>
            <td className="num">{format.percent(r.error)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Why there is no forecast: "needs two years of history; data starts 2025-03". */
export function NoForecast({ report }: { report: ForecastJson }) {
  const { t } = useTranslation();
  const reason = report.reason;
  return (
    <p className="message warning" data-testid="forecast-unavailable">
      {reason?.data_starts
        ? t("forecast.needsHistory", { dataStarts: reason.data_starts, neededFrom: reason.needed_from })
        : t("forecast.needsHistoryNoData", { neededFrom: reason?.needed_from ?? "" })}
    </p>
  );
}

/** "2026 is not complete yet (declared through Sep) …" under a page's filters, for an incomplete year; nothing otherwise. */
export function IncompleteYearNote({ year, completeness }: { year: number | null; completeness: readonly YearCompletenessJson[] }) {
  const { t } = useTranslation();
  const { incomplete, month } = useYearLabel(completeness);
  const entry = incomplete(year);
  if (!entry) return null;
  return (
    <p className="message warning" data-testid="year-incomplete">
      {t("forecast.incompleteMark", { year: entry.year, month: month(entry.dataThrough) })}{" "}
      <a href={`/forecast?year=${entry.year}`}>{t("forecast.overview.link")}</a>
    </p>
  );
}

import { ParentSize } from "@visx/responsive";
import { useTranslation } from "react-i18next";
import { ChartLegend } from "~/components/charts/ChartLegend";
import { StackedBarChart, type StackedBarDatum } from "~/components/charts/StackedBarChart";
import { useFormat } from "~/i18n/useFormat";
import type { SpendingSeriesJson } from "./api";
import { SEGMENT_COLORS, STACK_COLUMNS, type StackColumn } from "./columns";

const HEIGHT = 320;
/** Width before the browser has measured (server render, no JavaScript). */
const INITIAL_WIDTH = 720;

/**
 * Spending per segment over the years with data: a stacked bar chart with a
 * legend, and the same numbers as a table for screen readers.
 */
export function SpendingChart({ chart, scopeName }: { chart: SpendingSeriesJson; scopeName: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const keyLabel = (key: StackColumn) => t(`segments.columns.${key}`);
  const color = (key: StackColumn) => SEGMENT_COLORS[key];
  const data: StackedBarDatum<StackColumn>[] = chart.series.map((point) => ({
    label: String(point.year),
    values: point.spending,
    total: point.spending.all,
  }));
  const title = t("segments.chart.title", { scope: scopeName });
  return (
    <section className="chart" aria-labelledby="spending-chart-title" data-testid="spending-chart">
      <h2 id="spending-chart-title">{title}</h2>
      <ChartLegend keys={STACK_COLUMNS} color={color} keyLabel={keyLabel} label={t("segments.chart.legend")} />
      <div className="chart-frame" style={{ height: HEIGHT }}>
        <ParentSize initialSize={{ width: INITIAL_WIDTH, height: HEIGHT }} debounceTime={50}>
          {({ width }) => (
            <StackedBarChart
              width={width}
              height={HEIGHT}
              data={data}
              keys={STACK_COLUMNS}
              color={color}
              keyLabel={keyLabel}
              formatValue={(value) => format.money(value)}
              formatTick={(value) => format.money(value, { cents: false })}
              totalLabel={t("segments.columns.all")}
            />
          )}
        </ParentSize>
      </div>
      {/* A wrapper, not the table, is hidden: a table grows to its content whatever its width, and would widen the page. */}
      <div className="visually-hidden">
        <table data-testid="spending-chart-table">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t("segments.year")}</th>
              {STACK_COLUMNS.map((column) => (
                <th scope="col" key={column}>
                  {keyLabel(column)}
                </th>
              ))}
              <th scope="col">{t("segments.columns.all")}</th>
            </tr>
          </thead>
          <tbody>
            {chart.series.map((point) => (
              <tr key={point.year}>
                <th scope="row">{point.year}</th>
                {STACK_COLUMNS.map((column) => (
                  <td key={column}>{format.money(point.spending[column])}</td>
                ))}
                <td>{format.money(point.spending.all)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

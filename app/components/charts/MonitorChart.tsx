import { ParentSize } from "@visx/responsive";
import { useTranslation } from "react-i18next";
import { ChartLegend } from "~/components/charts/ChartLegend";
import { StackedBarChart, type StackedBarDatum } from "~/components/charts/StackedBarChart";
import { useFormat } from "~/i18n/useFormat";

const HEIGHT = 280;
/** Distinguishable in colour-blind vision and in greyscale by lightness (viridis, 11 steps). */
const PALETTE = ["#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c", "#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725"];

interface Month {
  month: string;
  spending: string;
}

/**
 * The transition monitor's months: Open House spending per product, stacked, with the closing
 * date marked. Decorative for assistive technology; the page has the same figures as tables.
 */
export function MonitorChart({ perProduct, months, closesOn }: { perProduct: { product_code: string; months: Month[] }[]; months: Month[]; closesOn: string | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const keys = perProduct.map((p) => p.product_code);
  const color = (key: string) => PALETTE[keys.indexOf(key) % PALETTE.length]!;
  const data: StackedBarDatum<string>[] = months.map((m) => ({
    label: m.month,
    total: m.spending,
    values: Object.fromEntries(perProduct.map((p) => [p.product_code, p.months.find((x) => x.month === m.month)?.spending ?? "0"])),
  }));
  // The first month with data from the closing date on carries the marker.
  const closingMonth = closesOn ? (data.find((d) => `${d.label}-01` >= closesOn)?.label ?? null) : null;
  return (
    <div data-testid="monitor-chart">
      <ChartLegend keys={keys} color={color} keyLabel={(k) => k} label={t("budgets.monitorLegend")} />
      <div className="chart-frame" style={{ height: HEIGHT }}>
        <ParentSize initialSize={{ width: 720, height: HEIGHT }} debounceTime={50}>
          {({ width }) => (
            <StackedBarChart
              width={width}
              height={HEIGHT}
              data={data}
              keys={keys}
              color={color}
              keyLabel={(k) => k}
              formatValue={(v) => format.money(v)}
              formatTick={(v) => format.money(v, { cents: false })}
              totalLabel={t("budgets.spending")}
              tickValues={data.map((d) => d.label).filter((label) => label.endsWith("-01") || label.endsWith("-07"))}
              marker={closingMonth ? { at: closingMonth, label: t("budgets.closed") } : undefined}
            />
          )}
        </ParentSize>
      </div>
    </div>
  );
}

import { Group } from "@visx/group";
import { ParentSize } from "@visx/responsive";
import { scaleBand, scaleLinear } from "@visx/scale";
import { Bar } from "@visx/shape";

export interface BarListDatum {
  key: string;
  label: string;
  /** Exact value as a decimal string: shown as given, a float only for the geometry. */
  value: string;
}

const BAR = "#1f4e79";
const LABEL = "#1b1f24";
const ROW = 22;
const LABEL_WIDTH = 180;
const VALUE_WIDTH = 110;

/** Long names are cut in the chart; the table beside it has them whole. */
const shortLabel = (label: string) => (label.length <= 26 ? label : `${label.slice(0, 25)}…`);

const magnitude = (value: string) => {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : 0;
};

/**
 * Horizontal bars, largest first, each with its label and value: the drill-downs' chart. It
 * takes its container's width (ParentSize). Decorative for assistive technology
 * (`aria-hidden`): the page's table holds the same figures, named in the `summary` text.
 */
export function BarList({ data, formatValue, summary, testId }: { data: readonly BarListDatum[]; formatValue: (value: string) => string; summary: string; testId?: string }) {
  const height = data.length * ROW + 8;
  return (
    <figure className="chart bar-list" data-testid={testId}>
      <div className="chart-frame" style={{ height }}>
        <ParentSize initialSize={{ width: 640, height }} debounceTime={50}>
          {({ width }) => {
            const barSpace = Math.max(40, width - LABEL_WIDTH - VALUE_WIDTH);
            const x = scaleLinear<number>({ domain: [0, Math.max(1, ...data.map((d) => magnitude(d.value)))], range: [0, barSpace] });
            const y = scaleBand<string>({ domain: data.map((d) => d.key), range: [4, height - 4], padding: 0.2 });
            return (
              <svg width={width} height={height} aria-hidden="true" focusable="false">
                {data.map((d) => {
                  const top = y(d.key) ?? 0;
                  const length = x(magnitude(d.value));
                  return (
                    <Group key={d.key} top={top}>
                      <text x={LABEL_WIDTH - 8} y={y.bandwidth() / 2} dy="0.35em" textAnchor="end" fontSize={12} fill={LABEL}>
                        {shortLabel(d.label)}
                      </text>
                      <Bar x={LABEL_WIDTH} y={0} width={Math.max(1, length)} height={y.bandwidth()} fill={BAR} />
                      <text x={LABEL_WIDTH + length + 6} y={y.bandwidth() / 2} dy="0.35em" fontSize={12} fill={LABEL}>
                        {formatValue(d.value)}
                      </text>
                    </Group>
                  );
                })}
              </svg>
            );
          }}
        </ParentSize>
      </div>
      <figcaption className="hint">{summary}</figcaption>
    </figure>
  );
}

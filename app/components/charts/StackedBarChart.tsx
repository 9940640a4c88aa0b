import { AxisBottom, AxisLeft } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { BarStack, LinePath } from "@visx/shape";
import { TooltipWithBounds, useTooltip } from "@visx/tooltip";
import type { MouseEvent } from "react";

export interface StackedBarDatum<K extends string> {
  /** The bar's label on the x axis (e.g. a year). */
  label: string;
  /** Exact values per stack as decimal strings (money): shown as given, never rounded through a float. */
  values: Record<K, string>;
  /** The bar's exact total (for the tooltip). */
  total: string;
}

export interface StackedBarChartProps<K extends string> {
  width: number;
  height: number;
  data: readonly StackedBarDatum<K>[];
  /** Stack order, bottom to top. */
  keys: readonly K[];
  color: (key: K) => string;
  keyLabel: (key: K) => string;
  /** Formats an exact value for the tooltip. */
  formatValue: (value: string) => string;
  /** Formats an axis tick (a pixel-scale number, not a figure from the data). */
  formatTick: (value: number) => string;
  totalLabel: string;
  /**
   * An optional line across the bars (e.g. a base year carried forward by the index): one exact
   * value per bar label; a bar without a value breaks the line.
   */
  line?: { label: string; values: Record<string, string | null>; color: string };
  /** Labels to print on the x axis, when there are too many bars for all (default: all). */
  tickValues?: string[];
  /** An optional vertical marker before the bar with this label (e.g. a closing date). */
  marker?: { at: string; label: string };
  /**
   * Optional estimates drawn over bars (e.g. a part's forecast): a diamond at the value, with a
   * whisker from low to high when there is a band; one per bar label, exact values as strings.
   */
  estimate?: { label: string; color: string; values: Record<string, { value: string; low: string | null; high: string | null } | null> };
}

interface TooltipData {
  index: number;
  key: string;
}

const MARGIN = { top: 12, right: 12, bottom: 32, left: 112 };
const AXIS_COLOR = "#57606a";
const LABEL_COLOR = "#1b1f24";

/**
 * Bar height in pixels needs a number: the decimal string becomes a float for
 * geometry only, never for a displayed figure. A negative net (more credits than
 * declarations) has no height in a stack; the tooltip still shows the exact value.
 */
function magnitude(value: string | undefined): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/**
 * A stacked bar chart. The SVG is decorative for assistive technology
 * (`aria-hidden`): the caller renders the same numbers as a table.
 */
export function StackedBarChart<K extends string>({
  width,
  height,
  data,
  keys,
  color,
  keyLabel,
  formatValue,
  formatTick,
  totalLabel,
  line,
  marker,
  tickValues,
  estimate,
}: StackedBarChartProps<K>) {
  const { tooltipOpen, tooltipData, tooltipLeft, tooltipTop, showTooltip, hideTooltip } = useTooltip<TooltipData>();
  const innerWidth = width - MARGIN.left - MARGIN.right;
  const innerHeight = height - MARGIN.top - MARGIN.bottom;
  if (innerWidth <= 0 || innerHeight <= 0) return null;

  const xScale = scaleBand<string>({ domain: data.map((d) => d.label), range: [0, innerWidth], padding: 0.35 });
  const largest = Math.max(
    1,
    ...data.map((d) => keys.reduce((sum, key) => sum + magnitude(d.values[key]), 0)),
    ...data.map((d) => magnitude(line?.values[d.label] ?? undefined)),
    ...data.map((d) => Math.max(magnitude(estimate?.values[d.label]?.value), magnitude(estimate?.values[d.label]?.high ?? undefined))),
  );
  const yScale = scaleLinear<number>({ domain: [0, largest], range: [innerHeight, 0], nice: true });

  const show = (event: MouseEvent<SVGRectElement>, index: number, key: string) => {
    const svg = event.currentTarget.ownerSVGElement;
    if (!svg) return;
    const box = svg.getBoundingClientRect();
    showTooltip({ tooltipData: { index, key }, tooltipLeft: event.clientX - box.left, tooltipTop: event.clientY - box.top });
  };

  const hovered = tooltipData ? data[tooltipData.index] : undefined;
  const hoveredKey = tooltipData?.key as K | undefined;

  return (
    <div className="chart-canvas" style={{ width, height }}>
      <svg width={width} height={height} aria-hidden="true" focusable="false">
        <Group left={MARGIN.left} top={MARGIN.top}>
          {yScale.ticks(5).map((tick) => (
            <line key={tick} x1={0} x2={innerWidth} y1={yScale(tick)} y2={yScale(tick)} stroke="#d0d7de" strokeWidth={1} />
          ))}
          <BarStack<StackedBarDatum<K>, K>
            data={[...data]}
            keys={[...keys]}
            x={(d) => d.label}
            value={(d, key) => magnitude(d.values[key])}
            xScale={xScale}
            yScale={yScale}
            color={(key) => color(key)}
          >
            {(stacks) =>
              stacks.map((stack) =>
                stack.bars.map((bar) =>
                  bar.height > 0 ? (
                    <rect
                      key={`${stack.key}-${bar.index}`}
                      className="chart-bar"
                      x={bar.x}
                      y={bar.y}
                      width={bar.width}
                      height={bar.height}
                      fill={bar.color}
                      stroke="#1b1f24"
                      strokeWidth={1}
                      opacity={tooltipOpen && (tooltipData?.index !== bar.index || tooltipData?.key !== stack.key) ? 0.75 : 1}
                      onMouseMove={(event) => show(event, bar.index, stack.key)}
                      onMouseLeave={hideTooltip}
                    />
                  ) : null,
                ),
              )
            }
          </BarStack>
          {marker && xScale(marker.at) !== undefined ? (
            <g data-chart-marker>
              <line
                x1={xScale(marker.at)! - (xScale.step() - xScale.bandwidth()) / 2}
                x2={xScale(marker.at)! - (xScale.step() - xScale.bandwidth()) / 2}
                y1={0}
                y2={innerHeight}
                stroke="#cf222e"
                strokeWidth={2}
                strokeDasharray="4 3"
              />
              <text x={xScale(marker.at)! - (xScale.step() - xScale.bandwidth()) / 2 + 4} y={10} fill="#cf222e" fontSize={12}>
                {marker.label}
              </text>
            </g>
          ) : null}
          {line ? (
            <g data-chart-line>
              <LinePath<StackedBarDatum<K>>
                data={data.filter((d) => line.values[d.label] != null)}
                x={(d) => (xScale(d.label) ?? 0) + xScale.bandwidth() / 2}
                y={(d) => yScale(magnitude(line.values[d.label] ?? undefined))}
                defined={(d) => line.values[d.label] != null}
                stroke={line.color}
                strokeWidth={2}
                strokeDasharray="6 3"
              />
              {data.map((d) =>
                line.values[d.label] != null ? (
                  <circle key={d.label} cx={(xScale(d.label) ?? 0) + xScale.bandwidth() / 2} cy={yScale(magnitude(line.values[d.label] ?? undefined))} r={4} fill="#fff" stroke={line.color} strokeWidth={2}>
                    <title>{`${line.label}: ${formatValue(line.values[d.label]!)}`}</title>
                  </circle>
                ) : null,
              )}
            </g>
          ) : null}
          {estimate ? (
            <g data-chart-estimate>
              {data.map((d) => {
                const point = estimate.values[d.label];
                if (!point) return null;
                const cx = (xScale(d.label) ?? 0) + xScale.bandwidth() / 2;
                const cy = yScale(magnitude(point.value));
                const cap = Math.max(4, xScale.bandwidth() / 6);
                const band = point.low !== null && point.high !== null ? { top: yScale(magnitude(point.high)), bottom: yScale(magnitude(point.low)) } : null;
                const title = band ? `${estimate.label}: ${formatValue(point.value)} (${formatValue(point.low!)} – ${formatValue(point.high!)})` : `${estimate.label}: ${formatValue(point.value)}`;
                return (
                  <g key={d.label} data-estimate={d.label}>
                    <title>{title}</title>
                    {band ? (
                      <g stroke={estimate.color} strokeWidth={2}>
                        <line x1={cx} x2={cx} y1={band.top} y2={band.bottom} />
                        <line x1={cx - cap} x2={cx + cap} y1={band.top} y2={band.top} />
                        <line x1={cx - cap} x2={cx + cap} y1={band.bottom} y2={band.bottom} />
                      </g>
                    ) : null}
                    <path d={`M ${cx} ${cy - 7} L ${cx + 7} ${cy} L ${cx} ${cy + 7} L ${cx - 7} ${cy} Z`} fill="#fff" stroke={estimate.color} strokeWidth={2.5} />
                  </g>
                );
              })}
            </g>
          ) : null}
          <AxisLeft
            scale={yScale}
            numTicks={5}
            tickFormat={(value) => formatTick(Number(value))}
            stroke={AXIS_COLOR}
            tickStroke={AXIS_COLOR}
            tickLabelProps={{ fill: LABEL_COLOR, fontSize: 12, textAnchor: "end", dy: "0.33em" }}
          />
          <AxisBottom
            top={innerHeight}
            scale={xScale}
            tickValues={tickValues}
            stroke={AXIS_COLOR}
            tickStroke={AXIS_COLOR}
            tickLabelProps={{ fill: LABEL_COLOR, fontSize: 12, textAnchor: "middle" }}
          />
        </Group>
      </svg>
      {tooltipOpen && hovered && hoveredKey ? (
        <TooltipWithBounds left={tooltipLeft} top={tooltipTop} className="chart-tooltip" unstyled applyPositionStyle>
          <strong>{hovered.label}</strong>
          <span className="chart-tooltip-row">
            <span className="chart-swatch" style={{ background: color(hoveredKey) }} aria-hidden="true" />
            {keyLabel(hoveredKey)}: {formatValue(hovered.values[hoveredKey])}
          </span>
          <span className="chart-tooltip-row">
            {totalLabel}: {formatValue(hovered.total)}
          </span>
          {line && line.values[hovered.label] != null ? (
            <span className="chart-tooltip-row">
              {line.label}: {formatValue(line.values[hovered.label]!)}
            </span>
          ) : null}
        </TooltipWithBounds>
      ) : null}
    </div>
  );
}

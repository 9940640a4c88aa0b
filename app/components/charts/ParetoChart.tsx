import { AxisBottom, AxisLeft, AxisRight } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { LinePath } from "@visx/shape";
import { TooltipWithBounds, useTooltip } from "@visx/tooltip";
import type { MouseEvent } from "react";

export interface ParetoDatum {
  label: string;
  /** Exact values as decimal strings: shown as given, floats only for geometry. */
  spending: string;
  cumulativeShare: string;
  inCoverageSet: boolean;
}

export interface ParetoChartProps {
  width: number;
  height: number;
  /** Largest first; the caller groups the long tail into one last datum. */
  data: readonly ParetoDatum[];
  formatMoney: (value: string) => string;
  formatPercent: (fraction: string) => string;
  formatTick: (value: number) => string;
  cumulativeLabel: string;
  line80Label: string;
}

const MARGIN = { top: 16, right: 48, bottom: 24, left: 96 };
const AXIS_COLOR = "#57606a";
const LABEL_COLOR = "#1b1f24";
const IN_SET = "#1f4e79";
const OUTSIDE = "#9fb6cd";

const magnitude = (value: string) => {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : 0;
};

/**
 * Bars per provider (largest first), the cumulative share as a line on the right axis, and a
 * dashed line at 80%. Decorative for assistive technology (`aria-hidden`): the page shows the
 * same figures in a table. Providers in the 80% set are dark, the rest light (also in greyscale).
 */
export function ParetoChart({ width, height, data, formatMoney, formatPercent, formatTick, cumulativeLabel, line80Label }: ParetoChartProps) {
  const { tooltipOpen, tooltipData, tooltipLeft, tooltipTop, showTooltip, hideTooltip } = useTooltip<number>();
  const innerWidth = width - MARGIN.left - MARGIN.right;
  const innerHeight = height - MARGIN.top - MARGIN.bottom;
  if (innerWidth <= 0 || innerHeight <= 0 || data.length === 0) return null;

  const x = scaleBand<number>({ domain: data.map((_, i) => i), range: [0, innerWidth], padding: 0.15 });
  const y = scaleLinear<number>({ domain: [0, Math.max(1, ...data.map((d) => magnitude(d.spending)))], range: [innerHeight, 0], nice: true });
  const share = scaleLinear<number>({ domain: [0, 1], range: [innerHeight, 0] });
  const centre = (i: number) => (x(i) ?? 0) + x.bandwidth() / 2;

  const show = (event: MouseEvent<SVGRectElement>, index: number) => {
    const svg = event.currentTarget.ownerSVGElement;
    if (!svg) return;
    const box = svg.getBoundingClientRect();
    showTooltip({ tooltipData: index, tooltipLeft: event.clientX - box.left, tooltipTop: event.clientY - box.top });
  };
  const hovered = tooltipData === undefined ? undefined : data[tooltipData];

  return (
    <div className="chart-canvas" style={{ width, height }}>
      <svg width={width} height={height} aria-hidden="true" focusable="false">
        <Group left={MARGIN.left} top={MARGIN.top}>
          {data.map((d, i) => (
            <rect
              key={d.label}
              className="chart-bar"
              x={x(i)}
              y={y(magnitude(d.spending))}
              width={x.bandwidth()}
              height={innerHeight - y(magnitude(d.spending))}
              fill={d.inCoverageSet ? IN_SET : OUTSIDE}
              stroke={tooltipOpen && tooltipData === i ? LABEL_COLOR : "none"}
              onMouseMove={(event) => show(event, i)}
              onMouseLeave={hideTooltip}
            />
          ))}
          <LinePath data={[...data]} x={(_, i) => centre(i)} y={(d) => share(Number(d.cumulativeShare))} stroke="#b35900" strokeWidth={2} />
          <line x1={0} x2={innerWidth} y1={share(0.8)} y2={share(0.8)} stroke={LABEL_COLOR} strokeDasharray="6 4" strokeWidth={1} />
          {/* Inside the plot at the right end (the long tail's bars are low there), clear of the right axis's own "80%" tick. */}
          <text x={innerWidth - 4} y={share(0.8) - 5} fontSize={11} fill={LABEL_COLOR} textAnchor="end" stroke="#ffffff" strokeWidth={3} paintOrder="stroke" data-testid="line80-label">
            {line80Label}
          </text>
          <AxisLeft
            scale={y}
            numTicks={5}
            tickFormat={(value) => formatTick(Number(value))}
            stroke={AXIS_COLOR}
            tickStroke={AXIS_COLOR}
            tickLabelProps={{ fill: LABEL_COLOR, fontSize: 12, textAnchor: "end", dy: "0.33em" }}
          />
          <AxisRight
            left={innerWidth}
            scale={share}
            numTicks={5}
            tickFormat={(value) => `${Math.round(Number(value) * 100)}%`}
            stroke={AXIS_COLOR}
            tickStroke={AXIS_COLOR}
            tickLabelProps={{ fill: LABEL_COLOR, fontSize: 12, textAnchor: "start", dy: "0.33em" }}
          />
          <AxisBottom top={innerHeight} scale={x} numTicks={0} tickValues={[]} stroke={AXIS_COLOR} />
        </Group>
      </svg>
      {tooltipOpen && hovered ? (
        <TooltipWithBounds left={tooltipLeft} top={tooltipTop} className="chart-tooltip" unstyled applyPositionStyle>
          <strong>{hovered.label}</strong>
          <span className="chart-tooltip-row">{formatMoney(hovered.spending)}</span>
          <span className="chart-tooltip-row">
            {cumulativeLabel}: {formatPercent(hovered.cumulativeShare)}
          </span>
        </TooltipWithBounds>
      ) : null}
    </div>
  );
}

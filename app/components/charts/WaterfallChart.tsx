import { AxisBottom, AxisLeft } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { TooltipWithBounds, useTooltip } from "@visx/tooltip";
import type { MouseEvent } from "react";

export interface WaterfallStep {
  label: string;
  /** Running amount after the step (exact decimal string; floats only for geometry). */
  amount: string;
  /** True for totals drawn from zero (base, gross, execution); false for changes. */
  total: boolean;
}

export interface WaterfallChartProps {
  width: number;
  height: number;
  steps: readonly WaterfallStep[];
  formatMoney: (value: string) => string;
  formatTick: (value: number) => string;
}

const MARGIN = { top: 16, right: 16, bottom: 48, left: 104 };
const TOTAL = "#1f4e79";
const UP = "#7da7d9";
const DOWN = "#d9a07d";

/**
 * From base to execution budget: totals as full bars, each step as the change between the
 * running amounts. Decorative for assistive technology; the page shows the steps as a table.
 */
export function WaterfallChart({ width, height, steps, formatMoney, formatTick }: WaterfallChartProps) {
  const { tooltipOpen, tooltipData, tooltipLeft, tooltipTop, showTooltip, hideTooltip } = useTooltip<number>();
  const innerWidth = width - MARGIN.left - MARGIN.right;
  const innerHeight = height - MARGIN.top - MARGIN.bottom;
  if (innerWidth <= 0 || innerHeight <= 0 || steps.length === 0) return null;
  const values = steps.map((s) => Number(s.amount));
  const x = scaleBand<number>({ domain: steps.map((_, i) => i), range: [0, innerWidth], padding: 0.25 });
  const y = scaleLinear<number>({ domain: [Math.min(0, ...values), Math.max(1, ...values)], range: [innerHeight, 0], nice: true });
  const show = (event: MouseEvent<SVGRectElement>, index: number) => {
    const svg = event.currentTarget.ownerSVGElement;
    if (!svg) return;
    const box = svg.getBoundingClientRect();
    showTooltip({ tooltipData: index, tooltipLeft: event.clientX - box.left, tooltipTop: event.clientY - box.top });
  };
  return (
    <div className="chart-canvas" style={{ width, height }}>
      <svg width={width} height={height} aria-hidden="true" focusable="false">
        <Group left={MARGIN.left} top={MARGIN.top}>
          {steps.map((step, i) => {
            const end = values[i]!;
            const start = step.total ? 0 : (values[i - 1] ?? 0);
            const top = y(Math.max(start, end));
            const barHeight = Math.max(1, Math.abs(y(start) - y(end)));
            return (
              <rect
                key={step.label}
                className="chart-bar"
                x={x(i)}
                y={top}
                width={x.bandwidth()}
                height={barHeight}
                fill={step.total ? TOTAL : end >= start ? UP : DOWN}
                stroke="#1b1f24"
                strokeWidth={tooltipOpen && tooltipData === i ? 2 : 0.5}
                onMouseMove={(event) => show(event, i)}
                onMouseLeave={hideTooltip}
              />
            );
          })}
          <AxisLeft scale={y} numTicks={5} tickFormat={(v) => formatTick(Number(v))} tickLabelProps={{ fontSize: 12, textAnchor: "end", dy: "0.33em" }} />
          <AxisBottom top={innerHeight} scale={x} tickFormat={(i) => steps[Number(i)]?.label ?? ""} tickLabelProps={{ fontSize: 11, textAnchor: "middle" }} />
        </Group>
      </svg>
      {tooltipOpen && tooltipData !== undefined && steps[tooltipData] ? (
        <TooltipWithBounds left={tooltipLeft} top={tooltipTop} className="chart-tooltip" unstyled applyPositionStyle>
          <strong>{steps[tooltipData]!.label}</strong>
          <span className="chart-tooltip-row">{formatMoney(steps[tooltipData]!.amount)}</span>
        </TooltipWithBounds>
      ) : null}
    </div>
  );
}

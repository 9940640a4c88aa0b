import { AxisBottom, AxisLeft } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleBand, scaleLinear } from "@visx/scale";
import { LinePath } from "@visx/shape";
import { TooltipWithBounds, useTooltip } from "@visx/tooltip";
import type { MouseEvent } from "react";

export interface ForecastChartMonth {
  /** The x-axis label (a short month name). */
  label: string;
  kind: "declared" | "forecast";
  /** Exact decimal strings (money); shown as given, turned into floats for geometry only. */
  realised: string;
  /** The expected late part (ultimate − realised) of a declared month; "0.00" for a forecast month. */
  late: string;
  /** The month's expected final amount. */
  ultimate: string;
  /** Declared share of the ultimate (0–1, decimal string); null for a forecast month. */
  completeness: string | null;
  /** The band of a forecast month (the year's band applied to the month), or null. */
  low: string | null;
  high: string | null;
}

export interface ForecastChartProps {
  width: number;
  height: number;
  months: readonly ForecastChartMonth[];
  labels: { realised: string; late: string; forecast: string; band: string; completeness: string; ultimate: string };
  formatMoney: (value: string) => string;
  formatPercent: (value: string) => string;
  formatTick: (value: number) => string;
}

export const FORECAST_COLORS = { realised: "#0550ae", late: "#80ccff", forecast: "#bc4c00", band: "#ffd8b5" } as const;

const MARGIN = { top: 24, right: 12, bottom: 32, left: 104 };
const AXIS_COLOR = "#57606a";
const LABEL_COLOR = "#1b1f24";

/** Pixel geometry needs numbers; a negative or missing value has no height. */
function magnitude(value: string | null | undefined): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/**
 * The year's months: for each declared month the realised amount with the expected late part
 * stacked on top (its completeness printed above), for the months still to come the forecast
 * as a dashed line with its band. The SVG is hidden from assistive technology (`aria-hidden`):
 * the caller renders the same numbers as a table.
 */
export function ForecastChart({ width, height, months, labels, formatMoney, formatPercent, formatTick }: ForecastChartProps) {
  const { tooltipOpen, tooltipData, tooltipLeft, tooltipTop, showTooltip, hideTooltip } = useTooltip<number>();
  const innerWidth = width - MARGIN.left - MARGIN.right;
  const innerHeight = height - MARGIN.top - MARGIN.bottom;
  if (innerWidth <= 0 || innerHeight <= 0) return null;

  const xScale = scaleBand<string>({ domain: months.map((m) => m.label), range: [0, innerWidth], padding: 0.3 });
  const largest = Math.max(1, ...months.map((m) => Math.max(magnitude(m.ultimate), magnitude(m.high), magnitude(m.realised) + magnitude(m.late))));
  const yScale = scaleLinear<number>({ domain: [0, largest], range: [innerHeight, 0], nice: true });
  const centre = (m: ForecastChartMonth) => (xScale(m.label) ?? 0) + xScale.bandwidth() / 2;

  // The forecast line starts at the last declared month's ultimate, so it reads as a continuation.
  const lastDeclared = [...months].reverse().find((m) => m.kind === "declared");
  const forecastMonths = months.filter((m) => m.kind === "forecast");
  const line = lastDeclared && forecastMonths.length ? [lastDeclared, ...forecastMonths] : forecastMonths;
  const showCompleteness = xScale.bandwidth() >= 26;

  const show = (event: MouseEvent<SVGRectElement>, index: number) => {
    const svg = event.currentTarget.ownerSVGElement;
    if (!svg) return;
    const box = svg.getBoundingClientRect();
    showTooltip({ tooltipData: index, tooltipLeft: event.clientX - box.left, tooltipTop: event.clientY - box.top });
  };
  const hovered = tooltipData === undefined ? undefined : months[tooltipData];

  return (
    <div className="chart-canvas" style={{ width, height }}>
      <svg width={width} height={height} aria-hidden="true" focusable="false">
        <Group left={MARGIN.left} top={MARGIN.top}>
          {yScale.ticks(5).map((tick) => (
            <line key={tick} x1={0} x2={innerWidth} y1={yScale(tick)} y2={yScale(tick)} stroke="#d0d7de" strokeWidth={1} />
          ))}
          {forecastMonths.map((m) =>
            m.low !== null && m.high !== null ? (
              <rect
                key={`band-${m.label}`}
                data-chart-band
                x={xScale(m.label) ?? 0}
                width={xScale.bandwidth()}
                y={yScale(magnitude(m.high))}
                height={Math.max(0, yScale(magnitude(m.low)) - yScale(magnitude(m.high)))}
                fill={FORECAST_COLORS.band}
                opacity={0.8}
              />
            ) : null,
          )}
          {months.map((m) => {
            if (m.kind !== "declared") return null;
            const x = xScale(m.label) ?? 0;
            const realisedTop = yScale(magnitude(m.realised));
            const lateTop = yScale(magnitude(m.realised) + magnitude(m.late));
            return (
              <g key={m.label} data-chart-month={m.label}>
                <rect className="chart-bar" x={x} width={xScale.bandwidth()} y={realisedTop} height={innerHeight - realisedTop} fill={FORECAST_COLORS.realised} stroke={LABEL_COLOR} strokeWidth={1} />
                {realisedTop - lateTop > 0 ? (
                  <rect
                    className="chart-bar chart-bar-late"
                    x={x}
                    width={xScale.bandwidth()}
                    y={lateTop}
                    height={realisedTop - lateTop}
                    fill={FORECAST_COLORS.late}
                    stroke={LABEL_COLOR}
                    strokeWidth={1}
                    strokeDasharray="3 2"
                  />
                ) : null}
                {showCompleteness && m.completeness !== null ? (
                  <text x={x + xScale.bandwidth() / 2} y={lateTop - 4} fontSize={11} textAnchor="middle" fill={LABEL_COLOR}>
                    {formatPercent(m.completeness)}
                  </text>
                ) : null}
              </g>
            );
          })}
          {line.length > 1 ? (
            <g data-chart-forecast>
              <LinePath<ForecastChartMonth>
                data={line}
                x={centre}
                y={(m) => yScale(magnitude(m.ultimate))}
                stroke={FORECAST_COLORS.forecast}
                strokeWidth={2}
                strokeDasharray="6 3"
              />
              {forecastMonths.map((m) => (
                <circle key={m.label} cx={centre(m)} cy={yScale(magnitude(m.ultimate))} r={4} fill="#fff" stroke={FORECAST_COLORS.forecast} strokeWidth={2} />
              ))}
            </g>
          ) : null}
          {/* Hover targets: one full-height column per month. */}
          {months.map((m, index) => (
            <rect
              key={`hover-${m.label}`}
              className="chart-hover"
              x={(xScale(m.label) ?? 0) - (xScale.step() - xScale.bandwidth()) / 2}
              width={xScale.step()}
              y={0}
              height={innerHeight}
              fill="transparent"
              onMouseMove={(event) => show(event, index)}
              onMouseLeave={hideTooltip}
            />
          ))}
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
            stroke={AXIS_COLOR}
            tickStroke={AXIS_COLOR}
            tickLabelProps={{ fill: LABEL_COLOR, fontSize: 12, textAnchor: "middle" }}
          />
        </Group>
      </svg>
      {tooltipOpen && hovered ? (
        <TooltipWithBounds left={tooltipLeft} top={tooltipTop} className="chart-tooltip" unstyled applyPositionStyle>
          <strong>{hovered.label}</strong>
          {hovered.kind === "declared" ? (
            <>
              <span className="chart-tooltip-row">
                <span className="chart-swatch" style={{ background: FORECAST_COLORS.realised }} aria-hidden="true" />
                {labels.realised}: {formatMoney(hovered.realised)}
              </span>
              <span className="chart-tooltip-row">
                <span className="chart-swatch" style={{ background: FORECAST_COLORS.late }} aria-hidden="true" />
                {labels.late}: {formatMoney(hovered.late)}
              </span>
              <span className="chart-tooltip-row">
                {labels.ultimate}: {formatMoney(hovered.ultimate)}
              </span>
              {hovered.completeness !== null ? (
                <span className="chart-tooltip-row">
                  {labels.completeness}: {formatPercent(hovered.completeness)}
                </span>
              ) : null}
            </>
          ) : (
            <>
              <span className="chart-tooltip-row">
                <span className="chart-swatch" style={{ background: FORECAST_COLORS.forecast }} aria-hidden="true" />
                {labels.forecast}: {formatMoney(hovered.ultimate)}
              </span>
              {hovered.low !== null && hovered.high !== null ? (
                <span className="chart-tooltip-row">
                  <span className="chart-swatch" style={{ background: FORECAST_COLORS.band }} aria-hidden="true" />
                  {labels.band}: {formatMoney(hovered.low)} – {formatMoney(hovered.high)}
                </span>
              ) : null}
            </>
          )}
        </TooltipWithBounds>
      ) : null}
    </div>
  );
}

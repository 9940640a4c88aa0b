import { AxisTop } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleLinear } from "@visx/scale";
import { useId } from "react";

export interface GanttStep {
  key: string;
  label: string;
  /** Months as "YYYY-MM"; a step covers whole months, start month to end month inclusive. */
  plannedStart: string;
  plannedEnd: string;
  actualStart: string | null;
  /** Null while running: the actual bar then runs until `today`. */
  actualEnd: string | null;
  state: "not_started" | "in_progress" | "done";
  late: boolean;
}

export interface GanttTrack {
  id: string;
  label: string;
  health: "on_track" | "at_risk" | "delayed";
  steps: GanttStep[];
  decisions: { month: string; description: string }[];
  milestones: { month: string; label: string }[];
}

export interface GanttChartProps {
  width: number;
  tracks: GanttTrack[];
  /** First month shown, e.g. "2024-01". */
  from: string;
  /** Last month shown (inclusive), e.g. "2029-12". */
  to: string;
  /** Current month, e.g. "2026-11". */
  today: string;
  /** Translated legend and marker texts: the chart has no text of its own. */
  labels: { planned: string; actual: string; decision: string; milestone: string; today: string };
  healthLabel: (h: GanttTrack["health"]) => string;
}

// Left column holds the track labels; top room for the today label above the year axis;
// bottom room for a two-line legend (so the height does not depend on the width).
const MARGIN = { top: 48, right: 16, bottom: 64, left: 208 };
const ROW = 46;
const PLANNED = { y: 5, h: 16 };
const ACTUAL = { y: 24, h: 8 };
const LANE_Y = 39; // centre of the decision/milestone markers, below the bars

const TEXT = "#1b1f24";
const GRID = "#d0d7de";
const AXIS = "#57606a";
const PLANNED_FILL = "#dbe9f6";
const BLUE = "#0b5cad";
const DONE = "#06325f";
const LATE = "#cf222e";
const DECISION = "#8250df";
const HEALTH: Record<GanttTrack["health"], { color: string; glyph: string }> = {
  // Glyphs drawn as paths (not font characters) so they print the same everywhere.
  on_track: { color: "#1a7f37", glyph: "M-4 0L-1 3L4-3" },
  at_risk: { color: "#9a6700", glyph: "M0-4.5L0 1M0 3.5L0 3.6" },
  delayed: { color: "#cf222e", glyph: "M-3.5-3.5L3.5 3.5M3.5-3.5L-3.5 3.5" },
};

/** Pixel height of the chart for `trackCount` rows (the page sizes its container with it). */
export function ganttHeight(trackCount: number): number {
  return MARGIN.top + Math.max(1, trackCount) * ROW + MARGIN.bottom;
}

/** "YYYY-MM" to a month count; NaN when malformed, which the geometry then skips. */
function monthIndex(month: string): number {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  return match ? Number(match[1]) * 12 + Number(match[2]) - 1 : Number.NaN;
}

/** Up to two lines of about `max` characters: the left column is fixed, the full label is in the title. */
function wrapLabel(text: string, max = 26): string[] {
  if (text.length <= max) return [text];
  const cut = text.lastIndexOf(" ", max);
  const first = cut > 0 ? text.slice(0, cut) : text.slice(0, max);
  const rest = text.slice(first.length).trim();
  return [first, rest.length > max ? `${rest.slice(0, max - 1).trimEnd()}…` : rest];
}

/** Rough text width for laying out the legend (SVG has no flow layout). */
const textWidth = (text: string) => text.length * 6.5;

function HealthMarker({ health, x, y, title }: { health: GanttTrack["health"]; x: number; y: number; title: string }) {
  return (
    <g transform={`translate(${x},${y})`}>
      <title>{title}</title>
      <circle r={8} fill={HEALTH[health].color} stroke={TEXT} strokeWidth={0.5} />
      <path d={HEALTH[health].glyph} fill="none" stroke="#fff" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" />
    </g>
  );
}

const diamond = (x: number, y: number, r = 5) => `M${x} ${y - r}L${x + r} ${y}L${x} ${y + r}L${x - r} ${y}Z`;
const flag = (x: number, y: number) => `M${x} ${y + 6}L${x} ${y - 6}L${x + 8} ${y - 3}L${x} ${y}`;

/**
 * The transition roadmap as a timeline: per track its planned steps, the actual progress below them,
 * decision moments and milestones, and a line for today. Decorative for assistive technology
 * (`aria-hidden`): the page shows the same data as a table.
 */
export function GanttChart({ width, tracks, from, to, today, labels, healthLabel }: GanttChartProps) {
  // Pattern ids must be unique per chart on the page; useId's colons are not safe in url(#…).
  const hatchId = `gantt-hatch-${useId().replace(/:/g, "")}`;
  const height = ganttHeight(tracks.length);
  const innerWidth = width - MARGIN.left - MARGIN.right;
  const innerHeight = Math.max(1, tracks.length) * ROW;
  const origin = monthIndex(from);
  const total = monthIndex(to) - origin + 1;
  if (innerWidth <= 0 || !(total > 0)) return null;

  // A linear scale over month counts (not dates): whole months, no time zones or month lengths.
  const x = scaleLinear<number>({ domain: [0, total], range: [0, innerWidth] });
  const at = (month: string) => monthIndex(month) - origin;
  /** Clamp [a, b) months to the visible range; null when nothing of it is visible. */
  const span = (a: number, b: number) => {
    const lo = Math.max(0, a);
    const hi = Math.min(total, b);
    return hi > lo ? { x: x(lo), width: x(hi) - x(lo) } : null;
  };
  const inRange = (m: number) => m >= 0 && m < total;
  // Today is a month: mark its middle, so a step started this month still shows some progress.
  const now = at(today) + 0.5;

  const years: { start: number; mid: number }[] = [];
  for (let y = Math.floor(origin / 12); y * 12 < origin + total; y++) {
    const start = Math.max(0, y * 12 - origin);
    years.push({ start, mid: (start + Math.min(total, y * 12 + 12 - origin)) / 2 });
  }

  const legendLeft = -MARGIN.left + 12;
  let cursor = legendLeft;
  const place = (label: string, swatch: number) => {
    const left = cursor;
    cursor += swatch + 6 + textWidth(label) + 20;
    return left;
  };
  const legend = [
    { label: labels.planned, el: (l: number, y: number) => <rect x={l} y={y - 6} width={20} height={12} fill={PLANNED_FILL} stroke={BLUE} /> },
    { label: labels.actual, el: (l: number, y: number) => <rect x={l} y={y - 4} width={20} height={8} fill={BLUE} /> },
    { label: labels.decision, el: (l: number, y: number) => <path d={diamond(l + 10, y)} fill={DECISION} stroke={TEXT} /> },
    { label: labels.milestone, el: (l: number, y: number) => <path d={flag(l + 8, y)} fill={TEXT} stroke={TEXT} /> },
    { label: labels.today, el: (l: number, y: number) => <line x1={l + 10} x2={l + 10} y1={y - 7} y2={y + 7} stroke={TEXT} strokeWidth={2} strokeDasharray="3 2" /> },
  ].map((item) => ({ ...item, left: place(item.label, 20) }));
  cursor = legendLeft;
  const healthLegend = (["on_track", "at_risk", "delayed"] as const).map((h) => ({ h, label: healthLabel(h), left: place(healthLabel(h), 16) }));
  const legendY = innerHeight + 24;

  return (
    <div className="chart-canvas gantt" style={{ width, height }}>
      <svg width={width} height={height} aria-hidden="true" focusable="false" data-testid="gantt" style={{ background: "#fff" }}>
        <defs>
          {/* Running steps are hatched, finished ones solid: the difference survives greyscale print. */}
          <pattern id={hatchId} width={6} height={6} patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width={6} height={6} fill={BLUE} />
            <line x1={0} x2={0} y1={0} y2={6} stroke="#fff" strokeWidth={2} />
          </pattern>
        </defs>
        <Group left={MARGIN.left} top={MARGIN.top}>
          {years.map((year) => (
            <line key={year.start} x1={x(year.start)} x2={x(year.start)} y1={-18} y2={innerHeight} stroke={GRID} />
          ))}
          <line x1={x(total)} x2={x(total)} y1={-18} y2={innerHeight} stroke={GRID} />
          <AxisTop
            scale={x}
            tickValues={years.map((year) => year.mid)}
            tickFormat={(v) => String(Math.floor((origin + Number(v)) / 12))}
            hideTicks
            stroke={AXIS}
            tickLabelProps={{ fill: TEXT, fontSize: 12, textAnchor: "middle" }}
          />
          {tracks.map((track, row) => (
            <g key={track.id} data-track={track.id} transform={`translate(0,${row * ROW})`}>
              <line x1={-MARGIN.left} x2={innerWidth} y1={ROW} y2={ROW} stroke={GRID} />
              <HealthMarker health={track.health} x={-MARGIN.left + 14} y={ROW / 2} title={healthLabel(track.health)} />
              <text x={-MARGIN.left + 28} y={ROW / 2} fill={TEXT} fontSize={13} dominantBaseline="middle">
                <title>{`${track.label} (${healthLabel(track.health)})`}</title>
                {wrapLabel(track.label).map((line, i, all) => (
                  <tspan key={i} x={-MARGIN.left + 28} dy={i === 0 ? `${-(all.length - 1) * 0.6}em` : "1.2em"}>
                    {line}
                  </tspan>
                ))}
              </text>
              {track.steps.map((step) => {
                const planned = span(at(step.plannedStart), at(step.plannedEnd) + 1);
                if (!planned) return null;
                // Inset by 1px each side: adjacent steps get a white gap between their outlines.
                return (
                  <rect
                    key={step.key}
                    data-step={step.key}
                    data-late={step.late ? "true" : undefined}
                    x={planned.x + 1}
                    y={PLANNED.y}
                    width={Math.max(1, planned.width - 2)}
                    height={PLANNED.h}
                    fill={PLANNED_FILL}
                    stroke={step.late ? LATE : BLUE}
                    strokeWidth={step.late ? 1.5 : 1}
                    strokeDasharray={step.late ? "4 2" : undefined}
                  >
                    <title>{`${step.label}: ${step.plannedStart} – ${step.plannedEnd}`}</title>
                  </rect>
                );
              })}
              {track.steps.map((step) => {
                if (!step.actualStart) return null;
                const end = step.actualEnd ? at(step.actualEnd) + 1 : now;
                const actual = span(at(step.actualStart), end);
                if (!actual) return null;
                const finished = step.actualEnd !== null || step.state === "done";
                return (
                  <rect
                    key={step.key}
                    x={actual.x + 1}
                    y={ACTUAL.y}
                    width={Math.max(1, actual.width - 2)}
                    height={ACTUAL.h}
                    fill={finished ? DONE : `url(#${hatchId})`}
                    stroke={step.late ? LATE : "none"}
                    strokeWidth={1.5}
                    strokeDasharray={step.late ? "3 2" : undefined}
                  >
                    <title>{`${labels.actual} – ${step.label}: ${step.actualStart} – ${step.actualEnd ?? today}`}</title>
                  </rect>
                );
              })}
              {track.decisions.map((d, i) =>
                inRange(at(d.month)) ? (
                  <path key={`d${i}`} data-decision={d.month} d={diamond(x(at(d.month) + 0.5), LANE_Y)} fill={DECISION} stroke={TEXT}>
                    <title>{`${labels.decision} ${d.month}: ${d.description}`}</title>
                  </path>
                ) : null,
              )}
              {track.milestones.map((m, i) =>
                inRange(at(m.month)) ? (
                  <path key={`m${i}`} data-milestone={m.month} d={flag(x(at(m.month) + 0.5), LANE_Y)} fill={TEXT} stroke={TEXT} strokeLinejoin="round">
                    <title>{`${labels.milestone} ${m.month}: ${m.label}`}</title>
                  </path>
                ) : null,
              )}
            </g>
          ))}
          {inRange(now) ? (
            <g data-today={today}>
              <line x1={x(now)} x2={x(now)} y1={-26} y2={innerHeight} stroke={TEXT} strokeWidth={2} strokeDasharray="5 3" />
              {/* Keep the label inside the plot near the edges. */}
              <text
                x={x(now)}
                y={-32}
                fill={TEXT}
                fontSize={12}
                fontWeight={600}
                textAnchor={x(now) < 40 ? "start" : x(now) > innerWidth - 40 ? "end" : "middle"}
              >
                {labels.today}
              </text>
            </g>
          ) : null}
          <g data-legend>
            {legend.map((item, i) => (
              <g key={i}>
                {item.el(item.left, legendY)}
                <text x={item.left + 26} y={legendY} fill={TEXT} fontSize={12} dominantBaseline="middle">
                  {item.label}
                </text>
              </g>
            ))}
            {healthLegend.map((item) => (
              <g key={item.h}>
                <HealthMarker health={item.h} x={item.left + 8} y={legendY + 22} title={item.label} />
                <text x={item.left + 22} y={legendY + 22} fill={TEXT} fontSize={12} dominantBaseline="middle">
                  {item.label}
                </text>
              </g>
            ))}
          </g>
        </Group>
      </svg>
    </div>
  );
}

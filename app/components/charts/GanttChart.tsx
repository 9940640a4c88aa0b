import { AxisTop } from "@visx/axis";
import { Group } from "@visx/group";
import { scaleLinear } from "@visx/scale";
import { useId, type ReactNode } from "react";

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
  /** The recorded health; null: nobody has assessed the track (drawn as such, never as on track). */
  health: "on_track" | "at_risk" | "delayed" | null;
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
  /** Translated marker texts: the chart has no text of its own. */
  labels: { actual: string; decision: string; milestone: string; today: string };
  healthLabel: (h: GanttHealth) => string;
}

/** A track's marker: its recorded health, or not assessed. */
export type GanttHealth = NonNullable<GanttTrack["health"]> | "not_assessed";

/**
 * Every style a bar can be drawn in, one legend entry each: the planned window (late: past its
 * end and not done), the actual progress (done solid, running hatched, running and late too).
 */
export const GANTT_BAR_STYLES = ["planned", "planned_late", "done", "running", "running_late"] as const;
export type GanttBarStyle = (typeof GANTT_BAR_STYLES)[number];
export const GANTT_MARKS = ["decision", "milestone", "today"] as const;
export const GANTT_HEALTHS: readonly GanttHealth[] = ["on_track", "at_risk", "delayed", "not_assessed"];

// Left column holds the track labels; top room for the today label above the year axis. The
// legend is HTML below the chart (GanttLegend): it wraps, prints and reads in any language.
const MARGIN = { top: 48, right: 16, bottom: 8, left: 208 };
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
const HEALTH: Record<GanttHealth, { color: string; glyph: string }> = {
  // Glyphs drawn as paths (not font characters) so they print the same everywhere.
  on_track: { color: "#1a7f37", glyph: "M-4 0L-1 3L4-3" },
  at_risk: { color: "#9a6700", glyph: "M0-4.5L0 1M0 3.5L0 3.6" },
  delayed: { color: "#cf222e", glyph: "M-3.5-3.5L3.5 3.5M3.5-3.5L-3.5 3.5" },
  // Grey with a question mark: not a judgement at all.
  not_assessed: { color: "#6e7781", glyph: "M-2.5-2A2.5 2.5 0 1 1 0 0.8L0 1.5M0 3.8L0 3.9" },
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

function HealthMarker({ health, x, y, title }: { health: GanttHealth; x: number; y: number; title?: string }) {
  return (
    <g transform={`translate(${x},${y})`}>
      {title ? <title>{title}</title> : null}
      <circle r={8} fill={HEALTH[health].color} stroke={TEXT} strokeWidth={0.5} />
      <path d={HEALTH[health].glyph} fill="none" stroke="#fff" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" />
    </g>
  );
}

const diamond = (x: number, y: number, r = 5) => `M${x} ${y - r}L${x + r} ${y}L${x} ${y + r}L${x - r} ${y}Z`;
const flag = (x: number, y: number) => `M${x} ${y + 6}L${x} ${y - 6}L${x + 8} ${y - 3}L${x} ${y}`;

/** The fill and outline of a bar style: the chart and its legend draw from the same table. */
function barLook(style: GanttBarStyle, hatch: string): { fill: string; stroke: string; strokeWidth: number; dash?: string } {
  switch (style) {
    case "planned":
      return { fill: PLANNED_FILL, stroke: BLUE, strokeWidth: 1 };
    case "planned_late":
      return { fill: PLANNED_FILL, stroke: LATE, strokeWidth: 1.5, dash: "4 2" };
    case "done":
      return { fill: DONE, stroke: "none", strokeWidth: 0 };
    case "running":
      return { fill: `url(#${hatch})`, stroke: "none", strokeWidth: 0 };
    case "running_late":
      return { fill: `url(#${hatch})`, stroke: LATE, strokeWidth: 1.5, dash: "3 2" };
  }
}

/** Running steps are hatched, finished ones solid: the difference survives greyscale print. */
function HatchPattern({ id }: { id: string }) {
  return (
    <pattern id={id} width={6} height={6} patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
      <rect width={6} height={6} fill={BLUE} />
      <line x1={0} x2={0} y1={0} y2={6} stroke="#fff" strokeWidth={2} />
    </pattern>
  );
}

/**
 * The transition roadmap as a timeline: per track its planned steps, the actual progress below them,
 * decision moments and milestones, and a line for today. Decorative for assistive technology
 * (`aria-hidden`): the page shows the same data as a table.
 */
export function GanttChart({ width, tracks, from, to, today, labels, healthLabel }: GanttChartProps) {
  // Pattern ids must be unique per chart on the page; useId's colons are not safe in url(#…).
  const hatchId = `gantt-hatch-${useId().replace(/:/g, "")}`;
  const height = ganttHeight(tracks.length);
  const health = (track: GanttTrack): GanttHealth => track.health ?? "not_assessed";
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


  return (
    <div className="chart-canvas gantt" style={{ width, height }}>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden="true" focusable="false" data-testid="gantt" style={{ background: "#fff" }}>
        <defs>
          <HatchPattern id={hatchId} />
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
              <g data-health={health(track)}>
                <HealthMarker health={health(track)} x={-MARGIN.left + 14} y={ROW / 2} title={healthLabel(health(track))} />
              </g>
              <text x={-MARGIN.left + 28} y={ROW / 2} fill={TEXT} fontSize={13} dominantBaseline="middle">
                <title>{`${track.label} (${healthLabel(health(track))})`}</title>
                {wrapLabel(track.label).map((line, i, all) => (
                  <tspan key={i} x={-MARGIN.left + 28} dy={i === 0 ? `${-(all.length - 1) * 0.6}em` : "1.2em"}>
                    {line}
                  </tspan>
                ))}
              </text>
              {track.steps.map((step) => {
                const planned = span(at(step.plannedStart), at(step.plannedEnd) + 1);
                if (!planned) return null;
                const style: GanttBarStyle = step.late ? "planned_late" : "planned";
                const look = barLook(style, hatchId);
                // Inset by 1px each side: adjacent steps get a white gap between their outlines.
                return (
                  <rect
                    key={step.key}
                    data-step={step.key}
                    data-bar={style}
                    data-late={step.late ? "true" : undefined}
                    x={planned.x + 1}
                    y={PLANNED.y}
                    width={Math.max(1, planned.width - 2)}
                    height={PLANNED.h}
                    fill={look.fill}
                    stroke={look.stroke}
                    strokeWidth={look.strokeWidth}
                    strokeDasharray={look.dash}
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
                // A step with an actual end is drawn done; its planned bar still shows it late while its state is not done.
                const style: GanttBarStyle = finished ? "done" : step.late ? "running_late" : "running";
                const look = barLook(style, hatchId);
                return (
                  <rect
                    key={step.key}
                    data-bar={style}
                    x={actual.x + 1}
                    y={ACTUAL.y}
                    width={Math.max(1, actual.width - 2)}
                    height={ACTUAL.h}
                    fill={look.fill}
                    stroke={look.stroke}
                    strokeWidth={look.strokeWidth}
                    strokeDasharray={look.dash}
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
        </Group>
      </svg>
    </div>
  );
}

export interface GanttLegendProps {
  /** Accessible name of the legend. */
  title: string;
  bar: (style: GanttBarStyle) => string;
  mark: (mark: (typeof GANTT_MARKS)[number]) => string;
  /** The heading of the health markers' part. */
  healthTitle: string;
  healthLabel: (h: GanttHealth) => string;
}

/**
 * The timeline's key, as HTML below it: every bar style the chart can draw (each swatch drawn by
 * the same `barLook` as the bars), the markers and the health circles. Unlike the chart it is
 * read by assistive technology, wraps on a narrow screen and on paper.
 */
export function GanttLegend({ title, bar, mark, healthTitle, healthLabel }: GanttLegendProps) {
  const hatchId = `gantt-key-hatch-${useId().replace(/:/g, "")}`;
  const swatch = (content: ReactNode, defs?: ReactNode) => (
    <svg width={26} height={18} viewBox="0 0 26 18" aria-hidden="true" focusable="false" className="gantt-swatch">
      {defs ? <defs>{defs}</defs> : null}
      {content}
    </svg>
  );
  return (
    <div className="gantt-legend" data-testid="gantt-legend" role="group" aria-label={title}>
      <ul className="chart-legend">
        {GANTT_BAR_STYLES.map((style) => {
          const look = barLook(style, hatchId);
          const planned = style === "planned" || style === "planned_late";
          return (
            <li key={style} data-legend={style}>
              {swatch(
                <rect x={2} y={planned ? 3 : 5} width={22} height={planned ? 12 : 8} fill={look.fill} stroke={look.stroke} strokeWidth={look.strokeWidth} strokeDasharray={look.dash} />,
                style.startsWith("running") ? <HatchPattern id={hatchId} /> : undefined,
              )}
              {bar(style)}
            </li>
          );
        })}
        <li data-legend="decision">
          {swatch(<path d={diamond(13, 9)} fill={DECISION} stroke={TEXT} />)}
          {mark("decision")}
        </li>
        <li data-legend="milestone">
          {swatch(<path d={flag(10, 9)} fill={TEXT} stroke={TEXT} strokeLinejoin="round" />)}
          {mark("milestone")}
        </li>
        <li data-legend="today">
          {swatch(<line x1={13} x2={13} y1={2} y2={16} stroke={TEXT} strokeWidth={2} strokeDasharray="3 2" />)}
          {mark("today")}
        </li>
      </ul>
      <ul className="chart-legend">
        <li className="gantt-legend-title">{healthTitle}</li>
        {GANTT_HEALTHS.map((h) => (
          <li key={h} data-legend={`health-${h}`}>
            {swatch(<HealthMarker health={h} x={13} y={9} />)}
            {healthLabel(h)}
          </li>
        ))}
      </ul>
    </div>
  );
}

import { Link } from "@remix-run/react";
import { ParentSize } from "@visx/responsive";
import { useTranslation } from "react-i18next";
import { GanttChart, ganttHeight, GanttLegend, type GanttTrack } from "~/components/charts/GanttChart";
import { useFormat } from "~/i18n/useFormat";
import type { SegmentCard } from "~/modules/roadmap/roadmap-view.server";
import type { RoadmapTrack } from "~/modules/roadmap/roadmap.server";
import { TableScroll } from "~/components/TableScroll";
import { HealthBadge, SignalsBadge } from "./RoadmapNotice";

type Serialized<T> = T extends (infer U)[] ? Serialized<U>[] : T extends object ? { [K in keyof T]: Serialized<T[K]> } : T;
type Card = Serialized<SegmentCard>;
type Track = Serialized<RoadmapTrack>;
type Review = NonNullable<Card["lastReview"]>;

export function trackTitle(t: (key: string) => string, track: Pick<Track, "segment" | "municipalityName">) {
  return track.municipalityName ? `${t(`segments.columns.${track.segment}`)}: ${track.municipalityName}` : t(`segments.columns.${track.segment}`);
}

/** "Now" on a track: the step it is in, or the first one when nothing has started yet. */
export function nowText(t: (key: string, options?: Record<string, string>) => string, track: Pick<Track, "current" | "steps">): string {
  if (!track.current) return t("roadmap.allDone");
  const step = track.steps.find((s) => s.step === track.current);
  const name = t(`roadmap.steps.${track.current}`);
  return step?.state === "not_started" ? t("roadmap.nextUp", { step: name }) : name;
}

/** The timeline of every track, 2024–2029, with today's line; the same steps are in the cards and on each track's page. */
export function RoadmapTimeline({ tracks, today }: { tracks: Track[]; today: string }) {
  const { t } = useTranslation();
  const gantt: GanttTrack[] = tracks.map((track) => ({
    id: track.id,
    label: trackTitle(t, track),
    health: track.health,
    steps: track.steps.map((s) => ({ key: s.step, label: t(`roadmap.steps.${s.step}`), plannedStart: s.plannedStart, plannedEnd: s.plannedEnd, actualStart: s.actualStart, actualEnd: s.actualEnd, state: s.state, late: s.late })),
    decisions: track.decisions.map((d) => ({ month: d.month, description: d.description })),
    milestones: track.milestones.map((m) => ({ month: m.month, label: m.label ?? t(`roadmap.milestones.${m.kind}`) })),
  }));
  const height = ganttHeight(gantt.length);
  return (
    <section aria-labelledby="timeline-title" className="timeline" data-testid="roadmap-timeline">
      <h2 id="timeline-title">{t("roadmap.timelineTitle")}</h2>
      <div className="chart-frame" style={{ height }}>
        <ParentSize initialSize={{ width: 1000, height }} debounceTime={50}>
          {({ width }) => (
            <GanttChart
              width={width}
              tracks={gantt}
              from="2024-01"
              to="2029-12"
              today={today}
              labels={{ actual: t("roadmap.actual"), decision: t("roadmap.decision"), milestone: t("roadmap.milestone"), today: t("roadmap.today") }}
              healthLabel={(h) => t(`roadmap.health.${h}`)}
            />
          )}
        </ParentSize>
      </div>
      <GanttLegend
        title={t("roadmap.legendTitle")}
        bar={(style) => t(`roadmap.legend.${style}`)}
        mark={(mark) => t(`roadmap.legend.${mark}`)}
        healthTitle={t("roadmap.legendHealth")}
        healthLabel={(h) => t(`roadmap.health.${h}`)}
      />
    </section>
  );
}

/**
 * A track's recorded health and the plan's signals, side by side and apart: a review's "on track"
 * is not overruled by late steps, and late steps are not hidden behind it. Where the health came
 * from: the segment's last review when it says the same, else the track's page.
 */
export function TrackStatus({ track, lastReview }: { track: Track; lastReview?: Review | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const source =
    track.health === null ? null : lastReview && lastReview.health === track.health ? t("roadmap.assessedIn", { body: lastReview.body, date: format.date(lastReview.heldOn) }) : t("roadmap.assessedOnTrack");
  return (
    <dl className="track-status" data-testid={`status-${track.id}`}>
      <div>
        <dt>{t("roadmap.assessment")}</dt>
        <dd>
          <HealthBadge health={track.health} /> {source ? <span className="meta">{source}</span> : null}
          {track.healthReason ? <span className="health-reason" data-testid="health-reason"> {track.healthReason}</span> : null}
        </dd>
      </div>
      <div>
        <dt>{t("roadmap.planSignals")}</dt>
        <dd>
          <SignalsBadge signals={track.signals} />
        </dd>
      </div>
    </dl>
  );
}

/** Where a segment stands: its track(s), the last review, the figures over the years, the targets. */
export function SegmentProgressCard({ card }: { card: Card }) {
  const { t } = useTranslation();
  const format = useFormat();
  const regional = card.tracks.find((track) => track.municipalityCode === null);
  return (
    // A card with one row per municipality takes the full width: its table needs it.
    <article className={regional ? "progress-card" : "progress-card wide"} data-testid={`card-${card.segment}`}>
      <h3 id={`card-title-${card.segment}`}>{t(`segments.columns.${card.segment}`)}</h3>
      {regional ? (
        <>
          <TrackStatus track={regional} lastReview={card.lastReview} />
          <p>
            {t("roadmap.currentVsPlannedShort", {
              current: nowText(t, regional),
              planned: regional.planned ? t(`roadmap.steps.${regional.planned}`) : t("roadmap.notYetStarted"),
            })}{" "}
            <Link to={`/roadmap/tracks/${regional.id}`}>{t("roadmap.openTrack")}</Link>
          </p>
        </>
      ) : (
        <TableScroll labelledBy={`card-title-${card.segment}`}>
        <table className="data compact">
          <thead>
            <tr>
              <th scope="col">{t("roadmap.municipality")}</th>
              <th scope="col">{t("roadmap.current")}</th>
              <th scope="col">{t("roadmap.plannedNow")}</th>
              <th scope="col">{t("roadmap.assessment")}</th>
              <th scope="col">{t("roadmap.planSignals")}</th>
            </tr>
          </thead>
          <tbody>
            {card.tracks.map((track) => (
              <tr key={track.id} data-track={track.id}>
                <th scope="row">
                  <Link to={`/roadmap/tracks/${track.id}`}>{track.municipalityName}</Link>
                </th>
                <td>{nowText(t, track)}</td>
                <td>{track.planned ? t(`roadmap.steps.${track.planned}`) : t("roadmap.notYetStarted")}</td>
                <td data-assessment>
                  <HealthBadge health={track.health} />
                </td>
                <td data-signals-cell>
                  <SignalsBadge signals={track.signals} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </TableScroll>
      )}
      {card.lastReview ? (
        <div className="last-review" data-testid={`last-review-${card.segment}`}>
          <p>
            <strong>{t("roadmap.lastReview")}:</strong> {card.lastReview.body} ({format.date(card.lastReview.heldOn)}) <HealthBadge health={card.lastReview.health} />
          </p>
          {card.lastReview.decisions ? (
            <p>
              <strong>{t("roadmap.fields.decisions")}:</strong> {card.lastReview.decisions}
            </p>
          ) : null}
        </div>
      ) : (
        <p className="hint">{t("roadmap.noReviewYet")}</p>
      )}
      {card.movement.length ? (
        <TableScroll labelledBy={`movement-caption-${card.segment}`}>
        <table className="data compact" data-testid={`movement-${card.segment}`}>
          <caption id={`movement-caption-${card.segment}`}>{t("roadmap.movementCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("roadmap.year")}</th>
              <th scope="col">{t("roadmap.metrics.spending")}</th>
              <th scope="col">{t("roadmap.metrics.spending_share")}</th>
              <th scope="col">{t("roadmap.metrics.clients")}</th>
              <th scope="col">{t("roadmap.metrics.avg_per_client")}</th>
              <th scope="col">{t("roadmap.metrics.providers_80")}</th>
            </tr>
          </thead>
          <tbody>
            {card.movement.map((m) => (
              <tr key={m.year} data-year={m.year}>
                <th scope="row">{m.year}</th>
                <td className="num">{format.money(m.spending, { cents: false })}</td>
                <td className="num">{m.spending_share === null ? "" : format.percent(m.spending_share, 1)}</td>
                <td className="num">{m.clients === null ? t("segments.fewerThan5") : format.number(m.clients)}</td>
                <td className="num">
                  {m.clients === null ? t("segments.fewerThan5") : m.avg_per_client === null ? "" : format.money(m.avg_per_client, { cents: false })}
                </td>
                <td className="num" data-providers-80>
                  {format.number(m.providers_80)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </TableScroll>
      ) : null}
      {card.targets.length ? (
        <table className="data compact" data-testid={`targets-${card.segment}`}>
          <caption>{t("roadmap.targetsCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("roadmap.fields.metric")}</th>
              <th scope="col">{t("roadmap.year")}</th>
              <th scope="col">{t("roadmap.target")}</th>
              <th scope="col">{t("roadmap.actualFigure")}</th>
              <th scope="col">{t("roadmap.met")}</th>
            </tr>
          </thead>
          <tbody>
            {card.targets.map((target) => (
              <tr key={`${target.metric}-${target.year}`} data-target={`${target.metric}-${target.year}`}>
                <th scope="row">{t(`roadmap.metrics.${target.metric}`)}</th>
                <td>{target.year}</td>
                <td>{t(`roadmap.comparisons.${target.comparison}`, { value: target.metric === "spending_share" ? format.percent(target.value, 1) : format.number(target.value) })}</td>
                <td className="num">{target.actual === null ? t("roadmap.noFigure") : target.metric === "spending_share" ? format.percent(target.actual, 1) : format.number(target.actual)}</td>
                <td data-met={target.met === null ? "unknown" : String(target.met)}>{target.met === null ? "" : target.met ? `✓ ${t("roadmap.targetMet")}` : `✕ ${t("roadmap.targetMissed")}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </article>
  );
}

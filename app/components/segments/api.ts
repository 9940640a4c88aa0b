import { parseReportYear } from "@jeugdregio/format";
import type { SegmentColumn, VisibleSegmentFiguresJson } from "@jeugdregio/metrics";

/** The JSON of `/api/segments` (the CLI's `report segments --format json`; `clients` null where hidden, "< 5"). */
export interface SegmentReportJson {
  year: number;
  scope: string;
  segments: Record<SegmentColumn, VisibleSegmentFiguresJson>;
}

/** The JSON of `/api/segments/series`. */
export interface SpendingSeriesJson {
  scope: string;
  years: number[];
  series: { year: number; spending: Record<SegmentColumn, string> }[];
  /** The as-of date of the figures ('YYYY-MM-DD'). */
  asOf: string;
  /** The latest service month with a line declared by `asOf` ('YYYY-MM'), or null. */
  dataThrough: string | null;
}

export class SegmentsFetchError extends Error {
  constructor(readonly status: number) {
    super(`segments request failed: ${status}`);
  }
}

async function getJson<T>(path: string, signal: AbortSignal): Promise<T> {
  const response = await fetch(path, { headers: { accept: "application/json" }, credentials: "same-origin", signal });
  if (response.status === 401) {
    // The session ended: back to the login page, then here again.
    window.location.assign(`/login?redirectTo=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  if (!response.ok) throw new SegmentsFetchError(response.status);
  return (await response.json()) as T;
}

/** `asOf` null: today's figures. */
export function segmentReportQuery(scope: string, year: number | null, asOf: string | null = null) {
  const params = new URLSearchParams({ scope });
  if (year !== null) params.set("year", String(year));
  if (asOf !== null) params.set("asOf", asOf);
  return {
    queryKey: ["segments", "report", scope, year, asOf] as const,
    queryFn: ({ signal }: { signal: AbortSignal }) => getJson<SegmentReportJson>(`/api/segments?${params}`, signal),
  };
}

export function spendingSeriesQuery(scope: string, asOf: string | null = null) {
  const params = new URLSearchParams({ scope });
  if (asOf !== null) params.set("asOf", asOf);
  return {
    queryKey: ["segments", "series", scope, asOf] as const,
    queryFn: ({ signal }: { signal: AbortSignal }) => getJson<SpendingSeriesJson>(`/api/segments/series?${params}`, signal),
  };
}

/** The same rule as the server's `parseYear` (parseReportYear): a year in 2000–2100, else null (the default). */
export function yearParam(value: string | null): number | null {
  return parseReportYear(value);
}

/** Query string for links that keep the chosen year, scope and as-of date (null: today). */
export function scopeQuery(scope: string, year: number, asOf: string | null = null): string {
  const params = new URLSearchParams({ year: String(year), scope });
  if (asOf) params.set("asOf", asOf);
  return `?${params}`;
}

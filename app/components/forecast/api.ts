import type { SegmentColumn } from "@jeugdregio/metrics";

/**
 * The forecast report's JSON (issue 14 §3, contract B): what `report forecast --format json`
 * prints. Money as strings with two decimals; factors, growth,
 * completeness and error with four decimals. Client counts are null where hidden.
 * The server checks that forecastReport's type is assignable to this one.
 */
export interface ForecastSegmentJson {
  realised: string;
  expected_late: string;
  expected_remaining: string;
  forecast: string;
  low: string | null;
  high: string | null;
  band_reason: string | null;
  same_period_last_year: string;
  growth: string;
  clients_realised: number | null;
  clients_forecast: number | null;
}

export interface ForecastMonthJson {
  month: string;
  column: SegmentColumn;
  kind: "declared" | "forecast";
  realised: string;
  ultimate: string;
  completeness: string | null;
}

export interface ForecastJson {
  year: number;
  scope: string;
  as_of: string;
  declared_through: string;
  data_through: string | null;
  available: boolean;
  reason: null | { code: "needs_history"; data_starts: string | null; needed_from: string };
  segments: Record<SegmentColumn, ForecastSegmentJson>;
  months: ForecastMonthJson[];
  factors: { column: SegmentColumn; lag: number; factor: string }[];
  backtest: { column: SegmentColumn; year: number; as_of: string; forecast: string; total: string; error: string }[];
}

/** A year with data and how far it is declared (`yearCompleteness`): `2026 · t/m sep` when incomplete. */
export interface YearCompletenessJson {
  year: number;
  /** YYYY-MM */
  dataThrough: string;
  complete: boolean;
}

export class ForecastFetchError extends Error {
  constructor(readonly status: number) {
    super(`forecast request failed: ${status}`);
  }
}

/** The months of one column, in month order. */
export function monthsOf(report: ForecastJson, column: SegmentColumn): ForecastMonthJson[] {
  return report.months.filter((m) => m.column === column).sort((a, b) => a.month.localeCompare(b.month));
}

/** What the forecast page's loader answers (`/forecast?_data=routes/forecast`), as far as the segment overview reads it. */
export interface ForecastPageData {
  scope: string;
  year: number | null;
  asOf: string;
  years: YearCompletenessJson[];
  report: ForecastJson | null;
}

/**
 * The forecast section of the segment overview for a scope and year: the forecast page's own
 * loader data (same access rules, same figures), fetched when year or scope change.
 */
export function segmentForecastQuery(scope: string, year: number | null, asOf: string | null) {
  const params = new URLSearchParams({ scope });
  if (year !== null) params.set("year", String(year));
  if (asOf) params.set("asOf", asOf);
  params.set("_data", "routes/forecast");
  return {
    queryKey: ["forecast", "page", scope, year, asOf] as const,
    queryFn: async ({ signal }: { signal: AbortSignal }) => {
      const response = await fetch(`/forecast?${params}`, { headers: { accept: "application/json" }, credentials: "same-origin", signal });
      if (!response.ok || response.headers.has("X-Remix-Redirect")) throw new ForecastFetchError(response.status);
      return (await response.json()) as ForecastPageData;
    },
  };
}

import { disclosureFor } from "@jeugdregio/access";
import { protectCounts, SEGMENT_COLUMNS, type SegmentColumn } from "@jeugdregio/metrics";
import type { ForecastJson, YearCompletenessJson } from "~/components/forecast/api";
import type { RequestAccess } from "~/modules/access/access.server";
import { parseAsOf } from "~/modules/figures/as-of";
import { forecastReport, yearCompleteness } from "~/modules/forecast/forecast.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import { parseSegment } from "./concentration-view.server";
import { parseYear, resolveSegmentScope, type SegmentScope } from "~/modules/http.server";
import type { ReportScope } from "./segment-report.server";

/**
 * The forecast page, its export and the segment overview's forecast section (which reads the
 * page's loader data):
 * which scope (the segment table's rules: municipal users their own municipality, regional
 * roles the region or any municipality), year and as-of date a request asks for, and the
 * report under the disclosure rule (small client counts hidden where `disclosureFor` says).
 */

/** `?scope=` as on the segment pages; `?municipality=` (the CLI's word) is accepted too. */
export function forecastScope(access: RequestAccess, url: URL): SegmentScope {
  return resolveSegmentScope(access, url.searchParams.get("scope") ?? url.searchParams.get("municipality"));
}

/** `asOf=` (missing: today); a malformed or future date is a 400 with the parser's message. */
export function forecastAsOf(url: URL): { asOf: string; requested: string | null } {
  const requested = url.searchParams.get("asOf")?.trim() || null;
  try {
    return { asOf: parseAsOf(requested), requested };
  } catch (error) {
    throw new Response(error instanceof Error ? error.message : String(error), { status: 400 });
  }
}

/**
 * The report with small client counts hidden where the viewer may not see them: as in the
 * segment table, each row (clients realised, clients forecast) is protected across the
 * columns, and a column whose realised count is hidden hides its forecast count too.
 */
export function disclosedForecast(access: RequestAccess, scope: ReportScope, report: ForecastJson): ForecastJson {
  const disclosure = disclosureFor(access.user, scope);
  if (!disclosure.hideSmallCounts || !report.available) return report;
  const columns = SEGMENT_COLUMNS.filter((c) => report.segments[c]);
  const realised = protectCounts(columns.map((c) => report.segments[c].clients_realised ?? 0), disclosure);
  const forecast = protectCounts(columns.map((c) => report.segments[c].clients_forecast ?? 0), disclosure);
  const segments = { ...report.segments };
  columns.forEach((c, i) => {
    const hidden = realised[i] === null || forecast[i] === null || report.segments[c].clients_realised === null;
    segments[c] = {
      ...report.segments[c],
      clients_realised: hidden ? null : report.segments[c].clients_realised,
      clients_forecast: hidden ? null : report.segments[c].clients_forecast,
    };
  });
  return { ...report, segments };
}

/** Years with data, newest first, each with how far it is declared as of `asOf`. */
export async function completenessOf(trx: ScopedTransaction, scope: ReportScope, asOf: string): Promise<YearCompletenessJson[]> {
  return [...(await yearCompleteness(trx, scope, asOf))].sort((a, b) => b.year - a.year);
}

/** The forecast for a scope and year, with small client counts hidden where the viewer may not see them. */
export async function forecastFor(access: RequestAccess, trx: ScopedTransaction, scope: SegmentScope, year: number, asOf: string): Promise<ForecastJson> {
  const report: ForecastJson = await forecastReport(trx, { year, scope: scope.report, asOf });
  return disclosedForecast(access, scope.report, report);
}

export interface ForecastView {
  regional: boolean;
  scope: string;
  scopeName: string | null;
  municipalities: { code: string; name: string }[];
  segment: SegmentColumn;
  /** The as-of date the URL named, or null for today. */
  requestedAsOf: string | null;
  asOf: string;
  years: YearCompletenessJson[];
  /** The year shown: the one asked for when it has data, else the latest with data; null without data. */
  year: number | null;
  report: ForecastJson | null;
}

/** Everything the forecast page (and its export) shows for the URL's scope, year, as-of date and column. */
export async function forecastView(access: RequestAccess, url: URL): Promise<ForecastView> {
  const scope = forecastScope(access, url);
  const { asOf, requested } = forecastAsOf(url);
  const segment = parseSegment(url.searchParams.get("segment"));
  const requestedYear = parseYear(url.searchParams.get("year"));
  const regional = access.scope.read === "all";
  return access.run(async (trx) => {
    const years = await completenessOf(trx, scope.report, asOf);
    const year = typeof requestedYear === "number" && years.some((y) => y.year === requestedYear) ? requestedYear : (years[0]?.year ?? null);
    const report = year === null ? null : await forecastFor(access, trx, scope, year, asOf);
    return {
      regional,
      scope: scope.key,
      scopeName: scope.name,
      municipalities: regional ? access.municipalities : [],
      segment,
      requestedAsOf: requested,
      asOf,
      years,
      year,
      report,
    };
  });
}

/**
 * The segment overview's forecast section for the year it shows: how complete each year is
 * (for the year choice), and the forecast when that year is not complete (else null).
 */
export async function segmentForecast(access: RequestAccess, scope: SegmentScope, year: number, url: URL) {
  const { asOf, requested } = forecastAsOf(url);
  return access.run(async (trx) => {
    const years = await completenessOf(trx, scope.report, asOf);
    const incomplete = years.some((y) => y.year === year && !y.complete);
    return { scope: scope.key, year, asOf, requestedAsOf: requested, years, report: incomplete ? await forecastFor(access, trx, scope, year, asOf) : null };
  });
}

/**
 * How complete each year is for the URL's scope (`?scope=`, default the viewer's own: the
 * region for regional roles), as of `asOf=` or today: for the year marks of other pages
 * ("2026 · t/m sep", "not complete yet").
 */
export async function yearMarks(access: RequestAccess, url: URL): Promise<YearCompletenessJson[]> {
  const scope = forecastScope(access, url);
  const { asOf } = forecastAsOf(url);
  return access.run((trx) => completenessOf(trx, scope.report, asOf));
}

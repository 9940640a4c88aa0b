import type { LoaderFunctionArgs } from "@remix-run/node";
import { SEGMENT_COLUMNS } from "@jeugdregio/metrics";
import { lagPattern } from "~/components/forecast/ForecastParts";
import { detectLanguage } from "~/i18n/language.server";
import { i18nServer } from "~/i18n/i18n.server";
import { requireAccess } from "~/modules/access/access.server";
import { notFound } from "~/modules/http.server";
import type { ExportCell } from "~/modules/export/files.server";
import { forecastView } from "~/modules/reports/forecast-view.server";
import { spreadsheetAnswer } from "~/modules/reports/report-export.server";

const TABLES = ["summary", "months", "factors", "backtest"] as const;

/**
 * `/forecast/export?table=summary|months|factors|backtest&format=csv|xlsx&scope=&year=&asOf=`:
 * a table of the forecast page for every segment column, computed by the page's own view, so
 * under the same rules and with the same figures. Money and ratios are numbers (XLSX) or
 * decimals in the language's notation (CSV); a hidden client count reads "< 5".
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:segments");
  const url = new URL(request.url);
  const table = TABLES.find((t) => t === (url.searchParams.get("table") ?? "summary"));
  if (!table) throw notFound();
  const view = await forecastView(access, url);
  const report = view.report;
  if (!report || !report.available) throw notFound();
  const language = await detectLanguage(request, access.user.language);
  const t = await i18nServer.getFixedT(language);
  const text = (key: string, options?: Record<string, unknown>) => String(t(key, options));
  const column = (c: string) => text(`segments.columns.${c}`);
  const money = (value: string | null) => (value === null ? null : Number(value));
  const count = (value: number | null) => (value === null ? text("segments.fewerThan5") : value);
  let rows: ExportCell[][];
  if (table === "summary") {
    const keys = ["realised", "expected_late", "expected_remaining", "forecast", "low", "high", "same_period_last_year", "growth", "clients_realised", "clients_forecast"] as const;
    rows = [
      [text("forecast.export.column"), ...keys.map((k) => text(`forecast.export.${k}`))],
      ...SEGMENT_COLUMNS.map((c) => {
        const s = report.segments[c];
        return [
          column(c),
          money(s.realised),
          money(s.expected_late),
          money(s.expected_remaining),
          money(s.forecast),
          money(s.low),
          money(s.high),
          money(s.same_period_last_year),
          Number(s.growth),
          count(s.clients_realised),
          count(s.clients_forecast),
        ];
      }),
    ];
  } else if (table === "months") {
    rows = [
      ["column", "month", "kind", "realised", "ultimate", "completeness"].map((k) => text(`forecast.export.${k}`)),
      ...SEGMENT_COLUMNS.flatMap((c) =>
        report.months
          .filter((m) => m.column === c)
          .map((m) => [column(c), m.month, text(`forecast.months.kinds.${m.kind}`), money(m.realised), money(m.ultimate), m.completeness === null ? null : Number(m.completeness)]),
      ),
    ];
  } else if (table === "factors") {
    rows = [
      ["column", "lag", "factor", "share"].map((k) => text(`forecast.export.${k}`)),
      ...SEGMENT_COLUMNS.flatMap((c) => lagPattern(report, c).map((f) => [column(c), f.lag, Number(f.factor), Number(f.share)])),
    ];
  } else {
    rows = [
      ["column", "year", "as_of", "forecast", "total", "error"].map((k) => text(`forecast.export.${k}`)),
      ...SEGMENT_COLUMNS.flatMap((c) =>
        report.backtest.filter((b) => b.column === c).map((b) => [column(c), b.year, b.as_of, money(b.forecast), money(b.total), Number(b.error)]),
      ),
    ];
  }
  return spreadsheetAnswer(url.searchParams.get("format"), language, rows, `prognose-${table}-${view.scope}-${report.year}-${report.as_of}`);
}

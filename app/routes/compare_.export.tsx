import type { LoaderFunctionArgs } from "@remix-run/node";
import { SEGMENT_COLUMNS } from "@jeugdregio/metrics";
import { detectLanguage } from "~/i18n/language.server";
import { i18nServer } from "~/i18n/i18n.server";
import { requireAccess } from "~/modules/access/access.server";
import { notFound } from "~/modules/http.server";
import { parseMetric } from "~/modules/reports/compare-metrics";
import { compareView } from "~/modules/reports/concentration-view.server";
import { spreadsheetAnswer } from "~/modules/reports/report-export.server";

/** `/compare/export?table=matrix|shared&format=csv|xlsx&metric=&year=&segment=&min=&asOf=`: a table of the page, under its rules. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:segments");
  const url = new URL(request.url);
  const view = await compareView(access, context, url);
  if (view.year === null) throw notFound();
  const metric = parseMetric(url.searchParams.get("metric"));
  const language = await detectLanguage(request, access.user.language);
  const t = await i18nServer.getFixedT(language);
  const table = url.searchParams.get("table") ?? "matrix";
  const dated = view.requestedAsOf ? `-${view.requestedAsOf}` : "";
  if (table === "shared") {
    if (!view.shared) throw notFound();
    const names = new Map(view.rows.map((r) => [r.scope, r.name]));
    const header = [String(t("compare.provider")), String(t("compare.count")), ...view.shared.municipalities.map((code) => names.get(code) ?? code)];
    const rows = view.shared.providers.map((p) => [
      p.provider_name,
      p.municipalities.length,
      ...view.shared!.municipalities.map((code) => (p.municipalities.includes(code) ? String(t("compare.inSetMark")) : null)),
    ]);
    return spreadsheetAnswer(url.searchParams.get("format"), language, [header, ...rows], `gedeelde-aanbieders-${view.shared.segment}-${view.year}${dated}`);
  }
  if (table !== "matrix") throw notFound();
  const header = [String(t("compare.municipality")), ...SEGMENT_COLUMNS.map((col) => String(t(`segments.columns.${col}`)))];
  const rows = view.rows.map((row) => [
    row.scope === "region" ? String(t("compare.region")) : row.name,
    ...SEGMENT_COLUMNS.map((col) => {
      const cell = row.segments[col];
      const value = cell[metric];
      if (value === null) return String(t(cell.clients === null ? "compare.hidden" : "compare.notAvailable"));
      return Number(value);
    }),
  ]);
  return spreadsheetAnswer(url.searchParams.get("format"), language, [header, ...rows], `vergelijking-${metric}-${view.year}${dated}`);
}

import type { LoaderFunctionArgs } from "@remix-run/node";
import { SEGMENT_COLUMNS } from "@jeugdregio/metrics";
import { detectLanguage } from "~/i18n/language.server";
import { i18nServer } from "~/i18n/i18n.server";
import { requireAccess } from "~/modules/access/access.server";
import { notFound } from "~/modules/http.server";
import { compareView, parseMetric } from "~/modules/reports/concentration-view.server";
import { spreadsheetAnswer } from "~/modules/reports/report-export.server";

/** `/compare/export?format=csv|xlsx&metric=&year=`: the matrix as shown, under the page's rules. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:segments");
  const url = new URL(request.url);
  const view = await compareView(access, context, url);
  if (view.year === null) throw notFound();
  const metric = parseMetric(url.searchParams.get("metric"));
  const language = await detectLanguage(request, access.user.language);
  const t = await i18nServer.getFixedT(language);
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
  return spreadsheetAnswer(url.searchParams.get("format"), language, [header, ...rows], `vergelijking-${metric}-${view.year}`);
}

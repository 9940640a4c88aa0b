import type { LoaderFunctionArgs } from "@remix-run/node";
import { SEGMENT_COLUMNS } from "@jeugdregio/metrics";
import { detectLanguage } from "~/i18n/language.server";
import { i18nServer } from "~/i18n/i18n.server";
import { requireAccess } from "~/modules/access/access.server";
import { notFound } from "~/modules/http.server";
import type { ExportCell } from "~/modules/export/files.server";
import { concentrationView } from "~/modules/reports/concentration-view.server";
import { spreadsheetAnswer } from "~/modules/reports/report-export.server";

/**
 * `/concentration/export?table=providers|trend|referrers&format=csv|xlsx&…`: a table of the
 * page, computed by the page's own view, so under the same rules (the as-of date included).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:segments");
  const url = new URL(request.url);
  const view = await concentrationView(access, context, url);
  if (view.year === null) throw notFound();
  const language = await detectLanguage(request, access.user.language);
  const t = await i18nServer.getFixedT(language);
  const text = (key: string, options?: Record<string, unknown>) => String(t(key, options));
  const table = url.searchParams.get("table") ?? "providers";
  let rows: ExportCell[][];
  if (table === "providers") {
    if (!view.rows) throw notFound();
    const columns = ["rank", "provider_code", "provider_name", "spending", "share", "cumulative_share", "clients", "in_80"] as const;
    rows = [
      columns.map((c) => text(`concentration.columns.${c}`)),
      ...view.rows.map((r) => [
        r.rank,
        r.provider_code,
        r.provider_name,
        Number(r.spending),
        Number(r.share),
        Number(r.cumulative_share),
        r.clients === null ? text("concentration.fewerThan5") : r.clients,
        text(r.in_80 ? "concentration.yes" : "concentration.no"),
      ]),
    ];
  } else if (table === "trend") {
    rows = [
      [text("concentration.columns.year"), text("concentration.segment"), text("concentration.columns.providers_80"), text("concentration.columns.hhi")],
      ...view.trend.map((p) => [p.year, text(`segments.columns.${p.segment}`), p.providers_80, Number(p.hhi)]),
    ];
  } else if (table === "referrers") {
    rows = [
      [text("concentration.referrer"), text("concentration.segment"), text("concentration.columns.spending"), text("concentration.columns.clients")],
      ...view.referrers
        .filter((r) => SEGMENT_COLUMNS.includes(r.segment))
        .map((r) => [
          text(`concentration.referrers.${r.referrer ?? "none"}`),
          text(`segments.columns.${r.segment}`),
          Number(r.spending),
          r.clients === null ? text("concentration.fewerThan5") : r.clients,
        ]),
    ];
  } else {
    throw notFound();
  }
  const dated = view.requestedAsOf ? `-${view.requestedAsOf}` : "";
  return spreadsheetAnswer(url.searchParams.get("format"), language, rows, `concentratie-${table}-${view.scope}-${view.segment}-${view.year}${dated}`);
}

import type { LoaderFunctionArgs } from "@remix-run/node";
import { detectLanguage } from "~/i18n/language.server";
import { i18nServer } from "~/i18n/i18n.server";
import { requireAccess } from "~/modules/access/access.server";
import { notFound } from "~/modules/http.server";
import { concentrationView } from "~/modules/reports/concentration-view.server";
import { spreadsheetAnswer } from "~/modules/reports/report-export.server";

/** `/concentration/export?format=csv|xlsx&…`: the page's provider table, under the page's rules. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:segments");
  const url = new URL(request.url);
  const view = await concentrationView(access, url);
  if (!view.rows || view.year === null) throw notFound();
  const language = await detectLanguage(request, access.user.language);
  const t = await i18nServer.getFixedT(language);
  const columns = ["rank", "provider_code", "provider_name", "spending", "share", "cumulative_share", "clients", "in_80"] as const;
  const header = columns.map((c) => String(t(`concentration.columns.${c}`)));
  const rows = view.rows.map((r) => [
    r.rank,
    r.provider_code,
    r.provider_name,
    Number(r.spending),
    Number(r.share),
    Number(r.cumulative_share),
    r.clients === null ? String(t("concentration.fewerThan5")) : r.clients,
    String(t(r.in_80 ? "concentration.yes" : "concentration.no")),
  ]);
  return spreadsheetAnswer(url.searchParams.get("format"), language, [header, ...rows], `concentratie-${view.scope}-${view.segment}-${view.year}`);
}

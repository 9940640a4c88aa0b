import type { LoaderFunctionArgs } from "@remix-run/node";
import { detectLanguage } from "~/i18n/language.server";
import { i18nServer } from "~/i18n/i18n.server";
import { requireAccess } from "~/modules/access/access.server";
import { productsView } from "~/modules/reports/drilldown-view.server";
import { spreadsheetAnswer } from "~/modules/reports/report-export.server";

/**
 * `/segments/<column>/download?scope&year&asOf&format=csv|xlsx`: the drill-down's product table
 * as shown, computed by the page's own view (same scope, disclosure and as-of rules).
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:segments");
  const url = new URL(request.url);
  const view = await productsView(access, url, params.column);
  const language = await detectLanguage(request, access.user.language);
  const t = await i18nServer.getFixedT(language);
  const text = (key: string) => String(t(key));
  const rows = [
    [text("segments.drilldown.code"), text("segments.drilldown.product"), text("segments.drilldown.spending"), text("segments.drilldown.clients")],
    ...view.products.map((p) => [
      p.productCode,
      (language === "en" ? p.nameEn : p.nameNl) ?? text("segments.drilldown.unknownProduct"),
      Number(p.spending),
      p.clients === null ? text("segments.fewerThan5") : p.clients,
    ]),
  ];
  const dated = view.requestedAsOf ? `-${view.requestedAsOf}` : "";
  return spreadsheetAnswer(url.searchParams.get("format"), language, rows, `producten-${view.column}-${view.scope}-${view.year}${dated}`);
}

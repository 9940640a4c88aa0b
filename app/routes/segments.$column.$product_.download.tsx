import type { LoaderFunctionArgs } from "@remix-run/node";
import { detectLanguage } from "~/i18n/language.server";
import { i18nServer } from "~/i18n/i18n.server";
import { requireAccess } from "~/modules/access/access.server";
import { notFound } from "~/modules/http.server";
import { providersView } from "~/modules/reports/drilldown-view.server";
import { spreadsheetAnswer } from "~/modules/reports/report-export.server";

/**
 * `/segments/<column>/<product>/download?scope&year&asOf&format=csv|xlsx`: the providers of a
 * product as shown, by the page's own view; none where the viewer may not see the provider list.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:segments");
  const url = new URL(request.url);
  const view = await providersView(access, url, params.column, params.product);
  if (view.providers === null) throw notFound();
  const language = await detectLanguage(request, access.user.language);
  const t = await i18nServer.getFixedT(language);
  const text = (key: string) => String(t(key));
  const rows = [
    [text("segments.drilldown.providerCode"), text("segments.drilldown.provider"), text("segments.drilldown.spending"), text("segments.drilldown.clients")],
    ...view.providers.map((p) => [
      p.providerCode,
      p.name ?? text("segments.drilldown.unknownProvider"),
      Number(p.spending),
      p.clients === null ? text("segments.fewerThan5") : p.clients,
    ]),
  ];
  const dated = view.requestedAsOf ? `-${view.requestedAsOf}` : "";
  return spreadsheetAnswer(url.searchParams.get("format"), language, rows, `aanbieders-${view.column}-${view.product.code}-${view.scope}-${view.year}${dated}`);
}

import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DataThrough } from "~/components/DataThrough";
import { scopeQuery } from "~/components/segments/api";
import { Breadcrumbs } from "~/components/segments/Breadcrumbs";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { dataThrough } from "~/modules/figures/data-through.server";
import { requestAsOf } from "~/modules/reports/as-of-view.server";
import { disclosedProviders } from "~/modules/reports/disclosure.server";
import { resolveSegmentScope } from "~/modules/http.server";
import { drilldownYear, providersForProduct, requireColumn } from "~/modules/reports/drilldown.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, (t, language) => [
    data ? t("segments.drilldown.providersTitle", { code: data.product.code, name: (language === "en" ? data.product.nameEn : data.product.nameNl) ?? "" }) : t("nav.segments"),
    data && (data.scopeName ?? t("app.region")),
    data?.year,
  ]);

/** `/segments/<column>/<product>?year&scope&asOf`: the providers of one product in a column (as of a date, default today). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:segments");
  const column = requireColumn(params.column);
  const url = new URL(request.url);
  const scope = resolveSegmentScope(access, url.searchParams.get("scope"));
  const asOf = requestAsOf(url);
  const { list, through } = await access.run(async (trx) => ({
    list: await providersForProduct(trx, scope, await drilldownYear(trx, scope, url.searchParams.get("year"), asOf.read), column, params.product ?? "", asOf.read),
    through: await dataThrough(trx, scope.report, asOf.asOf),
  }));
  return json({ ...disclosedProviders(access, scope.report, list), scopeName: scope.name, asOf: asOf.asOf, requestedAsOf: asOf.requested, dataThrough: through });
}

export default function ProductProviders() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  const query = scopeQuery(data.scope, data.year, data.requestedAsOf);
  const columnName = t(`segments.columns.${data.column}`);
  const productName = (format.language === "en" ? data.product.nameEn : data.product.nameNl) ?? t("segments.drilldown.unknownProduct");
  return (
    <>
      <Breadcrumbs
        items={[
          { label: t("segments.title"), to: `/segments${query}` },
          { label: columnName, to: `/segments/${data.column}${query}` },
          { label: data.product.code },
        ]}
      />
      <h1>{t("segments.drilldown.providersTitle", { code: data.product.code, name: productName })}</h1>
      <DataThrough through={data.dataThrough} declaredUpTo={data.asOf} />
      <p className="hint" data-testid="drilldown-context">
        {t("segments.drilldown.productContext", { column: columnName, scope: data.scopeName ?? t("segments.region"), year: data.year })}
      </p>
      {data.providers === null ? (
        <>
          <p className="hint" data-testid="provider-list-hidden">
            {t("segments.drilldown.providersHidden")}
          </p>
          <p data-testid="providers-total">
            {t("segments.drilldown.total")}: {format.money(data.total)}
          </p>
        </>
      ) : data.providers.length ? (
        <div className="table-scroll">
          <table data-testid="provider-table">
            <thead>
              <tr>
                <th scope="col">{t("segments.drilldown.providerCode")}</th>
                <th scope="col">{t("segments.drilldown.provider")}</th>
                <th scope="col" className="num">
                  {t("segments.drilldown.spending")}
                </th>
                <th scope="col" className="num">
                  {t("segments.drilldown.clients")}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.providers.map((p) => (
                <tr key={p.providerCode} data-testid={`provider-${p.providerCode}`}>
                  <td>{p.providerCode}</td>
                  <td>{p.name ?? t("segments.drilldown.unknownProvider")}</td>
                  <td className="num">{format.money(p.spending)}</td>
                  <td className="num">{p.clients === null ? t("segments.fewerThan5") : format.number(p.clients)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={2}>
                  {t("segments.drilldown.total")}
                </th>
                <td className="num" data-testid="providers-total">
                  {format.money(data.total)}
                </td>
                <td />
              </tr>
            </tfoot>
          </table>
        </div>
      ) : (
        <p className="empty">{t("segments.drilldown.noProviders")}</p>
      )}
    </>
  );
}

import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DataThrough } from "~/components/DataThrough";
import { scopeQuery } from "~/components/segments/api";
import { Breadcrumbs } from "~/components/segments/Breadcrumbs";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { dataThrough } from "~/modules/figures/data-through.server";
import { requestAsOf } from "~/modules/reports/as-of-view.server";
import { disclosedProducts } from "~/modules/reports/disclosure.server";
import { resolveSegmentScope } from "~/modules/http.server";
import { drilldownYear, productsInColumn, requireColumn } from "~/modules/reports/drilldown.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, (t) => [data ? t("segments.drilldown.productsTitle", { column: t(`segments.columns.${data.column}`) }) : t("nav.segments"), data && (data.scopeName ?? t("app.region")), data?.year]);

/** `/segments/<column>?year&scope&asOf`: the products behind a column of the segment table (as of a date, default today). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:segments");
  const column = requireColumn(params.column);
  const url = new URL(request.url);
  const scope = resolveSegmentScope(access, url.searchParams.get("scope"));
  const asOf = requestAsOf(url);
  const { list, through } = await access.run(async (trx) => ({
    list: await productsInColumn(trx, scope, await drilldownYear(trx, scope, url.searchParams.get("year"), asOf.read), column, asOf.read),
    through: await dataThrough(trx, scope.report, asOf.asOf),
  }));
  return json({
    ...disclosedProducts(access, scope.report, list),
    scopeName: scope.name,
    canEditCatalogue: access.can("manage:catalog"),
    asOf: asOf.asOf,
    requestedAsOf: asOf.requested,
    dataThrough: through,
  });
}

export default function SegmentProducts() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  const query = scopeQuery(data.scope, data.year, data.requestedAsOf);
  const columnName = t(`segments.columns.${data.column}`);
  const unassigned = data.column === "unassigned";
  const catalogueLinks = unassigned && data.canEditCatalogue;
  return (
    <>
      <Breadcrumbs items={[{ label: t("segments.title"), to: `/segments${query}` }, { label: columnName }]} />
      <h1>{t("segments.drilldown.productsTitle", { column: columnName })}</h1>
      <DataThrough through={data.dataThrough} declaredUpTo={data.asOf} />
      <p className="hint" data-testid="drilldown-context">
        {t("segments.drilldown.context", { scope: data.scopeName ?? t("segments.region"), year: data.year })}
      </p>
      {unassigned ? <p>{t("segments.drilldown.unassignedIntro")}</p> : null}
      {data.products.length ? (
        <div className="table-scroll">
          <table data-testid="product-table">
            <thead>
              <tr>
                <th scope="col">{t("segments.drilldown.code")}</th>
                <th scope="col">{t("segments.drilldown.product")}</th>
                {unassigned ? <th scope="col">{t("segments.drilldown.reason")}</th> : null}
                <th scope="col" className="num">
                  {t("segments.drilldown.spending")}
                </th>
                <th scope="col" className="num">
                  {t("segments.drilldown.clients")}
                </th>
                {catalogueLinks ? <th scope="col">{t("segments.drilldown.catalogue")}</th> : null}
              </tr>
            </thead>
            <tbody>
              {data.products.map((p) => (
                <tr key={p.productCode} data-testid={`product-${p.productCode}`}>
                  <td>
                    <Link to={`/segments/${data.column}/${p.productCode}${query}`}>{p.productCode}</Link>
                  </td>
                  <td>{(format.language === "en" ? p.nameEn : p.nameNl) ?? t("segments.drilldown.unknownProduct")}</td>
                  {unassigned ? (
                    <td>{p.inCatalogue ? t("segments.drilldown.noSegment") : t("segments.drilldown.notInCatalogue")}</td>
                  ) : null}
                  <td className="num">{format.money(p.spending)}</td>
                  <td className="num">{p.clients === null ? t("segments.fewerThan5") : format.number(p.clients)}</td>
                  {catalogueLinks ? (
                    <td>
                      <Link to={`/catalog?${new URLSearchParams({ q: p.productCode })}`}>
                        {t("segments.drilldown.fixInCatalogue", { code: p.productCode })}
                      </Link>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={unassigned ? 3 : 2}>
                  {t("segments.drilldown.total")}
                </th>
                <td className="num" data-testid="products-total">
                  {format.money(data.total)}
                </td>
                <td />
                {catalogueLinks ? <td /> : null}
              </tr>
            </tfoot>
          </table>
        </div>
      ) : (
        <p className="empty">{t("segments.drilldown.noProducts")}</p>
      )}
    </>
  );
}

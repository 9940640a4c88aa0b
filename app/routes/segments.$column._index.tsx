import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DataThrough } from "~/components/DataThrough";
import { scopeQuery } from "~/components/segments/api";
import { Breadcrumbs } from "~/components/segments/Breadcrumbs";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { productsView } from "~/modules/reports/drilldown-view.server";
import { BarList } from "~/components/charts/BarList";
import { DrilldownFilters } from "~/components/segments/DrilldownFilters";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, (t) => [data ? t("segments.drilldown.productsTitle", { column: t(`segments.columns.${data.column}`) }) : t("nav.segments"), data && (data.scopeName ?? t("app.region")), data?.year]);

/** `/segments/<column>?year&scope&asOf`: the products behind a column of the segment table (as of a date, default today). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:segments");
  const view = await productsView(access, new URL(request.url), params.column);
  return json({ ...view, canEditCatalogue: access.can("manage:catalog") });
}

/** The chart shows the largest products; the table below has them all. */
const CHART_ROWS = 15;

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
      <DrilldownFilters
        action={`/segments/${data.column}`}
        scope={data.scope}
        scopeName={data.scopeName}
        year={data.year}
        years={data.years}
        municipalities={data.municipalities}
        requestedAsOf={data.requestedAsOf}
        downloadTable="products"
      />
      {data.products.length ? (
        <BarList
          testId="products-chart"
          data={data.products.slice(0, CHART_ROWS).map((p) => ({ key: p.productCode, label: `${p.productCode} ${(format.language === "en" ? p.nameEn : p.nameNl) ?? ""}`.trim(), value: p.spending }))}
          formatValue={(value) => format.money(value, { cents: false })}
          summary={t("segments.drilldown.chartSummary", { shown: Math.min(CHART_ROWS, data.products.length), count: data.products.length })}
        />
      ) : null}
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

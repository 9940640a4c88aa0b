import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DataThrough } from "~/components/DataThrough";
import { scopeQuery } from "~/components/segments/api";
import { Breadcrumbs } from "~/components/segments/Breadcrumbs";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { providersView } from "~/modules/reports/drilldown-view.server";
import { BarList } from "~/components/charts/BarList";
import { DrilldownFilters } from "~/components/segments/DrilldownFilters";
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
  return json(await providersView(access, new URL(request.url), params.column, params.product));
}

/** The chart shows the largest providers; the table below has them all. */
const CHART_ROWS = 15;

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
      <DrilldownFilters
        action={`/segments/${data.column}/${data.product.code}`}
        scope={data.scope}
        scopeName={data.scopeName}
        year={data.year}
        years={data.years}
        municipalities={data.municipalities}
        requestedAsOf={data.requestedAsOf}
        downloadTable="providers"
      />
      {data.providers?.length ? (
        <BarList
          testId="providers-chart"
          data={data.providers.slice(0, CHART_ROWS).map((p) => ({ key: p.providerCode, label: p.name ?? p.providerCode, value: p.spending }))}
          formatValue={(value) => format.money(value, { cents: false })}
          summary={t("segments.drilldown.chartSummaryProviders", { shown: Math.min(CHART_ROWS, data.providers.length), count: data.providers.length })}
        />
      ) : null}
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

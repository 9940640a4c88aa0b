import type { RequestAccess } from "~/modules/access/access.server";
import { dataThrough } from "~/modules/figures/data-through.server";
import { resolveSegmentScope, type SegmentScope } from "~/modules/http.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import { requestAsOf } from "./as-of-view.server";
import { disclosedProducts, disclosedProviders } from "./disclosure.server";
import { drilldownYear, productsInColumn, providersForProduct, requireColumn } from "./drilldown.server";
import { yearsWithData } from "./segment-report.server";

/**
 * What a segment drill-down shows, for its page and its downloads alike (one home): the scope
 * and year the request asks for (municipal users their own municipality only), the years with
 * data for the year selector, the municipalities a regional reader may pick, and the rows of
 * `list` for that scope and year.
 */
async function drilldown<List>(
  access: RequestAccess,
  url: URL,
  list: (trx: ScopedTransaction, scope: SegmentScope, year: number, asOf: string | null) => Promise<List>,
) {
  const scope = resolveSegmentScope(access, url.searchParams.get("scope"));
  const asOf = requestAsOf(url);
  const found = await access.run(async (trx) => {
    const years = await yearsWithData(trx, scope.report, asOf.read);
    return {
      years,
      list: await list(trx, scope, drilldownYear(url.searchParams.get("year"), years), asOf.read),
      through: await dataThrough(trx, scope.report, asOf.asOf),
    };
  });
  const dated = { scopeName: scope.name, years: found.years, municipalities: access.scope.read === "all" ? access.municipalities : [], asOf: asOf.asOf, requestedAsOf: asOf.requested, dataThrough: found.through };
  return { scope, list: found.list, dated };
}

export async function productsView(access: RequestAccess, url: URL, columnParam: string | undefined) {
  const column = requireColumn(columnParam);
  const { scope, list, dated } = await drilldown(access, url, (trx, scope, year, asOf) => productsInColumn(trx, scope, year, column, asOf));
  return { ...disclosedProducts(access, scope.report, list), ...dated };
}

export async function providersView(access: RequestAccess, url: URL, columnParam: string | undefined, product: string | undefined) {
  const column = requireColumn(columnParam);
  const { scope, list, dated } = await drilldown(access, url, (trx, scope, year, asOf) => providersForProduct(trx, scope, year, column, product ?? "", asOf));
  return { ...disclosedProviders(access, scope.report, list), ...dated };
}

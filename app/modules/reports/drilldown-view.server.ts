import type { RequestAccess } from "~/modules/access/access.server";
import { dataThrough } from "~/modules/figures/data-through.server";
import { resolveSegmentScope } from "~/modules/http.server";
import { requestAsOf } from "./as-of-view.server";
import { disclosedProducts, disclosedProviders } from "./disclosure.server";
import { drilldownYear, productsInColumn, providersForProduct, requireColumn } from "./drilldown.server";
import { yearsWithData } from "./segment-report.server";

/**
 * What a segment drill-down shows, for its page and its downloads alike (one home): the scope
 * and year the request asks for (municipal users their own municipality only), the years with
 * data for the year selector, the municipalities a regional reader may pick, and the rows under
 * the disclosure rules.
 */
async function drilldownBase(access: RequestAccess, url: URL) {
  const scope = resolveSegmentScope(access, url.searchParams.get("scope"));
  const asOf = requestAsOf(url);
  return { scope, asOf, municipalities: access.scope.read === "all" ? access.municipalities : [] };
}

export async function productsView(access: RequestAccess, url: URL, columnParam: string | undefined) {
  const column = requireColumn(columnParam);
  const { scope, asOf, municipalities } = await drilldownBase(access, url);
  const { list, through, years } = await access.run(async (trx) => ({
    list: await productsInColumn(trx, scope, await drilldownYear(trx, scope, url.searchParams.get("year"), asOf.read), column, asOf.read),
    through: await dataThrough(trx, scope.report, asOf.asOf),
    years: await yearsWithData(trx, scope.report, asOf.read),
  }));
  return {
    ...disclosedProducts(access, scope.report, list),
    scopeName: scope.name,
    years,
    municipalities,
    asOf: asOf.asOf,
    requestedAsOf: asOf.requested,
    dataThrough: through,
  };
}

export async function providersView(access: RequestAccess, url: URL, columnParam: string | undefined, product: string | undefined) {
  const column = requireColumn(columnParam);
  const { scope, asOf, municipalities } = await drilldownBase(access, url);
  const { list, through, years } = await access.run(async (trx) => ({
    list: await providersForProduct(trx, scope, await drilldownYear(trx, scope, url.searchParams.get("year"), asOf.read), column, product ?? "", asOf.read),
    through: await dataThrough(trx, scope.report, asOf.asOf),
    years: await yearsWithData(trx, scope.report, asOf.read),
  }));
  return {
    ...disclosedProviders(access, scope.report, list),
    scopeName: scope.name,
    years,
    municipalities,
    asOf: asOf.asOf,
    requestedAsOf: asOf.requested,
    dataThrough: through,
  };
}

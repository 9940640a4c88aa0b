import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { dataThrough } from "~/modules/figures/data-through.server";
import { jsonRequestAsOf } from "~/modules/reports/as-of-view.server";
import { asJsonError, JSON_HEADERS, requireApiAccess, resolveSegmentScope } from "~/modules/http.server";
import { spendingSeries } from "~/modules/reports/drilldown.server";

/**
 * `GET /api/segments/series?scope=region|GM….&asOf=YYYY-MM-DD`: the years with data in the
 * scope (newest first) and spending per segment column per year (oldest first), money as
 * decimal strings, as of `asOf` (default today), with that date (`asOf`) and the latest service
 * month with a line declared by then (`dataThrough`, 'YYYY-MM' or null). Same access rules as
 * `/api/segments`; a bad as-of date is a 400 `{ error: "invalid_as_of", message }`.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireApiAccess(request, context);
  const url = new URL(request.url);
  try {
    const scope = resolveSegmentScope(access, url.searchParams.get("scope"));
    const asOf = jsonRequestAsOf(url);
    if (asOf instanceof Response) return asOf;
    const series = await access.run(async (trx) => ({
      ...(await spendingSeries(trx, scope, asOf.read)),
      asOf: asOf.asOf,
      dataThrough: await dataThrough(trx, scope.report, asOf.asOf),
    }));
    return json(series, { headers: JSON_HEADERS });
  } catch (error) {
    throw asJsonError(error);
  }
}

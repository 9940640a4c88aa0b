import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { asJsonError, JSON_HEADERS, requireApiAccess, resolveSegmentScope, spendingSeries } from "~/modules/reports/drilldown.server";

/**
 * `GET /api/segments/series?scope=region|GM….`: the years with data in the
 * scope (newest first) and spending per segment column per year (oldest first),
 * money as decimal strings. Same access rules as `/api/segments`.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireApiAccess(request, context);
  const url = new URL(request.url);
  try {
    const scope = resolveSegmentScope(access, url.searchParams.get("scope"));
    const series = await access.run((trx) => spendingSeries(trx, scope));
    return json(series, { headers: JSON_HEADERS });
  } catch (error) {
    throw asJsonError(error);
  }
}

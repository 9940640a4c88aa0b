import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { jsonRequestAsOf } from "~/modules/reports/as-of-view.server";
import { disclosedSegmentReport } from "~/modules/reports/disclosure.server";
import { asJsonError, JSON_HEADERS, parseYear, refusalJson, requireApiAccess, resolveSegmentScope } from "~/modules/http.server";
import { Refusal } from "~/modules/refusal";
import { segmentReportFor } from "~/modules/reports/drilldown.server";

/**
 * `GET /api/segments?year=2023&scope=region|GM….&asOf=YYYY-MM-DD`: the segment table as JSON,
 * exactly the shape of `npm run cli -- report segments --format json`, under the disclosure
 * rule (a hidden count and its average are `null`; README, "Segment report JSON").
 * Without `year`: the latest year with data in the scope; without `asOf`: today (only lines
 * declared by then count). 401 when logged out, 403 without `read:segments`, 404 for a scope out
 * of reach, 400 for a bad year or as-of date (`{ error, message }`).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireApiAccess(request, context);
  const url = new URL(request.url);
  try {
    const scope = resolveSegmentScope(access, url.searchParams.get("scope"));
    const year = parseYear(url.searchParams.get("year"));
    if (year === "invalid") return refusalJson(new Refusal("invalid", "invalid_year"));
    const asOf = jsonRequestAsOf(url);
    if (asOf instanceof Response) return asOf;
    const report = await access.run((trx) => segmentReportFor(trx, scope, year, asOf.read));
    return json(disclosedSegmentReport(access, scope.report, report), { headers: JSON_HEADERS });
  } catch (error) {
    throw asJsonError(error);
  }
}


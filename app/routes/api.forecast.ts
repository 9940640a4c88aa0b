import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { parseAsOf } from "~/modules/figures/as-of";
import { firstDeclaredOn, forecastReport, yearCompleteness } from "~/modules/forecast/forecast.server";
import { disclosedForecast } from "~/modules/reports/forecast-view.server";
import { asJsonError, JSON_HEADERS, parseYear, requireApiAccess, resolveSegmentScope } from "~/modules/http.server";

/**
 * `GET /api/forecast?year=2026&municipality=GM…&asOf=YYYY-MM-DD`: the forecast as JSON, exactly
 * the shape of `npm run cli -- report forecast --format json`, under the disclosure rule (hidden
 * client counts are null). Scope as /api/segments (`municipality=` or `scope=`; municipal users
 * their own municipality, regional roles the region or any municipality). Without `year`: the
 * latest year with data; without `asOf`: today. 401 logged out, 403 without `read:segments`, 404
 * for a scope out of reach, 400 for a bad year or as-of date (with a message).
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireApiAccess(request, context);
  const url = new URL(request.url);
  const bad = (error: string, message: string) => json({ error, message }, { status: 400, headers: JSON_HEADERS });
  try {
    const scope = resolveSegmentScope(access, url.searchParams.get("municipality") ?? url.searchParams.get("scope"));
    const year = parseYear(url.searchParams.get("year"));
    if (year === "invalid") return bad("invalid_year", `year: expected a year, got ${url.searchParams.get("year")}`);
    let asOf: string;
    try {
      asOf = parseAsOf(url.searchParams.get("asOf"));
    } catch (error) {
      return bad("invalid_as_of", error instanceof Error ? error.message : String(error));
    }
    const answer = await access.run(async (trx) => {
      const first = await firstDeclaredOn(trx, scope.report);
      if (first === null || asOf < first) return { beforeData: first };
      const chosen = year ?? (await yearCompleteness(trx, scope.report, asOf)).at(-1)?.year ?? Number(asOf.slice(0, 4));
      return { report: await forecastReport(trx, { year: chosen, scope: scope.report, asOf }) };
    });
    if (!("report" in answer) || !answer.report) {
      return bad("as_of_before_data", answer.beforeData ? `as of: ${asOf} is before any data (the first line was declared on ${answer.beforeData})` : "no declarations in this scope");
    }
    return json(disclosedForecast(access, scope.report, answer.report), { headers: JSON_HEADERS });
  } catch (error) {
    throw asJsonError(error);
  }
}

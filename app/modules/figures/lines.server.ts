import { sql } from "kysely";
import type { ReportScope } from "~/modules/reports/segment-report.server";
import { countingLines } from "./counting.server";
import { mappedColumn } from "./segment-column.server";

/**
 * The lines of a scope and year, each tagged with its segment column: the current lines, or
 * (`asOf` a date) those counting as of that date (countingLines).
 */
export function taggedLines(year: number, scope: ReportScope, asOf: string | null = null) {
  // One index lookup per line: robust whatever the planner knows about the
  // data (the embedded database has no statistics until analysed).
  return sql`
    select d.municipality_code, d.service_month, d.product_code, d.provider_code, d.client_key, d.amount, d.referrer,
      ${mappedColumn("d")} as col
    from declaration d
    where ${countingLines("d", asOf)}
      and d.service_month >= make_date(${year}::int, 1, 1) and d.service_month < make_date(${year}::int + 1, 1, 1)
      ${scope.kind === "municipality" ? sql`and d.municipality_code = ${scope.code}` : sql``}`;
}

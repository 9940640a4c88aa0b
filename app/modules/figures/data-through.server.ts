import { sql, type RawBuilder } from "kysely";
import type { ReportScope } from "~/modules/reports/segment-report.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import { READ_SCOPE_SETTING, regionalScopeCheck } from "~db/tenancy";

const REGIONAL_READER = sql.raw(regionalScopeCheck(READ_SCOPE_SETTING));

/**
 * The scope's rows of summary_lag (migration 0017: col, service_month, declared_on, net, lines,
 * superseded): for the region the region's sum (summary_region_lag) for regional readers, and
 * for anyone else asking for the region the municipal rows row-level security shows. Each row
 * holds what changed on its day: the net declared minus the net superseded, the lines declared
 * (`lines`) and superseded (`superseded`). Summed over the days ≤ A it gives what counts as of A
 * (countingLines); a rolled-back batch's rows are gone (as if never imported).
 */
export function lagRows(scope: ReportScope): RawBuilder<unknown> {
  if (scope.kind === "municipality") {
    return sql`(select col, service_month, declared_on, net, lines, superseded from summary_lag where municipality_code = ${scope.code})`;
  }
  return sql`(select col, service_month, declared_on, net, lines, superseded from summary_region_lag where ${REGIONAL_READER}
    union all select col, service_month, declared_on, net, lines, superseded from summary_lag where not ${REGIONAL_READER})`;
}

/**
 * The scope's service months (a subquery with column `service_month`) with at least one line
 * counting as of `asOf`: Σ(lines − superseded) over the days ≤ A is the number of such lines.
 */
export function countingMonths(scope: ReportScope, asOf: string): RawBuilder<unknown> {
  return sql`(select service_month from ${lagRows(scope)} l where declared_on <= ${asOf}::date
    group by service_month having sum(lines - superseded) > 0)`;
}

/**
 * "Data through" (issue 14 §2): the latest service month ('YYYY-MM') with any line that counts
 * as of `asOf` (declared by then and not replaced by then), or null without any. A month whose
 * lines were all replaced by A (by lines of other months) no longer counts; a test checks this
 * equals the same question asked of the lines with countingLines.
 */
export async function dataThrough(trx: ScopedTransaction, scope: ReportScope, asOf: string): Promise<string | null> {
  const result = await sql<{ month: string | null }>`
    select to_char(max(service_month), 'YYYY-MM') as month from ${countingMonths(scope, asOf)} m`.execute(trx);
  return result.rows[0]?.month ?? null;
}

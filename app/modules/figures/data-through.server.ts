import { sql } from "kysely";
import type { ReportScope } from "~/modules/reports/segment-report.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import { READ_SCOPE_SETTING, regionalScopeCheck } from "~db/tenancy";

const REGIONAL_READER = sql.raw(regionalScopeCheck(READ_SCOPE_SETTING));

/**
 * "Data through" (issue 14 §2): the latest service month ('YYYY-MM') with any line that counts
 * as of `asOf` (countingLines: declared by then and not replaced by then), or null without any.
 * Read from summary_lag (the region's sum, summary_region_lag, for regional readers; anyone else
 * asking for the region gets the municipal rows row-level security shows): each row holds the
 * lines declared (`lines`) and superseded (`superseded`) on its day, so the lines counting as of
 * A for a month are Σ(lines − superseded) over the days ≤ A. A month whose lines were all
 * replaced by A by lines of other months, or whose batch was rolled back (rows gone), has none.
 */
export async function dataThrough(trx: ScopedTransaction, scope: ReportScope, asOf: string): Promise<string | null> {
  const rows =
    scope.kind === "municipality"
      ? sql`(select service_month, declared_on, lines, superseded from summary_lag where municipality_code = ${scope.code})`
      : sql`(select service_month, declared_on, lines, superseded from summary_region_lag where ${REGIONAL_READER}
          union all select service_month, declared_on, lines, superseded from summary_lag where not ${REGIONAL_READER})`;
  const result = await sql<{ month: string | null }>`
    select to_char(max(service_month), 'YYYY-MM') as month from (
      select service_month from ${rows} l where declared_on <= ${asOf}::date
      group by service_month having sum(lines - superseded) > 0) m`.execute(trx);
  return result.rows[0]?.month ?? null;
}

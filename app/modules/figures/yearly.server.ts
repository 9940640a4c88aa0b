import { sql } from "kysely";
import type { ReportScope } from "~/modules/reports/segment-report.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import { lagRows } from "./data-through.server";

/**
 * Net spending per service year of a scope (every column together), as of `asOf` (null: the
 * current lines), read from summary_lag instead of the lines: summed over the days up to A it is
 * what countingLines counts then. Only years with at least one line that counts (Σ lines −
 * superseded > 0), as a `group by` over the lines would give. The closed square's RIGG part.
 */
export async function netPerYear(trx: ScopedTransaction, scope: ReportScope, asOf: string | null): Promise<Map<number, string>> {
  const result = await sql<{ year: number; total: string }>`
    select extract(year from l.service_month)::int as year, sum(l.net)::text as total
    from ${lagRows(scope)} l
    ${asOf === null ? sql`` : sql`where l.declared_on <= ${asOf}::date`}
    group by 1 having sum(l.lines - l.superseded) > 0`.execute(trx);
  return new Map(result.rows.map((r) => [Number(r.year), r.total]));
}

/**
 * The latest year in which the scope has lines that count (as of `asOf`; null: the current lines)
 * in all twelve service months, or null: from summary_lag, where a month counts when Σ (lines −
 * superseded) over the days up to A is above zero (countingMonths).
 */
export async function latestCompleteYear(trx: ScopedTransaction, scope: ReportScope, asOf: string | null = null): Promise<number | null> {
  const rows = await sql<{ year: number }>`
    select extract(year from m.service_month)::int as year
    from (select l.service_month from ${lagRows(scope)} l ${asOf === null ? sql`` : sql`where l.declared_on <= ${asOf}::date`}
          group by l.service_month having sum(l.lines - l.superseded) > 0) m
    group by 1 having count(*) = 12 order by 1 desc limit 1`.execute(trx);
  return rows.rows[0] ? Number(rows.rows[0].year) : null;
}

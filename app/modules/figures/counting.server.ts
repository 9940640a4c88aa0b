import { sql, type RawBuilder } from "kysely";

/**
 * Which declaration lines count: the one rule for every figure (issue 14).
 * - `asOf` null: the current lines (not superseded), what the summary tables hold.
 * - `asOf` a date `YYYY-MM-DD`: the lines declared on or before it and not yet replaced by then
 *   (a replace counts from its delivery date, `superseded_on`). Rolled-back batches' lines are
 *   deleted, so they count at no date.
 * `alias` names the declaration row in the query.
 */
export function countingLines(alias: string, asOf: string | null): RawBuilder<unknown> {
  const ref = (column: string) => sql.ref(`${alias}.${column}`);
  if (asOf === null) return sql`${ref("superseded_by")} is null`;
  return sql`${ref("declared_on")} <= ${asOf}::date and (${ref("superseded_on")} is null or ${ref("superseded_on")} > ${asOf}::date)`;
}

import { sql } from "kysely";

/**
 * The one SQL home of the mapping rule (DOMAIN.md): the segment column of the row `alias`
 * (product_code, municipality_code, service_month) is the mapping row valid on the first day of
 * its service month, the municipality's override before the regional default; no row, or a row
 * without a segment, is unassigned. Where two rows of the same scope are valid on that day (a
 * validated catalogue has none, but the table does not forbid it) the latest start wins, as in
 * `resolveSegment` (packages/catalog), its TypeScript twin; test/db/mapping-rule.test.ts holds the
 * two together on generated catalogues. `regionalOnly` looks at regional rows only, for products
 * no municipality overrides. (Migrations 0008, 0017 and 0021 keep frozen copies for their backfill.)
 */
export function mappedColumn(alias: string, regionalOnly = false) {
  const ref = (column: string) => sql.ref(`${alias}.${column}`);
  return sql`coalesce((
    select m.segment_key from product_mapping m
    where m.product_code = ${ref("product_code")}
      and ${regionalOnly ? sql`m.municipality_code is null` : sql`(m.municipality_code = ${ref("municipality_code")} or m.municipality_code is null)`}
      and m.valid_from <= ${ref("service_month")} and (m.valid_to is null or m.valid_to >= ${ref("service_month")})
    order by m.municipality_code nulls last, m.valid_from desc
    limit 1), 'unassigned')`;
}

import { Refusal } from "~/modules/refusal";
import type { RowIssue } from "@jeugdregio/tabular";
import { sql } from "kysely";
import type { ScopedTransaction } from "~db/tenant-scope";

/**
 * Checks of the declaration import that look at a whole file rather than one line: identical
 * lines and formula cells of a workbook. Both
 * the bulk and the row-by-row path use them, so they report the same.
 */

/** Groups of identical lines shown one by one; the rest are counted. */
const SHOWN_GROUPS = 20;
/** Repeats listed per group. */
const SHOWN_REPEATS = 10;

export interface IdenticalLines {
  /** Groups of lines identical in every stored field, at most SHOWN_GROUPS, by their first line. */
  groups: { first: number; repeats: number[]; count: number }[];
  groupCount: number;
  /** Lines that repeat an earlier line (a group of 3 counts 2). */
  repeated: number;
}

/**
 * Lines of a batch that are the same in period, municipality, provider, product, client, amount,
 * units and referrer. First one pass that groups a 64-bit hash of each line (a hash aggregate of
 * bigints: bounded memory, no sort of the text columns; measured 4 s instead of 17 s for 1M
 * lines); only when some hash repeats, the exact grouping over the lines with those hashes,
 * then one join for the line numbers of the groups shown.
 */
export async function findIdenticalLines(trx: ScopedTransaction, batchId: string): Promise<IdenticalLines | null> {
  const hash = sql`hashtextextended(concat_ws('|', municipality_code, service_month, provider_code, product_code, client_key,
    trim_scale(amount), trim_scale(units), referrer), 0)`;
  const candidates = await sql<{ n: number }>`
    select count(*)::int as n from (
      select 1 from declaration where batch_id = ${batchId} group by ${hash} having count(*) > 1
    ) repeated`.execute(trx);
  if (Number(candidates.rows[0]?.n ?? 0) === 0) return null;
  const result = await sql<{ first: number; n: number; group_count: number; repeated: number; line_no: number }>`
    with candidate as (
      select ${hash} as h from declaration where batch_id = ${batchId} group by 1 having count(*) > 1
    ), grouped as (
      select min(line_no) as first, count(*)::int as n,
             municipality_code, service_month, provider_code, product_code, client_key, amount, units, referrer
      from declaration
      where batch_id = ${batchId} and ${hash} in (select h from candidate)
      group by municipality_code, service_month, provider_code, product_code, client_key, amount, units, referrer
      having count(*) > 1
    ), shown as (
      select *, count(*) over () as group_count, sum(n - 1) over () as repeated
      from grouped order by first limit ${SHOWN_GROUPS}
    )
    select s.first, s.n, s.group_count::int as group_count, s.repeated::int as repeated, d.line_no
    from shown s
    join declaration d
      on d.batch_id = ${batchId} and d.municipality_code = s.municipality_code and d.service_month = s.service_month
     and d.provider_code = s.provider_code and d.product_code = s.product_code and d.client_key = s.client_key
     and d.amount = s.amount and d.units is not distinct from s.units and d.referrer is not distinct from s.referrer
     and d.line_no <> s.first
    order by s.first, d.line_no`.execute(trx);
  if (result.rows.length === 0) return null;
  const groups = new Map<number, { first: number; repeats: number[]; count: number }>();
  for (const row of result.rows) {
    const first = Number(row.first);
    let group = groups.get(first);
    if (!group) {
      group = { first, repeats: [], count: Number(row.n) - 1 };
      groups.set(first, group);
    }
    if (group.repeats.length < SHOWN_REPEATS) group.repeats.push(Number(row.line_no));
  }
  const head = result.rows[0]!;
  return { groups: [...groups.values()], groupCount: Number(head.group_count), repeated: Number(head.repeated) };
}

/** The identical lines as issues: warnings by default, errors when the import refuses them. */
export function identicalLineIssues(found: IdenticalLines, refused: boolean): RowIssue[] {
  const issues: RowIssue[] = [
    {
      line: null,
      column: null,
      code: "identical_lines_total",
      message: `${found.repeated} lines are identical to an earlier line (${found.groupCount} groups)${
        refused ? "; the file was refused because identical lines are not allowed" : " and are counted as often as they appear"
      }.`,
      params: { repeated: found.repeated, groups: found.groupCount },
    },
  ];
  for (const group of found.groups) {
    const lines = `${group.repeats.join(", ")}${group.count > group.repeats.length ? `, … (${group.count} in all)` : ""}`;
    issues.push({
      line: group.repeats[0] ?? null,
      column: null,
      code: "identical_lines",
      message: `Lines ${lines}: identical to line ${group.first}.`,
      params: { lines, first: group.first },
    });
  }
  return issues;
}

/** Cells of a workbook that held formulas: their cached values were imported. */
export function formulaCellsNotice(cells: readonly string[]): RowIssue {
  const shown = cells.slice(0, 20).join(", ") + (cells.length > 20 ? `, … (${cells.length} in all)` : "");
  return {
    line: null,
    column: null,
    code: "formula_cells",
    message: `Cells ${shown} are formulas; their last calculated values were imported.`,
    params: { cells: shown, count: cells.length },
  };
}

/** Thrown inside the bulk path's transaction when identical lines are refused: the row-by-row path reports them. */
export class IdenticalLinesRefused extends Refusal {
  constructor(readonly found: IdenticalLines) {
    super("conflict", "identical_lines", null, {}, "identical lines refused");
  }
}

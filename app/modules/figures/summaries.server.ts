import { sql, type RawBuilder } from "kysely";
import { afterCommit, type ScopedTransaction } from "~db/tenant-scope";
import { DECLARATION_IMPORT_LOCK } from "~db/tenancy";
import { bumpReportStamp } from "~/modules/reports/report-cache.server";
import { mappedColumn } from "./segment-column.server";
import type { Actor } from "~/modules/access/actor";
import { recordAudit } from "~/modules/audit/audit.server";

/**
 * Keeps the segment table's summary tables (migration 0008) equal to what the current
 * declaration lines say, in the transaction that changes them: an import adds its batch, a
 * replace or rollback recomputes the municipality-years it touches, a mapping change moves the
 * changed products' lines from their old to their new column. A test compares every figure with
 * the same report computed straight from the lines.
 */

/**
 * Current lines matching `where` (`current` false: superseded ones too, for summary_lag), with
 * year and segment column as the reports assign them (`mappedColumn`). Resolved once per product
 * and month, and per line only for products some municipality overrides: the same answer, far
 * fewer lookups.
 */
function taggedCurrent(where: RawBuilder<unknown>, current = true) {
  return sql`
    with lines as materialized (
      select d.municipality_code, d.service_month, d.product_code, d.provider_code, d.client_key, d.referrer, d.amount, d.declared_on, d.superseded_on
      from declaration d where ${current ? sql`d.superseded_by is null and` : sql``} ${where}),
    regional as materialized (select k.product_code, k.service_month, ${mappedColumn("k", true)} as col
                 from (select distinct product_code, service_month from lines) k),
    -- The products some municipality overrides, as one array: a join to them made the planner
    -- hash the batch's lines (a million rows) to find the few, or none, that need a lookup.
    overridden as materialized (select coalesce(array_agg(distinct product_code), '{}') as codes from product_mapping where municipality_code is not null)
    select l.municipality_code, extract(year from l.service_month)::int as year, l.service_month, l.declared_on, l.superseded_on, l.product_code, l.provider_code, l.client_key, l.referrer, l.amount,
      case when l.product_code = any(o.codes) then ${mappedColumn("l")} else r.col end as col
    from lines l
    join regional r on r.product_code = l.product_code and r.service_month = l.service_month
    cross join overridden o`;
}

/**
 * One change to the summaries at a time, whoever makes it (imports, rollbacks, mapping changes):
 * the upkeep below relies on knowing which municipality-years are still empty. The same lock as
 * the imports' last step; take it before touching the lines, so no two changes wait on each other.
 */
export async function lockSummaries(trx: ScopedTransaction): Promise<void> {
  await sql`select pg_advisory_xact_lock(${DECLARATION_IMPORT_LOCK})`.execute(trx);
}

/**
 * Adds (sign 1) or takes away (sign −1) the contribution of the current lines matching `where`.
 * `fresh`: municipality-years known to have no summary rows yet, whose client rows are inserted
 * without a conflict check (the upsert's speculative insertion costs about twice as much a row).
 * `lag`: summary_lag too, from the same pass (only where no line matching `where` is superseded:
 * an append's batch); otherwise `applyLag` keeps it.
 */
async function apply(
  trx: ScopedTransaction,
  where: RawBuilder<unknown>,
  sign: 1 | -1,
  fresh: readonly SummarySlice[] = [],
  lag = false,
  detail: "upsert" | "insert" | "skip" = "upsert",
): Promise<void> {
  await lockSummaries(trx);
  // Every stored report is outdated from this transaction on.
  await bumpReportStamp(trx);
  // Room to aggregate the batch in memory rather than in sorted runs on disk.
  await sql`select set_config('work_mem', '256MB', true)`.execute(trx);
  const freshCodes = fresh.map((f) => f.municipalityCode);
  const freshYears = fresh.map((f) => f.year);
  await sql`
    with t as materialized (${taggedCurrent(where)}),
    p as materialized (select municipality_code, year, col, provider_code, ${sign}::int * sum(amount) as net, ${sign}::int * count(*)::int as lines from t group by 1, 2, 3, 4),
    up as (insert into summary_provider (municipality_code, year, col, provider_code, net, lines)
      select * from p
      on conflict (municipality_code, year, col, provider_code)
      do update set net = summary_provider.net + excluded.net, lines = summary_provider.lines + excluded.lines),
    region as (insert into summary_region_provider (year, col, provider_code, net, lines)
      select year, col, provider_code, sum(net), sum(lines) from p group by 1, 2, 3
      on conflict (year, col, provider_code)
      do update set net = summary_region_provider.net + excluded.net, lines = summary_region_provider.lines + excluded.lines),
    ${lag ? sql`lag as materialized (select municipality_code, col, service_month, declared_on, ${sign}::int * sum(amount) as net, ${sign}::int * count(*)::int as lines from t group by 1, 2, 3, 4),
    lag_up as (insert into summary_lag (municipality_code, col, service_month, declared_on, net, lines, superseded)
      select municipality_code, col, service_month, declared_on, net, lines, 0 from lag
      on conflict (municipality_code, service_month, col, declared_on)
      do update set net = summary_lag.net + excluded.net, lines = summary_lag.lines + excluded.lines),
    region_lag as (insert into summary_region_lag (col, service_month, declared_on, net, lines, superseded)
      select col, service_month, declared_on, sum(net), sum(lines), 0 from lag group by 1, 2, 3
      on conflict (service_month, col, declared_on)
      do update set net = summary_region_lag.net + excluded.net, lines = summary_region_lag.lines + excluded.lines),` : sql``}
    fresh as materialized (select * from unnest(${freshCodes}::text[], ${freshYears}::int[]) as f(municipality_code, year)),
    ${detailUpkeep(detail, sign)}
    c as materialized (select municipality_code, year, col, client_key, ${sign}::int * sum(amount) as net, ${sign}::int * count(*)::int as lines from t group by 1, 2, 3, 4),
    new_slices as (insert into summary_client (municipality_code, year, col, client_key, net, lines)
      select c.* from c join fresh f on f.municipality_code = c.municipality_code and f.year = c.year)
    insert into summary_client (municipality_code, year, col, client_key, net, lines)
      select c.* from c where not exists (select 1 from fresh f where f.municipality_code = c.municipality_code and f.year = c.year)
      on conflict (municipality_code, year, col, client_key)
      do update set net = summary_client.net + excluded.net, lines = summary_client.lines + excluded.lines`.execute(trx);
  if (sign < 0) await dropEmptyGroups(trx);
  // The region's client counts read summary_client's key with an index-only scan, which needs
  // the visibility map current, and autovacuum may be off (it is on this machine's PostgreSQL).
  afterCommit(trx, "vacuum-summaries", (db) => sql`vacuum summary_client, summary_provider, summary_region_provider`.execute(db).then(() => undefined));
}

/**
 * The detail summary's part of `apply` (CTEs over `t` and `fresh`): "upsert" adds to existing rows
 * outside the fresh slices; "insert" inserts every row without a conflict check (the caller has
 * deleted the rows these lines fall in: a mapping change deletes its products' rows); "skip"
 * leaves the table alone (the mapping change's removal under the old mapping).
 */
function detailUpkeep(detail: "upsert" | "insert" | "skip", sign: 1 | -1) {
  if (detail === "skip") return sql``;
  const grouped = sql`dt as materialized (select year, municipality_code, col, product_code, provider_code, client_key, coalesce(referrer, '') as referrer, ${sign}::int * sum(amount) as net, ${sign}::int * count(*)::int as lines from t group by 1, 2, 3, 4, 5, 6, 7),`;
  if (detail === "insert") {
    return sql`${grouped}
    all_detail as (insert into summary_detail (year, municipality_code, col, product_code, provider_code, client_key, referrer, net, lines)
      select dt.* from dt order by 1, 2, 3, 4, 5, 6, 7),`;
  }
  return sql`${grouped}
    new_detail as (insert into summary_detail (year, municipality_code, col, product_code, provider_code, client_key, referrer, net, lines)
      select dt.* from dt join fresh f on f.municipality_code = dt.municipality_code and f.year = dt.year order by 1, 2, 3, 4, 5, 6, 7),
    detail_up as (insert into summary_detail (year, municipality_code, col, product_code, provider_code, client_key, referrer, net, lines)
      select dt.* from dt where not exists (select 1 from fresh f where f.municipality_code = dt.municipality_code and f.year = dt.year) order by 1, 2, 3, 4, 5, 6, 7
      on conflict (year, municipality_code, col, product_code, provider_code, client_key, referrer)
      do update set net = summary_detail.net + excluded.net, lines = summary_detail.lines + excluded.lines),`;
}

/**
 * Adds (sign 1) or takes away (sign −1) what every line matching `where`, current or superseded,
 * contributes to summary_lag and summary_region_lag: its amount on the day it was declared, minus
 * its amount on the day it was superseded.
 */
async function applyLag(trx: ScopedTransaction, where: RawBuilder<unknown>, sign: 1 | -1): Promise<void> {
  await sql`
    with t as materialized (${taggedCurrent(where, false)}),
    e as materialized (
      select municipality_code, col, service_month, day, ${sign}::int * sum(net) as net, ${sign}::int * sum(lines)::int as lines, ${sign}::int * sum(superseded)::int as superseded
      from (select municipality_code, col, service_month, declared_on as day, amount as net, 1 as lines, 0 as superseded from t
            union all
            select municipality_code, col, service_month, superseded_on, -amount, 0, 1 from t where superseded_on is not null) x
      group by 1, 2, 3, 4),
    up as (insert into summary_lag (municipality_code, col, service_month, declared_on, net, lines, superseded)
      select * from e
      on conflict (municipality_code, service_month, col, declared_on)
      do update set net = summary_lag.net + excluded.net, lines = summary_lag.lines + excluded.lines, superseded = summary_lag.superseded + excluded.superseded)
    insert into summary_region_lag (col, service_month, declared_on, net, lines, superseded)
      select col, service_month, day, sum(net), sum(lines), sum(superseded) from e group by 1, 2, 3
      on conflict (service_month, col, declared_on)
      do update set net = summary_region_lag.net + excluded.net, lines = summary_region_lag.lines + excluded.lines, superseded = summary_region_lag.superseded + excluded.superseded`.execute(trx);
  if (sign < 0) await dropEmptyLagRows(trx);
}

async function dropEmptyLagRows(trx: ScopedTransaction): Promise<void> {
  await sql`delete from summary_lag where lines = 0 and superseded = 0`.execute(trx);
  await sql`delete from summary_region_lag where lines = 0 and superseded = 0`.execute(trx);
}

/** A group without lines is gone, as it would be when computed from the lines. */
async function dropEmptyGroups(trx: ScopedTransaction): Promise<void> {
  await sql`delete from summary_provider where lines = 0`.execute(trx);
  await sql`delete from summary_region_provider where lines = 0`.execute(trx);
  await sql`delete from summary_client where lines = 0`.execute(trx);
  await sql`delete from summary_detail where lines = 0`.execute(trx);
}

/** A committed append: its batch's lines join the summaries. */
export async function addBatchToSummary(trx: ScopedTransaction, batchId: string): Promise<void> {
  await lockSummaries(trx);
  // Municipality-years without summary rows (summary_provider has a row for each one with lines).
  const slices = await batchSlices(trx, batchId);
  const present = await sql<{ municipality_code: string; year: number }>`
    select p.municipality_code, p.year from unnest(${slices.map((s) => s.municipalityCode)}::text[], ${slices.map((s) => s.year)}::int[]) as p(municipality_code, year)
    where exists (select 1 from summary_provider s where s.municipality_code = p.municipality_code and s.year = p.year)`.execute(trx);
  const taken = new Set(present.rows.map((r) => `${r.municipality_code}|${Number(r.year)}`));
  // The batch's lines are current (none superseded yet): summary_lag from the same pass.
  await apply(trx, sql`d.batch_id = ${batchId}`, 1, slices.filter((s) => !taken.has(`${s.municipalityCode}|${s.year}`)), true);
}

export interface SummarySlice {
  municipalityCode: string;
  year: number;
}

/** Recomputes whole municipality-years from the lines (after a replace or a rollback). */
export async function refreshSummarySlices(trx: ScopedTransaction, slices: readonly SummarySlice[]): Promise<void> {
  const unique = [...new Map(slices.map((s) => [`${s.municipalityCode}|${s.year}`, s])).values()];
  if (!unique.length) return;
  const codes = unique.map((s) => s.municipalityCode);
  const years = unique.map((s) => s.year);
  // The region's rows lose what the deleted municipality-years contributed.
  await sql`
    with gone as (
      delete from summary_provider s using unnest(${codes}::text[], ${years}::int[]) as p(municipality_code, year)
      where s.municipality_code = p.municipality_code and s.year = p.year
      returning s.year, s.col, s.provider_code, s.net, s.lines)
    insert into summary_region_provider (year, col, provider_code, net, lines)
      select year, col, provider_code, -sum(net), -sum(lines) from gone group by 1, 2, 3
      on conflict (year, col, provider_code)
      do update set net = summary_region_provider.net + excluded.net, lines = summary_region_provider.lines + excluded.lines`.execute(trx);
  await sql`delete from summary_client s using unnest(${codes}::text[], ${years}::int[]) as p(municipality_code, year)
      where s.municipality_code = p.municipality_code and s.year = p.year`.execute(trx);
  await sql`delete from summary_detail s using unnest(${codes}::text[], ${years}::int[]) as p(municipality_code, year)
      where s.municipality_code = p.municipality_code and s.year = p.year`.execute(trx);
  await sql`
    with gone as (
      delete from summary_lag s using unnest(${codes}::text[], ${years}::int[]) as p(municipality_code, year)
      where s.municipality_code = p.municipality_code
        and s.service_month >= make_date(p.year, 1, 1) and s.service_month < make_date(p.year + 1, 1, 1)
      returning s.col, s.service_month, s.declared_on, s.net, s.lines, s.superseded)
    insert into summary_region_lag (col, service_month, declared_on, net, lines, superseded)
      select col, service_month, declared_on, -sum(net), -sum(lines), -sum(superseded) from gone group by 1, 2, 3
      on conflict (service_month, col, declared_on)
      do update set net = summary_region_lag.net + excluded.net, lines = summary_region_lag.lines + excluded.lines, superseded = summary_region_lag.superseded + excluded.superseded`.execute(trx);
  const where = sql`exists (select 1 from unnest(${codes}::text[], ${years}::int[]) as p(municipality_code, year)
                where d.municipality_code = p.municipality_code
                  and d.service_month >= make_date(p.year, 1, 1) and d.service_month < make_date(p.year + 1, 1, 1))`;
  await apply(trx, where, 1, unique /* emptied above */);
  // Every line of those municipality-years, current and superseded.
  await applyLag(trx, where, 1);
  // Only the region's rows can have been emptied: the municipality-years were rebuilt from lines.
  await sql`delete from summary_region_provider where lines = 0`.execute(trx);
  await sql`delete from summary_region_lag where lines = 0 and superseded = 0`.execute(trx);
}

/** The municipality-years a batch's lines (and the lines it superseded) lie in. */
export async function batchSlices(trx: ScopedTransaction, batchId: string): Promise<SummarySlice[]> {
  const rows = await trx.selectFrom("import_batch_municipality").select(["municipality_code", "months"]).where("batch_id", "=", batchId).execute();
  return rows.flatMap((r) => [...new Set((r.months as string[]).map((m) => Number(String(m).slice(0, 4))))].map((year) => ({ municipalityCode: r.municipality_code, year })));
}

/**
 * Around a change of the mapping of some products: `before` takes their lines out under the old
 * mapping, `after` puts them back under the new one. Other products' figures are untouched.
 */
export async function withMappingChange<T>(trx: ScopedTransaction, productCodes: readonly string[], change: () => Promise<T>): Promise<T> {
  const codes = [...new Set(productCodes)];
  if (!codes.length) return change();
  const where = sql`d.product_code = any(${codes}::text[])`;
  await lockSummaries(trx);
  // The detail summary is keyed by product: its rows of these products go and come back whole
  // (one delete and one plain insert, where taking away and adding back were two passes of
  // upserts: 152 s instead of 41 s for a fifth of 10M lines).
  await apply(trx, where, -1, [], false, "skip");
  await sql`delete from summary_detail where product_code = any(${codes}::text[])`.execute(trx);
  await applyLag(trx, where, -1);
  const result = await change();
  await apply(trx, where, 1, [], false, "insert");
  await applyLag(trx, where, 1);
  return result;
}

/** Rebuilds the summaries from every current line (a repair, and for databases from before 0008). */
export async function rebuildSummary(trx: ScopedTransaction): Promise<void> {
  // Before the deletes: an import running meanwhile must not add to summaries being emptied.
  await lockSummaries(trx);
  await sql`delete from summary_provider`.execute(trx);
  await sql`delete from summary_region_provider`.execute(trx);
  await sql`delete from summary_client`.execute(trx);
  await sql`delete from summary_detail`.execute(trx);
  await sql`delete from summary_lag`.execute(trx);
  await sql`delete from summary_region_lag`.execute(trx);
  await apply(trx, sql`true`, 1);
  await applyLag(trx, sql`true`, 1);
}

export const SUMMARY_TABLES = ["summary_provider", "summary_region_provider", "summary_client", "summary_detail", "summary_lag", "summary_region_lag"] as const;

/**
 * The operators' full rebuild (`summaries rebuild`): every summary table recomputed from the
 * lines in one transaction (readers see the old summaries or the new ones, never half), audited
 * with the row count of each table afterwards. For after a restore or a manual repair; imports,
 * replaces, rollbacks and mapping changes keep the summaries themselves.
 */
export async function rebuildSummaries(trx: ScopedTransaction, actor: Actor): Promise<Record<(typeof SUMMARY_TABLES)[number], number>> {
  await rebuildSummary(trx);
  const counts = {} as Record<(typeof SUMMARY_TABLES)[number], number>;
  for (const table of SUMMARY_TABLES) {
    const row = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(trx);
    counts[table] = Number(row.rows[0]?.n ?? 0);
  }
  await recordAudit(trx, { actorUserId: actor.userId, actorLabel: actor.label, ip: actor.ip ?? null, action: "summaries.rebuild", details: counts });
  return counts;
}

import { sql } from "kysely";
import type { ScopedTransaction } from "~db/tenant-scope";
import { countingLines } from "./counting.server";

/**
 * What the local budgets (app/modules/budgets) read from the declaration lines, in the read model
 * (issue 15): a budget's products are a municipality's own set with a transfer date each, so these
 * read that municipality's lines on those products (as of `asOf`, countingLines; null: the current
 * lines). Row-level security applies.
 */

/**
 * The budget's products (transferred by `transferredBy`, if given) as a list of codes and as a
 * relation `p(product_code, transferred_on)`. Read first and passed as values: filtering the lines
 * on the codes lets the scan keep only the set's lines, where a join to local_budget_product made
 * the planner (without statistics on a fresh partition) test every line of the municipality
 * against every product (300 ms for 33k lines on the demo data).
 */
async function budgetProducts(trx: ScopedTransaction, municipalityCode: string, key: string, transferredBy?: string) {
  let query = trx.selectFrom("local_budget_product").select(["product_code", "transferred_on"]).where("municipality_code", "=", municipalityCode).where("budget_key", "=", key);
  if (transferredBy) query = query.where("transferred_on", "<=", transferredBy);
  const rows = await query.execute();
  const codes = rows.map((r) => r.product_code);
  const dates = rows.map((r) => String(r.transferred_on));
  return { codes, join: sql`unnest(${codes}::text[], ${dates}::date[]) as p(product_code, transferred_on)` };
}

/**
 * Net, line count and batches of the municipality's lines on the budget's products transferred by
 * 1 January of the budget year, in one service year (the budget's realised spending, with its source).
 */
export async function budgetProductSpending(
  trx: ScopedTransaction,
  q: { municipalityCode: string; budgetKey: string; budgetYear: number; spendingYear: number; asOf: string | null },
) {
  const products = await budgetProducts(trx, q.municipalityCode, q.budgetKey, `${q.budgetYear}-01-01`);
  return sql<{ total: string | null; lines: number; batches: string[] }>`
    select sum(d.amount)::text as total, count(*)::int as lines, array_agg(distinct d.batch_id::text) as batches
    from declaration d
    where d.municipality_code = ${q.municipalityCode} and d.product_code = any(${products.codes}::text[]) and ${countingLines("d", q.asOf)}
      and d.service_month >= make_date(${q.spendingYear}::int, 1, 1) and d.service_month < make_date(${q.spendingYear}::int + 1, 1, 1)`.execute(trx);
}

/**
 * The transition monitor's rows: per month (and per product) spending and clients with net > 0 on
 * the budget's products since each one's transfer; per provider spending, spending after the Open
 * House closed, clients and the last month; and the declarations after closing (`closesOn`; none
 * without a date).
 */
export async function transitionMonitorRows(trx: ScopedTransaction, municipalityCode: string, key: string, closesOn: string | null, asOf: string | null) {
  const products = await budgetProducts(trx, municipalityCode, key);
  const lines = sql`
    select d.service_month, d.product_code, d.provider_code, d.client_key, d.amount
    from declaration d
    join ${products.join} on p.product_code = d.product_code and d.service_month >= p.transferred_on
    where d.municipality_code = ${municipalityCode} and d.product_code = any(${products.codes}::text[]) and ${countingLines("d", asOf)}`;
  const [byMonth, signals, perProvider] = await Promise.all([
    sql<{ month: string; product_code: string | null; spending: string; clients: number }>`
      with l as (select to_char(service_month, 'YYYY-MM') as month, product_code, client_key, amount from (${lines}) x),
      per_client as (
        select month, product_code, client_key, sum(amount) as net from l
        group by grouping sets ((month, product_code, client_key), (month, client_key)))
      select month, product_code, sum(net)::text as spending, count(*) filter (where net > 0)::int as clients
      from per_client group by month, product_code order by month`.execute(trx),
    closesOn
      ? sql<{ month: string; provider_code: string; provider_name: string; product_code: string; spending: string; clients: number }>`
          with l as (${lines})
          select to_char(l.service_month, 'YYYY-MM') as month, l.provider_code, coalesce(p.name, l.provider_code) as provider_name, l.product_code,
                 sum(l.amount)::text as spending, count(distinct l.client_key)::int as clients
          from l left join provider p on p.code = l.provider_code
          where l.service_month >= ${closesOn}::date
          group by 1, 2, 3, 4 order by 1, 3, 4`.execute(trx)
      : Promise.resolve({ rows: [] }),
    sql<{ provider_code: string; provider_name: string; spending: string; spending_after_closing: string; clients: number; last_month: string }>`
      with l as (${lines})
      select l.provider_code, coalesce(p.name, l.provider_code) as provider_name, sum(l.amount)::text as spending,
             coalesce(sum(l.amount) filter (where ${closesOn}::date is not null and l.service_month >= ${closesOn}::date), 0)::text as spending_after_closing,
             count(distinct l.client_key)::int as clients, to_char(max(l.service_month), 'YYYY-MM') as last_month
      from l left join provider p on p.code = l.provider_code
      group by 1, 2 order by sum(l.amount) desc, 1`.execute(trx),
  ]);
  return { byMonth, signals, perProvider };
}

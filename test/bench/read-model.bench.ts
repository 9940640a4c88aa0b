/**
 * Read-model benchmark (`npm run bench:read-model`): on the scale-profile data set (BENCH_LINES,
 * default 10M, in PostgreSQL), the reports computed from the read model (the summary tables), each
 * BENCH_QUERY_RUNS times (default 30): median and p95. The figures: concentration (region and the
 * largest municipality, all columns and one segment), the comparison of every municipality × column,
 * the region's segment drill-down (products in a column, then the providers of its largest
 * product), and a SAMEN-sized local budget of the largest municipality: its base
 * (computeLocalBudget) and its transition monitor. Peer: DuckDB computing the same figures from
 * the raw lines in memory (median of the same number of runs); totals are checked against ours to
 * the cent. Prints the core count, ratios and this process's peak memory.
 */
import { cpus } from "node:os";
import type { DuckDBConnection } from "@duckdb/node-api";
import Decimal from "decimal.js";
import { sql } from "kysely";
import { openDatabase } from "~db/connect";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { computeLocalBudget, importIndexFigures, saveBudgetDefinition, transitionMonitor, type BudgetDefinition } from "~/modules/budgets/budgets.server";
import { compareReport, concentrationReport } from "~/modules/reports/concentration.server";
import { productsInColumn, providersForProduct } from "~/modules/reports/drilldown.server";
import type { ReportScope } from "~/modules/reports/segment-report.server";
import { DEMO_OVA, DEMO_SAMEN } from "~seeds/demo-budgets";
import { BENCH_YEAR, LINES, duckDbWithScaleLines, percentile, scaleDatabase } from "./scale-db";

const RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 30);
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const ms = (n: number) => `${n.toFixed(0)} ms`;
const LARGEST = "GM5001";
const BUDGET_KEY = "bench_samen";
/** The budget year whose October version is benched: its base is the year two before. */
const BUDGET_YEAR = BENCH_YEAR + 1;
const TRANSFERRED_ON = "2023-01-01";

async function time(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function runs<T>(work: () => Promise<T>): Promise<{ median: number; p95: number; last: T }> {
  const times: number[] = [];
  let last: T | undefined;
  for (let run = 0; run < RUNS; run++) times.push(await time(async () => (last = await work())));
  return { median: percentile(times, 50), p95: percentile(times, 95), last: last as T };
}

/** Each line with its segment column, as SEGMENT_SQL in segments.bench.ts assigns it. */
const TAGGED = (from: string, to: string, municipality: string | null) => `
    select l.month, l.municipality_code, l.provider_code, l.product_code, l.client_key, l.amount,
      coalesce((select m.segment_key from mapping m
                where m.product_code = l.product_code and (m.municipality_code = l.municipality_code or m.municipality_code is null)
                  and m.valid_from <= l.month and (m.valid_to is null or m.valid_to >= l.month)
                order by m.municipality_code nulls last limit 1), 'unassigned') as col
    from lines l where l.month >= DATE '${from}' and l.month < DATE '${to}' ${municipality ? `and l.municipality_code = '${municipality}'` : ""}`;
const YEAR_TAGGED = (municipality: string | null) => TAGGED(`${BENCH_YEAR}-01-01`, `${BENCH_YEAR + 1}-01-01`, municipality);

/**
 * Concentration as packages/metrics concentration() computes it: spending is every provider's net
 * (credits included); the providers with net > 0, largest first (ties by code), and the smallest
 * number of them whose cumulative net reaches 80% of that spending.
 */
const CONCENTRATION_SQL = (municipality: string | null, segment: string) => `
  with t as (${YEAR_TAGGED(municipality)}),
  providers as (select provider_code, sum(amount) as net from t ${segment === "all" ? "" : `where col = '${segment}'`} group by provider_code),
  total as (select coalesce(sum(net), 0) as spending from providers),
  ranked as (
    select provider_code, net, sum(net) over (order by net desc, provider_code rows unbounded preceding) as cumulative,
           row_number() over (order by net desc, provider_code) as rank
    from providers where net > 0)
  select (select spending from total)::varchar as spending,
         (select count(*) from ranked)::int as providers,
         coalesce((select min(rank) from ranked, total where total.spending > 0 and cumulative >= 0.8 * total.spending), 0)::int as providers_80,
         (select provider_code from ranked where rank = 1) as top_provider,
         (select net from ranked where rank = 1)::varchar as top_spending`;

/** Net and clients (net > 0 per client) per municipality × column, over all columns and for the region. */
const COMPARE_SQL = `
  with t as (${YEAR_TAGGED(null)}),
  spending as (
    select municipality_code, col, sum(amount) as spending from t
    group by grouping sets ((municipality_code, col), (municipality_code), (col), ())),
  per_client as (
    select municipality_code, col, client_key, sum(amount) as net from t
    group by grouping sets ((municipality_code, col, client_key), (municipality_code, client_key), (col, client_key), (client_key))),
  clients as (select municipality_code, col, count(*) filter (where net > 0) as clients from per_client group by municipality_code, col)
  select coalesce(s.municipality_code, 'region') as scope, coalesce(s.col, 'all') as col, s.spending::varchar as spending, coalesce(c.clients, 0)::int as clients
  from spending s left join clients c
    on c.municipality_code is not distinct from s.municipality_code and c.col is not distinct from s.col`;

const PRODUCTS_SQL = (segment: string) => `
  with t as (${YEAR_TAGGED(null)}),
  per_client as (select product_code, client_key, sum(amount) as net from t where col = '${segment}' group by product_code, client_key)
  select product_code, sum(net)::varchar as spending, count(*) filter (where net > 0)::int as clients
  from per_client group by product_code order by sum(net) desc, product_code`;

const PROVIDERS_SQL = (segment: string, product: string) => `
  with t as (${YEAR_TAGGED(null)}),
  per_client as (select provider_code, client_key, sum(amount) as net from t where col = '${segment}' and product_code = '${product}' group by provider_code, client_key)
  select provider_code, sum(net)::varchar as spending, count(*) filter (where net > 0)::int as clients
  from per_client group by provider_code order by sum(net) desc, provider_code`;

const inList = (codes: readonly string[]) => codes.map((c) => `'${c}'`).join(", ");
const BASE_SQL = (products: readonly string[]) => `
  select coalesce(sum(amount), 0)::varchar as total from lines
  where municipality_code = '${LARGEST}' and product_code in (${inList(products)})
    and month >= DATE '${BUDGET_YEAR - 2}-01-01' and month < DATE '${BUDGET_YEAR - 1}-01-01'`;
const MONITOR_SQL = (products: readonly string[]) => `
  with l as (select strftime(month, '%Y-%m') as month, client_key, amount from lines
             where municipality_code = '${LARGEST}' and product_code in (${inList(products)}) and month >= DATE '${TRANSFERRED_ON}'),
  per_client as (select month, client_key, sum(amount) as net from l group by month, client_key)
  select month, sum(net)::varchar as spending, count(*) filter (where net > 0)::int as clients from per_client group by month order by month`;

async function duckRows(duck: DuckDBConnection, query: string): Promise<Record<string, unknown>[]> {
  return (await duck.runAndReadAll(query)).getRowObjectsJS() as Record<string, unknown>[];
}

const cents = (value: unknown) => new Decimal(String(value ?? "0")).toFixed(2);

function line(label: string, ours: { median: number; p95: number }, duckMedian: number, check: string) {
  console.log(
    `${label.padEnd(58)} computed from the read model: median ${ms(ours.median)}, p95 ${ms(ours.p95)} · DuckDB median ${ms(duckMedian)} · ratio p95/DuckDB ${(ours.p95 / duckMedian).toFixed(2)} (target < 1) · ${check}`,
  );
}

/** "same total", or what differs, ours against DuckDB's. */
function verdict(differences: string[]): string {
  return differences.length ? `TOTALS DIFFER: ${differences.join("; ")}` : "same total";
}

function differ(what: string, ours: string | number | null | undefined, duck: string | number | null | undefined, out: string[]) {
  const same = typeof ours === "number" || typeof duck === "number" ? Number(ours) === Number(duck) : ours === duck;
  if (!same) out.push(`${what} ours ${ours}, DuckDB ${duck}`);
}

async function main() {
  console.log(`read-model benchmark · ${new Date().toISOString()} · ${cpus().length} cores · node ${process.version} · ${LINES.toLocaleString("en-GB")} lines · year ${BENCH_YEAR} · ${RUNS} runs`);
  const url = await scaleDatabase();
  const handle = await openDatabase({ kind: "postgres", url });
  const readAll = { read: "all" as const, write: [] as string[] };
  const actor = { userId: null, label: "bench" };

  // A SAMEN-like local budget for the largest municipality (kept between runs): its largest products in
  // basishulp and aanvullende hulp, at most as many as SAMEN. (seeds/demo-budgets.ts, 11; the scale
  // profile declares 6 such products, so all of them), all transferred on 2023-01-01 and the Open
  // House closing on SAMEN's date; the OVA series the demo enters (the base needs it).
  const products = await withTenantScope(handle.db, ALL_TENANTS, async (trx) => {
    if (!(await trx.selectFrom("index_figure").select("year").where("index_name", "=", "OVA").limit(1).executeTakeFirst())) {
      await importIndexFigures(trx, actor, { name: "ova.csv", bytes: new TextEncoder().encode(DEMO_OVA) });
      console.log("entered the demo's OVA series (none in the scale database)");
    }
    const existing = await trx.selectFrom("local_budget_product").select("product_code").where("municipality_code", "=", LARGEST).where("budget_key", "=", BUDGET_KEY).execute();
    if (existing.length) return existing.map((p) => p.product_code).sort();
    const largest = await sql<{ product_code: string }>`
      select product_code from summary_detail
      where municipality_code = ${LARGEST} and col in ('basishulp', 'aanvullende_hulp')
      group by product_code order by sum(net) desc, product_code limit ${DEMO_SAMEN.products.length}`.execute(trx);
    const budget: BudgetDefinition = {
      municipality_code: LARGEST,
      key: BUDGET_KEY,
      name: "SAMEN-sized bench budget",
      executor: "bench",
      funding_form: DEMO_SAMEN.funding_form,
      ict_share: DEMO_SAMEN.ict_share,
      housing_share: DEMO_SAMEN.housing_share,
      open_house_closes_on: DEMO_SAMEN.open_house_closes_on ?? null,
      products: largest.rows.map((r) => ({ product_code: r.product_code, transferred_on: TRANSFERRED_ON })),
      years: [{ year: BUDGET_YEAR, scope_share: "1", expected_development: "0.03", structural_adjustment: "0" }],
      tranches: [],
    };
    await saveBudgetDefinition(trx, actor, budget);
    console.log(`created the bench budget ${LARGEST} ${BUDGET_KEY}`);
    return largest.rows.map((r) => r.product_code).sort();
  });
  console.log(`bench budget ${LARGEST} ${BUDGET_KEY}: ${products.length} products (SAMEN. has ${DEMO_SAMEN.products.length}; the largest of GM5001 in basishulp and aanvullende hulp) transferred ${TRANSFERRED_ON}: ${products.join(", ")}; budget year ${BUDGET_YEAR} (October version, base ${BUDGET_YEAR - 2})`);

  const scopes: [string, ReportScope, string | null][] = [
    ["region", { kind: "region" }, null],
    [`municipality ${LARGEST}`, { kind: "municipality", code: LARGEST }, LARGEST],
  ];
  const segments = ["all", "aanvullende_hulp"] as const;
  const drillScope = { key: "region", report: { kind: "region" as const }, name: null };

  // Ours: every figure from the read model.
  const concentration: Record<string, Awaited<ReturnType<typeof runs<Awaited<ReturnType<typeof concentrationReport>>>>>> = {};
  for (const [label, scope] of scopes) {
    for (const segment of segments) {
      concentration[`${label}|${segment}`] = await runs(() => withTenantScope(handle.db, readAll, (trx) => concentrationReport(trx, BENCH_YEAR, scope, segment)));
    }
  }
  const compare = await runs(() => withTenantScope(handle.db, readAll, (trx) => compareReport(trx, BENCH_YEAR)));
  const drill = await runs(() =>
    withTenantScope(handle.db, readAll, async (trx) => {
      const list = await productsInColumn(trx, drillScope, BENCH_YEAR, "aanvullende_hulp");
      const top = list.products[0];
      const providers = top ? await providersForProduct(trx, drillScope, BENCH_YEAR, "aanvullende_hulp", top.productCode) : null;
      return { list, providers };
    }),
  );
  const budget = await runs(() => withTenantScope(handle.db, readAll, (trx) => computeLocalBudget(trx, LARGEST, BUDGET_KEY, BUDGET_YEAR, "october")));
  const monitor = await runs(() => withTenantScope(handle.db, readAll, (trx) => transitionMonitor(trx, LARGEST, BUDGET_KEY)));

  // The peer: DuckDB with the raw lines in memory, the same mapping.
  const { duck, loadMs } = await duckDbWithScaleLines(handle.db);
  console.log(`DuckDB: raw lines loaded in memory in ${ms(loadMs)} (not counted in its scans)`);

  // 1. Concentration.
  for (const [label, , municipality] of scopes) {
    for (const segment of segments) {
      const peer = await runs(() => duckRows(duck, CONCENTRATION_SQL(municipality, segment)));
      const o = concentration[`${label}|${segment}`]!;
      const p = peer.last[0]!;
      const differences: string[] = [];
      differ("spending", o.last.spending, cents(p.spending), differences);
      differ("providers", o.last.providers, Number(p.providers), differences);
      differ("providers_80", o.last.providers_80, Number(p.providers_80), differences);
      differ("top provider", o.last.rows[0]?.provider_code, p.top_provider as string | undefined, differences);
      differ("top provider's spending", o.last.rows[0]?.spending, p.top_spending === null ? undefined : cents(p.top_spending), differences);
      line(`concentration, ${label}, ${segment}`, o, peer.median, `${verdict(differences)} (${o.last.spending}, ${o.last.providers_80} of ${o.last.providers} providers cover 80%)`);
    }
  }

  // 2. Comparison: every municipality × column; the region's "all" and the sum over municipalities.
  {
    const peer = await runs(() => duckRows(duck, COMPARE_SQL));
    const cells = new Map(peer.last.map((r) => [`${r.scope}|${r.col}`, { spending: cents(r.spending), clients: Number(r.clients) }]));
    const differences: string[] = [];
    const region = compare.last.rows.find((r) => r.scope === "region")!;
    const duckRegion = cells.get("region|all");
    differ("region all spending", region.segments.all.spending, duckRegion?.spending, differences);
    differ("region all clients", region.segments.all.clients, duckRegion?.clients, differences);
    const municipalities = compare.last.rows.filter((r) => r.scope !== "region");
    const sumOurs = municipalities.reduce((sum, r) => sum.plus(r.segments.all.spending), new Decimal(0)).toFixed(2);
    const sumDuck = peer.last.filter((r) => r.scope !== "region" && r.col === "all").reduce((sum, r) => sum.plus(String(r.spending)), new Decimal(0)).toFixed(2);
    differ("sum over municipalities of all spending", sumOurs, sumDuck, differences);
    // Every cell, too: the first few that differ are named.
    let cellsDiffering = 0;
    let cellsCompared = 0;
    for (const row of compare.last.rows) {
      for (const [col, cell] of Object.entries(row.segments)) {
        const d = cells.get(`${row.scope}|${col}`) ?? { spending: "0.00", clients: 0 };
        cellsCompared++;
        if (cell.spending !== d.spending || cell.clients !== d.clients) {
          if (cellsDiffering++ < 3) differences.push(`cell ${row.scope} ${col}: ours ${cell.spending} / ${cell.clients} clients, DuckDB ${d.spending} / ${d.clients} clients`);
        }
      }
    }
    if (cellsDiffering) differences.push(`${cellsDiffering} of ${cellsCompared} cells differ`);
    line(`comparison, ${municipalities.length} municipalities × 7 columns`, compare, peer.median, `${verdict(differences)} (region ${region.segments.all.spending}, ${region.segments.all.clients} clients; ${cellsCompared} cells compared)`);
  }

  // 3. The region's drill-down: products in aanvullende hulp, then the providers of the largest.
  {
    let top = "";
    const peer = await runs(async () => {
      const list = await duckRows(duck, PRODUCTS_SQL("aanvullende_hulp"));
      top = String(list[0]?.product_code ?? "");
      return { list, providers: top ? await duckRows(duck, PROVIDERS_SQL("aanvullende_hulp", top)) : [] };
    });
    const differences: string[] = [];
    const o = drill.last;
    const duckTotal = peer.last.list.reduce((sum, r) => sum.plus(String(r.spending)), new Decimal(0)).toFixed(2);
    differ("products total", o.list.total, duckTotal, differences);
    differ("products", o.list.products.length, peer.last.list.length, differences);
    differ("largest product", o.list.products[0]?.productCode, top, differences);
    differ("largest product's clients", o.list.products[0]?.clients, Number(peer.last.list[0]?.clients ?? 0), differences);
    const duckProviders = peer.last.providers.reduce((sum, r) => sum.plus(String(r.spending)), new Decimal(0)).toFixed(2);
    differ("its providers' total", o.providers?.total, duckProviders, differences);
    differ("its providers", o.providers?.providers.length, peer.last.providers.length, differences);
    differ("its largest provider", o.providers?.providers[0]?.providerCode, peer.last.providers[0]?.provider_code as string | undefined, differences);
    line("drill-down, region, aanvullende_hulp: products + providers", drill, peer.median, `${verdict(differences)} (${o.list.total} over ${o.list.products.length} products; ${o.list.products[0]?.productCode} ${o.providers?.total} over ${o.providers?.providers.length} providers)`);
  }

  // 4. The bench budget: its base (year t−2 on the products) and the transition monitor.
  {
    const peer = await runs(() => duckRows(duck, BASE_SQL(products)));
    const outcome = budget.last?.outcome;
    const differences: string[] = [];
    if (!outcome?.ok) differences.push(`the budget was not computed: ${JSON.stringify(outcome ?? null)}`);
    else differ("base", outcome.base, cents(peer.last[0]?.total), differences);
    line(`local budget ${LARGEST} (${products.length} products), base ${BUDGET_YEAR - 2}`, budget, peer.median, `${verdict(differences)} (base ${outcome?.ok ? outcome.base : "-"})`);
  }
  {
    const peer = await runs(() => duckRows(duck, MONITOR_SQL(products)));
    const differences: string[] = [];
    const months = monitor.last?.months ?? [];
    const duckMonths = new Map(peer.last.map((r) => [String(r.month), { spending: cents(r.spending), clients: Number(r.clients) }]));
    const total = months.reduce((sum, m) => sum.plus(m.spending), new Decimal(0)).toFixed(2);
    const duckTotal = [...duckMonths.values()].reduce((sum, m) => sum.plus(m.spending), new Decimal(0)).toFixed(2);
    differ("spending since the transfer", total, duckTotal, differences);
    differ("months", months.length, duckMonths.size, differences);
    differ("client-months", months.reduce((sum, m) => sum + m.clients, 0), [...duckMonths.values()].reduce((sum, m) => sum + m.clients, 0), differences);
    const monthsDiffering = months.filter((m) => duckMonths.get(m.month)?.spending !== m.spending || duckMonths.get(m.month)?.clients !== m.clients);
    if (monthsDiffering.length) differences.push(`${monthsDiffering.length} months differ, first ${monthsDiffering[0]!.month}: ours ${monthsDiffering[0]!.spending} / ${monthsDiffering[0]!.clients}, DuckDB ${JSON.stringify(duckMonths.get(monthsDiffering[0]!.month))}`);
    line(`transition monitor ${LARGEST} (${products.length} products)`, monitor, peer.median, `${verdict(differences)} (${total} over ${months.length} months; ${monitor.last?.perProvider.length ?? 0} providers, ${monitor.last?.signals.length ?? 0} signals)`);
  }

  console.log(`peak RSS of this process: ${Math.round(peakRss / 1048576)} MB`);
  clearInterval(sampler);
  await handle.close();
  duck.closeSync();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

import Decimal from "decimal.js";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { todayInAmsterdam } from "@jeugdregio/format";
import { ALL_TENANTS, withTenantScope, type ScopedTransaction } from "~db/tenant-scope";
import { importDeclarations, rollBackBatch } from "~/modules/declarations/declaration-import.server";
import { countingLines } from "~/modules/figures/counting.server";
import { dataThrough } from "~/modules/figures/data-through.server";
import { compareReport, concentrationReport, concentrationTrend, referrerReport } from "~/modules/reports/concentration.server";
import { productsInColumn, providersForProduct, segmentReportFor, spendingSeries } from "~/modules/reports/drilldown.server";
import { latestCompleteYear } from "~/modules/figures/yearly.server";
import { segmentReport, yearsWithData, type ReportScope } from "~/modules/reports/segment-report.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

/**
 * Every figure as of a date A (issue 14 §2) through the report functions the pages, JSON routes
 * and CLI share: only lines declared by A count; a later delivery changes nothing as of A; a
 * replace counts from its delivery date (as of the day before, the replaced lines count); a
 * rolled-back batch counts at no date. Expectations are summed straight from the lines with
 * their declared dates, not from the report code. "Data through" from summary_lag equals the
 * same question asked of the lines with countingLines.
 */
let database: TestDatabase;
const actor = { userId: null, label: "test" };
const KEY = "as-of-test-pseudonym-key-as-of-test-pseudonym-key";
const HEADER = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount;units;referrer";

/** Lines for a municipality and month: `clients` clients of one provider, `base` + client number euros each. */
function lines(month: string, municipality: string, clients: number, base: number, provider = "11111111", declaredOn?: string): string[] {
  return Array.from({ length: clients }, (_, c) =>
    [month, municipality, provider, `Zorg ${provider}`, "45A51", `K${municipality}${c}`, `${base + c},00`, "1", "01", ...(declaredOn === undefined ? [] : [declaredOn])].join(";"),
  );
}

async function load(rows: string[], options: { mode?: "append" | "replace"; deliveredOn: string; declaredOn?: boolean; bulk?: boolean }) {
  const text = [options.declaredOn ? `${HEADER};declared_on` : HEADER, ...rows].join("\r\n");
  const bytes = new TextEncoder().encode(text);
  const result = await importDeclarations(
    database.db,
    actor,
    { name: `f${Math.random()}.csv`, size: bytes.length, async *open() { yield bytes; } },
    { mode: options.mode ?? "append", pseudonymKey: KEY, bulk: options.bulk ? database.bulk : undefined, deliveredOn: options.deliveredOn },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors.shown.slice(0, 2)));
  return result.batchId!;
}

const run = <T>(work: (trx: ScopedTransaction) => Promise<T>) => withTenantScope(database.db, ALL_TENANTS, work);
const region: ReportScope = { kind: "region" };
const groningen: ReportScope = { kind: "municipality", code: "GM0014" };
const scopes = [region, groningen, { kind: "municipality", code: "GM1966" }] as const;
const keyOf = (scope: ReportScope) => (scope.kind === "region" ? "region" : scope.code);

/** Net amount and clients (net > 0) of a scope's lines of 2025 counting as of `asOf`, from the lines. */
async function fromLines(scope: ReportScope, asOf: string) {
  return run(async (trx) => {
    const row = await sql<{ net: string | null; clients: number }>`
      with t as (select client_key, sum(amount) as net from declaration d
        where ${countingLines("d", asOf)} and extract(year from d.service_month) = 2025
          ${scope.kind === "municipality" ? sql`and d.municipality_code = ${scope.code}` : sql``}
        group by client_key)
      select coalesce(sum(net), 0)::numeric(16, 2)::text as net, count(*) filter (where net > 0)::int as clients from t`.execute(trx);
    return { spending: row.rows[0]!.net, clients: Number(row.rows[0]!.clients) };
  });
}

/** Everything the as-of reports say for 2025, as of `asOf` (null: today's figures). */
async function everything(asOf: string | null) {
  return run(async (trx) => {
    const out: Record<string, unknown> = {};
    for (const scope of scopes) {
      const key = keyOf(scope);
      const segmentScope = { key, report: scope, name: null };
      out[`${key}:table`] = await segmentReport(trx, 2025, scope, "summary", asOf);
      out[`${key}:tableFor`] = await segmentReportFor(trx, segmentScope, 2025, asOf);
      out[`${key}:series`] = await spendingSeries(trx, segmentScope, asOf);
      out[`${key}:years`] = await yearsWithData(trx, scope, asOf);
      out[`${key}:complete`] = await latestCompleteYear(trx, scope, asOf);
      out[`${key}:products`] = await productsInColumn(trx, segmentScope, 2025, "all", asOf);
      out[`${key}:providers`] = await providersForProduct(trx, segmentScope, 2025, "all", "45A51", asOf);
      out[`${key}:concentration`] = await concentrationReport(trx, 2025, scope, "all", asOf);
      out[`${key}:trend`] = await concentrationTrend(trx, scope, [2025], asOf);
      out[`${key}:referrers`] = await referrerReport(trx, 2025, scope, asOf);
    }
    out.compare = await compareReport(trx, 2025, asOf);
    return out;
  });
}

const D = "2025-04-30";
const R = "2025-09-01";

beforeAll(async () => {
  database = await createTestDatabase();
  // Delivery 1, 10 March 2025: January and February.
  await load([...lines("2025-01", "GM0014", 6, 100), ...lines("2025-02", "GM0014", 6, 110), ...lines("2025-01", "GM1966", 2, 50)], { deliveredOn: "2025-03-10" });
});
afterAll(async () => {
  await database?.close();
});

describe("as of a date", () => {
  let before: Record<string, unknown>;

  it("counts only the lines declared by then, and a later delivery changes nothing as of then", async () => {
    before = await everything(D);
    for (const scope of scopes) {
      const table = before[`${keyOf(scope)}:table`] as Awaited<ReturnType<typeof segmentReport>>;
      const expected = await fromLines(scope, D);
      expect(table.segments.all.spending, keyOf(scope)).toBe(expected.spending);
      expect(table.segments.all.clients, keyOf(scope)).toBe(expected.clients);
    }
    expect((before["GM0014:table"] as Awaited<ReturnType<typeof segmentReport>>).segments.all.spending).toBe(
      (6 * 100 + 15 + 6 * 110 + 15).toFixed(2),
    );

    // Delivery 2, 10 June: March to May, a late January line and a credit, with declared dates after D.
    await load(
      [
        ...lines("2025-03", "GM0014", 6, 120, "11111111", "2025-05-20"),
        ...lines("2025-04", "GM0014", 6, 130, "22222222", "2025-06-10"),
        ...lines("2025-05", "GM1966", 3, 60, "22222222", ""),
        "2025-01;GM0014;33333333;Zorg 3;45A51;KGM00140;-40,00;1;01;2025-06-01",
      ],
      { deliveredOn: "2025-06-10", declaredOn: true, bulk: true },
    );
    const after = await everything(D);
    expect(after).toEqual(before);
    // Today's figures do include delivery 2.
    expect((await everything(null))["GM0014:table"]).not.toEqual(before["GM0014:table"]);
    // As of the day after the first declared date of delivery 2, its March lines count.
    const may = await fromLines(groningen, "2025-05-20");
    expect(may.spending).toBe((6 * 100 + 15 + 6 * 110 + 15 + 6 * 120 + 15).toFixed(2));
    const table = await run((trx) => segmentReport(trx, 2025, groningen, "summary", "2025-05-20"));
    expect(table.segments.all.spending).toBe(may.spending);
  });

  it("a replace counts from its delivery date: as of the day before, the replaced lines count", async () => {
    const dayBefore = "2025-08-31";
    const beforeReplace = await everything(dayBefore);
    // Delivery 3, 1 September: a replace of Groningen's February, with other amounts.
    await load(lines("2025-02", "GM0014", 6, 200), { mode: "replace", deliveredOn: R });
    expect(await everything(dayBefore)).toEqual(beforeReplace);
    expect(await everything(D)).toEqual(before);
    const asOfR = await run((trx) => segmentReport(trx, 2025, groningen, "summary", R));
    expect(asOfR.segments.all.spending).toBe((await fromLines(groningen, R)).spending);
    const oldFebruary = await run((trx) => segmentReport(trx, 2025, groningen, "summary", dayBefore));
    expect(new Decimal(asOfR.segments.all.spending).minus(oldFebruary.segments.all.spending).toFixed(2)).toBe((6 * (200 - 110)).toFixed(2));
  });

  it("a rolled-back batch counts at no date", async () => {
    const asOf = "2025-10-15";
    const beforeBatch = await everything(asOf);
    const batch = await load(lines("2025-06", "GM0014", 6, 999), { deliveredOn: "2025-10-01" });
    expect(((await everything(asOf))["GM0014:table"] as Awaited<ReturnType<typeof segmentReport>>).segments.all.spending).not.toBe(
      (beforeBatch["GM0014:table"] as Awaited<ReturnType<typeof segmentReport>>).segments.all.spending,
    );
    await run((trx) => rollBackBatch(trx, actor, batch));
    expect(await everything(asOf)).toEqual(beforeBatch);
  });

  it("as of today equals the current figures (the summaries), and a past date never stores a report", async () => {
    expect(await everything(todayInAmsterdam())).toEqual(await everything(null));
    const stored = await run(async (trx) => Number((await sql<{ n: number }>`select count(*)::int as n from report_cache`.execute(trx)).rows[0]!.n));
    await everything("2025-07-01");
    const after = await run(async (trx) => Number((await sql<{ n: number }>`select count(*)::int as n from report_cache`.execute(trx)).rows[0]!.n));
    expect(after).toBe(stored);
  });

  it("the series as of a date (from summary_lag) equals the segment table from the lines, year by year", async () => {
    for (const asOf of [D, "2025-06-10", "2025-08-31", R, todayInAmsterdam()]) {
      for (const scope of scopes) {
        const series = await run((trx) => spendingSeries(trx, { key: keyOf(scope), report: scope, name: null }, asOf));
        for (const point of series.series) {
          const table = await run((trx) => segmentReport(trx, point.year, scope, "lines", asOf));
          for (const [column, figures] of Object.entries(table.segments)) {
            expect(point.spending[column as keyof typeof point.spending], `${asOf} ${keyOf(scope)} ${column}`).toBe(figures.spending);
          }
        }
      }
    }
  });

  it("data through: the latest service month with a line counting then, from summary_lag as from the lines", async () => {
    const dates = ["2025-01-31", "2025-03-09", "2025-03-10", D, "2025-05-20", "2025-06-10", "2025-08-31", R, "2025-10-01", todayInAmsterdam()];
    for (const asOf of dates) {
      for (const scope of scopes) {
        const fromSummary = await run((trx) => dataThrough(trx, scope, asOf));
        const lines = await run(async (trx) =>
          (await sql<{ month: string | null }>`
            select to_char(max(service_month), 'YYYY-MM') as month from declaration d
            where ${countingLines("d", asOf)} ${scope.kind === "municipality" ? sql`and d.municipality_code = ${scope.code}` : sql``}`.execute(trx)).rows[0]!.month,
        );
        expect(fromSummary, `${asOf} ${keyOf(scope)}`).toBe(lines);
      }
    }
    expect(await run((trx) => dataThrough(trx, region, "2025-03-09"))).toBeNull();
    expect(await run((trx) => dataThrough(trx, groningen, D))).toBe("2025-02");
    expect(await run((trx) => dataThrough(trx, groningen, "2025-06-10"))).toBe("2025-04");
    expect(await run((trx) => dataThrough(trx, region, "2025-06-10"))).toBe("2025-05");
  });
});

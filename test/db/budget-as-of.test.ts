import { municipalityScopeOf } from "@jeugdregio/access";
import { monthEnd } from "@jeugdregio/forecast";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { computeLocalBudget, importIndexFigures, parseBudgetDefinition, saveBudgetDefinition, transitionMonitor } from "~/modules/budgets/budgets.server";
import { closedSquareReport } from "~/modules/budgets/closed-square.server";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { forecastReport } from "~/modules/forecast/forecast.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { csvOf, laterDelivery, LINES, M, monthOf, netOf, YEAR, type Line } from "../support/square-forecast-data";

/**
 * Local budgets and the closed square as of a date (issue 14 §2, §4): as of D only the lines
 * declared by D count, and a later delivery does not change a report as of D; the current year's
 * RIGG part as forecast with its band beside the realised figure, none for a complete year.
 */
let database: TestDatabase;
const actor = { userId: null, label: "test" };
const KEY = "budget-as-of-test-key-budget-as-of-test-key";
/** Mid-month, three months before M: some lines of the months around it are not declared yet. */
const D = `${monthOf(M - 3)}-15`;
const DY = Number(D.slice(0, 4));
/** The last day of the year before M's: that year is complete then, the next has no data yet. */
const COMPLETE_AT = `${YEAR - 1}-12-31`;

async function load(lines: readonly Line[]) {
  const bytes = new TextEncoder().encode(csvOf(lines));
  const result = await importDeclarations(database.db, actor, { name: `d${Math.random()}.csv`, size: bytes.length, async *open() { yield bytes; } }, { mode: "append", pseudonymKey: KEY, bulk: database.bulk });
  if (!result.ok) throw new Error(JSON.stringify(result.errors.shown.slice(0, 2)));
}

const all = <T>(fn: (trx: Parameters<Parameters<typeof withTenantScope>[2]>[0]) => Promise<T>) => withTenantScope(database.db, ALL_TENANTS, fn);

beforeAll(async () => {
  database = await createTestDatabase();
  await load(LINES);
  const definition = parseBudgetDefinition(
    JSON.stringify({
      municipality_code: "GM0014",
      key: "samen",
      name: "SAMEN.",
      executor: "WIJ Groningen",
      funding_form: "task_based",
      ict_share: "0",
      housing_share: "0",
      products: [{ product_code: "45A51", transferred_on: `${YEAR - 4}-01-01` }],
      years: [{ year: DY + 1 }],
    }),
  );
  const ova = ["index_name;year;provisional_pct;definitive_pct", ...[DY - 1, DY, DY + 1].map((y) => `OVA;${y};4,00;5,00`)].join("\n");
  await all(async (trx) => {
    await saveBudgetDefinition(trx, actor, definition);
    await importIndexFigures(trx, actor, { name: "ova.csv", bytes: new TextEncoder().encode(ova) });
    for (const year of [DY - 1, DY]) {
      await sql`insert into population (municipality_code, year, inhabitants_0_17, source) values ('GM0014', ${year}, 36000, 'test')
        on conflict (municipality_code, year) do update set inhabitants_0_17 = 36000`.execute(trx);
    }
  });
}, 240_000);
afterAll(async () => {
  await database?.close();
});

const square = (asOf: string | null) => all((trx) => closedSquareReport(trx, "GM0014", null, asOf));
const march = (asOf: string | null) => all(async (trx) => (await computeLocalBudget(trx, "GM0014", "samen", DY + 1, "march", asOf))!.outcome);
const monitor = (asOf: string | null) => all((trx) => transitionMonitor(trx, "GM0014", "samen", asOf));
const riggOf = (report: Awaited<ReturnType<typeof square>>) => Object.fromEntries(report.years.map((y) => [y.year, y.parts.rigg]));

describe("budgets as of a date", () => {
  it("count only the lines declared by then, and a later delivery changes nothing as of then", async () => {
    const years = [YEAR - 4, YEAR - 3, YEAR - 2, YEAR - 1, YEAR];
    const expected = Object.fromEntries(years.filter((y) => netOf(LINES, "GM0014", y, D) !== "0.00").map((y) => [y, netOf(LINES, "GM0014", y, D)]));
    const before = { square: await square(D), march: await march(D), monitor: await monitor(D) };
    expect(riggOf(before.square)).toEqual(expected);
    // As of D, the year of D is only partly declared: fewer than the lines there are now.
    expect(netOf(LINES, "GM0014", DY, D)).not.toBe(netOf(LINES, "GM0014", DY, null));
    expect(before.march).toMatchObject({ ok: true, base: netOf(LINES, "GM0014", DY, D) });
    // D's own month is declared at its end: the monitor runs through the month before.
    expect(before.monitor!.months.map((m) => m.month).at(-1)).toBe(monthOf(M - 4));
    expect(before.square.asOf).toBe(D);

    const current = await square(null);
    expect(riggOf(current)[YEAR]).toBe(netOf(LINES, "GM0014", YEAR, null));

    await load(laterDelivery(M - 5));
    const after = { square: await square(D), march: await march(D), monitor: await monitor(D) };
    expect(after).toEqual(before);
    const later = [...LINES, ...laterDelivery(M - 5)];
    const changedYear = Math.floor((M - 5) / 12);
    expect(riggOf(await square(null))[changedYear]).toBe(netOf(later, "GM0014", changedYear, null));
    expect(riggOf(await square(null))[changedYear]).not.toBe(riggOf(current)[changedYear]);
  });

  it("keep the walls: another municipality sees nothing as of any date", async () => {
    const hogeland = municipalityScopeOf("municipal_editor", "GM1966");
    const seen = await withTenantScope(database.db, hogeland, async (trx) => ({
      computed: await computeLocalBudget(trx, "GM0014", "samen", DY + 1, "march", D),
      monitor: await transitionMonitor(trx, "GM0014", "samen", D),
      square: await closedSquareReport(trx, "GM0014", null, D),
    }));
    expect(seen.computed).toBeNull();
    expect(seen.monitor).toBeNull();
    expect(seen.square.years.every((y) => y.parts.rigg === null)).toBe(true);
    expect(seen.square.riggForecast).toBeNull();
  });
});

describe("the closed square's RIGG forecast", () => {
  it("shows the current, incomplete year's RIGG part as forecast with its band, the same as the forecast report", async () => {
    const report = await square(null);
    expect(report.incompleteYears.map((y) => y.year)).toEqual([YEAR]);
    const forecast = await all((trx) => forecastReport(trx, { year: YEAR, scope: { kind: "municipality", code: "GM0014" }, asOf: report.asOf }));
    expect(forecast.available).toBe(true);
    const figures = forecast.segments.all;
    expect(report.riggForecast).toEqual({
      year: YEAR,
      forecast: figures.forecast,
      low: figures.low,
      high: figures.high,
      bandReason: figures.band_reason,
      declaredThrough: forecast.declared_through,
    });
    expect(report.riggForecast!.low).not.toBeNull();
    expect(Number(report.riggForecast!.low)).toBeLessThanOrEqual(Number(report.riggForecast!.forecast));
    expect(Number(report.riggForecast!.high)).toBeGreaterThanOrEqual(Number(report.riggForecast!.forecast));
    // The forecast is where the year will end: more than what has been declared so far.
    expect(Number(report.riggForecast!.forecast)).toBeGreaterThan(Number(riggOf(report)[YEAR]));
    // The square's own figures stay the realised ones (the first test added the later delivery).
    expect(report.years.find((y) => y.year === YEAR)!.parts.rigg).toBe(netOf([...LINES, ...laterDelivery(M - 5)], "GM0014", YEAR, null));
  });

  it("shows none for a complete year, and says why when there is too little history", async () => {
    const complete = await square(COMPLETE_AT);
    expect(complete.years.at(-1)!.year).toBe(YEAR - 1);
    expect(complete.incompleteYears).toEqual([]);
    expect(complete.riggForecast).toBeNull();
    expect(complete.riggForecastMissing).toBeNull();

    const young = await all((trx) => closedSquareReport(trx, "GM0037", null, null));
    expect(young.riggForecast).toBeNull();
    expect(young.riggForecastMissing).toMatchObject({ year: YEAR, dataStarts: `${YEAR}-01` });
  });

  it("follows the as-of date: as of an earlier date the forecast is that date's", async () => {
    const earlier = monthEnd(monthOf(M - 1));
    const report = await square(earlier);
    if (Number(earlier.slice(0, 4)) !== YEAR) return; // M − 1 in the year before: another year's case
    const forecast = await all((trx) => forecastReport(trx, { year: YEAR, scope: { kind: "municipality", code: "GM0014" }, asOf: earlier }));
    expect(report.riggForecast).toMatchObject({ year: YEAR, forecast: forecast.segments.all.forecast, declaredThrough: earlier });
  });
});

import { closedSquare, type BudgetVersion, type ClosedSquare, type IndexRate, type SquareYearInput } from "@jeugdregio/budgets";
import { todayInAmsterdam, yearInAmsterdam } from "@jeugdregio/format";
import { lastCompleteMonth } from "@jeugdregio/forecast";
import { netPerYear } from "~/modules/figures/yearly.server";
import { forecastReport, yearCompleteness } from "~/modules/forecast/forecast.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import { computeLocalBudget, OVA } from "./budgets.server";

/**
 * The current year's RIGG part as forecast (issue 14 §4): the municipality's forecast for column
 * "all" (every declared line, as the square's RIGG part), from the declarations up to the last
 * day of the last complete month. Beside the realised figure, never in its place: the square's
 * totals stay what has been declared.
 */
export interface RiggForecast {
  year: number;
  forecast: string;
  /** The band (as far off as the worst of the last three years at the same date); null when absent. */
  low: string | null;
  high: string | null;
  /** Why there is no band, when there is none. */
  bandReason: string | null;
  /** The last day of the last complete month: the forecast counts the lines declared up to it. */
  declaredThrough: string;
}

export interface ClosedSquareReport extends ClosedSquare {
  municipalityCode: string;
  /** Years that can serve as base year (their total is complete). */
  baseYears: number[];
  /** Per year and local budget: which version's gross budget was used (March when it can be computed). */
  versions: { year: number; key: string; version: BudgetVersion | null }[];
  /** The as-of date of the figures (today when none was asked for). */
  asOf: string;
  /** Years whose declarations do not yet reach December, with their latest service month (YYYY-MM). */
  incompleteYears: { year: number; dataThrough: string }[];
  /** The current year's RIGG part as forecast (the latest year with data, not complete, not before the last complete month's year); null otherwise. */
  riggForecast: RiggForecast | null;
  /** The latest year is not complete but no forecast can be made: from when data would be needed. */
  riggForecastMissing: { year: number; dataStarts: string | null; neededFrom: string } | null;
}

/**
 * The closed square of one municipality (issue "Local budgets", §5): RIGG-procured care from
 * the declarations, non-contracted care and PGB as typed in, and the gross budgets of its
 * local budgets (the March version where it can be computed, else the October version),
 * against a base year indexed by the OVA (definitive where published, else provisional).
 * Row-level security applies: outside the caller's scope there is nothing to add up.
 * As of `asOf` (YYYY-MM-DD) only the lines that counted then; null: the current lines (and today
 * for completeness and the forecast).
 */
export async function closedSquareReport(
  trx: ScopedTransaction,
  municipalityCode: string,
  requestedBaseYear: number | null,
  asOf: string | null = null,
): Promise<ClosedSquareReport> {
  const asOfDate = asOf ?? todayInAmsterdam();
  const scope = { kind: "municipality" as const, code: municipalityCode };
  const [rigg, other, budgetYears, index, completeness] = await Promise.all([
    netPerYear(trx, scope, asOf),
    trx.selectFrom("other_youth_spending").selectAll().where("municipality_code", "=", municipalityCode).execute(),
    trx
      .selectFrom("local_budget_year")
      .innerJoin("local_budget", (join) => join.onRef("local_budget.municipality_code", "=", "local_budget_year.municipality_code").onRef("local_budget.key", "=", "local_budget_year.budget_key"))
      .select(["local_budget.key", "local_budget.name", "local_budget_year.year"])
      .where("local_budget_year.municipality_code", "=", municipalityCode)
      .orderBy("local_budget.key")
      .execute(),
    trx.selectFrom("index_figure").selectAll().where("index_name", "=", OVA).execute(),
    yearCompleteness(trx, scope, asOfDate),
  ]);
  const riggByYear = rigg;
  const otherByYear = new Map(other.map((o) => [o.year, o]));
  const dataYears = [...riggByYear.keys(), ...otherByYear.keys()];
  const lastDataYear = dataYears.length ? Math.max(...dataYears) : null;
  const years = [...new Set([...dataYears, ...budgetYears.map((b) => b.year).filter((y) => lastDataYear === null || y <= lastDataYear)])].sort((a, b) => a - b);

  const versions: ClosedSquareReport["versions"] = [];
  const input: SquareYearInput[] = [];
  for (const year of years) {
    const localBudgets = [];
    for (const budget of budgetYears.filter((b) => b.year === year)) {
      let gross: string | null = null;
      let version: BudgetVersion | null = null;
      for (const candidate of ["march", "october"] as const) {
        const computed = await computeLocalBudget(trx, municipalityCode, budget.key, year, candidate, asOf);
        if (computed?.outcome.ok) {
          gross = computed.outcome.gross;
          version = candidate;
          break;
        }
      }
      versions.push({ year, key: budget.key, version });
      localBudgets.push({ key: budget.key, name: budget.name, gross });
    }
    input.push({
      year,
      rigg: riggByYear.get(year) ?? null,
      nonContracted: otherByYear.get(year)?.non_contracted ?? null,
      pgb: otherByYear.get(year)?.pgb ?? null,
      localBudgets,
    });
  }

  const rates = new Map<number, IndexRate>(
    index.map((f) => [f.year, f.definitive_pct !== null ? { year: f.year, pct: f.definitive_pct, kind: "definitive" } : { year: f.year, pct: f.provisional_pct, kind: "provisional" }]),
  );
  const indexOf = (year: number) => rates.get(year) ?? null;
  const complete = closedSquare(input, years[0] ?? yearInAmsterdam(), indexOf)
    .years.filter((y) => y.total !== null)
    .map((y) => y.year);
  const baseYear = requestedBaseYear !== null && complete.includes(requestedBaseYear) ? requestedBaseYear : (complete[0] ?? years[0] ?? yearInAmsterdam());
  const incompleteYears = completeness.filter((y) => !y.complete).map((y) => ({ year: y.year, dataThrough: y.dataThrough }));
  const latest = completeness[completeness.length - 1];
  let riggForecast: RiggForecast | null = null;
  let riggForecastMissing: ClosedSquareReport["riggForecastMissing"] = null;
  // The current year only: a year that stopped short long ago is marked incomplete, not forecast.
  if (latest && !latest.complete && latest.year >= Number(lastCompleteMonth(asOfDate).slice(0, 4))) {
    const report = await forecastReport(trx, { year: latest.year, scope, asOf: asOfDate });
    const all = report.segments.all;
    if (report.available && all) {
      riggForecast = { year: latest.year, forecast: all.forecast, low: all.low, high: all.high, bandReason: all.band_reason, declaredThrough: report.declared_through };
    } else {
      riggForecastMissing = { year: latest.year, dataStarts: report.reason?.data_starts ?? null, neededFrom: report.reason?.needed_from ?? report.declared_through.slice(0, 7) };
    }
  }
  return {
    municipalityCode,
    baseYears: complete,
    versions,
    asOf: asOfDate,
    incompleteYears,
    riggForecast,
    riggForecastMissing,
    ...closedSquare(input, baseYear, indexOf),
  };
}

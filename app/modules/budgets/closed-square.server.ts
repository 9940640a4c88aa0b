import { closedSquare, type BudgetVersion, type ClosedSquare, type IndexRate, type SquareYearInput } from "@jeugdregio/budgets";
import { sql } from "kysely";
import type { ScopedTransaction } from "~db/tenant-scope";
import { computeLocalBudget, OVA } from "./budgets.server";

export interface ClosedSquareReport extends ClosedSquare {
  municipalityCode: string;
  /** Years that can serve as base year (their total is complete). */
  baseYears: number[];
  /** Per year and local budget: which version's gross budget was used (March when it can be computed). */
  versions: { year: number; key: string; version: BudgetVersion | null }[];
}

/**
 * The closed square of one municipality (issue "Local budgets", §5): RIGG-procured care from
 * the declarations, non-contracted care and PGB as typed in, and the gross budgets of its
 * local budgets (the March version where it can be computed, else the October version),
 * against a base year indexed by the OVA (definitive where published, else provisional).
 * Row-level security applies: outside the caller's scope there is nothing to add up.
 */
export async function closedSquareReport(trx: ScopedTransaction, municipalityCode: string, requestedBaseYear: number | null): Promise<ClosedSquareReport> {
  const [rigg, other, budgetYears, index] = await Promise.all([
    sql<{ year: number; total: string }>`
      select extract(year from service_month)::int as year, sum(amount)::text as total
      from declaration where municipality_code = ${municipalityCode} and superseded_by is null
      group by 1`.execute(trx),
    trx.selectFrom("other_youth_spending").selectAll().where("municipality_code", "=", municipalityCode).execute(),
    trx
      .selectFrom("local_budget_year")
      .innerJoin("local_budget", (join) => join.onRef("local_budget.municipality_code", "=", "local_budget_year.municipality_code").onRef("local_budget.key", "=", "local_budget_year.budget_key"))
      .select(["local_budget.key", "local_budget.name", "local_budget_year.year"])
      .where("local_budget_year.municipality_code", "=", municipalityCode)
      .orderBy("local_budget.key")
      .execute(),
    trx.selectFrom("index_figure").selectAll().where("index_name", "=", OVA).execute(),
  ]);
  const riggByYear = new Map(rigg.rows.map((r) => [Number(r.year), r.total]));
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
        const computed = await computeLocalBudget(trx, municipalityCode, budget.key, year, candidate);
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
  const complete = closedSquare(input, years[0] ?? new Date().getFullYear(), indexOf)
    .years.filter((y) => y.total !== null)
    .map((y) => y.year);
  const baseYear = requestedBaseYear !== null && complete.includes(requestedBaseYear) ? requestedBaseYear : (complete[0] ?? years[0] ?? new Date().getFullYear());
  return { municipalityCode, baseYears: complete, versions, ...closedSquare(input, baseYear, indexOf) };
}

import Decimal from "decimal.js";

/**
 * The closed square (*gesloten vierkant*, seed `000_…`): a municipality's whole youth-care
 * spending per year = RIGG-procured care + non-contracted care + personal budgets (PGB) +
 * the gross budgets of its local budgets, compared with a base year's total carried forward
 * by wage and price indexation. During a transition the total is meant to stay level apart
 * from indexation; the parts are communicating vessels.
 */

export type SquarePart = "rigg" | "non_contracted" | "pgb" | "local_budgets";
export const SQUARE_PARTS: readonly SquarePart[] = ["rigg", "non_contracted", "pgb", "local_budgets"];

export interface SquareLocalBudget {
  key: string;
  name: string;
  /** The gross budget for the year, or null when it cannot be computed. */
  gross: string | null;
}

export interface SquareYearInput {
  year: number;
  /** Net declared amount on RIGG contracts; null when nothing was imported for the year. */
  rigg: string | null;
  /** Typed in by finance staff; null when not entered. */
  nonContracted: string | null;
  pgb: string | null;
  /** The local budgets running that year (those with yearly parameters for it). */
  localBudgets: SquareLocalBudget[];
}

/** An index percentage for a year (4.94 = 4.94%), definitive when published, else provisional. */
export interface IndexRate {
  year: number;
  pct: string;
  kind: "definitive" | "provisional";
}

export type SquareMissing =
  | { part: "rigg" | "non_contracted" | "pgb"; year: number }
  | { part: "local_budget"; year: number; name: string }
  | { part: "index"; year: number }
  /** The base year's own total is incomplete, so nothing can be compared with it. */
  | { part: "base"; year: number };

export interface SquareYear {
  year: number;
  parts: Record<SquarePart, string | null>;
  localBudgets: SquareLocalBudget[];
  /** The sum of the parts, only when every part is known. */
  total: string | null;
  /** The base year's total carried to this year by the index; null when it cannot be. */
  indexedBase: string | null;
  /** total − indexed base, in euros and as a fraction of the indexed base. */
  deviation: string | null;
  deviationShare: string | null;
  missing: SquareMissing[];
}

export interface ClosedSquare {
  baseYear: number;
  years: SquareYear[];
  /** The index figures that carried the base total, in year order. */
  indexUsed: IndexRate[];
}

const money = (value: Decimal) => value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);

/**
 * Indexation: spending in year k is compared with the base total × Π (1 + index of year j)
 * for the years after the base year up to k (and divided by it for years before the base
 * year). Full precision until the displayed amounts are rounded to cents, half-up.
 */
export function closedSquare(input: readonly SquareYearInput[], baseYear: number, indexOf: (year: number) => IndexRate | null): ClosedSquare {
  const years = [...input].sort((a, b) => a.year - b.year);
  const totals = new Map<number, { total: Decimal | null; missing: SquareMissing[]; parts: Record<SquarePart, string | null> }>();
  for (const y of years) {
    const missing: SquareMissing[] = [];
    if (y.rigg === null) missing.push({ part: "rigg", year: y.year });
    if (y.nonContracted === null) missing.push({ part: "non_contracted", year: y.year });
    if (y.pgb === null) missing.push({ part: "pgb", year: y.year });
    for (const budget of y.localBudgets) if (budget.gross === null) missing.push({ part: "local_budget", year: y.year, name: budget.name });
    const local = y.localBudgets.every((b) => b.gross !== null) ? y.localBudgets.reduce((sum, b) => sum.plus(b.gross!), new Decimal(0)) : null;
    const parts: Record<SquarePart, string | null> = {
      rigg: y.rigg === null ? null : money(new Decimal(y.rigg)),
      non_contracted: y.nonContracted === null ? null : money(new Decimal(y.nonContracted)),
      pgb: y.pgb === null ? null : money(new Decimal(y.pgb)),
      local_budgets: local === null ? null : money(local),
    };
    const total = missing.length ? null : SQUARE_PARTS.reduce((sum, part) => sum.plus(parts[part]!), new Decimal(0));
    totals.set(y.year, { total, missing, parts });
  }

  const indexUsed = new Map<number, IndexRate>();
  const factorTo = (year: number): { factor: Decimal | null; missing: SquareMissing[] } => {
    let factor = new Decimal(1);
    const missing: SquareMissing[] = [];
    const [from, to] = year >= baseYear ? [baseYear + 1, year] : [year + 1, baseYear];
    for (let j = from; j <= to; j++) {
      const rate = indexOf(j);
      if (!rate) {
        missing.push({ part: "index", year: j });
        continue;
      }
      indexUsed.set(j, rate);
      factor = factor.times(new Decimal(rate.pct).dividedBy(100).plus(1));
    }
    if (missing.length) return { factor: null, missing };
    return { factor: year >= baseYear ? factor : new Decimal(1).dividedBy(factor), missing };
  };

  const base = totals.get(baseYear)?.total ?? null;
  const result = years.map((y): SquareYear => {
    const own = totals.get(y.year)!;
    const { factor, missing: indexMissing } = factorTo(y.year);
    // Rounded before the comparison so that total − indexed base = deviation on the page, to the cent.
    const indexedBase = base !== null && factor !== null ? new Decimal(money(base.times(factor))) : null;
    const deviation = own.total !== null && indexedBase !== null ? own.total.minus(indexedBase) : null;
    return {
      year: y.year,
      parts: own.parts,
      localBudgets: y.localBudgets,
      total: own.total === null ? null : money(own.total),
      indexedBase: indexedBase === null ? null : money(indexedBase),
      deviation: deviation === null ? null : money(deviation),
      deviationShare: deviation === null || indexedBase === null || indexedBase.isZero() ? null : deviation.dividedBy(indexedBase).toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toString(),
      missing: [...own.missing, ...(base === null && y.year !== baseYear ? [{ part: "base" as const, year: baseYear }] : []), ...indexMissing],
    };
  });
  return { baseYear, years: result, indexUsed: [...indexUsed.values()].sort((a, b) => a.year - b.year) };
}

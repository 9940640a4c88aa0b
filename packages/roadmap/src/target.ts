import Decimal from "decimal.js";

/**
 * Whether a measured figure meets its target ("at most 5% waiting longer than 6 weeks",
 * "at least 80% of spending contracted"). Compared as exact decimals: 0.1 + 0.2 in floating
 * point would miss a target of "at most 0.3", and long figures would lose digits.
 */

export type TargetComparison = "at_most" | "at_least";

export interface Target {
  comparison: TargetComparison;
  value: string | number;
}

const decimal = (value: string | number, what: string) => {
  let d: Decimal;
  try {
    d = new Decimal(value);
  } catch {
    throw new RangeError(`Not a decimal number (${what}): ${JSON.stringify(value)}`);
  }
  if (!d.isFinite()) throw new RangeError(`Not a finite number (${what}): ${String(value)}`);
  return d;
};

/**
 * actual ≤ target (at_most) or actual ≥ target (at_least), the boundary itself meeting the
 * target; null when there is no actual figure yet. Throws RangeError on a value that is not
 * a finite decimal number ("1,5" included: decimal point only).
 */
export function targetMet(actual: string | number | null, target: Target): boolean | null {
  if (actual === null) return null;
  const a = decimal(actual, "actual");
  const t = decimal(target.value, "target");
  if (target.comparison === "at_most") return a.lte(t);
  if (target.comparison === "at_least") return a.gte(t);
  throw new RangeError(`Unknown comparison: ${JSON.stringify(target.comparison)}`);
}

import Decimal from "decimal.js";

/**
 * A local budget such as Groningen's SAMEN. lump sum, computed by the agreed rules
 * (issue "Local budgets", §2), every step kept with its input and source so a page can
 * show it and a test can check it. Full precision throughout (decimal.js); rounded to
 * cents, half-up, only at the gross budget and its parts.
 */

export type BudgetVersion = "october" | "march";

/**
 * Where an input came from, as a key and parameters that the page translates (an import's
 * lines and batches, a population figure, an index figure, yearly parameters, a manual base
 * with its reason).
 */
export interface SourceRef {
  key: string;
  params?: Record<string, string | number>;
}

/** An input with where it came from. */
export interface Sourced<T> {
  value: T;
  source: SourceRef;
}

export interface BudgetInputs {
  /** Year t of the budget. */
  year: number;
  /** R: realised Open House spending in t−2 on the products transferred by 1 January t. */
  realisedTwoYearsBefore: Sourced<string> | null;
  /** The same for t−1 (the March version's base). */
  realisedYearBefore: Sourced<string> | null;
  /** A manual base replaces R (source: who and why). */
  manualBase: Sourced<string> | null;
  /** s, a fraction from 0 to 1. */
  scopeShare: Sourced<string>;
  /** g, the expected cost development for t−1, a fraction (0.03 = 3%). */
  expectedDevelopment: Sourced<string> | null;
  /** Inhabitants aged 0–17 on 1 January t−1 and t−2. */
  inhabitantsYearBefore: Sourced<number> | null;
  inhabitantsTwoYearsBefore: Sourced<number> | null;
  /** OVA percentages (4.94 = 4.94%). */
  ovaProvisionalYearBefore: Sourced<string> | null;
  ovaProvisionalTwoYearsBefore: Sourced<string> | null;
  ovaDefinitiveTwoYearsBefore: Sourced<string> | null;
  /** a, signed euros (savings negative). */
  structuralAdjustment: Sourced<string>;
  /** Shares of the gross budget moved to the municipality's own budgets (fractions). */
  ictShare: string;
  housingShare: string;
}

export type BudgetStepKey =
  | "base"
  | "scope"
  | "expected_development"
  | "volume"
  | "index"
  | "structural_adjustment"
  | "gross"
  | "ict"
  | "housing"
  | "execution";

export interface BudgetStep {
  key: BudgetStepKey;
  /** What was applied: an amount, a share, a factor (full precision, as a string). */
  input: string;
  sources: SourceRef[];
  /** The running amount after this step (full precision until `gross`). */
  amount: string;
}

export interface BudgetResult {
  ok: true;
  version: BudgetVersion;
  year: number;
  steps: BudgetStep[];
  base: string;
  scopeShare: string;
  expectedDevelopment: string | null;
  volumeFactor: string;
  indexPct: string;
  structuralAdjustment: string;
  gross: string;
  ict: string;
  housing: string;
  execution: string;
}

/** A missing input, named so a person can supply it (never computed on a silent zero). */
export type MissingInput =
  | { input: "base"; year: number }
  | { input: "inhabitants"; year: number }
  | { input: "ova_provisional"; year: number }
  | { input: "ova_definitive"; year: number }
  | { input: "expected_development"; year: number };

export type BudgetOutcome = BudgetResult | { ok: false; missing: MissingInput[] };

const cents = (value: Decimal) => value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const money = (value: Decimal) => cents(value).toFixed(2);

export function computeBudget(inputs: BudgetInputs, version: BudgetVersion): BudgetOutcome {
  const t = inputs.year;
  const missing: MissingInput[] = [];
  const base =
    version === "march"
      ? inputs.realisedYearBefore
      : inputs.manualBase ?? inputs.realisedTwoYearsBefore;
  if (!base) missing.push({ input: "base", year: version === "march" ? t - 1 : t - 2 });
  if (version === "october" && !inputs.expectedDevelopment) missing.push({ input: "expected_development", year: t - 1 });
  if (!inputs.inhabitantsYearBefore) missing.push({ input: "inhabitants", year: t - 1 });
  if (!inputs.inhabitantsTwoYearsBefore || inputs.inhabitantsTwoYearsBefore.value <= 0) missing.push({ input: "inhabitants", year: t - 2 });
  if (!inputs.ovaProvisionalYearBefore) missing.push({ input: "ova_provisional", year: t - 1 });
  if (!inputs.ovaProvisionalTwoYearsBefore) missing.push({ input: "ova_provisional", year: t - 2 });
  if (!inputs.ovaDefinitiveTwoYearsBefore) missing.push({ input: "ova_definitive", year: t - 2 });
  if (missing.length || !base) return { ok: false, missing };

  const steps: BudgetStep[] = [];
  let amount = new Decimal(base.value);
  steps.push({ key: "base", input: base.value, sources: [base.source], amount: amount.toString() });

  const s = new Decimal(inputs.scopeShare.value);
  amount = amount.times(s);
  steps.push({ key: "scope", input: s.toString(), sources: [inputs.scopeShare.source], amount: amount.toString() });

  let g: Decimal | null = null;
  if (version === "october") {
    g = new Decimal(inputs.expectedDevelopment!.value);
    amount = amount.times(g.plus(1));
    steps.push({ key: "expected_development", input: g.toString(), sources: [inputs.expectedDevelopment!.source], amount: amount.toString() });
  }

  const before = inputs.inhabitantsYearBefore!;
  const twoBefore = inputs.inhabitantsTwoYearsBefore!;
  const v = new Decimal(before.value).dividedBy(twoBefore.value);
  amount = amount.times(v);
  steps.push({ key: "volume", input: v.toString(), sources: [before.source, twoBefore.source], amount: amount.toString() });

  // i = provisional OVA t−1 + (definitive OVA t−2 − provisional OVA t−2), in percent.
  const iPct = new Decimal(inputs.ovaProvisionalYearBefore!.value)
    .plus(inputs.ovaDefinitiveTwoYearsBefore!.value)
    .minus(inputs.ovaProvisionalTwoYearsBefore!.value);
  amount = amount.times(iPct.dividedBy(100).plus(1));
  steps.push({
    key: "index",
    input: iPct.toString(),
    sources: [inputs.ovaProvisionalYearBefore!, inputs.ovaDefinitiveTwoYearsBefore!, inputs.ovaProvisionalTwoYearsBefore!].map((x) => x.source),
    amount: amount.toString(),
  });

  const a = new Decimal(inputs.structuralAdjustment.value);
  amount = amount.plus(a);
  steps.push({ key: "structural_adjustment", input: a.toString(), sources: [inputs.structuralAdjustment.source], amount: amount.toString() });

  const gross = cents(amount);
  const ict = cents(gross.times(inputs.ictShare));
  const housing = cents(gross.times(inputs.housingShare));
  const execution = gross.minus(ict).minus(housing);
  steps.push({ key: "gross", input: "", sources: [], amount: gross.toFixed(2) });
  steps.push({ key: "ict", input: inputs.ictShare, sources: [], amount: ict.toFixed(2) });
  steps.push({ key: "housing", input: inputs.housingShare, sources: [], amount: housing.toFixed(2) });
  steps.push({ key: "execution", input: "", sources: [], amount: execution.toFixed(2) });

  return {
    ok: true,
    version,
    year: t,
    steps,
    base: money(new Decimal(base.value)),
    scopeShare: s.toString(),
    expectedDevelopment: g ? g.toString() : null,
    volumeFactor: v.toString(),
    indexPct: iPct.toString(),
    structuralAdjustment: money(a),
    gross: gross.toFixed(2),
    ict: ict.toFixed(2),
    housing: housing.toFixed(2),
    execution: execution.toFixed(2),
  };
}

export interface SettlementYear {
  year: number;
  execution: string;
  realised: string;
  /** execution − realised: positive is returned to the municipality, negative is supplemented. */
  difference: string;
  cumulative: string;
}

/** Execution budget against realised execution costs, per year and cumulatively. */
export function settle(years: readonly { year: number; execution: string; realised: string }[]): SettlementYear[] {
  let cumulative = new Decimal(0);
  return [...years]
    .sort((x, y) => x.year - y.year)
    .map((y) => {
      const difference = new Decimal(y.execution).minus(y.realised);
      cumulative = cumulative.plus(difference);
      return { year: y.year, execution: money(new Decimal(y.execution)), realised: money(new Decimal(y.realised)), difference: money(difference), cumulative: money(cumulative) };
    });
}

export interface Tranche {
  kind: string;
  year: number;
  amount: string;
  spent: string;
}

export interface TrancheLine extends Tranche {
  carriedIn: string;
  available: string;
  /** Unspent money carried to the next tranche of the same kind (or returned after the last). */
  carriedOut: string;
}

export interface TrancheLedger {
  kind: string;
  lines: TrancheLine[];
  /** What is left after the last tranche: returned to the municipality. */
  toReturn: string;
}

/**
 * Incidental money released in tranches: per kind, in year order, what was not spent carries
 * to the next tranche; after the last one the remainder is to be returned.
 */
export function trancheLedgers(tranches: readonly Tranche[]): TrancheLedger[] {
  const kinds = [...new Set(tranches.map((t) => t.kind))];
  return kinds.map((kind) => {
    let carried = new Decimal(0);
    const lines = tranches
      .filter((t) => t.kind === kind)
      .sort((a, b) => a.year - b.year)
      .map((t) => {
        const carriedIn = carried;
        const available = carriedIn.plus(t.amount);
        carried = available.minus(t.spent);
        return { ...t, amount: money(new Decimal(t.amount)), spent: money(new Decimal(t.spent)), carriedIn: money(carriedIn), available: money(available), carriedOut: money(carried) };
      });
    return { kind, lines, toReturn: money(carried) };
  });
}
export * from "./square";

import { describe, expect, it } from "vitest";
import { computeBudget, settle, trancheLedgers, type BudgetInputs } from "./index";

const src = <T>(value: T, key = "test") => ({ value, source: { key } });

/** The worked example of the issue: base 10,000,000.00, s 100%, g 3.0%, 35,640 → 36,000, i 6.56%. */
const EXAMPLE: BudgetInputs = {
  year: 2025,
  realisedTwoYearsBefore: src("10000000.00", "batch 1"),
  realisedYearBefore: src("10500000.00", "batch 2"),
  manualBase: null,
  scopeShare: src("1"),
  expectedDevelopment: src("0.03"),
  inhabitantsYearBefore: src(36000, "population 2024"),
  inhabitantsTwoYearsBefore: src(35640, "population 2023"),
  ovaProvisionalYearBefore: src("4.94"),
  ovaProvisionalTwoYearsBefore: src("4.74"),
  ovaDefinitiveTwoYearsBefore: src("6.36"),
  structuralAdjustment: src("0"),
  ictShare: "0.049",
  housingShare: "0.06",
};

describe("computeBudget", () => {
  it("computes the worked example exactly (October version)", () => {
    const result = computeBudget(EXAMPLE, "october");
    expect(result).toMatchObject({
      ok: true,
      indexPct: "6.56",
      gross: "11086545.45",
      ict: "543240.73",
      housing: "665192.73",
      execution: "9878111.99",
    });
    if (!result.ok) return;
    expect(result.steps.map((s) => s.key)).toEqual(["base", "scope", "expected_development", "volume", "index", "structural_adjustment", "gross", "ict", "housing", "execution"]);
  });

  it("replaces R × (1 + g) by the realised spending of t−1 in the March version", () => {
    const result = computeBudget(EXAMPLE, "march");
    // 10,500,000 × 36000/35640 = 10,606,060.606…; × 1.0656 = 11,301,818.18
    expect(result).toMatchObject({ ok: true, gross: "11301818.18", expectedDevelopment: null });
  });

  it("applies a manual base, the scope share and a structural adjustment", () => {
    const result = computeBudget({ ...EXAMPLE, manualBase: src("5000000", "F. Financiën: herberekening"), scopeShare: src("0.5"), structuralAdjustment: src("-100000") }, "october");
    // 5,000,000 × 0.5 × 1.03 × 36000/35640 × 1.0656 − 100,000 = 2,671,636.36…
    expect(result).toMatchObject({ ok: true, base: "5000000.00", gross: "2671636.36" });
    if (result.ok) expect(result.steps[0]!.sources).toEqual([{ key: "F. Financiën: herberekening" }]);
  });

  it("names every missing input instead of computing on a silent zero", () => {
    const result = computeBudget(
      { ...EXAMPLE, realisedTwoYearsBefore: null, inhabitantsYearBefore: null, ovaDefinitiveTwoYearsBefore: null },
      "october",
    );
    expect(result).toEqual({
      ok: false,
      missing: [
        { input: "base", year: 2023 },
        { input: "inhabitants", year: 2024 },
        { input: "ova_definitive", year: 2023 },
      ],
    });
  });

  it("keeps the parts adding up to the gross budget whatever the rounding", () => {
    for (const base of ["1", "0.07", "123456789.99", "9999999.995"]) {
      const result = computeBudget({ ...EXAMPLE, realisedTwoYearsBefore: src(base) }, "october");
      if (!result.ok) throw new Error("expected a result");
      const sum = Number(result.execution) * 100 + Number(result.ict) * 100 + Number(result.housing) * 100;
      expect(Math.round(sum)).toBe(Math.round(Number(result.gross) * 100));
    }
  });
});

describe("settle", () => {
  it("returns what was not spent and supplements a shortfall, per year and cumulatively", () => {
    expect(
      settle([
        { year: 2025, execution: "1000.00", realised: "1200.50" },
        { year: 2024, execution: "1000.00", realised: "900.00" },
      ]),
    ).toEqual([
      { year: 2024, execution: "1000.00", realised: "900.00", difference: "100.00", cumulative: "100.00" },
      { year: 2025, execution: "1000.00", realised: "1200.50", difference: "-200.50", cumulative: "-100.50" },
    ]);
  });
});

describe("trancheLedgers", () => {
  it("carries unspent money to the next tranche and returns the rest after the last", () => {
    const [transition] = trancheLedgers([
      { kind: "transition", year: 2023, amount: "1000000", spent: "900000" },
      { kind: "transition", year: 2022, amount: "1200000", spent: "1100000" },
      { kind: "transition", year: 2024, amount: "500000", spent: "550000" },
    ]);
    expect(transition!.lines.map((l) => [l.year, l.carriedIn, l.available, l.carriedOut])).toEqual([
      [2022, "0.00", "1200000.00", "100000.00"],
      [2023, "100000.00", "1100000.00", "200000.00"],
      [2024, "200000.00", "700000.00", "150000.00"],
    ]);
    expect(transition!.toReturn).toBe("150000.00");
  });
});

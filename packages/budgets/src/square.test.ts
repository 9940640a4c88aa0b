import { describe, expect, it } from "vitest";
import { closedSquare, type IndexRate, type SquareYearInput } from "./square";

const ova: Record<number, IndexRate> = {
  2023: { year: 2023, pct: "6.36", kind: "definitive" },
  2024: { year: 2024, pct: "6.00", kind: "definitive" },
  2025: { year: 2025, pct: "4.18", kind: "provisional" },
};
const indexOf = (year: number) => ova[year] ?? null;

const year = (y: number, rigg: string | null, nonContracted: string | null, pgb: string | null, gross: (string | null)[] = []): SquareYearInput => ({
  year: y,
  rigg,
  nonContracted,
  pgb,
  localBudgets: gross.map((g, i) => ({ key: `b${i}`, name: `Budget ${i}`, gross: g })),
});

/** Cents as integers and index factors as exact fractions (pct × 100 / 10,000): an independent reckoning. */
const cents = (text: string) => BigInt(text.replace(".", ""));
function indexedCents(baseCents: bigint, pcts: string[]): bigint {
  let numerator = baseCents;
  let denominator = 1n;
  for (const pct of pcts) {
    numerator *= 10000n + cents(Number(pct).toFixed(2));
    denominator *= 10000n;
  }
  // half-up to whole cents
  return (2n * numerator + denominator) / (2n * denominator);
}

describe("closed square", () => {
  it("adds the parts and compares each year with the base year carried forward by the index", () => {
    const square = closedSquare(
      [
        year(2022, "70000000.00", "1500000.00", "2500000.00"),
        year(2023, "62000000.00", "1600000.00", "2400000.00", ["9000000.005"]),
        year(2024, "60000000.10", "1700000.00", "2300000.00", ["9500000.00", "250000.00"]),
        year(2025, "61000000.00", "1800000.00", "2200000.00", ["10000000.00", "300000.00"]),
      ],
      2022,
      indexOf,
    );
    const y2024 = square.years.find((y) => y.year === 2024)!;
    expect(y2024.parts).toEqual({ rigg: "60000000.10", non_contracted: "1700000.00", pgb: "2300000.00", local_budgets: "9750000.00" });
    expect(y2024.total).toBe("73750000.10");
    const base = cents("74000000.00");
    expect(cents(y2024.indexedBase!)).toBe(indexedCents(base, ["6.36", "6.00"]));
    expect(cents(y2024.deviation!)).toBe(cents(y2024.total!) - cents(y2024.indexedBase!));
    const y2023 = square.years.find((y) => y.year === 2023)!;
    // A local budget's gross rounds half-up to the cent in its own part.
    expect(y2023.parts.local_budgets).toBe("9000000.01");
    expect(square.years[0]).toMatchObject({ year: 2022, total: "74000000.00", indexedBase: "74000000.00", deviation: "0.00", deviationShare: "0" });
    expect(square.indexUsed.map((r) => r.year)).toEqual([2023, 2024, 2025]);
  });

  it("deflates years before the base year", () => {
    const square = closedSquare([year(2022, "100.00", "0", "0"), year(2023, "106.36", "0", "0")], 2023, indexOf);
    expect(square.years[0]).toMatchObject({ indexedBase: "100.00", deviation: "0.00" });
  });

  it("names what is missing instead of adding a silent zero", () => {
    const square = closedSquare([year(2022, "100.00", "10.00", "5.00"), year(2023, null, null, "5.00", [null]), year(2026, "1.00", "1.00", "1.00")], 2022, indexOf);
    const y2023 = square.years.find((y) => y.year === 2023)!;
    expect(y2023.total).toBeNull();
    expect(y2023.deviation).toBeNull();
    expect(y2023.missing).toEqual([
      { part: "rigg", year: 2023 },
      { part: "non_contracted", year: 2023 },
      { part: "local_budget", year: 2023, name: "Budget 0" },
    ]);
    const y2026 = square.years.find((y) => y.year === 2026)!;
    expect(y2026.total).toBe("3.00");
    expect(y2026.indexedBase).toBeNull();
    expect(y2026.missing).toEqual([{ part: "index", year: 2026 }]);
    const withoutBase = closedSquare([year(2022, null, "1.00", "1.00"), year(2023, "1.00", "1.00", "1.00")], 2022, indexOf);
    expect(withoutBase.years[1]!.missing).toEqual([{ part: "base", year: 2022 }]);
  });

  it("matches an independent reckoning on generated years", () => {
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const amount = () => `${next(90_000_000)}.${String(next(100)).padStart(2, "0")}`;
    for (let round = 0; round < 40; round++) {
      const input = [2022, 2023, 2024, 2025].map((y) => year(y, amount(), amount(), amount(), y >= 2023 ? [amount()] : []));
      const baseYear = 2022 + next(4);
      const square = closedSquare(input, baseYear, indexOf);
      const totalOf = (y: SquareYearInput) => cents(y.rigg!) + cents(y.nonContracted!) + cents(y.pgb!) + y.localBudgets.reduce((s, b) => s + cents(b.gross!), 0n);
      const baseCents = totalOf(input.find((y) => y.year === baseYear)!);
      for (const y of square.years) {
        const own = totalOf(input.find((i) => i.year === y.year)!);
        expect(cents(y.total!)).toBe(own);
        if (y.year >= baseYear) {
          const pcts = [2023, 2024, 2025].filter((j) => j > baseYear && j <= y.year).map((j) => ova[j]!.pct);
          expect([round, y.year, cents(y.indexedBase!)]).toEqual([round, y.year, indexedCents(baseCents, pcts)]);
        }
        expect(cents(y.deviation!)).toBe(own - cents(y.indexedBase!));
      }
    }
  });
});

import Decimal from "decimal.js";
import { describe, expect, it } from "vitest";
import { coverage, coverageSet, figuresToJson, money, rankProviders, segmentFigures } from "./index";

describe("providers covering 80%", () => {
  it("is the smallest top set whose cumulative spending reaches 80%", () => {
    const providers = [
      { providerCode: "A", spending: "50" },
      { providerCode: "B", spending: "30" },
      { providerCode: "C", spending: "20" },
    ];
    // 50 < 80, 50 + 30 = 80 ≥ 80: two providers.
    expect(segmentFigures({ clients: 4, spending: "100", providers }).providers80).toBe(2);
    // Just below the threshold needs the next one too.
    const below = [
      { providerCode: "A", spending: "50" },
      { providerCode: "B", spending: "29.99" },
      { providerCode: "C", spending: "20.01" },
    ];
    expect(segmentFigures({ clients: 4, spending: "100", providers: below }).providers80).toBe(3);
  });

  it("ignores providers whose net spending is zero or negative, but counts their credits in the total", () => {
    const providers = [
      { providerCode: "A", spending: "90" },
      { providerCode: "B", spending: "20" },
      { providerCode: "C", spending: "-10" },
      { providerCode: "D", spending: "0" },
    ];
    const figures = segmentFigures({ clients: 3, spending: "100", providers });
    expect(figures.providers).toBe(2);
    expect(figures.providers80).toBe(1); // 90 ≥ 80
  });

  it("marks the coverage set and cumulative shares in rank order", () => {
    const ranked = rankProviders(
      [
        { providerCode: "small", spending: "10" },
        { providerCode: "big", spending: "70" },
        { providerCode: "mid", spending: "20" },
      ],
      "100",
    );
    expect(ranked.map((p) => [p.providerCode, p.cumulativeShare.toString(), p.inCoverageSet])).toEqual([
      ["big", "0.7", true],
      ["mid", "0.9", true],
      ["small", "1", false],
    ]);
  });

  it("counts what rankProviders marks, on generated provider lists in any order", () => {
    // A small deterministic generator: amounts with cents, credits, zeros and ties.
    let state = 12345;
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 300; round++) {
      const count = Math.floor(next() * 40);
      const cents = Array.from({ length: count }, () => {
        const roll = next();
        return roll < 0.1 ? 0 : roll < 0.2 ? -Math.floor(next() * 50_000) : roll < 0.3 ? 12_345 : Math.floor(next() * 10_000_000);
      });
      // Decimal strings built from the integer cents, never through a float.
      const providers = cents.map((c, i) => ({ providerCode: `P${i}`, spending: new Decimal(c).dividedBy(100).toFixed(2) }));
      const total = providers.reduce((sum, p) => sum.plus(p.spending), new Decimal(0));
      // An independent reckoning in integer cents: largest first, count until 80% is reached.
      const positiveCents = cents.filter((c) => c > 0).sort((a, b) => b - a);
      const totalCents = cents.reduce((sum, c) => sum + c, 0);
      let reached = 0;
      let covering = 0;
      for (const c of positiveCents) {
        if (totalCents <= 0 || reached * 10 >= totalCents * 8) break;
        reached += c;
        covering++;
      }
      expect(coverage(providers, total)).toEqual({ providers: positiveCents.length, providers80: covering });
      const ranked = rankProviders(providers, total);
      expect(coverage(providers, total)).toEqual({ providers: ranked.length, providers80: ranked.filter((p) => p.inCoverageSet).length });
      const sorted = [...providers].sort((a, b) => new Decimal(b.spending).comparedTo(a.spending));
      expect(coverage(sorted, total)).toEqual(coverage(providers, total));
      // The set alone (the comparison's) is the ranking's set, in its order, whatever the input order.
      const set = ranked.filter((p) => p.inCoverageSet).map((p) => p.providerCode);
      expect(coverageSet(providers, total)).toEqual(set);
      expect(coverageSet(sorted, total)).toEqual(set);
    }
  });

  it("is zero for a scope without spending", () => {
    expect(segmentFigures({ clients: 0, spending: "0", providers: [] })).toMatchObject({ providers80: 0, providers: 0, avgPerClient: null });
  });
});

describe("money and JSON", () => {
  it("rounds half-up to cents only at the end", () => {
    expect(money(new Decimal("0.005"))).toBe("0.01");
    expect(money(new Decimal("-0.005"))).toBe("-0.01");
    expect(money(new Decimal("216210114"))).toBe("216210114.00");
  });

  it("follows the definitions: 80% of spending and average per client", () => {
    const json = figuresToJson(
      segmentFigures({ clients: 1720, spending: "38984951", providers: [{ providerCode: "X", spending: "38984951" }] }),
    );
    expect(json.spending_80).toBe("31187960.80");
    expect(json.avg_per_client).toBe("22665.67");
  });

  it("reproduces DOMAIN.md's averages", () => {
    const avg = (spending: string, clients: number) =>
      figuresToJson(segmentFigures({ clients, spending, providers: [] })).avg_per_client;
    expect(avg("216210114", 15962)).toBe("13545.30");
    expect(avg("33908066", 2877)).toBe("11785.91");
    expect(avg("39072306", 1350)).toBe("28942.45");
  });
});

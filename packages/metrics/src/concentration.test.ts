import Decimal from "decimal.js";
import { describe, expect, it } from "vitest";
import { concentration, overlap, perInhabitants, sharedProviders, smallCountMask } from "./index";

/** A deterministic generator, so that a failing case can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

/** Providers with net spending in cents: many small, a few large, some credits and zeros. */
function generatedProviders(seed: number) {
  const next = random(seed);
  const count = 5 + Math.floor(next() * 120);
  return Array.from({ length: count }, (_, i) => {
    const large = next() < 0.1;
    const credit = next() < 0.05;
    const cents = BigInt(Math.floor(next() * (large ? 500_000_000 : 2_000_000))) * (credit ? -1n : 1n);
    return { providerCode: String(10_000_000 + i), cents, clients: Math.floor(next() * 40) };
  });
}

const euros = (cents: bigint) => new Decimal(cents.toString()).dividedBy(100);

describe("concentration, against a straightforward computation", () => {
  for (let seed = 1; seed <= 40; seed++) {
    it(`agrees on providers covering 80%, top-10 share and HHI (fixture ${seed})`, () => {
      const providers = generatedProviders(seed);
      const result = concentration(providers.map((p) => ({ providerCode: p.providerCode, spending: euros(p.cents), clients: p.clients })));

      // Independently: integers in cents, a plain loop, HHI as 10,000 × Σ s² / S².
      const total = providers.reduce((sum, p) => sum + p.cents, 0n);
      const positive = providers.filter((p) => p.cents > 0n).sort((a, b) => (a.cents === b.cents ? a.providerCode.localeCompare(b.providerCode) : a.cents > b.cents ? -1 : 1));
      let k = 0;
      let running = 0n;
      if (total > 0n) {
        for (const p of positive) {
          k++;
          running += p.cents;
          if (running * 10n >= total * 8n) break;
        }
      }
      const sumOfSquares = positive.reduce((sum, p) => sum + p.cents * p.cents, 0n);
      const hhi = total > 0n ? new Decimal(sumOfSquares.toString()).times(10_000).dividedBy(new Decimal((total * total).toString())) : new Decimal(0);
      const top10 = positive.slice(0, 10).reduce((sum, p) => sum + p.cents, 0n);

      expect(result.spending.equals(euros(total))).toBe(true);
      expect(result.providers).toBe(positive.length);
      expect(result.providers80).toBe(k);
      expect(result.hhi.minus(hhi).abs().lessThan("1e-9")).toBe(true);
      if (total > 0n) expect(result.top10Share.minus(new Decimal(top10.toString()).dividedBy(total.toString())).abs().lessThan("1e-12")).toBe(true);
      expect(result.rows.map((r) => r.providerCode)).toEqual(positive.map((p) => p.providerCode));
      expect(result.rows.every((r, i) => r.rank === i + 1 && r.clients === providers.find((p) => p.providerCode === r.providerCode)!.clients)).toBe(true);
    });
  }

  it("gives one provider an HHI of 10,000 and equal providers 10,000 / n", () => {
    expect(concentration([{ providerCode: "1", spending: "5", clients: 1 }]).hhi.toNumber()).toBe(10_000);
    const four = concentration(["1", "2", "3", "4"].map((providerCode) => ({ providerCode, spending: "25", clients: 1 })));
    expect(four.hhi.toNumber()).toBe(2_500);
    expect(four.providers80).toBe(4);
  });
});

describe("shared providers and overlap, against plain loops", () => {
  it("finds the regional core and pairwise overlaps", () => {
    const next = random(99);
    const municipalities = ["GM0014", "GM0037", "GM0047", "GM1966", "GM1969"];
    const sets = new Map(municipalities.map((m) => [m, new Set(Array.from({ length: 12 }, () => String(Math.floor(next() * 20))))]));
    for (const n of [1, 2, 3, 5]) {
      const core = sharedProviders(sets, n);
      for (let code = 0; code < 20; code++) {
        const holders = municipalities.filter((m) => sets.get(m)!.has(String(code)));
        const found = core.find((p) => p.providerCode === String(code));
        if (holders.length >= n) expect(found?.municipalities).toEqual(holders);
        else expect(found).toBeUndefined();
      }
      for (let i = 1; i < core.length; i++) expect(core[i - 1]!.municipalities.length).toBeGreaterThanOrEqual(core[i]!.municipalities.length);
    }
    const a = sets.get("GM0014")!;
    const b = sets.get("GM1966")!;
    const result = overlap(a, b);
    expect(new Set([...result.shared, ...result.onlyFirst])).toEqual(a);
    expect(new Set([...result.shared, ...result.onlySecond])).toEqual(b);
    for (const code of result.shared) expect(a.has(code) && b.has(code)).toBe(true);
  });

  it("has no per-inhabitant figure without a population figure", () => {
    expect(perInhabitants(new Decimal(1000), null)).toBeNull();
    expect(perInhabitants(new Decimal(1000), 0)).toBeNull();
    expect(perInhabitants(30, 2000, 1000)!.toNumber()).toBe(15);
  });
});

describe("small client counts", () => {
  it("hides 1 to 4, and one more when only one would be hidden", () => {
    expect(smallCountMask([0, 3, 12, 40, 8])).toEqual([false, true, false, false, true]);
    expect(smallCountMask([2, 3, 12])).toEqual([true, true, false]);
    expect(smallCountMask([5, 12, 0])).toEqual([false, false, false]);
  });
});

import { describe, expect, it } from "vitest";
import { demoDeclarationChunks } from "~seeds/demo-data";
import { scaleDeclarationChunks } from "~seeds/scale-data";

/**
 * The demo file's declared dates (issue 14 §1): monthly deliveries (one date per delivery month,
 * the 8th–12th), never before the service month nor after the day of import, about 55% of a
 * month's amount the month after, 25% the month after that, 12% within six months, the rest up
 * to 18 months later, and credits declared months after the lines they correct.
 */
const monthIndex = (text: string) => Number(text.slice(0, 4)) * 12 + Number(text.slice(5, 7)) - 1;

function rows(text: string) {
  const lines = text.split("\r\n").filter(Boolean);
  const header = lines[0]!.split(";");
  const at = (name: string) => header.indexOf(name);
  // Provider names with a quoted ';' are skipped: a plain split is enough for the rest.
  return lines.slice(1).filter((l) => !l.includes('"')).map((l) => {
    const c = l.split(";");
    return { period: c[at("period")]!, amount: Number(c[at("amount")]!.replace(",", ".")), declared: c[at("declared_on")]! };
  });
}

describe("the demo's declared dates", () => {
  const today = "2026-12-02";
  const data = rows([...demoDeclarationChunks({ today, declaredDates: true, trajectoriesPerThousand: 20 })].join(""));

  it("covers the service months up to the last complete month, declared between the service month and today", () => {
    expect(data.reduce((max, r) => (r.period > max ? r.period : max), "")).toBe("2026-11");
    for (const r of data) {
      expect(r.declared >= `${r.period}-01`, `${r.period} ${r.declared}`).toBe(true);
      expect(r.declared <= today).toBe(true);
      expect(Number(r.declared.slice(8))).toBeGreaterThanOrEqual(8);
      expect(Number(r.declared.slice(8))).toBeLessThanOrEqual(12);
    }
    const datesPerMonth = new Map<string, Set<string>>();
    for (const r of data) datesPerMonth.set(r.declared.slice(0, 7), (datesPerMonth.get(r.declared.slice(0, 7)) ?? new Set()).add(r.declared));
    expect([...datesPerMonth.values()].every((dates) => dates.size === 1)).toBe(true);
  });

  it("declares a complete year's amount in the realistic lag pattern, with credits months later", () => {
    const byLag = new Map<number, number>();
    let total = 0;
    let lateCredits = 0;
    for (const r of data) {
      if (!r.period.startsWith("2023")) continue;
      const lag = monthIndex(r.declared) - monthIndex(r.period);
      if (r.amount < 0) {
        if (lag >= 2) lateCredits++;
        continue;
      }
      byLag.set(lag, (byLag.get(lag) ?? 0) + r.amount);
      total += r.amount;
    }
    const share = (from: number, to: number) => [...byLag].filter(([lag]) => lag >= from && lag <= to).reduce((s, [, a]) => s + a, 0) / total;
    expect(share(1, 1)).toBeGreaterThan(0.5);
    expect(share(1, 1)).toBeLessThan(0.6);
    expect(share(2, 2)).toBeGreaterThan(0.21);
    expect(share(2, 2)).toBeLessThan(0.29);
    expect(share(3, 6)).toBeGreaterThan(0.09);
    expect(share(3, 6)).toBeLessThan(0.15);
    expect(share(7, 18)).toBeGreaterThan(0.03);
    expect(Math.max(...byLag.keys())).toBeLessThanOrEqual(18);
    expect(lateCredits).toBeGreaterThan(10);
  });

  it("the scale profile writes declared dates the same way, exactly the lines asked for", () => {
    const scale = rows([...scaleDeclarationChunks({ lines: 5000, municipalities: 5, providers: 50, firstYear: 2025, years: 2, today, declaredDates: true })].join(""));
    expect(scale.length).toBe(5000);
    for (const r of scale) {
      expect(r.declared >= `${r.period}-01`).toBe(true);
      expect(r.declared <= today).toBe(true);
    }
  });
});

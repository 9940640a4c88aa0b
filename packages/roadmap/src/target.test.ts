import { describe, expect, it } from "vitest";
import { generator } from "./calendar.fixture";
import { targetMet } from "./target";

describe("targetMet", () => {
  it("compares at most and at least, the target itself meeting it", () => {
    expect(targetMet("4.9", { comparison: "at_most", value: "5" })).toBe(true);
    expect(targetMet("5", { comparison: "at_most", value: "5.00" })).toBe(true);
    expect(targetMet("5.01", { comparison: "at_most", value: "5" })).toBe(false);
    expect(targetMet("80", { comparison: "at_least", value: "80.0" })).toBe(true);
    expect(targetMet("79.99", { comparison: "at_least", value: 80 })).toBe(false);
    expect(targetMet(-1, { comparison: "at_least", value: "-2" })).toBe(true);
  });

  it("is null without an actual figure", () => {
    expect(targetMet(null, { comparison: "at_most", value: "5" })).toBeNull();
  });

  it("compares exactly where floating point would not", () => {
    // 0.1 + 0.2 is 0.30000000000000004 as a double; written out it is more than 0.3.
    expect(targetMet(String(0.1 + 0.2), { comparison: "at_most", value: "0.3" })).toBe(false);
    expect(targetMet("0.30000000000000000001", { comparison: "at_most", value: "0.3" })).toBe(false);
    expect(Number("0.30000000000000000001") <= 0.3).toBe(true);
    expect(targetMet("12345678901234567890.01", { comparison: "at_least", value: "12345678901234567890.001" })).toBe(true);
    expect(targetMet("12345678901234567890.001", { comparison: "at_least", value: "12345678901234567890.01" })).toBe(false);
  });

  it("throws on a figure that is not a decimal number", () => {
    expect(() => targetMet("1,5", { comparison: "at_most", value: "2" })).toThrow(RangeError);
    expect(() => targetMet("", { comparison: "at_most", value: "2" })).toThrow(RangeError);
    expect(() => targetMet(Number.NaN, { comparison: "at_most", value: "2" })).toThrow(RangeError);
    expect(() => targetMet("1", { comparison: "at_most", value: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });

  it("matches comparing scaled integers on generated figures", () => {
    const next = generator(5);
    // A figure with up to six decimals, and the same as an integer number of millionths.
    const figure = () => {
      const whole = next(3) === 0 ? "0" : String(next(1000));
      const decimals = next(7);
      const fraction = Array.from({ length: decimals }, () => String(next(10))).join("");
      const negative = next(5) === 0;
      const text = `${negative ? "-" : ""}${whole}${decimals ? `.${fraction}` : ""}`;
      const scaled = BigInt(whole + fraction.padEnd(6, "0")) * (negative ? -1n : 1n);
      return { text, scaled };
    };
    for (let round = 0; round < 1000; round++) {
      const actual = figure();
      const target = next(4) === 0 ? actual : figure();
      expect([actual.text, target.text, targetMet(actual.text, { comparison: "at_most", value: target.text })]).toEqual([actual.text, target.text, actual.scaled <= target.scaled]);
      expect([actual.text, target.text, targetMet(actual.text, { comparison: "at_least", value: target.text })]).toEqual([actual.text, target.text, actual.scaled >= target.scaled]);
    }
  });
});

import { describe, expect, it } from "vitest";
import { ambiguousDecimal, parseDecimal, parseDecimalCell, parseInteger, type DecimalSeparator } from "./index";

describe("parseDecimal", () => {
  const cases: [input: string, separator: DecimalSeparator, expected: string | null][] = [
    // accepted, decimal comma
    ["1234,56", "comma", "1234.56"],
    ["1.234,56", "comma", "1234.56"],
    ["1.234.567,8", "comma", "1234567.8"],
    ["1.234.567", "comma", "1234567"],
    ["1.234,5", "comma", "1234.5"],
    ["-12,50", "comma", "-12.50"],
    ["  42  ", "comma", "42"],
    ["€ 1.234,56", "comma", "1234.56"],
    ["€12,5", "comma", "12.5"],
    ["-€ 12,50", "comma", "-12.50"],
    ["€ -12,50", "comma", "-12.50"],
    ["+3,0", "comma", "3.0"],
    ["0,05", "comma", "0.05"],
    ["007,5", "comma", "7.5"],
    ["-0,00", "comma", "0.00"],
    // accepted, decimal point
    ["1234.56", "point", "1234.56"],
    ["1,234.56", "point", "1234.56"],
    ["1,234,567", "point", "1234567"],
    ["-12.50", "point", "-12.50"],
    ["\u00a0€\u00a012.5 ", "point", "12.5"],
    // rejected: does not fit the separator
    ["12.5", "comma", null],
    ["1234.56", "comma", null],
    ["1,234.56", "comma", null],
    ["1.23,4", "comma", null],
    ["0.123", "comma", null],
    ["1,5", "point", null],
    ["1234,56", "point", null],
    ["1.234,56", "point", null],
    ["1,2345", "point", null],
    // rejected: one group of three digits, no decimals: 1234, or 1,234 with the wrong separator?
    ["1.234", "comma", null],
    ["-1.234", "comma", null],
    ["€ 1.234", "comma", null],
    ["1,234", "point", null],
    // rejected: not a number
    ["", "comma", null],
    ["   ", "point", null],
    ["€", "comma", null],
    ["abc", "comma", null],
    ["12,", "comma", null],
    [",5", "comma", null],
    ["1e5", "point", null],
    ["--1", "point", null],
    ["- 1", "point", null],
    ["1 234,56", "comma", null],
    ["12,50 €", "comma", null],
    ["0x10", "point", null],
  ];

  it.each(cases)("parseDecimal(%j, %s) → %j", (input, separator, expected) => {
    expect(parseDecimal(input, separator)).toBe(expected);
  });
});

describe("ambiguousDecimal", () => {
  it("names both readings of a single three-digit group without decimals, as the file would write them", () => {
    expect(ambiguousDecimal("1.234", "comma")).toEqual({ grouped: "1234", decimal: "1,234" });
    expect(ambiguousDecimal(" -12.345 ", "comma")).toEqual({ grouped: "-12345", decimal: "-12,345" });
    expect(ambiguousDecimal("1,234", "point")).toEqual({ grouped: "1234", decimal: "1.234" });
  });

  it("leaves unambiguous numbers alone", () => {
    for (const text of ["1.234,56", "1.234.567", "1234", "1,234", "12.34", "0.123", "1.2345"]) {
      expect(ambiguousDecimal(text, "comma"), text).toBeNull();
    }
    for (const text of ["1,234.56", "1,234,567", "1.234", "1234"]) expect(ambiguousDecimal(text, "point"), text).toBeNull();
  });
});

describe("parseDecimalCell", () => {
  it("converts numbers exactly, strings via parseDecimal, null to null", () => {
    expect(parseDecimalCell(1234.56, "comma")).toBe("1234.56");
    expect(parseDecimalCell(1e-7, "comma")).toBe("0.0000001");
    expect(parseDecimalCell(-0, "comma")).toBe("0");
    expect(parseDecimalCell(Number.NaN, "comma")).toBeNull();
    expect(parseDecimalCell("1.234,5", "comma")).toBe("1234.5");
    expect(parseDecimalCell(null, "point")).toBeNull();
  });
});

describe("parseInteger", () => {
  const cases: [input: string | number | null, expected: number | null][] = [
    ["36000", 36000],
    [" 2024 ", 2024],
    ["-5", -5],
    ["-0", 0],
    ["0", 0],
    [36000, 36000],
    [-3, -3],
    ["36.000", null],
    ["36,000", null],
    ["+5", null],
    ["12.0", null],
    ["1e3", null],
    ["", null],
    ["abc", null],
    ["99999999999999999999", null],
    [12.5, null],
    [Number.NaN, null],
    [Number.POSITIVE_INFINITY, null],
    [null, null],
  ];

  it.each(cases)("parseInteger(%j) → %j", (input, expected) => {
    expect(parseInteger(input)).toBe(expected);
  });
});

import { describe, expect, it } from "vitest";
import { CALENDAR, generator, pos } from "./calendar.fixture";
import { addMonths, compareMonths, monthsBetween, parseMonth } from "./month";

describe("parseMonth", () => {
  it("accepts exactly YYYY-MM with a month 01–12 and a year 2000–2100", () => {
    for (const text of ["2024-01", "2029-12", "2000-01", "2100-12", "2026-07"]) expect(parseMonth(text)).toBe(text);
  });

  it("rejects anything else", () => {
    const rejected: unknown[] = [
      "2024-1", "2024-13", "2024-00", "1999-12", "2101-01", " 2024-01", "2024-01 ", "2024/01", "24-01",
      "2024-01-01", "202401", "2024-1a", "２０２４-01", "", null, undefined, 202401, { month: "2024-01" },
    ];
    for (const text of rejected) expect([text, parseMonth(text)]).toEqual([text, null]);
  });
});

describe("month arithmetic", () => {
  it("adds months across year boundaries, forwards and back", () => {
    expect(addMonths("2024-11", 2)).toBe("2025-01");
    expect(addMonths("2025-01", -1)).toBe("2024-12");
    expect(addMonths("2024-06", 0)).toBe("2024-06");
    expect(addMonths("2024-06", 24)).toBe("2026-06");
    // Beyond parseMonth's range is still arithmetic.
    expect(addMonths("2100-12", 1)).toBe("2101-01");
  });

  it("counts b − a in months", () => {
    expect(monthsBetween("2024-01", "2024-01")).toBe(0);
    expect(monthsBetween("2025-12", "2026-01")).toBe(1);
    expect(monthsBetween("2026-01", "2025-12")).toBe(-1);
    expect(monthsBetween("2024-01", "2029-12")).toBe(6 * 12 - 1);
  });

  it("agrees with counting positions in a written-out calendar", () => {
    const next = generator(11);
    for (let round = 0; round < 500; round++) {
      const a = CALENDAR[next(CALENDAR.length)]!;
      const b = CALENDAR[next(CALENDAR.length)]!;
      const n = pos(b) - pos(a);
      expect([a, b, monthsBetween(a, b)]).toEqual([a, b, n]);
      expect([a, n, addMonths(a, n)]).toEqual([a, n, b]);
      expect([a, b, compareMonths(a, b)]).toEqual([a, b, Math.sign(pos(a) - pos(b))]);
    }
  });

  it("sorts with compareMonths", () => {
    expect(["2026-01", "2024-12", "2025-06", "2024-12"].sort(compareMonths)).toEqual(["2024-12", "2024-12", "2025-06", "2026-01"]);
  });

  it("throws on a malformed month or a fractional count", () => {
    expect(() => addMonths("2024-13", 1)).toThrow(RangeError);
    expect(() => addMonths("2024-1", 1)).toThrow(RangeError);
    expect(() => addMonths("2024-01", 0.5)).toThrow(RangeError);
    expect(() => monthsBetween("2024-01", "")).toThrow(RangeError);
    expect(() => compareMonths("nope", "2024-01")).toThrow(RangeError);
  });
});

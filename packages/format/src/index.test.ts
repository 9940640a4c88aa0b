import Decimal from "decimal.js";
import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatMoney, formatNumber, formatPercent, monthInAmsterdam, parseReportYear, todayInAmsterdam, yearInAmsterdam } from "./index";

// Intl uses no-break spaces; compare with ordinary spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("formatMoney", () => {
  it("writes euros the Dutch and the English way", () => {
    expect(plain(formatMoney("1234.56", "nl"))).toBe("€ 1.234,56");
    expect(plain(formatMoney("1234.56", "en"))).toBe("€1,234.56");
  });

  it("keeps exact cents for amounts beyond float precision", () => {
    expect(plain(formatMoney("216210114123456.79", "nl"))).toBe("€ 216.210.114.123.456,79");
    expect(plain(formatMoney(new Decimal("0.1").plus("0.2"), "en"))).toBe("€0.30");
  });

  it("shows credits as negative amounts and can drop cents", () => {
    expect(plain(formatMoney("-12.5", "nl"))).toBe("€ -12,50");
    expect(plain(formatMoney("33908066.40", "en", { cents: false }))).toBe("€33,908,066");
  });

  it("rejects text that is not a number", () => {
    expect(() => formatMoney("12,50", "nl")).toThrow();
  });
});

describe("formatNumber and formatPercent", () => {
  it("groups thousands per language", () => {
    expect(plain(formatNumber(36000, "nl"))).toBe("36.000");
    expect(plain(formatNumber(36000, "en"))).toBe("36,000");
    expect(plain(formatNumber("13545.1", "nl", 1))).toBe("13.545,1");
  });

  it("writes shares as percentages", () => {
    expect(plain(formatPercent("0.8", "nl"))).toBe("80,0%");
    expect(plain(formatPercent("0.049", "en"))).toBe("4.9%");
  });
});

describe("formatDate", () => {
  it("writes calendar dates without time-zone shifts", () => {
    expect(formatDate("2025-07-01", "nl")).toBe("1 juli 2025");
    expect(formatDate("2025-07-01", "en")).toBe("1 July 2025");
  });

  it("writes moments in Dutch time", () => {
    expect(plain(formatDateTime(new Date("2026-01-01T23:30:00Z"), "nl"))).toContain("2 jan 2026");
  });
});

describe("the region's clock (Europe/Amsterdam)", () => {
  it("turns the day, month and year at midnight in Amsterdam, not at midnight UTC", () => {
    // 23:30 UTC on New Year's Eve is 00:30 on 1 January in Amsterdam (winter time, UTC+1).
    const newYear = new Date("2026-12-31T23:30:00Z");
    expect([todayInAmsterdam(newYear), monthInAmsterdam(newYear), yearInAmsterdam(newYear)]).toEqual(["2027-01-01", "2027-01", 2027]);
    // 22:30 UTC on 31 July is 00:30 on 1 August (summer time, UTC+2); 21:30 UTC is still July.
    expect(monthInAmsterdam(new Date("2026-07-31T22:30:00Z"))).toBe("2026-08");
    expect(monthInAmsterdam(new Date("2026-07-31T21:30:00Z"))).toBe("2026-07");
  });
});

describe("a report year", () => {
  it("is four digits from 2000 to 2100, spaces around allowed; anything else is none", () => {
    expect(["2000", " 2024 ", "2100"].map(parseReportYear)).toEqual([2000, 2024, 2100]);
    expect(["1999", "2101", "1800", "24", "20245", "2024.0", "2e3", "", "  ", "twee", null, undefined].map(parseReportYear)).toEqual(Array(12).fill(null));
  });
});

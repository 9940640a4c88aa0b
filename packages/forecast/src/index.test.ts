import Decimal from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addMonths, forecastColumn, lastCompleteMonth, monthEnd, monthsBetween, yearsBefore, type ColumnForecast, type DeclaredCell } from "./index";

const noClients = { realised: 0, previousNow: 0, previousThen: 0 };

/** Cells of one service month: nets per lag (lag 0 = declared in the service month itself). */
function row(serviceMonth: string, nets: (string | number)[]): DeclaredCell[] {
  return nets.map((net, lag) => ({ serviceMonth, declaredMonth: addMonths(serviceMonth, lag), net: String(net) }));
}

function available(f: ColumnForecast) {
  if (!f.available) throw new Error(`expected a forecast, got ${JSON.stringify(f.reason)}`);
  return f;
}

describe("months", () => {
  it("last complete month: A's month on its last day, else the month before", () => {
    expect(lastCompleteMonth("2026-09-30")).toBe("2026-09");
    expect(lastCompleteMonth("2026-09-29")).toBe("2026-08");
    expect(lastCompleteMonth("2026-12-31")).toBe("2026-12");
    expect(lastCompleteMonth("2026-01-01")).toBe("2025-12");
    expect(lastCompleteMonth("2026-12-02")).toBe("2026-11");
    // leap years: 29 February is the last day; 28 February only when not a leap year
    expect(lastCompleteMonth("2028-02-29")).toBe("2028-02");
    expect(lastCompleteMonth("2028-02-28")).toBe("2028-01");
    expect(lastCompleteMonth("2027-02-28")).toBe("2027-02");
    expect(lastCompleteMonth("2100-02-28")).toBe("2100-02"); // 2100 is no leap year
  });

  it("refuses dates that are malformed or do not exist", () => {
    expect(() => lastCompleteMonth("2026-9-30")).toThrow(/expected YYYY-MM-DD/);
    expect(() => lastCompleteMonth("2027-02-29")).toThrow(/does not exist/);
    expect(() => addMonths("2026-13", 1)).toThrow(/expected YYYY-MM/);
  });

  it("month ends, month arithmetic", () => {
    expect(monthEnd("2028-02")).toBe("2028-02-29");
    expect(monthEnd("2026-02")).toBe("2026-02-28");
    expect(monthEnd("2026-12")).toBe("2026-12-31");
    expect(addMonths("2026-01", -1)).toBe("2025-12");
    expect(addMonths("2026-11", 14)).toBe("2028-01");
    expect(addMonths("2026-03", -36)).toBe("2023-03");
    expect(monthsBetween("2025-11", "2026-02")).toBe(3);
    expect(monthsBetween("2026-02", "2025-11")).toBe(-3);
    expect(yearsBefore("2028-02-29", 1)).toBe("2027-02-28");
    expect(yearsBefore("2026-12-02", 3)).toBe("2023-12-02");
  });
});

describe("a small triangle worked out by hand", () => {
  // As of 2026-04-30: M = 2026-04 (the 30th is April's last day). Nets per lag:
  //   service   a(m)  lag0  lag1  lag2  lag3      C(m,0) C(m,1) C(m,2) C(m,3)
  //   2024-06    22     40    20     6               40     60     66     66
  //   2025-06    10     60    30     9               60     90     99     99
  //   2026-01     3    100    50    15  -16.50      100    150    165    148.50
  //   2026-02     2    120    60    18              120    180    198
  //   2026-03     1     80    40   (999 declared 2026-05: after M, cut)  80  120
  //   2026-04     0    200                          200
  const cells: DeclaredCell[] = [
    ...row("2024-06", [40, 20, 6]),
    ...row("2025-06", [60, 30, 9]),
    ...row("2026-01", [100, 50, 15, "-16.50"]),
    ...row("2026-02", [120, 60, 18]),
    ...row("2026-03", [80, 40, 999]),
    ...row("2026-04", [200]),
  ];
  const input = { year: 2026, asOf: "2026-04-30", cells, dataStarts: "2024-04", clients: { realised: 150, previousNow: 210, previousThen: 200 } };

  it("factors, ultimates, realised, expected late and remaining, growth, forecast", () => {
    const f = available(forecastColumn(input));
    // f(0): months with a ≥ 1 (all but 2026-04): (60+90+150+180+120) / (40+60+100+120+80) = 600/400 = 1.5
    // f(1): a ≥ 2 (2024-06, 2025-06, 01, 02): (66+99+165+198) / (60+90+150+180) = 528/480 = 1.1
    // f(2): a ≥ 3 (2024-06, 2025-06, 01): (66+99+148.50) / (66+99+165) = 313.5/330 = 0.95 (the credit)
    // f(3…21): 2024-06 and 2025-06 no longer move: 1; f(22), f(23): only 2024-06 (a = 22) would
    // qualify for d ≤ 21, so no month: 1.
    expect(f.factors.map((x) => x.factor.toString())).toEqual(["1.5", "1.1", "0.95", ...Array(21).fill("1")]);
    expect(f.factors.map((x) => x.lag)).toEqual([...Array(24).keys()]);
    // U(01) = 148.50 × 1 = 148.50; U(02) = 198 × 0.95 = 188.10; U(03) = 120 × 1.1 × 0.95 = 125.40;
    // U(04) = 200 × 1.5 × 1.1 × 0.95 = 313.50; U(2025-06) = 99; U(2024-06) = 66.
    // R = 148.50 + 198 + 120 + 200 = 666.50
    // L = 0 + (188.10 − 198) + (125.40 − 120) + (313.50 − 200) = −9.90 + 5.40 + 113.50 = 109.00
    // g = U(2025-05 … 2026-04) / U(2024-05 … 2025-04) = (99 + 148.50 + 188.10 + 125.40 + 313.50) / 66
    //   = 874.50 / 66 = 13.25
    // E = Σ_{m = 2026-05 … 12} U(m − 12) × g = U(2025-06) × 13.25 = 99 × 13.25 = 1311.75
    // F = 666.50 + 109.00 + 1311.75 = 2087.25
    expect(f.realised.toFixed(2)).toBe("666.50");
    expect(f.expectedLate.toFixed(2)).toBe("109.00");
    expect(f.growth.toString()).toBe("13.25");
    expect(f.expectedRemaining.toFixed(2)).toBe("1311.75");
    expect(f.forecast.toFixed(2)).toBe("2087.25");
    // Completeness C(m, a(m)) / U(m): 148.50/148.50 = 1; 198/188.10 = 1.0526315789…;
    // 120/125.40 = 0.9569377990…; 200/313.50 = 0.6379585326…
    expect(f.months.map((m) => [m.month, m.kind, m.realised.toFixed(2), m.ultimate.toFixed(2), m.completeness?.toFixed(10) ?? null])).toEqual([
      ["2026-01", "declared", "148.50", "148.50", "1.0000000000"],
      ["2026-02", "declared", "198.00", "188.10", "1.0526315789"],
      ["2026-03", "declared", "120.00", "125.40", "0.9569377990"],
      ["2026-04", "declared", "200.00", "313.50", "0.6379585327"],
      ["2026-05", "forecast", "0.00", "0.00", null],
      ["2026-06", "forecast", "0.00", "1311.75", null],
      ...["07", "08", "09", "10", "11", "12"].map((mm) => [`2026-${mm}`, "forecast", "0.00", "0.00", null]),
    ]);
    // clients: round(150 × 210/200) = round(157.5) = 158 (half-up)
    expect(f.clientsRealised).toBe(150);
    expect(f.clientsForecast).toBe(158);
  });

  it("the band: with data from 2024-04 no earlier year can be forecast", () => {
    const f = available(forecastColumn(input));
    // k = 1 would need data from 2025-04 − 24 = 2023-04; it starts 2024-04.
    expect(f.backtest).toEqual([]);
    expect(f.low).toBeNull();
    expect(f.high).toBeNull();
    expect(f.bandReason).toBe("no_backtest_years");
  });

  it("the band from the backtest, rounded half-up", () => {
    const f = available(forecastColumn({ ...input, dataStarts: "2022-01" }));
    // k = 1: 2025 as of 2025-04-30, cut at 2025-04: only 2024-06 is known (40, 60, 66 by 2024-08).
    //   f(0) = 60/40 = 1.5, f(1) = 66/60 = 1.1, rest 1; U(2024-06) = 66; g = 66 / 0 → 1;
    //   F_1 = 0 + 0 + U(2024-06) × 1 = 66. T_1 = Σ U(2025) today = U(2025-06) = 99; e_1 = 99/66 − 1 = 0.5
    // k = 2: 2024 cut at 2024-04: nothing declared yet, F_2 = 0: left out.
    // k = 3: needs data from 2023-04 − 24 = 2021-04, data starts 2022-01: left out.
    expect(f.backtest.map((b) => [b.year, b.asOf, b.forecast.toFixed(2), b.total.toFixed(2), b.error.toString()])).toEqual([
      [2025, "2025-04-30", "66.00", "99.00", "0.5"],
    ]);
    // low = 2087.25 × 0.5 = 1043.625 → 1043.63; high = 2087.25 × 1.5 = 3130.875 → 3130.88
    expect(f.low?.toFixed(2)).toBe("1043.63");
    expect(f.high?.toFixed(2)).toBe("3130.88");
    expect(f.bandReason).toBeNull();
  });

  it("same period last year: what was known of Y−1 up to M − 12 at the end of M − 12", () => {
    // 2025-03: 20 declared in March, 10 in April, 3 in May 2025; 2025-05: 7 in May.
    // As of 2026-04-30, M − 12 = 2025-04: 2025's months up to April, declared by 2025-04-30: 20 + 10 = 30.
    const more = [...cells, ...row("2025-03", [20, 10, 3]), ...row("2025-05", [7])];
    const f = available(forecastColumn({ ...input, cells: more }));
    expect(f.samePeriodLastYear.toFixed(2)).toBe("30.00");
  });
});

describe("history rule", () => {
  it("no forecast without data, or when data starts after M − 24", () => {
    const base = { year: 2026, asOf: "2026-12-02", cells: row("2025-03", [10]), clients: noClients };
    // M = 2026-11, needed from 2024-11
    expect(forecastColumn({ ...base, dataStarts: "2025-03" })).toEqual({
      available: false,
      reason: { code: "needs_history", dataStarts: "2025-03", neededFrom: "2024-11" },
    });
    expect(forecastColumn({ ...base, dataStarts: null })).toEqual({
      available: false,
      reason: { code: "needs_history", dataStarts: null, neededFrom: "2024-11" },
    });
    expect(forecastColumn({ ...base, dataStarts: "2024-12" }).available).toBe(false);
    expect(forecastColumn({ ...base, dataStarts: "2024-11" }).available).toBe(true);
    // 1 January: M is December of the year before
    expect(forecastColumn({ ...base, asOf: "2026-01-01", dataStarts: "2024-01" })).toEqual({
      available: false,
      reason: { code: "needs_history", dataStarts: "2024-01", neededFrom: "2023-12" },
    });
  });
});

describe("a future year", () => {
  it("grows last year's projection again: U(m − 24) × g²", () => {
    // As of 2026-12-31 (M = 2026-12), no late lines: f = 1, U = C. 2025: 10 a month, 2026: 20 a month: g = 240/120 = 2.
    // 2027's months: U(2026-mm) × 2 = 40; 2028's: U(2026-mm) × 2² = 80 a month, 960 for the year.
    const cells: DeclaredCell[] = [];
    for (let m = 0; m < 24; m++) {
      const month = addMonths("2025-01", m);
      cells.push({ serviceMonth: month, declaredMonth: month, net: m < 12 ? "10" : "20" });
    }
    const f = available(forecastColumn({ year: 2028, asOf: "2026-12-31", cells, dataStarts: "2024-12", clients: noClients }));
    expect(f.growth.toString()).toBe("2");
    expect(f.months.every((m) => m.kind === "forecast" && m.ultimate.toFixed(2) === "80.00")).toBe(true);
    expect(f.forecast.toFixed(2)).toBe("960.00");
  });
});

// ---------- properties ----------

const cents = (min: number, max: number) => fc.integer({ min, max }).map((c) => new Decimal(c).div(100).toFixed(2));

/** Random cells for the service months 2022-01 … 2026-12, declared with a lag 0 … 30 (lags over 24 count as 24). */
function cellsArb(opts: { credits: boolean; maxLag: number }) {
  return fc.array(
    fc.record({
      service: fc.integer({ min: 0, max: 59 }),
      lag: fc.integer({ min: 0, max: opts.maxLag }),
      net: opts.credits ? cents(-50_000, 500_000) : cents(0, 500_000),
    }),
    { maxLength: 120 },
  ).map((xs) =>
    xs.map((x): DeclaredCell => {
      const serviceMonth = addMonths("2022-01", x.service);
      return { serviceMonth, declaredMonth: addMonths(serviceMonth, x.lag), net: x.net };
    }),
  );
}

const asOfArb = fc.integer({ min: 0, max: 23 }).chain((m) =>
  fc.integer({ min: 1, max: 31 }).map((day) => {
    const month = addMonths("2025-01", m);
    const last = Number(monthEnd(month).slice(8));
    return `${month}-${String(Math.min(day, last)).padStart(2, "0")}`;
  }),
);

describe("properties", () => {
  it("with no late declarations the forecast of a complete past year is its total", () => {
    fc.assert(
      fc.property(cellsArb({ credits: true, maxLag: 0 }), asOfArb, (cells, asOf) => {
        const M = lastCompleteMonth(asOf);
        const year = Number(M.slice(0, 4)) - (M.endsWith("-12") ? 0 : 1); // the latest complete year
        const f = available(forecastColumn({ year, asOf, cells, dataStarts: "2022-01", clients: noClients }));
        const total = cells.filter((c) => c.serviceMonth.startsWith(`${year}-`)).reduce((s, c) => s.plus(c.net), new Decimal(0));
        expect(f.forecast.toFixed(2)).toBe(total.toFixed(2));
        expect(f.realised.toFixed(2)).toBe(total.toFixed(2));
        expect(f.expectedLate.isZero() && f.expectedRemaining.isZero()).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("every factor is ≥ 1 when there are no credits", () => {
    fc.assert(
      fc.property(cellsArb({ credits: false, maxLag: 30 }), asOfArb, (cells, asOf) => {
        const f = available(forecastColumn({ year: 2026, asOf, cells, dataStarts: "2022-01", clients: noClients }));
        for (const { factor } of f.factors) expect(factor.greaterThanOrEqualTo(1)).toBe(true);
        for (const m of f.months) if (m.completeness) expect(m.completeness.lessThanOrEqualTo(1)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("the forecast does not depend on cells declared after the end of M", () => {
    fc.assert(
      fc.property(cellsArb({ credits: true, maxLag: 30 }), cellsArb({ credits: true, maxLag: 30 }), asOfArb, fc.integer({ min: 2024, max: 2027 }), (cells, extra, asOf, year) => {
        const M = lastCompleteMonth(asOf);
        const later = extra.filter((c) => monthsBetween(M, c.declaredMonth) > 0);
        const clients = { realised: 10, previousNow: 12, previousThen: 11 };
        const known = cells.filter((c) => monthsBetween(M, c.declaredMonth) <= 0);
        const a = forecastColumn({ year, asOf, cells: known, dataStarts: "2022-01", clients });
        const b = forecastColumn({ year, asOf, cells: [...known, ...later], dataStarts: "2022-01", clients });
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 200 },
    );
  });

  it("fixed lag shares and constant monthly amounts: the forecast of the current year is its true total", () => {
    // 50% in the month, 30% one month later, 20% two months later; 1000 a month from 2022 on.
    fc.assert(
      fc.property(asOfArb, (asOf) => {
        const M = lastCompleteMonth(asOf);
        const cells: DeclaredCell[] = [];
        for (let m = 0; m < 72; m++) cells.push(...row(addMonths("2022-01", m), ["500", "300", "200"]));
        const year = Number(asOf.slice(0, 4));
        const f = available(forecastColumn({ year, asOf, cells, dataStarts: "2022-01", clients: noClients }));
        expect(f.forecast.toFixed(2)).toBe("12000.00");
        expect(f.growth.toString()).toBe("1");
        expect(M <= `${year}-12`).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

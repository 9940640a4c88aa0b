import Decimal from "decimal.js";

/**
 * Where the year will end (issue 14 §3): a chain-ladder forecast on whole
 * declaration months. Pure functions; money stays decimal throughout, rounded
 * to cents (half-up) only in the results. See docs/forecast.md, "Method".
 */

export type Month = string; // 'YYYY-MM'

/** Lags beyond this many months count as this many. */
export const MAX_LAG = 24;
/** Development factors are estimated over the service months M−36 … M−1. */
export const FACTOR_WINDOW = 36;
/** A forecast needs data from M − 24 on. */
export const HISTORY_MONTHS = 24;
/** How many earlier years the band looks back on. */
export const BACKTEST_YEARS = 3;

/** Internal precision: far beyond cents even after 24 chained factors. */
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
type Dec = InstanceType<typeof D>;
const ZERO = new D(0);
const ONE = new D(1);

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE_RE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Month as an integer (year × 12 + month − 1), so that month arithmetic is integer arithmetic. */
function monthIndex(month: Month): number {
  const m = MONTH_RE.exec(month);
  if (!m) throw new Error(`month: expected YYYY-MM, got ${JSON.stringify(month)}`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

function monthOf(index: number): Month {
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parseDate(date: string): { year: number; month: number; day: number } {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`date: expected YYYY-MM-DD, got ${JSON.stringify(date)}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (day > daysInMonth(year, month)) throw new Error(`date: ${date} does not exist`);
  return { year, month, day };
}

/** A's own month if A is the last day of its month, otherwise the month before. */
export function lastCompleteMonth(asOf: string): Month {
  const { year, month, day } = parseDate(asOf);
  const index = year * 12 + month - 1;
  return monthOf(day === daysInMonth(year, month) ? index : index - 1);
}

/** The last day of the month, 'YYYY-MM-DD'. */
export function monthEnd(month: Month): string {
  const index = monthIndex(month);
  const year = Math.floor(index / 12);
  const m = index - year * 12 + 1;
  return `${month}-${String(daysInMonth(year, m)).padStart(2, "0")}`;
}

export function addMonths(month: Month, n: number): Month {
  if (!Number.isInteger(n)) throw new Error(`addMonths: expected a whole number of months, got ${n}`);
  return monthOf(monthIndex(month) + n);
}

/** to − from, in months. */
export function monthsBetween(from: Month, to: Month): number {
  return monthIndex(to) - monthIndex(from);
}

/** The same calendar day `years` years earlier (29 February becomes 28 February). */
export function yearsBefore(date: string, years: number): string {
  const { year, month, day } = parseDate(date);
  const y = year - years;
  const d = Math.min(day, daysInMonth(y, month));
  return `${String(y).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Net of the lines (or supersessions, negative) of one service month declared in one month. */
export interface DeclaredCell {
  serviceMonth: Month;
  declaredMonth: Month;
  net: Decimal.Value;
}

/** Clients with net spending > 0: year Y by end M; year Y−1 by end M; year Y−1 by end M−12. */
export interface ClientCounts {
  realised: number;
  previousNow: number;
  previousThen: number;
}

export interface ForecastMonth {
  month: Month;
  kind: "declared" | "forecast";
  realised: Decimal;
  ultimate: Decimal;
  completeness: Decimal | null;
}

export interface BacktestYear {
  year: number;
  asOf: string;
  forecast: Decimal;
  total: Decimal;
  error: Decimal;
}

export type ColumnForecast =
  | {
      available: true;
      realised: Decimal;
      expectedLate: Decimal;
      expectedRemaining: Decimal;
      forecast: Decimal;
      low: Decimal | null;
      high: Decimal | null;
      bandReason: string | null;
      samePeriodLastYear: Decimal;
      growth: Decimal;
      clientsRealised: number;
      clientsForecast: number;
      /** All 12 months of Y. */
      months: ForecastMonth[];
      /** Lag 0 … 23. */
      factors: { lag: number; factor: Decimal }[];
      backtest: BacktestYear[];
    }
  | { available: false; reason: { code: "needs_history"; dataStarts: Month | null; neededFrom: Month } };

/** Band reason when none of the last three years could be forecast (or each forecast was 0). */
export const NO_BACKTEST_YEARS = "no_backtest_years";

export interface ForecastInput {
  year: number;
  asOf: string;
  cells: readonly DeclaredCell[];
  /** The scope's earliest service month with data (null: none). */
  dataStarts: Month | null;
  clients: ClientCounts;
}

/**
 * The run-off triangle as known at the end of `cutoff`: per service month
 * (index) the net per lag 0 … 24. Cells declared after the cut-off are left out.
 */
type Triangle = Map<number, Dec[]>;

interface Cell {
  service: number;
  declared: number;
  net: Dec;
}

function toCells(cells: readonly DeclaredCell[]): Cell[] {
  return cells.map((c) => ({ service: monthIndex(c.serviceMonth), declared: monthIndex(c.declaredMonth), net: new D(c.net) }));
}

function triangle(cells: readonly Cell[], cutoff: number): Triangle {
  const tri: Triangle = new Map();
  for (const c of cells) {
    if (c.declared > cutoff || c.service > cutoff) continue;
    const lag = Math.min(MAX_LAG, Math.max(0, c.declared - c.service));
    let row = tri.get(c.service);
    if (!row) {
      row = Array.from({ length: MAX_LAG + 1 }, () => ZERO);
      tri.set(c.service, row);
    }
    row[lag] = row[lag]!.plus(c.net);
  }
  return tri;
}

/** C(m, d): net of service month m with lag ≤ d (d beyond 24 counts as 24). */
function cumulative(tri: Triangle, m: number, d: number): Dec {
  const row = tri.get(m);
  if (!row) return ZERO;
  let sum = ZERO;
  const top = Math.min(d, MAX_LAG);
  for (let l = 0; l <= top; l++) sum = sum.plus(row[l]!);
  return sum;
}

interface Development {
  cutoff: number;
  /** f(0) … f(23). */
  factors: Dec[];
  /** U(m) for m ≤ cutoff; projected (U(m − 12) × g, recursively) for m > cutoff. */
  ultimate(m: number): Dec;
  growth: Dec;
}

function develop(tri: Triangle, cutoff: number): Development {
  const factors: Dec[] = [];
  for (let d = 0; d < MAX_LAG; d++) {
    let num = ZERO;
    let den = ZERO;
    // service months M−36 … M−1 with a(m) = M − m ≥ d + 1, i.e. m ≤ M − d − 1
    for (let m = cutoff - FACTOR_WINDOW; m <= cutoff - d - 1; m++) {
      num = num.plus(cumulative(tri, m, d + 1));
      den = den.plus(cumulative(tri, m, d));
    }
    factors.push(den.isZero() ? ONE : num.div(den));
  }
  // tail[d] = Π_{j=d}^{23} f(j); tail[24] = 1
  const tail: Dec[] = Array.from({ length: MAX_LAG + 1 }, () => ONE);
  for (let d = MAX_LAG - 1; d >= 0; d--) tail[d] = tail[d + 1]!.times(factors[d]!);

  const known = (m: number): Dec => {
    const age = Math.min(cutoff - m, MAX_LAG);
    return cumulative(tri, m, age).times(tail[age]!);
  };
  let num = ZERO;
  let den = ZERO;
  for (let m = cutoff - 11; m <= cutoff; m++) num = num.plus(known(m));
  for (let m = cutoff - 23; m <= cutoff - 12; m++) den = den.plus(known(m));
  const growth = den.isZero() ? ONE : num.div(den);

  const ultimate = (m: number): Dec => {
    if (m <= cutoff) return known(m);
    // A month after the cut-off: last year's ultimate grown by g. When last
    // year's month is itself after the cut-off (a future year), the same rule
    // is applied again (U(m − 24) × g², …).
    let steps = 0;
    let base = m;
    while (base > cutoff) {
      base -= 12;
      steps++;
    }
    return known(base).times(growth.pow(steps));
  };
  return { cutoff, factors, ultimate, growth };
}

interface YearForecast {
  realised: Dec;
  expectedLate: Dec;
  expectedRemaining: Dec;
  forecast: Dec; // exact
  months: { month: number; declared: boolean; realised: Dec; ultimate: Dec }[];
}

function forecastYear(tri: Triangle, dev: Development, year: number): YearForecast {
  const cutoff = dev.cutoff;
  let realised = ZERO;
  let expectedLate = ZERO;
  let expectedRemaining = ZERO;
  const months: YearForecast["months"] = [];
  for (let m = year * 12; m < year * 12 + 12; m++) {
    const ultimate = dev.ultimate(m);
    if (m <= cutoff) {
      const declared = cumulative(tri, m, cutoff - m);
      realised = realised.plus(declared);
      expectedLate = expectedLate.plus(ultimate.minus(declared));
      months.push({ month: m, declared: true, realised: declared, ultimate });
    } else {
      expectedRemaining = expectedRemaining.plus(ultimate);
      months.push({ month: m, declared: false, realised: ZERO, ultimate });
    }
  }
  return { realised, expectedLate, expectedRemaining, forecast: realised.plus(expectedLate).plus(expectedRemaining), months };
}

function hasHistory(dataStarts: Month | null, cutoff: number): boolean {
  return dataStarts !== null && monthIndex(dataStarts) <= cutoff - HISTORY_MONTHS;
}

function out(x: Dec): Decimal {
  return new Decimal(x.toString());
}

function money(x: Dec): Decimal {
  return new Decimal(x.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toString());
}

/**
 * The forecast of one segment column for year Y as of A (issue 14 §3). Only
 * cells declared by the end of M = lastCompleteMonth(A) count; the backtest
 * cuts at M − 12k itself.
 */
export function forecastColumn(input: ForecastInput): ColumnForecast {
  const { year, asOf } = input;
  if (!Number.isInteger(year)) throw new Error(`year: expected a whole number, got ${year}`);
  const cutoff = monthIndex(lastCompleteMonth(asOf));
  if (input.dataStarts !== null) monthIndex(input.dataStarts); // validates
  if (!hasHistory(input.dataStarts, cutoff)) {
    return {
      available: false,
      reason: { code: "needs_history", dataStarts: input.dataStarts, neededFrom: monthOf(cutoff - HISTORY_MONTHS) },
    };
  }

  const cells = toCells(input.cells);
  const tri = triangle(cells, cutoff);
  const dev = develop(tri, cutoff);
  const main = forecastYear(tri, dev, year);

  const backtest: BacktestYear[] = [];
  let worst: Dec | null = null;
  for (let k = 1; k <= BACKTEST_YEARS; k++) {
    const cutK = cutoff - 12 * k;
    if (!hasHistory(input.dataStarts, cutK)) continue;
    const triK = triangle(cells, cutK);
    const fK = forecastYear(triK, develop(triK, cutK), year - k).forecast;
    if (fK.isZero()) continue;
    let total = ZERO;
    for (let m = (year - k) * 12; m < (year - k) * 12 + 12; m++) total = total.plus(dev.ultimate(m));
    const error = total.div(fK).minus(ONE);
    backtest.push({ year: year - k, asOf: yearsBefore(asOf, k), forecast: money(fK), total: money(total), error: out(error) });
    if (worst === null || error.abs().greaterThan(worst)) worst = error.abs();
  }

  // Same period last year: Y−1's service months up to M − 12, declared by the end of M − 12.
  const lastCut = cutoff - 12;
  const lastTri = triangle(cells, lastCut);
  let samePeriodLastYear = ZERO;
  for (let m = (year - 1) * 12; m < (year - 1) * 12 + 12 && m <= lastCut; m++) {
    samePeriodLastYear = samePeriodLastYear.plus(cumulative(lastTri, m, MAX_LAG));
  }

  const { realised: clientsRealised, previousNow, previousThen } = input.clients;
  for (const [name, n] of Object.entries(input.clients)) {
    if (!Number.isInteger(n) || n < 0) throw new Error(`clients.${name}: expected a whole number ≥ 0, got ${n}`);
  }
  const ratio = previousThen === 0 ? ONE : new D(previousNow).div(previousThen);
  const clientsForecast = new D(clientsRealised).times(ratio).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber();

  return {
    available: true,
    realised: money(main.realised),
    expectedLate: money(main.expectedLate),
    expectedRemaining: money(main.expectedRemaining),
    forecast: money(main.forecast),
    low: worst === null ? null : money(main.forecast.times(ONE.minus(worst))),
    high: worst === null ? null : money(main.forecast.times(ONE.plus(worst))),
    bandReason: worst === null ? NO_BACKTEST_YEARS : null,
    samePeriodLastYear: money(samePeriodLastYear),
    growth: out(dev.growth),
    clientsRealised,
    clientsForecast,
    months: main.months.map((m) => ({
      month: monthOf(m.month),
      kind: m.declared ? "declared" : "forecast",
      realised: money(m.realised),
      ultimate: money(m.ultimate),
      completeness: m.declared && !m.ultimate.isZero() ? out(m.realised.div(m.ultimate)) : null,
    })),
    factors: dev.factors.map((factor, lag) => ({ lag, factor: out(factor) })),
    backtest,
  };
}

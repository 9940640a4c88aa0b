import { addMonths } from "@jeugdregio/forecast";
import { mulberry32 } from "~seeds/demo-data";
import { deliveryDay } from "~seeds/lag-data";

/**
 * Generated declaration data sets for measuring the forecast (issue 14 §5), with their true
 * totals per service year (every line of the year, also those declared after the data set's
 * cut-off, which the database never sees). Delivered as several files, each the lines declared
 * in a span of months, with the `declared_on` column, imported through the real import path.
 *
 * - `cleanDataSet`: no noise. One municipality, one product, the month's amount growing by a
 *   constant factor each month and split over the lags in fixed shares, no credits: the chain
 *   ladder's assumptions hold exactly, so its forecast must equal the true total.
 * - `noisyDataSet`: three municipalities, a product mix that drifts, seasonality, growth that
 *   drifts from year to year, random lags whose pattern slows down or speeds up per year, now and
 *   then a provider's late batch, and credits months after the lines they correct.
 */

export interface Delivery {
  name: string;
  /** The last declared date in the file. */
  lastDeclared: string;
  text: string;
}

export interface ForecastDataSet {
  deliveries: Delivery[];
  /** True total per service year, in cents (every line, whenever declared). */
  totals: Map<number, bigint>;
  /** The same per segment column (the products' columns in the starting catalogue). */
  columnTotals: Map<string, Map<number, bigint>>;
  lines: number;
}

const HEADER = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount;units;referrer;declared_on\r\n";

/** Cents as the file writes them (decimal comma). */
function amountText(cents: bigint): string {
  const sign = cents < 0n ? "-" : "";
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n},${String(abs % 100n).padStart(2, "0")}`;
}

interface Line {
  month: string;
  municipality: string;
  provider: string;
  product: string;
  column: string;
  client: string;
  cents: bigint;
  declared: string;
}

/** Groups the lines into deliveries of `span` declared months each, dropping lines declared after `cutOff`. */
function collect(all: Line[], cutOff: string, span: number, label: string): ForecastDataSet {
  const totals = new Map<number, bigint>();
  const columnTotals = new Map<string, Map<number, bigint>>();
  const groups = new Map<string, Line[]>();
  for (const line of all) {
    const year = Number(line.month.slice(0, 4));
    totals.set(year, (totals.get(year) ?? 0n) + line.cents);
    const column = columnTotals.get(line.column) ?? new Map<number, bigint>();
    column.set(year, (column.get(year) ?? 0n) + line.cents);
    columnTotals.set(line.column, column);
    if (line.declared > cutOff) continue;
    const index = Number(line.declared.slice(0, 4)) * 12 + Number(line.declared.slice(5, 7)) - 1;
    const key = String(Math.floor(index / span)).padStart(6, "0");
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  let lines = 0;
  const deliveries = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, group]) => {
      lines += group.length;
      const lastDeclared = group.reduce((max, l) => (l.declared > max ? l.declared : max), "");
      const body = group
        .map((l) => `${l.month};${l.municipality};${l.provider};Aanbieder ${l.provider};${l.product};${l.client};${amountText(l.cents)};1;;${l.declared}\r\n`)
        .join("");
      return { name: `${label}-${lastDeclared}.csv`, lastDeclared, text: HEADER + body };
    });
  return { deliveries, totals, columnTotals, lines };
}

/** Fixed lag shares of the clean data set (sum 1). */
export const CLEAN_LAG_SHARES: readonly { lag: number; share: number }[] = [
  { lag: 0, share: 0.05 },
  { lag: 1, share: 0.5 },
  { lag: 2, share: 0.25 },
  { lag: 3, share: 0.06 },
  { lag: 4, share: 0.04 },
  { lag: 5, share: 0.03 },
  { lag: 6, share: 0.02 },
  { lag: 9, share: 0.02 },
  { lag: 12, share: 0.02 },
  { lag: 18, share: 0.01 },
];

/**
 * The clean data set: service months `firstMonth` … `lastMonth` of GM0014, product 54001
 * (aanvullende_hulp); month t's amount is €100,000 × 1.005^t split over the lags in
 * CLEAN_LAG_SHARES (one line per month and lag, a client of its own per line), only lines declared
 * up to `cutOff`, one delivery per `span` declared months.
 */
export function cleanDataSet(options: { firstMonth?: string; lastMonth?: string; cutOff?: string; span?: number } = {}): ForecastDataSet {
  const firstMonth = options.firstMonth ?? "2021-01";
  const lastMonth = options.lastMonth ?? "2025-12";
  const lines: Line[] = [];
  for (let t = 0, month = firstMonth; month <= lastMonth; t++, month = addMonths(month, 1)) {
    const amount = 100_000 * Math.pow(1.005, t);
    for (const { lag, share } of CLEAN_LAG_SHARES) {
      lines.push({
        month,
        municipality: "GM0014",
        provider: "30000001",
        product: "54001",
        column: "aanvullende_hulp",
        client: `C${month.replace("-", "")}x${lag}`,
        cents: BigInt(Math.round(amount * share * 100)),
        declared: deliveryDay(addMonths(month, lag)),
      });
    }
  }
  return collect(lines, options.cutOff ?? "2025-12-31", options.span ?? 12, "clean");
}

/** Products of the noisy set with their column in the starting catalogue and a typical monthly amount. */
const NOISY_PRODUCTS: { code: string; column: string; monthly: number; weight: number }[] = [
  { code: "54001", column: "aanvullende_hulp", monthly: 780, weight: 30 },
  { code: "52S01", column: "aanvullende_hulp", monthly: 1150, weight: 10 },
  { code: "45A51", column: "basishulp", monthly: 420, weight: 15 },
  { code: "41A01", column: "onderwijs", monthly: 2300, weight: 8 },
  { code: "43A01", column: "hsj", monthly: 5200, weight: 4 },
  { code: "44P01", column: "wonen", monthly: 1650, weight: 6 },
  { code: "48B01", column: "unassigned", monthly: 900, weight: 5 },
];
const SEASON = [1.0, 1.02, 1.04, 1.0, 0.98, 0.95, 0.82, 0.78, 1.0, 1.05, 1.04, 0.9];
const BASE_LAGS = [0.03, 0.55, 0.25, 0.05, 0.035, 0.02, 0.015, 0.01, 0.008, 0.007, 0.006, 0.005, 0.004, 0.003, 0.002, 0.002, 0.001, 0.001, 0.001];

/**
 * The noisy data set: service months `firstMonth` … `lastMonth` for GM0014, GM1966 and GM0765,
 * lines declared up to `cutOff`, one delivery per `span` declared months. Seeded: the same set for
 * the same seed.
 */
export function noisyDataSet(options: { firstMonth?: string; lastMonth?: string; cutOff?: string; span?: number; seed?: number; linesPerMonth?: number } = {}): ForecastDataSet {
  const random = mulberry32(options.seed ?? 14);
  const firstMonth = options.firstMonth ?? "2016-01";
  const lastMonth = options.lastMonth ?? "2025-12";
  const perMonth = options.linesPerMonth ?? 300;
  const municipalities = [
    { code: "GM0014", share: 0.6 },
    { code: "GM1966", share: 0.25 },
    { code: "GM0765", share: 0.15 },
  ];
  const lines: Line[] = [];
  let level = 1;
  let growth = 0.05;
  let weights = NOISY_PRODUCTS.map((p) => p.weight);
  // Per declared year: how much slower (or faster) providers declare than the base pattern.
  const slowness = new Map<number, number>();
  for (let month = firstMonth; month <= lastMonth; month = addMonths(month, 1)) {
    const calendarMonth = Number(month.slice(5, 7));
    if (calendarMonth === 1 && month !== firstMonth) {
      // Growth drifts (2–9% a year), the product mix drifts by up to ±20% per product.
      growth = Math.min(0.09, Math.max(0.02, growth + (random() - 0.5) * 0.04));
      weights = weights.map((w) => w * (0.8 + random() * 0.4));
    }
    level *= Math.pow(1 + growth, 1 / 12);
    const year = Number(month.slice(0, 4));
    if (!slowness.has(year)) slowness.set(year, (random() - 0.5) * 0.3);
    const slow = slowness.get(year)!;
    // Shift part of lag 1 to lags 2–4 in slow years (back in fast years).
    const lags = [...BASE_LAGS];
    lags[1] = lags[1]! * (1 - slow);
    lags[2] = lags[2]! + BASE_LAGS[1]! * slow * 0.6;
    lags[3] = lags[3]! + BASE_LAGS[1]! * slow * 0.25;
    lags[4] = lags[4]! + BASE_LAGS[1]! * slow * 0.15;
    const lagTotal = lags.reduce((s, x) => s + Math.max(0, x), 0);
    const pickLag = (r: number) => {
      let target = r * lagTotal;
      for (let d = 0; d < lags.length; d++) if ((target -= Math.max(0, lags[d]!)) < 0) return d;
      return lags.length - 1;
    };
    const weightTotal = weights.reduce((s, w) => s + w, 0);
    const pickProduct = (r: number) => {
      let target = r * weightTotal;
      for (let i = 0; i < weights.length; i++) if ((target -= weights[i]!) < 0) return NOISY_PRODUCTS[i]!;
      return NOISY_PRODUCTS[NOISY_PRODUCTS.length - 1]!;
    };
    // Now and then a provider's late batch: a tenth of the month's lines 6–12 months late.
    const lateBatch = random() < 0.06;
    const count = Math.round(perMonth * level * SEASON[calendarMonth - 1]! * (0.92 + random() * 0.16));
    for (let i = 0; i < count; i++) {
      const r = random();
      const municipality = r < 0.6 ? municipalities[0]! : r < 0.85 ? municipalities[1]! : municipalities[2]!;
      const product = pickProduct(random());
      const lag = lateBatch && random() < 0.1 ? 6 + Math.floor(random() * 7) : pickLag(random());
      const cents = BigInt(Math.round(product.monthly * (0.6 + random() * 0.8) * 100));
      const provider = String(30_000_000 + Math.floor(Math.pow(random(), 2) * 40));
      const client = `N${municipality.code.slice(2)}c${Math.floor(random() * perMonth * 3).toString(36)}`;
      const line = { month, municipality: municipality.code, provider, product: product.code, column: product.column, client };
      lines.push({ ...line, cents, declared: deliveryDay(addMonths(month, lag)) });
      // Credits: 3% of the lines, a quarter or all of the amount, 1–8 months after the line.
      if (random() < 0.03) {
        const part = random() < 0.5 ? 4n : 1n;
        lines.push({ ...line, cents: -(cents / part), declared: deliveryDay(addMonths(month, lag + 1 + Math.floor(random() * 8))) });
      }
    }
  }
  return collect(lines, options.cutOff ?? "2026-11-30", options.span ?? 6, "noisy");
}

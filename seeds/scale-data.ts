import { addMonths } from "@jeugdregio/forecast";
import { todayInAmsterdam } from "@jeugdregio/format";
import { cents, DECLARATION_HEADER, DECLARATION_HEADER_DATED, mulberry32 } from "./demo-data";
import { DECLARED_DATES_BY_DEFAULT, declaredOn, deliveryDay, lagPicker } from "./lag-data";

/**
 * The scale profile: synthetic municipalities and providers and a declaration file of any size
 * (1M, 10M, 40M lines over several years), generated as a stream of CSV chunks so nothing is
 * held in memory. Same file format as the demo (`;`, decimal comma, CRLF). Synthetic
 * municipality codes are GM5001… (CBS codes stay below GM2000), so they never collide with real
 * ones; they must be registered (`syntheticMunicipalities`) before the file can be imported.
 * Every line has a declared date (`declared_on`, the demo's lag model in lag-data.ts); a line
 * that would be declared after `today` has not arrived and is not written (another takes its place).
 */

export interface ScaleOptions {
  /** Exactly this many declaration lines (after the header). */
  lines: number;
  /** Number of synthetic municipalities (at most 999). */
  municipalities?: number;
  providers?: number;
  firstYear?: number;
  years?: number;
  seed?: number;
  /** No line is declared after this day (`YYYY-MM-DD`, default today in Amsterdam). */
  today?: string;
  /** Write the `declared_on` column (default DECLARED_DATES_BY_DEFAULT). */
  declaredDates?: boolean;
}

/** Catalogue products spread over the segments (all in the starting catalogue). */
const PRODUCTS: { code: string; monthly: number; weight: number }[] = [
  { code: "54001", monthly: 780, weight: 20 },
  { code: "54002", monthly: 650, weight: 14 },
  { code: "52S01", monthly: 1150, weight: 8 },
  { code: "45A60", monthly: 900, weight: 6 },
  { code: "45A51", monthly: 420, weight: 8 },
  { code: "45A04", monthly: 460, weight: 6 },
  { code: "41A01", monthly: 2300, weight: 5 },
  { code: "45O01", monthly: 1100, weight: 5 },
  { code: "43A01", monthly: 5200, weight: 3 },
  { code: "43S4A", monthly: 9800, weight: 2 },
  { code: "44P01", monthly: 1650, weight: 4 },
  { code: "44R4C", monthly: 6900, weight: 2 },
  { code: "48B01", monthly: 900, weight: 4 },
];
const REFERRERS = ["local_team", "gp", "youth_doctor", "medical_specialist", "certified_institution", "other", ""];


export function syntheticMunicipalityCode(index: number): string {
  return `GM${5001 + index}`;
}

/** The synthetic municipalities of a profile, with a plausible number of inhabitants aged 0–17. */
export function syntheticMunicipalities(count: number, seed = 42): { code: string; name: string; youth: number }[] {
  if (!Number.isInteger(count) || count < 1 || count > 999) throw new RangeError("municipalities must be 1–999");
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => ({
    code: syntheticMunicipalityCode(i),
    name: `Synthetische gemeente ${String(i + 1).padStart(3, "0")}`,
    // Long tail: a few cities, many villages.
    youth: Math.round(1500 + 60000 / Math.pow(i + 1, 0.8) + random() * 1500),
  }));
}


/**
 * Lines are spread over municipalities by their youth population and over the years evenly;
 * providers by a Zipf-like weight (a few large ones, a long tail); each client's trajectory has
 * consecutive months with one provider and product, and 2% of lines are followed by a credit.
 */
export function* scaleDeclarationChunks(options: ScaleOptions): Generator<string> {
  const total = options.lines;
  if (!Number.isInteger(total) || total < 1) throw new RangeError("lines must be a positive whole number");
  const random = mulberry32(options.seed ?? 7);
  const municipalities = syntheticMunicipalities(options.municipalities ?? 342);
  const providerCount = options.providers ?? 3000;
  const firstYear = options.firstYear ?? 2022;
  const years = options.years ?? 4;
  // Cumulative weights for a fast weighted pick.
  const cumulative = (weights: number[]) => {
    const out: number[] = [];
    let sum = 0;
    for (const w of weights) out.push((sum += w));
    return (r: number) => {
      const target = r * sum;
      let lo = 0;
      let hi = out.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (out[mid]! < target) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
  };
  const pickMunicipality = cumulative(municipalities.map((m) => m.youth));
  const pickProvider = cumulative(Array.from({ length: providerCount }, (_, i) => 1 / Math.pow(i + 1, 0.9)));
  const pickProduct = cumulative(PRODUCTS.map((p) => p.weight));
  const providerCode = (i: number) => String(20_000_000 + i * 7919);

  const today = options.today ?? todayInAmsterdam();
  const dated = options.declaredDates ?? DECLARED_DATES_BY_DEFAULT;
  const pickLag = lagPicker();
  yield dated ? DECLARATION_HEADER_DATED : DECLARATION_HEADER;
  let written = 0;
  let chunk = "";
  while (written < total) {
    const m = municipalities[pickMunicipality(random())]!;
    const year = firstYear + Math.floor(random() * years);
    const provider = pickProvider(random());
    const product = PRODUCTS[pickProduct(random())]!;
    // Clients: about one per 8 youth inhabitants per year, some returning across years.
    const client = `S${m.code.slice(2)}${Math.floor(random() * (m.youth / 8) * (1 + (year - firstYear) * 0.3)).toString(36)}`;
    const referrer = REFERRERS[Math.floor(random() * REFERRERS.length)]!;
    const start = 1 + Math.floor(random() * 12);
    const length = 1 + Math.floor(random() * 6);
    const name = `Aanbieder ${provider + 1}`;
    for (let month = start; month < start + length && month <= 12 && written < total; month++) {
      const amount = product.monthly * (0.6 + random() * 0.8);
      const period = `${year}-${String(month).padStart(2, "0")}`;
      const units = 1 + Math.floor(random() * 20);
      const lag = dated ? pickLag(random()) : 0;
      const declared = dated ? declaredOn(period, lag, today) : "";
      if (declared === null) continue;
      chunk += `${period};${m.code};${providerCode(provider)};${name};${product.code};${client};${cents(amount)};${units};${referrer}${dated ? `;${declared}` : ""}\r\n`;
      written++;
      if (written < total && random() < 0.02) {
        // The credit comes 1–6 months after the line, if that is not after today.
        const creditDate = dated ? deliveryDay(addMonths(period, lag + 1 + Math.floor(random() * 6))) : "";
        if (creditDate > today) continue;
        chunk += `${period};${m.code};${providerCode(provider)};${name};${product.code};${client};${cents(-amount * 0.25)};-1;${referrer}${dated ? `;${creditDate}` : ""}\r\n`;
        written++;
      }
    }
    if (chunk.length > 256 * 1024) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

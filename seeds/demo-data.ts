import { addMonths } from "@jeugdregio/forecast";
import { todayInAmsterdam } from "@jeugdregio/format";
import { DECLARED_DATES_BY_DEFAULT, declaredOn, deliveryDay, lagPicker, monthBefore } from "./lag-data";

/**
 * Deterministic demo declarations (seeded random): 2022 up to the last
 * complete month before today for the ten municipalities, in the declaration file
 * format, streamed as CSV bytes so any size is possible without holding it.
 * Each line has a declared date (`declared_on`, lag model in lag-data.ts: monthly
 * deliveries, most of a month declared one or two months later, some up to 18
 * months later); lines that would be declared after today have not arrived and
 * are left out, and credits correct earlier lines 1–8 months after them.
 * Shapes: a few large providers and many small ones, clients in several
 * segments, credits, referrers, and Groningen's SAMEN products moving to the
 * lump sum (four codes from 2023, seven more from 2024) and stopping after
 * the Open House closes on 2025-07-01.
 */

export const DEMO_MUNICIPALITIES: { code: string; youth: number }[] = [
  { code: "GM0014", youth: 36600 },
  { code: "GM1966", youth: 9150 },
  { code: "GM1969", youth: 13350 },
  { code: "GM1979", youth: 8150 },
  { code: "GM1952", youth: 11750 },
  { code: "GM1895", youth: 6850 },
  { code: "GM0765", youth: 2350 },
  { code: "GM0037", youth: 5900 },
  { code: "GM0047", youth: 5050 },
  { code: "GM1950", youth: 4550 },
];

const SAMEN_2023 = ["45A51", "45A04", "45A56", "45A53"];
const SAMEN_2024 = ["50G41", "45A54", "51G01", "50G26", "45A49", "45G05", "45G06"];

type Segment = "basishulp" | "aanvullende_hulp" | "onderwijs" | "hsj" | "wonen" | "none";

/** Products per segment with a typical monthly amount in euros. */
const PRODUCTS: Record<Segment, { code: string; monthly: number }[]> = {
  basishulp: [...SAMEN_2023, ...SAMEN_2024].map((code, i) => ({ code, monthly: 420 + 40 * i })),
  aanvullende_hulp: [
    { code: "54001", monthly: 780 },
    { code: "54002", monthly: 650 },
    { code: "52S01", monthly: 1150 },
    { code: "45A60", monthly: 900 },
    { code: "45A70", monthly: 480 },
  ],
  onderwijs: [
    { code: "41A01", monthly: 2300 },
    { code: "41A02", monthly: 1400 },
    { code: "45O01", monthly: 1100 },
  ],
  hsj: [
    { code: "43A01", monthly: 5200 },
    { code: "46C01", monthly: 4100 },
    { code: "43S4A", monthly: 9800 },
    { code: "43S4B", monthly: 7600 },
  ],
  wonen: [
    { code: "44P01", monthly: 1650 },
    { code: "44G01", monthly: 4300 },
    { code: "44R4C", monthly: 6900 },
  ],
  none: [
    { code: "48B01", monthly: 900 },
    { code: "47R01", monthly: 700 },
    { code: "42V01", monthly: 260 },
  ],
};

/** Share of trajectories per segment (DOMAIN.md's 2023 client counts as a guide). */
const SEGMENT_WEIGHTS: [Segment, number][] = [
  ["aanvullende_hulp", 0.5],
  ["basishulp", 0.16],
  ["onderwijs", 0.1],
  ["wonen", 0.08],
  ["hsj", 0.06],
  ["none", 0.1],
];

const REFERRERS = ["local_team", "gp", "youth_doctor", "medical_specialist", "certified_institution", "other"];
const NAME_START = ["Stichting", "Jeugdzorg", "Zorggroep", "Praktijk", "Centrum", "Team", "Huize", "Coöperatie"];
const NAME_PART = ["Noorderlicht", "De Wadden", "Het Kompas", "Eemsland", "Westerkwartier", "Oost", "Horizon", "De Brug", "Ommelanden", "Veenkoloniën", "Dollard", "Lauwers", "Hunze", "Reitdiep", "Zuidlaren", "Kardinge"];

export interface DemoOptions {
  /** Trajectories per 1,000 inhabitants aged 0–17 per year; the default gives ~20k lines a year. */
  trajectoriesPerThousand?: number;
  firstYear?: number;
  /** Last service month included, `YYYY-MM`; default the last complete month before `today`. */
  lastMonth?: string;
  seed?: number;
  /** The day of the import (`YYYY-MM-DD`, default today in Amsterdam): no line is declared after it. */
  today?: string;
  /** Write the `declared_on` column (default DECLARED_DATES_BY_DEFAULT); without it every line is declared on the import day. */
  declaredDates?: boolean;
}

/** A small seeded random generator (the same sequence for the same seed). */
export function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Provider {
  code: string;
  name: string;
  segments: Segment[];
  weight: number;
}

function makeProviders(random: () => number): Provider[] {
  const providers: Provider[] = [];
  const used = new Set<string>();
  for (let i = 0; i < 320; i++) {
    let code: string;
    do code = String(10_000_000 + Math.floor(random() * 89_999_999)); while (used.has(code));
    used.add(code);
    const start = NAME_START[Math.floor(random() * NAME_START.length)]!;
    const part = NAME_PART[Math.floor(random() * NAME_PART.length)]!;
    const main = pick(random, SEGMENT_WEIGHTS);
    const segments: Segment[] = [main];
    if (random() < 0.35) segments.push(pick(random, SEGMENT_WEIGHTS));
    // Zipf-like: a few large providers, a long tail of small ones.
    providers.push({ code, name: `${start} ${part} ${i + 1}`, segments, weight: 1 / Math.pow(i + 1, 0.9) });
  }
  providers[3]!.name = 'Zorggroep "Het Kompas"; locatie Noord';
  return providers;
}

function pick<T>(random: () => number, weighted: [T, number][]): T {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [value, w] of weighted) {
    r -= w;
    if (r <= 0) return value;
  }
  return weighted[weighted.length - 1]![0];
}

/** Groningen's SAMEN products leave the Open House step by step. */
function samenFactor(municipality: string, product: string, month: string): number {
  if (municipality !== "GM0014") return 1;
  const in2023 = SAMEN_2023.includes(product);
  const in2024 = SAMEN_2024.includes(product);
  if (!in2023 && !in2024) return 1;
  if (month >= "2025-07") return 0;
  if (month >= "2025-01") return 0.12;
  if (month >= "2024-01") return in2023 ? 0.2 : 0.3;
  if (month >= "2023-01") return in2023 ? 0.35 : 1;
  return 1;
}

/** The declaration file header as Excel writes it. */
export const DECLARATION_HEADER = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount;units;referrer\r\n";
/** The same with the optional declared date as last column. */
export const DECLARATION_HEADER_DATED = DECLARATION_HEADER.replace("\r\n", ";declared_on\r\n");

/** An amount as Dutch Excel writes it: decimal comma, two decimals (geometry of a demo, not money arithmetic). */
export function cents(value: number): string {
  const whole = Math.round(value * 100);
  const sign = whole < 0 ? "-" : "";
  const abs = Math.abs(whole);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, "0")}`;
}

function quote(text: string): string {
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The demo file's lines as CSV text chunks (`;`, decimal comma, CRLF, like Excel). */
export function* demoDeclarationChunks(options: DemoOptions = {}): Generator<string> {
  const random = mulberry32(options.seed ?? 20240101);
  const providers = makeProviders(random);
  const bySegment = new Map<Segment, [Provider, number][]>();
  for (const p of providers) {
    for (const s of p.segments) bySegment.set(s, [...(bySegment.get(s) ?? []), [p, p.weight]]);
  }
  const firstYear = options.firstYear ?? 2022;
  const today = options.today ?? todayInAmsterdam();
  const lastMonth = options.lastMonth ?? monthBefore(today);
  const lastYear = Number(lastMonth.slice(0, 4));
  const rate = options.trajectoriesPerThousand ?? 60;
  const dated = options.declaredDates ?? DECLARED_DATES_BY_DEFAULT;
  const pickLag = lagPicker();
  yield dated ? DECLARATION_HEADER_DATED : DECLARATION_HEADER;
  let chunk = "";
  for (const m of DEMO_MUNICIPALITIES) {
    // A stable client population per municipality: some stay for years.
    const clientCount = Math.round((m.youth * rate) / 1000);
    for (let year = firstYear; year <= lastYear; year++) {
      for (let t = 0; t < clientCount; t++) {
        // Two in three trajectories belong to returning clients.
        const clientIndex = random() < 0.66 ? Math.floor(random() * clientCount) : clientCount * (year - firstYear + 1) + t;
        // A letter between the two numbers: nine digits in a row could pass the eleven-test and be refused as a BSN.
        const client = `K${m.code.slice(2)}c${clientIndex.toString(36).padStart(5, "0")}`;
        const segment = pick(random, SEGMENT_WEIGHTS);
        const products = PRODUCTS[segment];
        const product = products[Math.floor(random() * products.length)]!;
        const provider = pick(random, bySegment.get(segment) ?? [[providers[0]!, 1]]);
        const referrer = random() < 0.55 ? REFERRERS[Math.floor(random() * REFERRERS.length)]! : "";
        const start = 1 + Math.floor(random() * 12);
        const length = 1 + Math.floor(random() * (segment === "wonen" || segment === "hsj" ? 12 : 7));
        for (let month = start; month < start + length && month <= 12; month++) {
          const period = `${year}-${String(month).padStart(2, "0")}`;
          if (period > lastMonth) break;
          const factor = samenFactor(m.code, product.code, period);
          if (factor === 0 || random() > factor) continue;
          const units = 1 + Math.floor(random() * 20);
          const amount = product.monthly * (0.6 + random() * 0.8);
          const lag = pickLag(random());
          const correction = random() < 0.02 ? 1 + Math.floor(random() * 8) : 0;
          const declared = declaredOn(period, lag, today);
          // Not arrived yet by today: left out.
          if (dated && declared === null) continue;
          const line = `${period};${m.code};${provider.code};${quote(provider.name)};${product.code};${client};`;
          chunk += `${line}${cents(amount)};${units};${referrer}${dated ? `;${declared}` : ""}\r\n`;
          // Now and then a correction: a partial credit, declared months after the line.
          if (correction) {
            const creditDate = deliveryDay(addMonths(period, lag + correction));
            if (!dated || creditDate <= today) chunk += `${line}${cents(-amount * 0.25)};-1;${referrer}${dated ? `;${creditDate}` : ""}\r\n`;
          }
          if (chunk.length > 64 * 1024) {
            yield chunk;
            chunk = "";
          }
        }
      }
    }
  }
  if (chunk) yield chunk;
}

/** The demo file as a byte stream, regenerated identically on every call. */
export async function* demoDeclarationBytes(options: DemoOptions = {}): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  yield new Uint8Array([0xef, 0xbb, 0xbf]); // Excel's UTF-8 BOM
  for (const text of demoDeclarationChunks(options)) yield encoder.encode(text);
}

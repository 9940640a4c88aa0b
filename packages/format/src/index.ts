import Decimal from "decimal.js";

/**
 * The one place where numbers, money and dates become text for a language.
 * Money goes in as a decimal string or Decimal and is never turned into a
 * float: Intl formats decimal strings exactly.
 */

export type Language = "nl" | "en";

const LOCALE: Record<Language, string> = { nl: "nl-NL", en: "en-GB" };

type Numeric = Decimal | string | number | bigint;

// Intl accepts exact decimal strings (Intl.NumberFormat v3); its types lag behind.
type ExactFormat = (value: string | number | bigint) => string;

function exact(value: Numeric): string | number | bigint {
  if (value instanceof Decimal) return value.toFixed();
  if (typeof value === "string") return new Decimal(value).toFixed(); // validates
  return value;
}

const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(language: Language, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${language}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(LOCALE[language], options);
    cache.set(key, format);
  }
  return format;
}

/** `€ 1.234,56` (nl), `€1,234.56` (en). */
export function formatMoney(value: Numeric, language: Language, options: { cents?: boolean } = {}): string {
  const digits = options.cents === false ? 0 : 2;
  const format = numberFormat(language, {
    style: "currency",
    currency: "EUR",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return (format.format as ExactFormat)(exact(value));
}

/** `36.000` (nl), `36,000` (en); `fractionDigits` fixes the decimals shown. */
export function formatNumber(value: Numeric, language: Language, fractionDigits?: number): string {
  const format = numberFormat(
    language,
    fractionDigits === undefined
      ? { maximumFractionDigits: 20 }
      : { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits },
  );
  return (format.format as ExactFormat)(exact(value));
}

/** A share given as a fraction (0.8 → `80,0%` / `80.0%`). */
export function formatPercent(fraction: Numeric, language: Language, fractionDigits = 1): string {
  const format = numberFormat(language, {
    style: "percent",
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  });
  return (format.format as ExactFormat)(exact(fraction));
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Calendar dates (`YYYY-MM-DD`) are shown as written, never shifted by a time zone. */
export function formatDate(value: Date | string, language: Language): string {
  const date = typeof value === "string" && DATE_ONLY.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
  return new Intl.DateTimeFormat(LOCALE[language], {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: typeof value === "string" && DATE_ONLY.test(value) ? "UTC" : "Europe/Amsterdam",
  }).format(date);
}

/** A month (`YYYY-MM`): `september 2026` (nl), `September 2026` (en). */
export function formatMonth(value: string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALE[language], { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${value.slice(0, 7)}-01T00:00:00Z`));
}

/** Moments (imports, logins) in Dutch time, the region's clock. */
export function formatDateTime(value: Date | string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALE[language], {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "Europe/Amsterdam",
  }).format(new Date(value));
}

/**
 * The region's calendar day (`YYYY-MM-DD`, Europe/Amsterdam): "today" for the import's date
 * checks, the default "as of" date and the forecast. One clock for server and client.
 */
export function todayInAmsterdam(now: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Amsterdam", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/** Years that can hold declarations (a service month's year); `?year=1800` is no year of ours. */
export const FIRST_REPORT_YEAR = 2000;
export const LAST_REPORT_YEAR = 2100;

/**
 * A report year from text: four digits, 2000–2100 (surrounding spaces allowed), else null. The one
 * rule for a valid year, used by the pages' and JSON routes' `year=`, the CLI's `--year` and the
 * client's links.
 */
export function parseReportYear(text: string | null | undefined): number | null {
  const trimmed = text?.trim() ?? "";
  if (!/^\d{4}$/.test(trimmed)) return null;
  const year = Number(trimmed);
  return year >= FIRST_REPORT_YEAR && year <= LAST_REPORT_YEAR ? year : null;
}

/** The region's month (`YYYY-MM`) on the same clock: "this month" for the roadmap. */
export function monthInAmsterdam(now: Date = new Date()): string {
  return todayInAmsterdam(now).slice(0, 7);
}

/** The region's year on the same clock: the fallback year where a scope has no data yet. */
export function yearInAmsterdam(now: Date = new Date()): number {
  return Number(todayInAmsterdam(now).slice(0, 4));
}

import Decimal from "decimal.js";
import type { CellValue } from "./types";

export type DecimalSeparator = "comma" | "point";

const PATTERNS: Record<DecimalSeparator, { plain: RegExp; grouped: RegExp; group: string; decimal: string }> = {
  // decimal comma, optional "." thousands grouping: 1234,56  1.234,56  1.234
  comma: {
    plain: /^(\d+)(?:,(\d+))?$/,
    grouped: /^([1-9]\d{0,2}(?:\.\d{3})+)(?:,(\d+))?$/,
    group: ".",
    decimal: ",",
  },
  // decimal point, optional "," thousands grouping: 1234.56  1,234.56  1,234
  point: {
    plain: /^(\d+)(?:\.(\d+))?$/,
    grouped: /^([1-9]\d{0,2}(?:,\d{3})+)(?:\.(\d+))?$/,
    group: ",",
    decimal: ".",
  },
};

/**
 * Parses a decimal number written with the given decimal separator and returns it as a
 * canonical string: optional "-", integer digits without grouping or leading zeros, and
 * "." plus the fraction digits exactly as written (`"-12,50"` → `"-12.50"`).
 *
 * Accepts surrounding spaces, an optional leading "€" and an optional sign (before or after
 * the "€"). Thousands grouping with the other character is accepted only when every group
 * has exactly 3 digits (`"1.234,5"` with comma → `"1234.5"`, `"1.234.567"` → `"1234567"`).
 * Returns null for anything else (e.g. `"12.5"` with comma, `"1,5"` with point, `""`), and for a
 * number that could be read two ways (`"1.234"` with comma: see `ambiguousDecimal`).
 */
export function parseDecimal(text: string, separator: DecimalSeparator): string | null {
  if (ambiguousDecimal(text, separator) !== null) return null;
  let rest = text.trim();
  let negative = false;
  const takeSign = (): boolean => {
    const first = rest[0];
    if (first === "-" || first === "+") {
      negative = first === "-";
      rest = rest.slice(1);
      return true;
    }
    return false;
  };

  const signBeforeEuro = takeSign();
  if (rest.startsWith("€")) rest = rest.slice(1).trimStart();
  if (!signBeforeEuro) takeSign();

  const pattern = PATTERNS[separator];
  const match = pattern.plain.exec(rest) ?? pattern.grouped.exec(rest);
  if (!match) return null;

  const integerDigits = (match[1] ?? "")
    .split(pattern.group)
    .join("")
    .replace(/^0+(?=\d)/, "");
  const fraction = match[2];
  const unsigned = fraction === undefined ? integerDigits : `${integerDigits}.${fraction}`;
  const isZero = /^[0.]*$/.test(unsigned);
  return negative && !isZero ? `-${unsigned}` : unsigned;
}

/**
 * A single group of exactly three digits after the other separator and no decimals, such as
 * `"1.234"` in a decimal-comma file (or `"1,234"` with a decimal point), is 1234 to a Dutch
 * reader and 1,234 to one who used the wrong separator: the two readings as they would be
 * written unambiguously in this file (`{ grouped: "1234", decimal: "1,234" }`), or null when the
 * text is not of that shape. `"1.234,56"` and `"1.234.567"` are not ambiguous.
 */
export function ambiguousDecimal(text: string, separator: DecimalSeparator): { grouped: string; decimal: string } | null {
  const pattern = separator === "comma" ? AMBIGUOUS_COMMA : AMBIGUOUS_POINT;
  const match = pattern.exec(text.trim());
  if (!match) return null;
  const [, sign = "", euro = "", sign2 = "", head = "", tail = ""] = match;
  const prefix = `${sign}${euro}${sign2}`;
  return { grouped: `${prefix}${head}${tail}`, decimal: `${prefix}${head}${PATTERNS[separator].decimal}${tail}` };
}

const AMBIGUOUS_COMMA = /^([-+]?)(€\s*)?([-+]?)([1-9]\d{0,2})\.(\d{3})$/;
const AMBIGUOUS_POINT = /^([-+]?)(€\s*)?([-+]?)([1-9]\d{0,2}),(\d{3})$/;

/**
 * Like `parseDecimal`, but for a table cell: an XLSX number cell is converted exactly
 * (no exponent notation), a string cell is parsed with `parseDecimal`, null stays null.
 */
export function parseDecimalCell(value: CellValue, separator: DecimalSeparator): string | null {
  if (value === null) return null;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return null;
    return value === 0 ? "0" : new Decimal(value).toFixed();
  }
  return parseDecimal(value, separator);
}

/**
 * Parses a whole number: a string of plain digits with an optional leading "-" (no thousands
 * separators, no decimals), or a JS number cell that is an integer. Returns null otherwise.
 */
export function parseInteger(value: string | number | null): number | null {
  if (value === null) return null;
  if (typeof value === "number") return Number.isSafeInteger(value) ? value + 0 : null;
  const trimmed = value.trim();
  if (!/^-?\d+$/.test(trimmed)) return null;
  const parsed = Number(trimmed);
  return Number.isSafeInteger(parsed) ? parsed + 0 : null;
}

import Decimal from "decimal.js";

/**
 * What the database's column types accept, checked before a value gets there, so that a
 * validator can name the row and field instead of the database answering with a raw error
 * ("out of range for type integer", "numeric field overflow", "invalid byte sequence … 0x00").
 */

/** PostgreSQL `integer` (int4). */
export const INT4_MIN = -2_147_483_648;
export const INT4_MAX = 2_147_483_647;

export function fitsInt4(value: number): boolean {
  return Number.isInteger(value) && value >= INT4_MIN && value <= INT4_MAX;
}

/** A `numeric(precision, scale)` column: the absolute value, rounded to `scale`, must stay below 10^(precision − scale). */
export interface NumericType {
  precision: number;
  scale: number;
}

export function numeric(precision: number, scale: number): NumericType {
  return { precision, scale };
}

/** The largest value the column stores, e.g. `999999999999.99` for numeric(14, 2). */
export function numericMax(type: NumericType): Decimal {
  return new Decimal(10).pow(type.precision - type.scale).minus(new Decimal(10).pow(-type.scale));
}

/** Whether the value fits the column (PostgreSQL rounds to the scale first, half away from zero). */
export function fitsNumeric(value: Decimal.Value, type: NumericType): boolean {
  let decimal: Decimal;
  try {
    decimal = new Decimal(value);
  } catch {
    return false;
  }
  if (!decimal.isFinite()) return false;
  return decimal.abs().toDecimalPlaces(type.scale, Decimal.ROUND_HALF_UP).lte(numericMax(type));
}

/** PostgreSQL text cannot hold a NUL character (U+0000). */
export function hasNul(text: string): boolean {
  return text.includes("\u0000");
}

/** Length as PostgreSQL's `length()` counts it: characters (code points), not UTF-16 units. */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export type TextProblem = "nul" | "too_long" | "too_short";

/** Why a text does not fit a column (NUL, or outside `min`…`max` characters), or null when it fits. */
export function textProblem(text: string, bounds: { min?: number; max?: number } = {}): TextProblem | null {
  if (hasNul(text)) return "nul";
  const length = textLength(text);
  if (bounds.max !== undefined && length > bounds.max) return "too_long";
  if (bounds.min !== undefined && length < bounds.min) return "too_short";
  return null;
}

/**
 * A name from outside (an uploaded file's name) made fit to store and show: control characters
 * (NUL among them, which PostgreSQL text cannot hold) become "_", and it is cut to `maxLength` characters.
 */
export function storableName(text: string, maxLength = 255): string {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/[\u0000-\u001f\u007f]/g, "_")].slice(0, maxLength).join("");
}

/**
 * Calendar months as "YYYY-MM" strings: the roadmap plans in whole months, so a month is
 * the unit of every date and every duration. The helpers count months as year × 12 + month
 * and never touch Date (no time zones, no day-of-month overflow).
 */

/** A calendar month, "YYYY-MM" (e.g. "2026-03"). */
export type Month = string;

const SHAPE = /^(\d{4})-(\d{2})$/;

/**
 * The month of `text` when it is exactly "YYYY-MM" with a month 01–12 and a year from 2000
 * to 2100 (anything outside is taken for a typing error), else null. No trimming, no "2026-3".
 */
export function parseMonth(text: unknown): Month | null {
  if (typeof text !== "string") return null;
  const match = SHAPE.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (year < 2000 || year > 2100 || month < 1 || month > 12) return null;
  return text;
}

/**
 * Months since year 0, for arithmetic. The helpers accept any well-formed "YYYY-MM" (not
 * only parseMonth's 2000–2100, so that adding to 2100-12 still works) and throw on
 * anything else: a malformed month here is a programming error, not user input.
 */
function ordinal(m: Month): number {
  const match = SHAPE.exec(m);
  const month = match ? Number(match[2]) : 0;
  if (!match || month < 1 || month > 12) throw new RangeError(`Not a month (YYYY-MM): ${JSON.stringify(m)}`);
  return Number(match[1]) * 12 + (month - 1);
}

function fromOrdinal(n: number): Month {
  const year = Math.floor(n / 12);
  if (year < 0 || year > 9999) throw new RangeError(`Month out of range: year ${year}`);
  return `${String(year).padStart(4, "0")}-${String((n % 12) + 1).padStart(2, "0")}`;
}

/** `m` moved by `n` whole months (negative moves back). */
export function addMonths(m: Month, n: number): Month {
  if (!Number.isInteger(n)) throw new RangeError(`Not a whole number of months: ${n}`);
  return fromOrdinal(ordinal(m) + n);
}

/** b − a in months: 0 for the same month, 1 from "2025-12" to "2026-01", negative when b is earlier. */
export function monthsBetween(a: Month, b: Month): number {
  return ordinal(b) - ordinal(a);
}

/** −1, 0 or 1 as a is before, equal to or after b (fits Array.prototype.sort). */
export function compareMonths(a: Month, b: Month): number {
  return Math.sign(ordinal(a) - ordinal(b));
}

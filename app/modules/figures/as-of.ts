import { todayInAmsterdam } from "@jeugdregio/format";

/**
 * `--as-of` / `asOf=` (issue 14 §2), for routes and CLI alike: missing → today (Amsterdam);
 * malformed or not a calendar date → an error naming what was given; after today → an error.
 */
export function parseAsOf(value: string | null | undefined, today = todayInAmsterdam()): string {
  const text = value?.trim();
  if (!text) return today;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!date || date.toISOString().slice(0, 10) !== text) throw new Error(`as of: expected YYYY-MM-DD, got ${text}`);
  if (text > today) throw new Error(`as of: ${text} is after today (${today})`);
  return text;
}

/**
 * What a report reads for an as-of date (from parseAsOf): today (or later) is null, the current
 * lines, which the summaries and stored results hold (no line can be declared or replaced after
 * today); a past date is itself, read from the lines as of that date.
 */
export function reportAsOf(asOf: string, today = todayInAmsterdam()): string | null {
  return asOf >= today ? null : asOf;
}

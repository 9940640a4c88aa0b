/**
 * When a generated declaration line is declared: the lag model shared by the demo data and the
 * scale profile. A delivery month has one delivery day (the 8th–12th, fixed per month), so each
 * month reads as one delivery; a line of service month m with lag d is declared on the delivery
 * day of month m + d. Lag shares of the amount (about): 3% in the service month itself (monthly
 * products declared in advance), 55% the month after, 25% the month after that, 12% within six
 * months, the rest up to 18 months later. Credits that correct a line come 1–8 months after it.
 */

import { addMonths } from "@jeugdregio/forecast";

export type MonthText = string; // 'YYYY-MM'

/** Lag in months and its share of the lines; shares sum to 1. */
export const DEMO_LAG_SHARES: readonly { lag: number; share: number }[] = [
  { lag: 0, share: 0.03 },
  { lag: 1, share: 0.55 },
  { lag: 2, share: 0.25 },
  { lag: 3, share: 0.05 },
  { lag: 4, share: 0.035 },
  { lag: 5, share: 0.02 },
  { lag: 6, share: 0.015 },
  // The remaining 5% from 7 to 18 months, fewer the later.
  ...Array.from({ length: 12 }, (_, i) => ({ lag: 7 + i, share: (0.05 * (12 - i)) / 78 })),
];


/** The one delivery day of a month (`YYYY-MM-DD`, the 8th–12th). */
export function deliveryDay(month: MonthText): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));
  return `${month}-${String(8 + ((index * 7) % 5)).padStart(2, "0")}`;
}

/** The month before the month of `today` (`YYYY-MM-DD`): the last complete month. */
export function monthBefore(today: string): MonthText {
  return addMonths(today.slice(0, 7), -1);
}

/** A lag drawn from shares (a cumulative table and one random number). */
export function lagPicker(shares: readonly { lag: number; share: number }[] = DEMO_LAG_SHARES): (r: number) => number {
  const cumulative: number[] = [];
  let sum = 0;
  for (const s of shares) cumulative.push((sum += s.share));
  return (r: number) => {
    const target = r * sum;
    for (let i = 0; i < cumulative.length; i++) if (target < cumulative[i]!) return shares[i]!.lag;
    return shares[shares.length - 1]!.lag;
  };
}

/** The declared date of a line of `serviceMonth` with `lag`, or null when that is after `today` (not arrived yet). */
export function declaredOn(serviceMonth: MonthText, lag: number, today: string): string | null {
  const date = deliveryDay(addMonths(serviceMonth, lag));
  return date > today ? null : date;
}

/**
 * Whether the generated files (demo, scale profile) carry `declared_on` by default (an import that
 * does not read the column leaves it aside: every line then counts from the day of import).
 */
export const DECLARED_DATES_BY_DEFAULT = true;

import Decimal from "decimal.js";

/**
 * The figures of DOMAIN.md's segment table, computed in exactly one place.
 * Input is already aggregated (net spending per provider in the scope, the
 * number of clients with net spending > 0); money stays decimal throughout.
 */

export const SEGMENT_KEYS = ["basishulp", "aanvullende_hulp", "onderwijs", "hsj", "wonen"] as const;
export type SegmentKey = (typeof SEGMENT_KEYS)[number];
/** Columns of the segment table: all spending, the five segments, and what no segment claims. */
export const SEGMENT_COLUMNS = ["all", "basishulp", "onderwijs", "aanvullende_hulp", "hsj", "wonen", "unassigned"] as const;
export type SegmentColumn = (typeof SEGMENT_COLUMNS)[number];

export const COVERAGE_SHARE = new Decimal("0.8");

export interface ProviderSpending {
  providerCode: string;
  /** Net spending (credits included) in the scope, as a decimal string. */
  spending: string | Decimal;
}

export interface RankedProvider {
  providerCode: string;
  spending: Decimal;
  share: Decimal;
  cumulativeShare: Decimal;
  /** Inside the smallest top set whose cumulative spending reaches 80%. */
  inCoverageSet: boolean;
}

/**
 * Providers with net spending > 0, largest first (ties by code, so the order is
 * stable), with share and cumulative share of the scope's spending.
 */
export function rankProviders(providers: readonly ProviderSpending[], scopeSpending: string | Decimal): RankedProvider[] {
  const total = new Decimal(scopeSpending);
  const positive = providers
    .map((p) => ({ providerCode: p.providerCode, spending: new Decimal(p.spending) }))
    .filter((p) => p.spending.greaterThan(0))
    .sort((a, b) => b.spending.comparedTo(a.spending) || a.providerCode.localeCompare(b.providerCode));
  // The 80% rule lives in `coverage`; here only the shares are added.
  const { providers80 } = coverage(positive, total);
  let cumulative = new Decimal(0);
  return positive.map((p, index) => {
    cumulative = cumulative.plus(p.spending);
    return {
      ...p,
      share: total.greaterThan(0) ? p.spending.dividedBy(total) : new Decimal(0),
      cumulativeShare: total.greaterThan(0) ? cumulative.dividedBy(total) : new Decimal(0),
      inCoverageSet: index < providers80,
    };
  });
}

/**
 * The codes of the providers in the 80% set (largest first, ties by code, as `rankProviders`
 * orders them): the set alone, without shares, for comparing municipalities' sets. Input already
 * largest first sorts in linear time.
 */
export function coverageSet(providers: readonly ProviderSpending[], scopeSpending: string | Decimal): string[] {
  const positive: { providerCode: string; spending: Decimal }[] = [];
  for (const p of providers) {
    const spending = p.spending instanceof Decimal ? p.spending : new Decimal(p.spending);
    if (spending.greaterThan(0)) positive.push({ providerCode: p.providerCode, spending });
  }
  positive.sort((a, b) => b.spending.comparedTo(a.spending) || a.providerCode.localeCompare(b.providerCode));
  const { providers80 } = coverage(positive, scopeSpending);
  return positive.slice(0, providers80).map((p) => p.providerCode);
}

export interface SegmentFigures {
  clients: number;
  spending: Decimal;
  avgPerClient: Decimal | null;
  providers: number;
  spending80: Decimal;
  providers80: number;
}

export function segmentFigures(input: {
  clients: number;
  spending: string | Decimal;
  providers: readonly ProviderSpending[];
}): SegmentFigures {
  const spending = new Decimal(input.spending);
  const { providers, providers80 } = coverage(input.providers, spending);
  return {
    clients: input.clients,
    spending,
    avgPerClient: input.clients > 0 ? spending.dividedBy(input.clients) : null,
    providers,
    spending80: spending.times(COVERAGE_SHARE),
    providers80,
  };
}

/**
 * The providers with net spending > 0 and how many of them, largest first, cover 80% of the
 * scope's spending: the counts of `rankProviders` without a share per provider (the segment
 * table needs only the counts; for 20k providers the divisions were most of its time). Input
 * already largest first sorts in linear time.
 */
export function coverage(providers: readonly ProviderSpending[], scopeSpending: string | Decimal): { providers: number; providers80: number } {
  const total = new Decimal(scopeSpending);
  const threshold = total.times(COVERAGE_SHARE);
  const positive: Decimal[] = [];
  for (const p of providers) {
    const spending = p.spending instanceof Decimal ? p.spending : new Decimal(p.spending);
    if (spending.greaterThan(0)) positive.push(spending);
  }
  // Ties do not change the count, so no tie-break by code is needed here.
  positive.sort((a, b) => b.comparedTo(a));
  if (total.lessThanOrEqualTo(0)) return { providers: positive.length, providers80: 0 };
  let cumulative = new Decimal(0);
  let providers80 = 0;
  for (const spending of positive) {
    providers80++;
    cumulative = cumulative.plus(spending);
    if (cumulative.greaterThanOrEqualTo(threshold)) break;
  }
  return { providers: positive.length, providers80 };
}

/** Euros with two decimals, rounded half-up (away from zero for halves), as a string. */
export function money(value: Decimal): string {
  return value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

/** The JSON shape of one segment column (CLI and resource routes). */
export interface SegmentFiguresJson {
  clients: number;
  spending: string;
  avg_per_client: string | null;
  providers: number;
  spending_80: string;
  providers_80: number;
}

export function figuresToJson(figures: SegmentFigures): SegmentFiguresJson {
  return {
    clients: figures.clients,
    spending: money(figures.spending),
    avg_per_client: figures.avgPerClient ? money(figures.avgPerClient) : null,
    providers: figures.providers,
    spending_80: money(figures.spending80),
    providers_80: figures.providers80,
  };
}
export { segmentTableFromLines, type SegmentLine, type SegmentLineScope, type SegmentTable } from "./lines";
export {
  concentration,
  overlap,
  perInhabitants,
  sharedProviders,
  SMALL_COUNT,
  smallCountMask,
  type Concentration,
  type ConcentrationRow,
  type Overlap,
  type ProviderFigures,
  type SharedProvider,
} from "./concentration";
export { protectCounts, protectRows, protectSegmentTable, type CountRule, type VisibleCount, type VisibleSegmentFiguresJson } from "./disclosure";

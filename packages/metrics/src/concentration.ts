import Decimal from "decimal.js";
import { rankProviders, type RankedProvider } from "./index";

/**
 * How concentrated a scope's spending is over its providers (DOMAIN.md: "providers covering
 * 80%"), with the Herfindahl–Hirschman index and the top-10 share; and how the 80% sets of
 * municipalities overlap. Pure functions over aggregated figures; money stays decimal.
 */

export interface ProviderFigures {
  providerCode: string;
  /** Net spending in the scope (credits included). */
  spending: string | Decimal;
  /** Clients with net spending > 0 at this provider in the scope. */
  clients: number;
}

export interface ConcentrationRow extends RankedProvider {
  rank: number;
  clients: number;
}

export interface Concentration {
  /** Net spending of the scope: every provider's net, negative ones included. */
  spending: Decimal;
  /** Providers with net spending > 0. */
  providers: number;
  providers80: number;
  /** Share of spending of the 10 largest providers (0–1). */
  top10Share: Decimal;
  /** Herfindahl–Hirschman index on shares in percent: 0 (spread) to 10,000 (one provider). */
  hhi: Decimal;
  rows: ConcentrationRow[];
}

export function concentration(providers: readonly ProviderFigures[]): Concentration {
  const spending = providers.reduce((sum, p) => sum.plus(p.spending), new Decimal(0));
  const clients = new Map(providers.map((p) => [p.providerCode, p.clients]));
  const ranked = rankProviders(providers, spending);
  const rows = ranked.map((p, index) => ({ ...p, rank: index + 1, clients: clients.get(p.providerCode) ?? 0 }));
  return {
    spending,
    providers: rows.length,
    providers80: rows.filter((r) => r.inCoverageSet).length,
    top10Share: rows.slice(0, 10).reduce((sum, r) => sum.plus(r.share), new Decimal(0)),
    hhi: rows.reduce((sum, r) => sum.plus(r.share.times(100).pow(2)), new Decimal(0)),
    rows,
  };
}

export interface SharedProvider {
  providerCode: string;
  /** Municipalities whose 80% set holds this provider, sorted. */
  municipalities: string[];
}

/**
 * Providers in the 80% set of at least `minMunicipalities` municipalities (the "regional
 * core"), most shared first (ties by code).
 */
export function sharedProviders(
  coverageSets: ReadonlyMap<string, ReadonlySet<string>>,
  minMunicipalities = 1,
): SharedProvider[] {
  const byProvider = new Map<string, string[]>();
  for (const [municipality, providers] of coverageSets) {
    for (const provider of providers) byProvider.set(provider, [...(byProvider.get(provider) ?? []), municipality]);
  }
  return [...byProvider.entries()]
    .filter(([, municipalities]) => municipalities.length >= minMunicipalities)
    .map(([providerCode, municipalities]) => ({ providerCode, municipalities: municipalities.sort() }))
    .sort((a, b) => b.municipalities.length - a.municipalities.length || a.providerCode.localeCompare(b.providerCode));
}

export interface Overlap {
  shared: string[];
  onlyFirst: string[];
  onlySecond: string[];
}

/** The overlap of two 80% sets (sorted codes). */
export function overlap(first: ReadonlySet<string>, second: ReadonlySet<string>): Overlap {
  const sorted = (codes: Iterable<string>) => [...codes].sort();
  return {
    shared: sorted([...first].filter((code) => second.has(code))),
    onlyFirst: sorted([...first].filter((code) => !second.has(code))),
    onlySecond: sorted([...second].filter((code) => !first.has(code))),
  };
}

/**
 * `value` per `per` inhabitants aged 0–17, or null without a population figure (never a wrong
 * number).
 */
export function perInhabitants(value: Decimal | number, inhabitants: number | null, per = 1): Decimal | null {
  if (inhabitants === null || inhabitants <= 0) return null;
  return new Decimal(value).times(per).dividedBy(inhabitants);
}

/** Client counts from 1 to 4 could identify a child: shown as "< 5" beyond one municipality. */
export const SMALL_COUNT = 5;

/**
 * Which counts of one column to hide: those from 1 to 4, and, when that hides exactly one,
 * also the smallest other count, so the hidden one cannot be worked out from a total.
 */
export function smallCountMask(counts: readonly number[], threshold = SMALL_COUNT): boolean[] {
  const mask = counts.map((n) => n > 0 && n < threshold);
  if (mask.filter(Boolean).length === 1) {
    let smallest = -1;
    counts.forEach((n, i) => {
      if (!mask[i] && n > 0 && (smallest === -1 || n < counts[smallest]!)) smallest = i;
    });
    if (smallest !== -1) mask[smallest] = true;
  }
  return mask;
}

import { disclosureFor, type Disclosure } from "@jeugdregio/access";
import { protectRows, protectSegmentTable } from "@jeugdregio/metrics";
import type { RequestAccess } from "~/modules/access/access.server";
import type { TransitionMonitor } from "~/modules/budgets/budgets.server";
import type { ProductList, ProviderList } from "./drilldown.server";
import type { ReportScope, SegmentReport } from "./segment-report.server";

/**
 * The disclosure rule (`disclosureFor`, `protectRows`, `protectSegmentTable`) applied to what
 * the pages, JSON routes and exports show. Services compute the full figures (and stored results
 * are shared by every reader of a scope); what a viewer may see is cut here, after them.
 */
export function disclosureOf(access: RequestAccess, scope: ReportScope): Disclosure {
  return disclosureFor(access.user, scope);
}

export function disclosedSegmentReport(access: RequestAccess, scope: ReportScope, report: SegmentReport) {
  return { ...report, segments: protectSegmentTable(report.segments, disclosureOf(access, scope)) };
}

export function disclosedProducts(access: RequestAccess, scope: ReportScope, list: ProductList) {
  return { ...list, products: protectRows(list.products, disclosureOf(access, scope)) };
}

/** A product's providers; `providers` is null where the viewer may not see the scope's provider list. */
export function disclosedProviders(access: RequestAccess, scope: ReportScope, list: ProviderList) {
  const disclosure = disclosureOf(access, scope);
  return { ...list, providers: disclosure.providerList ? protectRows(list.providers, disclosure) : null };
}

/** The transition monitor of one municipality's budget; provider lists null where not visible. */
export function disclosedMonitor(access: RequestAccess, municipalityCode: string, monitor: TransitionMonitor) {
  const disclosure = disclosureOf(access, { kind: "municipality", code: municipalityCode });
  return {
    ...monitor,
    months: protectRows(monitor.months, disclosure),
    perProduct: monitor.perProduct.map((p) => ({ ...p, months: protectRows(p.months, disclosure) })),
    perProvider: disclosure.providerList ? protectRows(monitor.perProvider, disclosure) : null,
    signals: disclosure.providerList ? protectRows(monitor.signals, disclosure) : null,
  };
}
export type DisclosedMonitor = ReturnType<typeof disclosedMonitor>;

/** The indicators the comparison of municipalities can show (shared by the page and the server). */
export const COMPARE_METRICS = ["providers_80", "spending", "spending_per_inhabitant", "clients_per_1000", "avg_per_client"] as const;
export type CompareMetric = (typeof COMPARE_METRICS)[number];

export function parseMetric(param: string | null): CompareMetric {
  return COMPARE_METRICS.find((m) => m === param) ?? "providers_80";
}

/** The figures the steering body can set targets for (shared by the page and the server). */
export const TARGET_METRICS = ["providers_80", "spending", "spending_share", "clients", "avg_per_client"] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];

import type { BudgetDefinition } from "~/modules/budgets/budgets.server";

/** The OVA as published (DOMAIN.md): entered as data, as finance staff would. */
export const DEMO_OVA = [
  "index_name;year;provisional_pct;definitive_pct",
  "OVA;2023;4,74;6,36",
  "OVA;2024;4,94;6,00",
  "OVA;2025;4,18;",
].join("\r\n");

/** Groningen's SAMEN. lump sum (DOMAIN.md), with demo parameters and realised execution costs. */
export const DEMO_SAMEN: BudgetDefinition = {
  municipality_code: "GM0014",
  key: "samen",
  name: "SAMEN.",
  executor: "WIJ Groningen",
  funding_form: "task_based",
  ict_share: "0.049",
  housing_share: "0.06",
  open_house_closes_on: "2025-07-01",
  products: [
    ...["45A51", "45A04", "45A56", "45A53"].map((product_code) => ({ product_code, transferred_on: "2023-01-01" })),
    ...["50G41", "45A54", "51G01", "50G26", "45A49", "45G05", "45G06"].map((product_code) => ({ product_code, transferred_on: "2024-01-01" })),
  ],
  years: [
    { year: 2024, scope_share: "1", expected_development: "0.03", structural_adjustment: "0" },
    { year: 2025, scope_share: "1", expected_development: "0.03", structural_adjustment: "0", realised_execution: { q1: "138500.00", q2: "141250.00", q3: "139900.00", q4: "144300.00" } },
    { year: 2026, scope_share: "1", expected_development: "0.025", structural_adjustment: "-250000.00" },
  ],
};

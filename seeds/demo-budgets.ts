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
    { year: 2025, scope_share: "1", expected_development: "0.03", structural_adjustment: "0", realised_execution: { q1: "41250.00", q2: "42100.00", q3: "40900.00", q4: "43300.00" } },
    { year: 2026, scope_share: "1", expected_development: "0.025", structural_adjustment: "-15000.00" },
  ],
  // DOMAIN.md: pre-investments € 1.3M (2022); transition costs € 1.2M (2022), € 1.0M (2023), € 0.5M (2024).
  // Decisions and spending are demo values.
  tranches: [
    { kind: "pre_investment", year: 2022, amount: "1300000.00", decided_on: "2022-03-15", decided_by: "Stuurgroep SAMEN", spent: "1240000.00" },
    { kind: "transition", year: 2022, amount: "1200000.00", decided_on: "2022-03-15", decided_by: "Stuurgroep SAMEN", spent: "1050000.00" },
    { kind: "transition", year: 2023, amount: "1000000.00", decided_on: "2023-02-20", decided_by: "Stuurgroep SAMEN", spent: "1010000.00" },
    { kind: "transition", year: 2024, amount: "500000.00", decided_on: "2024-02-12", decided_by: "Stuurgroep SAMEN", spent: "480000.00" },
  ],
};

/**
 * A second municipality's own local budget (demo values, not a real arrangement): Het Hogeland
 * moves two basishulp products to its local team from 2025, without closing the Open House.
 */
export const DEMO_HOGELAND: BudgetDefinition = {
  municipality_code: "GM1966",
  key: "basisteam",
  name: "Basisteam jeugd",
  executor: "Sociaal team Het Hogeland",
  funding_form: "lump_sum",
  ict_share: "0.03",
  housing_share: "0.02",
  open_house_closes_on: null,
  products: ["45A53", "45A56"].map((product_code) => ({ product_code, transferred_on: "2025-01-01" })),
  years: [
    { year: 2025, scope_share: "0.9", expected_development: "0.03", structural_adjustment: "0" },
    { year: 2026, scope_share: "0.9", expected_development: "0.025", structural_adjustment: "0" },
  ],
  tranches: [],
};

/** Non-contracted care and PGB per year for the closed square (demo values), as finance staff would upload them. */
export const DEMO_OTHER_SPENDING = [
  "municipality_code;year;non_contracted;pgb",
  "GM0014;2022;1850000,00;3200000,00",
  "GM0014;2023;1910000,00;3150000,00",
  "GM0014;2024;1980000,00;3260000,00",
  "GM0014;2025;2040000,00;3310000,00",
  "GM1966;2024;310000,00;540000,00",
  "GM1966;2025;325000,00;555000,00",
].join("\r\n");

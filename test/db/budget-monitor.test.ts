import { municipalityScopeOf } from "@jeugdregio/access";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { parseBudgetDefinition, saveBudgetDefinition, transitionMonitor } from "~/modules/budgets/budgets.server";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

/** The transition monitor: spending on the budget's products from their transfer, and signals after closing. */
let database: TestDatabase;
const actor = { userId: null, label: "test" };

beforeAll(async () => {
  database = await createTestDatabase();
  const definition = parseBudgetDefinition(
    JSON.stringify({
      municipality_code: "GM0014",
      key: "samen",
      name: "SAMEN.",
      executor: "WIJ Groningen",
      funding_form: "task_based",
      ict_share: "0.049",
      housing_share: "0.06",
      open_house_closes_on: "2025-07-01",
      products: [
        { product_code: "45A51", transferred_on: "2023-01-01" },
        { product_code: "50G41", transferred_on: "2024-01-01" },
      ],
    }),
  );
  await withTenantScope(database.db, ALL_TENANTS, (trx) => saveBudgetDefinition(trx, actor, definition));
  const file = [
    "period;municipality_code;provider_code;provider_name;product_code;client_key;amount",
    "2023-02;GM0014;11111111;Wijkteam A;45A51;K1;100,00",
    "2023-02;GM0014;11111111;Wijkteam A;45A51;K1;-40,00", // a credit
    "2023-03;GM0014;11111111;Wijkteam A;50G41;K2;500,00", // before 50G41 transferred
    "2024-01;GM0014;22222222;Praktijk B;50G41;K3;300,00",
    "2025-08;GM0014;22222222;Praktijk B;50G41;K4;250,00", // after closing: a signal
    "2025-08;GM0014;22222222;Praktijk B;45A04;K5;999,00", // not in the product set
    "2025-08;GM1966;33333333;Hogeland C;45A51;K6;777,00", // another municipality
  ].join("\r\n");
  const bytes = new TextEncoder().encode(file);
  const imported = await importDeclarations(database.db, actor, { name: "d.csv", size: bytes.length, async *open() { yield bytes; } }, {
    mode: "append",
    pseudonymKey: "monitor-test-key-monitor-test-key-monitor",
    bulk: database.bulk,
  });
  expect(imported.ok).toBe(true);
});
afterAll(async () => {
  await database?.close();
});

describe("transition monitor", () => {
  it("follows the product set from each transfer date and lists declarations after closing", async () => {
    const monitor = await withTenantScope(database.db, municipalityScopeOf("municipal_viewer", "GM0014"), (trx) =>
      transitionMonitor(trx, "GM0014", "samen"),
    );
    expect(monitor?.months).toEqual([
      { month: "2023-02", spending: "60.00", clients: 1 },
      { month: "2024-01", spending: "300.00", clients: 1 },
      { month: "2025-08", spending: "250.00", clients: 1 },
    ]);
    expect(monitor?.perProduct.map((p) => p.product_code)).toEqual(["45A51", "50G41"]);
    expect(monitor?.signals).toEqual([
      { month: "2025-08", provider_code: "22222222", provider_name: "Praktijk B", product_code: "50G41", spending: "250.00", clients: 1 },
    ]);
  });

  it("is not there for another municipality", async () => {
    const monitor = await withTenantScope(database.db, municipalityScopeOf("municipal_editor", "GM1966"), (trx) =>
      transitionMonitor(trx, "GM0014", "samen"),
    );
    expect(monitor).toBeNull();
  });
});

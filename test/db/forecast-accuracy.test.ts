import Decimal from "decimal.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { forecastReport } from "~/modules/forecast/forecast.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { cleanDataSet } from "../support/forecast-data";

/**
 * Issue 14 §5: a generated data set without noise (fixed lag shares, constant growth, no credits),
 * imported through the real import path as several deliveries: the forecast as of several dates
 * equals the true total (every line of the year, also those declared after the data set's end)
 * within 0.5%, for the region, the municipality and the column the product belongs to.
 */
let database: TestDatabase;
const data = cleanDataSet();

beforeAll(async () => {
  database = await createTestDatabase();
  for (const delivery of data.deliveries) {
    const bytes = new TextEncoder().encode(delivery.text);
    const result = await importDeclarations(
      database.db,
      { userId: null, label: "test" },
      { name: delivery.name, size: bytes.length, async *open() { yield bytes; } },
      { mode: "append", pseudonymKey: "forecast-accuracy-key-forecast-accuracy-key", bulk: database.bulk },
    );
    if (!result.ok) throw new Error(`${delivery.name}: ${JSON.stringify(result.errors.shown.slice(0, 3))}`);
  }
});
afterAll(async () => {
  await database?.close();
});

const cases: { asOf: string; year: number }[] = [
  { asOf: "2024-03-15", year: 2024 },
  { asOf: "2024-06-30", year: 2024 },
  { asOf: "2024-10-02", year: 2024 },
  { asOf: "2025-01-20", year: 2024 },
  { asOf: "2025-06-15", year: 2025 },
  { asOf: "2025-11-03", year: 2025 },
];

describe("the forecast on a data set without noise", () => {
  it("was imported as several deliveries", () => {
    expect(data.deliveries.length).toBeGreaterThanOrEqual(4);
  });

  it.each(cases)("as of $asOf, year $year: within 0.5% of the true total", async ({ asOf, year }) => {
    const truth = new Decimal(String(data.totals.get(year)!)).div(100);
    const columnTruth = new Decimal(String(data.columnTotals.get("aanvullende_hulp")!.get(year)!)).div(100);
    await withTenantScope(database.db, ALL_TENANTS, async (trx) => {
      for (const scope of [{ kind: "region" as const }, { kind: "municipality" as const, code: "GM0014" }]) {
        const report = await forecastReport(trx, { year, scope, asOf });
        expect(report.available, `${asOf} ${scope.kind}`).toBe(true);
        const all = report.segments.all;
        const error = new Decimal(all.forecast).div(truth).minus(1).abs();
        expect([asOf, scope.kind, "all", error.lt(0.005)]).toEqual([asOf, scope.kind, "all", true]);
        const column = report.segments.aanvullende_hulp;
        const columnError = new Decimal(column.forecast).div(columnTruth).minus(1).abs();
        expect([asOf, scope.kind, "column", columnError.lt(0.005)]).toEqual([asOf, scope.kind, "column", true]);
        // Not the truth by accident: part of it is still to come or late at that date.
        if (asOf < `${year + 1}-01-01`) expect(new Decimal(all.realised).lt(truth.times(0.95))).toBe(true);
        expect(new Decimal(all.realised).plus(all.expected_late).plus(all.expected_remaining).minus(all.forecast).abs().lte(0.01)).toBe(true);
      }
    });
  });
});

/**
 * Forecast accuracy on the noisy generated data set (issue 14 §5, `npx tsx test/bench/forecast-accuracy.ts`):
 * the set (test/support/forecast-data.ts: three municipalities, drifting product mix and growth,
 * seasonality, lags that slow down or speed up per year, late batches, credits) is imported into
 * an embedded database through the real import path as deliveries of six declared months; then
 * the region's forecast ("all" and each column) as of the 15th of March, June and October of
 * 2021–2025 against the true totals (every line of the year, also those declared after the data
 * set ends). Prints each error, the mean absolute error per month and how often the band held the
 * truth. Measured, not asserted.
 */
import Decimal from "decimal.js";
import { openDatabase } from "~db/connect";
import { migrateToLatest } from "~db/migrate";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { seedReferenceData } from "~seeds/reference";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { forecastReport } from "~/modules/forecast/forecast.server";
import { noisyDataSet } from "../support/forecast-data";

const YEARS = [2021, 2022, 2023, 2024, 2025];
const DATES = ["03-15", "06-15", "10-15"];
const COLUMNS = ["all", "basishulp", "aanvullende_hulp", "onderwijs", "hsj", "wonen", "unassigned"] as const;

async function main() {
  const data = noisyDataSet();
  const handle = await openDatabase({ kind: "embedded", dataDir: "memory://" });
  await migrateToLatest(handle.db);
  await seedReferenceData(handle.db);
  const started = performance.now();
  for (const delivery of data.deliveries) {
    const bytes = new TextEncoder().encode(delivery.text);
    const result = await importDeclarations(
      handle.db,
      { userId: null, label: "forecast accuracy" },
      { name: delivery.name, size: bytes.length, async *open() { yield bytes; } },
      { mode: "append", pseudonymKey: "forecast-accuracy-key-forecast-accuracy-key", bulk: handle.bulk },
    );
    if (!result.ok) throw new Error(`${delivery.name}: ${JSON.stringify(result.errors.shown.slice(0, 3))}`);
  }
  console.log(`noisy data set: ${data.lines.toLocaleString("en-GB")} lines in ${data.deliveries.length} deliveries, imported in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const rows: { column: string; asOf: string; error: Decimal; held: boolean | null }[] = [];
  await withTenantScope(handle.db, ALL_TENANTS, async (trx) => {
    for (const year of YEARS) {
      for (const date of DATES) {
        const asOf = `${year}-${date}`;
        const report = await forecastReport(trx, { year, scope: { kind: "region" }, asOf });
        if (!report.available) throw new Error(`no forecast as of ${asOf}`);
        for (const column of COLUMNS) {
          const cents = column === "all" ? data.totals.get(year) : data.columnTotals.get(column)?.get(year);
          if (!cents) continue;
          const truth = new Decimal(String(cents)).div(100);
          const segment = report.segments[column];
          const error = new Decimal(segment.forecast).div(truth).minus(1);
          const held = segment.low === null || segment.high === null ? null : truth.gte(segment.low) && truth.lte(segment.high);
          rows.push({ column, asOf, error, held });
          if (column === "all") {
            console.log(
              `${asOf} all: forecast ${segment.forecast} (band ${segment.low ?? "–"} … ${segment.high ?? "–"}), true ${truth.toFixed(2)}, realised ${segment.realised}: error ${error.times(100).toFixed(2)}%, band ${held === null ? "absent" : held ? "held" : "missed"}`,
            );
          }
        }
      }
    }
  });
  const pct = (d: Decimal) => `${d.times(100).toFixed(2)}%`;
  console.log("\ncolumn            month  mean |error|  largest |error|  band held");
  for (const column of COLUMNS) {
    for (const date of [...DATES, "all"]) {
      const some = rows.filter((r) => r.column === column && (date === "all" || r.asOf.endsWith(date)));
      if (!some.length) continue;
      const abs = some.map((r) => r.error.abs());
      const mean = abs.reduce((s, x) => s.plus(x), new Decimal(0)).div(abs.length);
      const largest = abs.reduce((m, x) => Decimal.max(m, x), new Decimal(0));
      const withBand = some.filter((r) => r.held !== null);
      const held = withBand.filter((r) => r.held).length;
      console.log(`${column.padEnd(17)} ${date.padEnd(6)} ${pct(mean).padStart(11)}  ${pct(largest).padStart(15)}  ${held}/${withBand.length}`);
    }
  }
  await handle.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

import { Migrator, type Kysely, type Migration, type MigrationResultSet } from "kysely";
import * as foundation from "./migrations/0001_foundation";
import * as declarations from "./migrations/0002_declarations";
import * as declarationPartitions from "./migrations/0003_declaration_partitions";
import * as localBudgets from "./migrations/0004_local_budgets";
import * as budgetTranches from "./migrations/0005_budget_tranches";
import * as financeEntries from "./migrations/0006_finance_entries";
import * as roadmap from "./migrations/0007_roadmap";
import * as segmentSummary from "./migrations/0008_segment_summary";
import * as reportCache from "./migrations/0009_report_cache";
import * as clientSummaryOrder from "./migrations/0010_client_summary_order";
import * as regionProviderSummary from "./migrations/0011_region_provider_summary";
import * as scopeChecksOnce from "./migrations/0012_scope_checks_once";
import * as thickerWall from "./migrations/0013_thicker_wall";
import * as importJobs from "./migrations/0014_import_jobs";
import * as providerNames from "./migrations/0015_provider_names";
import * as declaredDates from "./migrations/0016_declared_dates";
import * as declaredSummary from "./migrations/0017_declared_summary";
import * as regionLagSummary from "./migrations/0018_region_lag_summary";
import * as forecastCache from "./migrations/0019_forecast_cache";
import * as reportCacheJson from "./migrations/0020_report_cache_json";
import * as detailSummary from "./migrations/0021_detail_summary";
import * as trackHealthAssessed from "./migrations/0022_track_health_assessed";
import type { Database } from "./schema";

/** Listed statically so the bundled server and the CLI run the same migrations. */
const migrations: Record<string, Migration> = {
  "0001_foundation": foundation,
  "0002_declarations": declarations,
  "0003_declaration_partitions": declarationPartitions,
  "0004_local_budgets": localBudgets,
  "0005_budget_tranches": budgetTranches,
  "0006_finance_entries": financeEntries,
  "0007_roadmap": roadmap,
  "0008_segment_summary": segmentSummary,
  "0009_report_cache": reportCache,
  "0010_client_summary_order": clientSummaryOrder,
  "0011_region_provider_summary": regionProviderSummary,
  "0012_scope_checks_once": scopeChecksOnce,
  "0013_thicker_wall": thickerWall,
  "0014_import_jobs": importJobs,
  "0015_provider_names": providerNames,
  "0016_declared_dates": declaredDates,
  "0017_declared_summary": declaredSummary,
  "0018_region_lag_summary": regionLagSummary,
  "0019_forecast_cache": forecastCache,
  "0020_report_cache_json": reportCacheJson,
  "0021_detail_summary": detailSummary,
  "0022_track_health_assessed": trackHealthAssessed,
};

export function createMigrator(db: Kysely<Database>) {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Migrations written side by side (0013–0015) may land in any order.
    allowUnorderedMigrations: true,
  });
}

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet> {
  const result = await createMigrator(db).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    const cause = result.error instanceof Error ? result.error : new Error(String(result.error));
    throw new Error(`Migration ${failed} failed: ${cause.message}`, { cause });
  }
  return result;
}

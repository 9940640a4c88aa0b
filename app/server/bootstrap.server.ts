import type { Kysely } from "kysely";
import { openDatabase, type DatabaseHandle } from "~db/connect";
import { migrateToLatest } from "~db/migrate";
import { cleanUpImportLeftovers, uploadDirectoryOf } from "~/modules/imports/leftovers.server";
import type { Database } from "~db/schema";
import { seedDemo } from "~seeds/demo";
import { seedReferenceData } from "~seeds/reference";
import type { AppConfig } from "./config.server";
import type { Logger } from "./logger.server";

/** Opens the database and brings it up to date: migrations, reference data, demo accounts when asked. */
export async function prepareDatabase(config: AppConfig, logger: Logger): Promise<DatabaseHandle> {
  const handle = await openDatabase(config.database);
  logger.info({ database: handle.describe }, "database opened");
  if (handle.staleLock) logger.warn(handle.staleLock, "stale lock of the embedded database taken over (its process is gone)");
  await migrateDatabase(handle.db, logger);
  // Before anything imports: what imports of dead processes left (job rows, loading tables, uploads).
  await cleanUpImportLeftovers(handle.db, { uploadDir: uploadDirectoryOf(config.dataDir), logger });
  await seedReferenceData(handle.db, (message) => logger.info(message));
  if (config.demo) await seedDemo(handle.db, (message) => logger.info(message), {
      pseudonymKey: config.pseudonymKey,
      bulk: handle.bulk,
      declarations: config.demoDeclarations ? {} : false,
      // Every 10 s while the figures are updated, on stderr where the log goes (createLogger's default).
      heartbeat: logger.isLevelEnabled("info") ? { fd: 2, everyMs: 10_000 } : undefined,
    });
  return handle;
}

export async function migrateDatabase(db: Kysely<Database>, logger: Logger): Promise<void> {
  const result = await migrateToLatest(db);
  const applied = result.results?.filter((r) => r.status === "Success").map((r) => r.migrationName) ?? [];
  logger.info({ applied }, applied.length ? "migrations applied" : "schema up to date");
}

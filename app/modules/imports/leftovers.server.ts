import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { sql, type Kysely } from "kysely";
import { LOADING_TABLE_OWNER } from "~/modules/declarations/bulk-load.server";
import type { Logger } from "~/server/logger.server";
import { presenceOf } from "~db/connect";
import type { Database } from "~db/schema";
import { DECLARATION_LINES_SCHEMA } from "~db/tenancy";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";

/**
 * What an import leaves behind when its process dies (kill -9, a crash, a restart): a job row
 * still "running", a loading table that was filled but never attached (the bulk path commits
 * it before the final transaction), and the uploaded file. Run at start and after every import:
 * only what belongs to processes that are gone (db/connect.ts `Presence`) is removed, never the
 * work of an import that is still running elsewhere. Runs as the connecting role (the owner):
 * the application role cannot see the loading tables.
 */
export interface Leftovers {
  interruptedJobs: string[];
  droppedTables: string[];
  removedFiles: string[];
}

/** Upload files are named `upload-<presence id>-<random>.<ext>`: the process that received them. */
export const UPLOAD_OWNED_NAME = /^upload-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.[a-z0-9]{1,8})?$/;
const LOADING_TABLE = /^b_[0-9a-f]{32}_load$/;

export function uploadDirectoryOf(dataDir: string): string {
  return path.join(dataDir, "uploads");
}

export async function cleanUpImportLeftovers(
  db: Kysely<Database>,
  options: { uploadDir: string | null; logger: Logger },
): Promise<Leftovers> {
  const { logger } = options;
  const presence = presenceOf(db);
  await presence.announce();
  const done: Leftovers = { interruptedJobs: [], droppedTables: [], removedFiles: [] };

  // Jobs whose process is gone: interrupted, their uploads removed.
  const running = await withTenantScope(db, ALL_TENANTS, (trx) =>
    trx.selectFrom("import_job").select(["id", "runner_id", "upload_path", "file_name"]).where("status", "=", "running").execute(),
  );
  const liveRunners = await presence.alive([...new Set(running.map((job) => job.runner_id))]);
  const dead = running.filter((job) => !liveRunners.has(job.runner_id));
  if (dead.length) {
    const now = new Date();
    const marked = await withTenantScope(db, ALL_TENANTS, (trx) =>
      trx
        .updateTable("import_job")
        .set({ status: "interrupted", upload_path: null, finished_at: now, updated_at: now })
        .where("id", "in", dead.map((job) => job.id))
        .where("status", "=", "running")
        .returning("id")
        .execute(),
    );
    const markedIds = new Set(marked.map((row) => row.id));
    for (const job of dead.filter((j) => markedIds.has(j.id))) {
      done.interruptedJobs.push(job.id);
      logger.warn({ jobId: job.id, fileName: job.file_name }, "import job interrupted: its process is gone");
      if (job.upload_path && (await removeFile(job.upload_path))) {
        done.removedFiles.push(job.upload_path);
        logger.warn({ jobId: job.id, file: path.basename(job.upload_path) }, "upload of an interrupted import removed");
      }
    }
  }

  // Loading tables never attached, of processes that are gone (or of no known process).
  const tables = await sql<{ name: string; owner: string | null; bytes: number }>`
    select c.relname as name, obj_description(c.oid, 'pg_class') as owner, pg_total_relation_size(c.oid) as bytes
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${DECLARATION_LINES_SCHEMA} and c.relkind in ('r', 'p') and c.relname like 'b\\_%\\_load'`.execute(db);
  const ownerOf = (comment: string | null) =>
    comment?.startsWith(LOADING_TABLE_OWNER) ? comment.slice(LOADING_TABLE_OWNER.length) : null;
  const owners = tables.rows.map((t) => ownerOf(t.owner)).filter((id): id is string => id !== null);
  const liveLoaders = await presence.alive([...new Set(owners)]);
  for (const table of tables.rows) {
    const owner = ownerOf(table.owner);
    if (!LOADING_TABLE.test(table.name) || (owner !== null && liveLoaders.has(owner))) continue;
    await sql.raw(`drop table if exists ${DECLARATION_LINES_SCHEMA}."${table.name}"`).execute(db);
    done.droppedTables.push(table.name);
    logger.warn({ table: `${DECLARATION_LINES_SCHEMA}.${table.name}`, bytes: Number(table.bytes) }, "loading table of an interrupted import dropped");
  }

  // Upload files received by processes that are gone (a crash while receiving, or before its job row).
  if (options.uploadDir) {
    const names = await readdir(options.uploadDir).catch(() => [] as string[]);
    const byOwner = names.map((name) => ({ name, owner: UPLOAD_OWNED_NAME.exec(name)?.[1] ?? null })).filter((f) => f.owner);
    const liveOwners = await presence.alive([...new Set(byOwner.map((f) => f.owner!))]);
    for (const file of byOwner) {
      if (liveOwners.has(file.owner!)) continue;
      const full = path.join(options.uploadDir, file.name);
      if (await removeFile(full)) {
        done.removedFiles.push(full);
        logger.warn({ file: file.name }, "upload of an interrupted import removed");
      }
    }
  }
  return done;
}

async function removeFile(file: string): Promise<boolean> {
  try {
    await rm(file);
    return true;
  } catch {
    return false;
  }
}

import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Role } from "@jeugdregio/access";
import type { Kysely } from "kysely";
import {
  importDeclarations,
  type DeclarationImportOptions,
  type DeclarationImportResult,
  type DeclarationSource,
  type ImportProgress,
} from "~/modules/declarations/declaration-import.server";
import type { Actor } from "~/modules/access/actor";
import type { Logger } from "~/server/logger.server";
import { presenceOf, type BulkLoader } from "~db/connect";
import type { Database } from "~db/schema";
import { ALL_TENANTS, withTenantScope, type ScopedTransaction } from "~db/tenant-scope";
import type { JobStatus } from "./import-view";
import { cleanUpImportLeftovers } from "./leftovers.server";
import { toStoredResult, type StoredImportResult } from "./outcome.server";
import { removeUpload, type StoredUpload } from "./upload.server";

/**
 * Declaration imports as jobs whose row lives in the database (`import_job`, migration 0014):
 * an upload returns at once with a job id, and any app server answers for the job from its row.
 * The process that runs a job writes its progress (at most about once a second) and its result;
 * a job whose process is gone (db/connect.ts `Presence`) is reported as interrupted, and the
 * clean-up (leftovers.server.ts) records that and removes what it left. The runner is this
 * process (the embedded mode allows nothing else; on PostgreSQL every app server runs its own).
 */
export interface ImportJob {
  id: string;
  ownerId: string | null;
  ownerLabel: string;
  fileName: string;
  mode: "append" | "replace";
  startedAt: Date;
  finishedAt: Date | null;
  status: JobStatus;
  progress: ImportProgress;
  result: StoredImportResult | null;
}

export interface JobReader {
  id: string;
  role: Role;
}

/** What the starter of a job gets: its id, and its end (never rejects). */
export interface StartedJob {
  id: string;
  done: Promise<{ job: ImportJob; result: DeclarationImportResult | null }>;
}

const PROGRESS_WRITE_MS = 1000;
const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Jobs running in this process: their latest progress, fresher than the row (one per process,
// also across development rebuilds of the server bundle).
const LOCAL_KEY = Symbol.for("jeugdregio.runningImportJobs");
type GlobalWithJobs = typeof globalThis & { [LOCAL_KEY]?: Map<string, ImportProgress> };
function localJobs(): Map<string, ImportProgress> {
  const global = globalThis as GlobalWithJobs;
  global[LOCAL_KEY] ??= new Map();
  return global[LOCAL_KEY];
}

export interface StartImportJob {
  db: Kysely<Database>;
  bulk?: BulkLoader;
  actor: Actor;
  /** An upload (deleted when the job ends) or a file of the operator's own (the CLI; kept). */
  source: { upload: StoredUpload } | { file: DeclarationSource };
  mode: "append" | "replace";
  decimal?: "comma" | "point";
  pseudonymKey: string;
  logger: Logger;
  /** IMPORT_MAX_LINE_KB, in characters. */
  maxLineLength?: number;
  /** The upload's "refuse identical lines" choice. */
  refuseIdenticalLines?: boolean;
  /** Where this server keeps uploads, for the clean-up after the import; null: none here. */
  uploadDir: string | null;
  /** Passed on to the import (the CLI prints progress). */
  onProgress?: (progress: ImportProgress) => void;
  /** Any further option of the import (limits, checks). */
  importOptions?: Omit<DeclarationImportOptions, "mode" | "bulk" | "decimal" | "pseudonymKey" | "onProgress">;
}

/**
 * Records the job and starts the import in the background. Its upload is deleted when the
 * import is done, whatever the outcome; then leftovers of imports that died are cleaned up.
 */
export async function startImportJob(input: StartImportJob): Promise<StartedJob> {
  const presence = presenceOf(input.db);
  await presence.announce();
  const upload = "upload" in input.source ? input.source.upload : null;
  const source: DeclarationSource = upload
    ? { name: upload.name, size: upload.size, open: () => createReadStream(upload.path) }
    : (input.source as { file: DeclarationSource }).file;
  const id = randomUUID();
  const startedAt = new Date();
  let progress: ImportProgress = { phase: "hashing", bytesRead: 0, totalBytes: source.size, rows: 0 };
  try {
    await withTenantScope(input.db, ALL_TENANTS, (trx) =>
      trx
        .insertInto("import_job")
        .values({
          id,
          owner_id: input.actor.userId,
          owner_label: input.actor.label,
          file_name: source.name,
          mode: input.mode,
          upload_path: upload?.path ?? null,
          runner_id: presence.id,
          status: "running",
          progress: JSON.stringify(progress),
          started_at: startedAt,
        })
        .execute(),
    );
  } catch (error) {
    if (upload) await removeUpload(upload);
    throw error;
  }
  localJobs().set(id, progress);

  // One progress write at a time, the latest wins; the final update waits for it.
  let writing: Promise<void> = Promise.resolve();
  let lastWrite = 0;
  let pending = false;
  const writeProgress = () => {
    if (pending) return;
    pending = true;
    writing = writing.then(async () => {
      pending = false;
      lastWrite = Date.now();
      await withTenantScope(input.db, ALL_TENANTS, (trx) =>
        trx
          .updateTable("import_job")
          .set({ progress: JSON.stringify(progress), updated_at: new Date() })
          .where("id", "=", id)
          .where("status", "=", "running")
          .execute(),
      ).catch((error: unknown) => input.logger.warn({ err: error, jobId: id }, "import job progress not recorded"));
    });
  };

  const run = async () => {
    let result: DeclarationImportResult | null = null;
    let status: JobStatus = "failed";
    try {
      result = await importDeclarations(input.db, input.actor, source, {
        ...input.importOptions,
        mode: input.mode,
        bulk: input.bulk,
        decimal: input.decimal,
        pseudonymKey: input.pseudonymKey,
        maxLineLength: input.maxLineLength,
        refuseIdenticalLines: input.refuseIdenticalLines,
        onProgress: (reported) => {
          // The service reports "hashing" up to the last byte; after that it reads the rows.
          progress =
            reported.phase === "hashing" && reported.totalBytes !== null && reported.bytesRead >= reported.totalBytes
              ? { phase: "validating", bytesRead: 0, totalBytes: reported.totalBytes, rows: 0 }
              : reported;
          localJobs().set(id, progress);
          input.onProgress?.(reported);
          if (Date.now() - lastWrite >= PROGRESS_WRITE_MS) writeProgress();
        },
      });
      status = "done";
      progress = { ...progress, phase: "done" };
    } catch (error) {
      input.logger.error({ err: error, jobId: id }, "declaration import failed");
    }
    if (upload) await removeUpload(upload);
    await writing;
    const stored = result ? toStoredResult(result) : null;
    const finishedAt = new Date();
    try {
      await withTenantScope(input.db, ALL_TENANTS, (trx) =>
        trx
          .updateTable("import_job")
          .set({
            status,
            progress: JSON.stringify(progress),
            result: stored ? JSON.stringify(stored) : null,
            upload_path: null,
            finished_at: finishedAt,
            updated_at: finishedAt,
          })
          .where("id", "=", id)
          .execute(),
      );
    } catch (error) {
      input.logger.error({ err: error, jobId: id }, "import job result not recorded");
    } finally {
      localJobs().delete(id);
    }
    await cleanUpImportLeftovers(input.db, { uploadDir: input.uploadDir, logger: input.logger }).catch((error: unknown) =>
      input.logger.error({ err: error }, "clean-up after an import failed"),
    );
    const job: ImportJob = {
      id,
      ownerId: input.actor.userId,
      ownerLabel: input.actor.label,
      fileName: source.name,
      mode: input.mode,
      startedAt,
      finishedAt,
      status,
      progress,
      result: stored,
    };
    return { job, result };
  };
  return { id, done: run() };
}

type JobRow = {
  id: string;
  owner_id: string | null;
  owner_label: string;
  file_name: string;
  mode: "append" | "replace";
  runner_id: string;
  status: JobStatus;
  progress: unknown;
  result: unknown;
  started_at: Date;
  finished_at: Date | null;
};

const JOB_COLUMNS = ["id", "owner_id", "owner_label", "file_name", "mode", "runner_id", "status", "progress", "result", "started_at", "finished_at"] as const;

function parsed<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

/** A row as the job it describes; a running job whose process is gone reads as interrupted. */
async function toJobs(db: Kysely<Database>, rows: JobRow[]): Promise<ImportJob[]> {
  const running = rows.filter((row) => row.status === "running" && !localJobs().has(row.id));
  const alive = running.length ? await presenceOf(db).alive([...new Set(running.map((row) => row.runner_id))]) : new Set<string>();
  return rows.map((row) => {
    const local = localJobs().get(row.id);
    const dead = row.status === "running" && !local && !alive.has(row.runner_id);
    return {
      id: row.id,
      ownerId: row.owner_id,
      ownerLabel: row.owner_label,
      fileName: row.file_name,
      mode: row.mode,
      startedAt: new Date(row.started_at),
      finishedAt: row.finished_at ? new Date(row.finished_at) : null,
      status: dead ? "interrupted" : row.status,
      progress: local ?? parsed<ImportProgress>(row.progress),
      result: row.result === null ? null : parsed<StoredImportResult>(row.result),
    };
  });
}

/**
 * The job if `reader` may see it: the user who started it, or any RIGG analyst. Otherwise,
 * like an unknown id, nothing. `run` is the request's scoped transaction (the row is regional).
 */
export async function findJob(
  db: Kysely<Database>,
  run: <T>(work: (trx: ScopedTransaction) => Promise<T>) => Promise<T>,
  id: string,
  reader: JobReader,
): Promise<ImportJob | null> {
  if (!JOB_ID.test(id)) return null;
  const row = await run((trx) => trx.selectFrom("import_job").select(JOB_COLUMNS).where("id", "=", id).executeTakeFirst());
  if (!row) return null;
  if (row.owner_id !== reader.id && reader.role !== "rigg_analyst") return null;
  const [job] = await toJobs(db, [row as JobRow]);
  return job!;
}

/** Imports that did not end with a result, newest first, for the import history: running, failed, interrupted. */
export async function listUnfinishedJobs(
  db: Kysely<Database>,
  run: <T>(work: (trx: ScopedTransaction) => Promise<T>) => Promise<T>,
  limit = 20,
): Promise<ImportJob[]> {
  const rows = await run((trx) =>
    trx
      .selectFrom("import_job")
      .select(JOB_COLUMNS)
      .where("status", "in", ["running", "failed", "interrupted"])
      .orderBy("started_at", "desc")
      .limit(limit)
      .execute(),
  );
  return toJobs(db, rows as JobRow[]);
}

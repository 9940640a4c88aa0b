import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Role } from "@jeugdregio/access";
import type { Kysely } from "kysely";
import {
  importDeclarations,
  type DeclarationImportResult,
  type ImportProgress,
} from "~/modules/declarations/declaration-import.server";
import type { ImportActor } from "~/modules/population/population-import.server";
import type { Logger } from "~/server/logger.server";
import type { BulkLoader } from "~db/connect";
import type { Database } from "~db/schema";
import type { JobStatus } from "./import-view";
import { removeUpload, type StoredUpload } from "./upload.server";

/**
 * Declaration imports running in the background of this server process: an
 * upload returns at once with a job id, the page asks for the job's progress.
 * In memory only: a restart forgets the jobs (the batches are in the database).
 */
export interface ImportJob {
  id: string;
  ownerId: string;
  fileName: string;
  startedAt: Date;
  finishedAt: Date | null;
  status: JobStatus;
  progress: ImportProgress;
  result: DeclarationImportResult | null;
  /** Settles once the job has finished, whatever the outcome; never rejects. */
  done: Promise<void>;
}

export interface JobReader {
  id: string;
  role: Role;
}

/** Finished jobs (their results and error lists) are kept this long. */
const KEEP_FINISHED_MS = 60 * 60 * 1000;
/** A refused file's full error list can be long (up to 100,000 issues): keep a bounded number. */
const MAX_FINISHED_JOBS = 20;

// One registry per process, also across development rebuilds of the server bundle.
const REGISTRY_KEY = Symbol.for("jeugdregio.importJobs");
type GlobalWithJobs = typeof globalThis & { [REGISTRY_KEY]?: Map<string, ImportJob> };
function registry(): Map<string, ImportJob> {
  const global = globalThis as GlobalWithJobs;
  global[REGISTRY_KEY] ??= new Map();
  return global[REGISTRY_KEY];
}

function sweep(now = Date.now()) {
  const jobs = registry();
  const finished = [...jobs.values()].filter((job) => job.finishedAt !== null);
  finished.sort((a, b) => b.finishedAt!.getTime() - a.finishedAt!.getTime());
  finished.forEach((job, index) => {
    if (index >= MAX_FINISHED_JOBS || now - job.finishedAt!.getTime() > KEEP_FINISHED_MS) jobs.delete(job.id);
  });
}

export interface StartImportJob {
  db: Kysely<Database>;
  bulk?: BulkLoader;
  actor: ImportActor & { userId: string };
  upload: StoredUpload;
  mode: "append" | "replace";
  decimal?: "comma" | "point";
  pseudonymKey: string;
  logger: Logger;
  /** IMPORT_MAX_LINE_KB, in characters. */
  maxLineLength?: number;
  /** The upload's "refuse identical lines" choice. */
  refuseIdenticalLines?: boolean;
}

/**
 * Starts importing an uploaded file and returns the job at once. The
 * temporary file is deleted when the import is done, whatever the outcome.
 */
export function startImportJob(input: StartImportJob): ImportJob {
  sweep();
  const { upload } = input;
  const job: ImportJob = {
    id: randomUUID(),
    ownerId: input.actor.userId,
    fileName: upload.name,
    startedAt: new Date(),
    finishedAt: null,
    status: "running",
    progress: { phase: "hashing", bytesRead: 0, totalBytes: upload.size, rows: 0 },
    result: null,
    done: Promise.resolve(),
  };
  const run = async () => {
    try {
      job.result = await importDeclarations(
        input.db,
        input.actor,
        { name: upload.name, size: upload.size, open: () => createReadStream(upload.path) },
        {
          mode: input.mode,
          bulk: input.bulk,
          decimal: input.decimal,
          pseudonymKey: input.pseudonymKey,
          maxLineLength: input.maxLineLength,
          refuseIdenticalLines: input.refuseIdenticalLines,
          onProgress: (progress) => {
            // The service reports "hashing" up to the last byte; after that it reads the rows.
            job.progress =
              progress.phase === "hashing" && progress.totalBytes !== null && progress.bytesRead >= progress.totalBytes
                ? { phase: "validating", bytesRead: 0, totalBytes: progress.totalBytes, rows: 0 }
                : progress;
          },
        },
      );
      job.status = "done";
      job.progress = { ...job.progress, phase: "done" };
    } catch (error) {
      job.status = "failed";
      input.logger.error({ err: error, jobId: job.id }, "declaration import failed");
    } finally {
      job.finishedAt = new Date();
      await removeUpload(upload);
    }
  };
  job.done = run();
  registry().set(job.id, job);
  return job;
}

/**
 * The job if `reader` may see it: the user who started it, or any RIGG
 * analyst. Otherwise, like an unknown id, nothing.
 */
export function findJob(id: string, reader: JobReader): ImportJob | null {
  sweep();
  const job = registry().get(id);
  if (!job) return null;
  return job.ownerId === reader.id || reader.role === "rigg_analyst" ? job : null;
}

import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { PGlite, types as pgliteTypes } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, sql } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import copyStreams from "pg-copy-streams";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Database } from "./schema";
import { settleAfterCommitTasks } from "./tenant-scope";

export type DatabaseTarget =
  | { kind: "postgres"; url: string; poolSize?: number }
  | {
      kind: "embedded";
      dataDir: string;
      /** The data folder as the user named it (DATA_DIR), for messages. */
      label?: string;
    };

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseTarget["kind"];
  /** A human-readable location without credentials, for logs. */
  describe: string;
  close(): Promise<void>;
  /** PostgreSQL's bulk paths (COPY) on connections of their own, for imports. */
  bulk: BulkLoader;
  /** Embedded: the lock of a dead process that this handle took over (to be logged). */
  staleLock?: { lockFile: string; pid: number | null } | null;
}

/**
 * A connection for bulk loading. It runs as the connecting role, not as the
 * application role: use it only to fill tables no reader can see yet (partitions
 * attached later in a tenant-scoped transaction) and for temporary tables.
 */
export interface BulkSession {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  /** `COPY <target> FROM STDIN WITH (<options>)` fed with `bytes`; returns the rows copied. */
  copyFrom(target: string, options: string, bytes: AsyncIterable<Uint8Array>): Promise<number>;
}

export interface BulkLoader {
  /** True when COPY needs its input in memory (embedded): callers then copy in pieces of bounded size. */
  piecewise: boolean;
  /** Runs `work` on a connection of its own (embedded: the single connection, held meanwhile). */
  session<T>(work: (session: BulkSession) => Promise<T>): Promise<T>;
}

const INT8 = 20;
const DATE = 1082;

/**
 * `pg` returns int8 as string, PGlite as number: normalise both to number here
 * (counts and ids stay far below 2^53). `numeric` stays a string in both, for
 * decimal.js. `date` stays the ISO string rather than a local-midnight Date.
 */
const parseInt8 = (value: string) => Number(value);
const keepDate = (value: string) => value;

let pgParsersSet = false;
function configurePgParsers() {
  if (pgParsersSet) return;
  pg.types.setTypeParser(INT8, parseInt8);
  pg.types.setTypeParser(DATE, keepDate);
  pgParsersSet = true;
}

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === "postgres") {
    configurePgParsers();
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await sql`select 1`.execute(db); // fail early with the driver's own message
    const close = async () => {
      await settleAfterCommitTasks();
      await db.destroy();
    };
    return { db, kind: "postgres", describe: redactUrl(target.url), close, bulk: pgBulkLoader(pool) };
  }
  const inMemory = target.dataDir.startsWith("memory://");
  const dataDir = inMemory ? target.dataDir : path.resolve(target.dataDir);
  let lock: FolderLock | null = null;
  if (!inMemory) {
    mkdirSync(dataDir, { recursive: true });
    lock = lockDataFolder(dataDir, target.label ?? path.dirname(dataDir));
  }
  let client: PGlite;
  try {
    client = await PGlite.create(dataDir, {
      parsers: { [pgliteTypes.INT8]: parseInt8, [pgliteTypes.DATE]: keepDate },
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  return {
    db,
    kind: "embedded",
    describe: `embedded PostgreSQL in ${dataDir}`,
    close: async () => {
      try {
        await settleAfterCommitTasks();
        await db.destroy();
      } finally {
        lock?.release();
      }
    },
    bulk: pgliteBulkLoader(db, client),
    staleLock: lock?.tookOver ?? null,
  };
}

/** A second process on the same embedded data folder: PGlite itself takes no lock, and two writers corrupt it. */
export class DatabaseInUseError extends Error {
  constructor(
    readonly folder: string,
    readonly pid: number,
  ) {
    super(`the embedded database in ${folder} is in use by process ${pid}; stop the server or use DATABASE_URL`);
  }
}

interface FolderLock {
  release(): void;
  /** The stale lock this one replaced, for the log. */
  tookOver: { lockFile: string; pid: number | null } | null;
}

/** Folders this process holds: a lock file with our own pid is stale only if we do not hold it (a container restarted as pid 1). */
const heldFolders = new Set<string>();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * `<dataDir>.lock` (e.g. `.data/pgdata.lock`), created exclusively, holding our pid. When it
 * exists and its process is alive, the folder is refused at once; a lock of a dead process
 * (kill -9, power loss) is taken over. Released on close and at exit.
 */
function lockDataFolder(dataDir: string, label: string): FolderLock {
  const file = `${dataDir}.lock`;
  let tookOver: FolderLock["tookOver"] = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(readFileSafely(file), 10);
      const ours = holder === process.pid && heldFolders.has(dataDir);
      if (Number.isSafeInteger(holder) && holder > 0 && (ours || (holder !== process.pid && processAlive(holder)))) {
        throw new DatabaseInUseError(label, holder);
      }
      // Stale (or half-written by a process that died at once): remove it and try again.
      tookOver = { lockFile: file, pid: Number.isSafeInteger(holder) && holder > 0 ? holder : null };
      try {
        unlinkSync(file);
      } catch (unlinkError) {
        if ((unlinkError as NodeJS.ErrnoException).code !== "ENOENT") throw unlinkError;
      }
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    heldFolders.add(dataDir);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      heldFolders.delete(dataDir);
      process.off("exit", release);
      // Only our own lock: never one another process took over meanwhile.
      if (Number.parseInt(readFileSafely(file), 10) === process.pid) {
        try {
          unlinkSync(file);
        } catch {
          // already gone
        }
      }
    };
    process.on("exit", release);
    return { release, tookOver };
  }
  throw new Error(`could not lock ${file}`);
}

function readFileSafely(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function pgBulkLoader(pool: pg.Pool): BulkLoader {
  return {
    piecewise: false,
    async session(work) {
      const client = await pool.connect();
      let broken = false;
      try {
        return await work({
          async query(text, params) {
            const result = await client.query(text, params as unknown[] | undefined);
            return { rows: result.rows, rowCount: result.rowCount ?? 0 };
          },
          async copyFrom(target, options, bytes) {
            const stream = client.query(copyStreams.from(`copy ${target} from stdin with (${options})`));
            await pipeline(Readable.from(bytes), stream);
            return stream.rowCount ?? 0;
          },
        });
      } catch (error) {
        broken = true;
        throw error;
      } finally {
        // A connection that failed mid-COPY is not handed to the next user.
        client.release(broken);
      }
    },
  };
}

function pgliteBulkLoader(db: Kysely<Database>, client: PGlite): BulkLoader {
  return {
    piecewise: true,
    // Holding Kysely's single connection keeps requests from interleaving with the load.
    session: (work) =>
      db.connection().execute(() =>
        work({
          async query(text, params) {
            const result = await client.query(text, params as unknown[] | undefined);
            return { rows: result.rows as never[], rowCount: result.affectedRows ?? result.rows.length };
          },
          async copyFrom(target, options, bytes) {
            // PGlite copies from an in-memory file: callers pass pieces of bounded size.
            const chunks: Uint8Array[] = [];
            for await (const chunk of bytes) chunks.push(chunk);
            const result = await client.query(`copy ${target} from '/dev/blob' with (${options})`, [], { blob: new Blob(chunks as BlobPart[]) });
            return result.affectedRows ?? 0;
          },
        }),
      ),
  };
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres (unparseable URL)";
  }
}

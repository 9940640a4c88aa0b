import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { PGlite, types as pgliteTypes } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, sql } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import copyStreams from "pg-copy-streams";
import { randomInt, randomUUID } from "node:crypto";
import { hostname } from "node:os";
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
  /** This handle's presence: whether the process behind an import is still running. */
  presence: Presence;
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

/**
 * Tells live processes from dead ones, for imports whose work outlives one transaction
 * (loading tables, upload files, job rows). Each open handle has an id; it counts as alive
 * while the handle is open. PostgreSQL: a session advisory lock held on a connection of its
 * own (the server drops it the moment the process dies, kill -9 included). Embedded: the data
 * folder's lock admits one process, so every id but this handle's is dead.
 */
export interface Presence {
  readonly id: string;
  /** Makes this id visible to other processes (idempotent; after the migrations). */
  announce(): Promise<void>;
  /** The ids among `ids` whose process still runs. */
  alive(ids: readonly string[]): Promise<Set<string>>;
}

// On globalThis: the server bundle and the sources it was started from share one registry.
const PRESENCES = Symbol.for("jeugdregio.presences");
const presences: WeakMap<object, Presence> = ((globalThis as Record<symbol, unknown>)[PRESENCES] ??= new WeakMap()) as WeakMap<object, Presence>;

/** The presence of the handle that opened `db`. */
export function presenceOf(db: Kysely<Database>): Presence {
  const presence = presences.get(db);
  if (!presence) throw new Error("no presence for this database handle");
  return presence;
}

/** First key of the two-key advisory locks that mark live processes (second: the process's key). */
export const PRESENCE_LOCK_CLASS = 7_405_170;

export interface BulkLoader {
  /** Whose loading tables these are (see `Presence`). */
  presence: Presence;
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
    const presence = pgPresence(target.url, db);
    presences.set(db, presence);
    const close = async () => {
      await settleAfterCommitTasks();
      await presence.end();
      await db.destroy();
    };
    return { db, kind: "postgres", describe: redactUrl(target.url), close, bulk: pgBulkLoader(pool, presence), presence };
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
  const presence = localPresence();
  presences.set(db, presence);
  return {
    db,
    kind: "embedded",
    presence,
    describe: `embedded PostgreSQL in ${dataDir}`,
    close: async () => {
      try {
        await settleAfterCommitTasks();
        await db.destroy();
      } finally {
        lock?.release();
      }
    },
    bulk: pgliteBulkLoader(db, client, presence),
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

/** Embedded: one process per data folder (its lock), so only this handle is alive. */
function localPresence(): Presence {
  const id = randomUUID();
  return {
    id,
    announce: async () => undefined,
    alive: async (ids) => new Set(ids.filter((other) => other === id)),
  };
}

/**
 * PostgreSQL: a connection of its own holds `pg_advisory_lock(PRESENCE_LOCK_CLASS, key)` for a
 * free random key, and `db_presence` maps the key to this id. An id is alive while its key's
 * lock is held and the row still names it (a later process that got the same key overwrote it).
 */
function pgPresence(url: string, db: Kysely<Database>): Presence & { end(): Promise<void> } {
  const id = randomUUID();
  let holder: pg.Client | null = null;
  let announcing: Promise<void> | null = null;
  const connect = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    // Lost (database restart): announced again on next use, under a new key.
    client.on("error", () => {
      if (holder === client) holder = null;
    });
    client.on("end", () => {
      if (holder === client) holder = null;
    });
    for (let attempt = 0; attempt < 20; attempt++) {
      const key = randomInt(1, 2 ** 31 - 1);
      const taken = await client.query<{ ok: boolean }>("select pg_try_advisory_lock($1, $2) as ok", [PRESENCE_LOCK_CLASS, key]);
      if (!taken.rows[0]?.ok) continue; // a live process has this key
      await client.query("delete from db_presence where instance_id = $1", [id]);
      await client.query(
        `insert into db_presence (lock_key, instance_id, pid, host) values ($1, $2, $3, $4)
         on conflict (lock_key) do update set instance_id = excluded.instance_id, pid = excluded.pid, host = excluded.host, since = now()`,
        [key, id, process.pid, hostname()],
      );
      holder = client;
      return;
    }
    await client.end();
    throw new Error("no free presence key");
  };
  return {
    id,
    announce() {
      if (holder) return Promise.resolve();
      announcing ??= connect().finally(() => (announcing = null));
      return announcing;
    },
    async alive(ids) {
      if (!ids.length) return new Set();
      const rows = await sql<{ instance_id: string }>`
        select p.instance_id from db_presence p
        where p.instance_id = any(${[...ids]}::uuid[])
          and exists (select 1 from pg_locks l
                      where l.locktype = 'advisory' and l.granted and l.objsubid = 2
                        and l.database = (select oid from pg_database where datname = current_database())
                        and l.classid = ${PRESENCE_LOCK_CLASS}::oid and l.objid = p.lock_key::oid)`.execute(db);
      return new Set(rows.rows.map((row) => row.instance_id));
    },
    async end() {
      const client = holder;
      holder = null;
      await announcing?.catch(() => undefined);
      await client?.end().catch(() => undefined);
    },
  };
}

function pgBulkLoader(pool: pg.Pool, presence: Presence): BulkLoader {
  return {
    presence,
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

function pgliteBulkLoader(db: Kysely<Database>, client: PGlite, presence: Presence): BulkLoader {
  return {
    presence,
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

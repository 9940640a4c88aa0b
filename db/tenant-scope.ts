import { createHash } from "node:crypto";
import type { SharedWrite } from "@jeugdregio/access";
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "./schema";
import { APP_ROLE, READ_SCOPE_SETTING, SCOPE_SIGNATURE_SETTING, SHARED_WRITES_SETTING, WRITE_SCOPE_SETTING } from "./tenancy";

/**
 * Municipality codes a transaction may read and write ("all" for regional roles), and the shared
 * tables it may change (packages/access sharedWritesOf; none when left out).
 */
export interface TenantScope {
  read: "all" | readonly string[];
  write: "all" | readonly string[];
  shared?: "all" | readonly SharedWrite[];
}

export const NO_TENANTS: TenantScope = { read: [], write: [] };
/** Every municipality and every shared table: for the CLI, seeds and server jobs, never a user's request. */
export const ALL_TENANTS: TenantScope = { read: "all", write: "all", shared: "all" };
/** Account management only, no figures: the CLI's and the seeds' user commands (an admin's request gets the same). */
export const ACCOUNTS_ONLY: TenantScope = { read: [], write: [], shared: ["users"] };

const MUNICIPALITY_CODE = /^GM[0-9]{4}$/;
const SHARED_WRITE = /^[a-z]+$/;

function encode(part: TenantScope["read"], pattern = MUNICIPALITY_CODE, what = "municipality code"): string {
  if (part === "all") return "all";
  for (const code of part) {
    if (!pattern.test(code)) throw new Error(`Invalid ${what} in scope: ${code}`);
  }
  return part.join(",");
}

/** HMAC-SHA256 from its two keyed pads, as the database's `jeugdregio_scope` computes it. */
interface ScopeKey {
  inner: Buffer;
  outer: Buffer;
}
const scopeKeys = new WeakMap<Kysely<Database>, Promise<ScopeKey>>();

/** The scope key, read once per database handle on the owner's connection (the application role cannot read it). */
function scopeKey(db: Kysely<Database>): Promise<ScopeKey> {
  let key = scopeKeys.get(db);
  if (!key) {
    key = sql<{ inner_pad: Uint8Array; outer_pad: Uint8Array }>`select inner_pad, outer_pad from scope_secret where id = 1`
      .execute(db)
      .then(({ rows: [row] }) => {
        if (!row) throw new Error("The database has no scope key (scope_secret): run the migrations");
        return { inner: Buffer.from(row.inner_pad), outer: Buffer.from(row.outer_pad) };
      });
    key.catch(() => scopeKeys.delete(db));
    scopeKeys.set(db, key);
  }
  return key;
}

function signScope(key: ScopeKey, message: string): string {
  const inner = createHash("sha256").update(key.inner).update(message, "utf8").digest();
  return createHash("sha256").update(key.outer).update(inner).digest("hex");
}

export type ScopedTransaction = Transaction<Database>;

/** Work for the owner's connection once a transaction has committed (e.g. VACUUM, which cannot run inside one). */
export type AfterCommitTask = (db: Kysely<Database>) => Promise<void>;
const afterCommitTasks = new WeakMap<ScopedTransaction, Map<string, AfterCommitTask>>();

/**
 * Queues `task` to run after `trx` commits, in the background (once per key: a key already
 * running runs once more after it, however often it was queued meanwhile); a rollback drops it.
 * For upkeep that helps readers but is not part of the change itself: a failing task is
 * ignored, the next change queues it again. `settleAfterCommitTasks` waits for what is running.
 */
export function afterCommit(trx: ScopedTransaction, key: string, task: AfterCommitTask): void {
  afterCommitTasks.get(trx)?.set(key, task);
}

const running = new Map<string, Promise<void>>();
// Keys are per database: two databases in one process never share a task.
const databaseIds = new WeakMap<object, number>();
let nextDatabaseId = 0;
function databaseId(db: object): number {
  let id = databaseIds.get(db);
  if (id === undefined) databaseIds.set(db, (id = nextDatabaseId++));
  return id;
}
const again = new Map<string, () => Promise<void>>();

function startInBackground(key: string, run: () => Promise<void>): void {
  if (running.has(key)) {
    again.set(key, run);
    return;
  }
  const done = run()
    .catch(() => undefined)
    .finally(() => {
      running.delete(key);
      const next = again.get(key);
      again.delete(key);
      if (next) startInBackground(key, next);
    });
  running.set(key, done);
}

/** Resolves once no after-commit task is running (before a database is closed). */
export async function settleAfterCommitTasks(): Promise<void> {
  while (running.size) await Promise.all(running.values());
}

/**
 * Runs `work` in one transaction as the non-owner application role with the
 * tenant scope set transaction-locally (`set_config(…, true)`), so row-level
 * security applies and nothing leaks to the next user of the pooled connection.
 * The scope is signed for this backend and this transaction (see db/tenancy.ts):
 * the policies ignore a scope the transaction's own SQL sets or copies.
 */
export async function withTenantScope<T>(
  db: Kysely<Database>,
  scope: TenantScope,
  work: (trx: ScopedTransaction) => Promise<T>,
): Promise<T> {
  const read = encode(scope.read);
  const write = encode(scope.write);
  const shared = encode(scope.shared ?? [], SHARED_WRITE, "shared write");
  const key = await scopeKey(db);
  const tasks = new Map<string, AfterCommitTask>();
  const result = await db.transaction().execute(async (trx) => {
    afterCommitTasks.set(trx, tasks);
    // Still the owner: which backend and transaction this is, the part the signature binds.
    const { rows } = await sql<{ nonce: string }>`select pg_backend_pid()::text || ':' || extract(epoch from transaction_timestamp())::text as nonce`.execute(trx);
    const signature = signScope(key, `${rows[0]!.nonce}:${read}:${write}:${shared}`);
    await sql`select set_config('role', ${APP_ROLE}, true),
                     set_config(${READ_SCOPE_SETTING}, ${read}, true),
                     set_config(${WRITE_SCOPE_SETTING}, ${write}, true),
                     set_config(${SHARED_WRITES_SETTING}, ${shared}, true),
                     set_config(${SCOPE_SIGNATURE_SETTING}, ${signature}, true)`.execute(trx);
    return work(trx);
  });
  for (const [key, task] of tasks) startInBackground(`${databaseId(db)}:${key}`, () => task(db));
  return result;
}

import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "./schema";
import { APP_ROLE, READ_SCOPE_SETTING, WRITE_SCOPE_SETTING } from "./tenancy";

/** Municipality codes a transaction may read and write; "all" for regional roles. */
export interface TenantScope {
  read: "all" | readonly string[];
  write: "all" | readonly string[];
}

export const NO_TENANTS: TenantScope = { read: [], write: [] };
export const ALL_TENANTS: TenantScope = { read: "all", write: "all" };

const MUNICIPALITY_CODE = /^GM[0-9]{4}$/;

function encode(part: TenantScope["read"]): string {
  if (part === "all") return "all";
  for (const code of part) {
    if (!MUNICIPALITY_CODE.test(code)) throw new Error(`Invalid municipality code in scope: ${code}`);
  }
  return part.join(",");
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
 */
export async function withTenantScope<T>(
  db: Kysely<Database>,
  scope: TenantScope,
  work: (trx: ScopedTransaction) => Promise<T>,
): Promise<T> {
  const read = encode(scope.read);
  const write = encode(scope.write);
  const tasks = new Map<string, AfterCommitTask>();
  const result = await db.transaction().execute(async (trx) => {
    afterCommitTasks.set(trx, tasks);
    await sql`select set_config('role', ${APP_ROLE}, true),
                     set_config(${READ_SCOPE_SETTING}, ${read}, true),
                     set_config(${WRITE_SCOPE_SETTING}, ${write}, true)`.execute(trx);
    return work(trx);
  });
  for (const [key, task] of tasks) startInBackground(`${databaseId(db)}:${key}`, () => task(db));
  return result;
}

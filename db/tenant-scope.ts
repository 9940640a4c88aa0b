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
 * Queues `task` to run after `trx` commits (once per key, however often it is queued); a
 * rollback drops it. For upkeep that helps readers but is not part of the change itself: a
 * failing task is ignored, the next change queues it again.
 */
export function afterCommit(trx: ScopedTransaction, key: string, task: AfterCommitTask): void {
  afterCommitTasks.get(trx)?.set(key, task);
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
  for (const task of tasks.values()) await task(db).catch(() => undefined);
  return result;
}

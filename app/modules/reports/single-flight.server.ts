import type { ScopedTransaction } from "~db/tenant-scope";
import type { Logger } from "~/server/logger.server";

/**
 * One computation of an expensive report for all the requests that ask for it at the same
 * time (issue 13, point 12): the first request computes it, the others wait for the same
 * promise. The key holds everything the result depends on: the database, the report stamp
 * (every change to the figures moves it on, report-cache.server.ts), the report and its
 * parameters, and the reader's scope, so a result is never shared between scopes (the
 * computation runs under the first request's row-level security). Nothing is kept once it is
 * done: stored results are report-cache.server.ts's job.
 */
export interface FlightKey {
  /** The database the report reads: two databases in one process never share a result. */
  db: object;
  report: string;
  /** The reader's tenant scope. */
  readScope: "all" | readonly string[];
  params: Record<string, string | number | null>;
}

const inFlight = new Map<string, Promise<unknown>>();
const databaseIds = new WeakMap<object, number>();
let nextDatabaseId = 0;

function databaseId(db: object): number {
  let id = databaseIds.get(db);
  if (id === undefined) databaseIds.set(db, (id = nextDatabaseId++));
  return id;
}

export async function singleFlight<T>(trx: ScopedTransaction, key: FlightKey, compute: () => Promise<T>, logger?: Pick<Logger, "info">): Promise<T> {
  const stamp = await trx.selectFrom("report_stamp").select("version").where("id", "=", 1).executeTakeFirstOrThrow();
  const id = JSON.stringify([
    databaseId(key.db),
    String(stamp.version),
    key.report,
    key.readScope === "all" ? "all" : [...key.readScope].sort(),
    Object.entries(key.params).sort(([a], [b]) => a.localeCompare(b)),
  ]);
  const running = inFlight.get(id);
  if (running) return running as Promise<T>;
  const started = Date.now();
  const flight = compute()
    .then((result) => {
      // Operators see which reports cost what; the key names scopes and years, no person.
      logger?.info({ report: key.report, key: id, ms: Date.now() - started }, "report computed");
      return result;
    })
    .finally(() => inFlight.delete(id));
  inFlight.set(id, flight);
  return flight;
}

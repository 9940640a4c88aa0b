import { sql } from "kysely";
import type { ScopedTransaction } from "~db/tenant-scope";

/**
 * Computed reports, reused while nothing they depend on has changed (migration 0009). Every
 * change to the figures increments the stamp in its own transaction; a stored result is served
 * only when its stamp is the current one. A result computed while a change commits is stamped
 * with the stamp read before computing, which the change has already moved on: it is never
 * served. Row-level security keeps the region's results to regional readers.
 */

export type CachedKind = "segment_table" | "spending_series" | `forecast:${string}`;

// The stamp read once per transaction: a page asks for several stored results.
const stamps = new WeakMap<ScopedTransaction, Promise<number>>();

/** Marks every stored result as outdated: call in the transaction that changes the figures. */
export async function bumpReportStamp(trx: ScopedTransaction): Promise<void> {
  stamps.delete(trx);
  await sql`update report_stamp set version = version + 1 where id = 1`.execute(trx);
}

function currentStamp(trx: ScopedTransaction): Promise<number> {
  let stamp = stamps.get(trx);
  if (!stamp) {
    stamp = trx.selectFrom("report_stamp").select("version").where("id", "=", 1).executeTakeFirstOrThrow().then((row) => Number(row.version));
    stamps.set(trx, stamp);
  }
  return stamp;
}

export async function cachedReport<T>(
  trx: ScopedTransaction,
  key: { scope: string; kind: CachedKind; year: number },
  compute: () => Promise<T>,
): Promise<T> {
  const stamp = await currentStamp(trx);
  const hit = await trx
    .selectFrom("report_cache")
    .select("body")
    .where("scope", "=", key.scope)
    .where("kind", "=", key.kind)
    .where("year", "=", key.year)
    .where("version", "=", stamp)
    .executeTakeFirst();
  if (hit) return hit.body as T;
  const body = await compute();
  await sql`
    insert into report_cache (scope, kind, year, version, body)
    values (${key.scope}, ${key.kind}, ${key.year}, ${stamp}, ${JSON.stringify(body)}::json)
    on conflict (scope, kind, year) do update set version = excluded.version, body = excluded.body
    where report_cache.version <= excluded.version`.execute(trx);
  return body;
}

import { refusalJson } from "~/modules/refusal.server";
import { Refusal } from "~/modules/refusal";
import { sql } from "kysely";
import type { ScopedTransaction } from "~db/tenant-scope";
import type { AppConfig } from "./config.server";

/**
 * A read request may cost the database at most `REQUEST_TIMEOUT_SECONDS` per statement: the
 * expensive reports are one statement each, and a viewer must not be able to keep a core busy
 * for minutes by asking again and again. The limit is transaction-local (`set_config(…, true)`),
 * so it ends with the request's transaction and never reaches the next user of the connection.
 * Writes and imports are not cut off halfway (they are all-or-nothing and bounded otherwise).
 */
const QUERY_CANCELED = "57014";

export const REPORT_TIMEOUT = "report_timeout";

export function isReadRequest(request: Request): boolean {
  return request.method === "GET" || request.method === "HEAD";
}

async function limitStatementTime(trx: ScopedTransaction, milliseconds: number): Promise<void> {
  await sql`select set_config('statement_timeout', ${String(milliseconds)}, true)`.execute(trx);
}

/** The answer to a cancelled report: a "busy" refusal (503), JSON with the limit; pages render it translated. */
export function reportTimeoutResponse(seconds: number): Response {
  return refusalJson(new Refusal("busy", REPORT_TIMEOUT, null, { seconds }), { "Cache-Control": "no-store", "Retry-After": "60" });
}

function isStatementTimeout(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === QUERY_CANCELED;
}

/**
 * Runs `work` through `start` (which opens the scoped transaction) with the statement time
 * limited; a statement cancelled by the limit becomes the 503 answer, never a raw database error.
 */
export function timeLimited<T>(
  config: Pick<AppConfig, "requestTimeoutSeconds">,
  start: (work: (trx: ScopedTransaction) => Promise<T>) => Promise<T>,
  work: (trx: ScopedTransaction) => Promise<T>,
): Promise<T> {
  const seconds = config.requestTimeoutSeconds;
  return start(async (trx) => {
    await limitStatementTime(trx, Math.max(1, Math.round(seconds * 1000)));
    return work(trx);
  }).catch((error: unknown) => {
    throw isStatementTimeout(error) ? reportTimeoutResponse(seconds) : error;
  });
}

import { parseAsOf, reportAsOf } from "~/modules/figures/as-of";

export interface RequestAsOf {
  /** The as-of date shown ("declared up to"): the URL's, or today. */
  asOf: string;
  /** The date the URL named, or null for today: kept in links and forms. */
  requested: string | null;
  /** What the reports read: null for today (the current figures), else the past date. */
  read: string | null;
}

/**
 * `asOf=` of a page, export or JSON route (issue 14 §2): missing is today; malformed or after
 * today a 400 naming the value (JSON routes turn it into their error shape).
 */
export function requestAsOf(url: URL): RequestAsOf {
  const requested = url.searchParams.get("asOf")?.trim() || null;
  try {
    const asOf = parseAsOf(requested);
    return { asOf, requested, read: reportAsOf(asOf) };
  } catch (error) {
    throw new Response(error instanceof Error ? error.message : String(error), { status: 400 });
  }
}

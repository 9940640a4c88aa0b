import { json } from "@remix-run/node";
import { parseAsOf, reportAsOf } from "~/modules/figures/as-of";

export interface RequestAsOf {
  /** The as-of date shown ("declared up to"): the URL's, or today. */
  asOf: string;
  /** The date the URL named, or null for today: kept in links and forms. */
  requested: string | null;
  /** What the reports read: null for today (the current figures), else the past date. */
  read: string | null;
}

/** `asOf=` (issue 14 §2): missing is today; malformed or after today the parser's message naming the value. */
export function parseRequestAsOf(url: URL): RequestAsOf | { message: string } {
  const requested = url.searchParams.get("asOf")?.trim() || null;
  try {
    const asOf = parseAsOf(requested);
    return { asOf, requested, read: reportAsOf(asOf) };
  } catch (error) {
    return { message: error instanceof Error ? error.message : String(error) };
  }
}

/** `asOf=` of a page or export: a bad one is a 400 with the message. */
export function requestAsOf(url: URL): RequestAsOf {
  const parsed = parseRequestAsOf(url);
  if ("message" in parsed) throw new Response(parsed.message, { status: 400 });
  return parsed;
}

/**
 * `asOf=` of a JSON route, or the 400 to answer (`{ error: "invalid_as_of", message }`, as
 * /api/forecast does): returned, not thrown, as the routes' asJsonError would drop the message.
 */
export function jsonRequestAsOf(url: URL): RequestAsOf | Response {
  const parsed = parseRequestAsOf(url);
  if ("message" in parsed) {
    return json({ error: "invalid_as_of", message: parsed.message }, { status: 400, headers: { "Cache-Control": "private, no-store" } });
  }
  return parsed;
}

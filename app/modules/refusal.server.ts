import { json } from "@remix-run/node";
import type { Refusal } from "~/modules/refusal";

/** JSON answers are for this user only and never stored. */
export const JSON_HEADERS = { "Cache-Control": "private, no-store" } as const;

/** A refusal as a JSON answer: its kind's status, `{error: code}`, the field it names and its parameters. */
export function refusalJson(refusal: Refusal, headers: Record<string, string> = JSON_HEADERS): Response {
  const body = { error: refusal.code, ...(refusal.field ? { field: refusal.field } : {}), ...refusal.params };
  return json(body, { status: refusal.status, headers });
}

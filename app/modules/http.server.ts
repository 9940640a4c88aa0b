import { json } from "@remix-run/node";

/** Only same-site paths are followed after a form post (no open redirects). */
export function safeRedirectPath(value: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return fallback;
  }
  return value;
}

export function notFound(): Response {
  return new Response("Not Found", { status: 404 });
}

/**
 * Input refused with the field named and a code (and parameters) the page translates; whatever
 * the work had changed is rolled back with its transaction.
 */
export class FieldRefusal extends Error {
  constructor(
    readonly field: string,
    readonly code: string,
    readonly params: Record<string, string | number> = {},
    message = `${field}: ${code}`,
  ) {
    super(message);
  }
}

/** What a form action answers: done, or the refused field (status 400). */
export type FormOutcome =
  | { ok: true; intent: string; changed?: number }
  | { ok: false; intent: string; field: string; code: string; params: Record<string, string | number> };

/** A form's text fields by name (files are left to the upload handlers). */
export function formFields(form: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of form) if (typeof value === "string") fields[name] = value;
  return fields;
}

/** The 400 answer for a refused field. */
export function refusalAnswer(intent: string, refusal: FieldRefusal): Response {
  return json<FormOutcome>({ ok: false, intent, field: refusal.field, code: refusal.code, params: refusal.params }, { status: 400 });
}

import { json, type AppLoadContext } from "@remix-run/node";
import { hasNul } from "@jeugdregio/tabular";

/** Cookie options for this request: Secure in production and on every request that came over HTTPS. */
export function cookieSecurity(context: AppLoadContext): { secure: boolean } {
  return { secure: context.config.secureCookies || context.secureRequest };
}

// Any origin will do as the base: only a result on that same origin is accepted.
const BASE = "http://same-origin.invalid";

/**
 * Only same-origin paths are followed after a form post (no open redirects). The value is
 * resolved the way a browser resolves a Location header (tabs and newlines dropped, `\\` as
 * `/`), and accepted only when it stays on the base origin; the resolved URL is percent-encoded,
 * so no control or non-Latin-1 character reaches the header.
 */
export function safeRedirectPath(value: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  // Only an absolute path: a relative one would depend on the page it was posted from.
  if (typeof value !== "string" || !value.startsWith("/")) return fallback;
  let resolved: URL;
  try {
    resolved = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (resolved.origin !== BASE) return fallback;
  const target = resolved.pathname + resolved.search + resolved.hash;
  // Belt and braces: what a browser could still read as another host.
  return /^\/[/\\]/.test(target) ? fallback : target;
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

/** The first field holding a NUL character, which PostgreSQL text cannot store, as a refusal; null when none does. */
export function nulRefusal(fields: Record<string, string>): FieldRefusal | null {
  const field = Object.keys(fields).find((name) => hasNul(fields[name]!) || hasNul(name));
  return field === undefined ? null : new FieldRefusal(field.replace(/\u0000/g, ""), "nulCharacter");
}

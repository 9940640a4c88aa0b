/**
 * One way to refuse (issue 15 §2): every refusal the product gives (bad input, a name already
 * taken, something out of reach, a report that took too long) is a `Refusal` of one of a few
 * kinds. The kind fixes the HTTP status here, once; the code (and its parameters) picks the
 * translated message, so pages, JSON routes and the CLI say the same thing and never echo a raw
 * database error. Shared by server and client (no server-only imports).
 */

export type RefusalKind = "invalid" | "unauthenticated" | "forbidden" | "not_found" | "conflict" | "busy";

/** The status each kind answers with, for pages, forms and JSON routes alike. */
export const REFUSAL_STATUS: Readonly<Record<RefusalKind, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  busy: 503,
};

export type RefusalParams = Record<string, string | number>;

export class Refusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    /** What was refused, as a code the translation files know (`<namespace>.errors.<code>`). */
    readonly code: string,
    /** The form field or file column refused; null when it is the request as a whole. */
    readonly field: string | null = null,
    readonly params: RefusalParams = {},
    /** For logs and the CLI: plain English, never a database error's text. */
    message = field ? `${field}: ${code}` : code,
  ) {
    super(message);
    this.name = new.target.name;
  }

  get status(): number {
    return REFUSAL_STATUS[this.kind];
  }
}

export function isRefusal(error: unknown): error is Refusal {
  return error instanceof Refusal;
}

/**
 * The translation key of a refusal in a page's namespace (`users`, `finance`, `roadmap`, …),
 * with the generic message of its kind as the fallback, so an unknown code still reads as a
 * sentence and not as a code.
 */
export function refusalKeys(namespace: string, refusal: { code: string; kind?: RefusalKind }): string[] {
  return [`${namespace}.errors.${refusal.code}`, `refusals.${refusal.kind ?? "invalid"}`];
}

import { parseReportYear } from "@jeugdregio/format";
import { json, type AppLoadContext } from "@remix-run/node";
import { hasNul } from "@jeugdregio/tabular";
import { requireAccess, type RequestAccess } from "~/modules/access/access.server";
import type { ReportScope } from "~/modules/reports/segment-report.server";
import { isRefusal, Refusal, type RefusalParams } from "~/modules/refusal";
import { JSON_HEADERS, refusalJson } from "~/modules/refusal.server";

export { JSON_HEADERS, refusalJson };

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
 * the work had changed is rolled back with its transaction. One of the refusals (~/modules/refusal).
 */
export class FieldRefusal extends Refusal {
  declare readonly field: string;
  constructor(field: string, code: string, params: RefusalParams = {}, message = `${field}: ${code}`) {
    super("invalid", code, field, params, message);
  }
}

/** Several fields refused at once (a form shows every problem in one answer); the first is its own field and code. */
export class FieldRefusals extends FieldRefusal {
  constructor(readonly all: readonly FieldRefusal[]) {
    super(all[0]!.field, all[0]!.code, all[0]!.params, all.map((r) => r.message).join("; "));
  }
}

/**
 * Collects the refused fields of a form instead of stopping at the first: `take` runs one
 * field's check and keeps its refusal; `done` throws them all together (or returns).
 */
export function refusalCollector() {
  const all: FieldRefusal[] = [];
  const keep = (error: unknown) => {
    if (!(error instanceof FieldRefusal)) throw error;
    all.push(...(error instanceof FieldRefusals ? error.all : [error]));
  };
  return {
    take<T>(check: () => T): T | undefined {
      try {
        return check();
      } catch (error) {
        keep(error);
        return undefined;
      }
    },
    refuse: (refusal: FieldRefusal) => void all.push(refusal),
    get refused() {
      return all.length > 0;
    },
    done(): void {
      if (all.length) throw all.length === 1 ? all[0]! : new FieldRefusals(all);
    },
  };
}

/** One refused field as a form's answer carries it. */
export interface FormIssue {
  field: string;
  code: string;
  params: Record<string, string | number>;
}

/**
 * What a form action answers: done, or the refused fields (status 400): the first as `field`,
 * `code` and `params`, all of them in `issues`, and the typed values so the form keeps them.
 */
export type FormOutcome =
  | { ok: true; intent: string; changed?: number }
  | ({ ok: false; intent: string; issues: FormIssue[]; values?: Record<string, string> } & FormIssue);

/** A form's text fields by name (files are left to the upload handlers). */
export function formFields(form: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of form) if (typeof value === "string") fields[name] = value;
  return fields;
}

/** A form's answer for refused fields, with the status of their kind (400 for bad input); `values` are sent back as typed. */
export function refusalAnswer(intent: string, refusal: FieldRefusal, values?: Record<string, string>): Response {
  const issues = (refusal instanceof FieldRefusals ? refusal.all : [refusal]).map((r) => ({ field: r.field, code: r.code, params: r.params }));
  return json<FormOutcome>(
    { ok: false, intent, field: refusal.field, code: refusal.code, params: refusal.params, issues, ...(values ? { values } : {}) },
    { status: refusal.status },
  );
}

/** The first field holding a NUL character, which PostgreSQL text cannot store, as a refusal; null when none does. */
export function nulRefusal(fields: Record<string, string>): FieldRefusal | null {
  const field = Object.keys(fields).find((name) => hasNul(fields[name]!) || hasNul(name));
  return field === undefined ? null : new FieldRefusal(field.replace(/\u0000/g, ""), "nulCharacter");
}

// Request helpers for the report routes: which scope and year a request asks for, and JSON answers.

/** A scope a request may ask for: `region` or a municipality code. */
export interface SegmentScope {
  /** `region` or the municipality code, as used in URLs and the JSON. */
  key: string;
  report: ReportScope;
  /** The municipality's name; null for the region. */
  name: string | null;
}

/**
 * The scope a request asks for. Regional roles: `region` (default) or any
 * municipality; municipal users: always their own municipality, and asking for
 * any other scope (`region` included) is a 404, as if it did not exist.
 */
export function resolveSegmentScope(access: RequestAccess, param: string | null): SegmentScope {
  const requested = param?.trim() || null;
  if (access.scope.read === "all") {
    if (!requested || requested === "region") return { key: "region", report: { kind: "region" }, name: null };
    const municipality = access.requireMunicipality(requested);
    return { key: municipality.code, report: { kind: "municipality", code: municipality.code }, name: municipality.name };
  }
  const own = access.municipalities[0];
  if (!own || access.municipalities.length !== 1) throw new Response("Not Found", { status: 404 });
  const municipality = access.requireMunicipality(requested ?? own.code);
  return { key: municipality.code, report: { kind: "municipality", code: municipality.code }, name: municipality.name };
}

/** `null` when absent (use the default), `"invalid"` for anything that is not a report year (parseReportYear). */
export function parseYear(param: string | null): number | null | "invalid" {
  if (param === null || param.trim() === "") return null;
  return parseReportYear(param) ?? "invalid";
}

/**
 * `requireAccess` for JSON resource routes: the same checks, answered in JSON.
 * Not logged in is a 401 (not the login redirect a page gets), no permission a
 * 403, a scope out of reach a 404.
 */
export async function requireApiAccess(request: Request, context: AppLoadContext): Promise<RequestAccess> {
  try {
    return await requireAccess(request, context, "read:segments");
  } catch (error) {
    throw asJsonError(error);
  }
}

const ERROR_CODES: Record<number, string> = { 400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found" };

/**
 * A thrown Response (redirect to login, 403, 404) or a Refusal as a JSON error (`{error: code}`,
 * plus the field when there is one); anything else unchanged.
 */
export function asJsonError(error: unknown): unknown {
  if (isRefusal(error)) return refusalJson(error);
  if (!(error instanceof Response)) return error;
  const status = error.status >= 300 && error.status < 400 ? 401 : error.status;
  const code = ERROR_CODES[status];
  return code ? jsonError(status, code) : error;
}

export function jsonError(status: number, error: string): Response {
  return json({ error }, { status, headers: { "Cache-Control": "private, no-store" } });
}


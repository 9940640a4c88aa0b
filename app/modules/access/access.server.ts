import {
  can as roleCan,
  codesInScope,
  inScope,
  municipalityScopeOf,
  sharedWritesOf,
  type MunicipalityScope,
  type Permission,
} from "@jeugdregio/access";
import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { NO_TENANTS, withTenantScope, type ScopedTransaction } from "~db/tenant-scope";
import type { Actor } from "~/modules/access/actor";
import { findSessionUser, sessionCookie, type SessionUser } from "~/modules/auth/session.server";
import { isReadRequest, timeLimited } from "~/server/request-limits.server";

/**
 * The one helper that decides what a request may see. Every loader and action
 * calls `requireAccess` (or `resolveVisitor` on public pages) and reaches the
 * database only through the `run` it returns, which sets the tenant scope for
 * row-level security: the second wall behind this one.
 */
export interface RequestAccess {
  user: SessionUser;
  /** The signed-in user as the audit log records them (id, e-mail, the request's address). */
  actor: Actor;
  scope: MunicipalityScope;
  /** Municipalities the user may read, in name order. */
  municipalities: { code: string; name: string }[];
  can(permission: Permission): boolean;
  run<T>(work: (trx: ScopedTransaction) => Promise<T>): Promise<T>;
  /**
   * The municipality if it is in the read scope; otherwise a 404, as if it did not exist.
   * With `"write"` it must also be in the write scope (a readable one outside it is a 403).
   */
  requireMunicipality(code: string, mode?: "read" | "write"): { code: string; name: string };
  /** Whether the user may change this municipality's data (role and tenant). */
  canWrite(code: string): boolean;
}

export interface Visitor {
  user: SessionUser | null;
  token: string | null;
  /** Database work outside any tenant (login, sessions, own profile). */
  run<T>(work: (trx: ScopedTransaction) => Promise<T>): Promise<T>;
}

export async function sessionToken(request: Request, context: AppLoadContext): Promise<string | null> {
  const value: unknown = await sessionCookie(context.config).parse(request.headers.get("Cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

interface VisitorLookup {
  user: SessionUser | null;
  /** Every municipality in name order (reference data), read with the session. */
  all: { code: string; name: string }[];
}

// One lookup per HTTP request for the root and route loaders together (they share the load
// context). Only for GET and HEAD: an action may change the session before its loaders run.
const lookups = new WeakMap<AppLoadContext, Map<string, Promise<VisitorLookup>>>();

function lookUpVisitor(request: Request, context: AppLoadContext, token: string): Promise<VisitorLookup> {
  const fresh = () =>
    withTenantScope(context.db, NO_TENANTS, async (trx) => {
      const user = await findSessionUser(trx, token, context.config.sessionTtlHours);
      const all = user ? await trx.selectFrom("municipality").select(["code", "name"]).orderBy("name").execute() : [];
      return { user, all };
    });
  if (request.method !== "GET" && request.method !== "HEAD") return fresh();
  let perToken = lookups.get(context);
  if (!perToken) lookups.set(context, (perToken = new Map()));
  let lookup = perToken.get(token);
  if (!lookup) perToken.set(token, (lookup = fresh()));
  return lookup;
}

export async function resolveVisitor(request: Request, context: AppLoadContext): Promise<Visitor> {
  return (await visitorWithMunicipalities(request, context)).visitor;
}

async function visitorWithMunicipalities(request: Request, context: AppLoadContext): Promise<{ visitor: Visitor; all: VisitorLookup["all"] }> {
  const run = <T>(work: (trx: ScopedTransaction) => Promise<T>) => withTenantScope(context.db, NO_TENANTS, work);
  const token = await sessionToken(request, context);
  const lookup = token ? await lookUpVisitor(request, context, token) : { user: null, all: [] };
  return { visitor: { user: lookup.user, token: lookup.user ? token : null, run }, all: lookup.all };
}

export async function requireAccess(
  request: Request,
  context: AppLoadContext,
  permission?: Permission,
): Promise<RequestAccess> {
  const { visitor, all } = await visitorWithMunicipalities(request, context);
  if (!visitor.user) {
    const url = new URL(request.url);
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  const user = visitor.user;
  if (permission && !roleCan(user.role, permission)) {
    throw new Response("Forbidden", { status: 403 });
  }
  const scope = municipalityScopeOf(user.role, user.municipalityCode);
  // The shared tables this role may change travel with the scope, for the policies to check.
  const tenantScope = { ...scope, shared: sharedWritesOf(user.role) };
  const scoped = <T>(work: (trx: ScopedTransaction) => Promise<T>) => withTenantScope(context.db, tenantScope, work);
  // Reads are limited in time (issue 13, point 12); writes are never cut off halfway.
  const run = <T>(work: (trx: ScopedTransaction) => Promise<T>) =>
    isReadRequest(request) ? timeLimited(context.config, scoped, work) : scoped(work);
  const visible = new Set(codesInScope(scope.read, all.map((m) => m.code)));
  const municipalities = all.filter((m) => visible.has(m.code));
  return {
    user,
    actor: { userId: user.id, label: user.email, ip: context.clientIp },
    scope,
    municipalities,
    can: (p) => roleCan(user.role, p),
    run,
    requireMunicipality(code, mode = "read") {
      const found = municipalities.find((m) => m.code === code);
      if (!found || !inScope(scope.read, code)) throw new Response("Not Found", { status: 404 });
      if (mode === "write" && !inScope(scope.write, code)) throw new Response("Forbidden", { status: 403 });
      return found;
    },
    canWrite: (code) => inScope(scope.write, code),
  };
}

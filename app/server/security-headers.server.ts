import { randomBytes } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

/**
 * The policy of every page. Scripts: this origin's bundles and the inline scripts Remix writes
 * (its context, the route modules, scroll restoration), which carry the request's nonce (root.tsx).
 * Style attributes are allowed (the charts position their parts with them), style elements only
 * from this origin.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

// Features the app never uses, off for it and anything it could embed.
const PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

/** CSP with a fresh nonce (in `res.locals.cspNonce`), Permissions-Policy, and HSTS in production. */
export function securityHeaders(production: boolean) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(18).toString("base64");
    res.locals.cspNonce = nonce;
    res.setHeader("content-security-policy", contentSecurityPolicy(nonce));
    res.setHeader("permissions-policy", PERMISSIONS_POLICY);
    // Only in production: on a development machine it would pin localhost to HTTPS for a year.
    if (production) res.setHeader("strict-transport-security", "max-age=31536000; includeSubDomains");
    next();
  };
}

/**
 * Everything the Remix handler answers (pages, `_data`, JSON, exports, errors) may carry figures:
 * no browser or proxy keeps a copy. Remix copies a route's headers with `res.append`; a route's
 * own Cache-Control replaces this default instead of being added to it.
 */
export function noStore(_req: Request, res: Response, next: NextFunction) {
  res.setHeader("cache-control", "no-store");
  const append = res.append.bind(res);
  res.append = (field: string, value?: string[] | string) =>
    field.toLowerCase() === "cache-control" && value !== undefined ? res.set(field, value) : append(field, value);
  next();
}

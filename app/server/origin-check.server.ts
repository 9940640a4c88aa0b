import type { NextFunction, Request, Response } from "express";
import { SESSION_COOKIE } from "~/modules/auth/session.server";
import type { Logger } from "./logger.server";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The app's own origin for this request: `APP_ORIGIN` when configured, else the scheme (the
 * proxy's X-Forwarded-Proto when trusted, see `trust proxy`) and the Host header (or a trusted
 * proxy's X-Forwarded-Host).
 */
export function requestOrigin(req: Request, configured: string | null): string {
  if (configured) return configured;
  const trust = req.app.get("trust proxy fn") as (address: string | undefined, hop: number) => boolean;
  const forwardedHost = trust(req.socket.remoteAddress, 0) ? req.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  return `${req.protocol}://${(forwardedHost || req.get("host") || "").toLowerCase()}`;
}

function originOf(value: string): string | null {
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

function hasSessionCookie(req: Request): boolean {
  const header = req.get("cookie");
  return !!header && header.split(";").some((pair) => pair.trim().startsWith(`${SESSION_COOKIE}=`));
}

/**
 * Cross-site writes: the one check for every state-changing request (page and `_data` actions,
 * resource routes, the upload API, login, logout, the language switch). SameSite=Lax alone lets a
 * sibling subdomain through. Origin must be ours; where a browser left it out, the Referer's
 * origin must be. With neither, only a request without a session cookie passes: it carries no
 * ambient authority (a script logging in), and every browser sends Origin on a cross-site post.
 */
export function originCheck(configuredOrigin: string | null, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const own = requestOrigin(req, configuredOrigin);
    const origin = req.get("origin");
    const referer = req.get("referer");
    const claimed = origin !== undefined ? origin.toLowerCase() : referer !== undefined ? originOf(referer) : null;
    if (claimed === own || (origin === undefined && referer === undefined && !hasSessionCookie(req))) return next();
    // The claimed origin is no identifier; the path without its query, as in the request log.
    logger.warn({ requestId: res.locals.requestId, method: req.method, path: req.path, origin: claimed }, "cross-site request refused");
    res.status(403).setHeader("cache-control", "no-store");
    if (req.path.startsWith("/api/") || req.query._data !== undefined) res.json({ problem: "crossSiteRequest" });
    else res.type("text/plain").send("Forbidden: cross-site request");
  };
}

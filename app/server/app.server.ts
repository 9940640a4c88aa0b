import { randomUUID } from "node:crypto";
import path from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import express from "express";
import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { BulkLoader } from "~db/connect";
import type { Database } from "~db/schema";
import type { AppConfig } from "./config.server";
import "./context.server";
import type { Logger } from "./logger.server";
import { originCheck } from "./origin-check.server";
import { noStore, securityHeaders } from "./security-headers.server";

export interface ServerAppOptions {
  config: AppConfig;
  db: Kysely<Database>;
  bulk?: BulkLoader;
  logger: Logger;
  build: ServerBuild;
  publicDir?: string;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,100}$/;

/** The Express app around the Remix build: static files, request ids, logs, health. */
export function createServerApp({ config, db, bulk, logger, build, publicDir = "public" }: ServerAppOptions) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);

  app.use((req, res, next) => {
    const incoming = req.get("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("x-request-id", requestId);
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("referrer-policy", "same-origin");
    res.setHeader("x-frame-options", "DENY");
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      // Path only: query strings and headers can carry identifiers.
      logger.info({
        requestId,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      }, "request");
    });
    next();
  });

  app.use(securityHeaders(config.env === "production"));

  app.get("/healthz", async (_req, res) => {
    try {
      await sql`select 1`.execute(db);
      res.status(200).json({ status: "ok" });
    } catch (error) {
      logger.error({ err: error, requestId: res.locals.requestId }, "health check: database unreachable");
      res.status(503).json({ status: "unavailable" });
    }
  });

  // Browsers ask for /favicon.ico on their own: point them to the SVG (a 404 here was logged as an error).
  app.get("/favicon.ico", (_req, res) => res.redirect(301, "/favicon.svg"));
  app.use("/build", express.static(path.join(publicDir, "build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(publicDir, { maxAge: "1h" }));

  app.use(originCheck(config.appOrigin, logger));
  // No name the app stores can hold a NUL character (PostgreSQL text cannot): an address with
  // one (in a path parameter or the query) names nothing, before any loader queries with it.
  app.use((req, res, next) => (/%00/i.test(req.originalUrl) ? res.status(404).type("text/plain").send("Not Found") : next()));
  app.use(noStore);
  app.all(
    "*",
    createRequestHandler({
      build,
      // Always production: in development mode Remix sends an uncaught error's message and stack
      // to the browser (a data request's JSON, the page's hydration data); the log has them instead.
      mode: "production",
      getLoadContext: (req, res): AppLoadContext => ({
        db,
        bulk,
        config,
        logger: logger.child({ requestId: res.locals.requestId }),
        requestId: res.locals.requestId as string,
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
        // HTTPS, directly or as a trusted proxy's X-Forwarded-Proto says: cookies get Secure.
        secureRequest: req.secure,
        cspNonce: res.locals.cspNonce as string,
      }),
    }),
  );
  return app;
}

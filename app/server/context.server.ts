import type { Kysely } from "kysely";
import type { BulkLoader } from "~db/connect";
import type { Database } from "~db/schema";
import type { AppConfig } from "./config.server";
import type { Logger } from "./logger.server";

/** What the HTTP server hands every loader and action. */
export interface ServerContext {
  db: Kysely<Database>;
  /** COPY-based loading for imports (absent: imports validate and store row by row). */
  bulk?: BulkLoader;
  config: AppConfig;
  logger: Logger;
  requestId: string;
  clientIp: string;
  /** The request came over HTTPS (directly or through a trusted proxy). */
  secureRequest: boolean;
  /** This response's Content-Security-Policy nonce, for the inline scripts (entry.server.tsx). */
  cspNonce: string;
}

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends ServerContext {}
}

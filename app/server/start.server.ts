import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { DatabaseInUseError } from "~db/connect";
import { createServerApp } from "./app.server";
import { prepareDatabase } from "./bootstrap.server";
import { ConfigError, loadConfig } from "./config.server";
import { createLogger } from "./logger.server";

/** `npm start`: configuration, database (migrated and seeded), then HTTP. */
async function main() {
  const started = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const handle = await prepareDatabase(config, logger);
  const buildPath = path.resolve("build/index.js");
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  const app = createServerApp({ config, db: handle.db, bulk: handle.bulk, logger, build });
  const server = app.listen(config.port, config.host, () => {
    logger.info(
      {
        url: `http://localhost:${config.port}`,
        database: handle.describe,
        demo: config.demo,
        startupMs: Math.round(performance.now() - started),
        rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
      },
      "Jeugdregio Insight is listening",
    );
    // The line to look for after a first start's loading: where to go.
    logger.info({ url: `http://localhost:${config.port}` }, `ready: open http://localhost:${config.port} in a browser`);
  });

  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down");
    server.close(() => {
      void handle.close().finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof DatabaseInUseError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`Start-up failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});

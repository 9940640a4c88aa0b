// The first start's "still working" line, on a thread of its own: the embedded database (PGlite)
// runs on the main thread, so one long statement (the segment summaries) holds every timer there.
import { parentPort, workerData } from "node:worker_threads";
import pino from "pino";

const { fd, everyMs, text } = workerData;
// The same lines as the app's logger (app/server/logger.server.ts): JSON, level info, its service name.
const logger = pino({ level: "info", base: { service: "jeugdregio-insight" } }, pino.destination({ fd, sync: true }));
const started = Date.now();
const timer = setInterval(() => logger.info(`${text}, ${Math.round((Date.now() - started) / 1000)} s so far`), everyMs);
parentPort.on("message", () => {
  clearInterval(timer);
  parentPort.close();
});

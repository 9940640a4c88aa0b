/**
 * Test-only pauses for the fault test (test/db/import-faults.test.ts): with
 * `JR_FAULT_PAUSE=<point>` an import stops at that point, says so on stderr and waits
 * there until the test kills the process (kill -9). Never in production.
 */
export type FaultPoint = "during-copy" | "after-copy" | "final-transaction";

// Read at run time: the server bundle has `process.env.NODE_ENV` replaced by "production" at build time.
const NODE_ENV_KEY = ["NODE", "ENV"].join("_");

export async function faultPoint(point: FaultPoint): Promise<void> {
  if (process.env.JR_FAULT_PAUSE !== point || process.env[NODE_ENV_KEY] === "production") return;
  process.stderr.write(`JR_FAULT_PAUSED ${point} pid=${process.pid}\n`);
  // A timer keeps the process alive while it waits to be killed.
  await new Promise<never>(() => setInterval(() => undefined, 60_000));
}

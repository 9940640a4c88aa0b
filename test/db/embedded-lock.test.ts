import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * Issue 13.1: two processes on one embedded data folder corrupt it (PGlite takes no lock).
 * Real processes: the server (`start.server.ts`) and the CLI, with the same DATA_DIR.
 */
const work = mkdtempSync(path.join(tmpdir(), "jr-lock-"));
const dataDir = path.join(work, "data");
const base = { ...process.env, LOG_LEVEL: "info", DEMO: "0", DATA_DIR: dataDir } as Record<string, string>;
delete base.DATABASE_URL;
delete base.TEST_DATABASE_URL;
const tsx = path.resolve("node_modules/.bin/tsx");
const started: ChildProcess[] = [];
const pidsToStop = new Set<number>();

afterAll(() => {
  for (const pid of pidsToStop) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  for (const child of started) child.kill("SIGKILL");
});

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, ["app/cli/main.server.ts", ...args], { env: base as NodeJS.ProcessEnv, encoding: "utf8", timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the real server; resolves once it listens, or with its exit when it ends first. */
function startServer(port: number): Promise<{ listening: boolean; code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "app/server/start.server.ts"], { env: { ...(base as NodeJS.ProcessEnv), PORT: String(port), HOST: "127.0.0.1" } });
  started.push(child);
  let stderr = "";
  return new Promise((resolve) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      if (stderr.includes("is listening")) resolve({ listening: true, code: null, stderr });
    });
    child.on("exit", (code) => resolve({ listening: false, code, stderr }));
  });
}

const IN_USE = new RegExp(
  `^the embedded database in ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is in use by process (\\d+); stop the server or use DATABASE_URL$`,
  "m",
);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the embedded database in one folder", () => {
  it("refuses a second process at once with a clear message, and a stale lock does not block a restart", async () => {
    expect((await cli(["migrate"])).code).toBe(0);
    const lockFile = path.join(dataDir, "pgdata.lock");
    expect(existsSync(lockFile)).toBe(false); // released when the CLI closed the database

    const port = await freePort();
    const server = await startServer(port);
    expect(server.listening, server.stderr).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    // The CLI while the server runs: refused, non-zero, the message alone (no stack trace).
    const refused = await cli(["batch", "list"]);
    expect(refused.code).not.toBe(0);
    const match = refused.stderr.match(IN_USE);
    expect(match, refused.stderr).not.toBeNull();
    const serverPid = Number(match![1]);
    pidsToStop.add(serverPid);
    expect(alive(serverPid)).toBe(true);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(refused.stdout).toBe("");

    // A second server: refused too, before it listens.
    const second = await startServer(await freePort());
    expect(second.listening).toBe(false);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(IN_USE);
    expect(second.stderr).not.toMatch(/\n\s+at /);

    // The first server was not disturbed.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    // Stopped, it releases the folder; the CLI then works.
    process.kill(serverPid, "SIGTERM");
    for (let i = 0; i < 100 && alive(serverPid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(serverPid)).toBe(false);
    expect(existsSync(lockFile)).toBe(false);
    expect((await cli(["batch", "list", "--format", "json"])).code).toBe(0);

    // A lock left by a process that died (kill -9) does not block the next start.
    const dead = spawn(process.execPath, ["-e", "0"]);
    await new Promise((resolve) => dead.on("exit", resolve));
    writeFileSync(lockFile, `${dead.pid}\n`);
    const afterCrash = await cli(["batch", "list", "--format", "json"]);
    expect(afterCrash.code, afterCrash.stderr).toBe(0);
    expect(JSON.parse(afterCrash.stdout)).toEqual([]);
    expect(existsSync(lockFile)).toBe(false);
  }, 180_000);
});

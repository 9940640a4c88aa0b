import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { demoImportProgress, seedDemo } from "~seeds/demo";
import { createTestDatabase } from "../support/database";

/**
 * The first `npm start` says what it loads and how far it is, then that it is ready and where to
 * go (issue 16): the demo seed's progress lines, and the server's ready line.
 */
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
});

describe("the demo data's progress", () => {
  it("names each phase and every tenth of the file as it is stored, then the total", async () => {
    const database = await createTestDatabase();
    const lines: string[] = [];
    // The heartbeat's lines, from its own thread, to a file in place of stderr.
    const heartbeatFile = path.join(mkdtempSync(path.join(tmpdir(), "jr-heartbeat-")), "log");
    const fd = openSync(heartbeatFile, "w");
    try {
      await seedDemo(database.db, (message) => lines.push(message), {
        pseudonymKey: "first-start",
        bulk: database.bulk,
        declarations: { trajectoriesPerThousand: 3 },
        heartbeat: { fd, everyMs: 50 },
      });
    } finally {
      await database.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // the worker's last line, if one was on its way
    closeSync(fd);
    const beats = readFileSync(heartbeatFile, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { level: number; service: string; msg: string });
    expect(beats.length).toBeGreaterThan(0);
    for (const beat of beats) {
      expect(beat).toMatchObject({ level: 30, service: "jeugdregio-insight" });
      expect(beat.msg).toMatch(/^demo declarations: updating the figures, \d+ s so far$/);
    }
    // It stopped with the import: no more lines after a while.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readFileSync(heartbeatFile, "utf8").trim().split("\n").filter(Boolean).length).toBe(beats.length);
    const declarations = lines.filter((l) => l.startsWith("demo declarations:"));
    const at = (pattern: RegExp) => declarations.findIndex((l) => pattern.test(l));
    expect(at(/loading the generated declarations 2022–2026/)).toBe(0);
    expect(at(/checking and storing the lines \(\d+\.\d MB\)/)).toBeGreaterThan(0);
    const percents = declarations.map((l) => /stored (\d+)% \(/.exec(l)?.[1]).filter(Boolean).map(Number);
    expect(percents.at(-1)).toBe(100);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(at(/all lines stored; updating the figures/)).toBeGreaterThan(at(/stored 100%/));
    expect(declarations.at(-1)).toMatch(/^demo declarations: \d+ lines, total € [\d.]+ \(\d+ s\)$/);
    // Counts and sizes only: nothing that looks like a citizen service number or a client key.
    expect(lines.join("\n")).not.toMatch(/\b\d{9}\b|K\d{4}c/);
  }, 300_000);

  it("logs each tenth once, whatever the size of the steps, and says once that all lines are stored", () => {
    const lines: string[] = [];
    let stored = 0;
    const { onProgress: progress } = demoImportProgress((message) => lines.push(message), () => stored++);
    const mb = 1024 * 1024;
    const at = (phase: "hashing" | "storing" | "done", bytes: number) => progress({ phase, bytesRead: bytes, rows: 0, totalBytes: 10 * mb });
    for (const bytes of [mb, 5 * mb, 10 * mb]) at("hashing", bytes);
    for (const bytes of [0, mb / 2, mb, 1.5 * mb, 4.5 * mb, 4.6 * mb, 9.99 * mb, 10 * mb, 10 * mb]) at("storing", bytes);
    at("done", 10 * mb);
    expect(lines).toEqual([
      "demo declarations: reading the file (10.0 MB) once for its fingerprint",
      "demo declarations: checking and storing the lines (10.0 MB)",
      "demo declarations: stored 10% (1.0 of 10.0 MB)",
      "demo declarations: stored 45% (4.5 of 10.0 MB)",
      "demo declarations: stored 99% (10.0 of 10.0 MB)",
      "demo declarations: stored 100% (10.0 of 10.0 MB)",
      "demo declarations: all lines stored; updating the figures (segment summaries)",
    ]);
    expect(stored).toBe(1);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("npm start", () => {
  it("says when it is ready and which address to open", async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DATABASE_URL;
    delete env.TEST_DATABASE_URL;
    // The demo accounts and budgets, without the declarations (their progress is tested above).
    Object.assign(env, { PORT: String(port), HOST: "127.0.0.1", DATA_DIR: mkdtempSync(path.join(tmpdir(), "jr-first-start-")), DEMO: "1", DEMO_DECLARATIONS: "0", LOG_LEVEL: "info" });
    const child = spawn(process.execPath, ["--import", "tsx", "app/server/start.server.ts"], { env });
    children.push(child);
    let stderr = "";
    const ready = new Promise<void>((resolve, reject) => {
      child.stderr!.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
        if (stderr.includes("ready: open")) resolve();
      });
      child.on("exit", (code) => reject(new Error(`the server ended (${code}) before it was ready: ${stderr}`)));
    });
    await ready;
    const messages = stderr.trim().split("\n").filter((l) => l.startsWith("{")).map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toContain("demo accounts: 6 created, 0 already present");
    expect(messages.at(-1)).toBe(`ready: open http://localhost:${port} in a browser`);
    expect(messages.indexOf("Jeugdregio Insight is listening")).toBe(messages.length - 2);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  }, 180_000);
});

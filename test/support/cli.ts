import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase, testServerUrl, type TestDatabase } from "./database";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI as operators use it (a child process) on a scratch database of its own: a new
 * database on the PostgreSQL server under test (TEST_DATABASE_URL), else an embedded one in a
 * temporary folder (`dataDir`). Not migrated or seeded: the tests run `migrate` and `seed`.
 */
export interface CliHarness {
  /** A temporary folder for the test's files. */
  work: string;
  /** The embedded database's folder (DATA_DIR), or null on PostgreSQL. */
  dataDir: string | null;
  /** The scratch database on PostgreSQL, or null when embedded. */
  database: TestDatabase | null;
  run(args: string[]): Promise<CliResult>;
  /** Writes `content` to `name` in `work` and returns its path. */
  file(name: string, content: string): string;
  close(): Promise<void>;
}

export async function cliHarness(prefix: string): Promise<CliHarness> {
  const work = mkdtempSync(path.join(tmpdir(), prefix));
  const base = { ...process.env, LOG_LEVEL: "warn" } as Record<string, string>;
  delete base.DATABASE_URL;
  delete base.TEST_DATABASE_URL;
  let database: TestDatabase | null = null;
  let dataDir: string | null = null;
  let env: Record<string, string>;
  if (testServerUrl()) {
    database = await createTestDatabase({ seed: false });
    env = { ...base, DATABASE_URL: database.url! };
  } else {
    dataDir = path.join(work, "data");
    env = { ...base, DATA_DIR: dataDir };
  }
  return {
    work,
    dataDir,
    database,
    run: (args) =>
      new Promise((resolve) => {
        const child = execFile(
          path.resolve("node_modules/.bin/tsx"),
          ["app/cli/main.server.ts", ...args],
          { env: env as NodeJS.ProcessEnv, encoding: "utf8", timeout: 120_000 },
          (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
        );
        child.stdin?.end("");
      }),
    file(name, content) {
      const full = path.join(work, name);
      writeFileSync(full, content);
      return full;
    },
    close: async () => {
      await database?.close();
    },
  };
}

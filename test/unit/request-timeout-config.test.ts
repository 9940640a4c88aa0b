import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "~/server/config.server";

const base: NodeJS.ProcessEnv = {
  NODE_ENV: "test",
  DATA_DIR: mkdtempSync(path.join(tmpdir(), "jr-config-")),
  SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
  PSEUDONYM_KEY: "test-pseudonym-key-test-pseudonym-key-0123",
};

describe("REQUEST_TIMEOUT_SECONDS", () => {
  it("defaults to 30 seconds and accepts fractions", () => {
    expect(loadConfig(base).requestTimeoutSeconds).toBe(30);
    expect(loadConfig({ ...base, REQUEST_TIMEOUT_SECONDS: "0.5" }).requestTimeoutSeconds).toBe(0.5);
  });

  it("stops the start with its name for a value that is not a positive number of seconds", () => {
    for (const value of ["abc", "0", "-5", "100000"]) {
      expect(() => loadConfig({ ...base, REQUEST_TIMEOUT_SECONDS: value }), value).toThrow(/REQUEST_TIMEOUT_SECONDS/);
    }
  });
});

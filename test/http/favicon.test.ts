import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { startTestServer, type TestServer } from "../support/server";

/** The favicon (issue 16): the SVG, linked from every page, and /favicon.ico a redirect to it, not an error. */
let database: TestDatabase;
let server: TestServer;
const logFile = path.join(mkdtempSync(path.join(tmpdir(), "jr-favicon-")), "server.log");
let fd: number;

beforeAll(async () => {
  database = await createTestDatabase();
  fd = openSync(logFile, "w");
  server = await startTestServer(database.db, {}, { logFd: fd });
});
afterAll(async () => {
  await server?.close();
  closeSync(fd);
  await database?.close();
});

const logLines = () =>
  readFileSync(logFile, "utf8").trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string; path?: string; status?: number });

describe("favicon", () => {
  it("is an SVG that every page links to", async () => {
    const page = await fetch(`${server.baseUrl}/login`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<link rel="icon" href="\/favicon.svg" type="image\/svg\+xml"\/>/);
    const icon = await fetch(`${server.baseUrl}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(await icon.text()).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it("answers /favicon.ico with a redirect to the SVG, and logs no error", async () => {
    const response = await fetch(`${server.baseUrl}/favicon.ico`, { redirect: "manual" });
    expect(response.status).toBe(301);
    expect(response.headers.get("location")).toBe("/favicon.svg");
    const followed = await fetch(`${server.baseUrl}/favicon.ico`);
    expect(followed.status).toBe(200);
    expect(followed.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    const lines = logLines();
    expect(lines).toContainEqual(expect.objectContaining({ msg: "request", path: "/favicon.ico", status: 301 }));
    // pino's levels: 50 is error, 40 warn.
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  });
});

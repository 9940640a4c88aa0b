import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, TEST_PASSWORD, type TestServer } from "../support/server";

let database: TestDatabase;
let server: TestServer;
const logFile = path.join(mkdtempSync(path.join(tmpdir(), "jr-log-")), "server.log");
let fd: number;

beforeAll(async () => {
  database = await createTestDatabase();
  fd = openSync(logFile, "w");
  server = await startTestServer(database.db, {}, { logFd: fd });
  await addUser(database.db, { email: "analyst@rigg.test", role: "rigg_analyst" });
});
afterAll(async () => {
  await server?.close();
  closeSync(fd);
  await database?.close();
});

describe("structured logs", () => {
  it("write one JSON line per request with its request id, and no secrets", async () => {
    const client = new HttpClient(server.baseUrl, { "x-request-id": "trace-abc-12345" });
    await client.post("/login", { email: "analyst@rigg.test", password: "Wrong-Secret-987", redirectTo: "/" });
    await client.logIn("analyst@rigg.test");
    const token = decodeURIComponent(client.cookieHeader().match(/jr_session=([^;]+)/)![1]!).split(".")[0]!;
    const home = await client.get("/municipalities/GM0014?bsn=123456782");
    expect(home.status).toBe(200);
    expect(home.headers.get("x-request-id")).toBe("trace-abc-12345");

    const lines = readFileSync(logFile, "utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = lines.filter((l) => l.msg === "request");
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(requests.every((l) => l.requestId === "trace-abc-12345")).toBe(true);
    expect(requests).toContainEqual(expect.objectContaining({ method: "GET", path: "/municipalities/GM0014", status: 200 }));

    const text = readFileSync(logFile, "utf8");
    for (const secret of ["Wrong-Secret-987", TEST_PASSWORD, token, "123456782", "jr_session"]) {
      expect(text).not.toContain(secret);
    }
  });

  it("replaces a malformed incoming request id with its own", async () => {
    const response = await fetch(`${server.baseUrl}/healthz`, { headers: { "x-request-id": "<script>" } });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

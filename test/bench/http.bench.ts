/**
 * HTTP under load (`npm run bench:http`): the production server (built app) on the scale-profile
 * database (BENCH_LINES, default 10M), a logged-in steering member, autocannon with 50
 * connections for 30 s (BENCH_HTTP_SECONDS) on loopback against the segment overview page and
 * its JSON route: requests/s, p50/p95/p99 latency (every response timed), errors, and the server
 * process's peak memory (VmHWM). The server runs with NODE_ENV=production, as deployed.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import autocannon from "autocannon";
import { openDatabase } from "~db/connect";
import { NO_TENANTS, withTenantScope } from "~db/tenant-scope";
import { createUser, findUser } from "~/modules/users/users.server";
import { BENCH_YEAR, LINES, percentile, scaleDatabase } from "./scale-db";

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 30);
const CONNECTIONS = 50;
const PORT = 3977;
const EMAIL = "bench.steering@bench.test";
const PASSWORD = "bench-password-bench-password";

function serverMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb("VmRSS") * 1024, peak: kb("VmHWM") * 1024 };
}

async function load(path: string, cookie: string) {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: `http://127.0.0.1:${PORT}${path}`, connections: CONNECTIONS, duration: SECONDS, timeout: 120, headers: { cookie } }, (error, done) =>
      error ? reject(error) : resolve(done),
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  return {
    rps: result.requests.average,
    p50: latencies.length ? percentile(latencies, 50) : NaN,
    p95: latencies.length ? percentile(latencies, 95) : NaN,
    p99: latencies.length ? percentile(latencies, 99) : NaN,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: latencies.length,
  };
}

async function main() {
  console.log(`HTTP benchmark · ${new Date().toISOString()} · ${cpus().length} cores · node ${process.version} · ${LINES.toLocaleString("en-GB")} lines · ${CONNECTIONS} connections × ${SECONDS} s · loopback`);
  const url = await scaleDatabase();
  const handle = await openDatabase({ kind: "postgres", url });
  await withTenantScope(handle.db, NO_TENANTS, async (trx) => {
    if (!(await findUser(trx, EMAIL))) {
      await createUser(trx, { userId: null, label: "bench" }, { email: EMAIL, displayName: "Bench", role: "steering_member", municipalityCode: null, password: PASSWORD });
    }
  });
  await handle.close();

  const server = spawn(process.execPath, ["--import", "tsx", "app/server/start.server.ts"], {
    env: { ...process.env, DATABASE_URL: url, PORT: String(PORT), HOST: "127.0.0.1", LOG_LEVEL: "warn", DEMO: "0",
      // Measured as it is deployed: production React and Remix, with the secrets production requires.
      NODE_ENV: "production", SESSION_SECRET: "bench-session-secret-bench-session-secret-0", PSEUDONYM_KEY: "bench-pseudonym-key-bench-pseudonym-key-0" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  try {
    for (let i = 0; ; i++) {
      const up = await fetch(`http://127.0.0.1:${PORT}/login`).then((r) => r.ok, () => false);
      if (up) break;
      if (i > 600) throw new Error("server did not start");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const login = await fetch(`http://127.0.0.1:${PORT}/login`, { method: "POST", body: new URLSearchParams({ email: EMAIL, password: PASSWORD, redirectTo: "/" }), redirect: "manual" });
    const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    if (login.status !== 302 || !cookie) throw new Error(`login failed: ${login.status}`);
    for (const [label, path] of [
      ["segment overview page", `/segments?year=${BENCH_YEAR}`],
      ["segment JSON route", `/api/segments?year=${BENCH_YEAR}`],
    ] as const) {
      const r = await load(path, cookie);
      const memory = serverMemory(server.pid!);
      console.log(
        `${label.padEnd(22)} ${Math.round(r.rps)} req/s · p50 ${Math.round(r.p50)} ms · p95 ${Math.round(r.p95)} ms · p99 ${Math.round(r.p99)} ms · ${r.errors} errors of ${r.requests} · target p95 < 250 ms, no errors: ${r.p95 < 250 && r.errors === 0 ? "met" : "NOT met"} · server RSS ${Math.round(memory.rss / 1048576)} MB`,
      );
    }
    console.log(`peak memory of the server process (VmHWM): ${Math.round(serverMemory(server.pid!).peak / 1048576)} MB`);
  } finally {
    server.kill("SIGTERM");
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

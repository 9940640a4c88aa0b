/**
 * HTTP under load (`npm run bench:http`): the production server (built app) on the scale-profile
 * database (BENCH_LINES, default 10M), a logged-in steering member, autocannon with 50
 * connections for 30 s (BENCH_HTTP_SECONDS) on loopback against the segment overview page and
 * its JSON route, the concentration page (region) and a local budget page (the bench budget of
 * GM5001 that bench:read-model creates; as a RIGG analyst): requests/s, p50/p95/p99 latency (every response timed), errors, and the server
 * process's peak memory (VmHWM). The server runs with NODE_ENV=production, as deployed. Then a
 * RIGG analyst uploads a ~1M-line declaration file through /api/imports while the server's memory
 * is sampled (figure 5 during the import); the batch is rolled back afterwards, so the data set
 * stays as it was.
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { tmpdir } from "node:os";
import { cpus } from "node:os";
import autocannon from "autocannon";
import { openDatabase } from "~db/connect";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { demoDeclarationBytes } from "~seeds/demo-data";
import { rollBackBatch } from "~/modules/declarations/declaration-import.server";
import { createUser, findUser } from "~/modules/users/users.server";
import { BENCH_YEAR, LINES, percentile, scaleDatabase } from "./scale-db";

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 30);
const CONNECTIONS = 50;
const PORT = 3977;
const EMAIL = "bench.steering@bench.test";
const ANALYST_EMAIL = "bench.analyst@bench.test";
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
  // The regional scope: row-level security on app_user lets only it create regional accounts.
  await withTenantScope(handle.db, ALL_TENANTS, async (trx) => {
    if (!(await findUser(trx, EMAIL))) {
      await createUser(trx, { userId: null, label: "bench" }, { email: EMAIL, displayName: "Bench", role: "steering_member", municipalityCode: null, password: PASSWORD });
    }
    if (!(await findUser(trx, ANALYST_EMAIL))) {
      await createUser(trx, { userId: null, label: "bench" }, { email: ANALYST_EMAIL, displayName: "Bench analyst", role: "rigg_analyst", municipalityCode: null, password: PASSWORD });
    }
  });

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
    const cookie = await logIn(EMAIL);
    const analystCookie = await logIn(ANALYST_EMAIL);
    // The budget page needs the bench budget that `npm run bench:read-model` creates (GM5001).
    const budget = await withTenantScope(handle.db, ALL_TENANTS, (trx) =>
      trx.selectFrom("local_budget").select(["municipality_code", "key"]).where("municipality_code", "=", "GM5001").where("key", "=", "bench_samen").executeTakeFirst(),
    );
    const pages: [string, string, string][] = [
      ["segment overview page", `/segments?year=${BENCH_YEAR}`, cookie],
      ["segment JSON route", `/api/segments?year=${BENCH_YEAR}`, cookie],
      ["concentration page", `/concentration?year=${BENCH_YEAR}`, cookie],
    ];
    if (budget) pages.push(["budget page (GM5001)", `/budgets/GM5001/bench_samen?year=2025`, analystCookie]);
    else console.log("budget page: skipped (no bench budget; run npm run bench:read-model first)");
    for (const [label, path, asUser] of pages) {
      const r = await load(path, asUser);
      const memory = serverMemory(server.pid!);
      console.log(
        `${label.padEnd(22)} ${Math.round(r.rps)} req/s · p50 ${Math.round(r.p50)} ms · p95 ${Math.round(r.p95)} ms · p99 ${Math.round(r.p99)} ms · ${r.errors} errors of ${r.requests} · target p95 < 250 ms, no errors: ${r.p95 < 250 && r.errors === 0 ? "met" : "NOT met"} · server RSS ${Math.round(memory.rss / 1048576)} MB`,
      );
    }
    console.log(`peak memory of the server process under load (VmHWM): ${Math.round(serverMemory(server.pid!).peak / 1048576)} MB`);

    // An import through the server, as RIGG uploads one.
    const file = path.join(mkdtempSync(path.join(tmpdir(), "jr-bench-http-")), "declaraties.csv");
    await pipeline(Readable.from(demoDeclarationBytes({ trajectoriesPerThousand: 600, seed: 11 })), createWriteStream(file));
    const analyst = analystCookie;
    let peakDuringImport = 0;
    const sampler = setInterval(() => (peakDuringImport = Math.max(peakDuringImport, serverMemory(server.pid!).rss)), 100);
    const started = performance.now();
    const body = new FormData();
    body.append("file", new Blob([readFileSync(file)], { type: "text/csv" }), "declaraties.csv");
    const upload = await fetch(`http://127.0.0.1:${PORT}/api/imports`, { method: "POST", body, headers: { cookie: analyst, accept: "application/json", origin: `http://127.0.0.1:${PORT}` } });
    if (upload.status !== 202) throw new Error(`upload refused: ${upload.status} ${await upload.text()}`);
    const { jobId } = (await upload.json()) as { jobId: string };
    let job: { status: string; outcome?: { kind: string; batchId?: string; lines?: number } };
    for (;;) {
      job = (await (await fetch(`http://127.0.0.1:${PORT}/api/imports/${jobId}`, { headers: { cookie: analyst } })).json()) as typeof job;
      if (job.status !== "running") break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    if (job.status !== "done" || !job.outcome?.batchId) throw new Error(`import did not finish: ${JSON.stringify(job).slice(0, 300)}`);
    console.log(
      `import through the server (${(statSync(file).size / 1048576).toFixed(0)} MB, upload and import, into the ${LINES.toLocaleString("en-GB")}-line data set): ${seconds.toFixed(1)} s · peak RSS of the server process during it: ${Math.round(peakDuringImport / 1048576)} MB`,
    );
    await withTenantScope(handle.db, ALL_TENANTS, (trx) => rollBackBatch(trx, { userId: null, label: "bench" }, job.outcome!.batchId!));
  } finally {
    server.kill("SIGTERM");
    await handle.close();
  }
}

async function logIn(email: string): Promise<string> {
  const login = await fetch(`http://127.0.0.1:${PORT}/login`, { method: "POST", body: new URLSearchParams({ email, password: PASSWORD, redirectTo: "/" }), redirect: "manual" });
  const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  if (login.status !== 302 || !cookie) throw new Error(`login failed: ${login.status}`);
  return cookie;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

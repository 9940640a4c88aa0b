/**
 * Every page on the demo data (`npm run bench:pages`; issue 15 §3: "on the demo data, every page's
 * server time p95 < 150 ms"): the production server on a fresh embedded database with the demo
 * data, as `npm start` makes it, each demo account signed in, every page it may open requested
 * BENCH_PAGE_RUNS times (default 20) one after the other on loopback; median and p95 of the time
 * to the full answer per page and account, slowest first. One request at a time, so the time is
 * the server's own work (the client's part on loopback is well under a millisecond).
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "~seeds/demo-accounts";
import { percentile } from "./scale-db";

const RUNS = Number(process.env.BENCH_PAGE_RUNS ?? 20);
const PORT = 3978;
const BASE = `http://127.0.0.1:${PORT}`;
const TARGET_MS = 150;

/** The pages a user opens (exports and JSON routes left out), with the demo's codes. */
const PAGES = [
  "/",
  "/segments",
  "/segments/basishulp",
  "/segments/aanvullende_hulp/54001",
  "/concentration",
  "/compare",
  "/forecast",
  "/municipalities",
  "/municipalities/GM0014",
  "/budgets",
  "/budgets/GM0014",
  "/budgets/GM0014/samen",
  "/budgets/GM1966/basisteam",
  "/roadmap",
  "/roadmap/print",
  "/roadmap/reviews",
  "/catalog",
  "/catalog/54001",
  "/imports",
  "/population/import",
  "/index-figures",
  "/audit",
  "/admin/users",
];

/** The embedded database, as `npm start` uses it: no DATABASE_URL. */
function withoutDatabaseUrl(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return env;
}

async function logIn(email: string): Promise<string> {
  const login = await fetch(`${BASE}/login`, {
    method: "POST",
    body: new URLSearchParams({ email, password: DEMO_PASSWORD, redirectTo: "/" }),
    headers: { origin: BASE },
    redirect: "manual",
  });
  const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  if (login.status !== 302 || !cookie) throw new Error(`login failed for ${email}: ${login.status}`);
  return cookie;
}

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), "jr-bench-pages-"));
  console.log(`pages benchmark · ${new Date().toISOString()} · ${cpus().length} cores · node ${process.version} · demo data (embedded, ${dataDir}) · ${RUNS} requests per page and account, one at a time`);
  const started = performance.now();
  const server = spawn(process.execPath, ["--import", "tsx", "app/server/start.server.ts"], {
    env: { ...withoutDatabaseUrl(), DATA_DIR: dataDir, PORT: String(PORT), HOST: "127.0.0.1", LOG_LEVEL: "warn", DEMO: "1", NODE_ENV: "production",
      SESSION_SECRET: "bench-session-secret-bench-session-secret-0", PSEUDONYM_KEY: "bench-pseudonym-key-bench-pseudonym-key-0" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  try {
    for (let i = 0; ; i++) {
      if (await fetch(`${BASE}/login`).then((r) => r.ok, () => false)) break;
      if (i > 3000) throw new Error("server did not start");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    console.log(`server up with the demo data in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    const rows: { page: string; account: string; median: number; p95: number }[] = [];
    for (const account of DEMO_ACCOUNTS) {
      const cookie = await logIn(account.email);
      for (const page of PAGES) {
        const first = await fetch(BASE + page, { headers: { cookie }, redirect: "manual" });
        await first.arrayBuffer();
        if (first.status !== 200) continue; // not this account's page (403/404/redirect)
        const times: number[] = [];
        for (let run = 0; run < RUNS; run++) {
          const t0 = performance.now();
          const response = await fetch(BASE + page, { headers: { cookie } });
          await response.arrayBuffer();
          times.push(performance.now() - t0);
        }
        rows.push({ page, account: account.role + (account.municipalityCode ? ` ${account.municipalityCode}` : ""), median: percentile(times, 50), p95: percentile(times, 95) });
      }
    }
    rows.sort((a, b) => b.p95 - a.p95);
    console.log(`\n${"page".padEnd(36)} ${"account".padEnd(26)} ${"median".padStart(8)} ${"p95".padStart(8)}`);
    for (const r of rows) console.log(`${r.page.padEnd(36)} ${r.account.padEnd(26)} ${`${r.median.toFixed(0)} ms`.padStart(8)} ${`${r.p95.toFixed(0)} ms`.padStart(8)}${r.p95 >= TARGET_MS ? "  over 150 ms" : ""}`);
    const over = rows.filter((r) => r.p95 >= TARGET_MS);
    console.log(`\n${rows.length} page visits measured; ${over.length} with p95 ≥ ${TARGET_MS} ms (target: none)`);
  } finally {
    server.kill("SIGTERM");
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

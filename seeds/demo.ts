import { Worker } from "node:worker_threads";
import type { Kysely } from "kysely";
import type { BulkLoader } from "~db/connect";
import type { Database } from "~db/schema";
import { ACCOUNTS_ONLY, ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importDeclarations, type ImportPhase, type ImportProgress } from "~/modules/declarations/declaration-import.server";
import { demoDeclarationBytes, type DemoOptions } from "./demo-data";
import { createUser, findUser } from "~/modules/users/users.server";
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from "./demo-accounts";
import { DEMO_HOGELAND, DEMO_OTHER_SPENDING, DEMO_OVA, DEMO_SAMEN } from "./demo-budgets";
import { importIndexFigures, saveBudgetDefinition } from "~/modules/budgets/budgets.server";
import { importOtherSpending } from "~/modules/budgets/finance-entries.server";
import type { SeedLog } from "./reference";

/**
 * Demo accounts for each role (existing accounts are left as they are) and, on
 * a database without declarations, the generated demo declarations, loaded
 * through the real import path.
 */
export async function seedDemo(
  db: Kysely<Database>,
  log: SeedLog = () => {},
  options: { pseudonymKey: string; declarations?: DemoOptions | false; bulk?: BulkLoader; heartbeat?: HeartbeatOptions } = { pseudonymKey: "demo" },
): Promise<void> {
  let created = 0;
  await withTenantScope(db, ACCOUNTS_ONLY, async (trx) => {
    for (const account of DEMO_ACCOUNTS) {
      if (await findUser(trx, account.email)) continue;
      await createUser(trx, { userId: null, label: "seed --demo" }, { ...account, password: DEMO_PASSWORD });
      created++;
    }
  });
  log(`demo accounts: ${created} created, ${DEMO_ACCOUNTS.length - created} already present`);
  await seedDemoBudgets(db, log);
  if (options.declarations === false) return;

  const hasData = await withTenantScope(db, ALL_TENANTS, (trx) =>
    trx.selectFrom("import_batch").select("id").limit(1).executeTakeFirst(),
  );
  if (hasData) return;
  const demoOptions = options.declarations ?? {};
  log("demo declarations: loading the generated declarations 2022–2026 (first start only: a minute or two)");
  const started = Date.now();
  // Generated once more up front for its size (a second or two), so that the progress has a total.
  let size = 0;
  for await (const chunk of demoDeclarationBytes(demoOptions)) size += chunk.length;
  // Updating the figures after the last line reports nothing itself: a heartbeat says it goes on.
  let heartbeat: Worker | null = null;
  const progress = demoImportProgress(log, () => {
    if (options.heartbeat) heartbeat = startHeartbeat(options.heartbeat, "demo declarations: updating the figures");
  });
  const result = await importDeclarations(
    db,
    { userId: null, label: "seed --demo" },
    { name: "demo-declaraties-2022-2026.csv", size, open: () => demoDeclarationBytes(demoOptions) },
    { mode: "append", pseudonymKey: options.pseudonymKey, bulk: options.bulk, onProgress: progress.onProgress },
  ).finally(() => stopHeartbeat(heartbeat));
  if (!result.ok) throw new Error(`Demo declarations rejected: ${JSON.stringify(result.errors.shown.slice(0, 3))}`);
  log(`demo declarations: ${result.lines} lines, total € ${result.totalAmount} (${Math.round((Date.now() - started) / 1000)} s)`);
}

/**
 * The first start's progress, so that a minute of loading is not a minute of silence: each phase
 * once and every tenth of the file as it is stored; `onStored` when the last line is in. Counts
 * and sizes only: no line's content is ever logged.
 */
export function demoImportProgress(log: SeedLog, onStored: () => void = () => {}): { onProgress: (progress: ImportProgress) => void } {
  let phase: ImportPhase | null = null;
  let nextTenth = 1;
  let stored = false;
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const onProgress = (progress: ImportProgress) => {
    const total = progress.totalBytes ?? 0;
    if (progress.phase !== phase) {
      if (progress.phase === "hashing") log(`demo declarations: reading the file (${mb(total)} MB) once for its fingerprint`);
      // Validating is the row-by-row path's name for storing once a line was refused.
      if (progress.phase === "storing" && phase !== "validating") log(`demo declarations: checking and storing the lines (${mb(total)} MB)`);
      phase = progress.phase;
    }
    if ((progress.phase !== "storing" && progress.phase !== "validating") || total <= 0) return;
    const share = Math.min(1, progress.bytesRead / total);
    if (share * 10 < nextTenth) return;
    nextTenth = Math.floor(share * 10) + 1;
    const rows = progress.rows ? `, ${progress.rows} lines` : "";
    log(`demo declarations: stored ${Math.floor(share * 100)}% (${mb(progress.bytesRead)} of ${mb(total)} MB${rows})`);
    if (share >= 1 && !stored) {
      stored = true;
      log("demo declarations: all lines stored; updating the figures (segment summaries)");
      onStored();
    }
  };
  return { onProgress };
}

/** Where and how often the heartbeat logs (a file descriptor the app's log goes to, e.g. 2). */
export interface HeartbeatOptions {
  fd: number;
  everyMs: number;
}

function startHeartbeat(options: HeartbeatOptions, text: string): Worker {
  const worker = new Worker(new URL("./heartbeat.worker.mjs", import.meta.url), { workerData: { ...options, text } });
  worker.unref();
  // A heartbeat that fails is no reason to stop the start.
  worker.on("error", () => {});
  return worker;
}

function stopHeartbeat(worker: Worker | null): void {
  worker?.postMessage("stop");
}

/**
 * The OVA series, Groningen's SAMEN. budget, Het Hogeland's own budget and the closed square's
 * typed figures, each once: what exists is left as it is.
 */
async function seedDemoBudgets(db: Kysely<Database>, log: SeedLog): Promise<void> {
  const actor = { userId: null, label: "seed --demo" };
  const bytes = (text: string) => new TextEncoder().encode(text);
  await withTenantScope(db, ALL_TENANTS, async (trx) => {
    const seeded: string[] = [];
    if (!(await trx.selectFrom("index_figure").select("year").limit(1).executeTakeFirst())) {
      await importIndexFigures(trx, actor, { name: "ova.csv", bytes: bytes(DEMO_OVA) });
      seeded.push("the OVA series");
    }
    for (const budget of [DEMO_SAMEN, DEMO_HOGELAND]) {
      const existing = await trx.selectFrom("local_budget").select("key").where("municipality_code", "=", budget.municipality_code).where("key", "=", budget.key).executeTakeFirst();
      if (existing) continue;
      await saveBudgetDefinition(trx, actor, budget);
      seeded.push(`${budget.municipality_code} ${budget.name}`);
    }
    if (!(await trx.selectFrom("other_youth_spending").select("year").limit(1).executeTakeFirst())) {
      await importOtherSpending(trx, actor, { name: "overige-jeugdhulp.csv", bytes: bytes(DEMO_OTHER_SPENDING) });
      seeded.push("non-contracted care and PGB");
    }
    if (seeded.length) log(`demo budgets: ${seeded.join(", ")}`);
  });
}

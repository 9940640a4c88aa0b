/**
 * A PostgreSQL database holding a scale-profile data set (BENCH_LINES lines, default 10M), shared by
 * the segment-table, mapping and HTTP benchmarks: created once per size and kept
 * (`jr_bench_scale_<lines>`), so each figure can be re-measured with one command without importing
 * again. BENCH_FRESH=1 builds it anew.
 */
import { createReadStream, existsSync, mkdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { sql, type Kysely } from "kysely";
import pg from "pg";
import { openDatabase } from "~db/connect";
import { migrateToLatest } from "~db/migrate";
import type { Database } from "~db/schema";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { seedReferenceData } from "~seeds/reference";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { registerSyntheticMunicipalities, writeScaleFile } from "~/modules/declarations/scale-profile.server";
import { DECLARED_DATES_BY_DEFAULT } from "~seeds/lag-data";

export const LINES = Number(process.env.BENCH_LINES ?? 10_000_000);
export const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const PROFILE = { lines: LINES, municipalities: 342, providers: 3000, firstYear: 2022, years: 4, seed: 7 };
export const BENCH_YEAR = 2024;
const KEY = "bench-pseudonym-key-bench-pseudonym-key-0";
/** Files and databases with declared dates (lag-data.ts) are kept apart from those without. */
const DATED = DECLARED_DATES_BY_DEFAULT ? "_dated" : "";

export function scaleFilePath(): string {
  const dir = path.join(tmpdir(), "jr-bench-scale");
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `scale-${LINES}-${PROFILE.seed}${DATED}.csv`);
}

/** The generated file (kept between runs: same size and seed, same file). */
export async function scaleFile(): Promise<string> {
  const file = scaleFilePath();
  if (!existsSync(file)) {
    const started = performance.now();
    await writeScaleFile(file, PROFILE);
    console.log(`generated ${LINES.toLocaleString("en-GB")} lines, ${(statSync(file).size / 1048576).toFixed(0)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return file;
}

export function databaseUrl(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The URL of the loaded database, building it when it is missing or BENCH_FRESH=1. */
export async function scaleDatabase(): Promise<string> {
  const name = `jr_bench_scale_${LINES}${DATED}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  try {
    const exists = (await admin.query("select 1 from pg_database where datname = $1", [name])).rowCount === 1;
    if (exists && process.env.BENCH_FRESH !== "1") {
      const probe = new pg.Client({ connectionString: databaseUrl(name) });
      await probe.connect();
      const complete = await probe.query("select 1 from import_batch where status = 'committed' limit 1").catch(() => ({ rowCount: 0 }));
      await probe.end();
      if (complete.rowCount === 1) {
        // Kept from an earlier run: bring its schema up to date.
        const kept = await openDatabase({ kind: "postgres", url: databaseUrl(name) });
        await migrateToLatest(kept.db);
        await kept.close();
        return databaseUrl(name);
      }
    }
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const file = await scaleFile();
  const handle = await openDatabase({ kind: "postgres", url: databaseUrl(name) });
  try {
    await migrateToLatest(handle.db);
    await seedReferenceData(handle.db);
    await registerSyntheticMunicipalities(handle.db, PROFILE);
    const started = performance.now();
    const result = await importDeclarations(
      handle.db,
      { userId: null, label: "bench" },
      { name: path.basename(file), size: statSync(file).size, open: () => createReadStream(file) },
      { mode: "append", pseudonymKey: KEY, bulk: handle.bulk },
    );
    if (!result.ok) throw new Error(`import rejected: ${JSON.stringify(result.errors.shown.slice(0, 3))}`);
    const seconds = (performance.now() - started) / 1000;
    console.log(`imported ${result.lines.toLocaleString("en-GB")} lines in ${seconds.toFixed(1)} s (${Math.round(result.lines / seconds).toLocaleString("en-GB")} lines/s)`);
    // Statistics and the visibility map, as autovacuum leaves them shortly after an import (the
    // region's client counts read the client summary's key with an index-only scan).
    await sql`vacuum (analyze)`.execute(handle.db);
  } finally {
    await handle.close();
  }
  return databaseUrl(name);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * The benchmarks' peer: DuckDB in memory holding the scale file's lines (month, municipality,
 * provider, product, client, amount) and the database's product mapping, as the figures' SQL
 * in each benchmark expects them. The load time is returned, not counted in any scan.
 */
export async function duckDbWithScaleLines(db: Kysely<Database>): Promise<{ duck: DuckDBConnection; loadMs: number }> {
  const file = await scaleFile();
  const duck = await (await DuckDBInstance.create(":memory:")).connect();
  const started = performance.now();
  await duck.run(`create table lines as select strptime(period || '-01', '%Y-%m-%d')::date as month, municipality_code, provider_code, product_code, client_key,
               replace(amount, ',', '.')::decimal(18, 2) as amount
            from read_csv('${file}', delim = ';', header = true, all_varchar = true)`);
  const loadMs = performance.now() - started;
  const mapping = await withTenantScope(db, ALL_TENANTS, (trx) => trx.selectFrom("product_mapping").select(["product_code", "segment_key", "municipality_code", "valid_from", "valid_to"]).execute());
  await duck.run("create table mapping (product_code varchar, segment_key varchar, municipality_code varchar, valid_from date, valid_to date)");
  const appender = await duck.createAppender("mapping");
  for (const m of mapping) {
    appender.appendVarchar(m.product_code);
    if (m.segment_key === null) appender.appendNull();
    else appender.appendVarchar(m.segment_key);
    if (m.municipality_code === null) appender.appendNull();
    else appender.appendVarchar(m.municipality_code);
    appender.appendVarchar(String(m.valid_from));
    if (m.valid_to === null) appender.appendNull();
    else appender.appendVarchar(String(m.valid_to));
    appender.endRow();
  }
  appender.closeSync();
  return { duck, loadMs };
}

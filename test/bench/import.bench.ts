/**
 * Import benchmark (`npm run bench` or `npm run bench:import`): a generated file
 * of N declaration lines (default 1,000,000; BENCH_LINES) imported through the
 * real import path, into PostgreSQL (BENCH_DATABASE_URL, default the local
 * server) and into the embedded database, next to a raw COPY of the same file
 * into a bare table on the same database: the physical limit. Prints lines per
 * second (medians of BENCH_RUNS runs, default 3), the ratio, the core count and
 * the peak memory of this process.
 */
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, statSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import copyStreams from "pg-copy-streams";
import { openDatabase, type DatabaseHandle } from "~db/connect";
import { migrateToLatest } from "~db/migrate";
import { seedReferenceData } from "~seeds/reference";
import { demoDeclarationBytes } from "~seeds/demo-data";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";

const LINES_TARGET = Number(process.env.BENCH_LINES ?? 1_000_000);
/** Each figure is the median of this many runs (COPY on a busy 2-core machine varies by ±20%). */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const KEY = "bench-pseudonym-key-bench-pseudonym-key-0";
const work = mkdtempSync(path.join(tmpdir(), "jr-bench-"));
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

/** The generated file's columns, declared_on included (lag-data.ts), as text: the same bytes COPY'd raw. */
const BARE_TABLE = `create table bare_declaration (
  period text, municipality_code text, provider_code text, provider_name text, product_code text,
  client_key text, amount text, units text, referrer text, declared_on text)`;

async function generate(seed?: number): Promise<{ file: string; lines: number }> {
  const file = path.join(work, `declaraties${seed ?? ""}.csv`);
  // ~20k lines a year per 60 trajectories per 1,000 youth: scale the demo shape up.
  const rate = Math.ceil((LINES_TARGET / 100_000) * 60);
  await pipeline(Readable.from(demoDeclarationBytes({ trajectoriesPerThousand: rate, seed })), createWriteStream(file));
  // Data lines: line breaks minus the header's (counted on the bytes, without a copy as text).
  const bytes = readFileSync(file);
  let breaks = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) breaks++;
  return { file, lines: breaks - 1 };
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now();
  const result = await work();
  return { result, seconds: (performance.now() - started) / 1000 };
}

async function importInto(handle: DatabaseHandle, file: string) {
  await migrateToLatest(handle.db);
  await seedReferenceData(handle.db);
  const size = statSync(file).size;
  const { result, seconds } = await timed(() =>
    importDeclarations(handle.db, { userId: null, label: "bench" }, { name: path.basename(file), size, open: () => createReadStream(file) }, { mode: "append", pseudonymKey: KEY, bulk: handle.bulk, onBulk: (event) => event.kind !== "loaded" && console.log(`bulk path: ${JSON.stringify(event)}`) }),
  );
  if (!result.ok) throw new Error(`import rejected: ${JSON.stringify(result.errors.shown.slice(0, 3))}`);
  return { lines: result.lines, seconds };
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

async function benchServer(file: string, lines: number) {
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  const database = async <T>(work: (url: string) => Promise<T>): Promise<T> => {
    const name = `jr_bench_${Date.now()}`;
    await admin.query(`create database ${name}`);
    const url = new URL(SERVER_URL);
    url.pathname = `/${name}`;
    try {
      return await work(url.toString());
    } finally {
      // The pool's last connections end a moment after close() resolves; dropping the database
      // under them (with force) would terminate them, which the pool reports as an unhandled error.
      for (let wait = 0; wait < 50; wait++) {
        const open = await admin.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1", [name]);
        if (open.rows[0]?.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await admin.query(`drop database if exists ${name} with (force)`);
    }
  };
  try {
    const ours: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      ours.push(
        await database(async (url) => {
          const handle = await openDatabase({ kind: "postgres", url });
          try {
            return (await importInto(handle, file)).seconds;
          } finally {
            await handle.close();
          }
        }),
      );
    }
    const raw = await database(async (url) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(BARE_TABLE);
      const times: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        await client.query("truncate bare_declaration");
        const { seconds } = await timed(async () => {
          const copy = client.query(copyStreams.from("copy bare_declaration from stdin with (format csv, delimiter ';', header true)"));
          await pipeline(createReadStream(file), copy);
        });
        times.push(seconds);
      }
      await client.end();
      return times;
    });
    // A second delivery for the same years into the loaded database: every municipality-year
    // already has summary rows, so the upkeep adds to them (upserts) instead of inserting.
    const second = await generate(7);
    const appendSeconds = await database(async (url) => {
      const handle = await openDatabase({ kind: "postgres", url });
      try {
        await importInto(handle, file);
        return (await importInto(handle, second.file)).seconds;
      } finally {
        await handle.close();
      }
    });
    return { ...result(lines, ours, raw), append: { lines: second.lines, seconds: appendSeconds } };
  } finally {
    await admin.end();
  }
}

async function benchEmbedded(file: string, lines: number) {
  const ours: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const handle = await openDatabase({ kind: "embedded", dataDir: path.join(work, `pgdata-${run}`) });
    ours.push((await importInto(handle, file)).seconds);
    await handle.close();
  }
  const bare = await PGlite.create(path.join(work, "pgdata-bare"));
  await bare.query(BARE_TABLE);
  const bytes = readFileSync(file);
  const raw: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await bare.query("truncate bare_declaration");
    const { seconds } = await timed(() =>
      bare.query("copy bare_declaration from '/dev/blob' with (format csv, delimiter ';', header true)", [], { blob: new Blob([bytes]) }),
    );
    raw.push(seconds);
  }
  await bare.close();
  return result(lines, ours, raw);
}

function result(lines: number, ours: number[], raw: number[]) {
  const oursSeconds = median(ours);
  const rawSeconds = median(raw);
  return { ours: lines / oursSeconds, raw: lines / rawSeconds, oursSeconds, rawSeconds };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-GB");

async function main() {
  console.log(`import benchmark · ${new Date().toISOString()} · ${cpus().length} cores · node ${process.version}`);
  const { file, lines } = await generate();
  console.log(`file: ${fmt(lines)} lines, ${(statSync(file).size / 1048576).toFixed(1)} MB (; decimal comma, BOM, CRLF); medians of ${RUNS} runs`);
  for (const [label, run] of [
    ["PostgreSQL", () => benchServer(file, lines)],
    ["embedded (PGlite)", () => benchEmbedded(file, lines)],
  ] as const) {
    if (label === "PostgreSQL" && process.env.BENCH_SKIP_SERVER === "1") continue;
    if (label !== "PostgreSQL" && process.env.BENCH_SKIP_EMBEDDED === "1") continue;
    const r: ReturnType<typeof result> & { append?: { lines: number; seconds: number } } = await run();
    console.log(
      `${label.padEnd(18)} import ${fmt(r.ours)} lines/s (${r.oursSeconds.toFixed(1)} s) · raw COPY ${fmt(r.raw)} lines/s (${r.rawSeconds.toFixed(1)} s) · ratio ${(r.ours / r.raw).toFixed(2)} (target ≥ 0.25)`,
    );
    if (r.append) {
      const perSecond = r.append.lines / r.append.seconds;
      console.log(
        `${label.padEnd(18)} second delivery for the same years (summary rows added to, not new): ${fmt(perSecond)} lines/s (${r.append.seconds.toFixed(1)} s, one run) · ratio ${(perSecond / r.raw).toFixed(2)}`,
      );
    }
  }
  console.log(`peak RSS of the importing process: ${Math.round(peakRss / 1048576)} MB`);
  clearInterval(sampler);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

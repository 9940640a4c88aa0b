import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite, types as pgliteTypes } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, sql } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import type { Database } from "./schema";

export type DatabaseTarget =
  | { kind: "postgres"; url: string; poolSize?: number }
  | { kind: "embedded"; dataDir: string };

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseTarget["kind"];
  /** A human-readable location without credentials, for logs. */
  describe: string;
  close(): Promise<void>;
}

const INT8 = 20;
const DATE = 1082;

/**
 * `pg` returns int8 as string, PGlite as number: normalise both to number here
 * (counts and ids stay far below 2^53). `numeric` stays a string in both, for
 * decimal.js. `date` stays the ISO string rather than a local-midnight Date.
 */
const parseInt8 = (value: string) => Number(value);
const keepDate = (value: string) => value;

let pgParsersSet = false;
function configurePgParsers() {
  if (pgParsersSet) return;
  pg.types.setTypeParser(INT8, parseInt8);
  pg.types.setTypeParser(DATE, keepDate);
  pgParsersSet = true;
}

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === "postgres") {
    configurePgParsers();
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await sql`select 1`.execute(db); // fail early with the driver's own message
    return { db, kind: "postgres", describe: redactUrl(target.url), close: () => db.destroy() };
  }
  const dataDir = target.dataDir.startsWith("memory://") ? target.dataDir : path.resolve(target.dataDir);
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir, {
    parsers: { [pgliteTypes.INT8]: parseInt8, [pgliteTypes.DATE]: keepDate },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  return { db, kind: "embedded", describe: `embedded PostgreSQL in ${dataDir}`, close: () => db.destroy() };
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres (unparseable URL)";
  }
}

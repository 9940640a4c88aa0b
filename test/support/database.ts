import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type DatabaseHandle } from "~db/connect";
import { migrateToLatest } from "~db/migrate";
import { seedReferenceData } from "~seeds/reference";

/** The server the database tests use, if any; otherwise the embedded database. */
export function testServerUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

export interface TestDatabase extends DatabaseHandle {
  /** A second handle (pool of one connection) for tests about pooled connections; PostgreSQL only. */
  url: string | null;
}

/**
 * A fresh database per test file: a new database on the PostgreSQL server
 * (dropped afterwards), or an in-memory embedded PostgreSQL. Migrated and
 * seeded with reference data, like a new installation.
 */
export async function createTestDatabase(options: { seed?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  let handle: DatabaseHandle;
  let url: string | null = null;
  let drop: (() => Promise<void>) | null = null;
  if (serverUrl) {
    const name = `jr_test_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const parsed = new URL(serverUrl);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    handle = await openDatabase({ kind: "postgres", url, poolSize: 4 });
    drop = async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      // The pool's connections close asynchronously after pool.end(): wait for them, so that the
      // forced drop does not kill one mid-goodbye (an unhandled "terminating connection" error).
      for (let i = 0; i < 50; i++) {
        const open = await client.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1", [name]);
        if (Number(open.rows[0]?.n ?? 0) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    };
  } else {
    handle = await openDatabase({ kind: "embedded", dataDir: "memory://" });
  }
  await migrateToLatest(handle.db);
  if (options.seed !== false) await seedReferenceData(handle.db);
  return {
    ...handle,
    url,
    close: async () => {
      await handle.close();
      if (drop) await drop();
    },
  };
}

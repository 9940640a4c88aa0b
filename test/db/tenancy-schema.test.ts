import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GLOBAL_TABLES_WITH_MUNICIPALITY, TENANT_TABLES } from "~db/tenancy";
import { createTestDatabase, type TestDatabase } from "../support/database";

/**
 * Keeps the schema distributable by municipality (Citus): every table with a
 * municipality code is either declared global or is a tenant table with the
 * code in its primary key and unique constraints, in its foreign keys to other tenant tables, and
 * with row-level security enabled and forced.
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
});
afterAll(async () => {
  await database?.close();
});

async function tablesWithMunicipalityCode(): Promise<string[]> {
  const rows = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where table_schema = 'public' and column_name = 'municipality_code'
    order by table_name`.execute(database.db);
  return rows.rows.map((r) => r.table_name);
}

describe("tenant-owned tables", () => {
  it("classifies every table that carries a municipality code", async () => {
    const declared = new Set<string>([...TENANT_TABLES, ...GLOBAL_TABLES_WITH_MUNICIPALITY]);
    const undeclared = (await tablesWithMunicipalityCode()).filter((t) => !declared.has(t));
    expect(undeclared).toEqual([]);
  });

  // Citus requires the distribution column in every primary key and unique constraint, not in
  // front: summary_client keys on (year, client_key, col, municipality_code) for the region's scan.
  async function constraintColumns(kind: "p" | "u"): Promise<{ table_name: string; columns: string[] }[]> {
    const rows = await sql<{ table_name: string; columns: string[] }>`
      select c.conrelid::regclass::text as table_name,
             array(select a.attname from unnest(c.conkey) k join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k)::text[] as columns
      from pg_constraint c
      where c.contype = ${kind} and c.connamespace = 'public'::regnamespace`.execute(database.db);
    return rows.rows;
  }

  it("carry the municipality code in their primary key", async () => {
    const keyColumns = new Map((await constraintColumns("p")).map((r) => [r.table_name, r.columns]));
    for (const table of TENANT_TABLES) expect([table, keyColumns.get(table)?.includes("municipality_code") ?? false]).toEqual([table, true]);
  });

  it("carry the municipality code in every unique constraint", async () => {
    const tenant = new Set<string>(TENANT_TABLES);
    expect((await constraintColumns("u")).filter((r) => tenant.has(r.table_name) && !r.columns.includes("municipality_code"))).toEqual([]);
  });

  it("reference other tenant tables through the municipality code", async () => {
    const rows = await sql<{ from_table: string; to_table: string; columns: string[] }>`
      select c.conrelid::regclass::text as from_table, c.confrelid::regclass::text as to_table,
             array(select a.attname from unnest(c.conkey) k join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k)::text[] as columns
      from pg_constraint c where c.contype = 'f' and c.connamespace = 'public'::regnamespace`.execute(database.db);
    const tenant = new Set<string>(TENANT_TABLES);
    const offending = rows.rows.filter(
      (fk) => tenant.has(fk.from_table) && tenant.has(fk.to_table) && !fk.columns.includes("municipality_code"),
    );
    expect(offending).toEqual([]);
  });

  it("have row-level security enabled and forced, with policies", async () => {
    const rows = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean; policies: number }>`
      select c.relname, c.relrowsecurity, c.relforcerowsecurity,
             (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
      from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')`.execute(database.db);
    const byName = new Map(rows.rows.map((r) => [r.relname, r]));
    for (const table of TENANT_TABLES) {
      expect(byName.get(table)).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
      expect(byName.get(table)!.policies).toBeGreaterThanOrEqual(4);
    }
  });

  it("stores money as numeric, never as a float", async () => {
    const floats = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = 'public' and data_type in ('real', 'double precision', 'money')`.execute(database.db);
    expect(floats.rows).toEqual([]);
  });
});

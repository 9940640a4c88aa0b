import { municipalityScopeOf } from "@jeugdregio/access";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "~db/connect";
import { ALL_TENANTS, NO_TENANTS, withTenantScope } from "~db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "../support/database";

/**
 * The second wall: even a hand-written query on a municipal user's request
 * handle cannot reach another municipality's rows, and the tenant setting of
 * one request never survives into the next one on the same pooled connection.
 */
let database: TestDatabase;
const groningenViewer = municipalityScopeOf("municipal_viewer", "GM0014");
const groningenEditor = municipalityScopeOf("municipal_editor", "GM0014");

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe("row-level security on tenant-owned tables", () => {
  it("shows a municipal user only their own rows, even with raw SQL", async () => {
    const codes = await withTenantScope(database.db, groningenViewer, async (trx) => {
      const rows = await sql<{ municipality_code: string }>`select municipality_code from population`.execute(trx);
      return new Set(rows.rows.map((r) => r.municipality_code));
    });
    expect([...codes]).toEqual(["GM0014"]);
  });

  it("finds nothing of another municipality when asked for it by name", async () => {
    const rows = await withTenantScope(database.db, groningenViewer, (trx) =>
      sql`select * from population where municipality_code = 'GM1966'`.execute(trx),
    );
    expect(rows.rows).toHaveLength(0);
    // …while the rows do exist for a regional scope.
    const regional = await withTenantScope(database.db, ALL_TENANTS, (trx) =>
      sql`select * from population where municipality_code = 'GM1966'`.execute(trx),
    );
    expect(regional.rows.length).toBeGreaterThan(0);
  });

  it("shows nothing at all without a tenant scope", async () => {
    const rows = await withTenantScope(database.db, NO_TENANTS, (trx) => sql`select * from population`.execute(trx));
    expect(rows.rows).toHaveLength(0);
  });

  it("refuses to write another municipality's rows", async () => {
    await expect(
      withTenantScope(database.db, groningenEditor, (trx) =>
        sql`insert into population (municipality_code, year, inhabitants_0_17, source) values ('GM1966', 1999, 1, 'attack')`.execute(trx),
      ),
    ).rejects.toThrow(/row-level security/);
    const updated = await withTenantScope(database.db, groningenEditor, (trx) =>
      sql`update population set inhabitants_0_17 = 0 where municipality_code = 'GM1966'`.execute(trx),
    );
    expect(Number(updated.numAffectedRows ?? 0)).toBe(0);
    const deleted = await withTenantScope(database.db, groningenEditor, (trx) =>
      sql`delete from population where municipality_code = 'GM1966'`.execute(trx),
    );
    expect(Number(deleted.numAffectedRows ?? 0)).toBe(0);
    const intact = await withTenantScope(database.db, ALL_TENANTS, (trx) =>
      sql<{ n: number }>`select count(*)::int as n from population where municipality_code = 'GM1966' and inhabitants_0_17 > 0`.execute(trx),
    );
    expect(intact.rows[0]!.n).toBeGreaterThan(0);
  });

  it("lets a viewer read but not write their own municipality", async () => {
    await expect(
      withTenantScope(database.db, groningenViewer, (trx) =>
        sql`insert into population (municipality_code, year, inhabitants_0_17, source) values ('GM0014', 1999, 1, 'viewer')`.execute(trx),
      ),
    ).rejects.toThrow(/row-level security/);
  });

});

describe("the application role", () => {
  it("is not the tables' owner, not a superuser and cannot bypass RLS", async () => {
    const role = await withTenantScope(database.db, groningenViewer, (trx) =>
      sql<{ current_user: string; rolsuper: boolean; rolbypassrls: boolean; owns: boolean }>`
        select current_user, r.rolsuper, r.rolbypassrls,
               exists (select 1 from pg_tables t where t.schemaname = 'public' and t.tableowner = current_user) as owns
        from pg_roles r where r.rolname = current_user`.execute(trx),
    );
    expect(role.rows[0]).toMatchObject({ current_user: "jeugdregio_app", rolsuper: false, rolbypassrls: false, owns: false });
  });
});

describe("tenant settings on pooled connections", () => {
  let single: DatabaseHandle | null = null;
  afterAll(async () => {
    await single?.close();
  });

  it("does not carry a request's tenant scope into the next use of the connection", async () => {
    // One connection only, so the next query certainly reuses it (PGlite has one anyway).
    single = database.url ? await openDatabase({ kind: "postgres", url: database.url, poolSize: 1 }) : null;
    const db = single?.db ?? database.db;

    const inside = await withTenantScope(db, groningenViewer, (trx) =>
      sql<{ scope: string; who: string }>`select current_setting('jeugdregio.read_scope', true) as scope, current_user as who`.execute(trx),
    );
    expect(inside.rows[0]).toEqual({ scope: "GM0014", who: "jeugdregio_app" });

    const after = await sql<{ scope: string | null; who: string }>`
      select current_setting('jeugdregio.read_scope', true) as scope, current_user as who`.execute(db);
    expect(after.rows[0]!.scope ?? "").toBe("");
    expect(after.rows[0]!.who).not.toBe("jeugdregio_app");

    // The next request, for a different municipality, sees only its own rows.
    const next = await withTenantScope(db, municipalityScopeOf("municipal_viewer", "GM1966"), (trx) =>
      sql<{ municipality_code: string }>`select distinct municipality_code from population`.execute(trx),
    );
    expect(next.rows.map((r) => r.municipality_code)).toEqual(["GM1966"]);
  });

  it("clears the scope after a failed transaction too", async () => {
    const db = single?.db ?? database.db;
    await expect(
      withTenantScope(db, groningenViewer, async (trx) => {
        await sql`select 1`.execute(trx);
        throw new Error("request failed");
      }),
    ).rejects.toThrow("request failed");
    const after = await sql<{ scope: string | null }>`select current_setting('jeugdregio.read_scope', true) as scope`.execute(db);
    expect(after.rows[0]!.scope ?? "").toBe("");
  });

  it("rejects a malformed municipality code instead of passing it to SQL", async () => {
    await expect(withTenantScope(database.db, { read: ["GM0014,GM1966"], write: [] }, async () => 1)).rejects.toThrow(
      /Invalid municipality code/,
    );
  });
});

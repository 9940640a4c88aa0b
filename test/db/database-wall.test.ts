import { can, canEditTrack, municipalityScopeOf, sharedWritesOf, type Role } from "@jeugdregio/access";
import { sql, type RawBuilder } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, NO_TENANTS, withTenantScope, type ScopedTransaction, type TenantScope } from "~db/tenant-scope";
import { createSession, findSessionUser } from "~/modules/auth/session.server";
import { addUser } from "../support/server";
import { createTestDatabase, type TestDatabase } from "../support/database";

/**
 * The second wall, thicker (issue 13, point 10): whatever SQL a request's transaction sends, it
 * writes a shared table only as the guard (packages/access) allows, reads no password or session
 * hash, and cannot widen its own scope by setting it.
 */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await addUser(database.db, { email: "someone@example.org", role: "rigg_analyst" });
});
afterAll(async () => {
  await database?.close();
});

/** The scope a request of this role gets (app/modules/access/access.server.ts requireAccess). */
function requestScope(role: Role, municipality: string | null): TenantScope {
  return { ...municipalityScopeOf(role, municipality), shared: sharedWritesOf(role) };
}

class RolledBack extends Error {
  constructor(readonly outcome: "changed" | "unchanged") {
    super("rolled back");
  }
}

/**
 * Runs `statement` in a request-like transaction and rolls it back whatever happens: "changed" when
 * it changed at least one row, "unchanged" when the database refused it or it matched no row.
 */
async function attempt(scope: TenantScope, statement: RawBuilder<unknown>): Promise<"changed" | "unchanged"> {
  try {
    await withTenantScope(database.db, scope, async (trx) => {
      const result = await statement.execute(trx);
      throw new RolledBack(Number(result.numAffectedRows ?? 0) > 0 ? "changed" : "unchanged");
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.outcome;
    // Refused by a policy or a missing privilege, never by anything else.
    expect((error as { code?: string }).code).toBe("42501");
    return "unchanged";
  }
  throw new Error("unreachable");
}

const REGIONAL_TRACK = { municipalityCode: null };
const GRONINGEN_TRACK = { municipalityCode: "GM0014" };

/** Each write on a shared table, with who may make it according to the guard. */
const WRITES: { name: string; statement: RawBuilder<unknown>; allowed: (role: Role, municipality: string | null) => boolean }[] = [
  {
    name: "update a regional roadmap track",
    statement: sql`update roadmap_track set health = 'delayed', health_reason = 'attack' where municipality_code is null`,
    allowed: (role, m) => canEditTrack(role, m, REGIONAL_TRACK),
  },
  {
    name: "update a regional track's steps",
    statement: sql`update roadmap_step set state = 'done' where track_id = 'hsj'`,
    allowed: (role, m) => canEditTrack(role, m, REGIONAL_TRACK),
  },
  {
    name: "insert a decision on a regional track",
    statement: sql`insert into roadmap_decision (track_id, month, description, recorded_by) values ('hsj', '2026-01', 'attack', 'attack')`,
    allowed: (role, m) => canEditTrack(role, m, REGIONAL_TRACK),
  },
  {
    name: "delete a regional track's milestones",
    statement: sql`delete from roadmap_milestone where track_id = 'hsj'`,
    allowed: (role, m) => canEditTrack(role, m, REGIONAL_TRACK),
  },
  {
    name: "update Groningen's basishulp track",
    statement: sql`update roadmap_track set health = 'delayed', health_reason = 'attack' where municipality_code = 'GM0014'`,
    allowed: (role, m) => canEditTrack(role, m, GRONINGEN_TRACK),
  },
  {
    name: "update Groningen's basishulp steps",
    statement: sql`update roadmap_step set state = 'done' where track_id = (select id from roadmap_track where municipality_code = 'GM0014')`,
    allowed: (role, m) => canEditTrack(role, m, GRONINGEN_TRACK),
  },
  {
    name: "insert a review",
    statement: sql`insert into roadmap_review (held_on, body, recorded_by) values ('2025-01-01', 'attack', 'attack')`,
    allowed: (role) => can(role, "write:reviews"),
  },
  {
    name: "insert a target",
    statement: sql`insert into roadmap_target (segment_key, metric, year, comparison, value, set_by) values ('hsj', 'clients', 2030, 'at_most', 1, 'attack')`,
    allowed: (role) => can(role, "write:targets"),
  },
  {
    name: "update the product mapping",
    statement: sql`update product_mapping set segment_key = null`,
    allowed: (role) => can(role, "manage:catalog"),
  },
  {
    name: "delete the product mapping",
    statement: sql`delete from product_mapping`,
    allowed: (role) => can(role, "manage:catalog"),
  },
  {
    name: "insert a product",
    statement: sql`insert into product (code, name_nl, name_en, category_code) select code || 'ZZZ', 'x', 'x', code from product_category limit 1`,
    allowed: (role) => can(role, "manage:catalog"),
  },
  {
    name: "insert an index figure",
    statement: sql`insert into index_figure (index_name, year, provisional_pct) values ('OVA', 2099, 1)`,
    allowed: (role) => can(role, "import:index"),
  },
  {
    name: "make every account an administrator",
    statement: sql`update app_user set role = 'admin', municipality_code = null`,
    allowed: (role) => can(role, "manage:user"),
  },
  {
    name: "insert an account",
    statement: sql`insert into app_user (email, display_name, role, password_hash) values ('evil@example.org', 'x', 'admin', 'x')`,
    allowed: (role) => can(role, "manage:user"),
  },
  {
    name: "insert a provider",
    statement: sql`insert into provider (code, name) values ('99999999', 'attack')`,
    allowed: (role) => municipalityScopeOf(role, role.startsWith("municipal") ? "GM0014" : null).write === "all",
  },
];

const REQUESTERS: { label: string; role: Role; municipality: string | null }[] = [
  { label: "a Groningen viewer", role: "municipal_viewer", municipality: "GM0014" },
  { label: "a Groningen editor", role: "municipal_editor", municipality: "GM0014" },
  { label: "a Het Hogeland editor", role: "municipal_editor", municipality: "GM1966" },
  { label: "a RIGG analyst", role: "rigg_analyst", municipality: null },
  { label: "a steering member (reads all, writes no municipality)", role: "steering_member", municipality: null },
  { label: "an administrator (no municipality)", role: "admin", municipality: null },
];

describe("writes on shared tables", () => {
  it("are refused without a scope (a visitor, a login), whatever the SQL", async () => {
    const outcomes = [];
    for (const write of WRITES) outcomes.push([write.name, await attempt(NO_TENANTS, write.statement)]);
    expect(outcomes).toEqual(WRITES.map((write) => [write.name, "unchanged"]));
  });

  for (const requester of REQUESTERS) {
    it(`succeed for ${requester.label} exactly where the guard allows them`, async () => {
      const scope = requestScope(requester.role, requester.municipality);
      const outcomes = [];
      for (const write of WRITES) outcomes.push([write.name, await attempt(scope, write.statement)]);
      expect(outcomes).toEqual(WRITES.map((write) => [write.name, write.allowed(requester.role, requester.municipality) ? "changed" : "unchanged"]));
    });
  }
});

describe("password and session hashes", () => {
  const reads = [
    sql`select password_hash from app_user`,
    sql`select * from app_user`,
    sql`select token_hash from session`,
    sql`select * from session`,
    sql`select count(*) from session where token_hash like 'a%'`,
  ];
  const scopes: [string, TenantScope][] = [
    ["no scope", NO_TENANTS],
    ...REQUESTERS.map((r): [string, TenantScope] => [r.label, requestScope(r.role, r.municipality)]),
  ];

  it("are not readable by the application role under any scope", async () => {
    const token = await withTenantScope(database.db, NO_TENANTS, async (trx) => {
      const user = await trx.selectFrom("app_user").select("id").executeTakeFirstOrThrow();
      return createSession(trx, user.id, 1);
    });
    expect(token.length).toBeGreaterThan(20);
    const results = [];
    for (const [label, scope] of scopes) {
      for (const read of reads) {
        const error = await withTenantScope(database.db, scope, (trx: ScopedTransaction) => read.execute(trx)).then(
          () => null,
          (e: { code?: string }) => e.code,
        );
        results.push([label, read.compile(database.db).sql, error]);
      }
    }
    expect(results).toEqual(scopes.flatMap(([label]) => reads.map((read) => [label, read.compile(database.db).sql, "42501"])));
  });

  it("still let a session be found by its token, and nothing by a wrong one", async () => {
    const found = await withTenantScope(database.db, NO_TENANTS, async (trx) => {
      const user = await trx.selectFrom("app_user").select(["id", "email"]).executeTakeFirstOrThrow();
      const token = await createSession(trx, user.id, 1);
      return { email: user.email, seen: await findSessionUser(trx, token, 1), wrong: await findSessionUser(trx, `${token}x`, 1) };
    });
    expect([found.seen?.email, found.wrong]).toEqual([found.email, null]);
  });
});

describe("the scope setting", () => {
  const hogeland = requestScope("municipal_editor", "GM1966");
  const otherRows = (trx: ScopedTransaction) =>
    sql<{ population: number; region_totals: number; batches: number }>`select
       (select count(*)::int from population where municipality_code = 'GM0014') as population,
       (select count(*)::int from import_batch) as batches,
       (select count(*)::int from summary_region_provider) as region_totals`.execute(trx);

  beforeAll(async () => {
    // Something regional to be seen: a batch of the region.
    await withTenantScope(database.db, ALL_TENANTS, (trx) =>
      sql`insert into import_batch (kind, file_name, file_hash, mode, status, line_count, total_amount, imported_by_label)
          values ('declarations', 'x.csv', 'wall-test', 'append', 'committed', 0, 0, 'test')`.execute(trx),
    );
  });

  it("set by the transaction itself widens nothing: no other municipality's rows, no regional ones, no writes", async () => {
    const regional = await withTenantScope(database.db, ALL_TENANTS, async (trx) => (await otherRows(trx)).rows[0]);
    expect(regional!.population).toBeGreaterThan(0);
    expect(regional!.batches).toBeGreaterThan(0);

    const forged = await withTenantScope(database.db, hogeland, async (trx) => {
      await sql`select set_config('jeugdregio.read_scope', 'all', true), set_config('jeugdregio.write_scope', 'all', true),
                       set_config('jeugdregio.shared_writes', 'all', true)`.execute(trx);
      return (await otherRows(trx)).rows[0];
    });
    expect(forged).toEqual({ population: 0, batches: 0, region_totals: 0 });
    const widen = sql`select set_config('jeugdregio.write_scope', 'all', true), set_config('jeugdregio.shared_writes', 'all', true)`;
    for (const statement of [
      sql`insert into population (municipality_code, year, inhabitants_0_17, source) values ('GM0014', 1999, 1, 'attack')`,
      sql`update population set inhabitants_0_17 = 0 where municipality_code = 'GM0014'`,
      sql`update product_mapping set segment_key = null`,
      sql`update app_user set role = 'admin', municipality_code = null`,
      sql`update roadmap_track set health = 'delayed', health_reason = 'attack' where municipality_code is null`,
    ]) {
      const outcome = await withTenantScope(database.db, hogeland, async (trx) => {
        await widen.execute(trx);
        const result = await statement.execute(trx);
        throw new RolledBack(Number(result.numAffectedRows ?? 0) > 0 ? "changed" : "unchanged");
      }).catch((error: unknown) => (error instanceof RolledBack ? error.outcome : (error as { code?: string }).code));
      expect([statement.compile(database.db).sql, outcome === "42501" ? "unchanged" : outcome]).toEqual([statement.compile(database.db).sql, "unchanged"]);
    }
  });

  it("copied from a regional transaction into another (its signature too) widens nothing either", async () => {
    const copied = await withTenantScope(database.db, ALL_TENANTS, async (trx) =>
      (await sql<{ settings: [string, string][] }>`select array[
         array['jeugdregio.read_scope', current_setting('jeugdregio.read_scope', true)],
         array['jeugdregio.write_scope', current_setting('jeugdregio.write_scope', true)],
         array['jeugdregio.shared_writes', current_setting('jeugdregio.shared_writes', true)],
         array['jeugdregio.scope_sig', current_setting('jeugdregio.scope_sig', true)]] as settings`.execute(trx)).rows[0]!.settings,
    );
    const seen = await withTenantScope(database.db, hogeland, async (trx) => {
      for (const [name, value] of copied) await sql`select set_config(${name}, ${value ?? ""}, true)`.execute(trx);
      return (await otherRows(trx)).rows[0];
    });
    expect(seen).toEqual({ population: 0, batches: 0, region_totals: 0 });
  });

  it("as the request helper sets it still shows the transaction its own rows", async () => {
    const own = await withTenantScope(database.db, requestScope("municipal_viewer", "GM0014"), async (trx) => (await otherRows(trx)).rows[0]);
    expect(own!.population).toBeGreaterThan(0);
    expect(own!.batches).toBe(0);
  });

  it("is read by every policy through the signed scope, never from the setting itself", async () => {
    const policies = await sql<{ name: string }>`
      select tablename || '.' || policyname as name from pg_policies
       where schemaname = 'public' and (coalesce(qual, '') || coalesce(with_check, '')) like '%current_setting%'
       order by 1`.execute(database.db);
    expect(policies.rows.map((r) => r.name)).toEqual([]);
  });
});

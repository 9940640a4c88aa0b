import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { municipalityScopeOf } from "@jeugdregio/access";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { DECLARATION_LINES_SCHEMA } from "~db/tenancy";
import {
  importDeclarations,
  rollBackBatch,
  type BulkEvent,
  type DeclarationImportOptions,
  type DeclarationImportResult,
} from "~/modules/declarations/declaration-import.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

/**
 * The bulk path (COPY into a new partition) and the row-by-row path must store exactly the
 * same lines, totals and providers for every file the bulk path takes, and leave every other
 * file to the row-by-row path without a trace.
 */
let database: TestDatabase;
const KEY = "bulk-test-pseudonym-key-bulk-test-pseudonym-key";
const actor = { userId: null, label: "test" };

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

function source(content: string | Uint8Array, name = "declaraties.csv") {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  return {
    name,
    size: bytes.length,
    async *open() {
      // Small chunks, so that blocks and lines cross chunk borders.
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    },
  };
}

type LoadOptions = Partial<Omit<DeclarationImportOptions, "bulk">> & { bulk?: boolean };

async function load(content: string | Uint8Array, options: LoadOptions = {}) {
  const skipped: string[] = [];
  const events: BulkEvent[] = [];
  const { bulk = true, ...rest } = options;
  const result = await importDeclarations(database.db, actor, source(content), {
    mode: "append",
    pseudonymKey: KEY,
    ...rest,
    bulk: bulk ? database.bulk : undefined,
    onBulk: (event) => {
      events.push(event);
      if (event.kind === "skipped") skipped.push(event.reason);
    },
  });
  return { result, skipped, events };
}

async function stored(batchId: string) {
  return withTenantScope(database.db, ALL_TENANTS, async (trx) => ({
    lines: (
      await sql`select municipality_code, line_no, service_month, provider_code, product_code, client_key, amount::text, units::text, referrer, declared_on::text
                from declaration where batch_id = ${batchId} order by line_no`.execute(trx)
    ).rows,
    totals: (
      await sql`select municipality_code, line_count, total_amount::text, months from import_batch_municipality where batch_id = ${batchId} order by 1`.execute(trx)
    ).rows,
    batch: (await sql`select line_count, total_amount::text, file_hash from import_batch where id = ${batchId}`.execute(trx)).rows,
  }));
}

async function rollBack(batchId: string) {
  await withTenantScope(database.db, ALL_TENANTS, (trx) => rollBackBatch(trx, actor, batchId));
}

function ok(result: DeclarationImportResult) {
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.errors.shown.slice(0, 3))}`);
  return result;
}

/** Imports in bulk, then (after rolling that back) row by row, and compares everything stored. */
async function bothWays(content: string | Uint8Array, options: LoadOptions = {}) {
  const bulk = await load(content, options);
  const viaBulk = ok(bulk.result);
  const bulkStored = await stored(viaBulk.batchId);
  await rollBack(viaBulk.batchId);
  const viaRows = ok((await load(content, { ...options, bulk: false })).result);
  const rowStored = await stored(viaRows.batchId);
  await rollBack(viaRows.batchId);
  expect(bulkStored).toEqual(rowStored);
  // newProviders differs by design: the first import created them (a rollback keeps providers).
  const comparable = (r: typeof viaBulk) => ({ ...r, batchId: undefined, newProviders: undefined });
  expect(comparable(viaBulk)).toEqual(comparable(viaRows));
  return { skipped: bulk.skipped, events: bulk.events, result: viaBulk, stored: bulkStored };
}

const HEADER = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount;units;referrer";

describe("the bulk path", () => {
  it("stores what the row-by-row path stores: quotes, grouped and negative amounts, referrers, an empty row", async () => {
    const file = [
      `\uFEFF${HEADER};opmerking;`,
      `2024-01;GM0014;12345678;"Zorg ""Het Kompas""; Noord";45A51;K1;1.234,56;12;huisarts;x;`,
      `2024-01;GM0014;12345678;Ander naam;45A51;K\\2;-12,50;;01;;`,
      `;;;;;;;;;;`,
      `2024-02;GM1966;87654321;"=HYPERLINK(""x"")";99ZZZ;K3;-0,00;1,5;local_team;;`,
      `2024-02;GM1966;87654321;Stichting Hogeland;54001;K1;0,5;;;;`,
    ].join("\r\n");
    const { skipped, result, stored: lines } = await bothWays(file);
    expect(skipped).toEqual([]);
    expect(result).toMatchObject({ lines: 4, totalAmount: "1222.56", unknownProducts: ["99ZZZ"] });
    expect(lines.lines.map((l) => (l as { line_no: number }).line_no)).toEqual([2, 3, 5, 6]);
  });

  it("stores what the row-by-row path stores for BSN files, comma files and Windows-1252", async () => {
    const bsn = ["period,municipality_code,provider_code,provider_name,product_code,client_bsn,amount", "2024-03,GM0014,12345678,A,45A51,111222333,\"1,234.50\"", "2024-03,GM0014,12345678,A,45A51,12345672,2"].join("\n");
    expect((await bothWays(bsn)).skipped).toEqual([]);
    const latin = Uint8Array.from([
      ...new TextEncoder().encode(`${HEADER}\r\n2024-04;GM0014;12345678;Caf`),
      0xe9, 0x20, 0x80, // "é €" in Windows-1252
      ...new TextEncoder().encode(";45A51;K9;10,00;;\r\n"),
    ]);
    const { skipped, stored: latinStored } = await bothWays(latin);
    expect(skipped).toEqual([]);
    expect(latinStored.lines).toHaveLength(1);
  });

  it("leaves files it does not take to the row-by-row path, which imports them the same", async () => {
    const odd = [HEADER, "2024-05;GM0014;12345678;A;45A51; K7 ;+5;;", "2024-05;GM0014;12345678;A;45A51;K8;€ 6,00;;"].join("\n");
    const { skipped } = await bothWays(odd);
    expect(skipped).toHaveLength(1);
    const multiline = [HEADER, '2024-05;GM0014;12345678;"Twee\nregels";45A51;K9;5;;'].join("\n");
    expect((await bothWays(multiline)).skipped).toHaveLength(1);
  });

  it("converts a file of several blocks as the row-by-row path does", async () => {
    const lines = Array.from(
      { length: 25_000 },
      (_, i) => `2024-06;GM${i % 2 ? "0014" : "1966"};1234567${i % 10};P${i % 10};45A51;K${i};${i},${String(i % 100).padStart(2, "0")};;`,
    );
    const { events, result } = await bothWays([HEADER, ...lines].join("\r\n"));
    expect(events).toEqual([{ kind: "loaded", lines: 25_000 }]);
    expect(result.lines).toBe(25_000);
  });

  it("rejects invalid files with the row-by-row report and leaves no loading table behind", async () => {
    const { result, skipped } = await load([HEADER, "2024-13;GM0014;12345678;A;45A51;K1;5;;"].join("\n"));
    expect(result.ok).toBe(false);
    expect(skipped).toHaveLength(1);
    if (!result.ok) expect(result.errors.countsByCode).toEqual({ invalid_period: 1 });
    const loading = await sql<{ n: number }>`
      select count(*)::int as n from pg_tables where schemaname = ${DECLARATION_LINES_SCHEMA} and tablename like '%_load'`.execute(database.db);
    expect(loading.rows[0]!.n).toBe(0);
  });

  it("replaces exactly the (municipality, month) pairs of a re-delivery", async () => {
    const first = ok((await load([HEADER, "2024-07;GM0014;12345678;A;45A51;K1;100;;", "2024-08;GM0014;12345678;A;45A51;K1;50;;"].join("\n"))).result);
    const again = await load([HEADER, "2024-07;GM0014;12345678;A;45A51;K1;70;;"].join("\n"), { mode: "replace" });
    expect(again.skipped).toEqual([]);
    expect(ok(again.result).replacedLines).toBe(1);
    const live = await withTenantScope(database.db, ALL_TENANTS, (trx) =>
      sql<{ total: string }>`select sum(amount)::text as total from declaration
        where superseded_by is null and service_month between '2024-07-01' and '2024-08-01'`.execute(trx),
    );
    expect(live.rows[0]!.total).toBe("120.00");
    await rollBack(ok(again.result).batchId);
    await rollBack(first.batchId);
  });
});

describe("the partitions behind the bulk path", () => {
  it("cannot be reached, created or attached from a municipal scope", async () => {
    const batch = ok((await load([HEADER, "2024-09;GM1966;12345678;A;45A51;K1;100;;"].join("\n"))).result).batchId;
    const partition = `b_${batch.replace(/-/g, "")}`;
    const groningen = municipalityScopeOf("municipal_editor", "GM0014");
    const attempt = (query: ReturnType<typeof sql>) =>
      withTenantScope(database.db, groningen, (trx) => query.execute(trx)).then(
        () => "allowed",
        (error: { code?: string }) => error.code,
      );
    // Reading the partition directly would bypass the policies on `declaration`: no usage on the schema.
    expect(await attempt(sql`select * from ${sql.table(`${DECLARATION_LINES_SCHEMA}.${partition}`)}`)).toBe("42501");
    expect(await attempt(sql`select jeugdregio_open_declaration_lines(gen_random_uuid())`)).toBe("42501");
    expect(await attempt(sql`select jeugdregio_attach_declaration_lines(${`${partition}_load`}, ${batch}::uuid)`)).toBe("42501");
    const seen = await withTenantScope(database.db, groningen, (trx) =>
      sql<{ n: number }>`select count(*)::int as n from declaration where batch_id = ${batch}`.execute(trx),
    );
    expect(seen.rows[0]!.n).toBe(0);
  });
});

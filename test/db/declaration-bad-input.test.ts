import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importDeclarations, type DeclarationImportResult } from "~/modules/declarations/declaration-import.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

/**
 * Every kind of bad input gets a clear message and stores nothing; the data
 * already loaded stays as it was.
 */
let database: TestDatabase;
const KEY = "test-pseudonym-key-test-pseudonym-key-0123";
const HEADER = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount";
const GOOD = `${HEADER}\r\n2024-01;GM0014;12345678;Stichting Voorbeeld;45A51;K1;1.234,56\r\n`;

function source(content: string | Uint8Array, name = "declaraties.csv") {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  return {
    name,
    size: bytes.length,
    async *open() {
      yield bytes;
    },
  };
}

async function load(content: string | Uint8Array, options: { name?: string; decimal?: "comma" | "point"; mode?: "append" | "replace" } = {}) {
  return importDeclarations(database.db, { userId: null, label: "test" }, source(content, options.name), {
    mode: options.mode ?? "append",
    decimal: options.decimal,
    pseudonymKey: KEY,
    bulk: database.bulk, // every rejection below must also come through the bulk path's fallback
  });
}

async function state() {
  return withTenantScope(database.db, ALL_TENANTS, async (trx) => {
    const lines = await sql<{ n: number; total: string | null }>`
      select count(*)::int as n, sum(amount)::text as total from declaration where superseded_by is null`.execute(trx);
    const batches = await sql<{ n: number }>`select count(*)::int as n from import_batch where status = 'committed'`.execute(trx);
    return { lines: lines.rows[0]!.n, total: lines.rows[0]!.total, batches: batches.rows[0]!.n };
  });
}

function rejected(result: DeclarationImportResult) {
  if (result.ok) throw new Error("expected a rejection");
  return result;
}

let baseline: Awaited<ReturnType<typeof state>>;
beforeAll(async () => {
  database = await createTestDatabase();
  const first = await load(GOOD, { name: "eerste.csv" });
  expect(first.ok).toBe(true);
  baseline = await state();
});
afterAll(async () => {
  await database?.close();
});

const cases: { name: string; content: string | Uint8Array; code: string; line?: number; decimal?: "comma" | "point"; fileName?: string }[] = [
  { name: "an empty file", content: "", code: "empty" },
  { name: "a header without rows", content: `${HEADER}\r\n`, code: "no_rows" },
  { name: "a missing required column", content: "period;municipality_code;provider_code;provider_name;client_key;amount\r\n2024-01;GM0014;12345678;X;K1;1,00\r\n", code: "missing_column" },
  { name: "a duplicate column", content: `${HEADER};amount\r\n2024-01;GM0014;12345678;X;45A51;K1;1,00;2,00\r\n`, code: "duplicate_column" },
  { name: "the wrong delimiter (tab)", content: HEADER.replace(/;/g, "\t") + "\r\n2024-01\tGM0014\t12345678\tX\t45A51\tK1\t1,00\r\n", code: "missing_column" },
  { name: "a row with too many fields", content: `${HEADER}\r\n2024-01;GM0014;12345678;X;45A51;K1;1,00;extra\r\n`, code: "malformed", line: 2 },
  { name: "1,234.56 in a decimal-comma file", content: `${HEADER}\r\n2024-02;GM0014;12345678;X;45A51;K1;1,234.56\r\n`, code: "invalid_amount", line: 2 },
  { name: "12,3,4", content: `${HEADER}\r\n2024-02;GM0014;12345678;X;45A51;K1;12,3,4\r\n`, code: "invalid_amount", line: 2 },
  { name: "1e5", content: `${HEADER}\r\n2024-02;GM0014;12345678;X;45A51;K1;1e5\r\n`, code: "invalid_amount", line: 2 },
  { name: "an amount over a billion", content: `${HEADER}\r\n2024-02;GM0014;12345678;X;45A51;K1;1.000.000.000,00\r\n`, code: "amount_out_of_range", line: 2 },
  { name: "period 2023-13", content: `${HEADER}\r\n2023-13;GM0014;12345678;X;45A51;K1;1,00\r\n`, code: "invalid_period", line: 2 },
  { name: "period 23-01", content: `${HEADER}\r\n23-01;GM0014;12345678;X;45A51;K1;1,00\r\n`, code: "invalid_period", line: 2 },
  { name: "municipality GM9999", content: `${HEADER}\r\n2024-02;GM9999;12345678;X;45A51;K1;1,00\r\n`, code: "unknown_municipality", line: 2 },
  { name: "an XLSX that is not a spreadsheet", content: "PK\u0003\u0004 this is not a workbook", code: "unreadable_xlsx", fileName: "declaraties.xlsx" },
];

describe("bad declaration files", () => {
  for (const c of cases) {
    it(`rejects ${c.name} and stores nothing`, async () => {
      const result = rejected(await load(c.content, { name: c.fileName, decimal: c.decimal }));
      expect(result.errors.countsByCode[c.code], JSON.stringify(result.errors.shown)).toBeGreaterThan(0);
      const issue = result.errors.shown.find((e) => e.code === c.code)!;
      expect(issue.message.length).toBeGreaterThan(5);
      if (c.line) expect(issue.line).toBe(c.line);
      expect(await state()).toEqual(baseline);
    });
  }

  it("rejects a BSN that fails the eleven-test without ever echoing it", async () => {
    const content = "period;municipality_code;provider_code;provider_name;product_code;client_bsn;amount\r\n2024-03;GM0014;12345678;X;45A51;123456789;1,00\r\n";
    const result = rejected(await load(content));
    expect(result.errors.countsByCode.invalid_bsn).toBe(1);
    expect(JSON.stringify(result)).not.toContain("123456789");
    expect(await state()).toEqual(baseline);
  });

  it("rejects a row with both client_key and client_bsn", async () => {
    const content = "period;municipality_code;provider_code;provider_name;product_code;client_key;client_bsn;amount\r\n2024-03;GM0014;12345678;X;45A51;K9;111222333;1,00\r\n";
    const result = rejected(await load(content));
    expect(result.errors.countsByCode.both_client_key_and_bsn).toBe(1);
    expect(JSON.stringify(result)).not.toContain("111222333");
    expect(await state()).toEqual(baseline);
  });

  it("rolls back the rows before an error far into the file", async () => {
    const rows = Array.from({ length: 12_000 }, (_, i) => `2024-04;GM0014;12345678;X;45A51;K${i};1,00`);
    rows.push("2024-04;GM0014;12345678;X;45A51;K-last;niet-een-bedrag");
    const result = rejected(await load(`${HEADER}\r\n${rows.join("\r\n")}\r\n`));
    expect(result.errors.shown[0]).toMatchObject({ line: 12_002, code: "invalid_amount" });
    expect(await state()).toEqual(baseline);
  });

  it("counts every error but shows the first 200", async () => {
    const rows = Array.from({ length: 450 }, () => "2024-05;GM0014;12345678;X;45A51;K1;abc");
    const result = rejected(await load(`${HEADER}\r\n${rows.join("\r\n")}\r\n`));
    expect(result.errors.total).toBe(450);
    expect(result.errors.shown).toHaveLength(200);
    expect(result.allErrors).toHaveLength(450);
  });
});

describe("files that are fine", () => {
  it("reads a BSN file: the BSN becomes a stable pseudonym, never stored", async () => {
    const content = "period;municipality_code;provider_code;provider_name;product_code;client_bsn;amount\r\n2024-06;GM0014;12345678;X;45A51;111222333;10,00\r\n2024-06;GM1966;12345678;X;45A51;111222333;5,00\r\n";
    const result = await load(content, { name: "bsn.csv" });
    expect(result.ok).toBe(true);
    const keys = await withTenantScope(database.db, ALL_TENANTS, (trx) =>
      sql<{ client_key: string }>`select distinct client_key from declaration where service_month = '2024-06-01'`.execute(trx),
    );
    expect(keys.rows).toHaveLength(1); // one child across municipalities
    expect(keys.rows[0]!.client_key).not.toContain("111222333");
    const dump = await withTenantScope(database.db, ALL_TENANTS, (trx) => sql`select d::text as row from declaration d`.execute(trx));
    expect(JSON.stringify(dump.rows)).not.toContain("111222333");
  });

  it("reads Windows-1252 with € and ë, and keeps formula-like names as text", async () => {
    const text = `${HEADER}\r\n2024-07;GM1969;87654321;"=HYPERLINK(""http://x"";""Zorg €"")";45A51;K2;12,50\r\n2024-07;GM1969;11223344;Coöperatie Ëemsland;45A51;K3;7,50\r\n`;
    const bytes = Uint8Array.from([...text].map((ch) => (ch === "€" ? 0x80 : ch === "ë" ? 0xeb : ch === "Ë" ? 0xcb : ch === "ö" ? 0xf6 : ch.charCodeAt(0))));
    const result = await load(bytes, { name: "cp1252.csv" });
    expect(result.ok, JSON.stringify(!result.ok && result.errors.shown)).toBe(true);
    const names = await withTenantScope(database.db, ALL_TENANTS, (trx) =>
      trx.selectFrom("provider").select(["code", "name"]).where("code", "in", ["87654321", "11223344"]).orderBy("code").execute(),
    );
    expect(names).toEqual([
      { code: "11223344", name: "Coöperatie Ëemsland" },
      { code: "87654321", name: '=HYPERLINK("http://x";"Zorg €")' },
    ]);
  });

  it("accepts a UTF-8 BOM and a comma file with decimal points", async () => {
    const content = `\uFEFF${HEADER.replace(/;/g, ",")}\n2024-08,GM0014,12345678,X,45A51,K4,"1234.56"\n2024-08,GM0014,12345678,X,45A51,K4,-12.50\n`;
    const result = await load(content, { name: "comma.csv" });
    expect(result.ok && result.totalAmount).toBe("1222.06");
  });
});

describe("double counting", () => {
  it("refuses the same file twice, even at the same moment", async () => {
    const content = `${HEADER}\r\n2024-09;GM0014;12345678;X;45A51;K5;100,00\r\n`;
    const [a, b] = await Promise.all([load(content, { name: "a.csv" }), load(content, { name: "b.csv" })]);
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    const refused = rejected(a.ok ? b : a);
    expect(refused.reason).toBe("duplicate_file");
    const stored = await withTenantScope(database.db, ALL_TENANTS, (trx) =>
      sql<{ n: number }>`select count(*)::int as n from declaration where service_month = '2024-09-01'`.execute(trx),
    );
    expect(stored.rows[0]!.n).toBe(1);
  });

  it("replaces exactly the (municipality, month) pairs of a re-delivery, and rolls back", async () => {
    const first = `${HEADER}\r\n2024-10;GM0014;12345678;X;45A51;K6;100,00\r\n2024-10;GM1966;12345678;X;45A51;K7;50,00\r\n2024-11;GM0014;12345678;X;45A51;K6;70,00\r\n`;
    expect((await load(first, { name: "okt.csv" })).ok).toBe(true);
    const redelivery = `${HEADER}\r\n2024-10;GM0014;12345678;X;45A51;K6;90,00\r\n`;
    const replaced = await load(redelivery, { name: "okt-herzien.csv", mode: "replace" });
    expect(replaced.ok && replaced.replacedLines).toBe(1);
    const totals = async () =>
      (
        await withTenantScope(database.db, ALL_TENANTS, (trx) =>
          sql<{ key: string; total: string }>`
            select municipality_code || ' ' || to_char(service_month, 'YYYY-MM') as key, sum(amount)::text as total
            from declaration where superseded_by is null and service_month in ('2024-10-01', '2024-11-01')
            group by 1 order by 1`.execute(trx),
        )
      ).rows;
    expect(await totals()).toEqual([
      { key: "GM0014 2024-10", total: "90.00" },
      { key: "GM0014 2024-11", total: "70.00" },
      { key: "GM1966 2024-10", total: "50.00" },
    ]);
    const { rollBackBatch } = await import("~/modules/declarations/declaration-import.server");
    const batchId = replaced.ok ? replaced.batchId : "";
    await withTenantScope(database.db, ALL_TENANTS, (trx) => rollBackBatch(trx, { userId: null, label: "test" }, batchId));
    expect((await totals())[0]).toEqual({ key: "GM0014 2024-10", total: "100.00" });
  });
});

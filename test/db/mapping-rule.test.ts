import { resolveSegment, SEGMENT_KEYS, type MappingRow, type SegmentKey } from "@jeugdregio/catalog";
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { mappedColumn } from "~/modules/figures/segment-column.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

/**
 * The mapping rule exists once in SQL (`mappedColumn`, what every figure and summary uses) and
 * once in TypeScript (`resolveSegment`, packages/catalog). On generated catalogues, also ones the
 * import would refuse (two rows of one scope valid on the same day, written straight into the
 * table, in random order), both give every (product, municipality, service month) the same column:
 * the municipality's row before the regional one, the latest start among rows of one scope.
 */
let database: TestDatabase;
const PRODUCTS = ["45M01", "45M02", "45M03"];
const MUNICIPALITIES = ["GM0014", "GM1966", "GM0765"];
const MONTHS = ["2022-01", "2022-06", "2022-12", "2023-01", "2023-07", "2024-02", "2024-12"];

beforeAll(async () => {
  database = await createTestDatabase();
  await withTenantScope(database.db, ALL_TENANTS, (trx) =>
    trx
      .insertInto("product")
      .values(PRODUCTS.map((code) => ({ code, name_nl: `Test ${code}`, name_en: `Test ${code}`, category_code: "45" })))
      .execute(),
  );
});
afterAll(async () => {
  await database?.close();
});

const day = fc.integer({ min: 0, max: 47 }).map((i) => `${2021 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}-01`);
const mappingRow = fc
  .record({
    productCode: fc.constantFrom(...PRODUCTS),
    segment: fc.option(fc.constantFrom(...SEGMENT_KEYS), { nil: null }),
    municipalityCode: fc.option(fc.constantFrom(...MUNICIPALITIES.slice(0, 2)), { nil: null }),
    from: day,
    length: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
  })
  .map(({ productCode, segment, municipalityCode, from, length }): MappingRow => {
    const start = new Date(`${from}T00:00:00Z`);
    const end = length === null ? null : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + length + 1, 0));
    return { line: 0, productCode, segment: segment as SegmentKey | null, municipalityCode, validFrom: from, validTo: end ? end.toISOString().slice(0, 10) : null };
  });
// Distinct starts per product and scope: with two rows of one scope starting on the same day neither
// rule has a winner to agree on (the import refuses overlaps anyway).
const catalogue = fc.uniqueArray(mappingRow, { maxLength: 12, selector: (m) => `${m.productCode}|${m.municipalityCode}|${m.validFrom}` });

async function columnsFromSql(rows: readonly MappingRow[]): Promise<string[]> {
  return withTenantScope(database.db, ALL_TENANTS, async (trx) => {
    await trx.deleteFrom("product_mapping").where("product_code", "in", PRODUCTS).execute();
    if (rows.length) {
      await trx
        .insertInto("product_mapping")
        .values(rows.map((m) => ({ product_code: m.productCode, segment_key: m.segment, municipality_code: m.municipalityCode, valid_from: m.validFrom, valid_to: m.validTo })))
        .execute();
    }
    const keys = grid().map((k) => sql`(${k.product}, ${k.municipality}, ${`${k.month}-01`}::date)`);
    const result = await sql<{ col: string }>`
      select ${mappedColumn("k")} as col
      from (values ${sql.join(keys)}) as k (product_code, municipality_code, service_month)`.execute(trx);
    return result.rows.map((r) => r.col);
  });
}

function grid() {
  return PRODUCTS.flatMap((product) => MUNICIPALITIES.flatMap((municipality) => MONTHS.map((month) => ({ product, municipality, month }))));
}

function columnsFromTypeScript(rows: readonly MappingRow[]): string[] {
  return grid().map((k) => resolveSegment(rows.filter((m) => m.productCode === k.product), k.municipality, `${k.month}-01`) ?? "unassigned");
}

describe("the mapping rule in SQL and in TypeScript", () => {
  it("gives every product, municipality and service month the same column on generated catalogues", async () => {
    await fc.assert(
      fc.asyncProperty(catalogue, async (rows) => {
        const labels = grid().map((k) => `${k.product} ${k.municipality} ${k.month}`);
        const fromSql = await columnsFromSql(rows);
        const fromTypeScript = columnsFromTypeScript(rows);
        expect(labels.map((l, i) => `${l}: ${fromSql[i]}`)).toEqual(labels.map((l, i) => `${l}: ${fromTypeScript[i]}`));
      }),
      { numRuns: 60, seed: 15 },
    );
  });

  it("takes the latest start when two rows of one scope are valid on the day, whatever order they were written in", async () => {
    const older: MappingRow = { line: 0, productCode: "45M01", segment: "basishulp", municipalityCode: null, validFrom: "2021-01-01", validTo: null };
    const newer: MappingRow = { line: 0, productCode: "45M01", segment: "wonen", municipalityCode: null, validFrom: "2023-01-01", validTo: null };
    const override: MappingRow = { line: 0, productCode: "45M01", segment: "hsj", municipalityCode: "GM1966", validFrom: "2022-01-01", validTo: "2022-12-31" };
    for (const rows of [[newer, older, override], [override, older, newer]]) {
      const columns = await columnsFromSql(rows);
      const at = (municipality: string, month: string) => columns[grid().findIndex((k) => k.product === "45M01" && k.municipality === municipality && k.month === month)];
      expect([at("GM0014", "2022-06"), at("GM0014", "2023-07"), at("GM1966", "2022-06"), at("GM1966", "2023-01")]).toEqual(["basishulp", "wonen", "hsj", "wonen"]);
      expect(columns).toEqual(columnsFromTypeScript(rows));
    }
  });
});

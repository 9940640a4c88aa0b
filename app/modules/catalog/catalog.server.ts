import { withMappingChange } from "~/modules/figures/summaries.server";
import { catalogToRows, CATALOG_COLUMNS, validateCatalogTable, type MappingRow } from "@jeugdregio/catalog";
import { readTable, TableError, type RowIssue } from "@jeugdregio/tabular";
import { recordAudit } from "~/modules/audit/audit.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import type { Actor } from "~/modules/access/actor";

export type CatalogImportResult =
  | { ok: true; products: number; mappings: number; notices: RowIssue[] }
  | { ok: false; errors: RowIssue[]; notices: RowIssue[] };

/**
 * Imports the product catalogue: upserts the listed products and replaces all
 * mapping rows of those products, in the caller's transaction, audited. The
 * mapping is applied when figures are computed, so every report follows at once.
 */
export async function importCatalog(
  trx: ScopedTransaction,
  actor: Actor,
  file: { name: string; bytes: Uint8Array },
): Promise<CatalogImportResult> {
  const audit = (outcome: "success" | "failure", details: Record<string, unknown>) =>
    recordAudit(trx, { actorUserId: actor.userId, actorLabel: actor.label, action: "catalog.import", outcome, subject: file.name, ip: actor.ip, details });
  let table;
  try {
    table = await readTable(file.bytes, { fileName: file.name });
  } catch (error) {
    if (!(error instanceof TableError)) throw error;
    await audit("failure", { errors: 1 });
    return { ok: false, errors: [{ line: error.line ?? null, column: error.column ?? null, code: error.code, message: error.message }], notices: [] };
  }
  const [municipalities, categories] = await Promise.all([
    trx.selectFrom("municipality").select("code").execute(),
    trx.selectFrom("product_category").select("code").execute(),
  ]);
  const validation = validateCatalogTable(table, new Set(municipalities.map((m) => m.code)), {
    knownCategories: new Set(categories.map((c) => c.code)),
  });
  if (!validation.ok) {
    await audit("failure", { errors: validation.errors.length });
    return validation;
  }
  const { products, mappings } = validation;
  for (const product of products) {
    await trx
      .insertInto("product")
      .values({ code: product.code, name_nl: product.nameNl, name_en: product.nameEn, category_code: product.category })
      .onConflict((oc) =>
        oc.column("code").doUpdateSet({ name_nl: (eb) => eb.ref("excluded.name_nl"), name_en: (eb) => eb.ref("excluded.name_en") }),
      )
      .execute();
  }
  const codes = products.map((p) => p.code);
  // The segment summaries move these products' lines to their new columns in this transaction.
  await withMappingChange(trx, codes, async () => {
  if (codes.length) await trx.deleteFrom("product_mapping").where("product_code", "in", codes).execute();
  if (mappings.length) {
    await trx
      .insertInto("product_mapping")
      .values(
        mappings.map((m) => ({
          product_code: m.productCode,
          segment_key: m.segment,
          municipality_code: m.municipalityCode,
          valid_from: m.validFrom,
          valid_to: m.validTo,
        })),
      )
      .execute();
  }
  });
  await audit("success", { products: products.length, mappings: mappings.length });
  return { ok: true, products: products.length, mappings: mappings.length, notices: validation.notices };
}

/** The whole catalogue in the import format: header row plus data rows. */
export async function exportCatalog(trx: ScopedTransaction): Promise<string[][]> {
  const [products, mappings] = await Promise.all([
    trx.selectFrom("product").selectAll().orderBy("code").execute(),
    trx.selectFrom("product_mapping").selectAll().orderBy(["product_code", "valid_from"]).execute(),
  ]);
  const rows = catalogToRows(
    products.map((p) => ({ code: p.code, nameNl: p.name_nl, nameEn: p.name_en, category: p.category_code })),
    mappings.map(
      (m): MappingRow => ({
        line: 0,
        productCode: m.product_code,
        segment: m.segment_key as MappingRow["segment"],
        municipalityCode: m.municipality_code,
        validFrom: m.valid_from,
        validTo: m.valid_to,
      }),
    ),
  );
  return [[...CATALOG_COLUMNS], ...rows];
}

import { todayInAmsterdam } from "@jeugdregio/format";
import { resolveSegment, SEGMENT_KEYS, type MappingRow, type SegmentKey } from "@jeugdregio/catalog";
import { toCsv, toXlsx } from "~/modules/export/files.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import { exportCatalog } from "./catalog.server";

/** Reading the product catalogue for its pages and downloads. */

/** A catalogue file is small: a few thousand lines at most. */
export const MAX_CATALOG_FILE_BYTES = 5 * 1024 * 1024;

/** The filter value for products in no segment today (none, or no valid row). */
export const UNASSIGNED = "none";

export interface CatalogFilter {
  q: string;
  /** A segment key, `none`, or "" for every product. */
  segment: string;
}

export interface CatalogListItem {
  code: string;
  nameNl: string;
  nameEn: string;
  category: { code: string; nameNl: string; nameEn: string };
  /** Today's regional segment; null: the valid row has no segment; "unmapped": no row valid today. */
  segment: SegmentKey | null | "unmapped";
  overrides: number;
}

export interface SegmentOption {
  key: string;
  nameNl: string;
  nameEn: string;
}


/** Reads `q` and `segment` from a query string; unknown segments count as no filter. */
export function parseCatalogFilter(params: URLSearchParams): CatalogFilter {
  const q = (params.get("q") ?? "").trim().slice(0, 100);
  const segment = params.get("segment") ?? "";
  const known = segment === UNASSIGNED || (SEGMENT_KEYS as readonly string[]).includes(segment);
  return { q, segment: known ? segment : "" };
}

function toMappingRow(m: {
  product_code: string;
  segment_key: string | null;
  municipality_code: string | null;
  valid_from: string;
  valid_to: string | null;
}): MappingRow {
  return {
    line: 0,
    productCode: m.product_code,
    segment: m.segment_key as SegmentKey | null,
    municipalityCode: m.municipality_code,
    validFrom: m.valid_from,
    validTo: m.valid_to,
  };
}

export async function segmentOptions(trx: ScopedTransaction): Promise<SegmentOption[]> {
  const rows = await trx.selectFrom("segment").select(["key", "name_nl", "name_en"]).orderBy("sort_order").execute();
  return rows.map((s) => ({ key: s.key, nameNl: s.name_nl, nameEn: s.name_en }));
}

/**
 * Products with today's regional segment and their number of municipal
 * overrides, filtered by a search text (code or either name) and a segment.
 */
export async function listCatalog(
  trx: ScopedTransaction,
  filter: CatalogFilter,
  today = todayInAmsterdam(),
): Promise<{ products: CatalogListItem[]; total: number }> {
  const [products, mappings] = await Promise.all([
    trx
      .selectFrom("product as p")
      .innerJoin("product_category as c", "c.code", "p.category_code")
      .select([
        "p.code",
        "p.name_nl",
        "p.name_en",
        "c.code as category_code",
        "c.name_nl as category_nl",
        "c.name_en as category_en",
      ])
      .orderBy("p.code")
      .execute(),
    trx
      .selectFrom("product_mapping")
      .select(["product_code", "segment_key", "municipality_code", "valid_from", "valid_to"])
      .execute(),
  ]);
  const byProduct = new Map<string, MappingRow[]>();
  for (const m of mappings) {
    const rows = byProduct.get(m.product_code) ?? [];
    rows.push(toMappingRow(m));
    byProduct.set(m.product_code, rows);
  }
  const needle = filter.q.toLocaleLowerCase("nl");
  const items = products.map((p): CatalogListItem => {
    const rows = byProduct.get(p.code) ?? [];
    const regional = rows.filter((r) => r.municipalityCode === null);
    // Only regional rows are passed, so no municipality's override can apply.
    const segment = resolveSegment(regional, "GM0000", today);
    return {
      code: p.code,
      nameNl: p.name_nl,
      nameEn: p.name_en,
      category: { code: p.category_code, nameNl: p.category_nl, nameEn: p.category_en },
      segment: segment === undefined ? "unmapped" : segment,
      overrides: rows.length - regional.length,
    };
  });
  const filtered = items.filter((item) => {
    if (needle && ![item.code, item.nameNl, item.nameEn].some((text) => text.toLocaleLowerCase("nl").includes(needle)))
      return false;
    if (filter.segment === UNASSIGNED) return item.segment === null || item.segment === "unmapped";
    if (filter.segment) return item.segment === filter.segment;
    return true;
  });
  return { products: filtered, total: items.length };
}

export interface ProductHistory {
  code: string;
  nameNl: string;
  nameEn: string;
  category: { code: string; nameNl: string; nameEn: string };
  rows: {
    segment: string | null;
    municipalityCode: string | null;
    validFrom: string;
    validTo: string | null;
    current: boolean;
  }[];
}

/** One product with all its mapping rows, by date (the regional default first on the same date). */
export async function productHistory(
  trx: ScopedTransaction,
  code: string,
  today = todayInAmsterdam(),
): Promise<ProductHistory | null> {
  const product = await trx
    .selectFrom("product as p")
    .innerJoin("product_category as c", "c.code", "p.category_code")
    .select([
      "p.code",
      "p.name_nl",
      "p.name_en",
      "c.code as category_code",
      "c.name_nl as category_nl",
      "c.name_en as category_en",
    ])
    .where("p.code", "=", code)
    .executeTakeFirst();
  if (!product) return null;
  const rows = await trx
    .selectFrom("product_mapping")
    .select(["segment_key", "municipality_code", "valid_from", "valid_to"])
    .where("product_code", "=", code)
    .execute();
  rows.sort(
    (a, b) =>
      a.valid_from.localeCompare(b.valid_from) ||
      (a.municipality_code ?? "").localeCompare(b.municipality_code ?? "") ||
      (a.valid_to ?? "9999-12-31").localeCompare(b.valid_to ?? "9999-12-31"),
  );
  return {
    code: product.code,
    nameNl: product.name_nl,
    nameEn: product.name_en,
    category: { code: product.category_code, nameNl: product.category_nl, nameEn: product.category_en },
    rows: rows.map((r) => ({
      segment: r.segment_key,
      municipalityCode: r.municipality_code,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      current: r.valid_from <= today && (r.valid_to === null || r.valid_to >= today),
    })),
  };
}

/** The whole catalogue as a CSV file in the import format (`;`, UTF-8 BOM, CRLF). */
export async function catalogCsv(trx: ScopedTransaction): Promise<string> {
  return toCsv(await exportCatalog(trx));
}

/** The whole catalogue as an Excel workbook in the import format. */
export async function catalogXlsx(trx: ScopedTransaction): Promise<Uint8Array<ArrayBuffer>> {
  return toXlsx(await exportCatalog(trx), "Catalogus");
}

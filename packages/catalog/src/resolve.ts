import { CATALOG_COLUMNS, type CatalogProduct, type MappingRow, type SegmentKey } from "./catalog";

/**
 * The segment of one product for a declaration of `municipalityCode` in the service month
 * starting on `serviceMonthFirstDay` (`YYYY-MM-DD`; any day works, dates compare as text).
 *
 * `mappings` are that product's rows. A row for this municipality valid on that day beats the
 * regional default (a row without municipality); rows of other municipalities are ignored.
 *
 * Returns the segment key; `null` when the valid row has no segment (a known product in no
 * segment); `undefined` when no row is valid on that day (the product is unassigned then).
 * Reports count both as unassigned, but can tell them apart.
 */
export function resolveSegment(
  mappings: readonly MappingRow[],
  municipalityCode: string,
  serviceMonthFirstDay: string
): SegmentKey | null | undefined {
  let regional: MappingRow | undefined;
  let own: MappingRow | undefined;
  for (const m of mappings) {
    if (m.validFrom > serviceMonthFirstDay) continue;
    if (m.validTo !== null && m.validTo < serviceMonthFirstDay) continue;
    // A validated catalogue has at most one valid row per scope; otherwise the latest start wins.
    if (m.municipalityCode === municipalityCode) {
      if (own === undefined || m.validFrom > own.validFrom) own = m;
    } else if (m.municipalityCode === null) {
      if (regional === undefined || m.validFrom > regional.validFrom) regional = m;
    }
  }
  const row = own ?? regional;
  return row === undefined ? undefined : row.segment;
}

/**
 * The catalogue as rows of text in `CATALOG_COLUMNS` order (empty cells as ""), one per
 * mapping, sorted by product code, then regional default before municipalities (by code),
 * then valid_from. Reading these rows back with `validateCatalogTable` gives the same catalogue.
 * Cells are plain text: escaping against formula injection is the exporter's job.
 */
export function catalogToRows(products: readonly CatalogProduct[], mappings: readonly MappingRow[]): string[][] {
  const byCode = new Map(products.map((p) => [p.code, p]));
  const mapped = new Set<string>();
  const sorted = [...mappings].sort(
    (a, b) =>
      compare(a.productCode, b.productCode) ||
      compare(a.municipalityCode ?? "", b.municipalityCode ?? "") ||
      compare(a.validFrom, b.validFrom)
  );
  const rows = sorted.map((m) => {
    const product = byCode.get(m.productCode);
    if (product === undefined) throw new Error(`Mapping for product ${m.productCode} has no product.`);
    mapped.add(m.productCode);
    const row: Record<(typeof CATALOG_COLUMNS)[number], string> = {
      product_code: product.code,
      name_nl: product.nameNl,
      name_en: product.nameEn,
      segment: m.segment ?? "",
      municipality_code: m.municipalityCode ?? "",
      valid_from: m.validFrom,
      valid_to: m.validTo ?? "",
    };
    return CATALOG_COLUMNS.map((column) => row[column]);
  });
  const unmapped = products.filter((p) => !mapped.has(p.code)).map((p) => p.code);
  if (unmapped.length > 0) {
    // A catalogue row is a mapping: a product without one cannot be written (nor read back).
    throw new Error(`Products without a mapping row cannot be exported: ${unmapped.join(", ")}.`);
  }
  return rows;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

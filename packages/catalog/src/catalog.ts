import { extraColumns, hasNul, requireColumns, type CellValue, type RowIssue, type Table } from "@jeugdregio/tabular";

import { SEGMENT_KEYS, type SegmentKey } from "@jeugdregio/metrics";

/** The region's segments (DOMAIN.md), defined once with the figures that use them. */
export { SEGMENT_KEYS, type SegmentKey };

/** Columns of a catalogue file, in file (and export) order. */
export const CATALOG_COLUMNS = [
  "product_code",
  "name_nl",
  "name_en",
  "segment",
  "municipality_code",
  "valid_from",
  "valid_to",
] as const;
/** Columns that may be left out of the header: their cells then count as empty. */
export const OPTIONAL_CATALOG_COLUMNS = ["municipality_code", "valid_to"] as const;

export type CatalogIssueCode =
  | "missing_column"
  | "extra_column"
  | "no_rows"
  | "invalid_product_code"
  | "unknown_category"
  | "missing_name"
  | "invalid_name"
  | "nul_character"
  | "conflicting_names"
  | "unknown_segment"
  | "invalid_municipality_code"
  | "unknown_municipality"
  | "invalid_date"
  | "valid_to_before_valid_from"
  | "overlapping_validity";

export interface CatalogIssue extends RowIssue {
  code: CatalogIssueCode;
  /** The other line involved (for `conflicting_names` and `overlapping_validity`). */
  relatedLine?: number;
}

export interface CatalogProduct {
  code: string;
  nameNl: string;
  nameEn: string;
  /** The iJw product category: the first two characters of the code. */
  category: string;
}

/** Which segment a product belongs to, from when until when, for one municipality or the region. */
export interface MappingRow {
  line: number;
  productCode: string;
  /** null: a known product that belongs to no segment (reported as unassigned). */
  segment: SegmentKey | null;
  /** null: the regional default; otherwise an override for that municipality. */
  municipalityCode: string | null;
  /** `YYYY-MM-DD`, inclusive. */
  validFrom: string;
  /** `YYYY-MM-DD`, inclusive; null: open-ended. */
  validTo: string | null;
}

export type CatalogValidationResult =
  | { ok: true; products: CatalogProduct[]; mappings: MappingRow[]; notices: CatalogIssue[] }
  | { ok: false; errors: CatalogIssue[]; notices: CatalogIssue[] };

export interface CatalogValidationOptions {
  /** When given, a product's category (first two digits) must be one of these (e.g. the iJw categories 40–55). */
  knownCategories?: ReadonlySet<string>;
}

const HEADER_LINE = 1;
const PRODUCT_CODE = /^\d{2}[A-Z0-9]{3}$/;
const MAX_NAME_LENGTH = 200;
const REQUIRED_COLUMNS = CATALOG_COLUMNS.filter(
  (c) => !(OPTIONAL_CATALOG_COLUMNS as readonly string[]).includes(c)
);

/**
 * Validates a product catalogue with its segment mapping. Each row is one mapping
 * (product × scope × validity); a product listed on several rows must carry the same names.
 * Every error is collected, with line and column.
 */
export function validateCatalogTable(
  table: Table,
  knownMunicipalities: ReadonlySet<string>,
  options: CatalogValidationOptions = {}
): CatalogValidationResult {
  const notices: CatalogIssue[] = extraColumns(table, [...CATALOG_COLUMNS]).map((column) => ({
    line: HEADER_LINE,
    column,
    code: "extra_column",
    message: `The column "${column}" is not used and will be ignored.`,
  }));

  const missing = requireColumns(table, REQUIRED_COLUMNS);
  if (missing.length > 0) {
    return {
      ok: false,
      errors: missing.map((column) => ({
        line: HEADER_LINE,
        column,
        code: "missing_column",
        message: `The required column "${column}" is missing from the header. Columns: ${CATALOG_COLUMNS.join(", ")}.`,
      })),
      notices,
    };
  }
  if (table.rows.length === 0) {
    return {
      ok: false,
      errors: [{ line: null, column: null, code: "no_rows", message: "The file contains no data rows, only a header." }],
      notices,
    };
  }

  const errors: CatalogIssue[] = [];
  const products = new Map<string, CatalogProduct & { line: number }>();
  const mappings: MappingRow[] = [];

  for (const { line, cells } of table.rows) {
    const cell = (name: string): CellValue => cells[name] ?? null;
    const fail = (column: string, code: CatalogIssueCode, message: string, value?: CellValue, relatedLine?: number) => {
      const issue: CatalogIssue = { line, column, code, message: `Line ${line}: ${message}` };
      if (value !== undefined && value !== null) issue.value = String(value);
      if (relatedLine !== undefined) issue.relatedLine = relatedLine;
      errors.push(issue);
    };
    let rowOk = true;

    // product code
    const codeCell = cell("product_code");
    const code = typeof codeCell === "number" ? (Number.isSafeInteger(codeCell) ? String(codeCell) : "") : codeCell;
    let productCode: string | null = null;
    if (code === null || !PRODUCT_CODE.test(code)) {
      fail(
        "product_code",
        "invalid_product_code",
        codeCell === null
          ? "the product code is empty."
          : `"${String(codeCell)}" is not a valid product code; expected 2 digits and 3 capital letters or digits, e.g. 45A51.`,
        codeCell
      );
      rowOk = false;
    } else if (options.knownCategories && !options.knownCategories.has(code.slice(0, 2))) {
      fail(
        "product_code",
        "unknown_category",
        `product ${code} has category ${code.slice(0, 2)}, which is not a known product category.`,
        code
      );
      rowOk = false;
    } else {
      productCode = code;
    }

    // names
    const names: { nl: string | null; en: string | null } = { nl: null, en: null };
    for (const [column, key, language] of [
      ["name_nl", "nl", "Dutch"],
      ["name_en", "en", "English"],
    ] as const) {
      const value = cell(column);
      // Our own export escapes formula-like text with a leading apostrophe (as
      // Excel does); reading it back removes the escape, so the round trip is exact.
      const text = value === null ? null : String(value).replace(/^'(?=[=+\-@\t\r])/, "");
      if (text === null) {
        fail(column, "missing_name", `the ${language} name is empty.`);
        rowOk = false;
      } else if (hasNul(text)) {
        // PostgreSQL text cannot hold one.
        fail(column, "nul_character", `the ${language} name contains a NUL character.`);
        rowOk = false;
      } else if ([...text].length > MAX_NAME_LENGTH) {
        fail(column, "invalid_name", `the ${language} name is longer than ${MAX_NAME_LENGTH} characters.`);
        rowOk = false;
      } else {
        names[key] = text;
      }
    }
    if (productCode !== null && names.nl !== null && names.en !== null) {
      const first = products.get(productCode);
      if (first === undefined) {
        products.set(productCode, {
          code: productCode,
          nameNl: names.nl,
          nameEn: names.en,
          category: productCode.slice(0, 2),
          line,
        });
      } else {
        for (const [column, mine, theirs] of [
          ["name_nl", names.nl, first.nameNl],
          ["name_en", names.en, first.nameEn],
        ] as const) {
          if (mine !== theirs) {
            fail(
              column,
              "conflicting_names",
              `product ${productCode} is named "${mine}" here but "${theirs}" on line ${first.line}; a product must have the same names on every line.`,
              mine,
              first.line
            );
            rowOk = false;
          }
        }
      }
    }

    // segment
    const segmentCell = cell("segment");
    let segment: SegmentKey | null = null;
    if (segmentCell !== null) {
      segment = parseSegment(segmentCell);
      if (segment === null) {
        fail(
          "segment",
          "unknown_segment",
          `"${String(segmentCell)}" is not a segment; expected one of ${SEGMENT_KEYS.join(", ")}, or empty for no segment.`,
          segmentCell
        );
        rowOk = false;
      }
    }

    // municipality (empty: regional default)
    const municipalityCell = cell("municipality_code");
    let municipalityCode: string | null = null;
    if (municipalityCell !== null) {
      if (typeof municipalityCell !== "string" || !/^GM\d{4}$/.test(municipalityCell)) {
        fail(
          "municipality_code",
          "invalid_municipality_code",
          `"${String(municipalityCell)}" is not a valid municipality code; expected "GM" followed by 4 digits, or empty for the regional default.`,
          municipalityCell
        );
        rowOk = false;
      } else if (!knownMunicipalities.has(municipalityCell)) {
        fail(
          "municipality_code",
          "unknown_municipality",
          `municipality ${municipalityCell} is not a known municipality.`,
          municipalityCell
        );
        rowOk = false;
      } else {
        municipalityCode = municipalityCell;
      }
    }

    // validity
    const fromCell = cell("valid_from");
    const validFrom = parseDate(fromCell);
    if (validFrom === null) {
      fail(
        "valid_from",
        "invalid_date",
        fromCell === null
          ? "valid_from is empty; every line needs the first day it applies."
          : `"${String(fromCell)}" is not a valid date; expected YYYY-MM-DD, e.g. 2024-01-01.`,
        fromCell
      );
      rowOk = false;
    }
    const toCell = cell("valid_to");
    let validTo: string | null = null;
    if (toCell !== null) {
      validTo = parseDate(toCell);
      if (validTo === null) {
        fail(
          "valid_to",
          "invalid_date",
          `"${String(toCell)}" is not a valid date; expected YYYY-MM-DD, or empty when it has no end.`,
          toCell
        );
        rowOk = false;
      } else if (validFrom !== null && validTo < validFrom) {
        fail(
          "valid_to",
          "valid_to_before_valid_from",
          `valid_to ${validTo} is before valid_from ${validFrom}.`,
          toCell
        );
        rowOk = false;
      }
    }

    if (rowOk && productCode !== null && validFrom !== null) {
      mappings.push({ line, productCode, segment, municipalityCode, validFrom, validTo });
    }
  }

  errors.push(...overlaps(mappings));
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)); // stable: column order within a line stays

  if (errors.length > 0) return { ok: false, errors, notices };
  return {
    ok: true,
    products: [...products.values()].map(({ code, nameNl, nameEn, category }) => ({ code, nameNl, nameEn, category })),
    mappings,
    notices,
  };
}

/** Segment key, case-insensitive; spaces and hyphens count as "_" ("Aanvullende hulp"). */
export function parseSegment(value: string | number): SegmentKey | null {
  if (typeof value !== "string") return null;
  const key = value.trim().toLowerCase().replace(/[\s-]+/g, "_");
  return (SEGMENT_KEYS as readonly string[]).includes(key) ? (key as SegmentKey) : null;
}

/** A real calendar date written `YYYY-MM-DD` (XLSX date cells arrive in this form already). */
export function parseDate(value: CellValue): string | null {
  if (typeof value !== "string") return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1900 || month < 1 || month > 12 || day < 1) return null;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  return match[0];
}

/**
 * Pairs of rows for the same product and the same scope (one municipality, or the region)
 * whose inclusive [from, to] ranges share at least one day. Reported on the later line of
 * each pair, with the earlier one in the message and in `relatedLine`.
 */
function overlaps(mappings: readonly MappingRow[]): CatalogIssue[] {
  const groups = new Map<string, MappingRow[]>();
  for (const m of mappings) {
    const key = `${m.productCode}|${m.municipalityCode ?? ""}`;
    const group = groups.get(key);
    if (group) group.push(m);
    else groups.set(key, [m]);
  }
  const issues: CatalogIssue[] = [];
  for (const group of groups.values()) {
    for (let j = 1; j < group.length; j++) {
      const later = group[j] as MappingRow;
      for (let i = 0; i < j; i++) {
        const earlier = group[i] as MappingRow;
        if (!rangesIntersect(earlier, later)) continue;
        const scope = later.municipalityCode === null ? "the regional default" : `municipality ${later.municipalityCode}`;
        issues.push({
          line: later.line,
          column: "valid_from",
          code: "overlapping_validity",
          message:
            `Line ${later.line}: product ${later.productCode} for ${scope} is valid ${describeRange(later)}, ` +
            `which overlaps line ${earlier.line} (${describeRange(earlier)}). Lines ${earlier.line} and ${later.line} ` +
            "must not share a day; end one the day before the other starts.",
          value: describeRange(later),
          relatedLine: earlier.line,
        });
      }
    }
  }
  return issues;
}

function rangesIntersect(a: MappingRow, b: MappingRow): boolean {
  const aEndsBeforeB = a.validTo !== null && a.validTo < b.validFrom;
  const bEndsBeforeA = b.validTo !== null && b.validTo < a.validFrom;
  return !aEndsBeforeB && !bEndsBeforeA;
}

function describeRange(m: MappingRow): string {
  return `from ${m.validFrom} ${m.validTo === null ? "with no end" : `to ${m.validTo}`}`;
}

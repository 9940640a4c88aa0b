export {
  CATALOG_COLUMNS,
  OPTIONAL_CATALOG_COLUMNS,
  parseDate,
  parseSegment,
  SEGMENT_KEYS,
  validateCatalogTable,
  type CatalogIssue,
  type CatalogIssueCode,
  type CatalogProduct,
  type CatalogValidationOptions,
  type CatalogValidationResult,
  type MappingRow,
  type SegmentKey,
} from "./catalog";
export { catalogToRows, resolveSegment } from "./resolve";

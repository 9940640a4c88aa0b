export {
  CLIENT_COLUMNS,
  clientKeyHoldsBsn,
  createDeclarationValidator,
  DECLARATION_COLUMNS,
  defaultDecimalFor,
  OPTIONAL_COLUMNS,
  lineDeclaredOn,
  parseDeclaredOn,
  parsePeriod,
  REQUIRED_COLUMNS,
  type DeclarationIssue,
  type DeclarationIssueCode,
  type DeclarationLine,
  type DeclarationValidator,
  type DeclarationValidatorOptions,
  type RowResult,
} from "./validate";
export { elevenTest, normaliseBsn } from "./bsn";
export { parseReferrer, REFERRER_KEYS, type ReferrerKey } from "./referrer";
export { IssueCollector, summariseIssues, type IssueSummary, type RowIssue } from "@jeugdregio/tabular";
export {
  BULK_CLIENT_KEY_PATTERN,
  BULK_COPY_COLUMNS,
  BULK_DECIMAL_PATTERN,
  createBulkBlockConverter,
  createBulkLineConverter,
  createDistinctValueResolvers,
  MAX_CLIENT_KEY_LENGTH,
  type BulkBlockOptions,
  type BulkBlockResult,
  type BulkLineConverterOptions,
  type BulkLineSummary,
  type DistinctValueResolvers,
  type MunicipalityBulkTotals,
} from "./bulk";

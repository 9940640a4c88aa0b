export {
  CLIENT_COLUMNS,
  createDeclarationValidator,
  DECLARATION_COLUMNS,
  defaultDecimalFor,
  OPTIONAL_COLUMNS,
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

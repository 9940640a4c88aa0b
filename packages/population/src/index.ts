export {
  POPULATION_COLUMNS,
  validatePopulationTable,
  populationRowSchema,
  type PopulationIssueCode,
  type PopulationRow,
  type PopulationValidationResult,
  type RowIssue,
} from "./validate";

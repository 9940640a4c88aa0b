import { extraColumns, INT4_MAX, parseInteger, requireColumns, type CellValue, type Table } from "@jeugdregio/tabular";
import { z } from "zod";

/** Required columns of a population file, in the order they are documented. */
export const POPULATION_COLUMNS = ["municipality_code", "year", "inhabitants_0_17"] as const;

const MIN_YEAR = 1900;
const MAX_YEAR = 2200;

/** A validated row: inhabitants aged 0–17 on 1 January of `year`. */
export const populationRowSchema = z.object({
  municipalityCode: z.string().regex(/^GM\d{4}$/),
  year: z.number().int().min(MIN_YEAR).max(MAX_YEAR),
  // The column is a PostgreSQL integer.
  inhabitants0to17: z.number().int().nonnegative().max(INT4_MAX),
  line: z.number().int().positive(),
});

export type PopulationRow = z.infer<typeof populationRowSchema>;

/** Stable codes; the app uses them as translation keys. */
export type PopulationIssueCode =
  | "missing_column"
  | "invalid_municipality_code"
  | "unknown_municipality"
  | "invalid_year"
  | "invalid_inhabitants"
  | "inhabitants_out_of_range"
  | "duplicate_row"
  | "no_rows"
  | "extra_column";

export interface RowIssue {
  /** 1-based line/row in the file (header is 1); null when the issue is about the whole file. */
  line: number | null;
  column: string | null;
  code: PopulationIssueCode | (string & {});
  /** Plain English; the app translates by `code`. */
  message: string;
  /** The offending cell value as text, when there is one. */
  value?: string;
}

export type PopulationValidationResult =
  | { ok: true; rows: PopulationRow[]; notices: RowIssue[] }
  | { ok: false; errors: RowIssue[]; notices: RowIssue[] };

const HEADER_LINE = 1;

/**
 * Validates a population table (`municipality_code`, `year`, `inhabitants_0_17`).
 * Collects every error (with line and column); unknown extra columns are notices only.
 */
export function validatePopulationTable(
  table: Table,
  knownMunicipalityCodes: ReadonlySet<string>
): PopulationValidationResult {
  const notices: RowIssue[] = extraColumns(table, [...POPULATION_COLUMNS]).map((column) => ({
    line: HEADER_LINE,
    column,
    code: "extra_column",
    message: `The column "${column}" is not used and will be ignored.`,
  }));

  const missing = requireColumns(table, [...POPULATION_COLUMNS]);
  if (missing.length > 0) {
    const errors: RowIssue[] = missing.map((column) => ({
      line: HEADER_LINE,
      column,
      code: "missing_column",
      message: `The required column "${column}" is missing from the header. Required columns: ${POPULATION_COLUMNS.join(
        ", "
      )}.`,
    }));
    return { ok: false, errors, notices };
  }

  if (table.rows.length === 0) {
    return {
      ok: false,
      errors: [
        { line: null, column: null, code: "no_rows", message: "The file contains no data rows, only a header." },
      ],
      notices,
    };
  }

  const errors: RowIssue[] = [];
  const rows: PopulationRow[] = [];
  const firstLineByKey = new Map<string, number>();

  for (const { line, cells } of table.rows) {
    const codeCell = cells.municipality_code ?? null;
    const yearCell = cells.year ?? null;
    const inhabitantsCell = cells.inhabitants_0_17 ?? null;
    const rowErrorsBefore = errors.length;

    const municipalityCode = checkMunicipalityCode(codeCell, line, knownMunicipalityCodes, errors);
    const year = checkYear(yearCell, line, errors);
    const inhabitants0to17 = checkInhabitants(inhabitantsCell, line, errors);

    if (municipalityCode !== null && year !== null) {
      const key = `${municipalityCode}|${year}`;
      const firstLine = firstLineByKey.get(key);
      if (firstLine === undefined) {
        firstLineByKey.set(key, line);
      } else {
        errors.push({
          line,
          column: "municipality_code",
          code: "duplicate_row",
          message: `Municipality ${municipalityCode} and year ${year} appear more than once: also on line ${firstLine}.`,
          value: `${municipalityCode} ${year}`,
        });
      }
    }

    if (errors.length === rowErrorsBefore && municipalityCode !== null && year !== null && inhabitants0to17 !== null) {
      rows.push(populationRowSchema.parse({ municipalityCode, year, inhabitants0to17, line }));
    }
  }

  return errors.length > 0 ? { ok: false, errors, notices } : { ok: true, rows, notices };
}

function describe(value: CellValue): string | undefined {
  return value === null ? undefined : String(value);
}

function issue(line: number, column: string, code: PopulationIssueCode, message: string, value: CellValue): RowIssue {
  const text = describe(value);
  return text === undefined ? { line, column, code, message } : { line, column, code, message, value: text };
}

function checkMunicipalityCode(
  value: CellValue,
  line: number,
  known: ReadonlySet<string>,
  errors: RowIssue[]
): string | null {
  const column = "municipality_code";
  if (value === null) {
    errors.push(
      issue(line, column, "invalid_municipality_code", `Line ${line}: the municipality code is empty.`, value)
    );
    return null;
  }
  const parsed = populationRowSchema.shape.municipalityCode.safeParse(value);
  if (!parsed.success) {
    errors.push(
      issue(
        line,
        column,
        "invalid_municipality_code",
        `Line ${line}: "${String(
          value
        )}" is not a valid municipality code; expected "GM" followed by 4 digits, e.g. GM0014.`,
        value
      )
    );
    return null;
  }
  if (!known.has(parsed.data)) {
    errors.push(
      issue(
        line,
        column,
        "unknown_municipality",
        `Line ${line}: municipality ${parsed.data} is not a known municipality.`,
        value
      )
    );
    return null;
  }
  return parsed.data;
}

function checkYear(value: CellValue, line: number, errors: RowIssue[]): number | null {
  const year = parseInteger(value);
  if (year === null || !populationRowSchema.shape.year.safeParse(year).success) {
    const message =
      value === null
        ? `Line ${line}: the year is empty.`
        : `Line ${line}: "${String(
            value
          )}" is not a valid year; expected a whole number from ${MIN_YEAR} to ${MAX_YEAR}.`;
    errors.push(issue(line, "year", "invalid_year", message, value));
    return null;
  }
  return year;
}

function checkInhabitants(value: CellValue, line: number, errors: RowIssue[]): number | null {
  const count = parseInteger(value) ?? (typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number.POSITIVE_INFINITY : null);
  if (count !== null && count > INT4_MAX) {
    errors.push(
      issue(line, "inhabitants_0_17", "inhabitants_out_of_range", `Line ${line}: ${String(value).trim()} inhabitants aged 0–17 is more than can be stored (at most ${INT4_MAX}).`, value),
    );
    return null;
  }
  if (count === null || !populationRowSchema.shape.inhabitants0to17.safeParse(count).success) {
    let message: string;
    if (value === null) message = `Line ${line}: the number of inhabitants aged 0–17 is empty.`;
    else if (typeof value === "string" && /^\d{1,3}([.,]\d{3})+$/.test(value.trim()))
      message = `Line ${line}: "${value}" contains a thousands separator; write the number of inhabitants aged 0–17 as plain digits, e.g. 36000.`;
    else
      message = `Line ${line}: "${String(
        value
      )}" is not a valid number of inhabitants aged 0–17; expected a whole number of 0 or more.`;
    errors.push(issue(line, "inhabitants_0_17", "invalid_inhabitants", message, value));
    return null;
  }
  return count;
}

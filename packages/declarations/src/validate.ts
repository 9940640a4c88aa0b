import {
  ambiguousDecimal,
  nulColumns,
  parseDecimalCell,
  type CellValue,
  type DecimalSeparator,
  type Delimiter,
  type RowIssue,
  type TableRow,
} from "@jeugdregio/tabular";
import Decimal from "decimal.js";
import { elevenTest, normaliseBsn } from "./bsn";
import { parseReferrer, type ReferrerKey } from "./referrer";

/** Columns that must be in the header (plus `client_key` and/or `client_bsn`). */
export const REQUIRED_COLUMNS = [
  "period",
  "municipality_code",
  "provider_code",
  "provider_name",
  "product_code",
  "amount",
] as const;
export const CLIENT_COLUMNS = ["client_key", "client_bsn"] as const;
export const OPTIONAL_COLUMNS = ["units", "referrer", "declared_on"] as const;
/** Every column a declaration file may have, in the documented order. */
export const DECLARATION_COLUMNS = [
  "period",
  "municipality_code",
  "provider_code",
  "provider_name",
  "product_code",
  "client_key",
  "client_bsn",
  "amount",
  "units",
  "referrer",
  "declared_on",
] as const;

/** Stable codes; the app uses them as translation keys. */
export type DeclarationIssueCode =
  | "missing_column"
  | "extra_column"
  | "invalid_period"
  | "invalid_municipality_code"
  | "unknown_municipality"
  | "invalid_provider_code"
  | "invalid_provider_name"
  | "invalid_product_code"
  | "missing_client"
  | "both_client_key_and_bsn"
  | "invalid_client_key"
  | "client_key_is_bsn"
  | "future_period"
  | "ambiguous_number"
  | "nul_character"
  | "invalid_bsn"
  | "invalid_amount"
  | "amount_out_of_range"
  | "invalid_units"
  | "invalid_referrer"
  | "invalid_declared_on"
  | "declared_before_service_month"
  | "future_declared_on";

export interface DeclarationIssue extends RowIssue {
  code: DeclarationIssueCode;
}

/** One valid declaration line, ready to store. */
export interface DeclarationLine {
  line: number;
  /** Service month, `YYYY-MM`. */
  period: string;
  /** First day of the service month, `YYYY-MM-01`. */
  serviceMonth: string;
  municipalityCode: string;
  /** AGB code, 8 digits. */
  providerCode: string;
  providerName: string;
  productCode: string;
  /** The file's client key, or the pseudonym of its BSN: never a BSN. */
  clientKey: string;
  /** Euros, 2 decimals, e.g. `"-234.56"`. */
  amount: string;
  /** Decimal string without trailing zeros, e.g. `"12"`, `"1.5"`; null when not given. */
  units: string | null;
  referrer: ReferrerKey | null;
  /**
   * The day the line counts from (`YYYY-MM-DD`): its `declared_on`, else the batch's delivery
   * date; never before the delivery date of a replace (see `lineDeclaredOn`).
   */
  declaredOn: string;
}

export type RowResult = { ok: true; line: DeclarationLine } | { ok: false; errors: DeclarationIssue[] };

export interface DeclarationValidatorOptions {
  knownMunicipalities: ReadonlySet<string>;
  /** How text amounts and units are written in this file (XLSX number cells are exact regardless). */
  decimal: DecimalSeparator;
  /** Turns a valid 9-digit BSN into the stored client key (a keyed hash; must be deterministic). */
  pseudonymise: (bsn: string) => string;
  /**
   * The last service month that may be declared (`YYYY-MM`, normally the current month); a
   * later period is refused. Without it, any month up to 2100 passes.
   */
  latestPeriod?: string;
  /**
   * Accept a date (`YYYY-MM-DD`) as a period, for its month: for XLSX, where Excel turns a typed
   * "2024-01" into a date cell. In a CSV file the period must be written `YYYY-MM`.
   */
  periodDates?: boolean;
  /** The batch's delivery date (`YYYY-MM-DD`): the declared date of a line without `declared_on`. */
  deliveredOn: string;
  /** The day of import (`YYYY-MM-DD`): a later `declared_on` is refused. */
  today: string;
  /** A replace counts from its delivery date: an earlier `declared_on` is raised to it. */
  countFromDelivery?: boolean;
}

export interface DeclarationValidator {
  checkHeader(header: readonly string[]): { errors: DeclarationIssue[]; notices: DeclarationIssue[] };
  validateRow(row: TableRow): RowResult;
}

/** The decimal separator Dutch Excel pairs with each CSV delimiter: `;` → comma, `,` → point. */
export function defaultDecimalFor(delimiter: Delimiter): DecimalSeparator {
  return delimiter === ";" ? "comma" : "point";
}

const HEADER_LINE = 1;
const MIN_YEAR = 2000;
const MAX_YEAR = 2100;
/** Amounts must be below this in absolute value (the database allows more; a sanity bound). */
const AMOUNT_LIMIT = new Decimal("1000000000");
const UNITS_LIMIT = new Decimal("1000000000");
const MAX_DECIMALS = 2;
export const MAX_NAME_LENGTH = 200;
export const MAX_CLIENT_KEY_LENGTH = 64;

/**
 * Validates declaration files line by line, so that a big file can be streamed: check the
 * header once, then each row. Every problem in a row is reported, not just the first.
 * A BSN never appears in an issue (not in `message`, not in `value`) nor in a result.
 */
export function createDeclarationValidator(options: DeclarationValidatorOptions): DeclarationValidator {
  const { knownMunicipalities, decimal, pseudonymise, latestPeriod, deliveredOn, today } = options;
  const countFromDelivery = options.countFromDelivery ?? false;
  const periodDates = options.periodDates ?? false;

  function checkHeader(header: readonly string[]) {
    const present = new Set(header.map((h) => h.trim().toLowerCase()));
    const errors: DeclarationIssue[] = [];
    for (const column of REQUIRED_COLUMNS) {
      if (!present.has(column)) {
        errors.push({
          line: HEADER_LINE,
          column,
          code: "missing_column",
          message: `The required column "${column}" is missing from the header.`,
        });
      }
    }
    if (!CLIENT_COLUMNS.some((c) => present.has(c))) {
      errors.push({
        line: HEADER_LINE,
        column: "client_key",
        code: "missing_column",
        message: 'The header needs a "client_key" or a "client_bsn" column (or both).',
      });
    }
    const known = new Set<string>(DECLARATION_COLUMNS);
    const notices: DeclarationIssue[] = header
      .filter((name) => !known.has(name.trim().toLowerCase()))
      .map((column) => ({
        line: HEADER_LINE,
        column,
        code: "extra_column" as const,
        message: `The column "${column}" is not used and will be ignored.`,
      }));
    return { errors, notices };
  }

  function validateRow(row: TableRow): RowResult {
    const { line, cells } = row;
    const cell = (name: string): CellValue => cells[name] ?? null;
    const errors: DeclarationIssue[] = [];
    const fail = (
      column: string,
      code: DeclarationIssueCode,
      message: string,
      value?: CellValue,
      params?: Record<string, string | number>
    ) => {
      const issue: DeclarationIssue = { line, column, code, message: `Line ${line}: ${message}` };
      if (value !== undefined && value !== null) issue.value = String(value);
      if (params) issue.params = params;
      errors.push(issue);
    };

    // A NUL character in any cell (also an ignored column): only that is reported, and the value is
    // not echoed (it is binary or wrongly decoded, and the other checks would quote it).
    const withNul = nulColumns(row);
    if (withNul.length > 0) {
      for (const column of withNul) fail(column, "nul_character", `${column} contains a NUL character.`);
      return { ok: false, errors };
    }

    // period
    const periodCell = cell("period");
    const period = parsePeriod(periodCell, { dates: periodDates });
    // A period in the future is its own error; its declared date is not also named for it.
    const futurePeriod = period !== null && latestPeriod !== undefined && period > latestPeriod;
    if (futurePeriod) {
      fail("period", "future_period", `period ${period} is in the future.`, periodCell, { period });
    } else if (period === null) {
      fail(
        "period",
        "invalid_period",
        periodCell === null
          ? "the period is empty."
          : `"${String(periodCell)}" is not a valid period; expected year and month as YYYY-MM (e.g. 2024-01), with a year from ${MIN_YEAR} to ${MAX_YEAR}.`,
        periodCell
      );
    }

    // municipality
    const municipalityCell = cell("municipality_code");
    let municipalityCode: string | null = null;
    if (typeof municipalityCell === "string" && /^GM\d{4}$/.test(municipalityCell)) {
      if (knownMunicipalities.has(municipalityCell)) municipalityCode = municipalityCell;
      else
        fail(
          "municipality_code",
          "unknown_municipality",
          `municipality ${municipalityCell} is not a known municipality.`,
          municipalityCell
        );
    } else {
      fail(
        "municipality_code",
        "invalid_municipality_code",
        municipalityCell === null
          ? "the municipality code is empty."
          : `"${String(municipalityCell)}" is not a valid municipality code; expected "GM" followed by 4 digits, e.g. GM0014.`,
        municipalityCell
      );
    }

    // provider
    const providerCell = cell("provider_code");
    const providerCode = parseProviderCode(providerCell);
    if (providerCode === null) {
      fail(
        "provider_code",
        "invalid_provider_code",
        providerCell === null
          ? "the provider code (AGB code) is empty."
          : `"${String(providerCell)}" is not a valid AGB code; expected exactly 8 digits. ` +
              "If Excel dropped a leading zero, format the column as text.",
        providerCell
      );
    }
    const nameCell = cell("provider_name");
    const providerName = nameCell === null ? null : String(nameCell);
    if (providerName === null || [...providerName].length > MAX_NAME_LENGTH) {
      fail(
        "provider_name",
        "invalid_provider_name",
        providerName === null
          ? "the provider name is empty."
          : `the provider name is longer than ${MAX_NAME_LENGTH} characters.`,
        providerName === null ? null : `${[...providerName].slice(0, 50).join("")}…`
      );
    }

    // product
    const productCell = cell("product_code");
    const productCode = parseProductCode(productCell);
    if (productCode === null) {
      fail(
        "product_code",
        "invalid_product_code",
        productCell === null
          ? "the product code is empty."
          : `"${String(productCell)}" is not a valid product code; expected 2 digits and 3 capital letters or digits, e.g. 45A51.`,
        productCell
      );
    }

    // client: exactly one of client_key / client_bsn
    const keyCell = cell("client_key");
    const bsnCell = cell("client_bsn");
    let clientKey: string | null = null;
    if (keyCell !== null && bsnCell !== null) {
      fail(
        "client_bsn",
        "both_client_key_and_bsn",
        "both a client key and a BSN are filled in; fill in exactly one of them."
      );
    } else if (keyCell === null && bsnCell === null) {
      fail("client_key", "missing_client", "no client: fill in the client key or the BSN.");
    } else if (keyCell !== null) {
      const key = String(keyCell);
      if (looksLikeBsn(keyCell) || clientKeyHoldsBsn(key)) {
        // Never store (or echo) a BSN that was put in the key column: no value, no number in the message.
        fail(
          "client_key",
          "client_key_is_bsn",
          "client_key looks like a BSN; use client_bsn (BSNs there are replaced by a pseudonym)."
        );
      } else if ([...key].length > MAX_CLIENT_KEY_LENGTH || /[\u0000-\u001f\u007f]/.test(key)) {
        fail(
          "client_key",
          "invalid_client_key",
          `the client key must be 1 to ${MAX_CLIENT_KEY_LENGTH} characters without line breaks or tabs.`,
          `${[...key].slice(0, MAX_CLIENT_KEY_LENGTH).join("")}${[...key].length > MAX_CLIENT_KEY_LENGTH ? "…" : ""}`
        );
      } else {
        clientKey = key;
      }
    } else if (bsnCell !== null) {
      const bsn = normaliseBsn(bsnCell);
      // No `value`, and a message without the number: the BSN must not leak into reports or logs.
      if (bsn === null) fail("client_bsn", "invalid_bsn", "invalid BSN: it must have 9 digits and pass the eleven-test.");
      else clientKey = pseudonymise(bsn);
    }

    // amount
    const amountCell = cell("amount");
    const amount = parseDecimalValue(amountCell, decimal);
    const ambiguousAmount = typeof amountCell === "string" ? ambiguousDecimal(amountCell, decimal) : null;
    if (ambiguousAmount !== null) {
      fail("amount", "ambiguous_number", ambiguity(amountCell as string, ambiguousAmount), amountCell, { ...ambiguousAmount });
    } else if (amount === null) {
      fail(
        "amount",
        "invalid_amount",
        amountCell === null
          ? "the amount is empty."
          : `"${String(amountCell)}" is not a valid amount for this file; expected a number with a decimal ${
              decimal === "comma" ? "comma (e.g. 1234,56 or 1.234,56)" : "point (e.g. 1234.56 or 1,234.56)"
            } and at most ${MAX_DECIMALS} decimals.`,
        amountCell
      );
    } else if (amount.abs().gte(AMOUNT_LIMIT)) {
      fail(
        "amount",
        "amount_out_of_range",
        `the amount ${String(amountCell)} is out of range; amounts must be below 1,000,000,000 euros.`,
        amountCell
      );
    }

    // units (optional)
    const unitsCell = cell("units");
    let units: Decimal | null = null;
    if (unitsCell !== null) {
      units = parseDecimalValue(unitsCell, decimal);
      const ambiguousUnits = typeof unitsCell === "string" ? ambiguousDecimal(unitsCell, decimal) : null;
      if (ambiguousUnits !== null) {
        fail("units", "ambiguous_number", ambiguity(unitsCell as string, ambiguousUnits), unitsCell, { ...ambiguousUnits });
        units = null;
      } else if (units === null || units.abs().gte(UNITS_LIMIT)) {
        fail(
          "units",
          "invalid_units",
          `"${String(unitsCell)}" is not a valid number of units; expected a number with a decimal ${
            decimal === "comma" ? "comma" : "point"
          }, at most ${MAX_DECIMALS} decimals.`,
          unitsCell
        );
        units = null;
      }
    }

    // referrer (optional)
    const referrerCell = cell("referrer");
    let referrer: ReferrerKey | null = null;
    if (referrerCell !== null) {
      referrer = parseReferrer(referrerCell);
      if (referrer === null) {
        fail(
          "referrer",
          "invalid_referrer",
          `"${String(referrerCell)}" is not a known referrer; expected local team, GP, youth doctor, ` +
            "medical specialist, certified institution or other (Dutch or English), or an iJw code 01–06.",
          referrerCell
        );
      }
    }

    // declared_on (optional): a date from the first day of the service month up to the day of import.
    const declaredCell = cell("declared_on");
    let declaredOn: string | null = null;
    if (declaredCell !== null) {
      const given = parseDeclaredOn(declaredCell);
      if (given === null) {
        fail(
          "declared_on",
          "invalid_declared_on",
          `"${String(declaredCell)}" is not a valid declared_on; expected a date as YYYY-MM-DD (e.g. 2024-02-15).`,
          declaredCell
        );
      } else if (given > today) {
        fail("declared_on", "future_declared_on", `declared_on ${given} is after the day of import (${today}).`, declaredCell, { date: given, today });
      } else if (period !== null && !futurePeriod && given < `${period}-01`) {
        fail(
          "declared_on",
          "declared_before_service_month",
          `declared_on ${given} is before the service month ${period}.`,
          declaredCell,
          { date: given, period }
        );
      } else {
        declaredOn = given;
      }
    }
    const countsFrom = lineDeclaredOn(declaredCell === null ? null : declaredOn, { deliveredOn, countFromDelivery });
    if (declaredCell === null && period !== null && !futurePeriod && countsFrom < `${period}-01`) {
      // No declared_on: the delivery date stands in, and it cannot lie before the month it declares.
      fail(
        "declared_on",
        "declared_before_service_month",
        `the delivery date ${countsFrom} is before the service month ${period}; give declared_on or a later delivery date.`,
        null,
        { date: countsFrom, period }
      );
    }

    if (
      errors.length > 0 ||
      period === null ||
      municipalityCode === null ||
      providerCode === null ||
      providerName === null ||
      productCode === null ||
      clientKey === null ||
      amount === null
    ) {
      return { ok: false, errors };
    }
    return {
      ok: true,
      line: {
        line,
        period,
        serviceMonth: `${period}-01`,
        municipalityCode,
        providerCode,
        providerName,
        productCode,
        clientKey,
        amount: amount.toFixed(MAX_DECIMALS),
        units: units === null ? null : units.toFixed(),
        referrer,
        declaredOn: countsFrom,
      },
    };
  }

  return { checkHeader, validateRow };
}

function ambiguity(text: string, readings: { grouped: string; decimal: string }): string {
  return `${text.trim()} could be ${readings.grouped} or ${readings.decimal}; write ${readings.grouped} or ${readings.decimal}.`;
}

/**
 * `YYYY-MM`; also a date `YYYY-MM-DD` unless `dates` is false (Excel turns a typed "2024-01"
 * into a date, which arrives as 2024-01-01; any real date counts for its month) and an XLSX
 * number `YYYYMM`.
 */
export function parsePeriod(value: CellValue, options: { dates?: boolean } = {}): string | null {
  let year: number;
  let month: number;
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 100000 || value > 999999) return null;
    year = Math.floor(value / 100);
    month = value % 100;
  } else if (typeof value === "string") {
    const match = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(value.trim());
    if (!match) return null;
    year = Number(match[1]);
    month = Number(match[2]);
    if (match[3] !== undefined) {
      if (options.dates === false) return null;
      const day = Number(match[3]);
      if (day < 1 || day > daysInMonth(year, month)) return null;
    }
  } else {
    return null;
  }
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12) return null;
  return `${year}-${String(month).padStart(2, "0")}`;
}

/**
 * A calendar date `YYYY-MM-DD` (an Excel date cell arrives in this form), years 2000–2100; else null.
 */
export function parseDeclaredOn(value: CellValue): string | null {
  if (typeof value !== "string") return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${match[1]}-${match[2]}-${match[3]}`;
}

/**
 * The day a line counts from (issue 14 §1–2): its own declared date, else the batch's delivery
 * date; in a replace never before the delivery date, so that as of an earlier day the lines it
 * replaces still count. The one rule for both import paths.
 */
export function lineDeclaredOn(given: string | null, batch: { deliveredOn: string; countFromDelivery: boolean }): string {
  if (given === null) return batch.deliveredOn;
  return batch.countFromDelivery && given < batch.deliveredOn ? batch.deliveredOn : given;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 8 digits; an XLSX number gets back the leading zeros Excel dropped. */
export function parseProviderCode(value: CellValue): string | null {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0 || value > 99_999_999) return null;
    return String(value).padStart(8, "0");
  }
  return typeof value === "string" && /^\d{8}$/.test(value) ? value : null;
}

/** Two digits and three capitals/digits; an XLSX number such as 54001 is read as "54001". */
export function parseProductCode(value: CellValue): string | null {
  const text = typeof value === "number" ? (Number.isSafeInteger(value) ? String(value) : "") : value;
  return typeof text === "string" && /^\d{2}[A-Z0-9]{3}$/.test(text) ? text : null;
}

/**
 * A client key that holds a BSN as it is often written: 9 digits passing the eleven-test, possibly
 * split by spaces, dots, dashes, slashes or underscores (`123-456-782`, `1112.22.333`), possibly
 * after a `BSN` prefix or among letters (`BSN 111222333`, `K-111222333`); or, once a `BSN` prefix
 * and separators are taken away, exactly 8 digits that pass with the leading zero Excel drops.
 * A key such as `K000123456` whose nine digits happen to pass is refused too: it cannot be told
 * from a BSN, and one stored BSN is worse than one key to rename.
 */
export function clientKeyHoldsBsn(key: string): boolean {
  let digits = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
  }
  if (digits < 8) return false; // the common case, decided without a regular expression
  const bare = key.trim().replace(BSN_PREFIX, "").replace(BSN_SEPARATORS, "");
  if (/^\d{8}$/.test(bare) && elevenTest(`0${bare}`)) return true;
  for (const match of key.matchAll(DIGIT_RUNS)) {
    // Digit groups joined by separators: every span of consecutive groups with 9 digits in all.
    const groups = match[0].split(BSN_SEPARATORS).filter((g) => g !== "");
    for (let from = 0; from < groups.length; from++) {
      let joined = "";
      for (let to = from; to < groups.length && joined.length < 9; to++) {
        joined += groups[to];
        if (joined.length === 9 && elevenTest(joined)) return true;
      }
    }
  }
  return false;
}

const BSN_PREFIX = /^bsn[\s:.#_-]*/i;
const BSN_SEPARATORS = /[\s./_-]+/g;
const DIGIT_RUNS = /\d+(?:[\s./_-]+\d+)*/g;

/** A client key that is a valid BSN (8 or 9 digits passing the eleven-test) is almost certainly one. */
function looksLikeBsn(value: string | number): boolean {
  const text = typeof value === "number" ? String(value) : value.trim();
  return /^\d{8,9}$/.test(text) && elevenTest(text.padStart(9, "0"));
}

/**
 * A decimal with at most 2 decimals. Text must fit the file's separator. XLSX number cells are
 * binary doubles: a computed 0.30000000000000004 is read as 0.30 when it is within 1e-9 of
 * a value with 2 decimals.
 */
function parseDecimalValue(value: CellValue, separator: DecimalSeparator): Decimal | null {
  const text = parseDecimalCell(value, separator);
  if (text === null) return null;
  let parsed = new Decimal(text);
  if (parsed.decimalPlaces() > MAX_DECIMALS) {
    if (typeof value !== "number") return null;
    const rounded = parsed.toDecimalPlaces(MAX_DECIMALS, Decimal.ROUND_HALF_UP);
    if (rounded.minus(parsed).abs().gt("1e-9")) return null;
    parsed = rounded;
  }
  return parsed.isZero() ? new Decimal(0) : parsed; // no "-0"
}

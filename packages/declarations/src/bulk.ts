import { decodeWindows1252, DEFAULT_MAX_LINE_LENGTH, hasNul, splitPlainLine, toCell, type DecimalSeparator, type Delimiter, type TextEncoding } from "@jeugdregio/tabular";
import { normaliseBsn } from "./bsn";
import { parseReferrer, type ReferrerKey } from "./referrer";
import { clientKeyHoldsBsn, lineDeclaredOn, MAX_CLIENT_KEY_LENGTH, MAX_NAME_LENGTH, parseDeclaredOn, parsePeriod, parseProductCode, parseProviderCode } from "./validate";

/**
 * The bulk path checks the columns with few distinct values (period, municipality, provider,
 * product, referrer, BSN) by taking each distinct raw text once through these resolvers, which
 * are the row validator's own rules; `null` means the value is not valid. The columns with many
 * distinct values (client key, amount, units) are checked with the patterns below, which accept
 * a subset of what the validator accepts: anything else sends the file to the validator.
 */
export interface DistinctValueResolvers {
  period(raw: string | null): string | null;
  municipality(raw: string | null): string | null;
  providerCode(raw: string | null): string | null;
  providerName(raw: string | null): string | null;
  productCode(raw: string | null): string | null;
  /** `undefined` for a value that is not a referrer; `null` for an empty cell (allowed). */
  referrer(raw: string | null): ReferrerKey | null | undefined;
  /** The client key for a BSN cell, or null when it is not a valid BSN. */
  bsn(raw: string | null): string | null;
  /** A `declared_on` date up to the day of import, or null when it is not one. */
  declaredOn(raw: string | null): string | null;
}

export interface DistinctValueResolverOptions {
  knownMunicipalities: ReadonlySet<string>;
  pseudonymise: (bsn: string) => string;
  /** As the validator's option: a later period is not taken. */
  latestPeriod?: string;
  /** As the validator's options: the batch's delivery date, the day of import, replace mode. */
  deliveredOn: string;
  today: string;
  countFromDelivery?: boolean;
}

export function createDistinctValueResolvers(options: DistinctValueResolverOptions): DistinctValueResolvers {
  const cell = (raw: string | null) => (raw === null ? null : toCell(raw));
  return {
    period(raw) {
      // CSV only: `YYYY-MM`, not a date, and not after the latest period.
      const period = parsePeriod(cell(raw), { dates: false });
      return period !== null && options.latestPeriod !== undefined && period > options.latestPeriod ? null : period;
    },
    municipality(raw) {
      const value = cell(raw);
      return typeof value === "string" && /^GM\d{4}$/.test(value) && options.knownMunicipalities.has(value) ? value : null;
    },
    providerCode: (raw) => parseProviderCode(cell(raw)),
    providerName(raw) {
      const value = cell(raw);
      return typeof value === "string" && [...value].length <= MAX_NAME_LENGTH && !hasNul(value) ? value : null;
    },
    productCode: (raw) => parseProductCode(cell(raw)),
    referrer(raw) {
      const value = cell(raw);
      if (value === null) return null;
      return parseReferrer(value) ?? undefined;
    },
    bsn(raw) {
      const value = cell(raw);
      const bsn = value === null ? null : normaliseBsn(value);
      return bsn === null ? null : options.pseudonymise(bsn);
    },
    declaredOn(raw) {
      const date = parseDeclaredOn(cell(raw));
      return date !== null && date <= options.today ? date : null;
    },
  };
}

/**
 * Amounts and units the bulk path takes as they are: an optional minus, at most 9 integer digits (so below 1,000,000,000) plainly
 * or grouped in threes, at most 2 decimals, no spaces. After removing the grouping character and
 * turning the decimal separator into a point, the text is the number. One group without
 * decimals (`1.234` with a decimal comma) is ambiguous: the validator refuses it.
 */
export const BULK_DECIMAL_PATTERN: Record<DecimalSeparator, string> = {
  comma: "^-?([0-9]{1,9}(,[0-9]{1,2})?|[1-9][0-9]{0,2}\\.[0-9]{3}\\.[0-9]{3}(,[0-9]{1,2})?|[1-9][0-9]{0,2}\\.[0-9]{3},[0-9]{1,2})$",
  point: "^-?([0-9]{1,9}(\\.[0-9]{1,2})?|[1-9][0-9]{0,2},[0-9]{3},[0-9]{3}(\\.[0-9]{1,2})?|[1-9][0-9]{0,2},[0-9]{3}\\.[0-9]{1,2})$",
};

/** Characters JavaScript's `trim()` removes. */
const TRIMMED = "\\s\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
const CONTROL = "\\x00-\\x1f\\x7f";

/**
 * Client keys the bulk path takes as they are (a pattern for the `u` flag): 1 to 64 characters, no control characters, no space at either end, and not 8 or 9 digits
 * (which might be a BSN in the wrong column); `clientKeyHoldsBsn` is checked as well. Other keys go to the validator.
 */
export const BULK_CLIENT_KEY_PATTERN = `^(?![0-9]{8,9}$)[^${CONTROL}${TRIMMED}]([^${CONTROL}]{0,${MAX_CLIENT_KEY_LENGTH - 2}}[^${CONTROL}${TRIMMED}])?$`;

export { MAX_CLIENT_KEY_LENGTH };

export interface BulkLineConverterOptions extends DistinctValueResolverOptions {
  /** Named columns by field position, as in the header. */
  columns: ReadonlyMap<string, number>;
  fieldCount: number;
  unnamedColumns: readonly number[];
  decimal: DecimalSeparator;
}

export interface MunicipalityBulkTotals {
  lines: number;
  /** Sum of the amounts in cents (exact: checked to stay a safe integer). */
  cents: number;
  months: Set<string>;
}

export interface BulkLineSummary {
  lines: number;
  perMunicipality: Map<string, MunicipalityBulkTotals>;
  /** Provider code → the name on its first line. */
  providers: Map<string, { name: string; line: number }>;
  products: Set<string>;
}

/** The columns a bulk row fills, in this order (PostgreSQL COPY text format); batch_id is the table's default. */
export const BULK_COPY_COLUMNS = [
  "municipality_code",
  "line_no",
  "service_month",
  "provider_code",
  "product_code",
  "client_key",
  "amount",
  "units",
  "referrer",
  "declared_on",
] as const;

/**
 * Turns the fields of one data line into a row for COPY, by the validator's own rules: each
 * distinct value of the low-cardinality columns goes once through `createDistinctValueResolvers`
 * (cached), client keys, amounts and units through the bulk patterns (a subset of what the
 * validator accepts). `convert` returns null for anything else: the caller then leaves the whole
 * file to the validator, which accepts or reports it.
 */
export function createBulkLineConverter(options: BulkLineConverterOptions) {
  const resolvers = createDistinctValueResolvers(options);
  const index = (name: string) => options.columns.get(name) ?? -1;
  const at = {
    period: index("period"),
    municipality: index("municipality_code"),
    providerCode: index("provider_code"),
    providerName: index("provider_name"),
    productCode: index("product_code"),
    clientKey: index("client_key"),
    clientBsn: index("client_bsn"),
    amount: index("amount"),
    units: index("units"),
    referrer: index("referrer"),
    declaredOn: index("declared_on"),
  };
  const batchDates = { deliveredOn: options.deliveredOn, countFromDelivery: options.countFromDelivery ?? false };
  const decimalPattern = new RegExp(BULK_DECIMAL_PATTERN[options.decimal]);
  const keyPattern = new RegExp(BULK_CLIENT_KEY_PATTERN, "u");
  const [groupChar, decimalChar] = options.decimal === "comma" ? [".", ","] : [",", "."];
  const toNumber = (text: string) => {
    const plain = text.indexOf(groupChar) === -1 ? text : text.split(groupChar).join("");
    return decimalChar === "." || plain.indexOf(",") === -1 ? plain : plain.replace(",", ".");
  };

  // Each distinct text is resolved once; consecutive lines often repeat it, so check that first.
  const cached = <T>(resolve: (raw: string | null) => T) => {
    const cache = new Map<string, T>();
    let lastRaw: string | undefined;
    let lastValue: T;
    return (raw: string): T => {
      if (raw === lastRaw) return lastValue;
      let value = cache.get(raw);
      if (value === undefined && !cache.has(raw)) {
        value = resolve(raw === "" ? null : raw);
        cache.set(raw, value);
      }
      lastRaw = raw;
      lastValue = value as T;
      return value as T;
    };
  };
  const period = cached(resolvers.period);
  const municipality = cached(resolvers.municipality);
  const providerCode = cached(resolvers.providerCode);
  const providerName = cached(resolvers.providerName);
  const productCode = cached(resolvers.productCode);
  const referrer = cached(resolvers.referrer);
  const bsn = cached(resolvers.bsn);
  const declaredOn = cached(resolvers.declaredOn);

  const summary: BulkLineSummary = { lines: 0, perMunicipality: new Map(), providers: new Map(), products: new Set() };

  function convert(fields: readonly string[], line: number): string | null {
    if (fields.length !== options.fieldCount) return null;
    let empty = true;
    for (const field of fields) {
      if (field !== "") {
        empty = false;
        break;
      }
    }
    if (empty) return ""; // the validator skips empty rows too
    for (const i of options.unnamedColumns) if (fields[i] !== "") return null;

    const month = period(fields[at.period]!);
    const code = municipality(fields[at.municipality]!);
    const provider = providerCode(fields[at.providerCode]!);
    const name = providerName(fields[at.providerName]!);
    const product = productCode(fields[at.productCode]!);
    if (month === null || code === null || provider === null || name === null || product === null) return null;

    const keyText = at.clientKey >= 0 ? fields[at.clientKey]! : "";
    const bsnText = at.clientBsn >= 0 ? fields[at.clientBsn]! : "";
    let clientKey: string | null;
    if (keyText !== "" && bsnText === "") clientKey = keyPattern.test(keyText) && !clientKeyHoldsBsn(keyText) ? keyText : null;
    else if (keyText === "" && bsnText !== "") clientKey = bsn(bsnText);
    else clientKey = null;
    if (clientKey === null) return null;

    const amountText = fields[at.amount]!;
    if (!decimalPattern.test(amountText)) return null;
    const amount = toNumber(amountText);
    let units = "\\N";
    if (at.units >= 0 && fields[at.units] !== "") {
      if (!decimalPattern.test(fields[at.units]!)) return null;
      units = toNumber(fields[at.units]!);
    }
    let referrerKey: string | null = null;
    if (at.referrer >= 0) {
      const key = referrer(fields[at.referrer]!);
      if (key === undefined) return null;
      referrerKey = key;
    }

    let given: string | null = null;
    if (at.declaredOn >= 0 && fields[at.declaredOn] !== "") {
      given = declaredOn(fields[at.declaredOn]!);
      if (given === null) return null;
    }
    const monthStart = `${month}-01`;
    if (given !== null && given < monthStart) return null;
    const countsFrom = lineDeclaredOn(given, batchDates);
    if (countsFrom < monthStart) return null; // the validator names the row

    let totals = summary.perMunicipality.get(code);
    if (!totals) {
      totals = { lines: 0, cents: 0, months: new Set() };
      summary.perMunicipality.set(code, totals);
    }
    totals.cents += toCents(amount);
    if (!Number.isSafeInteger(totals.cents)) return null;
    totals.lines++;
    totals.months.add(month);
    summary.lines++;
    if (!summary.providers.has(provider)) summary.providers.set(provider, { name, line });
    summary.products.add(product);

    return `${code}\t${line}\t${monthStart}\t${provider}\t${product}\t${escapeCopyText(clientKey)}\t${amount}\t${units}\t${referrerKey ?? "\\N"}\t${countsFrom}\n`;
  }

  return { convert, summary: () => summary };
}

/** "-1234.5" → -123450: integer arithmetic on the digits (at most 9 before and 2 after the point). */
function toCents(amount: string): number {
  const dot = amount.indexOf(".");
  if (dot === -1) return parseInt(amount, 10) * 100;
  const fraction = amount.length - dot - 1 === 1 ? `${amount.slice(dot + 1)}0` : amount.slice(dot + 1);
  const cents = Math.abs(parseInt(amount.slice(0, dot), 10)) * 100 + parseInt(fraction, 10);
  return amount.charCodeAt(0) === 45 /* - */ ? -cents : cents;
}

/** COPY's text format: a backslash is the escape character (tabs and line breaks never get here). */
function escapeCopyText(value: string): string {
  return value.indexOf("\\") === -1 ? value : value.replace(/\\/g, "\\\\");
}

export interface BulkBlockOptions extends BulkLineConverterOptions {
  delimiter: Delimiter;
  /** The row reader's limit for one physical line, in characters: a longer line is left to it. */
  maxLineLength?: number;
  encoding: TextEncoding;
  /** The header's fields, trimmed and lower-cased, as the row parser read them. */
  headerFields: readonly string[];
}

export type BulkBlockResult = { ok: true; rows: Uint8Array; count: number } | { ok: false; reason: string };

/**
 * Converts blocks of whole lines (bytes ending in "\n", or the end of the file) into COPY rows,
 * each block with the number of its first line. Bytes that are not valid in the file's encoding
 * throw (a `TypeError` from `TextDecoder`).
 */
export function createBulkBlockConverter(options: BulkBlockOptions) {
  const converter = createBulkLineConverter(options);
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const decode = (bytes: Uint8Array) => (options.encoding === "utf-8" ? decoder.decode(bytes) : decodeWindows1252(bytes));
  const header = options.headerFields.join("\u0000");
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;

  function convertBlock(bytes: Uint8Array, firstLine: number): BulkBlockResult {
    let text = decode(bytes);
    if (firstLine === 1) text = text.replace(/^(\uFEFF|\u00EF\u00BB\u00BF)/, ""); // a BOM (as Windows-1252: "ï»¿")
    // A NUL anywhere (also in a column the import ignores): the validator refuses the row.
    if (hasNul(text)) return { ok: false, reason: "a NUL character" };
    const lines = text.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    let out = "";
    let count = 0;
    for (let i = 0; i < lines.length; i++) {
      const number = firstLine + i;
      let line = lines[i]!;
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      if (line.length > maxLineLength) return { ok: false, reason: `line ${number} is longer than the limit` };
      // A lone "\r" would be a line break to the row parser.
      const fields = line.indexOf("\r") === -1 ? splitPlainLine(line, options.delimiter) : null;
      if (number === 1) {
        // The header must be this one line as the row parser read it, or line numbers would differ.
        if (!fields || fields.map((f) => f.trim().toLowerCase()).join("\u0000") !== header) {
          return { ok: false, reason: "the header is not one plain line" };
        }
        continue;
      }
      const row = fields && converter.convert(fields, number);
      if (row === null) return { ok: false, reason: `line ${number} is not for the bulk path` };
      if (row !== "") count++;
      out += row;
    }
    return { ok: true, rows: new TextEncoder().encode(out), count };
  }

  return { convertBlock, summary: converter.summary };
}

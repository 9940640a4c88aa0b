import { CsvError, parse } from "csv-parse/sync";
import { TableError } from "./errors";
import { buildRows } from "./header";
import type { CellValue, Delimiter, Table, TextEncoding } from "./types";

/**
 * Decodes bytes as UTF-8 (BOM optional); falls back to Windows-1252 when the bytes
 * are not valid UTF-8 (typical for "CSV (gescheiden door puntkomma)" from older Excel).
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  try {
    // ignoreBOM defaults to false, so a leading UTF-8 BOM is stripped here.
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    // A UTF-8 BOM followed by invalid UTF-8 (mixed encodings): drop the BOM rather than decode it as "ï»¿".
    const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
    return { text: fixWindows1252C1(new TextDecoder("windows-1252").decode(body)), encoding: "windows-1252" };
  }
}

/**
 * Maps U+0080–U+009F (what Node's "windows-1252" decoder may return for bytes 0x80–0x9F)
 * to the Windows-1252 characters for those bytes. Safe on text decoded in chunks: every
 * byte decodes to exactly one character.
 */
export function fixWindows1252C1(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_C1.charAt(c.charCodeAt(0) - 0x80));
}

/**
 * WHATWG index-windows-1252 for bytes 0x80–0x9F. Node 20.18.3+ / 22.13+ decode "windows-1252"
 * as Latin-1 (0x80 → U+0080 instead of €; nodejs/node#60888), so the C1 range is remapped here.
 * This is a no-op on runtimes that already decode correctly.
 */
const WINDOWS_1252_C1 =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

/**
 * `;` when the first line (up to the first line break outside quotes) holds more `;`
 * than `,` outside quotes; otherwise `,`.
 */
export function detectDelimiter(text: string): Delimiter {
  let semicolons = 0;
  let commas = 0;
  let inQuotes = false;
  for (const ch of text) {
    if (ch === '"') inQuotes = !inQuotes; // "" inside quotes toggles twice: net no change
    else if (inQuotes) continue;
    else if (ch === "\n" || ch === "\r") break;
    else if (ch === ";") semicolons++;
    else if (ch === ",") commas++;
  }
  return semicolons > commas ? ";" : ",";
}

/** Default upper bound for one physical line of a CSV file, in characters: real exports stay far below. */
export const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

/**
 * UTF-16 (what Excel's "Unicode text" and some exports write): a byte order mark FF FE / FE FF,
 * or, without one, a NUL in every other byte of the first bytes (ASCII text as UTF-16).
 */
export function looksLikeUtf16(head: Uint8Array | readonly number[]): boolean {
  const b0 = head[0];
  const b1 = head[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) return true;
  const n = Math.min(head.length, 512) & ~1;
  if (n < 4) return false;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  // Text never has this many NULs; UTF-16 of Latin text has one in (nearly) every pair.
  return Math.max(evenNul, oddNul) >= (n / 2) * 0.4;
}

export function utf16Error(): TableError {
  return new TableError("utf16", "The file is UTF-16 encoded, which is not supported; save it as UTF-8 CSV and upload it again.");
}

export function lineTooLongError(line: number, maxLength: number): TableError {
  const kb = Math.round(maxLength / 1024);
  return new TableError("line_too_long", `Line ${line} is longer than ${kb} KB; is this a CSV file with line breaks?`, {
    line,
    params: { kb },
  });
}

/** Throws `line_too_long` for the first line of normalised text (`\n` breaks) longer than `maxLength`. */
function checkLineLengths(text: string, maxLength: number): void {
  let start = 0;
  let line = 1;
  for (;;) {
    const end = text.indexOf("\n", start);
    if ((end === -1 ? text.length : end) - start > maxLength) throw lineTooLongError(line, maxLength);
    if (end === -1) return;
    start = end + 1;
    line++;
  }
}

export function readCsv(
  bytes: Uint8Array,
  forcedDelimiter: Delimiter | undefined,
  maxLineLength = DEFAULT_MAX_LINE_LENGTH
): Table {
  if (looksLikeUtf16(bytes.subarray(0, 512))) throw utf16Error();
  const decoded = decodeText(bytes);
  // Normalise CRLF / CR to LF (also inside quoted values) so csv-parse counts lines correctly.
  const text = decoded.text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (text.trim() === "") throw new TableError("empty", "The file is empty.");
  checkLineLengths(text, maxLineLength);

  const delimiter = forcedDelimiter ?? detectDelimiter(text);
  const records = parseRecords(text, delimiter);

  const [headerRecord, ...dataRecords] = records;
  if (!headerRecord) throw new TableError("empty", "The file is empty.");

  const { header, rows } = buildRows(
    headerRecord.fields,
    headerRecord.line,
    dataRecords.map((r) => ({
      line: r.line,
      values: r.fields.map(toCell),
    }))
  );
  return { format: "csv", delimiter, encoding: decoded.encoding, header, rows };
}

export function toCell(field: string): CellValue {
  const trimmed = field.trim();
  return trimmed === "" ? null : trimmed;
}

interface ParsedRecord {
  /** Line the record starts on (a quoted value may span several lines). */
  line: number;
  fields: string[];
}

interface RecordInfo {
  lines: number;
  raw?: string;
}

function parseRecords(text: string, delimiter: Delimiter): ParsedRecord[] {
  let lastRecordEndLine = 0;
  let result: { record: string[]; info: RecordInfo; raw?: string }[];
  try {
    result = parse(text, {
      delimiter,
      record_delimiter: "\n",
      bom: true,
      info: true,
      raw: true,
      skip_empty_lines: true,
      relax_column_count: false,
      on_record: (record: string[], context: { lines: number }) => {
        lastRecordEndLine = context.lines;
        return record;
      },
    }) as unknown as { record: string[]; info: RecordInfo; raw?: string }[];
  } catch (error) {
    throw toTableError(error, () => {
      if (!(error instanceof CsvError)) return undefined;
      // csv-parse reports the end of the file; the quote opened in the record after the last good one.
      if (error.code === "CSV_QUOTE_NOT_CLOSED") return firstNonEmptyLineAfter(text, lastRecordEndLine);
      return typeof error.lines === "number"
        ? startLine(error.lines, typeof error.raw === "string" ? error.raw : undefined)
        : undefined;
    });
  }
  return result.map((r) => ({ line: startLine(r.info.lines, r.raw ?? r.info.raw), fields: r.record }));
}

/**
 * csv-parse reports the line a record *ends* on; `raw` holds the record text including
 * skipped empty lines before it and the trailing line break. Count the line breaks inside
 * the record itself to find the line it starts on.
 */
export function startLine(endLine: number, raw: string | undefined): number {
  if (raw === undefined) return endLine;
  let start = 0;
  while (raw.charCodeAt(start) === 10) start++; // skipped empty lines before the record
  const end = raw.length > start && raw.charCodeAt(raw.length - 1) === 10 ? raw.length - 1 : raw.length;
  let breaks = 0;
  for (let i = raw.indexOf("\n", start); i !== -1 && i < end; i = raw.indexOf("\n", i + 1)) breaks++;
  return endLine - breaks;
}

/**
 * Turns a csv-parse error into a `TableError`. `rowStartLine` returns the line the failing row
 * starts on (for an unclosed quote, a wrong column count or a row that is too long; csv-parse
 * itself reports where the row ends, or the end of the file).
 */
export function toTableError(error: unknown, rowStartLine: () => number | undefined): TableError {
  if (!(error instanceof CsvError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new TableError("malformed", `The file could not be read as CSV: ${message}`);
  }
  // CsvError carries the parser context (lines, raw, record, ...) as untyped extra properties.
  const errorLine: number | undefined = typeof error.lines === "number" ? error.lines : undefined;
  const at = (line: number | undefined) => (line === undefined ? {} : { line });

  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED": {
      const line = rowStartLine() ?? errorLine;
      return new TableError(
        "malformed",
        `A quoted value in the row starting on line ${line} is never closed: a quote (") is missing.`,
        at(line)
      );
    }
    case "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH": {
      const line = rowStartLine() ?? errorLine;
      const got = Array.isArray(error.record) ? `${error.record.length} columns` : "a different number of columns";
      const expected = /expect (\d+)/.exec(error.message)?.[1];
      return new TableError(
        "malformed",
        `Line ${line} has ${got}, but the header has ${expected ?? "a different number"}. ` +
          "Check for a missing or extra separator, or a value containing the separator that is not in quotes.",
        at(line)
      );
    }
    case "CSV_MAX_RECORD_SIZE": {
      const line = rowStartLine() ?? errorLine;
      return new TableError(
        "malformed",
        `The row starting on line ${line} is far too long. A quote (") that opens a value is probably never closed.`,
        at(line)
      );
    }
    case "CSV_INVALID_CLOSING_QUOTE":
    case "INVALID_OPENING_QUOTE":
    case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
      return new TableError(
        "malformed",
        `Line ${errorLine} has a quote (") in an unexpected place. ` +
          'A value that contains quotes must itself be in quotes, with each quote doubled ("").',
        at(errorLine)
      );
    default:
      return new TableError(
        "malformed",
        `The file could not be read as CSV${errorLine === undefined ? "" : ` (line ${errorLine})`}: ${error.message}`,
        at(errorLine)
      );
  }
}

function firstNonEmptyLineAfter(text: string, afterLine: number): number | undefined {
  const lines = text.split("\n");
  for (let i = afterLine; i < lines.length; i++) {
    if ((lines[i] ?? "") !== "") return i + 1;
  }
  return undefined;
}

/** Windows-1252 bytes to text, every byte one character (so any byte range decodes on its own). */
export function decodeWindows1252(bytes: Uint8Array): string {
  return fixWindows1252C1(new TextDecoder("windows-1252").decode(bytes));
}

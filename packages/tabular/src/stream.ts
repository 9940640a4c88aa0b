import { parse, type Parser } from "csv-parse";
import {
  DEFAULT_MAX_LINE_LENGTH,
  detectDelimiter,
  fixWindows1252C1,
  lineTooLongError,
  looksLikeUtf16,
  toCell,
  toTableError,
  utf16Error,
} from "./csv";
import { TableError } from "./errors";
import {
  duplicateColumnError,
  emptyHeaderError,
  isEmpty,
  normaliseHeaderName,
  unnamedColumnError,
} from "./header";
import type { CellValue, Delimiter, TableRow, TextEncoding } from "./types";

export interface StreamTableOptions {
  /** Used to refuse Excel files early (`.xlsx` / `.xls`); the magic bytes are recognised regardless. */
  fileName?: string;
  /** Forces the delimiter; otherwise it is detected from the header line, as `readTable` does. */
  delimiter?: Delimiter;
  /**
   * Upper bound for the size of one row, in UTF-8 bytes of its values (default 1,000,000).
   * A quote that is never closed would otherwise make the parser hold the rest of the file
   * as one value; past the bound the row is reported as `malformed`.
   */
  maxRowLength?: number;
  /**
   * Upper bound for one physical line, in characters (default 64 K). A longer line is refused
   * with `line_too_long` as soon as the limit is passed: a file without line breaks (or in an
   * encoding read wrongly) is not parsed as one huge row.
   */
  maxLineLength?: number;
  /** Skips the encoding pass when the caller already knows it (e.g. from its own pass over the file). */
  encoding?: TextEncoding;
}

export interface StreamedTable {
  format: "csv";
  delimiter: Delimiter;
  encoding: TextEncoding;
  /** Column names, trimmed and lower-cased, in file order (unnamed empty columns dropped). */
  header: string[];
  /** Where each named column is among the header's fields (0-based). */
  columns: { index: number; name: string }[];
  /** Positions of header fields without a name (their values must stay empty). */
  unnamedColumns: number[];
  /** Number of fields in the header line. */
  fieldCount: number;
  /** Every header field, trimmed and lower-cased, unnamed ones as "". */
  headerFields: string[];
  /**
   * The data rows, with the same line numbers and cell rules as `readTable`. Can be iterated
   * once. Throws `TableError` (e.g. `malformed`) when it reaches a row that cannot be read;
   * every row before it has been yielded by then.
   */
  rows: AsyncIterable<TableRow>;
  /** Bytes taken from the source by the parsing pass so far (for progress reporting). */
  bytesRead(): number;
  /** Stops reading and releases the source. Called automatically when `rows` ends, throws or is left early. */
  close(): Promise<void>;
}

const DEFAULT_MAX_ROW_LENGTH = 1_000_000;
/** Give up looking for the end of the header line after this many characters and detect on what is there. */
const HEADER_SCAN_LIMIT = 1_000_000;

/** The first bytes looked at for magic numbers and UTF-16. */
const HEAD_BYTES = 512;
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04] as const;
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0] as const;

/**
 * Reads a (large) CSV file row by row without holding the whole file in memory.
 *
 * `open` must return the file's bytes from the beginning each time it is called: it is called
 * twice. The first pass only checks whether the whole file is valid UTF-8 (then it is decoded
 * as UTF-8, a BOM is dropped) or not (then it is decoded as Windows-1252, like `readTable`).
 * The second pass parses; `streamTable` resolves once the header has been read.
 * UTF-16 files are refused (`utf16`) in the first pass.
 *
 * XLSX files are not streamed: they are refused with `unreadable_xlsx`; read them with `readTable`.
 */
export async function streamTable(
  open: () => AsyncIterable<Uint8Array>,
  options: StreamTableOptions = {}
): Promise<StreamedTable> {
  const name = options.fileName?.trim().toLowerCase() ?? "";
  if (name.endsWith(".xlsx") || name.endsWith(".xls")) throw excelError(name.endsWith(".xls"));

  const encoding = options.encoding ?? (await detectEncoding(open));
  const reader = new RowReader(open, encoding, options);
  try {
    await reader.readHeader();
  } catch (error) {
    await reader.close();
    throw error;
  }
  return {
    format: "csv",
    delimiter: reader.delimiter,
    encoding,
    header: reader.header,
    columns: reader.columns(),
    unnamedColumns: reader.unnamedColumns(),
    fieldCount: reader.fieldCount,
    headerFields: [...reader.headerFields],
    rows: reader.rowsOnce(),
    bytesRead: () => reader.bytesRead,
    close: () => reader.close(),
  };
}

function excelError(legacy: boolean): TableError {
  return legacy
    ? new TableError(
        "unreadable_xlsx",
        "This looks like an old Excel (.xls) file, which is not supported. Save it as .xlsx or as CSV and upload it again."
      )
    : new TableError(
        "unreadable_xlsx",
        "This is an Excel (.xlsx) workbook, not a CSV file; it cannot be read as a CSV stream."
      );
}

/** First pass: is the whole file valid UTF-8? Also refuses empty files and Excel workbooks. */
async function detectEncoding(open: () => AsyncIterable<Uint8Array>): Promise<TextEncoding> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const head: number[] = [];
  let total = 0;
  let valid = true;
  let headChecked = false;
  for await (const chunk of open()) {
    if (chunk.length === 0) continue;
    if (head.length < HEAD_BYTES) {
      for (let i = 0; i < chunk.length && head.length < HEAD_BYTES; i++) head.push(chunk[i] as number);
      if (startsWith(head, ZIP_MAGIC)) throw excelError(false);
      if (startsWith(head, OLE_MAGIC)) throw excelError(true);
    }
    if (!headChecked && head.length >= HEAD_BYTES) {
      headChecked = true;
      if (looksLikeUtf16(head)) throw utf16Error();
    }
    total += chunk.length;
    if (valid) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        valid = false;
      }
    }
    // Leaving the loop early releases the source (for await calls return()).
    if (!valid && headChecked) break;
  }
  if (total === 0) throw new TableError("empty", "The file is empty.");
  if (!headChecked && looksLikeUtf16(head)) throw utf16Error();
  if (!valid) return "windows-1252";
  try {
    decoder.decode(); // a sequence cut off at the end of the file
    return "utf-8";
  } catch {
    return "windows-1252";
  }
}

function startsWith(bytes: readonly number[], magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, i) => bytes[i] === byte);
}

interface RawRecord {
  line: number;
  fields: string[];
}

/** The parts of csv-parse's context (given to `on_record` and carried by its errors) used here. */
interface ParseContext {
  /** Line the record (or the error) ends on. */
  lines: number;
  /** Empty lines skipped so far. */
  empty_lines: number;
}

/** Second pass: decode → normalise line breaks → csv-parse, pulled record by record. */
class RowReader {
  delimiter: Delimiter = ",";
  header: string[] = [];
  fieldCount = 0;
  headerFields: string[] = [];
  bytesRead = 0;

  private readonly source: AsyncIterator<Uint8Array>;
  private readonly decoder: TextDecoder;
  private readonly maxRowLength: number;
  private sourceDone = false;
  private closed = false;
  /** Bytes held back at the start of the file until a BOM can be recognised (Windows-1252 only). */
  private head: Uint8Array | null;
  private atStart = true;
  /** A "\r" at the end of the previous chunk: it may be the first half of "\r\n". */
  private pendingCR = false;
  private sawNonWhitespace = false;
  private readonly maxLineLength: number;
  /** Physical lines seen so far, and the length of the last (unfinished) one. */
  private physicalLines = 1;
  private openLineLength = 0;

  private parser: Parser | null = null;
  private parserError: unknown = undefined;
  private parserEnded = false;
  private queue: RawRecord[] = [];
  private queuePos = 0;
  /** Where the last record ended and how many empty lines had been skipped by then. */
  private lastEndLine = 0;
  private lastEmptyLines = 0;

  private headerLine = 1;
  private kept: { index: number; name: string }[] = [];
  private unnamed: number[] = [];
  private iterated = false;

  constructor(
    open: () => AsyncIterable<Uint8Array>,
    private readonly encoding: TextEncoding,
    private readonly options: StreamTableOptions
  ) {
    this.source = open()[Symbol.asyncIterator]();
    this.decoder =
      encoding === "utf-8" ? new TextDecoder("utf-8", { fatal: true }) : new TextDecoder("windows-1252");
    this.head = encoding === "windows-1252" ? new Uint8Array(0) : null;
    this.maxRowLength = options.maxRowLength ?? DEFAULT_MAX_ROW_LENGTH;
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  }

  async readHeader(): Promise<void> {
    // Collect text up to the end of the header line (outside quotes) to detect the delimiter.
    let headText = "";
    let inQuotes = false;
    let complete = false;
    while (!complete && headText.length <= HEADER_SCAN_LIMIT) {
      const text = await this.nextText();
      if (text === null) break;
      for (let i = 0; i < text.length; i++) {
        const ch = text.charCodeAt(i);
        if (ch === 34 /* " */) inQuotes = !inQuotes;
        else if (ch === 10 && !inQuotes) {
          complete = true;
          break;
        }
      }
      headText += text;
    }
    this.delimiter = this.options.delimiter ?? detectDelimiter(headText);
    this.parser = this.createParser();
    if (headText !== "") await this.write(headText);

    const headerRecord = await this.nextRecord();
    if (headerRecord === null) throw new TableError("empty", "The file is empty.");
    this.headerLine = headerRecord.line;
    const names = headerRecord.fields.map(normaliseHeaderName);
    this.fieldCount = names.length;
    this.headerFields = names;
    if (names.every((n) => n === "")) {
      // readTable calls a file of only blanks "empty"; look at the rest of the text to tell.
      while (!this.sawNonWhitespace && (await this.nextText()) !== null) {
        /* keep reading */
      }
      if (!this.sawNonWhitespace) throw new TableError("empty", "The file is empty.");
      throw emptyHeaderError(this.headerLine);
    }

    const firstIndexByName = new Map<string, number>();
    names.forEach((name, index) => {
      if (name === "") {
        this.unnamed.push(index);
        return;
      }
      const previous = firstIndexByName.get(name);
      if (previous !== undefined) throw duplicateColumnError(name, previous, index, this.headerLine);
      firstIndexByName.set(name, index);
      this.kept.push({ index, name });
    });
    this.header = this.kept.map((k) => k.name);
  }

  columns(): { index: number; name: string }[] {
    return this.kept.map((k) => ({ ...k }));
  }

  unnamedColumns(): number[] {
    return [...this.unnamed];
  }

  rowsOnce(): AsyncIterable<TableRow> {
    return {
      [Symbol.asyncIterator]: () => {
        if (this.iterated) throw new Error("The rows of a streamed table can be iterated only once.");
        this.iterated = true;
        return this.rows();
      },
    };
  }

  private async *rows(): AsyncGenerator<TableRow, void, undefined> {
    try {
      for (;;) {
        const record = await this.nextRecord();
        if (record === null) return;
        const values: CellValue[] = record.fields.map(toCell);
        if (values.every(isEmpty)) continue;
        for (const index of this.unnamed) {
          if (!isEmpty(values[index])) throw unnamedColumnError(index, this.headerLine, record.line);
        }
        const cells: Record<string, CellValue> = {};
        for (const { index, name } of this.kept) cells[name] = values[index] ?? null;
        yield { line: record.line, cells };
      }
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.parser?.destroy();
    if (!this.sourceDone) {
      this.sourceDone = true;
      await this.source.return?.();
    }
  }

  private createParser(): Parser {
    const parser = parse({
      delimiter: this.delimiter,
      record_delimiter: "\n",
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      max_record_size: this.maxRowLength,
      // Records are collected here, synchronously and in order, instead of being pushed to the
      // readable side: a stream error would discard records still buffered there.
      // The `info`/`raw` options would give the same line numbers but slow parsing by ~60%.
      on_record: (record: string[], context: ParseContext) => {
        this.queue.push({ line: this.rowStartLine(context), fields: record });
        this.lastEndLine = context.lines;
        this.lastEmptyLines = context.empty_lines;
        return null;
      },
    });
    parser.on("error", (error) => {
      this.parserError ??= error;
    });
    return parser;
  }

  private write(text: string): Promise<void> {
    const parser = this.parser;
    if (parser === null) throw new Error("parser not started");
    return new Promise((resolve) => {
      parser.write(text, (error) => {
        if (error) this.parserError ??= error;
        resolve();
      });
    });
  }

  private end(): Promise<void> {
    const parser = this.parser;
    if (parser === null) throw new Error("parser not started");
    return new Promise((resolve) => {
      parser.once("finish", () => resolve());
      parser.once("error", () => resolve());
      parser.end();
      parser.resume(); // nothing is pushed, but let the readable side finish
    });
  }

  private async nextRecord(): Promise<RawRecord | null> {
    while (this.queuePos >= this.queue.length) {
      this.queue = [];
      this.queuePos = 0;
      if (this.parserError !== undefined) throw this.tableError(this.parserError);
      if (this.parserEnded || this.closed) return null;
      const text = await this.nextText();
      if (text === null) {
        this.parserEnded = true;
        await this.end();
      } else if (text !== "") {
        await this.write(text);
      }
    }
    const record = this.queue[this.queuePos];
    this.queuePos++;
    return record ?? null;
  }

  /**
   * A record starts on the line after the previous one ended, plus the empty lines skipped in
   * between. Works for csv-parse errors too: they carry the same counters.
   */
  private rowStartLine(context: ParseContext): number {
    return this.lastEndLine + 1 + (context.empty_lines - this.lastEmptyLines);
  }

  private tableError(error: unknown): TableError {
    return toTableError(error, () => {
      const e = error as Partial<ParseContext>;
      return typeof e.lines === "number" && typeof e.empty_lines === "number"
        ? this.rowStartLine({ lines: e.lines, empty_lines: e.empty_lines })
        : undefined;
    });
  }

  /** Next piece of decoded text with line breaks normalised to "\n"; null at the end of the file. */
  private async nextText(): Promise<string | null> {
    for (;;) {
      if (this.sourceDone) return null;
      const next = await this.source.next();
      if (next.done) {
        this.sourceDone = true;
        let text = this.decode(this.takeHead(), false);
        if (this.pendingCR) text = `\r${text}`;
        this.pendingCR = false;
        return this.finishText(text);
      }
      const chunk = next.value;
      this.bytesRead += chunk.length;
      let bytes: Uint8Array | null = chunk;
      if (this.head !== null) {
        // Windows-1252: hold the first bytes back until a UTF-8 BOM (EF BB BF) can be recognised.
        const joined = new Uint8Array(this.head.length + chunk.length);
        joined.set(this.head);
        joined.set(chunk, this.head.length);
        if (joined.length < 3) {
          this.head = joined;
          continue;
        }
        this.head = null;
        bytes = joined;
      }
      let text = this.decode(bytes, true);
      if (this.pendingCR) text = `\r${text}`;
      this.pendingCR = text.endsWith("\r");
      if (this.pendingCR) text = text.slice(0, -1);
      return this.finishText(text);
    }
  }

  private takeHead(): Uint8Array | null {
    const head = this.head;
    this.head = null;
    return head;
  }

  private decode(bytes: Uint8Array | null, stream: boolean): string {
    let body = bytes ?? new Uint8Array(0);
    if (this.encoding === "windows-1252") {
      // Like decodeText: a UTF-8 BOM before text that is not UTF-8 is dropped.
      if (this.atStart && body.length > 0) {
        if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) body = body.subarray(3);
        this.atStart = false;
      }
      return fixWindows1252C1(this.decoder.decode(body, { stream }));
    }
    try {
      const text = this.decoder.decode(body, { stream });
      if (this.atStart && text !== "") {
        this.atStart = false;
        return text.replace(/^\uFEFF/, ""); // a second BOM, as readCsv drops it
      }
      return text;
    } catch {
      throw new TableError(
        "malformed",
        "The file changed while it was being read: it is no longer valid UTF-8. Upload it again."
      );
    }
  }

  private finishText(text: string): string {
    const normalised = text.replace(/\r\n?/g, "\n");
    if (!this.sawNonWhitespace && /\S/.test(normalised)) this.sawNonWhitespace = true;
    this.checkLineLengths(normalised);
    return normalised;
  }

  /** Refuses a physical line over the limit as soon as it passes it, before the parser sees it. */
  private checkLineLengths(text: string): void {
    let start = 0;
    for (;;) {
      const end = text.indexOf("\n", start);
      const length = this.openLineLength + (end === -1 ? text.length : end) - start;
      if (length > this.maxLineLength) throw lineTooLongError(this.physicalLines, this.maxLineLength);
      if (end === -1) {
        this.openLineLength = length;
        return;
      }
      this.openLineLength = 0;
      this.physicalLines++;
      start = end + 1;
    }
  }
}

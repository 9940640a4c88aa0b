import { readCsv } from "./csv";
import { TableError } from "./errors";
import type { ReadTableOptions, Table } from "./types";
import { readXlsx } from "./xlsx";

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04] as const; // "PK\x03\x04"
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0] as const; // legacy .xls (and other MS Office binary files)

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, i) => bytes[i] === byte);
}

/**
 * Reads a CSV or XLSX file (as produced by Excel, including Dutch-locale exports) into a
 * table keyed by lower-cased column names. Throws `TableError` when that is not possible.
 */
export async function readTable(bytes: Uint8Array, options: ReadTableOptions = {}): Promise<Table> {
  if (bytes.length === 0) throw new TableError("empty", "The file is empty.");

  const name = options.fileName?.trim().toLowerCase() ?? "";
  if (startsWith(bytes, ZIP_MAGIC) || name.endsWith(".xlsx")) return readXlsx(bytes);

  if (startsWith(bytes, OLE_MAGIC) || name.endsWith(".xls")) {
    throw new TableError(
      "unreadable_xlsx",
      "This looks like an old Excel (.xls) file, which is not supported. Save it as .xlsx or as CSV and upload it again."
    );
  }
  return readCsv(bytes, options.delimiter, options.maxLineLength);
}

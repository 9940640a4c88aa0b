import { TableError } from "./errors";
import type { CellValue, TableRow } from "./types";

export function normaliseHeaderName(value: string): string {
  return value.trim().toLowerCase();
}

interface RawRow {
  line: number;
  values: CellValue[];
}

/**
 * Turns a raw header + raw rows into keyed rows.
 * - Columns without a name are dropped when they hold no values anywhere (typical for
 *   trailing separators in Excel exports); otherwise that is a `no_header` error.
 * - Duplicate names (after trimming/lower-casing) are a `duplicate_column` error.
 * - Rows where every cell is empty are skipped.
 */
export function buildRows(
  rawHeader: string[],
  headerLine: number,
  rawRows: RawRow[]
): { header: string[]; rows: TableRow[] } {
  const names = rawHeader.map(normaliseHeaderName);
  if (names.every((n) => n === "")) throw emptyHeaderError(headerLine);

  const width = rawRows.reduce((max, r) => Math.max(max, r.values.length), names.length);
  const kept: { index: number; name: string }[] = [];
  const firstIndexByName = new Map<string, number>();
  for (let index = 0; index < width; index++) {
    const name = names[index] ?? "";
    if (name === "") {
      const rowWithValue = rawRows.find((r) => !isEmpty(r.values[index]));
      if (rowWithValue) throw unnamedColumnError(index, headerLine, rowWithValue.line);
      continue;
    }
    const previous = firstIndexByName.get(name);
    if (previous !== undefined) throw duplicateColumnError(name, previous, index, headerLine);
    firstIndexByName.set(name, index);
    kept.push({ index, name });
  }

  const rows: TableRow[] = [];
  for (const raw of rawRows) {
    if (raw.values.every(isEmpty)) continue;
    const cells: Record<string, CellValue> = {};
    for (const { index, name } of kept) cells[name] = raw.values[index] ?? null;
    rows.push({ line: raw.line, cells });
  }
  return { header: kept.map((k) => k.name), rows };
}

export function emptyHeaderError(headerLine: number): TableError {
  return new TableError("no_header", `Line ${headerLine} must contain the column names, but it is empty.`, {
    line: headerLine,
  });
}

/** `index` is 0-based. */
export function unnamedColumnError(index: number, headerLine: number, line: number): TableError {
  return new TableError(
    "no_header",
    `Column ${index + 1} has no name in the header (line ${headerLine}), but line ${line} has a value in it.`,
    { line }
  );
}

/** `previous` and `index` are 0-based. */
export function duplicateColumnError(name: string, previous: number, index: number, headerLine: number): TableError {
  return new TableError(
    "duplicate_column",
    `The column "${name}" appears more than once in the header (columns ${previous + 1} and ${index + 1}).`,
    { line: headerLine, column: name }
  );
}

export function isEmpty(value: CellValue | undefined): boolean {
  return value === null || value === undefined || value === "";
}

import { hasNul } from "./bounds";
import type { TableRow } from "./types";

/**
 * The columns of a row whose text holds a NUL character (U+0000). PostgreSQL cannot store one
 * in text, and no real value contains it: it means a binary or wrongly decoded file.
 */
export function nulColumns(row: TableRow): string[] {
  const found: string[] = [];
  for (const [column, value] of Object.entries(row.cells)) {
    if (typeof value === "string" && hasNul(value)) found.push(column);
  }
  return found;
}

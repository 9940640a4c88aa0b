import { normaliseHeaderName } from "./header";
import type { Table } from "./types";

/** Required column names (compared trimmed and case-insensitively) that are missing from the table. */
export function requireColumns(table: Pick<Table, "header">, required: readonly string[]): string[] {
  const present = new Set(table.header);
  return required.filter((name) => !present.has(normaliseHeaderName(name)));
}

/** Table columns that are not among the known names (compared trimmed and case-insensitively). */
export function extraColumns(table: Pick<Table, "header">, known: readonly string[]): string[] {
  const knownSet = new Set(known.map(normaliseHeaderName));
  return table.header.filter((name) => !knownSet.has(name));
}

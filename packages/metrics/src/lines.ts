import Decimal from "decimal.js";
import { SEGMENT_COLUMNS, segmentFigures, type SegmentColumn, type SegmentFigures, type SegmentKey } from "./index";

/**
 * A straightforward in-memory reference for DOMAIN.md's segment table,
 * computed from declaration lines. Meant for tests and fixtures (it holds every
 * provider and client of the scope in memory), not for production queries.
 */

export interface SegmentLine {
  municipalityCode: string;
  providerCode: string;
  clientKey: string;
  /** Net amount of the line in euros (credits negative), as a decimal string. */
  amount: string | Decimal;
  /** The line's segment by the catalogue mapping; null = no segment (unassigned). */
  segment: SegmentKey | null;
}

export interface SegmentLineScope {
  /** Only lines of this municipality; omitted = the whole region (a client counts once). */
  municipalityCode?: string;
}

export type SegmentTable = Record<SegmentColumn, SegmentFigures>;

interface ColumnTotals {
  spending: Decimal;
  providers: Map<string, Decimal>;
  clients: Map<string, Decimal>;
}

function addTo(map: Map<string, Decimal>, key: string, amount: Decimal): void {
  const current = map.get(key);
  map.set(key, current ? current.plus(amount) : amount);
}

/**
 * The segment table (all, the five segments, unassigned) of the given lines:
 * spending = sum of net amounts; clients and providers = distinct keys whose
 * net amount in the column is > 0; providers covering 80% via `segmentFigures`.
 * Callers select the period (e.g. one year) before passing lines in.
 */
export function segmentTableFromLines(lines: Iterable<SegmentLine>, scope: SegmentLineScope = {}): SegmentTable {
  const columns = new Map<SegmentColumn, ColumnTotals>(
    SEGMENT_COLUMNS.map((column) => [column, { spending: new Decimal(0), providers: new Map(), clients: new Map() }]),
  );
  for (const line of lines) {
    if (scope.municipalityCode !== undefined && line.municipalityCode !== scope.municipalityCode) continue;
    const amount = new Decimal(line.amount);
    for (const column of ["all", line.segment ?? "unassigned"] as const) {
      const totals = columns.get(column);
      if (!totals) throw new Error(`unknown segment ${String(column)}`);
      totals.spending = totals.spending.plus(amount);
      addTo(totals.providers, line.providerCode, amount);
      addTo(totals.clients, line.clientKey, amount);
    }
  }
  const table = {} as SegmentTable;
  for (const [column, totals] of columns) {
    let clients = 0;
    for (const net of totals.clients.values()) if (net.greaterThan(0)) clients++;
    table[column] = segmentFigures({
      clients,
      spending: totals.spending,
      providers: [...totals.providers].map(([providerCode, spending]) => ({ providerCode, spending })),
    });
  }
  return table;
}

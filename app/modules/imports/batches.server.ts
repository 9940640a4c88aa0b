import type { ScopedTransaction } from "~db/tenant-scope";

/** Import batches: what was uploaded, by whom, and whether it still counts. */

export const BATCH_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface BatchSummary {
  id: string;
  fileName: string;
  importedBy: string;
  importedAt: string;
  /** The delivery date (`YYYY-MM-DD`): lines without their own declared date count from it. */
  deliveredOn: string;
  mode: "append" | "replace";
  lines: number;
  totalAmount: string;
  status: "committed" | "rolled_back";
  rolledBackAt: string | null;
  rolledBackBy: string | null;
}

export interface BatchDetail extends BatchSummary {
  municipalities: { code: string; name: string; lines: number; amount: string; months: string[] }[];
  /** Lines of this batch that still count (not replaced by a later batch). */
  currentLines: number;
}

const COLUMNS = [
  "id",
  "file_name",
  "imported_by_label",
  "imported_at",
  "delivered_on",
  "mode",
  "line_count",
  "total_amount",
  "status",
  "rolled_back_at",
  "rolled_back_by_label",
] as const;

type BatchRow = {
  id: string;
  file_name: string;
  imported_by_label: string;
  imported_at: Date;
  delivered_on: Date | string;
  mode: "append" | "replace";
  line_count: number;
  total_amount: string;
  status: "committed" | "rolled_back";
  rolled_back_at: Date | null;
  rolled_back_by_label: string | null;
};

function toSummary(row: BatchRow): BatchSummary {
  return {
    id: row.id,
    fileName: row.file_name,
    importedBy: row.imported_by_label,
    importedAt: new Date(row.imported_at).toISOString(),
    deliveredOn: dateOnly(row.delivered_on),
    mode: row.mode,
    lines: row.line_count,
    totalAmount: row.total_amount,
    status: row.status,
    rolledBackAt: row.rolled_back_at ? new Date(row.rolled_back_at).toISOString() : null,
    rolledBackBy: row.rolled_back_by_label,
  };
}

/** A `date` column as `YYYY-MM-DD` (pg and PGlite may hand it over as a Date at local midnight, or as text). */
function dateOnly(value: Date | string): string {
  if (typeof value === "string") return value.slice(0, 10);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
}

/** Newest first; `limit + 1` rows are read to tell whether there are more. A `null` limit lists every batch (the CLI's `batch list`). */
export async function listBatches(trx: ScopedTransaction, limit: number | null = 100): Promise<{ batches: BatchSummary[]; more: boolean }> {
  let query = trx
    .selectFrom("import_batch")
    .select(COLUMNS)
    .where("kind", "=", "declarations")
    .orderBy("imported_at", "desc")
    .orderBy("id");
  if (limit !== null) query = query.limit(limit + 1);
  const rows = await query.execute();
  if (limit === null) return { batches: rows.map(toSummary), more: false };
  return { batches: rows.slice(0, limit).map(toSummary), more: rows.length > limit };
}

export async function findBatch(trx: ScopedTransaction, id: string): Promise<BatchDetail | null> {
  if (!BATCH_ID.test(id)) return null;
  const row = await trx.selectFrom("import_batch").select(COLUMNS).where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  const [municipalities, current] = await Promise.all([
    trx
      .selectFrom("import_batch_municipality as b")
      .innerJoin("municipality as m", "m.code", "b.municipality_code")
      .select(["b.municipality_code as code", "m.name", "b.line_count", "b.total_amount", "b.months"])
      .where("b.batch_id", "=", id)
      .orderBy("m.name")
      .execute(),
    trx
      .selectFrom("declaration")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("batch_id", "=", id)
      .where("superseded_by", "is", null)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    ...toSummary(row),
    municipalities: municipalities.map((m) => ({
      code: m.code,
      name: m.name,
      lines: m.line_count,
      amount: m.total_amount,
      months: [...m.months].sort(),
    })),
    currentLines: Number(current.n),
  };
}

/**
 * When declarations were last imported that still hold lines for a municipality in scope (an
 * ISO timestamp, or null): row-level security limits both tables to the municipalities the
 * reader may see; a rolled-back batch (its lines are deleted) does not count.
 */
export async function lastDeclarationImport(trx: ScopedTransaction): Promise<string | null> {
  const row = await trx
    .selectFrom("import_batch_municipality as ibm")
    .where(({ exists, selectFrom }) =>
      exists(selectFrom("declaration as d").select("d.line_no").whereRef("d.batch_id", "=", "ibm.batch_id").whereRef("d.municipality_code", "=", "ibm.municipality_code")),
    )
    .select((eb) => eb.fn.max("ibm.imported_at").as("imported"))
    .executeTakeFirst();
  return row?.imported ? new Date(row.imported as Date).toISOString() : null;
}

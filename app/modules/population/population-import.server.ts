import { validatePopulationTable, type RowIssue } from "@jeugdregio/population";
import { readTable, TableError } from "@jeugdregio/tabular";
import { sql } from "kysely";
import { recordAudit } from "~/modules/audit/audit.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import type { Actor } from "~/modules/access/actor";

export const MAX_POPULATION_FILE_BYTES = 5 * 1024 * 1024;

export type PopulationImportResult =
  | { ok: true; rows: number; inserted: number; updated: number; notices: RowIssue[] }
  | { ok: false; errors: RowIssue[]; notices: RowIssue[] };


/**
 * Imports inhabitants aged 0–17 per municipality and year: every row or none.
 * Runs inside the caller's scoped transaction, so row-level security limits the
 * rows written to the caller's write scope; the outcome is audited either way.
 */
export async function importPopulation(
  trx: ScopedTransaction,
  actor: Actor,
  file: { name: string; bytes: Uint8Array },
  options: { source?: string; onlyMissing?: boolean } = {},
): Promise<PopulationImportResult> {
  const audit = (outcome: "success" | "failure", details: Record<string, unknown>) =>
    recordAudit(trx, {
      actorUserId: actor.userId,
      actorLabel: actor.label,
      action: "population.import",
      outcome,
      subject: file.name,
      ip: actor.ip,
      details,
    });

  let table;
  try {
    table = await readTable(file.bytes, { fileName: file.name });
  } catch (error) {
    if (!(error instanceof TableError)) throw error;
    const errors: RowIssue[] = [{ line: error.line ?? null, column: error.column ?? null, code: error.code, message: error.message }];
    await audit("failure", { errors: errors.length });
    return { ok: false, errors, notices: [] };
  }

  const known = await trx.selectFrom("municipality").select("code").execute();
  const validation = validatePopulationTable(table, new Set(known.map((m) => m.code)));
  if (!validation.ok) {
    await audit("failure", { errors: validation.errors.length });
    return validation;
  }

  const source = options.source ?? file.name;
  const rows = validation.rows;
  // One statement for the whole file: `xmax = 0` tells an insert from an update.
  const written = await sql<{ inserted: boolean }>`
    insert into population (municipality_code, year, inhabitants_0_17, source, updated_at)
    select code, year, inhabitants, ${source}, now()
    from unnest(${rows.map((r) => r.municipalityCode)}::text[],
                ${rows.map((r) => r.year)}::int[],
                ${rows.map((r) => r.inhabitants0to17)}::int[]) as t(code, year, inhabitants)
    on conflict (municipality_code, year) do ${options.onlyMissing ? sql`nothing` : sql`update
      set inhabitants_0_17 = excluded.inhabitants_0_17, source = excluded.source, updated_at = excluded.updated_at`}
    returning (xmax = 0) as inserted`.execute(trx);
  const inserted = written.rows.filter((r) => r.inserted).length;
  const updated = written.rows.length - inserted;
  await audit("success", { rows: rows.length, inserted, updated, source });
  return { ok: true, rows: rows.length, inserted, updated, notices: validation.notices };
}

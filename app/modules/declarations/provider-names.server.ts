import { sql } from "kysely";
import type { ScopedTransaction } from "~db/tenant-scope";

/**
 * A provider is named by the latest committed batch that names it (migration 0015): each
 * import records the names it saw, in its own transaction after the imports' advisory lock,
 * and a rollback gives back the name of the batch before. Precedence: a provider register
 * (`name_source = 'register'`, a later issue) outranks the declarations, so those rows are
 * left alone here.
 */

/** Records the first name this batch gave each provider, then renames them accordingly. */
export async function recordProviderNames(trx: ScopedTransaction, batchId: string, names: ReadonlyMap<string, string>): Promise<void> {
  if (names.size === 0) return;
  const codes = [...names.keys()];
  await sql`insert into provider_name_seen (provider_code, batch_id, name)
    select code, ${batchId}::uuid, name from unnest(${codes}::text[], ${[...names.values()]}::text[]) as t(code, name)`.execute(trx);
  await renameFromLatestBatch(trx, codes);
}

/** After a rollback: the providers the batch named take the name of the latest batch still committed. */
export async function restoreProviderNames(trx: ScopedTransaction, batchId: string): Promise<void> {
  const rows = await trx.selectFrom("provider_name_seen").select("provider_code").where("batch_id", "=", batchId).execute();
  if (rows.length) await renameFromLatestBatch(trx, rows.map((r) => r.provider_code));
}

/** A provider no committed batch names any more keeps its name: there is none to go back to. */
async function renameFromLatestBatch(trx: ScopedTransaction, codes: string[]): Promise<void> {
  await sql`
    update provider p set name = latest.name
    from (
      select distinct on (s.provider_code) s.provider_code, s.name
      from provider_name_seen s
      left join import_batch b on b.id = s.batch_id
      where s.provider_code = any(${codes}::text[]) and (s.batch_id is null or b.status = 'committed')
      order by s.provider_code, s.id desc
    ) latest
    where p.code = latest.provider_code and p.name_source = 'declarations' and p.name <> latest.name`.execute(trx);
}

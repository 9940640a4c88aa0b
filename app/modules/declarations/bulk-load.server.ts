import { createHash } from "node:crypto";
import { BULK_COPY_COLUMNS, createBulkBlockConverter, type BulkLineConverterOptions } from "@jeugdregio/declarations";
import { DEFAULT_MAX_LINE_LENGTH, type Delimiter, type TextEncoding } from "@jeugdregio/tabular";
import type { BulkLoader, BulkSession } from "~db/connect";
import { DECLARATION_LINES_SCHEMA } from "~db/tenancy";
import { faultPoint } from "./fault-points.server";
import { bsnPseudonymiser } from "./pseudonym.server";

/**
 * The bulk path of the declaration import, for CSV files of the plain shape most exports have
 * (no line breaks inside values, quotes only around whole fields). One pass: the file is read
 * and hashed, each line split, checked and converted
 * by `createBulkLineConverter` (the validator's rules) and streamed with COPY into a new table
 * that no reader can see yet, while the database writes the previous rows (two cores busy).
 * Its indexes are then built in one sorted pass each, in parallel, instead of row by row; the
 * import's transaction attaches the table as a partition of `declaration`. At the first line
 * the converter does not take, loading stops and the table is gone: the caller then validates
 * the file row by row, which accepts it or reports every error.
 */

export interface BulkFilePlan extends Omit<BulkLineConverterOptions, "knownMunicipalities" | "pseudonymise" | "latestPeriod" | "deliveredOn" | "today" | "countFromDelivery"> {
  batchId: string;
  encoding: TextEncoding;
  delimiter: Delimiter;
  /** The header's field names, trimmed and lower-cased, as the row parser read them. */
  headerFields: readonly string[];
  /** The row reader's limit for one line, in characters (it refuses longer ones; the bulk path leaves them to it). */
  maxLineLength?: number;
  open(): AsyncIterable<Uint8Array>;
}

export interface LoadedMunicipalityTotals {
  municipalityCode: string;
  lines: number;
  amount: string;
  months: string[];
}

export interface LoadedLines {
  table: string;
  /** SHA-256 of the file's bytes. */
  hash: string;
  lines: number;
  totals: LoadedMunicipalityTotals[];
  /** Provider code → the name on its first line. */
  providers: Map<string, { name: string; line: number }>;
  products: Set<string>;
}

/** Why the bulk path left a file to the validator (for the log; the validator reports to the user). */
export interface Skipped {
  skipped: string;
  /** The bytes are not UTF-8: worth another try as Windows-1252. */
  notUtf8?: boolean;
}

/** The file is converted in blocks of whole lines of about this many bytes. */
const BLOCK_BYTES = 1024 * 1024;
/** The embedded database copies from memory: one COPY takes at most about this much. */
const PIECE_BYTES = 16 * 1024 * 1024;

class NotForBulk extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The table a batch's lines load into; attaching renames it to the partition's name. */
export function loadingTableName(batchId: string): string {
  return `b_${batchId.replace(/-/g, "")}_load`;
}

/**
 * A loading table's comment names the process that loads it (its presence id): the clean-up
 * after a crash (app/modules/imports/leftovers.server.ts) removes only tables whose process is gone.
 */
export const LOADING_TABLE_OWNER = "jeugdregio-import ";

export interface BulkRules {
  knownMunicipalities: ReadonlySet<string>;
  pseudonymKey: string;
  /** The last service month that may be declared (`YYYY-MM`). */
  latestPeriod?: string;
  /** The batch's delivery date, the day of import, and whether it is a replace (see the validator's options). */
  deliveredOn: string;
  today: string;
  countFromDelivery: boolean;
}

export async function loadDeclarationLines(
  loader: BulkLoader,
  plan: BulkFilePlan,
  rules: BulkRules,
  onBytes: (bytes: number) => void,
): Promise<LoadedLines | Skipped> {
  // On this thread: measured on 2 cores, worker threads were slower (the database needs the
  // other core for COPY, and blocks must be copied between threads).
  const converter = createBulkBlockConverter({ ...plan, ...rules, pseudonymise: bsnPseudonymiser(rules.pseudonymKey) });
  const table = loadingTableName(plan.batchId);
  const qualified = `${DECLARATION_LINES_SCHEMA}.${quoteIdent(table)}`;
  const hash = createHash("sha256");
  let rowsSent = 0;

  async function* copyRows(): AsyncGenerator<Uint8Array> {
    // While the database stores one block's rows, the next block is converted here.
    let first = true;
    for await (const block of blocks(plan.open(), hash, onBytes, plan.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH)) {
      if (!first && !loader.piecewise) await faultPoint("during-copy"); // the COPY has begun
      first = false;
      const result = converter.convertBlock(block.bytes, block.firstLine);
      if (!result.ok) throw new NotForBulk(result.reason);
      rowsSent += result.count;
      yield result.rows;
    }
  }

  let created = false;
  await loader.presence.announce();
  try {
    await loader.session(async (session) => {
      await session.query("begin");
      try {
        await session.query(`create table ${qualified} (like declaration including defaults including constraints)`);
        // Every row gets the batch from the default (not sent per row); the check lets attaching skip
        // its scan; the primary key matches the parent's, so attaching reuses it. (Building the key
        // after the load measured the same: the database keeps up while this thread converts.)
        await session.query(
          `alter table ${qualified} alter column batch_id set default '${uuid(plan.batchId)}', add check (batch_id = '${uuid(plan.batchId)}'),
             add primary key (municipality_code, batch_id, line_no)`,
        );
        await session.query(`comment on table ${qualified} is '${LOADING_TABLE_OWNER}${uuid(loader.presence.id)}'`);
        const target = `${qualified} (${BULK_COPY_COLUMNS.join(", ")})`;
        let copied = 0;
        if (loader.piecewise) {
          for await (const piece of pieces(copyRows(), PIECE_BYTES)) {
            copied += await session.copyFrom(target, "format text", piece);
            await faultPoint("during-copy"); // rows copied, the loading transaction still open
          }
        } else {
          copied = await session.copyFrom(target, "format text", copyRows());
        }
        if (copied !== rowsSent) throw new Error(`COPY stored ${copied} rows of ${rowsSent}`);
        await session.query("commit");
        created = true;
      } catch (error) {
        await session.query("rollback").catch(() => undefined);
        throw error;
      }
    });
  } catch (error) {
    if (error instanceof NotForBulk) return { skipped: error.reason };
    if ((error as { code?: string }).code === "ERR_ENCODING_INVALID_ENCODED_DATA") {
      return { skipped: "not UTF-8", notUtf8: true };
    }
    const code = (error as { code?: string }).code;
    // The database's own complaints about the data (a check constraint) mean: let the validator report.
    if (code && /^(22|23)/.test(code)) return { skipped: `database: ${(error as Error).message}` };
    throw error;
  }

  const summary = converter.summary();
  const loaded: LoadedLines = {
    table,
    hash: hash.digest("hex"),
    lines: summary.lines,
    totals: [...summary.perMunicipality.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([municipalityCode, t]) => ({ municipalityCode, lines: t.lines, amount: formatCents(t.cents), months: [...t.months].sort() })),
    providers: summary.providers,
    products: summary.products,
  };
  if (summary.lines === 0 || [...summary.perMunicipality.values()].some((t) => !Number.isSafeInteger(t.cents))) {
    await dropLoadingTable(loader, loaded.table);
    return { skipped: "no lines, or totals beyond exact integer cents" };
  }
  return loaded;
}

/** Removes a loading table that was filled but not attached (an import that failed after loading). */
export async function dropLoadingTable(loader: BulkLoader, table: string): Promise<void> {
  await loader.session((session: BulkSession) => session.query(`drop table if exists ${DECLARATION_LINES_SCHEMA}.${quoteIdent(table)}`));
}

/** The file's bytes in blocks of whole lines (the last may lack its "\n"), hashed as they pass. */
async function* blocks(
  chunks: AsyncIterable<Uint8Array>,
  hash: ReturnType<typeof createHash>,
  onBytes: (bytes: number) => void,
  maxLineLength: number,
): AsyncGenerator<{ bytes: Uint8Array; firstLine: number }> {
  let pending: Uint8Array[] = [];
  let pendingSize = 0;
  let line = 1;
  let read = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    read += chunk.length;
    onBytes(read);
    pending.push(chunk);
    pendingSize += chunk.length;
    if (pendingSize < BLOCK_BYTES) continue;
    const joined = Buffer.concat(pending);
    const cut = joined.lastIndexOf(10) + 1;
    if (cut === 0) {
      // No line break in a whole block: past the line limit (bytes ≥ characters) the row reader refuses it;
      // stop here instead of joining ever larger buffers.
      if (joined.length > maxLineLength) throw new NotForBulk("a line longer than the limit");
      pending = [joined];
      continue;
    }
    const block = joined.subarray(0, cut);
    yield { bytes: block, firstLine: line };
    line += countLineBreaks(block);
    pending = [joined.subarray(cut)];
    pendingSize = pending[0]!.length;
  }
  if (pendingSize) yield { bytes: Buffer.concat(pending), firstLine: line };
}

function countLineBreaks(bytes: Uint8Array): number {
  let count = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) count++;
  return count;
}

/** Groups a stream of chunks into pieces of about `maxBytes` (for COPY from memory). */
async function* pieces(chunks: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<AsyncIterable<Uint8Array>> {
  let piece: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    piece.push(chunk);
    size += chunk.length;
    if (size >= maxBytes) {
      yield fromArray(piece);
      piece = [];
      size = 0;
    }
  }
  if (piece.length) yield fromArray(piece);
}

async function* fromArray(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

function uuid(value: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)) throw new Error(`unexpected batch id ${value}`);
  return value;
}

function quoteIdent(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected table name ${name}`);
  return `"${name}"`;
}

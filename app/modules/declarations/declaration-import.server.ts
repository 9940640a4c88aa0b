import { createHash, randomUUID } from "node:crypto";
import {
  createDeclarationValidator,
  defaultDecimalFor,
  parseDeclaredOn,
  type DeclarationLine,
} from "@jeugdregio/declarations";
import { todayInAmsterdam } from "@jeugdregio/format";
import {
  IssueCollector,
  readTable,
  streamTable,
  TableError,
  type IssueSummary,
  type RowIssue,
  type TableRow,
  type TextEncoding,
} from "@jeugdregio/tabular";
import Decimal from "decimal.js";
import { sql, type Kysely } from "kysely";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/access/actor";
import type { BulkLoader } from "~db/connect";
import type { Database } from "~db/schema";
import { DECLARATION_IMPORT_LOCK, DECLARATION_LINES_SCHEMA } from "~db/tenancy";
import { addBatchToSummary, batchSlices, lockSummaries, refreshSummarySlices } from "~/modules/figures/summaries.server";
import { ALL_TENANTS, withTenantScope, type ScopedTransaction } from "~db/tenant-scope";
import { dropLoadingTable, loadDeclarationLines, type LoadedLines, type Skipped } from "./bulk-load.server";
import { faultPoint } from "./fault-points.server";
import { bsnPseudonymiser } from "./pseudonym.server";
import { findIdenticalLines, formulaCellsNotice, identicalLineIssues, IdenticalLinesRefused } from "./import-checks.server";
import { recordProviderNames, restoreProviderNames } from "./provider-names.server";

import type { ImportPhase } from "~/modules/imports/import-view";

export type { ImportPhase };
export interface ImportProgress {
  phase: ImportPhase;
  bytesRead: number;
  totalBytes: number | null;
  rows: number;
}

export interface DeclarationSource {
  name: string;
  /** Called once per pass; the file is read as a stream, never whole (CSV). */
  open(): AsyncIterable<Uint8Array>;
  size: number | null;
}

export interface DeclarationImportOptions {
  mode: "append" | "replace";
  decimal?: "comma" | "point";
  pseudonymKey: string;
  onProgress?: (progress: ImportProgress) => void;
  /** Full error list kept for the downloadable report (the summary is always complete in counts). */
  maxReportedErrors?: number;
  /**
   * PostgreSQL's bulk path (COPY into new partitions). Without it, or for a file it does not
   * take (XLSX, unusual quoting, any invalid row), lines are validated and stored row by row.
   */
  bulk?: BulkLoader;
  /** Told how the bulk path went: for the log, and for tests. */
  onBulk?: (event: BulkEvent) => void;
  /** The last service month that may be declared (`YYYY-MM`); default: the month of `today`. */
  latestPeriod?: string;
  /**
   * The batch's delivery date (`YYYY-MM-DD`, not after `today`; default `today`): lines without
   * `declared_on` take it, and a replace counts from it (issue 14 §1–2).
   */
  deliveredOn?: string;
  /** The day of import (`YYYY-MM-DD`; default today in the Netherlands): a later declared date is refused. */
  today?: string;
  /** Refuse a physical CSV line longer than this many characters (IMPORT_MAX_LINE_KB; default 64 K). */
  maxLineLength?: number;
  /** Refuse the file when lines repeat (by default they are imported, with a warning listing them). */
  refuseIdenticalLines?: boolean;
}

export type BulkEvent =
  | { kind: "loaded"; lines: number }
  /** The file took the row-by-row path, and why. */
  | { kind: "skipped"; reason: string };

export interface MunicipalityTotal {
  municipalityCode: string;
  lines: number;
  amount: string;
}

export type DeclarationImportResult =
  | {
      ok: true;
      batchId: string;
      fileName: string;
      mode: "append" | "replace";
      lines: number;
      totalAmount: string;
      perMunicipality: MunicipalityTotal[];
      replacedLines: number;
      unknownProducts: string[];
      newProviders: number;
      notices: RowIssue[];
    }
  | {
      ok: false;
      reason: "invalid" | "duplicate_file";
      fileName: string;
      errors: IssueSummary<RowIssue>;
      /** Every error up to `maxReportedErrors`, for the CSV report. */
      allErrors: RowIssue[];
      notices: RowIssue[];
      duplicateOf?: { batchId: string; importedAt: string; importedBy: string };
    };

const CHUNK = 5_000;
const XLSX_MAGIC = [0x50, 0x4b, 0x03, 0x04];

class Rejected extends Error {
  constructor(readonly result: Extract<DeclarationImportResult, { ok: false }>) {
    super("rejected");
  }
}

async function sha256(source: DeclarationSource, progress: (bytes: number) => void): Promise<{ hash: string; head: Uint8Array }> {
  const hash = createHash("sha256");
  let bytes = 0;
  let head = new Uint8Array(0);
  for await (const chunk of source.open()) {
    if (head.length < 8) head = new Uint8Array([...head, ...chunk.subarray(0, 8)]);
    hash.update(chunk);
    bytes += chunk.length;
    progress(bytes);
  }
  return { hash: hash.digest("hex"), head };
}

async function collect(source: DeclarationSource): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source.open()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Imports a declaration file as one batch, all or nothing: every row is
 * validated, valid rows are bulk-inserted as the file streams by, and any error
 * rolls the whole transaction back. The same file (by content hash) counts once,
 * even when uploaded twice at the same moment (a unique index decides). In
 * replace mode the batch supersedes the existing lines of exactly the
 * (municipality, month) pairs it contains.
 */
export async function importDeclarations(
  db: Kysely<Database>,
  actor: Actor,
  source: DeclarationSource,
  options: DeclarationImportOptions,
): Promise<DeclarationImportResult> {
  const report = (p: Omit<ImportProgress, "totalBytes">) => options.onProgress?.({ ...p, totalBytes: source.size });
  const errors = new IssueCollector<RowIssue>(200);
  const allErrors: RowIssue[] = [];
  const maxReported = options.maxReportedErrors ?? 100_000;
  const notices: RowIssue[] = [];
  const reject = (reason: "invalid" | "duplicate_file", extra: Partial<Extract<DeclarationImportResult, { ok: false }>> = {}) =>
    new Rejected({ ok: false, reason, fileName: source.name, errors: errors.summary(), allErrors, notices, ...extra });
  const addError = (issue: RowIssue) => {
    errors.add(issue);
    if (allErrors.length < maxReported) allErrors.push(issue);
  };
  const today = options.today ?? todayInAmsterdam();
  const latestPeriod = options.latestPeriod ?? today.slice(0, 7);
  const deliveredOn = options.deliveredOn ?? today;
  const tableError = (error: TableError): RowIssue => ({
    line: error.line ?? null,
    column: error.column ?? null,
    code: error.code,
    message: error.message,
    ...(error.params ? { params: error.params } : {}),
  });

  try {
    const deliveryProblem = deliveredOnIssue(deliveredOn, today);
    if (deliveryProblem) {
      addError(deliveryProblem);
      throw reject("invalid");
    }
    const dates = { today, deliveredOn, countFromDelivery: options.mode === "replace" };
    if (options.bulk && !/\.xlsx?$/i.test(source.name)) {
      const bulkResult = await importInBulk(db, options.bulk, actor, source, options, dates, report);
      if ("ok" in bulkResult) return bulkResult;
      options.onBulk?.({ kind: "skipped", reason: bulkResult.skipped });
    }
    const { hash, head } = await sha256(source, (bytesRead) => report({ phase: "hashing", bytesRead, rows: 0 }));
    const isXlsx = /\.xlsx$/i.test(source.name) || XLSX_MAGIC.every((b, i) => head[i] === b);
    const result = await withTenantScope(db, ALL_TENANTS, async (trx) => {
      await sql`select pg_advisory_xact_lock(${DECLARATION_IMPORT_LOCK})`.execute(trx);
      const duplicate = await trx
        .selectFrom("import_batch")
        .select(["id", "imported_at", "imported_by_label"])
        .where("kind", "=", "declarations")
        .where("file_hash", "=", hash)
        .where("status", "=", "committed")
        .executeTakeFirst();
      if (duplicate) {
        addError({ line: null, column: null, code: "duplicate_file", message: "This file has already been imported." });
        throw reject("duplicate_file", {
          duplicateOf: { batchId: duplicate.id, importedAt: duplicate.imported_at.toISOString(), importedBy: duplicate.imported_by_label },
        });
      }

      // Open the table: XLSX whole (first sheet), CSV as a stream.
      let header: string[];
      let rows: AsyncIterable<TableRow> | TableRow[];
      let delimiter: ";" | "," | undefined;
      let bytesRead: () => number;
      try {
        if (isXlsx) {
          const table = await readTable(await collect(source), { fileName: source.name });
          header = table.header;
          rows = table.rows;
          bytesRead = () => source.size ?? 0;
          if (table.formulaCells) notices.push(formulaCellsNotice(table.formulaCells));
        } else {
          const table = await streamTable(() => source.open(), { fileName: source.name, maxLineLength: options.maxLineLength });
          header = table.header;
          rows = table.rows;
          delimiter = table.delimiter;
          bytesRead = table.bytesRead;
        }
      } catch (error) {
        if (!(error instanceof TableError)) throw error;
        addError(tableError(error));
        throw reject("invalid");
      }

      const municipalities = await trx.selectFrom("municipality").select("code").execute();
      const validator = createDeclarationValidator({
        knownMunicipalities: new Set(municipalities.map((m) => m.code)),
        decimal: options.decimal ?? (delimiter ? defaultDecimalFor(delimiter) : "point"),
        pseudonymise: bsnPseudonymiser(options.pseudonymKey),
        latestPeriod,
        periodDates: isXlsx,
        ...dates,
      });
      const headerCheck = validator.checkHeader(header);
      notices.push(...headerCheck.notices);
      if (headerCheck.errors.length) {
        headerCheck.errors.forEach(addError);
        throw reject("invalid");
      }

      const batch = await insertBatch(trx, actor, source.name, hash, options.mode, deliveredOn);
      const table = (await sql<{ part: string }>`select jeugdregio_open_declaration_lines(${batch}::uuid) as part`.execute(trx)).rows[0]!.part;
      const totals = new Map<string, { lines: number; amount: Decimal; months: Set<string> }>();
      const knownProviders = new Set((await trx.selectFrom("provider").select("code").execute()).map((p) => p.code));
      const knownProducts = new Set((await trx.selectFrom("product").select("code").execute()).map((p) => p.code));
      const unknownProducts = new Set<string>();
      let newProviders = 0;
      const providerNames = new Map<string, string>(); // the name on each provider's first line in this file
      let buffer: DeclarationLine[] = [];
      let inFlight: Promise<void> = Promise.resolve();
      let rowCount = 0;
      let total = new Decimal(0);

      const flush = async () => {
        if (!buffer.length) return;
        const fresh = new Map<string, string>();
        for (const line of buffer) {
          if (!providerNames.has(line.providerCode)) providerNames.set(line.providerCode, line.providerName);
          // A new provider is named as on its first line.
          if (!knownProviders.has(line.providerCode) && !fresh.has(line.providerCode)) fresh.set(line.providerCode, line.providerName);
        }
        if (fresh.size) {
          await sql`insert into provider (code, name)
            select * from unnest(${[...fresh.keys()]}::text[], ${[...fresh.values()]}::text[])
            on conflict (code) do nothing`.execute(trx);
          for (const code of fresh.keys()) knownProviders.add(code);
          newProviders += fresh.size;
        }
        // Keep one chunk in flight: the database stores it while the next is parsed.
        const chunk = buffer;
        buffer = [];
        await inFlight;
        inFlight = insertLines(trx, table, chunk);
        inFlight.catch(() => undefined); // handled when awaited; no unhandled-rejection crash meanwhile
      };

      const readRows = async function* () {
        try {
          yield* rows;
        } catch (error) {
          // A malformed row (wrong column count, unclosed quote) ends the file.
          if (!(error instanceof TableError)) throw error;
          addError(tableError(error));
        }
      };
      for await (const row of readRows()) {
        rowCount++;
        const result = validator.validateRow(row);
        if (!result.ok) {
          result.errors.forEach(addError);
        } else if (errors.total === 0) {
          const line = result.line;
          buffer.push(line);
          const t = totals.get(line.municipalityCode) ?? { lines: 0, amount: new Decimal(0), months: new Set<string>() };
          t.lines++;
          t.amount = t.amount.plus(line.amount);
          t.months.add(line.period);
          totals.set(line.municipalityCode, t);
          total = total.plus(line.amount);
          if (!knownProducts.has(line.productCode)) unknownProducts.add(line.productCode);
          if (buffer.length >= CHUNK) await flush();
        }
        if (rowCount % 2_000 === 0) report({ phase: errors.total ? "validating" : "storing", bytesRead: bytesRead(), rows: rowCount });
      }
      await inFlight.catch(() => undefined);
      if (errors.total > 0) throw reject("invalid");
      if (rowCount === 0) {
        addError({ line: null, column: null, code: "no_rows", message: "The file has no declaration lines." });
        throw reject("invalid");
      }
      await flush();
      await inFlight;
      // Every line is stored; what follows (checks across batches, the figures) has no byte count.
      report({ phase: "summarising", bytesRead: bytesRead(), rows: rowCount });

      const perMunicipality = [...totals.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([municipalityCode, t]) => ({ municipalityCode, lines: t.lines, amount: t.amount.toFixed(2), months: [...t.months].sort() }));
      const committed = await commitLoadedBatch(
        trx,
        actor,
        { batch, table, fileName: source.name, mode: options.mode, perMunicipality, providerNames, unknownProducts: [...unknownProducts].sort(), newProviders },
        notices,
        { refuseIdenticalLines: options.refuseIdenticalLines ?? false },
      ).catch((error: unknown) => {
        if (!(error instanceof IdenticalLinesRefused)) throw error;
        identicalLineIssues(error.found, true).forEach(addError);
        throw reject("invalid");
      });
      report({ phase: "done", bytesRead: bytesRead(), rows: rowCount });
      return committed;
    });
    return result;
  } catch (error) {
    const rejected = error instanceof Rejected ? error : isDuplicateHash(error) ? reject("duplicate_file") : null;
    if (!rejected) throw error;
    if (isDuplicateHash(error)) addError({ line: null, column: null, code: "duplicate_file", message: "This file has already been imported." });
    const result = { ...rejected.result, errors: errors.summary(), allErrors };
    await withTenantScope(db, ALL_TENANTS, (trx) =>
      recordAudit(trx, {
        actorUserId: actor.userId,
        actorLabel: actor.label,
        action: "declarations.import",
        outcome: "failure",
        subject: source.name,
        ip: actor.ip,
        details: { reason: result.reason, errors: result.errors.total, byCode: result.errors.countsByCode },
      }),
    );
    return result;
  }
}

/** The delivery date must be a date, and not after the day of import. */
function deliveredOnIssue(deliveredOn: string, today: string): RowIssue | null {
  const date = parseDeclaredOn(deliveredOn);
  if (date === null) {
    return {
      line: null,
      column: "delivered_on",
      code: "invalid_delivered_on",
      message: `The delivery date "${deliveredOn}" is not a date; expected YYYY-MM-DD.`,
      params: { value: deliveredOn.slice(0, 40) },
    };
  }
  if (date > today) {
    return {
      line: null,
      column: "delivered_on",
      code: "future_delivered_on",
      message: `The delivery date ${date} is after today (${today}).`,
      params: { date, today },
    };
  }
  return null;
}

function isDuplicateHash(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; message?: string } | null;
  return e?.code === "23505" && (e.constraint === "import_batch_file_once" || /import_batch_file_once/.test(e.message ?? ""));
}

async function insertBatch(
  trx: ScopedTransaction,
  actor: Actor,
  fileName: string,
  hash: string,
  mode: "append" | "replace",
  deliveredOn: string,
  id?: string,
) {
  const row = await trx
    .insertInto("import_batch")
    .values({
      ...(id ? { id } : {}),
      kind: "declarations",
      file_name: fileName,
      file_hash: hash,
      mode,
      status: "committed",
      line_count: 0,
      total_amount: "0",
      imported_by: actor.userId,
      imported_by_label: actor.label,
      delivered_on: deliveredOn,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** One statement per chunk into the batch's loading table: arrays in, rows out (PostgreSQL's unnest bulk path). */
async function insertLines(trx: ScopedTransaction, table: string, lines: DeclarationLine[]): Promise<void> {
  await sql`
    insert into ${sql.table(`${DECLARATION_LINES_SCHEMA}.${table}`)} (municipality_code, line_no, service_month, provider_code, product_code, client_key, amount, units, referrer, declared_on)
    select m, n, s, p, pr, c, a, u, r, dd
    from unnest(
      ${lines.map((l) => l.municipalityCode)}::text[],
      ${lines.map((l) => l.line)}::int[],
      ${lines.map((l) => l.serviceMonth)}::date[],
      ${lines.map((l) => l.providerCode)}::text[],
      ${lines.map((l) => l.productCode)}::text[],
      ${lines.map((l) => l.clientKey)}::text[],
      ${lines.map((l) => l.amount)}::numeric[],
      ${lines.map((l) => l.units)}::numeric[],
      ${lines.map((l) => l.referrer)}::text[],
      ${lines.map((l) => l.declaredOn)}::date[]
    ) as t(m, n, s, p, pr, c, a, u, r, dd)`.execute(trx);
}

/** Takes a batch out of every figure: its lines go, the lines it replaced count again. */
export async function rollBackBatch(trx: ScopedTransaction, actor: Actor, batchId: string): Promise<boolean> {
  await lockSummaries(trx);
  const batch = await trx
    .updateTable("import_batch")
    .set({ status: "rolled_back", rolled_back_at: new Date(), rolled_back_by_label: actor.label })
    .where("id", "=", batchId)
    .where("status", "=", "committed")
    .returning(["id", "file_name"])
    .executeTakeFirst();
  if (!batch) return false;
  await trx.updateTable("declaration").set({ superseded_by: null, superseded_on: null }).where("superseded_by", "=", batchId).execute();
  await trx.deleteFrom("declaration").where("batch_id", "=", batchId).execute();
  // The lines it replaced lie in the same municipality-months: recompute those years.
  await refreshSummarySlices(trx, await batchSlices(trx, batchId));
  await restoreProviderNames(trx, batchId);
  await recordAudit(trx, {
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action: "declarations.rollback",
    subject: batch.file_name,
    ip: actor.ip,
    details: { batchId },
  });
  return true;
}

/** The segment summaries follow the import in its own transaction: an append adds, a replace recomputes what it touched. */
async function maintainSummary(trx: ScopedTransaction, batch: string, mode: "append" | "replace"): Promise<void> {
  if (mode === "append") await addBatchToSummary(trx, batch);
  else await refreshSummarySlices(trx, await batchSlices(trx, batch));
}

interface MunicipalityBatchTotal extends MunicipalityTotal {
  months: string[];
}

/**
 * Replace mode: this batch supersedes the lines already loaded for exactly its (municipality,
 * month) pairs. Append mode: a notice when some of those months were already loaded.
 */
async function applyMode(
  trx: ScopedTransaction,
  batch: string,
  mode: "append" | "replace",
  perMunicipality: readonly MunicipalityBatchTotal[],
  notices: RowIssue[],
): Promise<number> {
  const codes = perMunicipality.flatMap((m) => m.months.map(() => m.municipalityCode));
  const months = perMunicipality.flatMap((m) => m.months.map((month) => `${month}-01`));
  if (mode === "replace") {
    const replaced = await sql`
      update declaration d set superseded_by = ${batch},
        superseded_on = (select b.delivered_on from import_batch b where b.id = ${batch})
      from unnest(${codes}::text[], ${months}::date[]) as p(municipality_code, service_month)
      where d.municipality_code = p.municipality_code and d.service_month = p.service_month
        and d.superseded_by is null and d.batch_id <> ${batch}`.execute(trx);
    return Number(replaced.numAffectedRows ?? 0);
  }
  // Every pair up to a bound (the page summarises them and lists them behind a disclosure), and how many there are.
  const overlapping = await sql<{ municipality_code: string; service_month: string; total: number }>`
    select municipality_code, service_month, count(*) over ()::int as total from (
      select distinct d.municipality_code, to_char(d.service_month, 'YYYY-MM') as service_month
      from declaration d
      join unnest(${codes}::text[], ${months}::date[]) as p(municipality_code, service_month)
        on d.municipality_code = p.municipality_code and d.service_month = p.service_month
      where d.superseded_by is null and d.batch_id <> ${batch}) pairs
    order by 1, 2 limit ${LISTED_OVERLAPS}`.execute(trx);
  if (overlapping.rows.length) {
    notices.push({
      line: null,
      column: "period",
      code: "months_already_loaded",
      params: { count: overlapping.rows[0]!.total },
      message: `Months already loaded (added to, not replaced): ${overlapping.rows.map((r) => `${r.municipality_code} ${r.service_month}`).join(", ")}. Use replace mode for a re-delivery.`,
    });
  }
  return 0;
}

/** At most this many municipality-months are named in the "already loaded" notice (all of them are counted). */
const LISTED_OVERLAPS = 5_000;

/**
 * The bulk path (see bulk-load.server.ts): loads the file into new partitions, then, in one
 * tenant-scoped transaction, records the batch and attaches them. Returns null when the file
 * is not for the bulk path; the caller then validates it row by row.
 */
async function importInBulk(
  db: Kysely<Database>,
  bulk: BulkLoader,
  actor: Actor,
  source: DeclarationSource,
  options: DeclarationImportOptions,
  dates: { today: string; deliveredOn: string; countFromDelivery: boolean },
  report: (p: Omit<ImportProgress, "totalBytes">) => void,
): Promise<DeclarationImportResult | Skipped> {
  let table;
  try {
    // The header alone; a body that is not UTF-8 shows up while loading.
    table = await streamTable(() => source.open(), { fileName: source.name, encoding: "utf-8", maxLineLength: options.maxLineLength });
    await table.close();
  } catch (error) {
    return { skipped: `header: ${(error as Error).message}` };
  }
  const municipalities = await withTenantScope(db, ALL_TENANTS, async (trx) =>
    (await trx.selectFrom("municipality").select("code").execute()).map((m) => m.code),
  );
  const decimal = options.decimal ?? defaultDecimalFor(table.delimiter);
  const pseudonymise = bsnPseudonymiser(options.pseudonymKey);
  const latestPeriod = options.latestPeriod ?? dates.today.slice(0, 7);
  const validator = createDeclarationValidator({ knownMunicipalities: new Set(municipalities), decimal, pseudonymise, latestPeriod, ...dates });
  const headerCheck = validator.checkHeader(table.header);
  if (headerCheck.errors.length) return { skipped: "header errors" };

  const batchId = randomUUID();
  const load = (encoding: TextEncoding) =>
    loadDeclarationLines(
      bulk,
      {
        batchId,
        encoding,
        delimiter: table.delimiter,
        decimal,
        fieldCount: table.fieldCount,
        columns: new Map(table.columns.map((c) => [c.name, c.index])),
        unnamedColumns: table.unnamedColumns,
        headerFields: table.headerFields,
        maxLineLength: options.maxLineLength,
        open: () => source.open(),
      },
      { knownMunicipalities: new Set(municipalities), pseudonymKey: options.pseudonymKey, latestPeriod, ...dates },
      (bytesRead) => report({ phase: "storing", bytesRead, rows: 0 }),
    );
  report({ phase: "storing", bytesRead: 0, rows: 0 });
  let loaded = await load("utf-8");
  if ("skipped" in loaded && loaded.notUtf8) loaded = await load("windows-1252");
  if ("skipped" in loaded) return loaded;
  options.onBulk?.({ kind: "loaded", lines: loaded.lines });
  await faultPoint("after-copy");
  let attached = false;
  try {
    const duplicate = await withTenantScope(db, ALL_TENANTS, (trx) =>
      trx
        .selectFrom("import_batch")
        .select("id")
        .where("kind", "=", "declarations")
        .where("file_hash", "=", loaded.hash)
        .where("status", "=", "committed")
        .executeTakeFirst(),
    );
    if (duplicate) return { skipped: "already imported" }; // the row-by-row path reports it
    // Every line is loaded; what follows (checks across batches, the figures) has no byte count.
    report({ phase: "summarising", bytesRead: source.size ?? 0, rows: loaded.lines });
    const result = await withTenantScope(db, ALL_TENANTS, (trx) =>
      recordBulkBatch(trx, actor, source.name, loaded.hash, batchId, loaded, options.mode, dates.deliveredOn, [...headerCheck.notices], options.refuseIdenticalLines ?? false),
    ).catch((error: unknown) => {
      if (error instanceof IdenticalLinesRefused) return null; // rolled back; the row-by-row path reports them
      throw error;
    });
    if (result === null) return { skipped: "identical lines, refused" };
    attached = true;
    report({ phase: "done", bytesRead: source.size ?? 0, rows: result.lines });
    return result;
  } finally {
    if (!attached) await dropLoadingTable(bulk, loaded.table);
  }
}

async function recordBulkBatch(
  trx: ScopedTransaction,
  actor: Actor,
  fileName: string,
  hash: string,
  batchId: string,
  loaded: LoadedLines,
  mode: "append" | "replace",
  deliveredOn: string,
  notices: RowIssue[],
  refuseIdenticalLines: boolean,
): Promise<Extract<DeclarationImportResult, { ok: true }>> {
  await sql`select pg_advisory_xact_lock(${DECLARATION_IMPORT_LOCK})`.execute(trx);
  const batch = await insertBatch(trx, actor, fileName, hash, mode, deliveredOn, batchId);

  const providers = loaded.providers;
  const codes = [...providers.keys()];
  const existing = new Set(
    (await trx.selectFrom("provider").select("code").where("code", "in", codes.length ? codes : [""]).execute()).map((p) => p.code),
  );
  const fresh = codes.filter((code) => !existing.has(code));
  if (fresh.length) {
    await sql`insert into provider (code, name)
      select * from unnest(${fresh}::text[], ${fresh.map((code) => providers.get(code)!.name)}::text[])
      on conflict (code) do nothing`.execute(trx);
  }

  const catalogue = new Set((await trx.selectFrom("product").select("code").execute()).map((p) => p.code));
  const committed = await commitLoadedBatch(
    trx,
    actor,
    {
      batch,
      table: loaded.table,
      fileName,
      mode,
      perMunicipality: loaded.totals,
      providerNames: new Map(codes.map((code) => [code, providers.get(code)!.name])),
      unknownProducts: [...loaded.products].filter((code) => !catalogue.has(code)).sort(),
      newProviders: fresh.length,
    },
    notices,
    { refuseIdenticalLines, path: "bulk" },
  );
  await faultPoint("final-transaction"); // attached and summed up, not yet committed
  return committed;
}

/** A batch whose lines are loaded (by either reader) into its own not yet attached table. */
interface LoadedBatch {
  batch: string;
  table: string;
  fileName: string;
  mode: "append" | "replace";
  perMunicipality: { municipalityCode: string; lines: number; amount: string; months: string[] }[];
  /** Provider code → the name on its first line in this file. */
  providerNames: Map<string, string>;
  unknownProducts: string[];
  newProviders: number;
}

/**
 * The one commit sequence of a declaration import, for both readers (bulk and row by row), in
 * the import's transaction after its lines are loaded: the totals per municipality, the replace
 * mode, the provider names, attaching the lines, the identical-line check (refused:
 * IdenticalLinesRefused, carrying what was found), the summaries, the batch's totals, the audit.
 */
async function commitLoadedBatch(
  trx: ScopedTransaction,
  actor: Actor,
  loaded: LoadedBatch,
  notices: RowIssue[],
  options: { refuseIdenticalLines: boolean; path?: "bulk" },
): Promise<Extract<DeclarationImportResult, { ok: true }>> {
  const { batch, mode, perMunicipality } = loaded;
  const lines = perMunicipality.reduce((n, m) => n + m.lines, 0);
  const total = perMunicipality.reduce((sum, m) => sum.plus(m.amount), new Decimal(0));
  await trx
    .insertInto("import_batch_municipality")
    .values(perMunicipality.map((m) => ({ municipality_code: m.municipalityCode, batch_id: batch, line_count: m.lines, total_amount: m.amount, months: m.months })))
    .execute();
  const replacedLines = await applyMode(trx, batch, mode, perMunicipality, notices);
  await recordProviderNames(trx, batch, loaded.providerNames);
  await sql`select jeugdregio_attach_declaration_lines(${loaded.table}, ${batch}::uuid)`.execute(trx);
  const identical = await findIdenticalLines(trx, batch);
  if (identical && options.refuseIdenticalLines) throw new IdenticalLinesRefused(identical);
  if (identical) notices.push(...identicalLineIssues(identical, false));
  await maintainSummary(trx, batch, mode);
  await trx.updateTable("import_batch").set({ line_count: lines, total_amount: total.toFixed(2) }).where("id", "=", batch).execute();
  await recordAudit(trx, {
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action: "declarations.import",
    subject: loaded.fileName,
    ip: actor.ip,
    details: { batchId: batch, lines, total: total.toFixed(2), mode, replacedLines, municipalities: perMunicipality.length, ...(options.path ? { path: options.path } : {}) },
  });
  return {
    ok: true,
    batchId: batch,
    fileName: loaded.fileName,
    mode,
    lines,
    totalAmount: total.toFixed(2),
    perMunicipality: perMunicipality.map(({ municipalityCode, lines: n, amount }) => ({ municipalityCode, lines: n, amount })),
    replacedLines,
    unknownProducts: loaded.unknownProducts,
    newProviders: loaded.newProviders,
    notices,
  };
}

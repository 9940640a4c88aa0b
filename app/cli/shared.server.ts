import type { ReportScope } from "~/modules/reports/segment-report.server";
import { Option } from "commander";
import { openDatabase, type DatabaseHandle } from "~db/connect";
import type { ScopedTransaction } from "~db/tenant-scope";
import { migrateDatabase } from "~/server/bootstrap.server";
import { loadConfig, type AppConfig } from "~/server/config.server";
import { createLogger, type Logger } from "~/server/logger.server";
import { firstDeclaredOn } from "~/modules/forecast/forecast.server";
import { parseAsOf, reportAsOf } from "~/modules/figures/as-of";
import type { Actor } from "~/modules/users/users.server";
import { Refusal } from "~/modules/refusal";
import { reportCsv } from "~/modules/export/files.server";
import { FIRST_REPORT_YEAR, LAST_REPORT_YEAR, parseReportYear } from "@jeugdregio/format";

/** What every command group of the CLI shares: the runtime, the acting operator, the common options and failures. */

export const CLI_ACTOR: Actor = { userId: null, label: `cli:${process.env.USER ?? "operator"}` };

/** A refusal of a command's input or arguments (~/modules/refusal): its message goes to stderr as it is, and the exit code is 1. */
export class CliFailure extends Refusal {
  constructor(message: string) {
    super("invalid", "cli", null, {}, message);
  }
}

export interface Runtime {
  config: AppConfig;
  logger: Logger;
  handle: DatabaseHandle;
}

export async function withRuntime(work: (runtime: Runtime) => Promise<void>, options: { migrate?: boolean } = {}) {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? "warn");
  const handle = await openDatabase(config.database);
  if (handle.staleLock) logger.warn(handle.staleLock, "stale lock of the embedded database taken over (its process is gone)");
  try {
    if (options.migrate !== false) await migrateDatabase(handle.db, logger);
    await work({ config, logger, handle });
  } finally {
    await handle.close();
  }
}

export const formatOption = () =>
  new Option("--format <format>", "output format").choices(["table", "json"]).default("table");

/** `--format` of the reports that also write CSV. */
export const reportFormatOption = () =>
  new Option("--format <format>", "output format").choices(["table", "json", "csv"]).default("table");

/** A `--year` (or `--base-year`, by `name`): one rule for a valid year, the pages' own. */
export const yearOption =
  (name = "--year") =>
  (v: string) => {
    if (parseReportYear(v) === null) throw new CliFailure(`${name} must be a year from ${FIRST_REPORT_YEAR} to ${LAST_REPORT_YEAR}, not ${v}`);
    return Number(v);
  };

export const AS_OF_HELP = "as of this date (YYYY-MM-DD, default today): only lines declared by then count";

/** `--as-of` of a report: absent is today (the current figures); malformed or future a CliFailure. */
export function asOfOption(value: string | undefined): { asOf: string; read: string | null } {
  try {
    const asOf = parseAsOf(value);
    return { asOf, read: reportAsOf(asOf) };
  } catch (error) {
    throw new CliFailure(`--as-of: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** An explicit `--as-of` before the scope's first declared line names the date it starts (as `report forecast`). */
export async function requireDataBy(trx: Parameters<typeof firstDeclaredOn>[0], scope: Parameters<typeof firstDeclaredOn>[1], asOf: string | undefined): Promise<void> {
  if (asOf === undefined) return;
  const first = await firstDeclaredOn(trx, scope);
  if (first === null) throw new CliFailure(`No declarations for ${scope.kind === "municipality" ? scope.code : "the region"}.`);
  if (asOf < first) throw new CliFailure(`--as-of ${asOf} is before any data (the first line was declared on ${first}).`);
}

/** A `--municipality` that is not in the municipality list is refused by name. */
export async function requireMunicipality(trx: ScopedTransaction, code: string): Promise<void> {
  const known = await trx.selectFrom("municipality").select("code").where("code", "=", code).executeTakeFirst();
  if (!known) throw new CliFailure(`Unknown municipality ${code}.`);
}

/** The scope of a report command: `--municipality` (known, else a clear failure) or the region. */
export async function reportScope(trx: ScopedTransaction, municipality: string | undefined): Promise<ReportScope> {
  if (!municipality) return { kind: "region" };
  await requireMunicipality(trx, municipality);
  return { kind: "municipality", code: municipality };
}

/** The reports' CSV (comma-separated, header row, quoted when needed): the export module's. */
export function writeCsv(records: Record<string, unknown>[]): void {
  process.stdout.write(reportCsv(records));
}

export function describeIssue(issue: { line: number | null; column: string | null; message: string }): string {
  const where = [issue.line !== null ? `line ${issue.line}` : null, issue.column ? `column ${issue.column}` : null]
    .filter(Boolean)
    .join(", ");
  return where ? `${where}: ${issue.message}` : issue.message;
}

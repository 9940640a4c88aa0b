import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Command, Option } from "commander";
import { DatabaseInUseError, openDatabase, type DatabaseHandle } from "~db/connect";
import { ACCOUNTS_ONLY, ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { migrateDatabase } from "~/server/bootstrap.server";
import { ConfigError, loadConfig, type AppConfig } from "~/server/config.server";
import { createLogger, type Logger } from "~/server/logger.server";
import { importPopulation } from "~/modules/population/population-import.server";
import { importCatalog } from "~/modules/catalog/catalog.server";
import { rollBackBatch, type DeclarationImportResult } from "~/modules/declarations/declaration-import.server";
import { startImportJob } from "~/modules/imports/jobs.server";
import { cleanUpImportLeftovers, uploadDirectoryOf } from "~/modules/imports/leftovers.server";
import { segmentReport } from "~/modules/reports/segment-report.server";
import { compareReport, concentrationReport } from "~/modules/reports/concentration.server";
import { firstDeclaredOn, forecastReport, forecastUnavailable } from "~/modules/forecast/forecast.server";
import { parseAsOf, reportAsOf } from "~/modules/figures/as-of";
import { BudgetInputError, computeLocalBudget, importIndexFigures, parseBudgetDefinition, saveBudgetDefinition } from "~/modules/budgets/budgets.server";
import { closedSquareReport } from "~/modules/budgets/closed-square.server";
import { parseMonth } from "@jeugdregio/roadmap";
import { roadmapJson, roadmapRows } from "~/modules/roadmap/roadmap-export.server";
import { thisMonth } from "~/modules/roadmap/roadmap.server";
import { importOtherSpending } from "~/modules/budgets/finance-entries.server";
import { registerSyntheticMunicipalities, writeScaleFile } from "~/modules/declarations/scale-profile.server";
import { SEGMENT_COLUMNS } from "@jeugdregio/metrics";
import { createReadStream, statSync } from "node:fs";
import { createUser, listUsers, resetPassword, setUserDisabled, UserError, type Actor } from "~/modules/users/users.server";
import { seedDemo } from "~seeds/demo";
import { seedReferenceData } from "~seeds/reference";
import { printRecords, type OutputFormat } from "./output";
import { reportCsv } from "~/modules/export/files.server";
import { FIRST_REPORT_YEAR, LAST_REPORT_YEAR, parseReportYear } from "@jeugdregio/format";

/**
 * `npm run cli -- <command>`: the operator's interface. It uses DATABASE_URL
 * when set and the embedded database otherwise, exactly like the server.
 * Results go to stdout (`--format json` for machines); logs go to stderr.
 */

const CLI_ACTOR: Actor = { userId: null, label: `cli:${process.env.USER ?? "operator"}` };

class CliFailure extends Error {}

interface Runtime {
  config: AppConfig;
  logger: Logger;
  handle: DatabaseHandle;
}

async function withRuntime(work: (runtime: Runtime) => Promise<void>, options: { migrate?: boolean } = {}) {
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

async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
  if (!password) throw new CliFailure("No password on stdin.");
  return password;
}

/** A generated password is printed once, on stderr, never logged. */
async function passwordFor(options: { passwordStdin?: boolean }): Promise<string> {
  if (options.passwordStdin) return readPasswordFromStdin();
  const generated = randomBytes(12).toString("base64url");
  process.stderr.write(`Generated password (shown once): ${generated}\n`);
  return generated;
}

const formatOption = () =>
  new Option("--format <format>", "output format").choices(["table", "json"]).default("table");

const program = new Command();
program
  .name("npm run cli --")
  .description("Jeugdregio Insight command line. Uses DATABASE_URL when set, the embedded database otherwise.")
  .showHelpAfterError();

program
  .command("migrate")
  .description("apply database migrations (the server also does this at start)")
  .action(() =>
    withRuntime(async () => {
      process.stderr.write("Schema is up to date.\n");
    }),
  );

program
  .command("seed")
  .description("load reference data (municipalities, population, categories, segments, process steps)")
  .option("--demo", "also add the demo accounts and demo data")
  .action((options: { demo?: boolean }) =>
    withRuntime(async ({ handle, config }) => {
      const log = (message: string) => process.stderr.write(`${message}\n`);
      await seedReferenceData(handle.db, log);
      if (options.demo) await seedDemo(handle.db, log, { pseudonymKey: config.pseudonymKey, bulk: handle.bulk });
    }),
  );

const user = program.command("user").description("manage user accounts");

user
  .command("create")
  .description("create an account; the password comes from stdin or is generated")
  .requiredOption("--email <email>", "e-mail address (login name)")
  .requiredOption("--name <name>", "display name")
  .addOption(
    new Option("--role <role>", "role")
      .choices(["municipal_viewer", "municipal_editor", "rigg_analyst", "steering_member", "admin"])
      .makeOptionMandatory(),
  )
  .option("--municipality <code>", "CBS code (GM….) for municipal roles")
  .option("--password-stdin", "read the password from the first line of stdin")
  .addOption(formatOption())
  .action((options: { email: string; name: string; role: string; municipality?: string; passwordStdin?: boolean; format: OutputFormat }) =>
    withRuntime(async ({ handle }) => {
      const password = await passwordFor(options);
      const created = await withTenantScope(handle.db, ACCOUNTS_ONLY, (trx) =>
        createUser(trx, CLI_ACTOR, {
          email: options.email,
          displayName: options.name,
          role: options.role,
          municipalityCode: options.municipality ?? null,
          password,
        }),
      );
      printRecords([{ id: created.id, email: created.email }], options.format);
    }),
  );

user
  .command("list")
  .description("list accounts")
  .addOption(formatOption())
  .action((options: { format: OutputFormat }) =>
    withRuntime(async ({ handle }) => {
      const users = await withTenantScope(handle.db, ACCOUNTS_ONLY, (trx) => listUsers(trx));
      printRecords(
        users.map((u) => ({
          email: u.email,
          name: u.display_name,
          role: u.role,
          municipality: u.municipality_code,
          status: u.disabled_at ? "disabled" : "active",
        })),
        options.format,
      );
    }),
  );

for (const [name, disabled] of [["disable", true], ["enable", false]] as const) {
  user
    .command(name)
    .description(disabled ? "disable an account and end its sessions" : "enable a disabled account")
    .argument("<email>", "the account's e-mail address")
    .action((email: string) =>
      withRuntime(async ({ handle }) => {
        await withTenantScope(handle.db, ACCOUNTS_ONLY, (trx) => setUserDisabled(trx, CLI_ACTOR, email, disabled));
        process.stderr.write(`${email}: ${disabled ? "disabled" : "enabled"}\n`);
      }),
    );
}

user
  .command("reset-password")
  .description("set a new password (stdin or generated) and end the account's sessions")
  .argument("<email>", "the account's e-mail address")
  .option("--password-stdin", "read the password from the first line of stdin")
  .action((email: string, options: { passwordStdin?: boolean }) =>
    withRuntime(async ({ handle }) => {
      const password = await passwordFor(options);
      await withTenantScope(handle.db, ACCOUNTS_ONLY, (trx) => resetPassword(trx, CLI_ACTOR, email, password));
      process.stderr.write(`${email}: password reset\n`);
    }),
  );

const importCommand = program.command("import").description("import data files");

importCommand
  .command("population")
  .description("import inhabitants aged 0–17 per municipality and year (CSV or XLSX: municipality_code, year, inhabitants_0_17); all or nothing")
  .argument("<file>", "CSV or XLSX file")
  .addOption(formatOption())
  .action((file: string, options: { format: OutputFormat }) =>
    withRuntime(async ({ handle }) => {
      const bytes = await readFile(file);
      const name = path.basename(file);
      const result = await withTenantScope(handle.db, ALL_TENANTS, (trx) =>
        importPopulation(trx, CLI_ACTOR, { name, bytes }, { source: name }),
      );
      if (options.format === "json") {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else if (result.ok) {
        process.stdout.write(`Imported ${result.rows} rows: ${result.inserted} new, ${result.updated} updated.\n`);
      }
      for (const notice of result.notices) process.stderr.write(`notice: ${describeIssue(notice)}\n`);
      if (!result.ok) {
        for (const error of result.errors) process.stderr.write(`error: ${describeIssue(error)}\n`);
        throw new CliFailure(`${file}: not imported (${result.errors.length} errors); nothing was stored.`);
      }
    }),
  );

importCommand
  .command("catalog")
  .description("import the product catalogue with its segment mapping (CSV or XLSX: product_code, name_nl, name_en, segment, municipality_code, valid_from, valid_to); replaces the mapping rows of the products it lists")
  .argument("<file>", "CSV or XLSX file")
  .addOption(formatOption())
  .action((file: string, options: { format: OutputFormat }) =>
    withRuntime(async ({ handle }) => {
      const bytes = await readFile(file);
      const result = await withTenantScope(handle.db, ALL_TENANTS, (trx) => importCatalog(trx, CLI_ACTOR, { name: path.basename(file), bytes }));
      if (options.format === "json") process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (result.ok) process.stdout.write(`Imported ${result.products} products with ${result.mappings} mapping rows.\n`);
      for (const notice of result.notices) process.stderr.write(`notice: ${describeIssue(notice)}\n`);
      if (!result.ok) {
        for (const error of result.errors) process.stderr.write(`error: ${describeIssue(error)}\n`);
        throw new CliFailure(`${file}: not imported (${result.errors.length} errors); nothing was stored.`);
      }
    }),
  );

importCommand
  .command("declarations")
  .description("import a declaration file (CSV or XLSX) as one batch, all or nothing")
  .argument("<file>", "CSV or XLSX file")
  .option("--replace", "replace the lines already loaded for the (municipality, month) pairs in the file")
  .addOption(new Option("--decimal <separator>", "decimal separator of amounts (default: comma for ;-files, point for ,-files)").choices(["comma", "point"]))
  .option("--refuse-duplicate-lines", "refuse the file when lines are identical (by default they are imported, with a warning listing them)")
  .option("--delivered-on <date>", "the day the file was delivered (YYYY-MM-DD, not after today; default today): lines without declared_on count from it, and so does a replace")
  .addOption(formatOption())
  .action((file: string, options: { replace?: boolean; decimal?: "comma" | "point"; refuseDuplicateLines?: boolean; deliveredOn?: string; format: OutputFormat }) =>
    withRuntime(async ({ handle, config, logger }) => {
      const size = statSync(file).size;
      if (size > config.importMaxBytes) throw new CliFailure(`${file}: larger than the import limit (${Math.round(config.importMaxBytes / 1048576)} MB, IMPORT_MAX_MB).`);
      let lastReport = 0;
      // Leftovers of imports whose process died go first (a kill -9 of an earlier run).
      const uploadDir = uploadDirectoryOf(config.dataDir);
      await cleanUpImportLeftovers(handle.db, { uploadDir, logger });
      // A job like an upload's: its row shows this import in the history, and as interrupted if this process dies.
      const started = await startImportJob({
        db: handle.db,
        bulk: handle.bulk,
        actor: { ...CLI_ACTOR, userId: null },
        source: { file: { name: path.basename(file), size, open: () => createReadStream(file) } },
        mode: options.replace ? "replace" : "append",
        decimal: options.decimal,
        pseudonymKey: config.pseudonymKey,
        logger,
        uploadDir,
        importOptions: { maxLineLength: config.importMaxLineLength, refuseIdenticalLines: options.refuseDuplicateLines ?? false, deliveredOn: options.deliveredOn },
        onProgress: (p) => {
          if (Date.now() - lastReport < 1000 && p.phase !== "done") return;
          lastReport = Date.now();
          const pct = p.totalBytes ? ` ${Math.round((100 * p.bytesRead) / p.totalBytes)}%` : "";
          process.stderr.write(`${p.phase}${pct} ${p.rows} rows\n`);
        },
      });
      const { result } = await started.done;
      if (!result) throw new CliFailure(`${file}: the import failed unexpectedly; nothing was stored.`);
      printImportResult(result, options.format);
      if (!result.ok) throw new CliFailure(`${file}: not imported (${result.errors.total} errors); nothing was stored.`);
    }),
  );

function printImportResult(result: DeclarationImportResult, format: OutputFormat) {
  if (format === "json") {
    const { allErrors: _full, ...rest } = result.ok ? { ...result, allErrors: [] } : result;
    process.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
  } else if (result.ok) {
    process.stdout.write(`Batch ${result.batchId}: ${result.lines} lines, total ${result.totalAmount} (${result.mode}${result.replacedLines ? `, replaced ${result.replacedLines} lines` : ""})\n`);
    printRecords(result.perMunicipality.map((m) => ({ municipality: m.municipalityCode, lines: m.lines, amount: m.amount })), "table");
    if (result.unknownProducts.length) process.stderr.write(`warning: unknown products (unassigned until the catalogue maps them): ${result.unknownProducts.join(", ")}\n`);
    if (result.newProviders) process.stderr.write(`${result.newProviders} new providers\n`);
  }
  // Notices are warnings (identical lines, formula cells, months already loaded): the batch was stored.
  for (const notice of result.notices) process.stderr.write(`warning: ${describeIssue(notice)}\n`);
  if (!result.ok) {
    for (const [code, count] of Object.entries(result.errors.countsByCode)) process.stderr.write(`${code}: ${count}\n`);
    for (const error of result.allErrors) process.stderr.write(`error: ${describeIssue(error)}\n`);
  }
}

const batch = program.command("batch").description("declaration import batches");
batch
  .command("list")
  .description("list import batches, newest first")
  .addOption(formatOption())
  .action((options: { format: OutputFormat }) =>
    withRuntime(async ({ handle }) => {
      const rows = await withTenantScope(handle.db, ALL_TENANTS, (trx) =>
        trx.selectFrom("import_batch").selectAll().orderBy("imported_at", "desc").execute(),
      );
      printRecords(
        rows.map((b) => ({ id: b.id, file: b.file_name, status: b.status, mode: b.mode, lines: b.line_count, total: b.total_amount, by: b.imported_by_label, at: b.imported_at.toISOString(), delivered_on: String(b.delivered_on).slice(0, 10) })),
        options.format,
      );
    }),
  );
batch
  .command("rollback")
  .description("take a batch out of every figure (the lines it replaced count again)")
  .argument("<batch-id>")
  .action((batchId: string) =>
    withRuntime(async ({ handle }) => {
      const done = await withTenantScope(handle.db, ALL_TENANTS, (trx) => rollBackBatch(trx, CLI_ACTOR, batchId));
      if (!done) throw new CliFailure(`No committed batch ${batchId}.`);
      process.stderr.write(`Batch ${batchId} rolled back.\n`);
    }),
  );

const report = program.command("report").description("reports");

/** `--as-of` of a report: absent is today (the current figures); malformed or future a CliFailure. */
function asOfOption(value: string | undefined): { asOf: string; read: string | null } {
  try {
    const asOf = parseAsOf(value);
    return { asOf, read: reportAsOf(asOf) };
  } catch (error) {
    throw new CliFailure(`--as-of: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** An explicit `--as-of` before the scope's first declared line names the date it starts (as `report forecast`). */
async function requireDataBy(trx: Parameters<typeof firstDeclaredOn>[0], scope: Parameters<typeof firstDeclaredOn>[1], asOf: string | undefined): Promise<void> {
  if (asOf === undefined) return;
  const first = await firstDeclaredOn(trx, scope);
  if (first === null) throw new CliFailure(`No declarations for ${scope.kind === "municipality" ? scope.code : "the region"}.`);
  if (asOf < first) throw new CliFailure(`--as-of ${asOf} is before any data (the first line was declared on ${first}).`);
}

const AS_OF_HELP = "as of this date (YYYY-MM-DD, default today): only lines declared by then count";

report
  .command("segments")
  .description("the segment table (clients, spending, average, providers, 80%) for a year, for the region or one municipality")
  .requiredOption("--year <year>", "year", (v) => {
    if (parseReportYear(v) === null) throw new CliFailure(`--year must be a year from ${FIRST_REPORT_YEAR} to ${LAST_REPORT_YEAR}, not ${v}`);
    return Number(v);
  })
  .option("--municipality <code>", "CBS code (GM….); default: the region")
  .option("--as-of <date>", AS_OF_HELP)
  .addOption(new Option("--format <format>", "output format").choices(["table", "json", "csv"]).default("table"))
  .action((options: { year: number; municipality?: string; asOf?: string; format: "table" | "json" | "csv" }) =>
    withRuntime(async ({ handle }) => {
      const asOf = asOfOption(options.asOf);
      const result = await withTenantScope(handle.db, ALL_TENANTS, async (trx) => {
        if (options.municipality) {
          const known = await trx.selectFrom("municipality").select("code").where("code", "=", options.municipality).executeTakeFirst();
          if (!known) throw new CliFailure(`Unknown municipality ${options.municipality}.`);
        }
        const scope = options.municipality ? { kind: "municipality" as const, code: options.municipality } : { kind: "region" as const };
        await requireDataBy(trx, scope, options.asOf?.trim() ? asOf.asOf : undefined);
        return segmentReport(trx, options.year, scope, "summary", asOf.read);
      });
      if (options.format === "json") {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      const measures = ["clients", "spending", "avg_per_client", "providers", "spending_80", "providers_80"] as const;
      const rows = measures.map((measure) => ({
        measure,
        ...Object.fromEntries(SEGMENT_COLUMNS.map((col) => [col, result.segments[col][measure]])),
      }));
      if (options.format === "csv") {
        writeCsv(rows);
      } else {
        printRecords(rows, "table");
      }
    }),
  );

importCommand
  .command("index")
  .description("import index figures (CSV or XLSX: index_name, year, provisional_pct, definitive_pct; percent values such as 4,94 or 4.94); all or nothing")
  .argument("<file>", "CSV or XLSX file")
  .action((file: string) =>
    withRuntime(async ({ handle }) => {
      const bytes = await readFile(file);
      try {
        const count = await withTenantScope(handle.db, ALL_TENANTS, (trx) => importIndexFigures(trx, CLI_ACTOR, { name: path.basename(file), bytes }));
        process.stdout.write(`Imported ${count} index figures.\n`);
      } catch (error) {
        if (error instanceof BudgetInputError) throw new CliFailure(`${file}: not imported, nothing changed. ${error.message}`);
        throw error;
      }
    }),
  );

importCommand
  .command("other-spending")
  .description("import non-contracted care and PGB per municipality and year for the closed square (CSV or XLSX: municipality_code, year, non_contracted, pgb); all or nothing, every change logged")
  .argument("<file>", "CSV or XLSX file")
  .action((file: string) =>
    withRuntime(async ({ handle }) => {
      const bytes = await readFile(file);
      try {
        const count = await withTenantScope(handle.db, ALL_TENANTS, (trx) => importOtherSpending(trx, CLI_ACTOR, { name: path.basename(file), bytes }));
        process.stdout.write(`Imported ${count} years of non-contracted care and PGB.\n`);
      } catch (error) {
        if (error instanceof BudgetInputError) throw new CliFailure(`${file}: not imported, nothing changed. ${error.message}`);
        throw error;
      }
    }),
  );

const budget = program.command("budget").description("local budgets (e.g. SAMEN.)");
budget
  .command("import")
  .description("create or replace a local budget definition with its product set and yearly parameters (JSON, see README)")
  .argument("<file>", "JSON file")
  .action((file: string) =>
    withRuntime(async ({ handle }) => {
      try {
        const definition = parseBudgetDefinition(await readFile(file, "utf8"));
        await withTenantScope(handle.db, ALL_TENANTS, (trx) => saveBudgetDefinition(trx, CLI_ACTOR, definition));
        process.stdout.write(`Budget ${definition.key} of ${definition.municipality_code} saved: ${definition.products.length} products, ${definition.years.length} years.\n`);
      } catch (error) {
        if (error instanceof BudgetInputError) throw new CliFailure(`${file}: not imported, nothing changed. ${error.message}`);
        throw error;
      }
    }),
  );
budget
  .command("compute")
  .description("compute a local budget for a year by the agreed rules, step by step")
  .requiredOption("--municipality <code>", "CBS code (GM….)")
  .requiredOption("--budget <key>", "the budget's key, e.g. samen")
  .requiredOption("--year <year>", "year", (v) => {
    if (parseReportYear(v) === null) throw new CliFailure(`--year must be a year from ${FIRST_REPORT_YEAR} to ${LAST_REPORT_YEAR}, not ${v}`);
    return Number(v);
  })
  .addOption(new Option("--version <version>", "October (set by 1 October t−1) or March (1 March t) version").choices(["october", "march"]).default("october"))
  .option("--as-of <date>", AS_OF_HELP)
  .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
  .action((options: { municipality: string; budget: string; year: number; version: "october" | "march"; asOf?: string; format: "table" | "json" }) =>
    withRuntime(async ({ handle }) => {
      const { asOf, read } = asOfOption(options.asOf);
      const computed = await withTenantScope(handle.db, ALL_TENANTS, async (trx) => {
        await requireDataBy(trx, { kind: "municipality", code: options.municipality }, options.asOf === undefined ? undefined : asOf);
        return computeLocalBudget(trx, options.municipality, options.budget, options.year, options.version, read);
      });
      if (!computed) throw new CliFailure(`No budget ${options.budget} for ${options.municipality}.`);
      const { outcome } = computed;
      if (!outcome.ok) {
        throw new CliFailure(`Cannot compute: missing ${outcome.missing.map((m) => `${m.input.replace(/_/g, " ")} ${m.year}`).join(", ")}.`);
      }
      if (options.format === "json") {
        process.stdout.write(
          `${JSON.stringify({
            municipality: options.municipality,
            budget: options.budget,
            as_of: read,
            year: outcome.year,
            version: outcome.version,
            base: outcome.base,
            scope_share: outcome.scopeShare,
            expected_development: outcome.expectedDevelopment,
            volume_factor: outcome.volumeFactor,
            index_pct: outcome.indexPct,
            structural_adjustment: outcome.structuralAdjustment,
            gross: outcome.gross,
            ict: outcome.ict,
            housing: outcome.housing,
            execution: outcome.execution,
            steps: outcome.steps,
          })}\n`,
        );
        return;
      }
      const describe = (ref: { key: string; params?: Record<string, string | number> }) =>
        [ref.key, ...Object.entries(ref.params ?? {}).map(([k, v]) => `${k}=${v}`)].join(" ");
      printRecords(outcome.steps.map((s) => ({ step: s.key, input: s.input, amount: s.amount, source: s.sources.map(describe).join("; ") })), "table");
    }),
  );

budget
  .command("square")
  .description("the closed square of a municipality: RIGG-procured care, non-contracted care, PGB and local budgets per year, against a base year indexed by the OVA")
  .requiredOption("--municipality <code>", "CBS code (GM….)")
  .option("--base-year <year>", "base year (default: the first year with a complete total)", (v) => {
    if (parseReportYear(v) === null) throw new CliFailure(`--base-year must be a year from ${FIRST_REPORT_YEAR} to ${LAST_REPORT_YEAR}, not ${v}`);
    return Number(v);
  })
  .option("--as-of <date>", AS_OF_HELP)
  .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
  .action((options: { municipality: string; baseYear?: number; asOf?: string; format: "table" | "json" }) =>
    withRuntime(async ({ handle }) => {
      const { asOf, read } = asOfOption(options.asOf);
      const report = await withTenantScope(handle.db, ALL_TENANTS, async (trx) => {
        const known = await trx.selectFrom("municipality").select("code").where("code", "=", options.municipality).executeTakeFirst();
        if (!known) return null;
        await requireDataBy(trx, { kind: "municipality", code: options.municipality }, options.asOf === undefined ? undefined : asOf);
        return closedSquareReport(trx, options.municipality, options.baseYear ?? null, read);
      });
      if (!report) throw new CliFailure(`Unknown municipality ${options.municipality}.`);
      if (options.baseYear !== undefined && report.baseYear !== options.baseYear) {
        throw new CliFailure(`${options.baseYear} cannot be the base year: its total is not complete (complete years: ${report.baseYears.join(", ") || "none"}).`);
      }
      const years = report.years.map((y) => ({
        year: y.year,
        rigg: y.parts.rigg,
        non_contracted: y.parts.non_contracted,
        pgb: y.parts.pgb,
        local_budgets: y.parts.local_budgets,
        total: y.total,
        indexed_base: y.indexedBase,
        deviation: y.deviation,
        deviation_share: y.deviationShare,
        missing: y.missing.map((m) => `${m.part}${"name" in m ? ` ${m.name}` : ""} ${m.year}`),
      }));
      // The latest incomplete year's RIGG part as forecast, beside the realised figure (the totals stay realised).
      const forecast = report.riggForecast;
      if (options.format === "json") {
        process.stdout.write(
          `${JSON.stringify({
            municipality: options.municipality,
            as_of: report.asOf,
            base_year: report.baseYear,
            years,
            incomplete_years: report.incompleteYears.map((y) => ({ year: y.year, data_through: y.dataThrough })),
            rigg_forecast: forecast
              ? { year: forecast.year, forecast: forecast.forecast, low: forecast.low, high: forecast.high, band_reason: forecast.bandReason, declared_through: forecast.declaredThrough }
              : null,
            index_used: report.indexUsed,
            local_budget_versions: report.versions,
          })}\n`,
        );
        return;
      }
      printRecords(
        years.map((y) => ({
          ...y,
          missing: y.missing.join("; "),
          ...(forecast ? { rigg_forecast: y.year === forecast.year ? forecast.forecast : null, rigg_band: y.year === forecast.year && forecast.low !== null ? `${forecast.low}–${forecast.high}` : null } : {}),
        })),
        "table",
      );
      const through = report.incompleteYears.map((y) => `${y.year} declared through ${y.dataThrough}`).join("; ");
      if (through) process.stderr.write(`As of ${report.asOf}: ${through} (not complete).\n`);
      if (forecast) process.stderr.write(`RIGG part ${forecast.year}: forecast ${forecast.forecast}${forecast.low !== null ? `, band ${forecast.low}–${forecast.high}` : ", no band"}, from the declarations up to ${forecast.declaredThrough}; the totals count what has been declared.\n`);
    }),
  );

report
  .command("roadmap")
  .description("the 2024–2029 roadmap: every track's steps (recomputed with its decision moments), health, warnings, and the steering body's reviews")
  .option("--today <month>", "the month to judge lateness by (YYYY-MM; default: this month)")
  .addOption(new Option("--format <format>", "output format").choices(["table", "json"]).default("table"))
  .action((options: { today?: string; format: "table" | "json" }) =>
    withRuntime(async ({ handle }) => {
      const today = options.today === undefined ? thisMonth() : parseMonth(options.today);
      if (!today) throw new CliFailure(`--today must be a month YYYY-MM, not ${options.today}`);
      const roadmap = await withTenantScope(handle.db, { read: "all", write: [] }, (trx) => roadmapJson(trx, today));
      if (options.format === "json") {
        process.stdout.write(`${JSON.stringify(roadmap)}\n`);
        return;
      }
      printRecords(roadmapRows(roadmap), "table");
    }),
  );

const wholeNumber = (name: string, min: number, max: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliFailure(`${name} must be a whole number from ${min} to ${max}, not ${v}`);
  return n;
};

program
  .command("demo")
  .description("synthetic data for scale tests")
  .command("scale")
  .description("write a scale-profile declaration file (synthetic municipalities GM5001… and providers), streamed; --register adds the municipalities and their population so it imports")
  .requiredOption("--lines <n>", "number of declaration lines", wholeNumber("--lines", 1, 1_000_000_000))
  .requiredOption("--out <file>", "where to write the CSV")
  .option("--municipalities <n>", "synthetic municipalities (default 342)", wholeNumber("--municipalities", 1, 999))
  .option("--providers <n>", "synthetic providers (default 3000)", wholeNumber("--providers", 1, 10_000))
  .option("--first-year <year>", "first service year (default 2022)", wholeNumber("--first-year", 2000, 2100))
  .option("--years <n>", "number of years (default 4)", wholeNumber("--years", 1, 20))
  .option("--seed <n>", "random seed (same seed, same file)", wholeNumber("--seed", 0, 2 ** 31))
  .option("--register", "add the synthetic municipalities and their population to the database")
  .action((options: { lines: number; out: string; municipalities?: number; providers?: number; firstYear?: number; years?: number; seed?: number; register?: boolean }) =>
    withRuntime(async ({ handle }) => {
      const profile = { lines: options.lines, municipalities: options.municipalities, providers: options.providers, firstYear: options.firstYear, years: options.years, seed: options.seed };
      const started = Date.now();
      await writeScaleFile(options.out, profile);
      process.stderr.write(`Wrote ${options.lines} lines to ${options.out} in ${((Date.now() - started) / 1000).toFixed(1)} s (${statSync(options.out).size} bytes).\n`);
      if (options.register) {
        const count = await registerSyntheticMunicipalities(handle.db, profile);
        process.stdout.write(`Registered ${count} synthetic municipalities.\n`);
      }
    }),
  );

const yearOption = (v: string) => {
  if (parseReportYear(v) === null) throw new CliFailure(`--year must be a year from ${FIRST_REPORT_YEAR} to ${LAST_REPORT_YEAR}, not ${v}`);
  return Number(v);
};

/** The reports' CSV (comma-separated, header row, quoted when needed): the export module's. */
function writeCsv(records: Record<string, unknown>[]): void {
  process.stdout.write(reportCsv(records));
}

report
  .command("concentration")
  .description("providers by spending with share, cumulative share, clients and the 80% set; providers covering 80%, top-10 share, HHI")
  .requiredOption("--year <year>", "year", yearOption)
  .option("--municipality <code>", "CBS code (GM….); default: the region")
  .addOption(new Option("--segment <segment>", "segment column").choices([...SEGMENT_COLUMNS]).default("all"))
  .option("--as-of <date>", AS_OF_HELP)
  .addOption(new Option("--format <format>", "output format").choices(["table", "json", "csv"]).default("table"))
  .action((options: { year: number; municipality?: string; segment: (typeof SEGMENT_COLUMNS)[number]; asOf?: string; format: "table" | "json" | "csv" }) =>
    withRuntime(async ({ handle }) => {
      const asOf = asOfOption(options.asOf);
      const result = await withTenantScope(handle.db, ALL_TENANTS, async (trx) => {
        if (options.municipality) {
          const known = await trx.selectFrom("municipality").select("code").where("code", "=", options.municipality).executeTakeFirst();
          if (!known) throw new CliFailure(`Unknown municipality ${options.municipality}.`);
        }
        const scope = options.municipality ? { kind: "municipality" as const, code: options.municipality } : { kind: "region" as const };
        await requireDataBy(trx, scope, options.asOf?.trim() ? asOf.asOf : undefined);
        return concentrationReport(trx, options.year, scope, options.segment, asOf.read);
      });
      if (options.format === "json") {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      const rows = result.rows as unknown as Record<string, unknown>[];
      if (options.format === "csv") return writeCsv(rows);
      process.stderr.write(
        `${result.scope} ${result.segment} ${result.year}: spending ${result.spending}, providers ${result.providers}, providers covering 80% ${result.providers_80}, top-10 share ${result.top10_share}, HHI ${result.hhi}\n`,
      );
      printRecords(rows, "table");
    }),
  );

report
  .command("compare")
  .description("municipalities (and the region, last) by segment: clients, spending, average, providers covering 80%, per inhabitant aged 0-17")
  .requiredOption("--year <year>", "year", yearOption)
  .option("--as-of <date>", AS_OF_HELP)
  .addOption(new Option("--format <format>", "output format").choices(["table", "json", "csv"]).default("table"))
  .action((options: { year: number; asOf?: string; format: "table" | "json" | "csv" }) =>
    withRuntime(async ({ handle }) => {
      const asOf = asOfOption(options.asOf);
      const result = await withTenantScope(handle.db, ALL_TENANTS, async (trx) => {
        await requireDataBy(trx, { kind: "region" }, options.asOf?.trim() ? asOf.asOf : undefined);
        return compareReport(trx, options.year, asOf.read);
      });
      if (options.format === "json") {
        process.stdout.write(`${JSON.stringify({ year: result.year, rows: result.rows })}\n`);
        return;
      }
      const records = result.rows.flatMap((row) =>
        SEGMENT_COLUMNS.map((segment) => ({ scope: row.scope, name: row.name, inhabitants_0_17: row.inhabitants_0_17, segment, ...row.segments[segment] })),
      );
      if (options.format === "csv") return writeCsv(records);
      printRecords(records, "table");
    }),
  );

report
  .command("forecast")
  .description("where the year will end: realised, expected late, expected remaining, forecast with band, same period last year, clients; per segment column, from the declarations up to the end of the last complete month")
  .requiredOption("--year <year>", "year", yearOption)
  .option("--municipality <code>", "CBS code (GM….); default: the region")
  .option("--as-of <date>", "as of this date (YYYY-MM-DD, default today): only lines declared by then count")
  .addOption(new Option("--format <format>", "output format").choices(["table", "json", "csv"]).default("table"))
  .action((options: { year: number; municipality?: string; asOf?: string; format: "table" | "json" | "csv" }) =>
    withRuntime(async ({ handle }) => {
      let asOf: string;
      try {
        asOf = parseAsOf(options.asOf);
      } catch (error) {
        throw new CliFailure(`--as-of: ${error instanceof Error ? error.message : String(error)}`);
      }
      const result = await withTenantScope(handle.db, ALL_TENANTS, async (trx) => {
        if (options.municipality) {
          const known = await trx.selectFrom("municipality").select("code").where("code", "=", options.municipality).executeTakeFirst();
          if (!known) throw new CliFailure(`Unknown municipality ${options.municipality}.`);
        }
        const scope = options.municipality ? { kind: "municipality" as const, code: options.municipality } : { kind: "region" as const };
        const first = await firstDeclaredOn(trx, scope);
        if (first === null) throw new CliFailure(`No declarations for ${options.municipality ?? "the region"}.`);
        if (asOf < first) throw new CliFailure(`--as-of ${asOf} is before any data (the first line was declared on ${first}).`);
        return forecastReport(trx, { year: options.year, scope, asOf });
      });
      if (options.format === "json") {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      if (!result.available) throw new CliFailure(forecastUnavailable(result));
      const records = SEGMENT_COLUMNS.map((column) => ({ column, ...result.segments[column] }));
      if (options.format === "csv") return writeCsv(records);
      process.stderr.write(`${result.scope} ${result.year} as of ${result.as_of}: forecast from the declarations up to ${result.declared_through}; figures through ${result.data_through ?? "-"}\n`);
      printRecords(records, "table");
    }),
  );

function describeIssue(issue: { line: number | null; column: string | null; message: string }): string {
  const where = [issue.line !== null ? `line ${issue.line}` : null, issue.column ? `column ${issue.column}` : null]
    .filter(Boolean)
    .join(", ");
  return where ? `${where}: ${issue.message}` : issue.message;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof CliFailure || error instanceof DatabaseInUseError) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof UserError) {
    process.stderr.write(`User not saved: ${error.code}${error.field ? ` (${error.field})` : ""}\n`);
  } else {
    process.stderr.write(`Failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exitCode = 1;
});

import { createReadStream, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Option, type Command } from "commander";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importPopulation } from "~/modules/population/population-import.server";
import { importCatalog } from "~/modules/catalog/catalog.server";
import type { DeclarationImportResult } from "~/modules/declarations/declaration-import.server";
import { startImportJob } from "~/modules/imports/jobs.server";
import { cleanUpImportLeftovers, uploadDirectoryOf } from "~/modules/imports/leftovers.server";
import { BudgetInputError, importIndexFigures } from "~/modules/budgets/budgets.server";
import { importOtherSpending } from "~/modules/budgets/finance-entries.server";
import { printRecords, type OutputFormat } from "../output";
import { CLI_ACTOR, CliFailure, describeIssue, formatOption, withRuntime } from "../shared.server";

/** `import …`: data files, through the same import services as the upload pages. */
export function registerImportCommands(program: Command): void {
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
}

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

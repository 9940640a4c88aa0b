import type { Command } from "commander";
import { seedDemo } from "~seeds/demo";
import { seedReferenceData } from "~seeds/reference";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { rebuildSummaries } from "~/modules/figures/summaries.server";
import { printRecords, type OutputFormat } from "../output";
import { CLI_ACTOR, formatOption, withRuntime } from "../shared.server";

/** `migrate`, `seed` and `summaries rebuild`: the database itself. */
export function registerDatabaseCommands(program: Command): void {
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

  program
    .command("summaries")
    .description("the summary tables every report reads")
    .command("rebuild")
    .description("recompute every summary table from the declaration lines, in one transaction (after a restore or a manual repair); audited")
    .addOption(formatOption())
    .action((options: { format: OutputFormat }) =>
      withRuntime(async ({ handle }) => {
        const started = performance.now();
        const counts = await withTenantScope(handle.db, ALL_TENANTS, (trx) => rebuildSummaries(trx, CLI_ACTOR));
        process.stderr.write(`Summaries rebuilt from the lines in ${((performance.now() - started) / 1000).toFixed(1)} s.\n`);
        printRecords(Object.entries(counts).map(([table, rows]) => ({ table, rows })), options.format);
      }),
    );
}

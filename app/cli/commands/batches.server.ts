import type { Command } from "commander";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { rollBackBatch } from "~/modules/declarations/declaration-import.server";
import { listBatches } from "~/modules/imports/batches.server";
import { printRecords, type OutputFormat } from "../output";
import { CLI_ACTOR, CliFailure, formatOption, withRuntime } from "../shared.server";

/** `batch …`: declaration import batches, through the batch service of the imports page. */
export function registerBatchCommands(program: Command): void {
  const batch = program.command("batch").description("declaration import batches");
  batch
    .command("list")
    .description("list import batches, newest first")
    .addOption(formatOption())
    .action((options: { format: OutputFormat }) =>
      withRuntime(async ({ handle }) => {
        // Every batch, not the page's first 100; the field names are the CLI's own (scripts read them, see README).
        const { batches } = await withTenantScope(handle.db, ALL_TENANTS, (trx) => listBatches(trx, null));
        printRecords(
          batches.map((b) => ({ id: b.id, file: b.fileName, status: b.status, mode: b.mode, lines: b.lines, total: b.totalAmount, by: b.importedBy, at: b.importedAt, delivered_on: b.deliveredOn })),
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
}

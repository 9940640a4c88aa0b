import type { Command } from "commander";
import { seedDemo } from "~seeds/demo";
import { seedReferenceData } from "~seeds/reference";
import { withRuntime } from "../shared.server";

/** `migrate` and `seed`: the database itself. */
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
}

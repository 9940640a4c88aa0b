import { Command } from "commander";
import { DatabaseInUseError } from "~db/connect";
import { ConfigError } from "~/server/config.server";
import { UserError } from "~/modules/users/users.server";
import { isRefusal } from "~/modules/refusal";
import { registerDatabaseCommands } from "./commands/database.server";
import { registerUserCommands } from "./commands/users.server";
import { registerImportCommands } from "./commands/imports.server";
import { registerBatchCommands } from "./commands/batches.server";
import { registerReportCommands } from "./commands/reports.server";
import { registerBudgetCommands } from "./commands/budgets.server";
import { registerDemoCommands } from "./commands/demo.server";

/**
 * `npm run cli -- <command>`: the operator's interface. It uses DATABASE_URL
 * when set and the embedded database otherwise, exactly like the server.
 * Results go to stdout (`--format json` for machines); logs go to stderr.
 * Each command group lives in `./commands/` and calls the services the pages use;
 * what they share (runtime, operator, options, failures) is in `./shared.server.ts`.
 */

const program = new Command();
program
  .name("npm run cli --")
  .description("Jeugdregio Insight command line. Uses DATABASE_URL when set, the embedded database otherwise.")
  .showHelpAfterError();

// The order of registration is the order of `--help`.
registerDatabaseCommands(program);
registerUserCommands(program);
registerImportCommands(program);
registerBatchCommands(program);
registerReportCommands(program);
registerBudgetCommands(program);
registerDemoCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  // A refusal (~/modules/refusal) says what was refused; anything else is a failure of its own.
  if (error instanceof UserError) {
    process.stderr.write(`User not saved: ${error.code}${error.field ? ` (${error.field})` : ""}\n`);
  } else if (isRefusal(error) || error instanceof ConfigError || error instanceof DatabaseInUseError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exitCode = 1;
});

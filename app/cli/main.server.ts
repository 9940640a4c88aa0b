import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Command, Option } from "commander";
import { openDatabase, type DatabaseHandle } from "~db/connect";
import { ALL_TENANTS, NO_TENANTS, withTenantScope } from "~db/tenant-scope";
import { migrateDatabase } from "~/server/bootstrap.server";
import { ConfigError, loadConfig, type AppConfig } from "~/server/config.server";
import { createLogger, type Logger } from "~/server/logger.server";
import { importPopulation } from "~/modules/population/population-import.server";
import { createUser, listUsers, resetPassword, setUserDisabled, UserError, type Actor } from "~/modules/users/users.server";
import { seedDemo } from "~seeds/demo";
import { seedReferenceData } from "~seeds/reference";
import { printRecords, type OutputFormat } from "./output";

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
    withRuntime(async ({ handle }) => {
      const log = (message: string) => process.stderr.write(`${message}\n`);
      await seedReferenceData(handle.db, log);
      if (options.demo) await seedDemo(handle.db, log);
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
      const created = await withTenantScope(handle.db, NO_TENANTS, (trx) =>
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
      const users = await withTenantScope(handle.db, NO_TENANTS, (trx) => listUsers(trx));
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
        await withTenantScope(handle.db, NO_TENANTS, (trx) => setUserDisabled(trx, CLI_ACTOR, email, disabled));
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
      await withTenantScope(handle.db, NO_TENANTS, (trx) => resetPassword(trx, CLI_ACTOR, email, password));
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

function describeIssue(issue: { line: number | null; column: string | null; message: string }): string {
  const where = [issue.line !== null ? `line ${issue.line}` : null, issue.column ? `column ${issue.column}` : null]
    .filter(Boolean)
    .join(", ");
  return where ? `${where}: ${issue.message}` : issue.message;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof CliFailure) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof UserError) {
    process.stderr.write(`User not saved: ${error.code}${error.field ? ` (${error.field})` : ""}\n`);
  } else {
    process.stderr.write(`Failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exitCode = 1;
});

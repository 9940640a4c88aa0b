import { randomBytes } from "node:crypto";
import { Option, type Command } from "commander";
import { ACCOUNTS_ONLY, withTenantScope } from "~db/tenant-scope";
import { createUser, listUsers, resetPassword, setUserDisabled } from "~/modules/users/users.server";
import { printRecords, type OutputFormat } from "../output";
import { CLI_ACTOR, CliFailure, formatOption, withRuntime } from "../shared.server";

/** `user …`: accounts, through the users service the admin pages use. */

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

export function registerUserCommands(program: Command): void {
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
}

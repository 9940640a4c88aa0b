import { sql } from "kysely";
import type { AppConfig } from "~/server/config.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import { verifyAgainstDummy, verifyPassword } from "./password.server";
import { createSession } from "./session.server";

export type LoginResult =
  | { ok: true; token: string; userId: string; language: "nl" | "en" | null }
  | { ok: false; reason: "invalid" | "address_blocked" | "account_locked" };

// First keys of the two-key advisory locks that serialise login attempts per address and per
// account (a namespace of their own; other locks use one-key or other first keys).
const ADDRESS_LOCK_CLASS = 7_405_181;
const ACCOUNT_LOCK_CLASS = 7_405_182;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

async function recentFailures(
  trx: ScopedTransaction,
  column: "subject" | "ip",
  value: string,
  windowMinutes: number,
): Promise<number> {
  const row = await trx
    .selectFrom("audit_event")
    .select((eb) => eb.fn.countAll<number>().as("failures"))
    .where("action", "=", "login")
    .where("outcome", "=", "failure")
    // Only attempts whose password was checked: a refused attempt must not lock its victim.
    .where(sql<string>`details->>'reason'`, "=", "invalid")
    .where("occurred_at", ">", new Date(Date.now() - windowMinutes * 60_000))
    .where(column, "=", value)
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

/**
 * Checks e-mail and password. Failures are counted per account and per address
 * from the audit log itself, so the limit holds across app servers. The result
 * never tells whether the e-mail exists (an unknown e-mail is counted and locked alike).
 *
 * Count, check and recorded failure are one step: advisory locks on the address and then the
 * account (always in that order, so two attempts never wait on each other in a cycle), held
 * until the transaction commits, serialise the attempts on each; so exactly the limit is
 * checked however many arrive at once. A refused attempt is audited but never counted, and
 * its password is never checked (the answer says so, and it costs no argon2).
 */
export async function logIn(
  trx: ScopedTransaction,
  config: AppConfig,
  input: { email: string; password: string; ip: string },
): Promise<LoginResult> {
  const email = normaliseEmail(input.email);
  const limits = config.loginLimits;
  const fail = async (reason: "invalid" | "address_blocked" | "account_locked", userId: string | null) => {
    await recordAudit(trx, {
      actorUserId: userId,
      actorLabel: email,
      action: "login",
      outcome: "failure",
      subject: email,
      ip: input.ip,
      details: { reason },
    });
    return { ok: false as const, reason };
  };

  await sql`select pg_advisory_xact_lock(${ADDRESS_LOCK_CLASS}::int, hashtext(${input.ip}))`.execute(trx);
  if ((await recentFailures(trx, "ip", input.ip, limits.windowMinutes)) >= limits.perIp) return fail("address_blocked", null);
  await sql`select pg_advisory_xact_lock(${ACCOUNT_LOCK_CLASS}::int, hashtext(${email}))`.execute(trx);
  if ((await recentFailures(trx, "subject", email, limits.windowMinutes)) >= limits.perAccount) return fail("account_locked", null);

  const user = await loginAccount(trx, email);
  if (!user || user.disabled_at) {
    await verifyAgainstDummy(input.password);
    return fail("invalid", user?.id ?? null);
  }
  if (!(await verifyPassword(user.password_hash, input.password))) return fail("invalid", user.id);

  const token = await createSession(trx, user.id, config.sessionTtlHours);
  await recordAudit(trx, {
    actorUserId: user.id,
    actorLabel: email,
    action: "login",
    subject: email,
    municipalityCode: user.municipality_code,
    ip: input.ip,
  });
  return { ok: true, token, userId: user.id, language: user.language };
}

/**
 * The account being logged into, with its argon2 hash, through a security-definer function
 * (migration 0013): the application role cannot select password hashes, and argon2 runs here in
 * Node, so the database hands out the hash of this one e-mail, never a list.
 */
async function loginAccount(trx: ScopedTransaction, email: string) {
  const { rows } = await sql<{ id: string; password_hash: string; disabled_at: Date | null; language: "nl" | "en" | null; municipality_code: string | null }>`
    select * from jeugdregio_login_account(${email})`.execute(trx);
  return rows[0];
}

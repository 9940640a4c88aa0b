import type { AppConfig } from "~/server/config.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import { verifyAgainstDummy, verifyPassword } from "./password.server";
import { createSession } from "./session.server";

export type LoginResult =
  | { ok: true; token: string; userId: string; language: "nl" | "en" | null }
  | { ok: false; reason: "invalid" | "rate_limited" };

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
    .where("occurred_at", ">", new Date(Date.now() - windowMinutes * 60_000))
    .where(column, "=", value)
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

/**
 * Checks e-mail and password. Failures are counted per account and per address
 * from the audit log itself, so the limit holds across app servers. The result
 * never tells whether the e-mail exists.
 */
export async function logIn(
  trx: ScopedTransaction,
  config: AppConfig,
  input: { email: string; password: string; ip: string },
): Promise<LoginResult> {
  const email = normaliseEmail(input.email);
  const limits = config.loginLimits;
  const fail = async (reason: "invalid" | "rate_limited", userId: string | null) => {
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

  const [accountFailures, ipFailures] = await Promise.all([
    recentFailures(trx, "subject", email, limits.windowMinutes),
    recentFailures(trx, "ip", input.ip, limits.windowMinutes),
  ]);
  if (accountFailures >= limits.perAccount || ipFailures >= limits.perIp) {
    await verifyAgainstDummy(input.password); // same cost as a real attempt
    return fail("rate_limited", null);
  }

  const user = await trx
    .selectFrom("app_user")
    .select(["id", "password_hash", "disabled_at", "language", "municipality_code"])
    .where("email", "=", email)
    .executeTakeFirst();
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

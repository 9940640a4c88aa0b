import { createHash, randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import type { AppConfig } from "~/server/config.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import type { Language, Role } from "~db/schema";

export const SESSION_COOKIE = "jr_session";

export function sessionCookie(config: AppConfig) {
  return createCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: "lax",
    secure: config.secureCookies,
    path: "/",
    secrets: [config.sessionSecret],
    maxAge: Math.round(config.sessionTtlHours * 3600),
  });
}

/** The database keeps only a hash of the token the cookie carries. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

export async function createSession(trx: ScopedTransaction, userId: string, ttlHours: number): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await trx
    .insertInto("session")
    .values({
      token_hash: hashToken(token),
      user_id: userId,
      expires_at: new Date(Date.now() + ttlHours * 3600_000),
    })
    .execute();
  return token;
}

export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  municipalityCode: string | null;
  municipalityName: string | null;
  language: Language | null;
}

/** The user behind a session token, if the session is live and the account enabled. */
export async function findSessionUser(
  trx: ScopedTransaction,
  token: string,
  ttlHours: number,
): Promise<SessionUser | null> {
  const tokenHash = hashToken(token);
  const row = await trx
    .selectFrom("session")
    .innerJoin("app_user", "app_user.id", "session.user_id")
    .leftJoin("municipality", "municipality.code", "app_user.municipality_code")
    .select([
      "app_user.id",
      "app_user.email",
      "app_user.display_name",
      "app_user.role",
      "app_user.municipality_code",
      "municipality.name as municipality_name",
      "app_user.language",
      "session.expires_at",
      "session.last_seen_at",
    ])
    .where("session.token_hash", "=", tokenHash)
    .where("session.expires_at", ">", new Date())
    .where("app_user.disabled_at", "is", null)
    .executeTakeFirst();
  if (!row) return null;
  // Sliding expiry, written at most once a minute to spare the database.
  if (Date.now() - new Date(row.last_seen_at).getTime() > 60_000) {
    await trx
      .updateTable("session")
      .set({ last_seen_at: new Date(), expires_at: new Date(Date.now() + ttlHours * 3600_000) })
      .where("token_hash", "=", tokenHash)
      .execute();
  }
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: row.role,
    municipalityCode: row.municipality_code,
    municipalityName: row.municipality_name,
    language: row.language,
  };
}

export async function revokeSession(trx: ScopedTransaction, token: string): Promise<void> {
  await trx.deleteFrom("session").where("token_hash", "=", hashToken(token)).execute();
}

export async function revokeSessionsOf(trx: ScopedTransaction, userId: string): Promise<void> {
  await trx.deleteFrom("session").where("user_id", "=", userId).execute();
}

import { createHash, randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import { sql } from "kysely";
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

/**
 * The user behind a session token, if the session is live and the account enabled. Through a
 * security-definer function (migration 0013): the application role cannot read token hashes, so
 * no request can list sessions; the function also slides the expiry, at most once a minute.
 */
export async function findSessionUser(
  trx: ScopedTransaction,
  token: string,
  ttlHours: number,
): Promise<SessionUser | null> {
  const { rows } = await sql<{
    id: string;
    email: string;
    display_name: string;
    role: Role;
    municipality_code: string | null;
    municipality_name: string | null;
    language: Language | null;
  }>`select * from jeugdregio_session_user(${hashToken(token)}, ${ttlHours})`.execute(trx);
  const row = rows[0];
  if (!row) return null;
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
  await sql`select jeugdregio_end_session(${hashToken(token)})`.execute(trx);
}

/** Sets the language of the account behind a live session (the only change a user makes to their own account). */
export async function setSessionLanguage(trx: ScopedTransaction, token: string, language: Language): Promise<void> {
  await sql`select jeugdregio_set_session_language(${hashToken(token)}, ${language})`.execute(trx);
}

export async function revokeSessionsOf(trx: ScopedTransaction, userId: string): Promise<void> {
  await trx.deleteFrom("session").where("user_id", "=", userId).execute();
}

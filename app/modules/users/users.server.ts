import { ROLES, isMunicipalRole, type Role } from "@jeugdregio/access";
import { textProblem } from "@jeugdregio/tabular";
import { z } from "zod";
import { recordAudit } from "~/modules/audit/audit.server";
import { hashPassword, MIN_PASSWORD_LENGTH } from "~/modules/auth/password.server";
import { revokeSessionsOf } from "~/modules/auth/session.server";
import type { ScopedTransaction } from "~db/tenant-scope";
import type { Actor } from "~/modules/access/actor";
import { Refusal } from "~/modules/refusal";
import { isLanguage, type Language } from "~/i18n/config";

/**
 * Account management for admins (UI) and operators (CLI). Every change is
 * audited; errors carry a stable code that the UI translates.
 */

export type UserErrorCode =
  | "invalid_email"
  | "email_taken"
  | "invalid_name"
  | "invalid_role"
  | "municipality_required"
  | "municipality_not_allowed"
  | "unknown_municipality"
  | "password_too_short"
  | "not_found"
  | "cannot_disable_self"
  | "cannot_change_own_role"
  | "invalid_language";

/** One refused field of a user form. */
export interface UserIssue {
  code: UserErrorCode;
  field: string | null;
}

/**
 * A user not saved: one of the refusals (~/modules/refusal); an unknown id is "not found", the
 * rest bad input (400, the form again). `issues` holds every refused field at once (the first is
 * the error's own code and field), so a form shows them all in one answer.
 */
export class UserError extends Refusal {
  declare readonly code: UserErrorCode;
  readonly issues: readonly UserIssue[];
  constructor(code: UserErrorCode, field: string | null = null, issues: readonly UserIssue[] = [{ code, field }]) {
    super(code === "not_found" ? "not_found" : "invalid", code, field, {}, code);
    this.issues = issues;
  }
}

export type { Actor } from "~/modules/access/actor";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = z.string().trim().toLowerCase().email().max(254);

export interface UserInput {
  email: string;
  displayName: string;
  role: string;
  municipalityCode: string | null;
  /** The account's language ('nl', 'en'), or empty/null to follow the browser; absent leaves it as it is. */
  language?: string | null;
}

/** Every problem of the input at once (not the first only), each with its field. */
async function validate(trx: ScopedTransaction, input: UserInput, password?: string) {
  const issues: UserIssue[] = [];
  const refuse = (code: UserErrorCode, field: string) => issues.push({ code, field });
  const email = EMAIL.safeParse(input.email);
  if (!email.success) refuse("invalid_email", "email");
  const displayName = input.displayName.trim();
  if (!displayName || textProblem(displayName, { max: 200 }) !== null) refuse("invalid_name", "displayName");
  const role = (ROLES as readonly string[]).includes(input.role) ? (input.role as Role) : null;
  if (!role) refuse("invalid_role", "role");
  const municipalityCode = input.municipalityCode?.trim() || null;
  if (role && isMunicipalRole(role) && !municipalityCode) refuse("municipality_required", "municipalityCode");
  else if (role && !isMunicipalRole(role) && municipalityCode) refuse("municipality_not_allowed", "municipalityCode");
  else if (municipalityCode) {
    const known = /^GM\d{4}$/.test(municipalityCode)
      ? await trx.selectFrom("municipality").select("code").where("code", "=", municipalityCode).executeTakeFirst()
      : undefined;
    if (!known) refuse("unknown_municipality", "municipalityCode");
  }
  const language = input.language === undefined ? undefined : input.language?.trim() || null;
  if (language && !isLanguage(language)) refuse("invalid_language", "language");
  if (password !== undefined && password.length < MIN_PASSWORD_LENGTH) refuse("password_too_short", "password");
  if (issues.length) throw new UserError(issues[0]!.code, issues[0]!.field, issues);
  return { email: email.data!, displayName, role: role!, municipalityCode, language: language as Language | null | undefined };
}

function checkPassword(password: string) {
  if (password.length < MIN_PASSWORD_LENGTH) throw new UserError("password_too_short", "password");
}

export async function listUsers(trx: ScopedTransaction) {
  return trx
    .selectFrom("app_user")
    .leftJoin("municipality", "municipality.code", "app_user.municipality_code")
    .select([
      "app_user.id",
      "app_user.email",
      "app_user.display_name",
      "app_user.role",
      "app_user.municipality_code",
      "municipality.name as municipality_name",
      "app_user.disabled_at",
      "app_user.created_at",
    ])
    .orderBy("app_user.email")
    .execute();
}

export async function findUser(trx: ScopedTransaction, idOrEmail: string) {
  const isUuid = UUID.test(idOrEmail);
  return trx
    .selectFrom("app_user")
    .select(["id", "email", "display_name", "role", "municipality_code", "disabled_at", "language"])
    .where(isUuid ? "id" : "email", "=", isUuid ? idOrEmail : idOrEmail.trim().toLowerCase())
    .executeTakeFirst();
}

async function requireUser(trx: ScopedTransaction, idOrEmail: string) {
  const user = await findUser(trx, idOrEmail);
  if (!user) throw new UserError("not_found");
  return user;
}

/** Two requests racing for one e-mail: the unique index decides, the loser gets `email_taken`. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}

async function emailTakenOnConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserError("email_taken", "email");
    throw error;
  }
}

export async function createUser(trx: ScopedTransaction, actor: Actor, input: UserInput & { password: string }) {
  const valid = await validate(trx, input, input.password);
  const taken = await trx.selectFrom("app_user").select("id").where("email", "=", valid.email).executeTakeFirst();
  if (taken) throw new UserError("email_taken", "email");
  const passwordHash = await hashPassword(input.password);
  const created = await emailTakenOnConflict(() => trx
    .insertInto("app_user")
    .values({
      email: valid.email,
      display_name: valid.displayName,
      role: valid.role,
      municipality_code: valid.municipalityCode,
      password_hash: passwordHash,
      language: valid.language ?? null,
      disabled_at: null,
    })
    .returning(["id", "email"])
    .executeTakeFirstOrThrow());
  await recordAudit(trx, {
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action: "user.create",
    subject: created.email,
    municipalityCode: valid.municipalityCode,
    ip: actor.ip,
    details: { role: valid.role },
  });
  return created;
}

export async function updateUser(trx: ScopedTransaction, actor: Actor, id: string, input: UserInput) {
  const before = await requireUser(trx, id);
  const valid = await validate(trx, input);
  // An admin cannot demote themselves (and so lock everyone out by accident).
  if (actor.userId === before.id && valid.role !== before.role) throw new UserError("cannot_change_own_role", "role");
  if (valid.email !== before.email) {
    const taken = await trx.selectFrom("app_user").select("id").where("email", "=", valid.email).executeTakeFirst();
    if (taken) throw new UserError("email_taken", "email");
  }
  await emailTakenOnConflict(() => trx
    .updateTable("app_user")
    .set({
      email: valid.email,
      display_name: valid.displayName,
      role: valid.role,
      municipality_code: valid.municipalityCode,
      ...(valid.language === undefined ? {} : { language: valid.language }),
      updated_at: new Date(),
    })
    .where("id", "=", before.id)
    .execute());
  // A changed role or municipality takes effect at once: end old sessions.
  if (before.role !== valid.role || before.municipality_code !== valid.municipalityCode) {
    await revokeSessionsOf(trx, before.id);
  }
  await recordAudit(trx, {
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action: "user.update",
    subject: valid.email,
    municipalityCode: valid.municipalityCode,
    ip: actor.ip,
    details: {
      before: { email: before.email, role: before.role, municipalityCode: before.municipality_code, displayName: before.display_name },
      after: { email: valid.email, role: valid.role, municipalityCode: valid.municipalityCode, displayName: valid.displayName },
    },
  });
}

export async function setUserDisabled(trx: ScopedTransaction, actor: Actor, idOrEmail: string, disabled: boolean) {
  const user = await requireUser(trx, idOrEmail);
  if (disabled && actor.userId === user.id) throw new UserError("cannot_disable_self");
  if (Boolean(user.disabled_at) === disabled) return user; // already so: nothing to change or audit
  await trx
    .updateTable("app_user")
    .set({ disabled_at: disabled ? new Date() : null, updated_at: new Date() })
    .where("id", "=", user.id)
    .execute();
  if (disabled) await revokeSessionsOf(trx, user.id);
  await recordAudit(trx, {
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action: disabled ? "user.disable" : "user.enable",
    subject: user.email,
    municipalityCode: user.municipality_code,
    ip: actor.ip,
  });
  return user;
}

export async function resetPassword(trx: ScopedTransaction, actor: Actor, idOrEmail: string, password: string) {
  checkPassword(password);
  const user = await requireUser(trx, idOrEmail);
  await trx
    .updateTable("app_user")
    .set({ password_hash: await hashPassword(password), updated_at: new Date() })
    .where("id", "=", user.id)
    .execute();
  await revokeSessionsOf(trx, user.id);
  await recordAudit(trx, {
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action: "user.reset_password",
    subject: user.email,
    municipalityCode: user.municipality_code,
    ip: actor.ip,
  });
  return user;
}

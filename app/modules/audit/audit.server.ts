import type { ScopedTransaction } from "~db/tenant-scope";

export interface AuditEntry {
  actorUserId: string | null;
  /** Who, in words that survive the account's deletion (e-mail or `cli`). */
  actorLabel: string;
  action: string;
  outcome?: "success" | "failure";
  municipalityCode?: string | null;
  subject?: string | null;
  ip?: string | null;
  /** Never passwords, tokens or client identifiers. */
  details?: Record<string, unknown>;
}

export async function recordAudit(trx: ScopedTransaction, entry: AuditEntry): Promise<void> {
  await trx
    .insertInto("audit_event")
    .values({
      actor_user_id: entry.actorUserId,
      actor_label: entry.actorLabel,
      action: entry.action,
      outcome: entry.outcome ?? "success",
      municipality_code: entry.municipalityCode ?? null,
      subject: entry.subject ?? null,
      ip: entry.ip ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

export async function latestAuditEvent(trx: ScopedTransaction, action: string) {
  return trx
    .selectFrom("audit_event")
    .select(["occurred_at", "actor_label", "details"])
    .where("action", "=", action)
    .where("outcome", "=", "success")
    .orderBy("occurred_at", "desc")
    .limit(1)
    .executeTakeFirst();
}

import { sql } from "kysely";
import type { ScopedTransaction } from "~db/tenant-scope";
import { MAX_SEARCH, readTableState, type TableState } from "~/components/table/table-state";
import { AUDIT_PAGE_SIZES, AUDIT_TABLE } from "./audit-table";

/**
 * The audit log's page (issue 16): filters (who, what, municipality, period), a search, a sort and
 * one page of rows, counted and queried in the database, since the log grows without bound. Who may
 * read it at all is the route's access check; the filters only narrow what that reader sees.
 */
const DEFAULT_SIZE = 100;

// The sortable columns, each a fixed column name (never the request's text in SQL).
const SORTS = { when: "id", who: "actor_label", action: "action", outcome: "outcome", municipality: "municipality_code", subject: "subject" } as const;
export const AUDIT_COLUMNS = Object.keys(SORTS) as (keyof typeof SORTS)[];

export interface AuditFilters {
  who: string;
  action: string;
  /** A municipality code, `none` (events without one), or empty. */
  municipality: string;
  from: string;
  to: string;
}
export type AuditFilterIssue = { field: keyof AuditFilters; code: "invalidDate" | "invalidPeriod" };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (value: string) => DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

export function readAuditFilters(params: URLSearchParams): { filters: AuditFilters; issues: AuditFilterIssue[] } {
  const text = (name: string, max: number) => (params.get(name) ?? "").trim().slice(0, max);
  const filters: AuditFilters = { who: text("who", 320), action: text("action", 100), municipality: text("municipality", 10), from: text("from", 10), to: text("to", 10) };
  const issues: AuditFilterIssue[] = [];
  if (filters.from && !isDate(filters.from)) issues.push({ field: "from", code: "invalidDate" });
  if (filters.to && !isDate(filters.to)) issues.push({ field: "to", code: "invalidDate" });
  if (!issues.length && filters.from && filters.to && filters.to < filters.from) issues.push({ field: "to", code: "invalidPeriod" });
  return { filters, issues };
}

export function readAuditTable(params: URLSearchParams): TableState {
  const state = readTableState(params, AUDIT_TABLE, { columns: AUDIT_COLUMNS, size: DEFAULT_SIZE, allowAll: false, sort: "when", desc: true });
  const size = AUDIT_PAGE_SIZES.find((s) => s === state.size) ?? DEFAULT_SIZE;
  return { ...state, size };
}

const likePattern = (text: string) => `%${text.slice(0, MAX_SEARCH).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function auditLogPage(trx: ScopedTransaction, filters: AuditFilters, state: TableState) {
  let query = trx.selectFrom("audit_event");
  if (filters.who) query = query.where("actor_label", "=", filters.who);
  if (filters.action) query = query.where("action", "=", filters.action);
  if (filters.municipality === "none") query = query.where("municipality_code", "is", null);
  else if (filters.municipality) query = query.where("municipality_code", "=", filters.municipality);
  // Days as the reader's calendar has them (Amsterdam), the end date included.
  if (filters.from) query = query.where("occurred_at", ">=", sql<Date>`(${filters.from}::date)::timestamp at time zone 'Europe/Amsterdam'`);
  if (filters.to) query = query.where("occurred_at", "<", sql<Date>`(${filters.to}::date + 1)::timestamp at time zone 'Europe/Amsterdam'`);
  if (state.q.trim()) {
    const pattern = likePattern(state.q.trim());
    query = query.where((eb) => eb.or([eb("subject", "ilike", pattern), eb("actor_label", "ilike", pattern), eb("action", "ilike", pattern)]));
  }
  const { total } = await query.select((eb) => eb.fn.countAll<string>().as("total")).executeTakeFirstOrThrow();
  const count = Number(total);
  const size = state.size === "all" ? DEFAULT_SIZE : state.size;
  const pages = Math.max(1, Math.ceil(count / size));
  const page = Math.min(state.page, pages - 1);
  const column = SORTS[(state.sort ?? "when") as keyof typeof SORTS] ?? "id";
  const events = await query
    .select(["id", "occurred_at", "actor_label", "action", "outcome", "subject", "municipality_code"])
    .orderBy(column, (order) => (state.desc ? order.desc() : order.asc()).nullsLast())
    .orderBy("id", "desc")
    .limit(size)
    .offset(page * size)
    .execute();
  return { events: events.map((e) => ({ ...e, id: String(e.id) })), total: count, state: { ...state, page, size } satisfies TableState };
}

/** What the filters offer: the actors and actions the log holds, and every municipality. */
export async function auditFilterOptions(trx: ScopedTransaction) {
  // One after the other: one transaction, one connection.
  const actors = await trx.selectFrom("audit_event").select("actor_label").distinct().orderBy("actor_label").execute();
  const actions = await trx.selectFrom("audit_event").select("action").distinct().orderBy("action").execute();
  const municipalities = await trx.selectFrom("municipality").select(["code", "name"]).orderBy("name").execute();
  return { actors: actors.map((a) => a.actor_label), actions: actions.map((a) => a.action), municipalities };
}

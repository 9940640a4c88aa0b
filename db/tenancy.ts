/**
 * Which tables belong to a tenant (a municipality). Every tenant-owned table has
 * `municipality_code` in its primary key (mostly first), in every foreign key
 * to another tenant-owned table, and row-level security enabled and forced; a test
 * (test/db/tenancy-schema.test.ts) checks the live schema against this list, so the
 * schema can be distributed by municipality (Citus) without redesign.
 */
export const TENANT_TABLES = [
  "population",
  "import_batch_municipality",
  "declaration",
  "local_budget",
  "local_budget_product",
  "local_budget_year",
  "local_budget_tranche",
  "other_youth_spending",
  "finance_change",
  "summary_provider",
  "summary_client",
  "summary_detail",
  "summary_lag",
] as const;

/**
 * Tables that carry a municipality code but are not owned by one tenant: the
 * municipality list itself (a reference table), user accounts (managed by
 * admins across tenants), the audit log (one regional log) and the catalogue's
 * mapping rows, whose optional municipality is an override maintained by RIGG, and the
 * roadmap's tracks, read by everyone, whose optional municipality (basishulp) decides who may
 * change them (row-level security on the write side only).
 */
export const GLOBAL_TABLES_WITH_MUNICIPALITY = ["municipality", "app_user", "audit_event", "product_mapping", "roadmap_track"] as const;

/** The database role every request runs as: not the owner, no BYPASSRLS. */
export const APP_ROLE = "jeugdregio_app";

/**
 * Per-transaction settings that carry the scope. Any role may set a custom setting, so the policies
 * never read them directly: they call `jeugdregio_scope(kind)` (migration 0013), a security-definer
 * function that returns a part only when SCOPE_SIGNATURE_SETTING holds the HMAC of this backend,
 * this transaction's start and the three parts under the database's scope key (`scope_secret`, which
 * the application role cannot read); a tampered or copied scope reads as empty.
 */
export const READ_SCOPE_SETTING = "jeugdregio.read_scope";
export const WRITE_SCOPE_SETTING = "jeugdregio.write_scope";
/** The shared tables the transaction may change (packages/access SHARED_WRITES), a list or "all". */
export const SHARED_WRITES_SETTING = "jeugdregio.shared_writes";
export const SCOPE_SIGNATURE_SETTING = "jeugdregio.scope_sig";

function scopeKind(setting: string): "read" | "write" {
  if (setting === READ_SCOPE_SETTING) return "read";
  if (setting === WRITE_SCOPE_SETTING) return "write";
  throw new Error(`Not a scope setting: ${setting}`);
}

/** The verified scope part as SQL text ('all', a comma list, or ''): a scalar subquery, evaluated once per query. */
export function verifiedScope(kind: "read" | "write" | "shared"): string {
  return `(select jeugdregio_scope('${kind}'))`;
}

/**
 * SQL that is true when the scope `setting` is "all" (a regional reader or writer), false when
 * it is a list, unset or not signed. A scalar subquery, so PostgreSQL checks it once per query.
 */
export function regionalScopeCheck(setting: string): string {
  return `coalesce((select jeugdregio_scope('${scopeKind(setting)}') = 'all'), false)`;
}

/** The verified scope `setting` as a text[] of municipality codes ({all} for a regional one), once per query. */
export function scopeCodes(setting: string): string {
  return `((select string_to_array(nullif(jeugdregio_scope('${scopeKind(setting)}'), ''), ','))::text[])`;
}

/** SQL that is true when the transaction may change the shared table group `name` (packages/access SHARED_WRITES). */
export function sharedWriteCheck(name: string): string {
  if (!/^[a-z]+$/.test(name)) throw new Error(`Not a shared write: ${name}`);
  return `coalesce((select s = 'all' or '${name}' = any (string_to_array(s, ',')) from jeugdregio_scope('shared') s), false)`;
}

/**
 * Where the partitions of `declaration` live (one per import batch). The application
 * role has no privileges on them: it reaches the lines only through `declaration`,
 * where row-level security applies.
 */
export const DECLARATION_LINES_SCHEMA = "declaration_lines";

/**
 * Transaction-level advisory lock that every import's final transaction takes first:
 * attaching a partition locks the tables its foreign keys reference, so two imports
 * finishing at once must queue rather than deadlock.
 */
export const DECLARATION_IMPORT_LOCK = 7_405_169;

import { randomBytes } from "node:crypto";
import { sql, type Kysely } from "kysely";
import {
  APP_ROLE,
  DECLARATION_LINES_SCHEMA,
  READ_SCOPE_SETTING,
  regionalScopeCheck,
  SCOPE_SIGNATURE_SETTING,
  scopeCodes,
  SHARED_WRITES_SETTING,
  sharedWriteCheck,
  WRITE_SCOPE_SETTING,
} from "../tenancy";
import { legacyRegionalScopeCheck, legacyTenantPolicyStatements } from "./legacy-scope-checks";
import { tenantPolicyStatements } from "./tenant-policies";

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/** The tenant tables as of this migration (db/tenancy.ts TENANT_TABLES). */
const TENANT_TABLES = [
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
];

const ACTIONS = ["read", "insert", "update", "delete"] as const;

/** HMAC-SHA256's two keyed pads (RFC 2104): the database computes the HMAC with sha256() alone, no extension needed. */
function hmacPads(key: Buffer): { inner: string; outer: string } {
  const block = Buffer.alloc(64);
  key.copy(block);
  const pad = (byte: number) => Buffer.from(block.map((b) => b ^ byte)).toString("hex");
  return { inner: pad(0x36), outer: pad(0x5c) };
}

const REGIONAL_WRITER = regionalScopeCheck(WRITE_SCOPE_SETTING);
const REGIONAL_READER = regionalScopeCheck(READ_SCOPE_SETTING);
/** The CLI's and seeds' scope (db/tenant-scope.ts ALL_TENANTS): every shared table, every track. */
const OPERATOR = `coalesce((select jeugdregio_scope('shared') = 'all'), false)`;
/**
 * Who changes a roadmap track (packages/access canEditTrack): a regional track (no municipality)
 * the scopes with the shared write "roadmap" (steering members, RIGG analysts); a basishulp track
 * only a write scope that names its municipality (its own editors: a regional "all" does not name it).
 */
const trackWritable = (code: string) =>
  `(case when ${code} is null then ${sharedWriteCheck("roadmap")}
         else (${code} = any ${scopeCodes(WRITE_SCOPE_SETTING)} or ${OPERATOR}) end)`;
const viaTrack = `exists (select 1 from roadmap_track t where t.id = track_id and ${trackWritable("t.municipality_code")})`;

/** Row-level security on a shared table: everyone (the application role) reads, writes need `check`. */
function sharedTable(table: string, check: string, actions: readonly ("insert" | "update" | "delete")[], force = false): string[] {
  return [
    `alter table ${table} enable row level security`,
    ...(force ? [`alter table ${table} force row level security`] : []),
    ...ACTIONS.map((action) => `drop policy if exists ${table}_${action} on ${table}`),
    `create policy ${table}_read on ${table} for select using (true)`,
    ...actions.map((action) =>
      action === "insert"
        ? `create policy ${table}_insert on ${table} for insert with check (${check})`
        : action === "update"
          ? `create policy ${table}_update on ${table} for update using (${check}) with check (${check})`
          : `create policy ${table}_delete on ${table} for delete using (${check})`,
    ),
  ];
}

/** 0003's functions with the regional check on the signed scope. */
function declarationLineFunctions(regionalWriteOnly: string): string[] {
  return [
    `create or replace function jeugdregio_open_declaration_lines(batch uuid) returns text
       language plpgsql security definer set search_path = public, pg_temp as $$
       declare
         part text := 'b_' || replace(batch::text, '-', '') || '_load';
       begin
         ${regionalWriteOnly}
         execute format('create table ${DECLARATION_LINES_SCHEMA}.%I (like declaration including defaults including constraints)', part);
         execute format('alter table ${DECLARATION_LINES_SCHEMA}.%I alter column batch_id set default %L, add check (batch_id = %L),
                           add primary key (municipality_code, batch_id, line_no)', part, batch, batch);
         execute format('grant insert on ${DECLARATION_LINES_SCHEMA}.%I to ${APP_ROLE}', part);
         return part;
       end $$`,
    `create or replace function jeugdregio_attach_declaration_lines(part text, batch uuid) returns void
       language plpgsql security definer set search_path = public, pg_temp as $$
       declare
         partition text := 'b_' || replace(batch::text, '-', '');
       begin
         ${regionalWriteOnly}
         if part <> partition || '_load' then
           raise exception 'not the loading table of batch %', batch using errcode = '22023';
         end if;
         execute format('revoke all on ${DECLARATION_LINES_SCHEMA}.%I from ${APP_ROLE}', part);
         execute format('alter table ${DECLARATION_LINES_SCHEMA}.%I rename to %I', part, partition);
         execute format('alter table declaration attach partition ${DECLARATION_LINES_SCHEMA}.%I for values in (%L)', partition, batch);
       end $$`,
  ];
}

const SIGNED_REGIONAL_WRITE_ONLY = `
  if coalesce(jeugdregio_scope('write'), '') <> 'all' then
    raise exception 'storing declaration lines needs the regional write scope' using errcode = '42501';
  end if;`;
const LEGACY_REGIONAL_WRITE_ONLY = `
  if nullif(current_setting('${WRITE_SCOPE_SETTING}', true), '') is distinct from 'all' then
    raise exception 'storing declaration lines needs the regional write scope' using errcode = '42501';
  end if;`;

/** Columns of app_user the application role reads: all but the password hash. */
const APP_USER_READABLE = "id, email, display_name, role, municipality_code, language, disabled_at, created_at, updated_at";

/**
 * The database wall, thicker (issue 13, point 10).
 *
 * 1. The scope is signed. withTenantScope sets, besides the read and write scopes, the shared
 *    tables the transaction may change and an HMAC-SHA256 of (backend, transaction start, the three
 *    parts) under the key in `scope_secret`, which only the owner reads. Every policy reads the scope
 *    through `jeugdregio_scope(kind)`, a security-definer function that recomputes the HMAC and
 *    returns the part only when it matches: a scope the application role sets itself, or one copied
 *    from another transaction, reads as empty. Still one evaluation per query (scalar subqueries).
 * 2. Shared tables get write policies matching the guard (packages/access sharedWritesOf,
 *    canEditTrack): the catalogue, index figures, regional roadmap tracks and their rows, reviews,
 *    targets and accounts only for scopes that carry that shared write; providers, the batch list and
 *    region totals only for the regional write scope; a basishulp track only for its municipality.
 * 3. Password and session hashes: the application role has no SELECT on `app_user.password_hash` or
 *    `session.token_hash`. Sessions are looked up, ended and used (language) by security-definer
 *    functions that take the token's hash and never list hashes; login gets the argon2 hash of the
 *    one account it checks (argon2 runs in Node, not in SQL).
 */
export async function up(db: Kysely<unknown>) {
  const pads = hmacPads(randomBytes(32));
  await run(db, [
    `create table scope_secret (
       id integer primary key check (id = 1),
       inner_pad bytea not null check (length(inner_pad) = 64),
       outer_pad bytea not null check (length(outer_pad) = 64),
       created_at timestamptz not null default now()
     )`,
    `revoke all on scope_secret from public`,
    `insert into scope_secret (id, inner_pad, outer_pad) values (1, '\\x${pads.inner}', '\\x${pads.outer}')`,

    `create function jeugdregio_scope(kind text) returns text
       language plpgsql stable security definer set search_path = pg_catalog, pg_temp as $$
       declare
         r text := coalesce(current_setting('${READ_SCOPE_SETTING}', true), '');
         w text := coalesce(current_setting('${WRITE_SCOPE_SETTING}', true), '');
         s text := coalesce(current_setting('${SHARED_WRITES_SETTING}', true), '');
         given text := coalesce(current_setting('${SCOPE_SIGNATURE_SETTING}', true), '');
         k record;
       begin
         if given = '' then return ''; end if;
         select inner_pad, outer_pad into k from public.scope_secret where id = 1;
         if not found then return ''; end if;
         if encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(
              pg_backend_pid()::text || ':' || extract(epoch from transaction_timestamp())::text || ':' || r || ':' || w || ':' || s,
              'UTF8'))), 'hex') <> given then
           return '';
         end if;
         return case kind when 'read' then r when 'write' then w when 'shared' then s else '' end;
       end $$`,
    `revoke all on function jeugdregio_scope(text) from public`,
    `grant execute on function jeugdregio_scope(text) to ${APP_ROLE}`,
    // The old per-row helper, kept for anything that still calls it, on the signed scope too.
    `create or replace function jeugdregio_in_scope(setting text, code text) returns boolean
       language sql stable parallel safe as $$
         select coalesce(s = 'all' or code = any(string_to_array(nullif(s, ''), ',')), false)
         from jeugdregio_scope(case setting when '${READ_SCOPE_SETTING}' then 'read' when '${WRITE_SCOPE_SETTING}' then 'write' end) s
       $$`,

    // Tenant tables and the regional ones: the same rows as before, on the signed scope.
    ...TENANT_TABLES.flatMap((table) => [...ACTIONS.map((action) => `drop policy if exists ${table}_${action} on ${table}`), ...tenantPolicyStatements(table)]),
    ...ACTIONS.map((action) => `drop policy if exists summary_region_provider_${action} on summary_region_provider`),
    `create policy summary_region_provider_read on summary_region_provider for select using (${REGIONAL_READER})`,
    `create policy summary_region_provider_insert on summary_region_provider for insert with check (${REGIONAL_WRITER})`,
    `create policy summary_region_provider_update on summary_region_provider for update using (${REGIONAL_WRITER}) with check (${REGIONAL_WRITER})`,
    `create policy summary_region_provider_delete on summary_region_provider for delete using (${REGIONAL_WRITER})`,
    ...["read", "insert", "update"].map((action) => `drop policy if exists import_batch_${action} on import_batch`),
    `create policy import_batch_read on import_batch for select using (${REGIONAL_READER})`,
    `create policy import_batch_insert on import_batch for insert with check (${REGIONAL_WRITER})`,
    `create policy import_batch_update on import_batch for update using (${REGIONAL_WRITER}) with check (${REGIONAL_WRITER})`,
    ...["read", "insert", "update"].map((action) => `drop policy if exists report_cache_${action} on report_cache`),
    ...(() => {
      const visible = `((scope = 'region' and ${REGIONAL_READER}) or (scope <> 'region' and (${REGIONAL_READER} or scope = any ${scopeCodes(READ_SCOPE_SETTING)})))`;
      return [
        `create policy report_cache_read on report_cache for select using (${visible})`,
        `create policy report_cache_insert on report_cache for insert with check (${visible})`,
        `create policy report_cache_update on report_cache for update using (${visible}) with check (${visible})`,
      ];
    })(),
    // Written side by side with this one (0015): if it ran first, its policies move to the signed scope here.
    `do $$ begin
       if to_regclass('public.provider_name_seen') is not null then
         drop policy if exists provider_name_seen_read on provider_name_seen;
         drop policy if exists provider_name_seen_insert on provider_name_seen;
         create policy provider_name_seen_read on provider_name_seen for select using (${REGIONAL_READER});
         create policy provider_name_seen_insert on provider_name_seen for insert with check (${REGIONAL_WRITER});
       end if;
     end $$`,
    ...declarationLineFunctions(SIGNED_REGIONAL_WRITE_ONLY),

    // Shared tables: written only as the guard allows.
    ...sharedTable("roadmap_track", trackWritable("municipality_code"), ["insert", "update"], true),
    ...["roadmap_step", "roadmap_decision", "roadmap_milestone"].flatMap((table) => sharedTable(table, viaTrack, ["insert", "update", "delete"], true)),
    ...["roadmap_review", "roadmap_review_entry"].flatMap((table) => sharedTable(table, sharedWriteCheck("reviews"), ["insert"])),
    ...sharedTable("roadmap_target", sharedWriteCheck("targets"), ["insert", "update", "delete"]),
    ...["product", "product_mapping"].flatMap((table) => sharedTable(table, sharedWriteCheck("catalog"), ["insert", "update", "delete"])),
    ...sharedTable("index_figure", sharedWriteCheck("index"), ["insert", "update"]),
    // Provider names come with the declarations: RIGG's imports, in the regional write scope.
    ...sharedTable("provider", REGIONAL_WRITER, ["insert", "update"]),
    ...sharedTable("app_user", sharedWriteCheck("users"), ["insert", "update"]),

    // Password hashes: every column but the hash.
    `revoke select on app_user from ${APP_ROLE}`,
    `grant select (${APP_USER_READABLE}) on app_user to ${APP_ROLE}`,
    // Sessions: a login inserts one (token hash, user, expiry); the administrator's account changes
    // end a user's sessions by user; nothing reads a token hash.
    `revoke all on session from ${APP_ROLE}`,
    `grant insert (token_hash, user_id, expires_at) on session to ${APP_ROLE}`,
    `grant select (user_id), delete on session to ${APP_ROLE}`,
    `alter table session enable row level security`,
    `create policy session_insert on session for insert with check (true)`,
    `create policy session_read on session for select using (${sharedWriteCheck("users")})`,
    `create policy session_delete on session for delete using (${sharedWriteCheck("users")})`,

    `create function jeugdregio_session_user(token_hash text, ttl_hours double precision)
       returns table (id uuid, email text, display_name text, role text, municipality_code text, municipality_name text, language text)
       language plpgsql volatile security definer set search_path = pg_catalog, pg_temp as $$
       #variable_conflict use_column
       declare
         seen timestamptz;
       begin
         select s.last_seen_at into seen
           from public.session s join public.app_user u on u.id = s.user_id
          where s.token_hash = $1 and s.expires_at > now() and u.disabled_at is null;
         if not found then return; end if;
         -- sliding expiry, written at most once a minute to spare the database
         if now() - seen > interval '1 minute' then
           update public.session s set last_seen_at = now(), expires_at = now() + make_interval(secs => ttl_hours * 3600)
            where s.token_hash = $1;
         end if;
         return query
           select u.id, u.email, u.display_name, u.role, u.municipality_code, m.name, u.language
             from public.session s join public.app_user u on u.id = s.user_id
             left join public.municipality m on m.code = u.municipality_code
            where s.token_hash = $1;
       end $$`,
    `create function jeugdregio_end_session(token_hash text) returns void
       language sql volatile security definer set search_path = pg_catalog, pg_temp as $$
         delete from public.session s where s.token_hash = $1
       $$`,
    `create function jeugdregio_set_session_language(token_hash text, lang text) returns boolean
       language sql volatile security definer set search_path = pg_catalog, pg_temp as $$
         with changed as (
           update public.app_user u set language = $2, updated_at = now()
            where u.id = (select s.user_id from public.session s where s.token_hash = $1 and s.expires_at > now())
              and u.disabled_at is null
           returning 1)
         select exists (select 1 from changed)
       $$`,
    // argon2 runs in Node: login needs the hash of the one account it checks, never a list.
    `create function jeugdregio_login_account(email text)
       returns table (id uuid, password_hash text, disabled_at timestamptz, language text, municipality_code text)
       language sql stable security definer set search_path = pg_catalog, pg_temp as $$
         select u.id, u.password_hash, u.disabled_at, u.language, u.municipality_code from public.app_user u where u.email = $1
       $$`,
    ...["jeugdregio_session_user(text, double precision)", "jeugdregio_end_session(text)", "jeugdregio_set_session_language(text, text)", "jeugdregio_login_account(text)"].flatMap((fn) => [
      `revoke all on function ${fn} from public`,
      `grant execute on function ${fn} to ${APP_ROLE}`,
    ]),
  ]);
}

export async function down(db: Kysely<unknown>) {
  const writable = (code: string) => `(${code} is null or jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', ${code}))`;
  const trackWritableBefore = `exists (select 1 from roadmap_track t where t.id = track_id and ${writable("t.municipality_code")})`;
  const dropAll = (table: string) => ACTIONS.map((action) => `drop policy if exists ${table}_${action} on ${table}`);
  await run(db, [
    ...["jeugdregio_session_user(text, double precision)", "jeugdregio_end_session(text)", "jeugdregio_set_session_language(text, text)", "jeugdregio_login_account(text)"].map((fn) => `drop function ${fn}`),
    ...dropAll("session"),
    `alter table session disable row level security`,
    `revoke all on session from ${APP_ROLE}`,
    `grant select, insert, update, delete on session to ${APP_ROLE}`,
    `revoke select (${APP_USER_READABLE}) on app_user from ${APP_ROLE}`,
    `grant select on app_user to ${APP_ROLE}`,
    ...["app_user", "provider", "index_figure", "product", "product_mapping", "roadmap_target", "roadmap_review", "roadmap_review_entry"].flatMap((table) => [
      ...dropAll(table),
      `alter table ${table} disable row level security`,
    ]),
    ...dropAll("roadmap_track"),
    `create policy roadmap_track_read on roadmap_track for select using (true)`,
    `create policy roadmap_track_insert on roadmap_track for insert with check (${writable("municipality_code")})`,
    `create policy roadmap_track_update on roadmap_track for update using (${writable("municipality_code")}) with check (${writable("municipality_code")})`,
    ...["roadmap_step", "roadmap_decision", "roadmap_milestone"].flatMap((table) => [
      ...dropAll(table),
      `create policy ${table}_read on ${table} for select using (true)`,
      `create policy ${table}_insert on ${table} for insert with check (${trackWritableBefore})`,
      `create policy ${table}_update on ${table} for update using (${trackWritableBefore}) with check (${trackWritableBefore})`,
      `create policy ${table}_delete on ${table} for delete using (${trackWritableBefore})`,
    ]),
    ...declarationLineFunctions(LEGACY_REGIONAL_WRITE_ONLY),
    ...dropAll("report_cache"),
    ...(() => {
      const visible = `((scope = 'region' and coalesce(nullif(current_setting('${READ_SCOPE_SETTING}', true), '') = 'all', false))
                        or (scope <> 'region' and jeugdregio_in_scope('${READ_SCOPE_SETTING}', scope)))`;
      return [
        `create policy report_cache_read on report_cache for select using (${visible})`,
        `create policy report_cache_insert on report_cache for insert with check (${visible})`,
        `create policy report_cache_update on report_cache for update using (${visible}) with check (${visible})`,
      ];
    })(),
    ...dropAll("import_batch"),
    `create policy import_batch_read on import_batch for select using (nullif(current_setting('${READ_SCOPE_SETTING}', true), '') = 'all')`,
    `create policy import_batch_insert on import_batch for insert with check (nullif(current_setting('${WRITE_SCOPE_SETTING}', true), '') = 'all')`,
    `create policy import_batch_update on import_batch for update using (nullif(current_setting('${WRITE_SCOPE_SETTING}', true), '') = 'all') with check (nullif(current_setting('${WRITE_SCOPE_SETTING}', true), '') = 'all')`,
    ...dropAll("summary_region_provider"),
    `create policy summary_region_provider_read on summary_region_provider for select using (${legacyRegionalScopeCheck(READ_SCOPE_SETTING)})`,
    `create policy summary_region_provider_insert on summary_region_provider for insert with check (${legacyRegionalScopeCheck(WRITE_SCOPE_SETTING)})`,
    `create policy summary_region_provider_update on summary_region_provider for update using (${legacyRegionalScopeCheck(WRITE_SCOPE_SETTING)}) with check (${legacyRegionalScopeCheck(WRITE_SCOPE_SETTING)})`,
    `create policy summary_region_provider_delete on summary_region_provider for delete using (${legacyRegionalScopeCheck(WRITE_SCOPE_SETTING)})`,
    ...TENANT_TABLES.flatMap((table) => [...dropAll(table), ...legacyTenantPolicyStatements(table)]),
    `create or replace function jeugdregio_in_scope(setting text, code text) returns boolean
       language sql stable parallel safe as $$
         select coalesce(
           nullif(current_setting(setting, true), '') = 'all'
           or code = any(string_to_array(nullif(current_setting(setting, true), ''), ',')),
           false)
       $$`,
    `drop function jeugdregio_scope(text)`,
    `drop table scope_secret`,
  ]);
}

import { sql, type Kysely } from "kysely";
import { APP_ROLE, READ_SCOPE_SETTING, WRITE_SCOPE_SETTING } from "../tenancy";

/** One statement per call: PGlite's extended protocol takes a single statement. */
async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function up(db: Kysely<unknown>) {
  await run(db, [
    // Roles are cluster-wide; parallel test databases may race to create it.
    `do $$ begin
       if not exists (select 1 from pg_roles where rolname = '${APP_ROLE}') then
         create role ${APP_ROLE} nologin nosuperuser nobypassrls noinherit;
       end if;
     exception when duplicate_object or unique_violation then null;
     end $$`,

    `create function jeugdregio_in_scope(setting text, code text) returns boolean
       language sql stable parallel safe as $$
         select coalesce(
           nullif(current_setting(setting, true), '') = 'all'
           or code = any(string_to_array(nullif(current_setting(setting, true), ''), ',')),
           false)
       $$`,

    `create table municipality (
       code text primary key check (code ~ '^GM[0-9]{4}$'),
       name text not null check (length(name) between 1 and 200)
     )`,

    `create table segment (
       key text primary key check (key ~ '^[a-z_]{1,40}$'),
       name_nl text not null,
       name_en text not null,
       sort_order integer not null unique
     )`,

    `create table product_category (
       code text primary key check (code ~ '^[0-9]{2}$'),
       name_nl text not null,
       name_en text not null
     )`,

    `create table process_step (
       number integer primary key check (number between 1 and 7),
       key text not null unique,
       name_nl text not null,
       name_en text not null
     )`,

    `create table population (
       municipality_code text not null references municipality (code),
       year integer not null check (year between 1900 and 2200),
       inhabitants_0_17 integer not null check (inhabitants_0_17 >= 0),
       source text not null,
       updated_at timestamptz not null default now(),
       primary key (municipality_code, year)
     )`,

    `create table app_user (
       id uuid primary key default gen_random_uuid(),
       email text not null check (email = lower(email) and email like '%_@_%'),
       display_name text not null check (length(display_name) between 1 and 200),
       role text not null check (role in ('municipal_viewer', 'municipal_editor', 'rigg_analyst', 'steering_member', 'admin')),
       municipality_code text references municipality (code),
       password_hash text not null,
       language text check (language in ('nl', 'en')),
       disabled_at timestamptz,
       created_at timestamptz not null default now(),
       updated_at timestamptz not null default now(),
       -- municipal roles are bound to exactly one municipality, the others to none
       check ((role in ('municipal_viewer', 'municipal_editor')) = (municipality_code is not null))
     )`,
    `create unique index app_user_email on app_user (email)`,

    `create table session (
       token_hash text primary key,
       user_id uuid not null references app_user (id) on delete cascade,
       created_at timestamptz not null default now(),
       expires_at timestamptz not null,
       last_seen_at timestamptz not null default now()
     )`,
    `create index session_by_user on session (user_id)`,

    `create table audit_event (
       id bigint generated always as identity primary key,
       occurred_at timestamptz not null default now(),
       actor_user_id uuid references app_user (id) on delete set null,
       actor_label text not null,
       action text not null,
       outcome text not null check (outcome in ('success', 'failure')),
       municipality_code text references municipality (code),
       subject text,
       ip text,
       details jsonb not null default '{}'
     )`,
    `create index audit_event_time on audit_event (occurred_at desc)`,
    // login rate limiting counts recent failures per account and per address
    `create index audit_event_login_failures on audit_event (action, occurred_at) where outcome = 'failure'`,

    // Row-level security: the second wall behind the request helper.
    `alter table population enable row level security`,
    `alter table population force row level security`,
    `create policy population_read on population for select
       using (jeugdregio_in_scope('${READ_SCOPE_SETTING}', municipality_code))`,
    `create policy population_insert on population for insert
       with check (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))`,
    `create policy population_update on population for update
       using (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))
       with check (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))`,
    `create policy population_delete on population for delete
       using (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))`,

    `grant usage on schema public to ${APP_ROLE}`,
    `grant select on municipality, segment, product_category, process_step to ${APP_ROLE}`,
    `grant select, insert, update, delete on population to ${APP_ROLE}`,
    `grant select, insert, update on app_user to ${APP_ROLE}`,
    `grant select, insert, update, delete on session to ${APP_ROLE}`,
    `grant select, insert on audit_event to ${APP_ROLE}`,
    `grant execute on function jeugdregio_in_scope(text, text) to ${APP_ROLE}`,
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [
    `drop table audit_event`,
    `drop table session`,
    `drop table app_user`,
    `drop table population`,
    `drop table process_step`,
    `drop table product_category`,
    `drop table segment`,
    `drop table municipality`,
    `drop function jeugdregio_in_scope(text, text)`,
  ]);
}

import { sql, type Kysely } from "kysely";
import { APP_ROLE, READ_SCOPE_SETTING, regionalScopeCheck, WRITE_SCOPE_SETTING } from "../tenancy";

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/**
 * Import jobs in the database rather than in one process's memory, so any app server reports a
 * job's progress and result, a restart keeps finished jobs, and a job whose process died shows
 * as interrupted (app/modules/imports/jobs.server.ts).
 *
 * `runner_id` is the presence id of the process running the job (db/connect.ts `Presence`);
 * `upload_path` the temporary upload, removed when the job ends or is found interrupted.
 * Like the batch list, jobs span municipalities: regional scopes only.
 *
 * `db_presence` maps the advisory-lock key each process holds to its presence id; only the
 * connecting role (the owner) uses it.
 */
export async function up(db: Kysely<unknown>) {
  await run(db, [
    `create table import_job (
       id uuid primary key,
       kind text not null default 'declarations' check (kind in ('declarations')),
       owner_id uuid references app_user (id) on delete set null,
       owner_label text not null,
       file_name text not null,
       mode text not null check (mode in ('append', 'replace')),
       upload_path text,
       runner_id uuid not null,
       status text not null check (status in ('running', 'done', 'failed', 'interrupted')),
       progress jsonb not null,
       result jsonb,
       started_at timestamptz not null default now(),
       updated_at timestamptz not null default now(),
       finished_at timestamptz
     )`,
    `create index import_job_running on import_job (runner_id) where status = 'running'`,
    `create index import_job_started on import_job (started_at desc)`,
    `alter table import_job enable row level security`,
    `alter table import_job force row level security`,
    `create policy import_job_read on import_job for select using (${regionalScopeCheck(READ_SCOPE_SETTING)})`,
    `create policy import_job_insert on import_job for insert with check (${regionalScopeCheck(WRITE_SCOPE_SETTING)})`,
    `create policy import_job_update on import_job for update
       using (${regionalScopeCheck(WRITE_SCOPE_SETTING)}) with check (${regionalScopeCheck(WRITE_SCOPE_SETTING)})`,
    `grant select, insert, update on import_job to ${APP_ROLE}`,
    `create table db_presence (
       lock_key integer primary key check (lock_key > 0),
       instance_id uuid not null unique,
       pid integer not null,
       host text not null,
       since timestamptz not null default now()
     )`,
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [`drop table db_presence`, `drop table import_job`]);
}

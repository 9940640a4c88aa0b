import { sql, type Kysely } from "kysely";
import { APP_ROLE, WRITE_SCOPE_SETTING } from "../tenancy";

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

const MONTH = `'^[0-9]{4}-(0[1-9]|1[0-2])$'`;

/**
 * The 2024–2029 transition roadmap: a track per segment, and per municipality for basishulp,
 * with its seven process steps (the baseline plan; decision moments shift it when the plan is
 * recomputed), decision moments, milestones; the steering body's reviews (append-only: the
 * application role may insert and read, never update or delete); targets per figure and year.
 *
 * Everyone reads the roadmap. A basishulp track belongs to its municipality: row-level security
 * lets only that municipality's write scope (or the regional one) change it and its rows; the
 * regional tracks (no municipality) are guarded by role in the application.
 */
export async function up(db: Kysely<unknown>) {
  const writable = (codeExpr: string) => `(${codeExpr} is null or jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', ${codeExpr}))`;
  const trackWritable = `exists (select 1 from roadmap_track t where t.id = track_id and ${writable("t.municipality_code")})`;
  await run(db, [
    `create table roadmap_track (
       id text primary key check (id ~ '^[a-z0-9_-]{1,60}$'),
       segment_key text not null references segment (key),
       municipality_code text references municipality (code),
       health text not null default 'on_track' check (health in ('on_track', 'at_risk', 'delayed')),
       health_reason text,
       end_state text not null default '2029-12' check (end_state ~ ${MONTH}),
       updated_by text,
       updated_at timestamptz not null default now(),
       check ((segment_key = 'basishulp') = (municipality_code is not null)),
       check (health = 'on_track' or length(coalesce(health_reason, '')) > 0),
       unique nulls not distinct (segment_key, municipality_code)
     )`,
    `create table roadmap_step (
       track_id text not null references roadmap_track (id) on delete cascade,
       step_key text not null references process_step (key),
       planned_start text not null check (planned_start ~ ${MONTH}),
       planned_end text not null check (planned_end ~ ${MONTH}),
       actual_start text check (actual_start ~ ${MONTH}),
       actual_end text check (actual_end ~ ${MONTH}),
       state text not null default 'not_started' check (state in ('not_started', 'in_progress', 'done')),
       primary key (track_id, step_key),
       check (planned_end >= planned_start),
       check (actual_end is null or (actual_start is not null and actual_end >= actual_start))
     )`,
    `create table roadmap_decision (
       id bigint generated always as identity primary key,
       track_id text not null references roadmap_track (id) on delete cascade,
       month text not null check (month ~ ${MONTH}),
       description text not null check (length(description) between 1 and 1000),
       recorded_by text not null,
       recorded_at timestamptz not null default now()
     )`,
    `create table roadmap_milestone (
       id bigint generated always as identity primary key,
       track_id text not null references roadmap_track (id) on delete cascade,
       month text not null check (month ~ ${MONTH}),
       kind text not null check (kind in ('contract_start', 'end_state', 'other')),
       label text check (label is null or length(label) between 1 and 200)
     )`,
    `create table roadmap_review (
       id bigint generated always as identity primary key,
       held_on date not null,
       body text not null check (length(body) between 1 and 200),
       recorded_by text not null,
       recorded_at timestamptz not null default now()
     )`,
    `create table roadmap_review_entry (
       id bigint generated always as identity primary key,
       review_id bigint not null references roadmap_review (id),
       segment_key text not null references segment (key),
       health text not null check (health in ('on_track', 'at_risk', 'delayed')),
       health_reason text,
       decisions text not null default '',
       risks text not null default '',
       next_steps text not null default '',
       corrects_entry_id bigint references roadmap_review_entry (id),
       recorded_by text not null,
       recorded_at timestamptz not null default now(),
       check (health = 'on_track' or length(coalesce(health_reason, '')) > 0)
     )`,
    `create table roadmap_target (
       segment_key text not null references segment (key),
       metric text not null check (metric in ('providers_80', 'spending', 'spending_share', 'clients', 'avg_per_client')),
       year integer not null check (year between 2000 and 2100),
       comparison text not null check (comparison in ('at_most', 'at_least')),
       value numeric(18, 4) not null,
       set_by text not null,
       set_at timestamptz not null default now(),
       primary key (segment_key, metric, year)
     )`,

    // Tracks: everyone reads; a municipality's basishulp track only in its write scope.
    `alter table roadmap_track enable row level security`,
    `alter table roadmap_track force row level security`,
    `create policy roadmap_track_read on roadmap_track for select using (true)`,
    `create policy roadmap_track_insert on roadmap_track for insert with check (${writable("municipality_code")})`,
    `create policy roadmap_track_update on roadmap_track for update using (${writable("municipality_code")}) with check (${writable("municipality_code")})`,
    ...["roadmap_step", "roadmap_decision", "roadmap_milestone"].flatMap((table) => [
      `alter table ${table} enable row level security`,
      `alter table ${table} force row level security`,
      `create policy ${table}_read on ${table} for select using (true)`,
      `create policy ${table}_insert on ${table} for insert with check (${trackWritable})`,
      `create policy ${table}_update on ${table} for update using (${trackWritable}) with check (${trackWritable})`,
      `create policy ${table}_delete on ${table} for delete using (${trackWritable})`,
    ]),
    `grant select, insert, update on roadmap_track to ${APP_ROLE}`,
    `grant select, insert, update, delete on roadmap_step, roadmap_decision, roadmap_milestone to ${APP_ROLE}`,
    // Append-only: no update or delete for the application, ever.
    `grant select, insert on roadmap_review, roadmap_review_entry to ${APP_ROLE}`,
    `grant select, insert, update, delete on roadmap_target to ${APP_ROLE}`,
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [
    `drop table roadmap_target`,
    `drop table roadmap_review_entry`,
    `drop table roadmap_review`,
    `drop table roadmap_milestone`,
    `drop table roadmap_decision`,
    `drop table roadmap_step`,
    `drop table roadmap_track`,
  ]);
}

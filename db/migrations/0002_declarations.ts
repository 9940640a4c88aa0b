import { sql, type Kysely } from "kysely";
import { APP_ROLE, READ_SCOPE_SETTING, WRITE_SCOPE_SETTING } from "../tenancy";

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/** Row-level security for a tenant-owned table, keyed on municipality_code. */
function tenantPolicies(table: string): string[] {
  return [
    `alter table ${table} enable row level security`,
    `alter table ${table} force row level security`,
    `create policy ${table}_read on ${table} for select
       using (jeugdregio_in_scope('${READ_SCOPE_SETTING}', municipality_code))`,
    `create policy ${table}_insert on ${table} for insert
       with check (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))`,
    `create policy ${table}_update on ${table} for update
       using (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))
       with check (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))`,
    `create policy ${table}_delete on ${table} for delete
       using (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))`,
  ];
}

export async function up(db: Kysely<unknown>) {
  await run(db, [
    // Catalogue: reference data, the same for every municipality.
    `create table product (
       code text primary key check (code ~ '^[0-9]{2}[A-Z0-9]{3}$'),
       name_nl text not null,
       name_en text not null,
       category_code text not null references product_category (code),
       check (category_code = substr(code, 1, 2))
     )`,
    // Which segment a product belongs to, when, and for whom (empty = regional default).
    `create table product_mapping (
       id bigint generated always as identity primary key,
       product_code text not null references product (code) on delete cascade,
       segment_key text references segment (key),
       municipality_code text references municipality (code),
       valid_from date not null,
       valid_to date,
       check (valid_to is null or valid_to >= valid_from)
     )`,
    `create index product_mapping_lookup on product_mapping (product_code, municipality_code, valid_from)`,

    `create table provider (
       code text primary key check (code ~ '^[0-9]{8}$'),
       name text not null,
       created_at timestamptz not null default now()
     )`,

    // One upload: who, when, what, and whether it still counts.
    `create table import_batch (
       id uuid primary key default gen_random_uuid(),
       kind text not null check (kind in ('declarations')),
       file_name text not null,
       file_hash text not null,
       mode text not null check (mode in ('append', 'replace')),
       status text not null check (status in ('committed', 'rolled_back')),
       line_count integer not null,
       total_amount numeric(16, 2) not null,
       imported_by uuid references app_user (id) on delete set null,
       imported_by_label text not null,
       imported_at timestamptz not null default now(),
       rolled_back_at timestamptz,
       rolled_back_by_label text
     )`,
    // The same file counts once: a second copy, even at the same moment, fails here.
    `create unique index import_batch_file_once on import_batch (kind, file_hash) where status = 'committed'`,

    // Tenant-owned: a batch's lines and totals per municipality.
    `create table import_batch_municipality (
       municipality_code text not null references municipality (code),
       batch_id uuid not null references import_batch (id) on delete cascade,
       line_count integer not null,
       total_amount numeric(16, 2) not null,
       months text[] not null,
       -- when the lines arrived, readable in the municipality's own scope
       imported_at timestamptz not null default now(),
       primary key (municipality_code, batch_id)
     )`,

    `create table declaration (
       municipality_code text not null,
       batch_id uuid not null,
       line_no integer not null,
       service_month date not null check (extract(day from service_month) = 1),
       provider_code text not null references provider (code),
       product_code text not null check (product_code ~ '^[0-9]{2}[A-Z0-9]{3}$'),
       client_key text not null check (length(client_key) between 1 and 64),
       amount numeric(14, 2) not null,
       units numeric(14, 2),
       referrer text check (referrer in ('local_team', 'gp', 'youth_doctor', 'medical_specialist', 'certified_institution', 'other')),
       -- set when a later batch replaced this line's (municipality, month); cleared if that batch is rolled back
       superseded_by uuid references import_batch (id),
       primary key (municipality_code, batch_id, line_no),
       -- checked at commit: the batch's per-municipality totals are written after its lines
       foreign key (municipality_code, batch_id) references import_batch_municipality (municipality_code, batch_id)
         on delete cascade deferrable initially deferred
     )`,
    `create index declaration_month on declaration (municipality_code, service_month) where superseded_by is null`,

    // The batch list spans municipalities: only regional scopes see or write it.
    `alter table import_batch enable row level security`,
    `alter table import_batch force row level security`,
    `create policy import_batch_read on import_batch for select
       using (nullif(current_setting('${READ_SCOPE_SETTING}', true), '') = 'all')`,
    `create policy import_batch_insert on import_batch for insert
       with check (nullif(current_setting('${WRITE_SCOPE_SETTING}', true), '') = 'all')`,
    `create policy import_batch_update on import_batch for update
       using (nullif(current_setting('${WRITE_SCOPE_SETTING}', true), '') = 'all')
       with check (nullif(current_setting('${WRITE_SCOPE_SETTING}', true), '') = 'all')`,

    ...tenantPolicies("import_batch_municipality"),
    ...tenantPolicies("declaration"),

    `grant select on product, product_mapping to ${APP_ROLE}`,
    `grant insert, update, delete on product, product_mapping to ${APP_ROLE}`,
    `grant select, insert, update on provider to ${APP_ROLE}`,
    `grant select, insert, update on import_batch to ${APP_ROLE}`,
    `grant select, insert, update, delete on import_batch_municipality, declaration to ${APP_ROLE}`,
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [
    `drop table declaration`,
    `drop table import_batch_municipality`,
    `drop table import_batch`,
    `drop table provider`,
    `drop table product_mapping`,
    `drop table product`,
  ]);
}

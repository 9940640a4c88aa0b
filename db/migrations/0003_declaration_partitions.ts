import { sql, type Kysely } from "kysely";
import { APP_ROLE, DECLARATION_LINES_SCHEMA, READ_SCOPE_SETTING, WRITE_SCOPE_SETTING } from "../tenancy";

async function run(db: Kysely<unknown>, statements: string[]) {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

const REGIONAL_WRITE_ONLY = `
  if nullif(current_setting('${WRITE_SCOPE_SETTING}', true), '') is distinct from 'all' then
    raise exception 'storing declaration lines needs the regional write scope' using errcode = '42501';
  end if;`;

/**
 * Declaration lines become a table partitioned by batch: each import's lines live in their own
 * partition in schema `declaration_lines`. A bulk import loads and indexes its partition while
 * it is detached (COPY, then one sorted pass per index) and attaches it in the import's
 * transaction, so readers see all of a batch or none of it, and a rollback could drop it whole.
 * The application role cannot read the partitions directly (no privileges on them): it reads and
 * writes through `declaration`, where row-level security applies.
 */
export async function up(db: Kysely<unknown>) {
  await run(db, [
    `alter table declaration rename to declaration_unpartitioned`,
    `alter table declaration_unpartitioned rename constraint declaration_pkey to declaration_unpartitioned_pkey`,
    `alter index declaration_month rename to declaration_unpartitioned_month`,
    `create schema ${DECLARATION_LINES_SCHEMA}`,

    `create table declaration (
       municipality_code text not null,
       batch_id uuid not null,
       line_no integer not null,
       service_month date not null check (extract(day from service_month) = 1),
       provider_code text not null references provider (code),
       -- the exact format (^[0-9]{2}[A-Z0-9]{3}$) is checked on import; a regular expression per
       -- row here would cost a fifth of the bulk load
       product_code text not null check (char_length(product_code) = 5),
       client_key text not null check (length(client_key) between 1 and 64),
       amount numeric(14, 2) not null,
       units numeric(14, 2),
       referrer text check (referrer in ('local_team', 'gp', 'youth_doctor', 'medical_specialist', 'certified_institution', 'other')),
       superseded_by uuid references import_batch (id),
       primary key (municipality_code, batch_id, line_no),
       foreign key (municipality_code, batch_id) references import_batch_municipality (municipality_code, batch_id)
         on delete cascade deferrable initially deferred
     ) partition by list (batch_id)`,
    // No index on (municipality, month) any more: each batch's partition is read whole, the primary
    // key narrows to a municipality, and an index per partition would cost a third of the bulk load.

    `alter table declaration enable row level security`,
    `alter table declaration force row level security`,
    `create policy declaration_read on declaration for select
       using (jeugdregio_in_scope('${READ_SCOPE_SETTING}', municipality_code))`,
    `create policy declaration_insert on declaration for insert
       with check (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))`,
    `create policy declaration_update on declaration for update
       using (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))
       with check (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))`,
    `create policy declaration_delete on declaration for delete
       using (jeugdregio_in_scope('${WRITE_SCOPE_SETTING}', municipality_code))`,
    `grant select, insert, update, delete on declaration to ${APP_ROLE}`,

    // The table a row-by-row import inserts into (CREATE TABLE … PARTITION OF would lock every
    // reader of declaration out until the import commits; attaching only blocks other writers).
    `create function jeugdregio_open_declaration_lines(batch uuid) returns text
       language plpgsql security definer set search_path = public, pg_temp as $$
       declare
         part text := 'b_' || replace(batch::text, '-', '') || '_load';
       begin
         ${REGIONAL_WRITE_ONLY}
         execute format('create table ${DECLARATION_LINES_SCHEMA}.%I (like declaration including defaults including constraints)', part);
         execute format('alter table ${DECLARATION_LINES_SCHEMA}.%I alter column batch_id set default %L, add check (batch_id = %L),
                           add primary key (municipality_code, batch_id, line_no)', part, batch, batch);
         execute format('grant insert on ${DECLARATION_LINES_SCHEMA}.%I to ${APP_ROLE}', part);
         return part;
       end $$`,
    // Attaches a batch's loaded table as its partition: all of the batch becomes visible at once.
    `create function jeugdregio_attach_declaration_lines(part text, batch uuid) returns void
       language plpgsql security definer set search_path = public, pg_temp as $$
       declare
         partition text := 'b_' || replace(batch::text, '-', '');
       begin
         ${REGIONAL_WRITE_ONLY}
         if part <> partition || '_load' then
           raise exception 'not the loading table of batch %', batch using errcode = '22023';
         end if;
         execute format('revoke all on ${DECLARATION_LINES_SCHEMA}.%I from ${APP_ROLE}', part);
         execute format('alter table ${DECLARATION_LINES_SCHEMA}.%I rename to %I', part, partition);
         execute format('alter table declaration attach partition ${DECLARATION_LINES_SCHEMA}.%I for values in (%L)', partition, batch);
       end $$`,
    // Usage only, for inserting into a loading table it was granted; partitions stay unreadable.
    `grant usage on schema ${DECLARATION_LINES_SCHEMA} to ${APP_ROLE}`,
    `revoke all on function jeugdregio_open_declaration_lines(uuid) from public`,
    `revoke all on function jeugdregio_attach_declaration_lines(text, uuid) from public`,
    `grant execute on function jeugdregio_open_declaration_lines(uuid) to ${APP_ROLE}`,
    `grant execute on function jeugdregio_attach_declaration_lines(text, uuid) to ${APP_ROLE}`,

    // Lines already stored move into one partition per batch.
    `do $$
       declare b uuid;
       begin
         for b in select distinct batch_id from declaration_unpartitioned loop
           execute format('create table ${DECLARATION_LINES_SCHEMA}.%I partition of declaration for values in (%L)',
                          'b_' || replace(b::text, '-', ''), b);
         end loop;
       end $$`,
    `insert into declaration select * from declaration_unpartitioned`,
    `drop table declaration_unpartitioned`,
  ]);
}

export async function down(db: Kysely<unknown>) {
  await run(db, [
    `drop function jeugdregio_attach_declaration_lines(text, uuid)`,
    `drop function jeugdregio_open_declaration_lines(uuid)`,
    `alter table declaration rename to declaration_partitioned`,
    `create table declaration (like declaration_partitioned including all)`,
    `insert into declaration select * from declaration_partitioned`,
    `drop table declaration_partitioned`,
    `drop schema ${DECLARATION_LINES_SCHEMA} cascade`,
  ]);
}

import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/**
 * Typed view of the database. Conventions: `numeric` columns are strings (exact
 * decimals, fed to decimal.js), `int8`/`count(*)` are normalised to numbers in
 * `connect.ts`, `date` columns are ISO strings `YYYY-MM-DD`.
 */

export type Role =
  | "municipal_viewer"
  | "municipal_editor"
  | "rigg_analyst"
  | "steering_member"
  | "admin";

export type Language = "nl" | "en";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface MunicipalityTable {
  code: string;
  name: string;
}

/** Inhabitants aged 0–17 on 1 January of `year`. Tenant-owned. */
export interface PopulationTable {
  municipality_code: string;
  year: number;
  inhabitants_0_17: number;
  source: string;
  updated_at: Timestamp;
}

export interface SegmentTable {
  key: string;
  name_nl: string;
  name_en: string;
  sort_order: number;
}

export interface ProductCategoryTable {
  code: string;
  name_nl: string;
  name_en: string;
}

export interface ProcessStepTable {
  number: number;
  key: string;
  name_nl: string;
  name_en: string;
}

export interface AppUserTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  role: Role;
  municipality_code: string | null;
  password_hash: string;
  language: Language | null;
  disabled_at: Timestamp | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SessionTable {
  /** sha-256 of the cookie's token: a database leak does not hand out sessions. */
  token_hash: string;
  user_id: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  last_seen_at: Generated<Date>;
}

export interface AuditEventTable {
  id: Generated<number>;
  occurred_at: Generated<Date>;
  actor_user_id: string | null;
  actor_label: string;
  action: string;
  outcome: "success" | "failure";
  municipality_code: string | null;
  subject: string | null;
  ip: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export interface Database {
  municipality: MunicipalityTable;
  population: PopulationTable;
  segment: SegmentTable;
  product_category: ProductCategoryTable;
  process_step: ProcessStepTable;
  app_user: AppUserTable;
  session: SessionTable;
  audit_event: AuditEventTable;
}

export type AppUser = Selectable<AppUserTable>;
export type NewAppUser = Insertable<AppUserTable>;
export type AppUserUpdate = Updateable<AppUserTable>;
export type Municipality = Selectable<MunicipalityTable>;
export type Population = Selectable<PopulationTable>;

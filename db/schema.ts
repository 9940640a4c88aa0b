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

export interface ProductTable {
  code: string;
  name_nl: string;
  name_en: string;
  category_code: string;
}

export interface ProductMappingTable {
  id: Generated<number>;
  product_code: string;
  /** null: a known product that belongs to no segment. */
  segment_key: string | null;
  /** null: the regional default; set: that municipality's override. */
  municipality_code: string | null;
  valid_from: string;
  /** Inclusive; null is open-ended. */
  valid_to: string | null;
}

export interface ProviderTable {
  code: string;
  name: string;
  /** Who named it: the declarations (the latest committed batch naming it), or a register, which outranks them. */
  name_source: Generated<"declarations" | "register">;
  created_at: Generated<Date>;
}

/** The name each batch gave a provider (batch null: the name before migration 0015); `id` follows commit order. */
export interface ProviderNameSeenTable {
  id: Generated<string>;
  provider_code: string;
  batch_id: string | null;
  name: string;
}

export interface ImportBatchTable {
  id: Generated<string>;
  kind: "declarations";
  file_name: string;
  file_hash: string;
  mode: "append" | "replace";
  status: "committed" | "rolled_back";
  line_count: number;
  total_amount: string;
  imported_by: string | null;
  imported_by_label: string;
  imported_at: Generated<Date>;
  /** The delivery's date (`YYYY-MM-DD`): a replace counts from it. */
  delivered_on: Generated<string>;
  rolled_back_at: Date | null;
  rolled_back_by_label: string | null;
}

export interface ImportBatchMunicipalityTable {
  municipality_code: string;
  batch_id: string;
  line_count: number;
  total_amount: string;
  months: string[];
  imported_at: Generated<Date>;
}

export interface DeclarationTable {
  municipality_code: string;
  batch_id: string;
  line_no: number;
  /** First day of the service month. */
  service_month: string;
  provider_code: string;
  product_code: string;
  client_key: string;
  amount: string;
  units: string | null;
  referrer: string | null;
  superseded_by: string | null;
  /** When the line was declared (`YYYY-MM-DD`); counts as of that date. */
  declared_on: Generated<string>;
  /** The replacing delivery's date, set with superseded_by: counts until the day before. */
  superseded_on: string | null;
}

export interface Database {
  product: ProductTable;
  product_mapping: ProductMappingTable;
  provider: ProviderTable;
  provider_name_seen: ProviderNameSeenTable;
  import_batch: ImportBatchTable;
  import_batch_municipality: ImportBatchMunicipalityTable;
  declaration: DeclarationTable;
  municipality: MunicipalityTable;
  population: PopulationTable;
  segment: SegmentTable;
  product_category: ProductCategoryTable;
  process_step: ProcessStepTable;
  app_user: AppUserTable;
  session: SessionTable;
  audit_event: AuditEventTable;
  local_budget: LocalBudgetTable;
  local_budget_product: LocalBudgetProductTable;
  local_budget_year: LocalBudgetYearTable;
  index_figure: IndexFigureTable;
  local_budget_tranche: LocalBudgetTrancheTable;
  other_youth_spending: OtherYouthSpendingTable;
  finance_change: FinanceChangeTable;
  roadmap_track: RoadmapTrackTable;
  roadmap_step: RoadmapStepTable;
  roadmap_decision: RoadmapDecisionTable;
  roadmap_milestone: RoadmapMilestoneTable;
  roadmap_review: RoadmapReviewTable;
  roadmap_review_entry: RoadmapReviewEntryTable;
  roadmap_target: RoadmapTargetTable;
  summary_provider: SummaryProviderTable;
  summary_client: SummaryClientTable;
  summary_detail: SummaryDetailTable;
  summary_region_provider: SummaryRegionProviderTable;
  summary_lag: SummaryLagTable;
  summary_region_lag: SummaryRegionLagTable;
  report_stamp: { id: number; version: number };
  report_cache: ReportCacheTable;
  import_job: ImportJobTable;
  db_presence: DbPresenceTable;
}

/** An import job (0014): its progress and result, written by the process that runs it. */
export interface ImportJobTable {
  id: string;
  kind: Generated<"declarations">;
  owner_id: string | null;
  owner_label: string;
  file_name: string;
  mode: "append" | "replace";
  upload_path: string | null;
  runner_id: string;
  status: "running" | "done" | "failed" | "interrupted";
  progress: unknown;
  result: unknown;
  started_at: Generated<Date>;
  updated_at: Generated<Date>;
  finished_at: Date | null;
}

/** Which advisory-lock key each live process holds (0014, owner only). */
export interface DbPresenceTable {
  lock_key: number;
  instance_id: string;
  pid: number;
  host: string;
  since: Generated<Date>;
}

/** A computed report for a scope (`region` or a municipality code), valid while `version` is current. */
export interface ReportCacheTable {
  scope: string;
  kind: "segment_table" | "spending_series" | `forecast:${string}`;
  year: number;
  version: number;
  body: unknown;
}

/** Net spending per municipality, year, segment column and provider (current lines only). */
export interface SummaryProviderTable {
  municipality_code: string;
  year: number;
  col: string;
  provider_code: string;
  net: string;
  lines: number;
}

/** Net per municipality, year, segment column and client: for exact distinct client counts. */
export interface SummaryClientTable {
  municipality_code: string;
  year: number;
  col: string;
  client_key: string;
  net: string;
  lines: number;
}

/** Per year, municipality, column, product, provider, client and referrer (0021): the detail summary. */
export interface SummaryDetailTable {
  year: number;
  municipality_code: string;
  col: string;
  product_code: string;
  provider_code: string;
  client_key: string;
  /** '' for lines without a referrer. */
  referrer: string;
  net: string;
  lines: number;
}

/**
 * Per municipality, segment column, service month and day (0017): net of the lines declared that day
 * minus the lines superseded that day; lines declared and lines superseded that day.
 */
export interface SummaryLagTable {
  municipality_code: string;
  col: string;
  service_month: string;
  declared_on: string;
  net: string;
  lines: number;
  superseded: number;
}

/** summary_lag over the municipalities (0018): the region's per column, service month and day. */
export type SummaryRegionLagTable = Omit<SummaryLagTable, "municipality_code">;

/** The region's net per year, segment column and provider (summary_provider over the municipalities). */
export interface SummaryRegionProviderTable {
  year: number;
  col: string;
  provider_code: string;
  net: string;
  lines: number;
}

/** A roadmap track: a segment's, or a municipality's basishulp track. Months are `YYYY-MM`. */
export interface RoadmapTrackTable {
  id: string;
  segment_key: string;
  municipality_code: string | null;
  /** Null until someone records a health (0022): a track nobody assessed is not on track. */
  health: ColumnType<"on_track" | "at_risk" | "delayed" | null, "on_track" | "at_risk" | "delayed" | null | undefined, "on_track" | "at_risk" | "delayed" | null>;
  health_reason: string | null;
  end_state: ColumnType<string, string | undefined, string>;
  updated_by: string | null;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** One of the seven process steps of a track: the baseline plan, the actuals and the state. */
export interface RoadmapStepTable {
  track_id: string;
  step_key: string;
  planned_start: string;
  planned_end: string;
  actual_start: string | null;
  actual_end: string | null;
  state: ColumnType<"not_started" | "in_progress" | "done", "not_started" | "in_progress" | "done" | undefined, "not_started" | "in_progress" | "done">;
}

export interface RoadmapDecisionTable {
  id: Generated<number>;
  track_id: string;
  month: string;
  description: string;
  recorded_by: string;
  recorded_at: Generated<Date>;
}

export interface RoadmapMilestoneTable {
  id: Generated<number>;
  track_id: string;
  month: string;
  kind: "contract_start" | "end_state" | "other";
  label: string | null;
}

/** A meeting of the steering body; with its entries, append-only. */
export interface RoadmapReviewTable {
  id: Generated<number>;
  held_on: string;
  body: string;
  recorded_by: string;
  recorded_at: Generated<Date>;
}

export interface RoadmapReviewEntryTable {
  id: Generated<number>;
  review_id: number;
  segment_key: string;
  health: "on_track" | "at_risk" | "delayed";
  health_reason: string | null;
  decisions: ColumnType<string, string | undefined, string>;
  risks: ColumnType<string, string | undefined, string>;
  next_steps: ColumnType<string, string | undefined, string>;
  corrects_entry_id: number | null;
  recorded_by: string;
  recorded_at: Generated<Date>;
}

export interface RoadmapTargetTable {
  segment_key: string;
  metric: "providers_80" | "spending" | "spending_share" | "clients" | "avg_per_client";
  year: number;
  comparison: "at_most" | "at_least";
  value: string;
  set_by: string;
  set_at: Generated<Date>;
}

/** Non-contracted care and personal budgets (PGB) of a municipality in a year, typed in by finance staff. Tenant-owned. */
export interface OtherYouthSpendingTable {
  municipality_code: string;
  year: number;
  non_contracted: string | null;
  pgb: string | null;
}

/** One typed field's change: who, when, the previous and the new value. Tenant-owned. */
export interface FinanceChangeTable {
  municipality_code: string;
  id: Generated<number>;
  /** What was changed: `budget:samen`, `other_spending`. */
  subject: string;
  year: number | null;
  field: string;
  previous_value: string | null;
  new_value: string | null;
  changed_by_user_id: string | null;
  changed_by: string;
  changed_at: Generated<Date>;
}

/** A tranche of incidental money (pre-investment or transition costs), with its decision. Tenant-owned. */
export interface LocalBudgetTrancheTable {
  municipality_code: string;
  budget_key: string;
  kind: "pre_investment" | "transition";
  year: number;
  amount: string;
  decided_on: string;
  decided_by: string;
  spent: ColumnType<string, string | undefined, string>;
}

/** A municipality's local budget (e.g. Groningen's SAMEN.). Tenant-owned. */
export interface LocalBudgetTable {
  municipality_code: string;
  key: string;
  name: string;
  executor: string;
  funding_form: "task_based" | "lump_sum";
  ict_share: string;
  housing_share: string;
  open_house_closes_on: string | null;
}

/** A product whose Open House spending the budget replaces, from `transferred_on`. Tenant-owned. */
export interface LocalBudgetProductTable {
  municipality_code: string;
  budget_key: string;
  product_code: string;
  transferred_on: string;
}

/** Yearly parameters entered by finance staff, and realised execution costs per quarter. Tenant-owned. */
export interface LocalBudgetYearTable {
  municipality_code: string;
  budget_key: string;
  year: number;
  scope_share: ColumnType<string, string | undefined, string>;
  expected_development: string | null;
  manual_base: string | null;
  manual_base_reason: string | null;
  structural_adjustment: ColumnType<string, string | undefined, string>;
  realised_q1: string | null;
  realised_q2: string | null;
  realised_q3: string | null;
  realised_q4: string | null;
}

/** An index series figure in percent (the OVA), provisional and, later, definitive. Reference data. */
export interface IndexFigureTable {
  index_name: string;
  year: number;
  provisional_pct: string;
  definitive_pct: string | null;
}

export type AppUser = Selectable<AppUserTable>;
export type NewAppUser = Insertable<AppUserTable>;
export type AppUserUpdate = Updateable<AppUserTable>;
export type Municipality = Selectable<MunicipalityTable>;
export type Population = Selectable<PopulationTable>;

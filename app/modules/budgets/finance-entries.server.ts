import { refusalCollector } from "~/modules/http.server";
import { parseDecimal, readTable, TableError, type CellValue, type DecimalSeparator } from "@jeugdregio/tabular";
import Decimal from "decimal.js";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/access/actor";
import type { ScopedTransaction } from "~db/tenant-scope";
import { BudgetInputError } from "./budgets.server";

/**
 * What finance staff type in by hand on the budget pages: a budget's yearly parameters and
 * realised execution costs, the spending on its tranches, and the non-contracted care and
 * PGB of the closed square. Every changed field leaves a row in `finance_change` (who, when,
 * the previous value) and the whole change an audit event.
 */

export const PARAMETER_FIELDS = ["scope_share", "expected_development", "manual_base", "manual_base_reason", "structural_adjustment"] as const;
export const REALISATION_FIELDS = ["realised_q1", "realised_q2", "realised_q3", "realised_q4"] as const;
export const OTHER_SPENDING_FIELDS = ["non_contracted", "pgb"] as const;
export type ParameterField = (typeof PARAMETER_FIELDS)[number];
export type RealisationField = (typeof REALISATION_FIELDS)[number];
export type OtherSpendingField = (typeof OTHER_SPENDING_FIELDS)[number];

/** Typed text from a form: empty is "not entered". */
type Typed = string | null | undefined;

const MONEY_PATTERN = /^-?\d{1,14}(\.\d{1,2})?$/;

function typedDecimal(field: string, text: Typed, separator: DecimalSeparator): Decimal | null {
  const trimmed = (text ?? "").trim();
  if (trimmed === "") return null;
  const parsed = parseDecimal(trimmed, separator);
  if (parsed === null) throw new BudgetInputError(field, `"${trimmed}" is not a number (decimal ${separator === "comma" ? "comma" : "point"})`, "notNumber", { value: trimmed });
  return new Decimal(parsed);
}

/** Euros with at most 2 decimals, as the canonical string, or null when left empty. */
export function typedMoney(field: string, text: Typed, separator: DecimalSeparator): string | null {
  const value = typedDecimal(field, text, separator);
  if (value === null) return null;
  const canonical = value.toFixed();
  if (!MONEY_PATTERN.test(canonical)) throw new BudgetInputError(field, `"${(text ?? "").trim()}" is not an amount in euros with at most 2 decimals`, "notMoney", { value: (text ?? "").trim() });
  return value.toFixed(2);
}

/** A percentage typed as percent (`4,9` → 0.049), checked against a range of fractions. */
export function typedPercent(field: string, text: Typed, separator: DecimalSeparator, range: { min: number; max: number }): string | null {
  const value = typedDecimal(field, text, separator);
  if (value === null) return null;
  const fraction = value.dividedBy(100);
  if (fraction.lt(range.min) || fraction.gt(range.max)) {
    throw new BudgetInputError(field, `${value.toString()}% is outside ${range.min * 100}–${range.max * 100}%`, "outOfRange", { min: range.min * 100, max: range.max * 100 });
  }
  return fraction.toString();
}

async function recordChanges(
  trx: ScopedTransaction,
  actor: Actor,
  municipalityCode: string,
  subject: string,
  year: number | null,
  before: Record<string, string | null>,
  after: Record<string, string | null>,
): Promise<number> {
  // Numbers compare by value: 0.0300 and 0.03 are the same entry.
  const same = (a: string | null, b: string | null) => {
    if (a === null || b === null) return a === b;
    try {
      return new Decimal(a).eq(b);
    } catch {
      return a === b;
    }
  };
  const changed = Object.keys(after).filter((field) => !same(before[field] ?? null, after[field] ?? null));
  if (!changed.length) return 0;
  await trx
    .insertInto("finance_change")
    .values(
      changed.map((field) => ({
        municipality_code: municipalityCode,
        subject,
        year,
        field,
        previous_value: before[field] ?? null,
        new_value: after[field] ?? null,
        changed_by_user_id: actor.userId,
        changed_by: actor.label,
      })),
    )
    .execute();
  await recordAudit(trx, {
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action: `${subject.split(":")[0]}.change`,
    municipalityCode,
    subject,
    ip: actor.ip,
    details: { year, changes: changed.map((field) => ({ field, previous: before[field] ?? null, value: after[field] ?? null })) },
  });
  return changed.length;
}

async function requireBudget(trx: ScopedTransaction, municipalityCode: string, key: string) {
  const budget = await trx.selectFrom("local_budget").select("key").where("municipality_code", "=", municipalityCode).where("key", "=", key).executeTakeFirst();
  if (!budget) throw new BudgetInputError("budget", `${municipalityCode} has no budget ${key}`, "noBudget");
}

function requireYear(field: string, text: Typed): number {
  const year = Number((text ?? "").trim());
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new BudgetInputError(field, `"${text ?? ""}" is not a year`, "notYear", { value: text ?? "" });
  return year;
}

/**
 * Sets a budget's yearly parameters for a year (creating the year if it is new, as the budget
 * file does). Percentages are typed as percent; a manual base needs a reason. Returns the
 * number of changed fields.
 */
export async function saveBudgetParameters(
  trx: ScopedTransaction,
  actor: Actor,
  target: { municipalityCode: string; key: string },
  typed: Partial<Record<ParameterField | "year", string>>,
  separator: DecimalSeparator,
): Promise<number> {
  const year = requireYear("year", typed.year);
  // Every refused field at once, so one bad value does not hide the next.
  const check = refusalCollector();
  const manualBase = check.take(() => typedMoney("manual_base", typed.manual_base, separator));
  const after = {
    scope_share: check.take(() => typedPercent("scope_share", typed.scope_share, separator, { min: 0, max: 1 })) ?? "1",
    expected_development: check.take(() => typedPercent("expected_development", typed.expected_development, separator, { min: -1, max: 1 })) ?? null,
    manual_base: manualBase ?? null,
    manual_base_reason: (typed.manual_base_reason ?? "").trim() || null,
    structural_adjustment: check.take(() => typedMoney("structural_adjustment", typed.structural_adjustment, separator)) ?? "0.00",
  };
  if (after.manual_base !== null && !after.manual_base_reason) check.refuse(new BudgetInputError("manual_base_reason", "a manual base needs a written reason", "reasonRequired"));
  if (after.manual_base !== null && new Decimal(after.manual_base).isNegative()) check.refuse(new BudgetInputError("manual_base", "a base cannot be negative", "negative"));
  if ((after.manual_base_reason ?? "").length > 1000) check.refuse(new BudgetInputError("manual_base_reason", "at most 1,000 characters", "tooLong", { max: 1000 }));
  check.done();
  if (after.manual_base === null) after.manual_base_reason = null;
  await requireBudget(trx, target.municipalityCode, target.key);

  const previous = await trx
    .selectFrom("local_budget_year")
    .select(PARAMETER_FIELDS)
    .where("municipality_code", "=", target.municipalityCode)
    .where("budget_key", "=", target.key)
    .where("year", "=", year)
    .executeTakeFirst();
  if (previous) {
    await trx.updateTable("local_budget_year").set(after).where("municipality_code", "=", target.municipalityCode).where("budget_key", "=", target.key).where("year", "=", year).execute();
  } else {
    await trx.insertInto("local_budget_year").values({ municipality_code: target.municipalityCode, budget_key: target.key, year, ...after }).execute();
  }
  const before: Record<string, string | null> = previous ?? Object.fromEntries(PARAMETER_FIELDS.map((f) => [f, null]));
  return recordChanges(trx, actor, target.municipalityCode, `budget:${target.key}`, year, before, after);
}

/** Adds a year to a budget with the default parameters (scope 100%, nothing else entered); an existing year is refused. */
export async function addBudgetYear(trx: ScopedTransaction, actor: Actor, target: { municipalityCode: string; key: string }, typed: { year?: string }): Promise<number> {
  const year = requireYear("year", typed.year);
  await requireBudget(trx, target.municipalityCode, target.key);
  const existing = await trx
    .selectFrom("local_budget_year")
    .select("year")
    .where("municipality_code", "=", target.municipalityCode)
    .where("budget_key", "=", target.key)
    .where("year", "=", year)
    .executeTakeFirst();
  if (existing) throw new BudgetInputError("year", `${year} is already a year of this budget`, "yearExists", { year });
  await trx.insertInto("local_budget_year").values({ municipality_code: target.municipalityCode, budget_key: target.key, year }).execute();
  return recordChanges(trx, actor, target.municipalityCode, `budget:${target.key}`, year, { scope_share: null, structural_adjustment: null }, { scope_share: "1", structural_adjustment: "0.00" });
}

/** Sets realised execution costs per quarter for a year the budget already has. */
export async function saveRealisation(
  trx: ScopedTransaction,
  actor: Actor,
  target: { municipalityCode: string; key: string },
  typed: Partial<Record<RealisationField | "year", string>>,
  separator: DecimalSeparator,
): Promise<number> {
  const year = requireYear("year", typed.year);
  const after = Object.fromEntries(REALISATION_FIELDS.map((field) => [field, typedMoney(field, typed[field], separator)])) as Record<RealisationField, string | null>;
  await requireBudget(trx, target.municipalityCode, target.key);
  const previous = await trx
    .selectFrom("local_budget_year")
    .select(REALISATION_FIELDS)
    .where("municipality_code", "=", target.municipalityCode)
    .where("budget_key", "=", target.key)
    .where("year", "=", year)
    .executeTakeFirst();
  if (!previous) throw new BudgetInputError("year", `${year} is not a year of this budget: enter its parameters first`, "noSuchYear", { year });
  await trx.updateTable("local_budget_year").set(after).where("municipality_code", "=", target.municipalityCode).where("budget_key", "=", target.key).where("year", "=", year).execute();
  return recordChanges(trx, actor, target.municipalityCode, `budget:${target.key}`, year, previous, after);
}

/** Sets what was spent of one tranche. */
export async function saveTrancheSpending(
  trx: ScopedTransaction,
  actor: Actor,
  target: { municipalityCode: string; key: string },
  typed: { kind?: string; year?: string; spent?: string },
  separator: DecimalSeparator,
): Promise<number> {
  const year = requireYear("year", typed.year);
  const spent = typedMoney("spent", typed.spent, separator);
  if (spent === null) throw new BudgetInputError("spent", "enter the amount spent (0 when nothing was spent)", "required");
  if (new Decimal(spent).isNegative()) throw new BudgetInputError("spent", "cannot be negative", "negative");
  if (typed.kind !== "pre_investment" && typed.kind !== "transition") throw new BudgetInputError("kind", `"${typed.kind ?? ""}" is not a kind of incidental money`, "invalid");
  await requireBudget(trx, target.municipalityCode, target.key);
  const previous = await trx
    .selectFrom("local_budget_tranche")
    .select("spent")
    .where("municipality_code", "=", target.municipalityCode)
    .where("budget_key", "=", target.key)
    .where("kind", "=", typed.kind)
    .where("year", "=", year)
    .executeTakeFirst();
  if (!previous) throw new BudgetInputError("year", `there is no ${typed.kind} tranche for ${year}`, "noSuchTranche", { year });
  await trx
    .updateTable("local_budget_tranche")
    .set({ spent })
    .where("municipality_code", "=", target.municipalityCode)
    .where("budget_key", "=", target.key)
    .where("kind", "=", typed.kind)
    .where("year", "=", year)
    .execute();
  return recordChanges(trx, actor, target.municipalityCode, `budget:${target.key}`, year, { [`${typed.kind}_spent`]: previous.spent }, { [`${typed.kind}_spent`]: spent });
}

/** Sets a municipality's non-contracted care and PGB for a year (the closed square). */
export async function saveOtherSpending(
  trx: ScopedTransaction,
  actor: Actor,
  municipalityCode: string,
  typed: Partial<Record<OtherSpendingField | "year", string>>,
  separator: DecimalSeparator,
): Promise<number> {
  const year = requireYear("year", typed.year);
  const after = Object.fromEntries(OTHER_SPENDING_FIELDS.map((field) => [field, typedMoney(field, typed[field], separator)])) as Record<OtherSpendingField, string | null>;
  return writeOtherSpending(trx, actor, municipalityCode, year, after);
}

async function writeOtherSpending(trx: ScopedTransaction, actor: Actor, municipalityCode: string, year: number, after: Record<OtherSpendingField, string | null>) {
  const previous = await trx
    .selectFrom("other_youth_spending")
    .select(OTHER_SPENDING_FIELDS)
    .where("municipality_code", "=", municipalityCode)
    .where("year", "=", year)
    .executeTakeFirst();
  await trx
    .insertInto("other_youth_spending")
    .values({ municipality_code: municipalityCode, year, ...after })
    .onConflict((oc) => oc.columns(["municipality_code", "year"]).doUpdateSet(after))
    .execute();
  return recordChanges(trx, actor, municipalityCode, "other_spending", year, previous ?? { non_contracted: null, pgb: null }, after);
}

function cellText(cell: CellValue | undefined): string {
  if (cell === null || cell === undefined) return "";
  return typeof cell === "number" ? new Decimal(cell).toString() : String(cell);
}

/**
 * Imports non-contracted care and PGB (`municipality_code, year, non_contracted, pgb`, CSV or
 * XLSX, amounts with a decimal comma or point), all or nothing; each changed figure is logged.
 */
export async function importOtherSpending(trx: ScopedTransaction, actor: Actor, file: { name: string; bytes: Uint8Array }): Promise<number> {
  let table;
  try {
    table = await readTable(file.bytes, { fileName: file.name });
  } catch (error) {
    if (error instanceof TableError) throw new BudgetInputError("file", error.message);
    throw error;
  }
  for (const column of ["municipality_code", "year", "non_contracted", "pgb"]) {
    if (!table.header.includes(column)) throw new BudgetInputError(column, "the column is missing from the header");
  }
  const known = new Set((await trx.selectFrom("municipality").select("code").execute()).map((m) => m.code));
  const rows = new Map<string, { code: string; year: number; figures: Record<OtherSpendingField, string | null> }>();
  for (const row of table.rows) {
    const code = cellText(row.cells.municipality_code).trim();
    if (!known.has(code)) throw new BudgetInputError(`line ${row.line}, municipality_code`, `"${code}" is not a known municipality`);
    const year = requireYear(`line ${row.line}, year`, cellText(row.cells.year));
    const figures = {} as Record<OtherSpendingField, string | null>;
    for (const field of OTHER_SPENDING_FIELDS) {
      const text = cellText(row.cells[field]).trim();
      figures[field] = typedMoney(`line ${row.line}, ${field}`, text, text.includes(",") && !/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text) ? "comma" : "point");
    }
    if (rows.has(`${code}|${year}`)) throw new BudgetInputError(`line ${row.line}, year`, `${code} ${year} is in the file twice`);
    rows.set(`${code}|${year}`, { code, year, figures });
  }
  if (!rows.size) throw new BudgetInputError("file", "no rows");
  for (const row of rows.values()) await writeOtherSpending(trx, actor, row.code, row.year, row.figures);
  return rows.size;
}

export interface FinanceChange {
  year: number | null;
  field: string;
  previousValue: string | null;
  newValue: string | null;
  changedBy: string;
  changedAt: string;
}

/** The change history of a subject (`budget:samen`, `other_spending`), newest first; row-level security applies. */
export async function financeHistory(trx: ScopedTransaction, municipalityCode: string, subject: string, limit = 50): Promise<FinanceChange[]> {
  const rows = await trx
    .selectFrom("finance_change")
    .select(["year", "field", "previous_value", "new_value", "changed_by", "changed_at"])
    .where("municipality_code", "=", municipalityCode)
    .where("subject", "=", subject)
    .orderBy("changed_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    year: r.year,
    field: r.field,
    previousValue: r.previous_value,
    newValue: r.new_value,
    changedBy: r.changed_by,
    changedAt: new Date(r.changed_at).toISOString(),
  }));
}

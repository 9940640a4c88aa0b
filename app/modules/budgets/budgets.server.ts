import { computeBudget, type BudgetInputs, type BudgetOutcome, type BudgetVersion, type Sourced } from "@jeugdregio/budgets";
import { parseDecimal, readTable, TableError, type CellValue } from "@jeugdregio/tabular";
import { parseDate } from "@jeugdregio/catalog";
import Decimal from "decimal.js";
import { z } from "zod";
import { recordAudit } from "~/modules/audit/audit.server";
import { FieldRefusal } from "~/modules/http.server";
import { budgetProductSpending, transitionMonitorRows } from "~/modules/figures/budget-lines.server";
import type { Actor } from "~/modules/access/actor";
import type { ScopedTransaction } from "~db/tenant-scope";

/**
 * Local budgets as data (definition, product set, yearly parameters) and their computation
 * from the imported declarations, the population figures and the index series.
 */

export const OVA = "OVA";

/**
 * A problem with an input, naming the field (and line) so it can be fixed; the message is for
 * the CLI, `code` and `params` let a page say the same in the user's language.
 */
export class BudgetInputError extends FieldRefusal {
  constructor(field: string, message: string, code = "invalid", params: Record<string, string | number> = {}) {
    super(field, code, params, `${field}: ${message}`);
  }
}

const decimalText = (what: string, min?: number, max?: number) =>
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, `${what} must be a decimal number written with a point, as a string`)
    .refine((v) => (min === undefined || new Decimal(v).gte(min)) && (max === undefined || new Decimal(v).lte(max)), {
      message: `${what} must be between ${min} and ${max}`,
    });
const share = decimalText("a share", 0, 1);
const money = z.string().regex(/^-?\d+(\.\d{1,2})?$/, "an amount in euros with at most 2 decimals, as a string");
const isoDate = z.string().refine((text) => parseDate(text) !== null, "a date YYYY-MM-DD that exists");

export const budgetDefinitionSchema = z
  .object({
    municipality_code: z.string().regex(/^GM\d{4}$/, "GM followed by 4 digits"),
    key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "lower-case letters, digits and _"),
    name: z.string().min(1).max(200),
    executor: z.string().min(1).max(200),
    funding_form: z.enum(["task_based", "lump_sum"]),
    ict_share: share,
    housing_share: share,
    open_house_closes_on: isoDate.nullable().optional(),
    products: z
      .array(z.object({ product_code: z.string().regex(/^\d{2}[A-Z0-9]{3}$/, "2 digits and 3 capitals or digits"), transferred_on: isoDate }).strict())
      .min(1),
    years: z
      .array(
        z
          .object({
            year: z.number().int().min(2000).max(2100),
            scope_share: share.optional(),
            expected_development: decimalText("the expected development", -1, 1).nullable().optional(),
            manual_base: money.nullable().optional(),
            manual_base_reason: z.string().min(1).max(1000).nullable().optional(),
            structural_adjustment: money.optional(),
            realised_execution: z.object({ q1: money.optional(), q2: money.optional(), q3: money.optional(), q4: money.optional() }).strict().optional(),
          })
          .strict()
          .refine((y) => !y.manual_base || y.manual_base_reason, { message: "a manual base needs manual_base_reason", path: ["manual_base_reason"] }),
      )
      .default([]),
    tranches: z
      .array(
        z
          .object({
            kind: z.enum(["pre_investment", "transition"]),
            year: z.number().int().min(2000).max(2100),
            amount: money,
            decided_on: isoDate,
            decided_by: z.string().min(1).max(200),
            spent: money.optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type BudgetDefinition = z.infer<typeof budgetDefinitionSchema>;

/** Parses a budget JSON file; throws `BudgetInputError` naming the first wrong field. */
export function parseBudgetDefinition(text: string): BudgetDefinition {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new BudgetInputError("file", `not valid JSON (${(error as Error).message})`);
  }
  const parsed = budgetDefinitionSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BudgetInputError(issue.path.join(".") || "file", issue.message);
  }
  const seen = new Set<string>();
  for (const [i, p] of parsed.data.products.entries()) {
    if (seen.has(p.product_code)) throw new BudgetInputError(`products.${i}.product_code`, `${p.product_code} is listed twice`);
    seen.add(p.product_code);
  }
  const tranches = new Set<string>();
  for (const [i, tranche] of parsed.data.tranches.entries()) {
    if (tranches.has(`${tranche.kind}|${tranche.year}`)) throw new BudgetInputError(`tranches.${i}.year`, `${tranche.kind} ${tranche.year} is listed twice`);
    tranches.add(`${tranche.kind}|${tranche.year}`);
  }
  const years = new Set<number>();
  for (const [i, y] of parsed.data.years.entries()) {
    if (years.has(y.year)) throw new BudgetInputError(`years.${i}.year`, `${y.year} is listed twice`);
    years.add(y.year);
  }
  return parsed.data;
}

/** Creates or replaces a budget definition with its product set and yearly parameters, audited. */
export async function saveBudgetDefinition(trx: ScopedTransaction, actor: Actor, budget: BudgetDefinition): Promise<void> {
  const municipality = await trx.selectFrom("municipality").select("code").where("code", "=", budget.municipality_code).executeTakeFirst();
  if (!municipality) throw new BudgetInputError("municipality_code", `${budget.municipality_code} is not a known municipality`);
  const codes = budget.products.map((p) => p.product_code);
  const known = new Set((await trx.selectFrom("product").select("code").where("code", "in", codes).execute()).map((p) => p.code));
  const unknown = codes.find((code) => !known.has(code));
  if (unknown) throw new BudgetInputError(`products.${codes.indexOf(unknown)}.product_code`, `${unknown} is not in the product catalogue`);

  const previous = await trx
    .selectFrom("local_budget_year")
    .selectAll()
    .where("municipality_code", "=", budget.municipality_code)
    .where("budget_key", "=", budget.key)
    .execute();
  const definition = {
    name: budget.name,
    executor: budget.executor,
    funding_form: budget.funding_form,
    ict_share: budget.ict_share,
    housing_share: budget.housing_share,
    open_house_closes_on: budget.open_house_closes_on ?? null,
  };
  await trx
    .insertInto("local_budget")
    .values({ municipality_code: budget.municipality_code, key: budget.key, ...definition })
    .onConflict((oc) => oc.columns(["municipality_code", "key"]).doUpdateSet(definition))
    .execute();
  await trx.deleteFrom("local_budget_product").where("municipality_code", "=", budget.municipality_code).where("budget_key", "=", budget.key).execute();
  await trx
    .insertInto("local_budget_product")
    .values(budget.products.map((p) => ({ municipality_code: budget.municipality_code, budget_key: budget.key, ...p })))
    .execute();
  await trx.deleteFrom("local_budget_year").where("municipality_code", "=", budget.municipality_code).where("budget_key", "=", budget.key).execute();
  if (budget.years.length) {
    await trx
      .insertInto("local_budget_year")
      .values(
        budget.years.map((y) => ({
          municipality_code: budget.municipality_code,
          budget_key: budget.key,
          year: y.year,
          scope_share: y.scope_share ?? "1",
          expected_development: y.expected_development ?? null,
          manual_base: y.manual_base ?? null,
          manual_base_reason: y.manual_base_reason ?? null,
          structural_adjustment: y.structural_adjustment ?? "0",
          realised_q1: y.realised_execution?.q1 ?? null,
          realised_q2: y.realised_execution?.q2 ?? null,
          realised_q3: y.realised_execution?.q3 ?? null,
          realised_q4: y.realised_execution?.q4 ?? null,
        })),
      )
      .execute();
  }
  await trx.deleteFrom("local_budget_tranche").where("municipality_code", "=", budget.municipality_code).where("budget_key", "=", budget.key).execute();
  if (budget.tranches.length) {
    await trx
      .insertInto("local_budget_tranche")
      .values(budget.tranches.map((tranche) => ({ municipality_code: budget.municipality_code, budget_key: budget.key, ...tranche, spent: tranche.spent ?? "0" })))
      .execute();
  }
  await recordAudit(trx, {
    actorUserId: actor.userId,
    actorLabel: actor.label,
    action: "budget.save",
    municipalityCode: budget.municipality_code,
    subject: budget.key,
    ip: actor.ip,
    details: { definition, products: budget.products, years: budget.years, tranches: budget.tranches, previousYears: previous },
  });
}

/** A percentage cell: `4,94`, `4.94` or an XLSX number; anything else (e.g. `4,9,4`) is null. */
function percent(cell: CellValue): string | null {
  if (cell === null) return null;
  if (typeof cell === "number") return Number.isFinite(cell) ? new Decimal(cell).toString() : null;
  const text = cell.trim();
  return parseDecimal(text, text.includes(",") ? "comma" : "point");
}

/** Index percentages further from zero than this are refused. */
const INDEX_PCT_LIMIT = 50;

/** Imports index figures (`index_name, year, provisional_pct, definitive_pct`), all or nothing, audited. */
export async function importIndexFigures(trx: ScopedTransaction, actor: Actor, file: { name: string; bytes: Uint8Array }): Promise<number> {
  let table;
  try {
    table = await readTable(file.bytes, { fileName: file.name });
  } catch (error) {
    if (error instanceof TableError) throw new BudgetInputError("file", error.message, "unreadable");
    throw error;
  }
  for (const column of ["index_name", "year", "provisional_pct"]) {
    if (!table.header.includes(column)) throw new BudgetInputError(column, "the column is missing from the header", "missingColumn");
  }
  const figures = new Map<string, { index_name: string; year: number; provisional_pct: string; definitive_pct: string | null }>();
  for (const row of table.rows) {
    const name = String(row.cells.index_name ?? "").trim();
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(name)) throw new BudgetInputError(`line ${row.line}, index_name`, "letters, digits, - or _ (at most 40)", "badName", { line: row.line });
    const year = Number(row.cells.year);
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new BudgetInputError(`line ${row.line}, year`, `"${row.cells.year}" is not a year`, "notYear", { line: row.line, value: String(row.cells.year ?? "") });
    const provisional = percent(row.cells.provisional_pct ?? null);
    if (provisional === null) throw new BudgetInputError(`line ${row.line}, provisional_pct`, `"${row.cells.provisional_pct ?? ""}" is not a percentage`, "notPercent", { line: row.line, value: String(row.cells.provisional_pct ?? "") });
    const definitiveCell = row.cells.definitive_pct ?? null;
    const definitive = definitiveCell === null ? null : percent(definitiveCell);
    if (definitiveCell !== null && definitive === null) throw new BudgetInputError(`line ${row.line}, definitive_pct`, `"${definitiveCell}" is not a percentage`, "notPercent", { line: row.line, value: String(definitiveCell) });
    // An index figure is a yearly percentage of a few points: beyond ±50 it is a slip (a factor, a lost comma).
    for (const [field, value] of [["provisional_pct", provisional], ["definitive_pct", definitive]] as const) {
      if (value !== null && new Decimal(value).abs().gt(INDEX_PCT_LIMIT)) {
        throw new BudgetInputError(`line ${row.line}, ${field}`, `${value}% is outside -${INDEX_PCT_LIMIT}% to +${INDEX_PCT_LIMIT}%`, "pctOutOfRange", { line: row.line, value, min: -INDEX_PCT_LIMIT, max: INDEX_PCT_LIMIT });
      }
    }
    const key = `${name}|${year}`;
    if (figures.has(key)) throw new BudgetInputError(`line ${row.line}, year`, `${name} ${year} is in the file twice`, "duplicate", { line: row.line, value: `${name} ${year}` });
    figures.set(key, { index_name: name, year, provisional_pct: provisional, definitive_pct: definitive });
  }
  const values = [...figures.values()];
  if (!values.length) throw new BudgetInputError("file", "no index figures", "empty");
  const previous = await trx.selectFrom("index_figure").selectAll().execute();
  await trx
    .insertInto("index_figure")
    .values(values)
    .onConflict((oc) =>
      oc.columns(["index_name", "year"]).doUpdateSet((eb) => ({ provisional_pct: eb.ref("excluded.provisional_pct"), definitive_pct: eb.ref("excluded.definitive_pct") })),
    )
    .execute();
  const changed = previous.filter((p) => figures.has(`${p.index_name}|${p.year}`));
  await recordAudit(trx, { actorUserId: actor.userId, actorLabel: actor.label, action: "index.import", subject: file.name, ip: actor.ip, details: { figures: values, previous: changed } });
  return values.length;
}

/**
 * Gathers a budget's inputs for year t and computes it. Net declared amounts of the budget's
 * municipality, on products transferred by 1 January t, in year t−2 (October) or t−1 (March);
 * as of `asOf` (YYYY-MM-DD) only the lines that counted then (issue 14 §2), null: the current lines.
 */
export async function computeLocalBudget(
  trx: ScopedTransaction,
  municipalityCode: string,
  key: string,
  year: number,
  version: BudgetVersion,
  asOf: string | null = null,
): Promise<{ budget: { name: string; municipality_code: string; key: string }; outcome: BudgetOutcome } | null> {
  const budget = await trx.selectFrom("local_budget").selectAll().where("municipality_code", "=", municipalityCode).where("key", "=", key).executeTakeFirst();
  if (!budget) return null;
  const parameters = await trx
    .selectFrom("local_budget_year")
    .selectAll()
    .where("municipality_code", "=", municipalityCode)
    .where("budget_key", "=", key)
    .where("year", "=", year)
    .executeTakeFirst();

  const realised = async (spendingYear: number): Promise<Sourced<string> | null> => {
    const result = await budgetProductSpending(trx, { municipalityCode, budgetKey: key, budgetYear: year, spendingYear, asOf });
    const row = result.rows[0];
    if (!row || row.total === null || Number(row.lines) === 0) return null;
    return { value: row.total, source: { key: "declarations", params: { year: spendingYear, lines: Number(row.lines), batches: (row.batches ?? []).join(", ") } } };
  };
  const inhabitants = async (y: number): Promise<Sourced<number> | null> => {
    const row = await trx.selectFrom("population").select(["inhabitants_0_17", "source"]).where("municipality_code", "=", municipalityCode).where("year", "=", y).executeTakeFirst();
    return row ? { value: Number(row.inhabitants_0_17), source: { key: "population", params: { year: y, source: row.source } } } : null;
  };
  const ova = async (y: number, kind: "provisional" | "definitive"): Promise<Sourced<string> | null> => {
    const row = await trx.selectFrom("index_figure").selectAll().where("index_name", "=", OVA).where("year", "=", y).executeTakeFirst();
    const value = kind === "provisional" ? row?.provisional_pct : row?.definitive_pct;
    return value === null || value === undefined ? null : { value, source: { key: `ova_${kind}`, params: { year: y } } };
  };

  const inputs: BudgetInputs = {
    year,
    realisedTwoYearsBefore: await realised(year - 2),
    realisedYearBefore: version === "march" ? await realised(year - 1) : null,
    manualBase: parameters?.manual_base ? { value: parameters.manual_base, source: { key: "manual", params: { reason: parameters.manual_base_reason ?? "" } } } : null,
    scopeShare: { value: parameters?.scope_share ?? "1", source: { key: parameters ? "parameters" : "default" } },
    expectedDevelopment: parameters?.expected_development ? { value: parameters.expected_development, source: { key: "parameters" } } : null,
    inhabitantsYearBefore: await inhabitants(year - 1),
    inhabitantsTwoYearsBefore: await inhabitants(year - 2),
    ovaProvisionalYearBefore: await ova(year - 1, "provisional"),
    ovaProvisionalTwoYearsBefore: await ova(year - 2, "provisional"),
    ovaDefinitiveTwoYearsBefore: await ova(year - 2, "definitive"),
    structuralAdjustment: { value: parameters?.structural_adjustment ?? "0", source: { key: parameters ? "parameters" : "default" } },
    ictShare: budget.ict_share,
    housingShare: budget.housing_share,
  };
  return { budget: { name: budget.name, municipality_code: municipalityCode, key }, outcome: computeBudget(inputs, version) };
}

export interface MonitorMonth {
  month: string;
  spending: string;
  clients: number;
}

export interface MonitorSignal {
  month: string;
  provider_code: string;
  provider_name: string;
  product_code: string;
  spending: string;
  clients: number;
}

export interface TransitionMonitor {
  closesOn: string | null;
  /** Open House spending and clients per month on the budget's products, from each product's transfer date. */
  months: MonitorMonth[];
  /** The same per product. */
  perProduct: { product_code: string; months: MonitorMonth[] }[];
  /** Per provider: spending and clients since the transfer, after closing, and the last month declared. */
  perProvider: { provider_code: string; provider_name: string; spending: string; spending_after_closing: string; clients: number; last_month: string }[];
  /** Declarations on the products after the Open House closed for them: to follow up. */
  signals: MonitorSignal[];
}

/**
 * The transition monitor of a budget (issue "Local budgets", §4); row-level security applies.
 * As of `asOf` only the lines that counted then; null: the current lines.
 */
export async function transitionMonitor(trx: ScopedTransaction, municipalityCode: string, key: string, asOf: string | null = null): Promise<TransitionMonitor | null> {
  const budget = await trx.selectFrom("local_budget").selectAll().where("municipality_code", "=", municipalityCode).where("key", "=", key).executeTakeFirst();
  if (!budget) return null;
  const { byMonth, signals, perProvider } = await transitionMonitorRows(trx, municipalityCode, key, budget.open_house_closes_on, asOf);
  const money = (v: string) => new Decimal(v).toFixed(2);
  const months = byMonth.rows.filter((r) => r.product_code === null).map((r) => ({ month: r.month, spending: money(r.spending), clients: Number(r.clients) }));
  const products = [...new Set(byMonth.rows.flatMap((r) => (r.product_code ? [r.product_code] : [])))].sort();
  return {
    closesOn: budget.open_house_closes_on,
    months,
    perProduct: products.map((product_code) => ({
      product_code,
      months: byMonth.rows.filter((r) => r.product_code === product_code).map((r) => ({ month: r.month, spending: money(r.spending), clients: Number(r.clients) })),
    })),
    perProvider: perProvider.rows.map((p) => ({ ...p, spending: money(p.spending), spending_after_closing: money(p.spending_after_closing), clients: Number(p.clients) })),
    signals: signals.rows.map((s) => ({ ...s, spending: money(s.spending), clients: Number(s.clients) })),
  };
}

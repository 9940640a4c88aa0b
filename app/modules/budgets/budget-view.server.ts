import { settle, trancheLedgers, type BudgetOutcome, type BudgetVersion, type SettlementYear, type TrancheLedger } from "@jeugdregio/budgets";
import { todayInAmsterdam, yearInAmsterdam } from "@jeugdregio/format";
import Decimal from "decimal.js";
import type { RequestAccess } from "~/modules/access/access.server";
import { dataThrough } from "~/modules/figures/data-through.server";
import { notFound } from "~/modules/http.server";
import type { RequestAsOf } from "~/modules/reports/as-of-view.server";
import { disclosedMonitor, type DisclosedMonitor } from "~/modules/reports/disclosure.server";
import { computeLocalBudget, transitionMonitor } from "./budgets.server";
import { closedSquareReport, type ClosedSquareReport } from "./closed-square.server";
import { financeHistory, type FinanceChange } from "./finance-entries.server";

export interface BudgetListItem {
  municipalityCode: string;
  municipalityName: string;
  key: string;
  name: string;
  executor: string;
}

/** The local budgets in the user's read scope (row-level security decides). */
export async function budgetList(access: RequestAccess): Promise<BudgetListItem[]> {
  return access.run(async (trx) =>
    (
      await trx
        .selectFrom("local_budget")
        .innerJoin("municipality", "municipality.code", "local_budget.municipality_code")
        .select(["local_budget.municipality_code", "municipality.name as municipality_name", "local_budget.key", "local_budget.name", "local_budget.executor"])
        .orderBy("municipality.name")
        .orderBy("local_budget.key")
        .execute()
    ).map((b) => ({ municipalityCode: b.municipality_code, municipalityName: b.municipality_name, key: b.key, name: b.name, executor: b.executor })),
  );
}

export interface BudgetView {
  municipalityCode: string;
  municipalityName: string;
  key: string;
  name: string;
  executor: string;
  years: number[];
  year: number;
  october: BudgetOutcome;
  march: BudgetOutcome;
  /** March − October gross budget, when both can be computed. */
  difference: string | null;
  /** Per year with realised costs, against the execution budget of the version used (March once it can be computed). */
  settlement: (SettlementYear & { version: BudgetVersion })[];
  /** Provider lists null where the viewer may not see this municipality's providers. */
  monitor: DisclosedMonitor;
  tranches: (TrancheLedger & { decisions: { year: number; decided_on: string; decided_by: string }[] })[];
  /** The typed yearly parameters and realisations, per year, for the edit forms. */
  parameters: {
    year: number;
    scope_share: string;
    expected_development: string | null;
    manual_base: string | null;
    manual_base_reason: string | null;
    structural_adjustment: string;
    realised: (string | null)[];
  }[];
  /** Whether this user may change the budget (role and municipality). */
  canWrite: boolean;
  history: FinanceChange[];
  /** The as-of date the URL named (null: today), the date the figures hold as of, and today (the latest date to ask for). */
  requestedAsOf: string | null;
  asOf: string;
  today: string;
  /** The latest service month with a line counting as of `asOf` (null without any). */
  dataThrough: string | null;
}

/**
 * One budget for a year: both versions step by step, their difference, and the settlement of
 * every year with realised execution costs, as of `asOf`. A budget outside the user's scope is a 404.
 */
export async function budgetView(access: RequestAccess, code: string, key: string, yearParam: string | null, { requested: asOfRequested, asOf, read }: RequestAsOf): Promise<BudgetView> {
  const municipality = access.requireMunicipality(code);
  return access.run(async (trx) => {
    const budget = await trx.selectFrom("local_budget").selectAll().where("municipality_code", "=", municipality.code).where("key", "=", key).executeTakeFirst();
    if (!budget) throw notFound();
    const parameterYears = await trx
      .selectFrom("local_budget_year")
      .selectAll()
      .where("municipality_code", "=", municipality.code)
      .where("budget_key", "=", key)
      .orderBy("year")
      .execute();
    const years = parameterYears.map((y) => y.year);
    const requested = Number(yearParam);
    const year = years.includes(requested) ? requested : (years[years.length - 1] ?? yearInAmsterdam());
    const tranchesOf = async () => {
      const rows = await trx.selectFrom("local_budget_tranche").selectAll().where("municipality_code", "=", municipality.code).where("budget_key", "=", key).execute();
      return trancheLedgers(rows.map((r) => ({ kind: r.kind, year: r.year, amount: r.amount, spent: r.spent }))).map((ledger) => ({
        ...ledger,
        decisions: rows.filter((r) => r.kind === ledger.kind).map((r) => ({ year: r.year, decided_on: r.decided_on, decided_by: r.decided_by })),
      }));
    };
    const october = (await computeLocalBudget(trx, municipality.code, key, year, "october", read))!.outcome;
    const march = (await computeLocalBudget(trx, municipality.code, key, year, "march", read))!.outcome;
    const difference = october.ok && march.ok ? new Decimal(march.gross).minus(october.gross).toFixed(2) : null;
    const settled: { year: number; execution: string; realised: string }[] = [];
    const settlementVersions: Record<number, BudgetVersion> = {};
    for (const y of parameterYears) {
      const quarters = [y.realised_q1, y.realised_q2, y.realised_q3, y.realised_q4].filter((q): q is string => q !== null);
      if (!quarters.length) continue;
      // The March version is the budget as corrected on 1 March t; the October version until it can be computed.
      const march = (await computeLocalBudget(trx, municipality.code, key, y.year, "march", read))!.outcome;
      const outcome = march.ok ? march : (await computeLocalBudget(trx, municipality.code, key, y.year, "october", read))!.outcome;
      if (!outcome.ok) continue;
      settlementVersions[y.year] = outcome.version;
      settled.push({ year: y.year, execution: outcome.execution, realised: quarters.reduce((sum, q) => sum.plus(q), new Decimal(0)).toFixed(2) });
    }
    return {
      municipalityCode: municipality.code,
      municipalityName: municipality.name,
      key,
      name: budget.name,
      executor: budget.executor,
      years,
      year,
      october,
      march,
      difference,
      settlement: settle(settled).map((line) => ({ ...line, version: settlementVersions[line.year]! })),
      monitor: disclosedMonitor(access, municipality.code, (await transitionMonitor(trx, municipality.code, key, read))!),
      tranches: await tranchesOf(),
      parameters: parameterYears.map((y) => ({
        year: y.year,
        scope_share: y.scope_share,
        expected_development: y.expected_development,
        manual_base: y.manual_base,
        manual_base_reason: y.manual_base_reason,
        structural_adjustment: y.structural_adjustment,
        realised: [y.realised_q1, y.realised_q2, y.realised_q3, y.realised_q4],
      })),
      canWrite: access.can("write:budgets") && access.canWrite(municipality.code),
      history: await financeHistory(trx, municipality.code, `budget:${key}`),
      requestedAsOf: asOfRequested,
      asOf,
      today: todayInAmsterdam(),
      dataThrough: await dataThrough(trx, { kind: "municipality", code: municipality.code }, asOf),
    };
  });
}

export interface YouthCareFinances {
  municipalityCode: string;
  municipalityName: string;
  square: ClosedSquareReport;
  budgets: { key: string; name: string }[];
  /** Typed non-contracted care and PGB per year, for the edit form. */
  otherSpending: { year: number; non_contracted: string | null; pgb: string | null }[];
  canWrite: boolean;
  history: FinanceChange[];
  requestedAsOf: string | null;
  asOf: string;
  today: string;
  dataThrough: string | null;
}

/**
 * A municipality's youth-care finances as of `asOf`: the closed square and its local budgets.
 * Outside the read scope: 404.
 */
export async function youthCareFinances(access: RequestAccess, code: string, baseYearParam: string | null, { requested, asOf, read }: RequestAsOf): Promise<YouthCareFinances> {
  const municipality = access.requireMunicipality(code);
  const baseYear = baseYearParam && /^\d{4}$/.test(baseYearParam) ? Number(baseYearParam) : null;
  return access.run(async (trx) => ({
    municipalityCode: municipality.code,
    municipalityName: municipality.name,
    // Today: the current lines (and today's forecast); a past date: the lines as of then.
    square: await closedSquareReport(trx, municipality.code, baseYear, read),
    budgets: await trx.selectFrom("local_budget").select(["key", "name"]).where("municipality_code", "=", municipality.code).orderBy("key").execute(),
    otherSpending: await trx.selectFrom("other_youth_spending").select(["year", "non_contracted", "pgb"]).where("municipality_code", "=", municipality.code).orderBy("year").execute(),
    canWrite: access.can("write:budgets") && access.canWrite(municipality.code),
    history: await financeHistory(trx, municipality.code, "other_spending"),
    requestedAsOf: requested,
    asOf,
    today: todayInAmsterdam(),
    dataThrough: await dataThrough(trx, { kind: "municipality", code: municipality.code }, asOf),
  }));
}

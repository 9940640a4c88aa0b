import { readFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { BudgetInputError, computeLocalBudget, parseBudgetDefinition, saveBudgetDefinition } from "~/modules/budgets/budgets.server";
import { closedSquareReport } from "~/modules/budgets/closed-square.server";
import { printRecords } from "../output";
import { AS_OF_HELP, asOfOption, CLI_ACTOR, CliFailure, formatOption, requireDataBy, requireMunicipality, withRuntime, yearOption } from "../shared.server";

/** `budget …`: local budgets and the closed square, through the budget services of the budget pages. */
export function registerBudgetCommands(program: Command): void {
  const budget = program.command("budget").description("local budgets (e.g. SAMEN.)");
  budget
    .command("import")
    .description("create or replace a local budget definition with its product set and yearly parameters (JSON, see README)")
    .argument("<file>", "JSON file")
    .action((file: string) =>
      withRuntime(async ({ handle }) => {
        try {
          const definition = parseBudgetDefinition(await readFile(file, "utf8"));
          await withTenantScope(handle.db, ALL_TENANTS, (trx) => saveBudgetDefinition(trx, CLI_ACTOR, definition));
          process.stdout.write(`Budget ${definition.key} of ${definition.municipality_code} saved: ${definition.products.length} products, ${definition.years.length} years.\n`);
        } catch (error) {
          if (error instanceof BudgetInputError) throw new CliFailure(`${file}: not imported, nothing changed. ${error.message}`);
          throw error;
        }
      }),
    );
  budget
    .command("compute")
    .description("compute a local budget for a year by the agreed rules, step by step")
    .requiredOption("--municipality <code>", "CBS code (GM….)")
    .requiredOption("--budget <key>", "the budget's key, e.g. samen")
    .requiredOption("--year <year>", "year", yearOption())
    .addOption(new Option("--version <version>", "October (set by 1 October t−1) or March (1 March t) version").choices(["october", "march"]).default("october"))
    .option("--as-of <date>", AS_OF_HELP)
    .addOption(formatOption())
    .action((options: { municipality: string; budget: string; year: number; version: "october" | "march"; asOf?: string; format: "table" | "json" }) =>
      withRuntime(async ({ handle }) => {
        const { asOf, read } = asOfOption(options.asOf);
        const computed = await withTenantScope(handle.db, ALL_TENANTS, async (trx) => {
          await requireDataBy(trx, { kind: "municipality", code: options.municipality }, options.asOf === undefined ? undefined : asOf);
          return computeLocalBudget(trx, options.municipality, options.budget, options.year, options.version, read);
        });
        if (!computed) throw new CliFailure(`No budget ${options.budget} for ${options.municipality}.`);
        const { outcome } = computed;
        if (!outcome.ok) {
          throw new CliFailure(`Cannot compute: missing ${outcome.missing.map((m) => `${m.input.replace(/_/g, " ")} ${m.year}`).join(", ")}.`);
        }
        if (options.format === "json") {
          process.stdout.write(
            `${JSON.stringify({
              municipality: options.municipality,
              budget: options.budget,
              as_of: read,
              year: outcome.year,
              version: outcome.version,
              base: outcome.base,
              scope_share: outcome.scopeShare,
              expected_development: outcome.expectedDevelopment,
              volume_factor: outcome.volumeFactor,
              index_pct: outcome.indexPct,
              structural_adjustment: outcome.structuralAdjustment,
              gross: outcome.gross,
              ict: outcome.ict,
              housing: outcome.housing,
              execution: outcome.execution,
              steps: outcome.steps,
            })}\n`,
          );
          return;
        }
        const describe = (ref: { key: string; params?: Record<string, string | number> }) =>
          [ref.key, ...Object.entries(ref.params ?? {}).map(([k, v]) => `${k}=${v}`)].join(" ");
        printRecords(outcome.steps.map((s) => ({ step: s.key, input: s.input, amount: s.amount, source: s.sources.map(describe).join("; ") })), "table");
      }),
    );

  budget
    .command("square")
    .description("the closed square of a municipality: RIGG-procured care, non-contracted care, PGB and local budgets per year, against a base year indexed by the OVA")
    .requiredOption("--municipality <code>", "CBS code (GM….)")
    .option("--base-year <year>", "base year (default: the first year with a complete total)", yearOption("--base-year"))
    .option("--as-of <date>", AS_OF_HELP)
    .addOption(formatOption())
    .action((options: { municipality: string; baseYear?: number; asOf?: string; format: "table" | "json" }) =>
      withRuntime(async ({ handle }) => {
        const { asOf, read } = asOfOption(options.asOf);
        const report = await withTenantScope(handle.db, ALL_TENANTS, async (trx) => {
          await requireMunicipality(trx, options.municipality);
          await requireDataBy(trx, { kind: "municipality", code: options.municipality }, options.asOf === undefined ? undefined : asOf);
          return closedSquareReport(trx, options.municipality, options.baseYear ?? null, read);
        });
        if (options.baseYear !== undefined && report.baseYear !== options.baseYear) {
          throw new CliFailure(`${options.baseYear} cannot be the base year: its total is not complete (complete years: ${report.baseYears.join(", ") || "none"}).`);
        }
        const years = report.years.map((y) => ({
          year: y.year,
          rigg: y.parts.rigg,
          non_contracted: y.parts.non_contracted,
          pgb: y.parts.pgb,
          local_budgets: y.parts.local_budgets,
          total: y.total,
          indexed_base: y.indexedBase,
          deviation: y.deviation,
          deviation_share: y.deviationShare,
          missing: y.missing.map((m) => `${m.part}${"name" in m ? ` ${m.name}` : ""} ${m.year}`),
        }));
        // The latest incomplete year's RIGG part as forecast, beside the realised figure (the totals stay realised).
        const forecast = report.riggForecast;
        if (options.format === "json") {
          process.stdout.write(
            `${JSON.stringify({
              municipality: options.municipality,
              as_of: report.asOf,
              base_year: report.baseYear,
              years,
              incomplete_years: report.incompleteYears.map((y) => ({ year: y.year, data_through: y.dataThrough })),
              rigg_forecast: forecast
                ? { year: forecast.year, forecast: forecast.forecast, low: forecast.low, high: forecast.high, band_reason: forecast.bandReason, declared_through: forecast.declaredThrough }
                : null,
              index_used: report.indexUsed,
              local_budget_versions: report.versions,
            })}\n`,
          );
          return;
        }
        printRecords(
          years.map((y) => ({
            ...y,
            missing: y.missing.join("; "),
            ...(forecast ? { rigg_forecast: y.year === forecast.year ? forecast.forecast : null, rigg_band: y.year === forecast.year && forecast.low !== null ? `${forecast.low}–${forecast.high}` : null } : {}),
          })),
          "table",
        );
        const through = report.incompleteYears.map((y) => `${y.year} declared through ${y.dataThrough}`).join("; ");
        if (through) process.stderr.write(`As of ${report.asOf}: ${through} (not complete).\n`);
        if (forecast) process.stderr.write(`RIGG part ${forecast.year}: forecast ${forecast.forecast}${forecast.low !== null ? `, band ${forecast.low}–${forecast.high}` : ", no band"}, from the declarations up to ${forecast.declaredThrough}; the totals count what has been declared.\n`);
      }),
    );
}

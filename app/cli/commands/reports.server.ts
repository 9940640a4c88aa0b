import { Option, type Command } from "commander";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { SEGMENT_COLUMNS } from "@jeugdregio/metrics";
import { parseMonth } from "@jeugdregio/roadmap";
import { segmentReport } from "~/modules/reports/segment-report.server";
import { compareReport, concentrationReport } from "~/modules/reports/concentration.server";
import { forecastReport, forecastUnavailable } from "~/modules/forecast/forecast.server";
import { roadmapJson, roadmapRows } from "~/modules/roadmap/roadmap-export.server";
import { thisMonth } from "~/modules/roadmap/roadmap.server";
import { printRecords } from "../output";
import { AS_OF_HELP, asOfOption, CliFailure, formatOption, reportFormatOption, reportScope, requireDataBy, withRuntime, writeCsv, yearOption } from "../shared.server";

/** `report …`: the figures of the report pages, through the same report services. */
export function registerReportCommands(program: Command): void {
  const report = program.command("report").description("reports");

  report
    .command("segments")
    .description("the segment table (clients, spending, average, providers, 80%) for a year, for the region or one municipality")
    .requiredOption("--year <year>", "year", yearOption())
    .option("--municipality <code>", "CBS code (GM….); default: the region")
    .option("--as-of <date>", AS_OF_HELP)
    .addOption(reportFormatOption())
    .action((options: { year: number; municipality?: string; asOf?: string; format: "table" | "json" | "csv" }) =>
      withRuntime(async ({ handle }) => {
        const asOf = asOfOption(options.asOf);
        const result = await withTenantScope(handle.db, ALL_TENANTS, async (trx) => {
          const scope = await reportScope(trx, options.municipality);
          await requireDataBy(trx, scope, options.asOf?.trim() ? asOf.asOf : undefined);
          return segmentReport(trx, options.year, scope, "summary", asOf.read);
        });
        if (options.format === "json") {
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        const measures = ["clients", "spending", "avg_per_client", "providers", "spending_80", "providers_80"] as const;
        const rows = measures.map((measure) => ({
          measure,
          ...Object.fromEntries(SEGMENT_COLUMNS.map((col) => [col, result.segments[col][measure]])),
        }));
        if (options.format === "csv") {
          writeCsv(rows);
        } else {
          printRecords(rows, "table");
        }
      }),
    );

  report
    .command("roadmap")
    .description("the 2024–2029 roadmap: every track's steps (recomputed with its decision moments), health, warnings, and the steering body's reviews")
    .option("--today <month>", "the month to judge lateness by (YYYY-MM; default: this month)")
    .addOption(formatOption())
    .action((options: { today?: string; format: "table" | "json" }) =>
      withRuntime(async ({ handle }) => {
        const today = options.today === undefined ? thisMonth() : parseMonth(options.today);
        if (!today) throw new CliFailure(`--today must be a month YYYY-MM, not ${options.today}`);
        const roadmap = await withTenantScope(handle.db, { read: "all", write: [] }, (trx) => roadmapJson(trx, today));
        if (options.format === "json") {
          process.stdout.write(`${JSON.stringify(roadmap)}\n`);
          return;
        }
        printRecords(roadmapRows(roadmap), "table");
      }),
    );

  report
    .command("concentration")
    .description("providers by spending with share, cumulative share, clients and the 80% set; providers covering 80%, top-10 share, HHI")
    .requiredOption("--year <year>", "year", yearOption())
    .option("--municipality <code>", "CBS code (GM….); default: the region")
    .addOption(new Option("--segment <segment>", "segment column").choices([...SEGMENT_COLUMNS]).default("all"))
    .option("--as-of <date>", AS_OF_HELP)
    .addOption(reportFormatOption())
    .action((options: { year: number; municipality?: string; segment: (typeof SEGMENT_COLUMNS)[number]; asOf?: string; format: "table" | "json" | "csv" }) =>
      withRuntime(async ({ handle }) => {
        const asOf = asOfOption(options.asOf);
        const result = await withTenantScope(handle.db, ALL_TENANTS, async (trx) => {
          const scope = await reportScope(trx, options.municipality);
          await requireDataBy(trx, scope, options.asOf?.trim() ? asOf.asOf : undefined);
          return concentrationReport(trx, options.year, scope, options.segment, asOf.read);
        });
        if (options.format === "json") {
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        const rows = result.rows as unknown as Record<string, unknown>[];
        if (options.format === "csv") return writeCsv(rows);
        process.stderr.write(
          `${result.scope} ${result.segment} ${result.year}: spending ${result.spending}, providers ${result.providers}, providers covering 80% ${result.providers_80}, top-10 share ${result.top10_share}, HHI ${result.hhi}\n`,
        );
        printRecords(rows, "table");
      }),
    );

  report
    .command("compare")
    .description("municipalities (and the region, last) by segment: clients, spending, average, providers covering 80%, per inhabitant aged 0-17")
    .requiredOption("--year <year>", "year", yearOption())
    .option("--as-of <date>", AS_OF_HELP)
    .addOption(reportFormatOption())
    .action((options: { year: number; asOf?: string; format: "table" | "json" | "csv" }) =>
      withRuntime(async ({ handle }) => {
        const asOf = asOfOption(options.asOf);
        const result = await withTenantScope(handle.db, ALL_TENANTS, async (trx) => {
          await requireDataBy(trx, { kind: "region" }, options.asOf?.trim() ? asOf.asOf : undefined);
          return compareReport(trx, options.year, asOf.read);
        });
        if (options.format === "json") {
          process.stdout.write(`${JSON.stringify({ year: result.year, rows: result.rows })}\n`);
          return;
        }
        const records = result.rows.flatMap((row) =>
          SEGMENT_COLUMNS.map((segment) => ({ scope: row.scope, name: row.name, inhabitants_0_17: row.inhabitants_0_17, segment, ...row.segments[segment] })),
        );
        if (options.format === "csv") return writeCsv(records);
        printRecords(records, "table");
      }),
    );

  report
    .command("forecast")
    .description("where the year will end: realised, expected late, expected remaining, forecast with band, same period last year, clients; per segment column, from the declarations up to the end of the last complete month")
    .requiredOption("--year <year>", "year", yearOption())
    .option("--municipality <code>", "CBS code (GM….); default: the region")
    .option("--as-of <date>", AS_OF_HELP)
    .addOption(reportFormatOption())
    .action((options: { year: number; municipality?: string; asOf?: string; format: "table" | "json" | "csv" }) =>
      withRuntime(async ({ handle }) => {
        // The forecast reads the lines as of the date itself, today included (no `reportAsOf`).
        const { asOf } = asOfOption(options.asOf);
        const result = await withTenantScope(handle.db, ALL_TENANTS, async (trx) => {
          const scope = await reportScope(trx, options.municipality);
          await requireDataBy(trx, scope, asOf);
          return forecastReport(trx, { year: options.year, scope, asOf });
        });
        if (options.format === "json") {
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        if (!result.available) throw new CliFailure(forecastUnavailable(result));
        const records = SEGMENT_COLUMNS.map((column) => ({ column, ...result.segments[column] }));
        if (options.format === "csv") return writeCsv(records);
        process.stderr.write(`${result.scope} ${result.year} as of ${result.as_of}: forecast from the declarations up to ${result.declared_through}; figures through ${result.data_through ?? "-"}\n`);
        printRecords(records, "table");
      }),
    );
}

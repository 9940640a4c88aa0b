import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testServerUrl, type TestDatabase } from "../support/database";
import { csvOf, laterDelivery, LINES, M, monthOf, netOf, TODAY, YEAR } from "../support/square-forecast-data";

/**
 * `budget compute` and `budget square` as of a date (issue 14 §2, §4) through the CLI: `--as-of`
 * counts the lines declared by then and gives the same answer after a later delivery; a malformed,
 * future or too early date is a clear message; the square's JSON and table carry the current
 * year's RIGG part as forecast with its band, none for a complete year.
 */
const run = promisify(execFile);
let database: TestDatabase | null = null;
let env: NodeJS.ProcessEnv;
const work = mkdtempSync(path.join(tmpdir(), "jr-budget-as-of-"));
const D = `${monthOf(M - 3)}-15`;
const DY = Number(D.slice(0, 4));
const COMPLETE_AT = `${YEAR - 1}-12-31`;

async function cli(args: string[]) {
  try {
    const { stdout, stderr } = await run(path.resolve("node_modules/.bin/tsx"), ["app/cli/main.server.ts", ...args], { env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

function file(name: string, content: string) {
  const full = path.join(work, name);
  writeFileSync(full, content);
  return full;
}

beforeAll(async () => {
  const base: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: "warn" };
  delete base.DATABASE_URL;
  delete base.TEST_DATABASE_URL;
  if (testServerUrl()) {
    database = await createTestDatabase({ seed: false });
    env = { ...base, DATABASE_URL: database.url! };
  } else {
    env = { ...base, DATA_DIR: path.join(work, "data") };
  }
  expect((await cli(["migrate"])).code).toBe(0);
  expect((await cli(["seed"])).code).toBe(0);
  const imported = await cli(["import", "declarations", file("declaraties.csv", csvOf(LINES))]);
  expect(imported.code, imported.stderr).toBe(0);
  const population = file("inwoners.csv", ["municipality_code;year;inhabitants_0_17", `GM0014;${DY - 1};36000`, `GM0014;${DY};36000`].join("\n"));
  expect((await cli(["import", "population", population])).code).toBe(0);
  const index = file("ova.csv", ["index_name;year;provisional_pct;definitive_pct", ...[DY - 1, DY, DY + 1].map((y) => `OVA;${y};4,00;5,00`)].join("\n"));
  expect((await cli(["import", "index", index])).code).toBe(0);
  const budget = JSON.stringify({
    municipality_code: "GM0014",
    key: "samen",
    name: "SAMEN.",
    executor: "WIJ Groningen",
    funding_form: "task_based",
    ict_share: "0",
    housing_share: "0",
    products: [{ product_code: "45A51", transferred_on: `${YEAR - 4}-01-01` }],
    years: [{ year: DY + 1 }],
  });
  const saved = await cli(["budget", "import", file("samen.json", budget)]);
  expect(saved.code, saved.stderr).toBe(0);
}, 300_000);
afterAll(async () => {
  await database?.close();
});

const squareJson = async (...args: string[]) => {
  const result = await cli(["budget", "square", "--municipality", "GM0014", "--format", "json", ...args]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
};
const computeArgs = ["budget", "compute", "--municipality", "GM0014", "--budget", "samen", "--year", String(DY + 1), "--version", "march", "--format", "json"];

describe("budget square and compute --as-of", () => {
  it("count the lines declared by then, the same after a later delivery", async () => {
    const square = await squareJson("--as-of", D);
    expect(square.as_of).toBe(D);
    expect(square.years.find((y: { year: number }) => y.year === DY).rigg).toBe(netOf(LINES, "GM0014", DY, D));
    const computed = await cli([...computeArgs, "--as-of", D]);
    expect(computed.code, computed.stderr).toBe(0);
    expect(JSON.parse(computed.stdout)).toMatchObject({ as_of: D, base: netOf(LINES, "GM0014", DY, D) });

    const later = await cli(["import", "declarations", file("later.csv", csvOf(laterDelivery(M - 5))), "--delivered-on", TODAY]);
    expect(later.code, later.stderr).toBe(0);
    expect(await squareJson("--as-of", D)).toEqual(square);
    expect(JSON.parse((await cli([...computeArgs, "--as-of", D])).stdout)).toEqual(JSON.parse(computed.stdout));
  });

  it("refuse a malformed, future or too early date with a clear message", async () => {
    for (const [args, message] of [
      [["budget", "square", "--municipality", "GM0014", "--as-of", "2026-13-01"], /--as-of: as of: expected YYYY-MM-DD, got 2026-13-01/],
      [["budget", "square", "--municipality", "GM0014", "--as-of", `${YEAR + 2}-01-01`], /--as-of: as of: .* is after today/],
      [["budget", "square", "--municipality", "GM0014", "--as-of", "2001-01-01"], /--as-of 2001-01-01 is before any data \(the first line was declared on \d{4}-\d{2}-\d{2}\)/],
      [[...computeArgs, "--as-of", "15-03-2026"], /--as-of: as of: expected YYYY-MM-DD, got 15-03-2026/],
    ] as const) {
      const result = await cli([...args]);
      expect([result.code, result.stderr, result.stdout]).toEqual([1, expect.stringMatching(message), ""]);
    }
  });
});

describe("budget square's RIGG forecast", () => {
  it("carries the current year's RIGG part as forecast with its band, in JSON and table; none for a complete year", async () => {
    const square = await squareJson();
    expect(square.incomplete_years).toEqual([{ year: YEAR, data_through: expect.stringMatching(new RegExp(`^${YEAR}-`)) }]);
    expect(square.rigg_forecast).toMatchObject({ year: YEAR, forecast: expect.stringMatching(/^\d+\.\d{2}$/), low: expect.stringMatching(/^\d+\.\d{2}$/), high: expect.stringMatching(/^\d+\.\d{2}$/) });
    const forecast = await cli(["report", "forecast", "--year", String(YEAR), "--municipality", "GM0014", "--format", "json"]);
    const all = JSON.parse(forecast.stdout).segments.all;
    expect(square.rigg_forecast).toMatchObject({ forecast: all.forecast, low: all.low, high: all.high });
    // The totals stay the realised figure.
    expect(square.years.find((y: { year: number }) => y.year === YEAR).rigg).toBe(netOf([...LINES, ...laterDelivery(M - 5)], "GM0014", YEAR, null));

    const table = await cli(["budget", "square", "--municipality", "GM0014"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain("rigg_forecast");
    expect(table.stdout).toContain(all.forecast);
    expect(table.stderr).toContain(`RIGG part ${YEAR}: forecast ${all.forecast}, band ${all.low}–${all.high}`);

    const complete = await squareJson("--as-of", COMPLETE_AT);
    expect(complete).toMatchObject({ as_of: COMPLETE_AT, incomplete_years: [], rigg_forecast: null });
  });
});

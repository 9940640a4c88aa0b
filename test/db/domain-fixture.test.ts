import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Decimal from "decimal.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOMAIN_2023_EXPECTED, generateDomain2023Fixture, writeFixtureCsv, type CatalogRow } from "~seeds/fixtures/domain-2023";
import { createTestDatabase, testServerUrl, type TestDatabase } from "../support/database";

/**
 * DOMAIN.md's 2023 regional table, reproduced exactly: a generated fixture goes
 * in through the real import path (the CLI), the figures come back out through
 * the CLI report, on whichever database the tests run against.
 */
let database: TestDatabase | null = null;
let env: NodeJS.ProcessEnv;
const work = mkdtempSync(path.join(tmpdir(), "jr-fixture-"));
const fixture = generateDomain2023Fixture();

const run = promisify(execFile);

/** Asynchronous, so the test worker stays responsive while the CLI works. */
async function cli(args: string[]): Promise<string> {
  try {
    const { stdout } = await run(path.resolve("node_modules/.bin/tsx"), ["app/cli/main.server.ts", ...args], {
      env,
      encoding: "utf8",
      timeout: 180_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    throw new Error(`cli ${args.join(" ")} failed (${e.code}):\n${e.stderr}`);
  }
}

type Report = { year: number; scope: string; segments: Record<string, { spending: string } & Record<string, unknown>> };
const report = async (...extra: string[]) =>
  JSON.parse(await cli(["report", "segments", "--year", "2023", "--format", "json", ...extra])) as Report;

beforeAll(async () => {
  const base = { ...process.env, LOG_LEVEL: "warn" } as NodeJS.ProcessEnv;
  delete base.DATABASE_URL;
  delete base.TEST_DATABASE_URL;
  if (testServerUrl()) {
    database = await createTestDatabase({ seed: false });
    env = { ...base, DATABASE_URL: database.url! };
  } else {
    env = { ...base, DATA_DIR: path.join(work, "data") };
  }
  const catalog = path.join(work, "catalogus.csv");
  const declarations = path.join(work, "declaraties-2023.csv");
  writeFileSync(catalog, writeFixtureCsv(fixture.catalog, { delimiter: ";", decimalComma: true }));
  // Excel's way: `;`, decimal comma, UTF-8 BOM.
  writeFileSync(declarations, `\uFEFF${writeFixtureCsv(fixture.declarations, { delimiter: ";", decimalComma: true })}`);
  await cli(["seed"]);
  await cli(["import", "catalog", catalog]);
  await cli(["import", "declarations", declarations]);
}, 600_000);

afterAll(async () => {
  await database?.close();
});

describe("the DOMAIN.md 2023 table", () => {
  it("is reproduced exactly for the region", async () => {
    const region = await report();
    expect(region.scope).toBe("region");
    for (const [column, expected] of Object.entries(DOMAIN_2023_EXPECTED)) {
      expect([column, region.segments[column]]).toEqual([column, expected]);
    }
  });

  it("adds up: segments plus unassigned make All, municipalities make the region", { timeout: 180_000 }, async () => {
    const region = await report();
    const columns = ["basishulp", "onderwijs", "aanvullende_hulp", "hsj", "wonen", "unassigned"];
    const sum = columns.reduce((total, c) => total.plus(region.segments[c]!.spending), new Decimal(0));
    expect(sum.toFixed(2)).toBe(region.segments.all!.spending);

    const municipalities = [...new Set(fixture.declarations.map((d) => d.municipality_code))];
    const reports: Report[] = [];
    // One at a time: the embedded database is a folder that one process opens at once.
    for (const code of municipalities) reports.push(await report("--municipality", code));
    for (const column of ["all", ...columns]) {
      const perMunicipality = reports.map((r) => r.segments[column]!.spending).reduce((total, s) => total.plus(s), new Decimal(0));
      expect([column, perMunicipality.toFixed(2)]).toEqual([column, region.segments[column]!.spending]);
    }
  });

  it("follows a changed mapping without re-importing", { timeout: 120_000 }, async () => {
    const before = await report();
    // Move one wonen product to HSJ from 2023-07-01 on (a new mapping row).
    const moved = fixture.catalog.find((row) => row.segment === "wonen")!;
    const revised = fixture.catalog.flatMap((row): CatalogRow[] =>
      row.product_code === moved.product_code
        ? [
            { ...row, valid_to: "2023-06-30" },
            { ...row, segment: "hsj" as CatalogRow["segment"], valid_from: "2023-07-01", valid_to: "" },
          ]
        : [row],
    );
    const file = path.join(work, "catalogus-herzien.csv");
    writeFileSync(file, writeFixtureCsv(revised, { delimiter: ";", decimalComma: true }));
    await cli(["import", "catalog", file]);
    const after = await report();
    const shifted = new Decimal(before.segments.wonen!.spending).minus(after.segments.wonen!.spending);
    expect(shifted.greaterThan(0)).toBe(true);
    expect(new Decimal(after.segments.hsj!.spending).minus(before.segments.hsj!.spending).toFixed(2)).toBe(shifted.toFixed(2));
    expect(after.segments.all).toEqual(before.segments.all);
  });
});

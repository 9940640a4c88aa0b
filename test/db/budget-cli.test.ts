import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testServerUrl, type TestDatabase } from "../support/database";

/**
 * Local budgets through the CLI, as finance staff would script them: the worked
 * example, a base computed from imported declarations, and bad input refused by field.
 */
const run = promisify(execFile);
let database: TestDatabase | null = null;
let env: NodeJS.ProcessEnv;
const work = mkdtempSync(path.join(tmpdir(), "jr-budget-"));

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

const budgetJson = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    municipality_code: "GM0014",
    key: "samen",
    name: "SAMEN.",
    executor: "WIJ Groningen",
    funding_form: "task_based",
    ict_share: "0.049",
    housing_share: "0.06",
    open_house_closes_on: "2025-07-01",
    products: [
      { product_code: "45A51", transferred_on: "2023-01-01" },
      { product_code: "45A04", transferred_on: "2024-01-01" },
    ],
    years: [{ year: 2025, scope_share: "1", expected_development: "0.03", manual_base: "10000000.00", manual_base_reason: "worked example", structural_adjustment: "0" }],
    ...overrides,
  });

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
  const population = file("inwoners.csv", "municipality_code;year;inhabitants_0_17\nGM0014;2023;35640\nGM0014;2024;36000\nGM0037;2023;1000\nGM0037;2024;1000\n");
  expect((await cli(["import", "population", population])).code).toBe(0);
  const index = file("ova.csv", "index_name;year;provisional_pct;definitive_pct\nOVA;2023;4,74;6,36\nOVA;2024;4,94;\n");
  const imported = await cli(["import", "index", index]);
  expect(imported.code, imported.stderr).toBe(0);
}, 240_000);
afterAll(async () => {
  await database?.close();
});

describe("budget compute", () => {
  it("holds the worked example: G € 11,086,545.45, ICT € 543,240.73, housing € 665,192.73, E € 9,878,111.99", async () => {
    const saved = await cli(["budget", "import", file("samen.json", budgetJson())]);
    expect(saved.code, saved.stderr).toBe(0);
    const computed = await cli(["budget", "compute", "--municipality", "GM0014", "--budget", "samen", "--year", "2025", "--format", "json"]);
    expect(computed.code, computed.stderr).toBe(0);
    expect(JSON.parse(computed.stdout)).toMatchObject({
      base: "10000000.00",
      scope_share: "1",
      expected_development: "0.03",
      index_pct: "6.56",
      structural_adjustment: "0.00",
      gross: "11086545.45",
      ict: "543240.73",
      housing: "665192.73",
      execution: "9878111.99",
    });
  });

  it("takes the base from imported declarations: net amounts, only products transferred by 1 January, only the municipality", async () => {
    const declarations = file(
      "declaraties.csv",
      [
        "period;municipality_code;provider_code;provider_name;product_code;client_key;amount",
        "2023-03;GM0037;12345678;A;45A51;K1;1.000,00",
        "2023-04;GM0037;12345678;A;45A51;K1;-200,00", // a credit
        "2023-05;GM0037;12345678;A;45A04;K2;5.000,00", // transfers only in 2026
        "2023-05;GM0014;12345678;A;45A51;K3;999,00", // another municipality
        "2024-05;GM0037;12345678;A;45A51;K4;777,00", // t−1: not in the October base
      ].join("\r\n"),
    );
    expect((await cli(["import", "declarations", declarations])).code).toBe(0);
    const own = budgetJson({
      municipality_code: "GM0037",
      key: "lokaal",
      name: "Lokaal budget",
      executor: "Team Stadskanaal",
      ict_share: "0",
      housing_share: "0",
      products: [
        { product_code: "45A51", transferred_on: "2023-01-01" },
        { product_code: "45A04", transferred_on: "2026-01-01" },
      ],
      years: [{ year: 2025, expected_development: "0" }],
    });
    expect((await cli(["budget", "import", file("lokaal.json", own)])).code).toBe(0);
    const computed = await cli(["budget", "compute", "--municipality", "GM0037", "--budget", "lokaal", "--year", "2025", "--format", "json"]);
    expect(computed.code, computed.stderr).toBe(0);
    const result = JSON.parse(computed.stdout);
    // 800 × 1 × 1 × 1000/1000 × 1.0656 = 852.48
    expect(result).toMatchObject({ base: "800.00", volume_factor: "1", gross: "852.48", execution: "852.48" });
    expect(result.steps[0].sources).toEqual([{ key: "declarations", params: expect.objectContaining({ year: 2023, lines: 2 }) }]);
    const march = await cli(["budget", "compute", "--municipality", "GM0037", "--budget", "lokaal", "--year", "2025", "--version", "march", "--format", "json"]);
    expect(JSON.parse(march.stdout)).toMatchObject({ base: "777.00", expected_development: null });
  });

  it("names what is missing instead of computing on a silent zero", async () => {
    const computed = await cli(["budget", "compute", "--municipality", "GM0014", "--budget", "samen", "--year", "2027"]);
    expect(computed.code).toBe(1);
    expect(computed.stderr).toMatch(/Cannot compute: missing base 2025, expected development 2026, .*ova provisional 2026, ova provisional 2025, ova definitive 2025\./);
  });
});

describe("budget square", () => {
  it("adds declarations, typed non-contracted care and PGB per year and compares them with the indexed base year", async () => {
    const refused = await cli(["import", "other-spending", file("dubbel.csv", "municipality_code;year;non_contracted;pgb\nGM0037;2023;100,00;50,00\nGM0037;2023;1,00;1,00\n")]);
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringMatching(/line 3, year: GM0037 2023 is in the file twice/)]);
    const unknown = await cli(["import", "other-spending", file("onbekend.csv", "municipality_code;year;non_contracted;pgb\nGM9999;2023;100,00;50,00\n")]);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringMatching(/line 2, municipality_code: "GM9999" is not a known municipality/)]);
    const before = await cli(["budget", "square", "--municipality", "GM0037", "--format", "json"]);
    expect(JSON.parse(before.stdout).years.map((y: { non_contracted: string | null }) => y.non_contracted)).toEqual([null, null]);

    const imported = await cli(["import", "other-spending", file("overig.csv", "municipality_code;year;non_contracted;pgb\nGM0037;2023;100,00;50,00\nGM0037;2024;110,00;60,00\n")]);
    expect(imported.code, imported.stderr).toBe(0);
    const square = await cli(["budget", "square", "--municipality", "GM0037", "--base-year", "2023", "--format", "json"]);
    expect(square.code, square.stderr).toBe(0);
    const result = JSON.parse(square.stdout);
    // 2023: 1,000 − 200 + 5,000 declared + 100 + 50; 2024: 777 + 110 + 60. The budget's year 2025 has no data yet.
    // Indexed base 2024 = 5,950 × (1 + 4.94%) = 6,243.93 (provisional: no definitive OVA 2024 here).
    expect(result).toMatchObject({
      municipality: "GM0037",
      base_year: 2023,
      years: [
        { year: 2023, rigg: "5800.00", non_contracted: "100.00", pgb: "50.00", local_budgets: "0.00", total: "5950.00", indexed_base: "5950.00", deviation: "0.00", missing: [] },
        { year: 2024, rigg: "777.00", total: "947.00", indexed_base: "6243.93", deviation: "-5296.93", missing: [] },
      ],
      index_used: [{ year: 2024, pct: "4.9400", kind: "provisional" }],
    });
    const incomplete = await cli(["budget", "square", "--municipality", "GM0037", "--base-year", "2022"]);
    expect([incomplete.code, incomplete.stderr]).toEqual([1, expect.stringMatching(/2022 cannot be the base year/)]);
  });
});

describe("bad input is refused by field, and nothing changes", () => {
  it("refuses a malformed file, an unknown product, a share outside 0–1, a year twice", async () => {
    const cases: [string, RegExp][] = [
      ["{ not json", /file: not valid JSON/],
      [budgetJson({ ict_share: "1.5" }), /ict_share: a share must be between 0 and 1/],
      [budgetJson({ products: [{ product_code: "99ZZZ", transferred_on: "2023-01-01" }] }), /products\.0\.product_code: 99ZZZ is not in the product catalogue/],
      [budgetJson({ years: [{ year: 2025 }, { year: 2025 }] }), /years\.1\.year: 2025 is listed twice/],
      [budgetJson({ years: [{ year: 2025, realised_execution: { q5: "1.00" } }] }), /years\.0\.realised_execution/],
      [
        budgetJson({
          tranches: [
            { kind: "transition", year: 2023, amount: "1.00", decided_on: "2023-01-01", decided_by: "SOO" },
            { kind: "transition", year: 2023, amount: "2.00", decided_on: "2023-02-01", decided_by: "SOO" },
          ],
        }),
        /tranches\.1\.year: transition 2023 is listed twice/,
      ],
    ];
    for (const [content, message] of cases) {
      const result = await cli(["budget", "import", file("bad.json", content)]);
      expect([result.code, result.stderr]).toEqual([1, expect.stringMatching(message)]);
    }
    const computed = await cli(["budget", "compute", "--municipality", "GM0014", "--budget", "samen", "--year", "2025", "--format", "json"]);
    expect(JSON.parse(computed.stdout).gross).toBe("11086545.45");
  });

  it("refuses a percentage like 4,9,4 and an index figure twice in one file", async () => {
    for (const [content, message] of [
      ["index_name;year;provisional_pct\nOVA;2026;4,9,4\n", /line 2, provisional_pct: "4,9,4" is not a percentage/],
      ["index_name;year;provisional_pct\nOVA;2026;4,9\nOVA;2026;5,0\n", /line 3, year: OVA 2026 is in the file twice/],
    ] as const) {
      const result = await cli(["import", "index", file("bad-index.csv", content)]);
      expect([result.code, result.stderr]).toEqual([1, expect.stringMatching(message)]);
    }
  });
});

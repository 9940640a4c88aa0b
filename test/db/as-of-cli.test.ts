import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliHarness, type CliHarness } from "../support/cli";

/**
 * `--as-of` on `report segments`, `report concentration` and `report compare`, as operators use
 * the CLI (a child process): a report as of D is the same before and after a later delivery
 * and a replace, and equals the lines declared by D; as of the day before a replace the old
 * lines count; a malformed, future or before-any-data date is a clear message on stderr, with
 * nothing on stdout and a non-zero exit.
 */
let harness: CliHarness;
const cli = (args: string[]) => harness.run(args);
const HEADER = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount;units;referrer";
const D = "2025-04-30";

beforeAll(async () => {
  harness = await cliHarness("jr-as-of-cli-");
});
afterAll(async () => {
  await harness?.close();
});

function file(name: string, rows: string[]) {
  return harness.file(name, [HEADER, ...rows].join("\r\n"));
}

function lines(month: string, municipality: string, clients: number, base: number, provider = "11111111"): string[] {
  return Array.from({ length: clients }, (_, c) => [month, municipality, provider, `Zorg ${provider}`, "45A51", `K${municipality}${c}`, `${base + c},00`, "1", "01"].join(";"));
}

async function ok(args: string[]) {
  const result = await cli(args);
  expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

const REPORTS = [
  ["report", "segments", "--year", "2025", "--as-of", D, "--format", "json"],
  ["report", "segments", "--year", "2025", "--municipality", "GM0014", "--as-of", D, "--format", "csv"],
  ["report", "concentration", "--year", "2025", "--as-of", D, "--format", "json"],
  ["report", "compare", "--year", "2025", "--as-of", D, "--format", "json"],
];

describe("report --as-of", () => {
  let before: string[];

  it("reports as of D the lines declared by D, unchanged by a later delivery", async () => {
    await ok(["migrate"]);
    await ok(["seed"]);
    await ok(["import", "declarations", file("d1.csv", [...lines("2025-01", "GM0014", 6, 100), ...lines("2025-02", "GM0014", 6, 110)]), "--delivered-on", "2025-03-10"]);
    before = [];
    for (const args of REPORTS) before.push(await ok(args));
    const segments = JSON.parse(before[0]!) as { segments: { all: { spending: string; clients: number } } };
    // Six clients, January 100–105 and February 110–115 euros each.
    expect(segments.segments.all).toMatchObject({ spending: (6 * 100 + 15 + 6 * 110 + 15).toFixed(2), clients: 6 });

    await ok(["import", "declarations", file("d2.csv", [...lines("2025-03", "GM0014", 6, 120), ...lines("2025-01", "GM1966", 3, 50)]), "--delivered-on", "2025-06-10"]);
    for (const [i, args] of REPORTS.entries()) expect(await ok(args), args.join(" ")).toBe(before[i]);
    const today = JSON.parse(await ok(["report", "segments", "--year", "2025", "--format", "json"])) as typeof segments;
    expect(today.segments.all.spending).toBe((6 * 100 + 15 + 6 * 110 + 15 + 6 * 120 + 15 + 3 * 50 + 3).toFixed(2));
  }, 300_000);

  it("counts a replace from its delivery date: as of the day before, the old lines", async () => {
    const dayBefore = ["report", "segments", "--year", "2025", "--municipality", "GM0014", "--as-of", "2025-08-31", "--format", "json"];
    const old = await ok(dayBefore);
    await ok(["import", "declarations", file("d3.csv", lines("2025-02", "GM0014", 6, 200)), "--replace", "--delivered-on", "2025-09-01"]);
    expect(await ok(dayBefore)).toBe(old);
    for (const [i, args] of REPORTS.entries()) expect(await ok(args), args.join(" ")).toBe(before[i]);
    const after = JSON.parse(await ok(["report", "segments", "--year", "2025", "--municipality", "GM0014", "--as-of", "2025-09-01", "--format", "json"])) as {
      segments: { all: { spending: string } };
    };
    expect(after.segments.all.spending).toBe((6 * 100 + 15 + 6 * 200 + 15 + 6 * 120 + 15).toFixed(2));
  }, 240_000);

  it("refuses a malformed, future or before-any-data date with a clear message, nothing on stdout", async () => {
    const cases = [
      ["segments", "2025-13-01", /--as-of: as of: expected YYYY-MM-DD, got 2025-13-01/],
      ["segments", "yesterday", /--as-of: as of: expected YYYY-MM-DD, got yesterday/],
      ["segments", "2999-01-01", /--as-of: as of: 2999-01-01 is after today/],
      ["segments", "2025-03-09", /--as-of 2025-03-09 is before any data \(the first line was declared on 2025-03-10\)/],
      ["concentration", "2999-01-01", /--as-of: as of: 2999-01-01 is after today/],
      ["compare", "2025-03-09", /before any data/],
    ] as const;
    // One after the other: the embedded database takes one process at a time.
    for (const [command, value, message] of cases) {
      const result = await cli(["report", command, "--year", "2025", "--as-of", value, "--format", "json"]);
      expect(result.code, `${command} ${value}`).not.toBe(0);
      expect(result.stderr, `${command} ${value}`).toMatch(message);
      expect(result.stdout, `${command} ${value}`).toBe("");
    }
  }, 240_000);

  it("refuses a year outside 2000–2100 (any four digits were taken), naming the range, nothing on stdout", async () => {
    for (const command of ["segments", "forecast"]) {
      const result = await cli(["report", command, "--year", "1800", "--format", "json"]);
      expect([result.code, result.stdout], command).toEqual([1, ""]);
      expect(result.stderr, command).toMatch(/--year must be a year from 2000 to 2100, not 1800/);
    }
  }, 120_000);
});

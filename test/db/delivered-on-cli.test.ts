import { todayInAmsterdam } from "@jeugdregio/format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliHarness, type CliHarness } from "../support/cli";

/** `import declarations --delivered-on` (issue 14 §1) as operators use it: a child process. */
let harness: CliHarness;
const cli = (args: string[]) => harness.run(args);
const file = (name: string, content: string) => harness.file(name, content);

beforeAll(async () => {
  harness = await cliHarness("jr-delivered-");
});
afterAll(async () => {
  await harness?.close();
});

const HEAD = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount;declared_on";

describe("import declarations --delivered-on", () => {
  it("stores the delivery date on the batch and on the lines without declared_on", async () => {
    expect((await cli(["migrate"])).code).toBe(0);
    expect((await cli(["seed"])).code).toBe(0);
    const csv = file("d1.csv", [HEAD, "2025-01;GM0014;12345678;Zorg A;45A51;K1;10,00;2025-02-10", "2025-01;GM0014;12345678;Zorg A;45A51;K2;20,00;"].join("\n"));
    const imported = await cli(["import", "declarations", csv, "--delivered-on", "2025-03-09", "--format", "json"]);
    expect(imported.code, imported.stderr).toBe(0);
    const batches = await cli(["batch", "list", "--format", "json"]);
    expect(JSON.parse(batches.stdout)).toMatchObject([{ file: "d1.csv", delivered_on: "2025-03-09", lines: 2 }]);
    // As of the day before the delivery, only the line declared on 10 February counts.
    const before = await cli(["report", "segments", "--year", "2025", "--as-of", "2025-03-08", "--format", "json"]);
    if (before.code === 0) expect(JSON.parse(before.stdout).segments.all.spending).toBe("10.00");
  }, 240_000);

  it("refuses a delivery date in the future or not a date, with a clear message, storing nothing", async () => {
    const csv = file("d2.csv", [HEAD, "2025-01;GM0014;12345678;Zorg A;45A51;K3;10,00;"].join("\n"));
    for (const [value, reason] of [
      ["2099-01-01", /delivery date 2099-01-01 is after today/],
      ["9-3-2025", /delivery date "9-3-2025" is not a date; expected YYYY-MM-DD/],
    ] as const) {
      const refused = await cli(["import", "declarations", csv, "--delivered-on", value]);
      expect(refused.code, value).not.toBe(0);
      expect(refused.stderr).toMatch(reason);
      expect(refused.stderr).toMatch(/nothing was stored/);
    }
    const batches = await cli(["batch", "list", "--format", "json"]);
    expect(JSON.parse(batches.stdout).map((b: { file: string }) => b.file)).toEqual(["d1.csv"]);
  }, 240_000);

  it("defaults the delivery date to today", async () => {
    const csv = file("d3.csv", [HEAD, "2025-02;GM0014;12345678;Zorg A;45A51;K4;5,00;"].join("\n"));
    expect((await cli(["import", "declarations", csv])).code).toBe(0);
    const batches = JSON.parse((await cli(["batch", "list", "--format", "json"])).stdout) as { file: string; delivered_on: string }[];
    expect(batches.find((b) => b.file === "d3.csv")?.delivered_on).toBe(todayInAmsterdam());
  }, 240_000);
});

import { createReadStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { registerSyntheticMunicipalities, writeScaleFile } from "~/modules/declarations/scale-profile.server";
import { segmentReport } from "~/modules/reports/segment-report.server";
import { createTestDatabase, type TestDatabase } from "../support/database";

/** The scale profile writes exactly the lines asked for, the same file for the same seed, and the file imports. */
let database: TestDatabase;
const work = mkdtempSync(path.join(tmpdir(), "jr-scale-"));
const profile = { lines: 20_000, municipalities: 40, providers: 500, firstYear: 2023, years: 2, seed: 11 };

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Sum of the amount column in cents, read straight from the text (decimal comma). */
function totalCents(text: string): bigint {
  let total = 0n;
  for (const line of text.split("\r\n").slice(1)) {
    if (!line) continue;
    const amount = line.split(";")[6]!;
    total += BigInt(amount.replace(",", ""));
  }
  return total;
}

describe("the scale profile", () => {
  it("writes exactly the lines asked for, deterministically, and the file imports in full", async () => {
    const file = path.join(work, "scale.csv");
    await writeScaleFile(file, profile);
    const text = readFileSync(file, "utf8");
    const lines = text.split("\r\n").filter(Boolean);
    expect(lines.length).toBe(profile.lines + 1);
    const again = path.join(work, "again.csv");
    await writeScaleFile(again, profile);
    expect(readFileSync(again, "utf8")).toBe(text);
    const municipalities = new Set(lines.slice(1).map((l) => l.split(";")[1]));
    expect([...municipalities].every((code) => /^GM5\d{3}$/.test(code!))).toBe(true);

    expect(await registerSyntheticMunicipalities(database.db, profile)).toBe(profile.municipalities);
    const result = await importDeclarations(
      database.db,
      { userId: null, label: "test" },
      { name: "scale.csv", size: null, open: () => createReadStream(file) as AsyncIterable<Uint8Array> },
      { mode: "append", pseudonymKey: "scale-test-key-scale-test-key-scale-test-key", bulk: database.bulk },
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.lines).toBe(profile.lines);
    const reported = await withTenantScope(database.db, ALL_TENANTS, async (trx) => {
      let cents = 0n;
      for (const year of [2023, 2024]) cents += BigInt((await segmentReport(trx, year, { kind: "region" })).segments.all.spending.replace(".", ""));
      return cents;
    });
    expect(reported).toBe(totalCents(text));
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importDeclarations, type ImportProgress } from "~/modules/declarations/declaration-import.server";
import { IMPORT_PHASES, phaseFraction } from "~/modules/imports/import-view";
import { createTestDatabase, type TestDatabase } from "../support/database";

/**
 * The import's progress is honest about each phase (issue 16, import progress): after the last
 * line is stored the import still checks across batches and updates the figures, which has no
 * byte count; it is reported as its own phase ("summarising", no percentage) instead of a bar
 * standing at 100% while the work goes on.
 */
let database: TestDatabase;
const actor = { userId: null, label: "test" };
const KEY = "import-phases-key-import-phases-key-0123456";

const rows: string[] = [];
for (let i = 0; i < 300; i++) rows.push(`2024-0${1 + (i % 9)};GM0014;1111111${i % 3};Zorg ${i % 3};45A51;KG${i};${100 + i},00`);
const header = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount";

async function phasesOf(file: string, bulk: boolean): Promise<ImportProgress[]> {
  const seen: ImportProgress[] = [];
  const bytes = new TextEncoder().encode(file);
  const result = await importDeclarations(
    database.db,
    actor,
    { name: `d${Math.random()}.csv`, size: bytes.length, async *open() { yield bytes; } },
    { mode: "append", pseudonymKey: KEY, onProgress: (p) => seen.push(p), ...(bulk ? { bulk: database.bulk } : {}) },
  );
  expect(result.ok).toBe(true);
  return seen;
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe("the import's phases", () => {
  for (const bulk of [true, false]) {
    it(`come in order and end with updating the figures, then done (${bulk ? "bulk" : "row by row"})`, async () => {
      // Another delivery's months each time (a distinct file), so both paths store lines.
      const file = [header, ...rows.map((r) => (bulk ? r : r.replace("2024-", "2023-")))].join("\r\n");
      const seen = await phasesOf(file, bulk);
      const order = seen.map((p) => IMPORT_PHASES.indexOf(p.phase));
      expect(order.every((index) => index >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      const phases = [...new Set(seen.map((p) => p.phase))];
      expect(phases.slice(-2)).toEqual(["summarising", "done"]);
      // Updating the figures has no percentage; storing reached the whole file before it.
      const summarising = seen.find((p) => p.phase === "summarising")!;
      expect(phaseFraction({ ...summarising, totalBytes: summarising.totalBytes })).toBeNull();
      expect(summarising.rows).toBe(rows.length);
    });
  }
});

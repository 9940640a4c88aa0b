import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rowsToCsv } from "~/modules/export/csv";
import { toCsv } from "~/modules/export/files.server";

/**
 * The CSV a table writes in the browser (DataTable's download) follows the server's rules byte for
 * byte: the same separator, BOM, line ends, quoting and formula escaping as csv-stringify's files.
 */
describe("the browser's CSV", () => {
  it("writes the same bytes as the server's CSV for any text, number or empty cell", () => {
    const cell = fc.oneof(
      fc.string({ unit: fc.constantFrom("a", "Z", " ", ";", '"', "\r", "\n", "\t", "=", "+", "-", "@", ",", ".", "é", "\u00a0") }),
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.constant(null),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { maxLength: 6 }), (rows) => {
        expect(rowsToCsv(rows)).toBe(toCsv(rows, { decimalComma: true }));
      }),
      { numRuns: 2000 },
    );
  });

  it("writes money exactly, with a decimal comma and a minus sign that is not taken for a formula", () => {
    expect(rowsToCsv([["Zorg", { decimal: "-1234567.89" }, { decimal: "0.10" }]])).toBe("\uFEFFZorg;-1234567,89;0,10\r\n");
    expect(rowsToCsv([["-5"]])).toBe("\uFEFF'-5\r\n");
  });
});

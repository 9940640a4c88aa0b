import { describe, expect, it } from "vitest";
import { reportCsv, toCsv } from "~/modules/export/files.server";

/**
 * The one export module (issue 15 §2): the pages' CSV as Dutch Excel reads it and the CLI's CSV
 * for scripts, both written by csv-stringify, formula escaping in one place.
 */
describe("the pages' CSV", () => {
  it("is ;-separated with a BOM and CRLF, quotes what Excel would split or trim, and defuses formulas", () => {
    const csv = toCsv(
      [
        ["name", "amount", "note"],
        ["Zorg; en meer", -1234.5, 'zei "ja"'],
        ["=HYPERLINK(\"x\")", 12, "regel 1\nregel 2"],
        [" spatie", null, "@SUM(A1)"],
      ],
      { decimalComma: true },
    );
    expect(csv).toBe(
      '\uFEFFname;amount;note\r\n"Zorg; en meer";-1234,5;"zei ""ja"""\r\n"\'=HYPERLINK(""x"")";12;"regel 1\nregel 2"\r\n" spatie";;\'@SUM(A1)\r\n',
    );
  });

  it("writes numbers with a decimal point unless asked for a comma, never with thousands separators", () => {
    expect(toCsv([[1234567.25, "-5"]])).toBe("\uFEFF1234567.25;'-5\r\n");
  });
});

describe("the CLI's CSV", () => {
  it("is comma-separated with a header of the keys, LF, no BOM, quoted only when needed, money text as given", () => {
    expect(reportCsv([{ provider: "Zorg, BV", spending: "-12.50", clients: null, in_80: true }, { provider: 'De "Brug"', spending: "3.00", clients: 4, in_80: false }])).toBe(
      'provider,spending,clients,in_80\n"Zorg, BV",-12.50,,true\n"De ""Brug""",3.00,4,false\n',
    );
  });

  it("prints nothing for no records", () => {
    expect(reportCsv([])).toBe("");
  });
});

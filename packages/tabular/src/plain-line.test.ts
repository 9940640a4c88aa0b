import { describe, expect, it } from "vitest";
import { splitPlainLine } from "./plain-line";

describe("splitPlainLine", () => {
  it("splits like the CSV parser on plain lines", async () => {
    const { parse } = await import("csv-parse/sync");
    const lines = [
      "a;b;c",
      ";;",
      '1;"Zorg ""Het Kompas""; Noord";3',
      '"";"x";',
      '"a;b"',
      "é;€;ë",
    ];
    for (const line of lines) {
      const expected = (parse(line, { delimiter: ";" }) as string[][])[0] ?? [""];
      expect(splitPlainLine(line, ";")).toEqual(expected);
    }
  });

  it("gives up on lines that are not plain", () => {
    for (const line of ['a;b"c', '"a"b;c', '"a;b', 'a;"b"x']) expect([line, splitPlainLine(line, ";")]).toEqual([line, null]);
  });
});

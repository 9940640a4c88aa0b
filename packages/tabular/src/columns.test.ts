import { describe, expect, it } from "vitest";
import { extraColumns, requireColumns, type Table } from "./index";

const table: Table = { format: "csv", delimiter: ";", header: ["municipality_code", "year", "remark"], rows: [] };

describe("requireColumns / extraColumns", () => {
  it("returns the missing required columns, comparing case-insensitively", () => {
    expect(requireColumns(table, ["municipality_code", "YEAR", "inhabitants_0_17"])).toEqual(["inhabitants_0_17"]);
    expect(requireColumns(table, ["year"])).toEqual([]);
  });

  it("returns the columns that are not known", () => {
    expect(extraColumns(table, ["Municipality_Code", "year"])).toEqual(["remark"]);
    expect(extraColumns(table, ["municipality_code", "year", "remark"])).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { protectCounts, protectRows, protectSegmentTable, SEGMENT_COLUMNS, type SegmentFiguresJson } from "./index";

const hide = { hideSmallCounts: true };
const show = { hideSmallCounts: false };

describe("protectCounts", () => {
  it("hides counts from 1 to 4, and the smallest other one when only one would be hidden", () => {
    expect(protectCounts([8, 3, 1], hide)).toEqual([8, null, null]);
    expect(protectCounts([6, 2], hide)).toEqual([null, null]);
    expect(protectCounts([0, 5, 12], hide)).toEqual([0, 5, 12]);
  });

  it("leaves every count when the rule does not hide", () => {
    expect(protectCounts([6, 2, 1], show)).toEqual([6, 2, 1]);
  });

  it("protects rows by their clients and keeps the rest", () => {
    expect(protectRows([{ name: "a", clients: 9 }, { name: "b", clients: 2 }, { name: "c", clients: 3 }], hide)).toEqual([
      { name: "a", clients: 9 },
      { name: "b", clients: null },
      { name: "c", clients: null },
    ]);
  });
});

describe("protectSegmentTable", () => {
  const figures = (clients: number, avg: string | null): SegmentFiguresJson => ({
    clients,
    spending: "100.00",
    avg_per_client: avg,
    providers: 1,
    spending_80: "100.00",
    providers_80: 1,
  });
  const table = Object.fromEntries(SEGMENT_COLUMNS.map((col) => [col, figures(0, null)])) as Record<(typeof SEGMENT_COLUMNS)[number], SegmentFiguresJson>;
  table.all = figures(40, "2.50");
  table.basishulp = figures(38, "2.63");
  table.hsj = figures(2, "50.00");

  it("hides a small count with its average (and the next smallest), never the spending", () => {
    const safe = protectSegmentTable(table, hide);
    expect(safe.hsj).toEqual({ ...table.hsj, clients: null, avg_per_client: null });
    expect(safe.basishulp).toEqual({ ...table.basishulp, clients: null, avg_per_client: null });
    expect(safe.all).toEqual(table.all);
    expect(safe.wonen).toEqual(table.wonen);
  });

  it("is the table itself when nothing is hidden", () => {
    expect(protectSegmentTable(table, show)).toEqual(table);
  });
});

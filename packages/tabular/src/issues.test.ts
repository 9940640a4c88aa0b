import { describe, expect, it } from "vitest";
import { IssueCollector, summariseIssues, type RowIssue } from "./index";

const issue = (line: number, code: string): RowIssue => ({ line, column: "x", code, message: `Line ${line}: ${code}` });

describe("summariseIssues / IssueCollector", () => {
  it("shows everything, in order, when under the limit", () => {
    const issues = [issue(2, "a"), issue(3, "b"), issue(3, "a")];
    expect(summariseIssues(issues)).toEqual({ shown: issues, total: 3, countsByCode: { a: 2, b: 1 } });
  });

  it("defaults to a limit of 200 and counts all issues", () => {
    const issues = Array.from({ length: 1000 }, (_, i) => issue(i + 2, "invalid_amount"));
    const summary = summariseIssues(issues);
    expect(summary.shown).toHaveLength(200);
    expect(summary.shown[0]).toBe(issues[0]);
    expect(summary.shown[199]).toBe(issues[199]);
    expect(summary.total).toBe(1000);
    expect(summary.countsByCode).toEqual({ invalid_amount: 1000 });
  });

  it("keeps the first issue of every code even when it comes after the limit, in file order", () => {
    const issues = [
      ...Array.from({ length: 10 }, (_, i) => issue(i + 2, "invalid_amount")),
      issue(50, "unknown_municipality"),
      issue(51, "invalid_amount"),
      issue(60, "invalid_period"),
      issue(61, "unknown_municipality"),
    ];
    const summary = summariseIssues(issues, 5);
    expect(summary.shown.map((i) => [i.line, i.code])).toEqual([
      [2, "invalid_amount"],
      [3, "invalid_amount"],
      [4, "invalid_amount"],
      [50, "unknown_municipality"],
      [60, "invalid_period"],
    ]);
    expect(summary.total).toBe(14);
    expect(summary.countsByCode).toEqual({ invalid_amount: 11, unknown_municipality: 2, invalid_period: 1 });
  });

  it("cannot show more codes than the limit allows", () => {
    const summary = summariseIssues([issue(2, "a"), issue(3, "b"), issue(4, "c")], 2);
    expect(summary.shown.map((i) => i.code)).toEqual(["a", "b"]);
    expect(summary.countsByCode).toEqual({ a: 1, b: 1, c: 1 });
    expect(summariseIssues([issue(2, "a")], 0)).toEqual({ shown: [], total: 1, countsByCode: { a: 1 } });
  });

  it("collects incrementally with the same result as summariseIssues", () => {
    const codes = ["a", "a", "b", "a", "c", "a", "b", "d", "a", "e", "e", "f"];
    const issues = codes.map((code, i) => issue(i + 2, code));
    for (const limit of [0, 1, 2, 3, 4, 5, 6, 12, 20]) {
      const collector = new IssueCollector(limit);
      for (const i of issues) collector.add(i);
      expect(collector.total).toBe(issues.length);
      const summary = collector.summary();
      expect(summary).toEqual(summariseIssues(issues, limit));
      // batch rule: first issue of each code (as far as room allows), then the earliest others, in file order
      const firsts = issues.filter((i, idx) => issues.findIndex((j) => j.code === i.code) === idx).slice(0, limit);
      const others = issues.filter((i) => !firsts.includes(i)).slice(0, Math.max(0, limit - firsts.length));
      expect(summary.shown).toEqual(issues.filter((i) => firsts.includes(i) || others.includes(i)));
    }
  });

  it("rejects a negative limit", () => {
    expect(() => new IssueCollector(-1)).toThrow(RangeError);
  });
});

import { describe, expect, it } from "vitest";
import { thisMonth } from "~/modules/roadmap/roadmap.server";

/**
 * One clock (issue 15 §2): the roadmap's "this month" (late steps, the timeline's today line, the
 * CLI's default `--today`) follows the region's calendar, so just after midnight on 1 January in
 * Groningen it is January there, whatever the server's own clock (UTC) says.
 */
describe("the roadmap's month", () => {
  it("is the month in Amsterdam, also in the hour around midnight UTC", () => {
    expect(thisMonth(new Date("2026-12-31T23:30:00Z"))).toBe("2027-01");
    expect(thisMonth(new Date("2027-03-31T22:15:00Z"))).toBe("2027-04");
    expect(thisMonth(new Date("2027-03-31T21:45:00Z"))).toBe("2027-03");
  });
});

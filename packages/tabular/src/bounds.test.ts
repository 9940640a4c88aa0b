import { describe, expect, it } from "vitest";
import { fitsInt4, fitsNumeric, hasNul, INT4_MAX, numeric, numericMax, storableName, textLength, textProblem } from "./index";

describe("database bounds", () => {
  it("int4: the range of PostgreSQL's integer, whole numbers only", () => {
    expect(fitsInt4(INT4_MAX)).toBe(true);
    expect(fitsInt4(-2_147_483_648)).toBe(true);
    expect(fitsInt4(2_147_483_648)).toBe(false);
    expect(fitsInt4(99_999_999_999)).toBe(false);
    expect(fitsInt4(1.5)).toBe(false);
  });

  it("numeric(p, s): below 10^(p−s) after rounding to s decimals", () => {
    expect(numericMax(numeric(7, 4)).toString()).toBe("999.9999");
    expect(numericMax(numeric(14, 2)).toFixed(2)).toBe("999999999999.99");
    expect(fitsNumeric("999.9999", numeric(7, 4))).toBe(true);
    expect(fitsNumeric("-999.9999", numeric(7, 4))).toBe(true);
    expect(fitsNumeric("99999", numeric(7, 4))).toBe(false);
    // Rounded first, as PostgreSQL does: 999.99995 becomes 1000.0000, which does not fit.
    expect(fitsNumeric("999.99995", numeric(7, 4))).toBe(false);
    expect(fitsNumeric("999.99994", numeric(7, 4))).toBe(true);
    expect(fitsNumeric("99999999999999.99", numeric(16, 2))).toBe(true);
    expect(fitsNumeric("100000000000000", numeric(16, 2))).toBe(false);
    expect(fitsNumeric("not a number", numeric(16, 2))).toBe(false);
  });

  it("text: no NUL character, length in characters as PostgreSQL counts them", () => {
    expect(hasNul("a\u0000b")).toBe(true);
    expect(hasNul("ab")).toBe(false);
    expect(textLength("😀é")).toBe(2);
    expect(textProblem("Zorg\u0000groep", { max: 200 })).toBe("nul");
    expect(textProblem("x".repeat(201), { max: 200 })).toBe("too_long");
    expect(textProblem("😀".repeat(200), { max: 200 })).toBeNull();
    expect(textProblem("", { min: 1 })).toBe("too_short");
  });

  it("a name from outside: control characters replaced, cut to a length", () => {
    expect(storableName("decl\u0000ara\ttions.csv")).toBe("decl_ara_tions.csv");
    expect(storableName("é".repeat(300), 255)).toBe("é".repeat(255));
  });
});

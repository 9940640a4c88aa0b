import { describe, expect, it } from "vitest";
import { elevenTest, normaliseBsn, parseReferrer, REFERRER_KEYS } from "./index";

describe("elevenTest", () => {
  const cases: [string, boolean][] = [
    ["111222333", true],
    ["123456782", true],
    ["012345672", true],
    ["999999990", true], // 9·(9+8+…+2) = 396 = 36·11, minus 0
    ["111222334", false],
    ["123456789", false],
    ["000000000", false], // passes the arithmetic, but is not a BSN
    ["12345672", false], // 8 digits: the validator pads, the test itself does not
    ["1234567820", false],
    ["12345678a", false],
    [" 123456782", false],
    ["", false],
  ];
  it.each(cases)("elevenTest(%j) → %s", (bsn, expected) => {
    expect(elevenTest(bsn)).toBe(expected);
  });

  it("matches the definition for every last digit", () => {
    for (let d = 0; d <= 9; d++) {
      const bsn = `12345678${d}`;
      const sum = [1, 2, 3, 4, 5, 6, 7, 8].reduce((s, digit, i) => s + digit * (9 - i), 0) - d;
      expect(elevenTest(bsn)).toBe(sum % 11 === 0);
    }
  });
});

describe("normaliseBsn", () => {
  it("pads 8 digits and XLSX numbers, rejects the rest", () => {
    expect(normaliseBsn("123456782")).toBe("123456782");
    expect(normaliseBsn(" 12345672 ")).toBe("012345672");
    expect(normaliseBsn(12345672)).toBe("012345672");
    expect(normaliseBsn(123456782)).toBe("123456782");
    expect(normaliseBsn(1234567)).toBeNull();
    expect(normaliseBsn(0)).toBeNull();
    expect(normaliseBsn(123456782.5)).toBeNull();
    expect(normaliseBsn("00000000")).toBeNull();
    expect(normaliseBsn("123456789")).toBeNull();
  });
});

describe("parseReferrer", () => {
  it("knows each key by its own name and its iJw code", () => {
    expect(REFERRER_KEYS.map((key) => parseReferrer(key))).toEqual([...REFERRER_KEYS]);
    expect(["01", "02", "03", "04", "05", "06"].map((code) => parseReferrer(code))).toEqual([
      "local_team",
      "gp",
      "youth_doctor",
      "certified_institution",
      "medical_specialist",
      "other",
    ]);
  });

  it("returns null for unknown text and numbers out of range", () => {
    expect(parseReferrer("school")).toBeNull();
    expect(parseReferrer("")).toBeNull();
    expect(parseReferrer(7)).toBeNull();
    expect(parseReferrer(1.5)).toBeNull();
    expect(parseReferrer("007")).toBeNull();
  });
});

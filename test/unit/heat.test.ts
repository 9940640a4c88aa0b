import { describe, expect, it } from "vitest";
import { contrast, heat, heatBackground, relativeLuminance } from "~/components/heat";

const hex = (value: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(value.slice(i, i + 2), 16) / 255) as [number, number, number];

/** The comparison heat map's colours (issue 16): every cell's text at least 4.5:1 (WCAG 2.1 AA, 1.4.3). */
describe("the heat map's colours", () => {
  it("measures contrast as axe does", () => {
    // axe's figures for the colours it refused: white on #6091c3 is 3.31:1, on #5c8fc1 3.41:1.
    expect(contrast(1, relativeLuminance(hex("#6091c3")))).toBeCloseTo(3.31, 2);
    expect(contrast(1, relativeLuminance(hex("#5c8fc1")))).toBeCloseTo(3.41, 2);
    expect(contrast(relativeLuminance(hex("#ffffff")), relativeLuminance(hex("#000000")))).toBeCloseTo(21, 5);
  });

  it("gives every value from the lowest to the highest a text colour of at least 4.5:1", () => {
    const seen = new Set<string>();
    for (let value = 0; value <= 1000; value++) {
      const style = heat(value, 0, 1000);
      const background = heatBackground(style);
      expect(background, style.backgroundColor).not.toBeNull();
      const text = relativeLuminance(hex(style.color!));
      const ratio = contrast(text, relativeLuminance(background!));
      expect([style.backgroundColor, style.color, ratio >= 4.5]).toEqual([style.backgroundColor, style.color, true]);
      seen.add(style.color!);
    }
    // Both text colours are used: dark on the light end, white on the dark end.
    expect([...seen].sort()).toEqual(["#000000", "#ffffff"]);
    expect(heat(0, 0, 1000).color).toBe("#000000");
    expect(heat(1000, 0, 1000).color).toBe("#ffffff");
  });

  it("colours nothing without a value or a range", () => {
    expect(heat(null, 0, 1)).toEqual({});
    expect(heat(5, 3, 3)).toEqual({});
    expect(heat(Number.NaN, 0, 1)).toEqual({});
  });
});

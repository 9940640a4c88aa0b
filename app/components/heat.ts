/**
 * The comparison heat map's cell colours: a blue from light (lowest in the column) to dark
 * (highest), with whichever text colour, white or black, contrasts more with it. That choice is
 * made on the colour's relative luminance (WCAG 2.1), not on its lightness: a fixed lightness
 * threshold gave white on #5c8fc1 (3.4:1). Black or white always reaches at least 4.58:1.
 */
export interface HeatStyle {
  backgroundColor?: string;
  color?: string;
}

/** sRGB channels (0..1) of hsl(h s% l%). */
function hslToRgb(hue: number, saturation: number, lightness: number): [number, number, number] {
  const s = saturation / 100;
  const l = lightness / 100;
  const k = (n: number) => (n + hue / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
  return [f(0), f(8), f(4)];
}

/** WCAG 2.1 relative luminance of sRGB channels rounded to 8 bits, as the browser paints them. */
export function relativeLuminance([r, g, b]: [number, number, number]): number {
  const linear = (c: number) => {
    const v = Math.round(c * 255) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

export const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

const HUE = 210;
const SATURATION = 45;

/** The cell's style for `value` between the column's `low` and `high`; nothing without a value. */
export function heat(value: number | null, low: number, high: number): HeatStyle {
  if (value === null || !Number.isFinite(value) || high <= low) return {};
  const lightness = Math.round(96 - ((value - low) / (high - low)) * 56);
  const background = relativeLuminance(hslToRgb(HUE, SATURATION, lightness));
  const white = contrast(1, background) >= contrast(0, background);
  return { backgroundColor: `hsl(${HUE} ${SATURATION}% ${lightness}%)`, color: white ? "#ffffff" : "#000000" };
}

/** For tests: the sRGB channels a heat style's background stands for. */
export function heatBackground(style: HeatStyle): [number, number, number] | null {
  const match = /^hsl\((\d+) (\d+)% (\d+)%\)$/.exec(style.backgroundColor ?? "");
  return match ? hslToRgb(Number(match[1]), Number(match[2]), Number(match[3])) : null;
}

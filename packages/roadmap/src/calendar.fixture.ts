/**
 * For the tests: an independent calendar, every month from 2000-01 to 2101-12 written out
 * in a list, so expectations are reckoned by counting list positions rather than with the
 * month arithmetic under test.
 */
export const CALENDAR: readonly string[] = Array.from({ length: 102 * 12 }, (_, i) => {
  const year = 2000 + Math.floor(i / 12);
  const month = (i % 12) + 1;
  return `${year}-${month < 10 ? "0" : ""}${month}`;
});

const POSITION = new Map(CALENDAR.map((m, i) => [m, i]));

/** The month's position in CALENDAR (throws for a month outside it: a broken test). */
export function pos(month: string): number {
  const p = POSITION.get(month);
  if (p === undefined) throw new Error(`not in the test calendar: ${month}`);
  return p;
}

/** The month `n` positions on in CALENDAR. */
export function at(month: string, n: number): string {
  const m = CALENDAR[pos(month) + n];
  if (m === undefined) throw new Error(`off the test calendar: ${month} + ${n}`);
  return m;
}

/**
 * A small deterministic generator (mulberry32): `next(n)` is 0 … n − 1. Not a plain LCG
 * modulo n: in floating point its low bits degrade, and next(2) came out 0 almost always.
 */
export function generator(seed: number) {
  let state = seed >>> 0;
  return (n: number) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

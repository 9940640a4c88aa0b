/**
 * The eleven-test (elfproef) for a Dutch citizen service number (BSN): exactly 9 digits,
 * not all zeros, and sum(digit[i] × (9 − i), i = 0..7) − digit[8] ≡ 0 (mod 11).
 */
export function elevenTest(bsn: string): boolean {
  if (!/^\d{9}$/.test(bsn) || bsn === "000000000") return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(bsn[i]) * (9 - i);
  sum -= Number(bsn[8]);
  return sum % 11 === 0;
}

/**
 * Normalises a BSN cell to 9 digits: a string of 9 digits, or of 8 digits (a leading zero lost,
 * e.g. by Excel) which gets the zero back; an XLSX number the same way. Returns null for anything
 * else, including a value that fails the eleven-test.
 */
export function normaliseBsn(value: string | number): string | null {
  let digits: string;
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value <= 0) return null;
    digits = String(value);
  } else {
    digits = value.trim();
  }
  if (/^\d{8}$/.test(digits)) digits = `0${digits}`;
  return elevenTest(digits) ? digits : null;
}

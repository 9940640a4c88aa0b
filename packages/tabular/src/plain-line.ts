import type { Delimiter } from "./types";

/**
 * Splits one line of a CSV file of the plain shape: quotes only around whole fields, `""`
 * inside them, no line breaks inside values. Returns null when the line breaks that shape
 * after all (then the caller should use the full parser).
 */
export function splitPlainLine(line: string, delimiter: Delimiter): string[] | null {
  if (line.indexOf('"') === -1) return line.split(delimiter);
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let value = "";
      let from = i + 1;
      for (;;) {
        const close = line.indexOf('"', from);
        if (close === -1) return null;
        value += line.slice(from, close);
        if (line.charCodeAt(close + 1) === 34) {
          value += '"';
          from = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== delimiter) return null;
      i++;
    } else {
      const next = line.indexOf(delimiter, i);
      const end = next === -1 ? line.length : next;
      const value = line.slice(i, end);
      if (value.indexOf('"') !== -1) return null;
      fields.push(value);
      if (next === -1) return fields;
      i = next + 1;
    }
  }
}

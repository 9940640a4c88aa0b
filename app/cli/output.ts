export type OutputFormat = "table" | "json";

/** Machine output on stdout only: JSON, or an aligned plain-text table. */
export function printRecords(records: Record<string, unknown>[], format: OutputFormat): void {
  if (format === "json") {
    process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    return;
  }
  if (!records.length) return;
  const columns = Object.keys(records[0]!);
  const cell = (value: unknown) => (value === null || value === undefined ? "" : String(value));
  const widths = columns.map((c) => Math.max(c.length, ...records.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join("  ").trimEnd();
  process.stdout.write(`${line(columns)}\n`);
  for (const record of records) process.stdout.write(`${line(columns.map((c) => cell(record[c])))}\n`);
}

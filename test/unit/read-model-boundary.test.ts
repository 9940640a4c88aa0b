import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * One home for the figures (issue 15): SQL over the declaration lines belongs to the read model
 * (app/modules/figures/), the import that writes the lines (app/modules/declarations/) and the
 * batch service (a batch's own lines). STILL_TO_MOVE named the modules that read the lines with SQL
 * of their own; it is empty since the budgets and the forecast read through the read model
 * (figures/budget-lines.server.ts, figures/forecast-inputs.server.ts) and must stay so: a file
 * with such SQL outside the homes fails here.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const HOMES = ["app/modules/figures/", "app/modules/declarations/", "app/modules/imports/batches.server.ts"];
const STILL_TO_MOVE: string[] = [];
// Raw SQL (`from declaration d`, `join declaration`, `update declaration`) and Kysely (`selectFrom("declaration as d")`).
const OVER_LINES = [/\b(from|join|into|update)\s+declaration\b(?!_)/i, /\b(selectFrom|insertInto|updateTable|deleteFrom)\(\s*["']declaration(\s+as\s+\w+)?["']/];

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sources(relative);
    return /\.(ts|tsx)$/.test(entry.name) ? [relative] : [];
  });
}

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

describe("SQL over the declaration lines", () => {
  const offenders = sources("app")
    .filter((file) => !HOMES.some((home) => file.startsWith(home)))
    .filter((file) => OVER_LINES.some((pattern) => pattern.test(withoutComments(readFileSync(path.join(ROOT, file), "utf8")))));

  it("is written only in the read model, the import and the batch service (and the modules still to move)", () => {
    expect(offenders.filter((file) => !STILL_TO_MOVE.includes(file))).toEqual([]);
  });

  it("is gone from a module taken off the list, and the list names only modules that still have it", () => {
    expect(STILL_TO_MOVE.filter((file) => !offenders.includes(file))).toEqual([]);
  });
});

import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import en from "~/i18n/en.json";
import nl from "~/i18n/nl.json";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

/** Every audit action the code records: the literals on an `action:` line, and the finance changes' `<subject>.change`. */
function recordedActions(): string[] {
  const actions = new Set<string>();
  for (const file of sourceFiles(path.resolve("app"))) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      // Not the audit log's own sort columns and filters (action: "action", a column name).
      if (!/\baction: /.test(line) || /actionLabel|ActionFunction|\bSORTS\b|filters/.test(line)) continue;
      for (const [, code] of line.matchAll(/action: [^,}]*?"([a-z_.]+)"/g)) actions.add(code!);
      for (const [, code] of line.matchAll(/\? "([a-z_.]+)" : "([a-z_.]+)"/g)) actions.add(code!);
      for (const [, , other] of line.matchAll(/\? "([a-z_.]+)" : "([a-z_.]+)"/g)) actions.add(other!);
    }
  }
  // finance-entries.server.ts: `${subject.split(":")[0]}.change`, subjects `budget:<key>` and `other_spending`.
  for (const subject of ["budget", "other_spending"]) actions.add(`${subject}.change`);
  return [...actions].sort();
}

describe("audit actions", () => {
  it("each have a text in Dutch and English (the audit log shows no codes)", () => {
    const actions = recordedActions();
    expect(actions).toEqual(expect.arrayContaining(["budget.save", "declarations.import", "login", "user.disable", "user.enable"]));
    const key = (action: string) => action.replace(/\./g, "_");
    expect(actions.filter((a) => !(key(a) in nl.stored.actions))).toEqual([]);
    expect(actions.filter((a) => !(key(a) in en.stored.actions))).toEqual([]);
  });
});

describe("one term per figure", () => {
  it("calls the structural adjustment the same in every Dutch text", () => {
    expect(JSON.stringify(nl)).not.toMatch(/[Ss]tructurele aanpassing/);
    expect(JSON.stringify(nl)).toMatch(/Structurele bijstelling/);
  });
});

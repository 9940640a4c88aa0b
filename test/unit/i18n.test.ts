import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import en from "~/i18n/en.json";
import nl from "~/i18n/nl.json";

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "string" ? [prefix + key] : flatten(value, `${prefix}${key}.`),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

const appDir = path.resolve("app");
const files = sourceFiles(appDir).map((file) => ({ file: path.relative(appDir, file), text: readFileSync(file, "utf8") }));
const nlKeys = new Set(flatten(nl as Tree));
const enKeys = new Set(flatten(en as Tree));
const namespaces = Object.keys(nl);

function hasPrefix(keys: Set<string>, prefix: string) {
  return [...keys].some((key) => key.startsWith(prefix));
}

describe("translation files", () => {
  it("have the same keys in Dutch and English", () => {
    expect([...nlKeys].filter((k) => !enKeys.has(k))).toEqual([]);
    expect([...enKeys].filter((k) => !nlKeys.has(k))).toEqual([]);
  });

  it("have no empty texts", () => {
    const empty = (tree: Tree) => flatten(tree).filter((key) => {
      const value = key.split(".").reduce<string | Tree>((node, part) => (node as Tree)[part]!, tree);
      return typeof value === "string" && !value.trim();
    });
    expect(empty(nl as Tree)).toEqual([]);
    expect(empty(en as Tree)).toEqual([]);
  });

  it("contain every key the code uses", () => {
    // Literal keys: any quoted string that starts with one of the namespaces.
    const literal = new RegExp(`["'\`]((?:${namespaces.join("|")})\\.[A-Za-z0-9_.]+)["'\`]`, "g");
    // Keys built at run time (t(\`roles.\${role}\`)): their fixed prefix must exist.
    const dynamic = new RegExp(`\`((?:${namespaces.join("|")})\\.[A-Za-z0-9_.]*)\\$\\{`, "g");
    const missing: string[] = [];
    for (const { file, text } of files) {
      for (const match of text.matchAll(literal)) {
        const key = match[1]!;
        // Audit action names ("population.import") look like keys but are not shown.
        if (/action|AuditEvent/.test(text.slice(Math.max(0, match.index! - 40), match.index))) continue;
        if (!nlKeys.has(key) && !hasPrefix(nlKeys, `${key}.`)) missing.push(`${file}: ${key} (nl)`);
        if (!enKeys.has(key) && !hasPrefix(enKeys, `${key}.`)) missing.push(`${file}: ${key} (en)`);
      }
      for (const [, prefix] of text.matchAll(dynamic)) {
        if (!hasPrefix(nlKeys, prefix!) || !hasPrefix(enKeys, prefix!)) missing.push(`${file}: ${prefix}… (prefix)`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("cover every role and every error code the code can produce", () => {
    for (const role of ["municipal_viewer", "municipal_editor", "rigg_analyst", "steering_member", "admin"]) {
      expect(nlKeys.has(`roles.${role}`) && enKeys.has(`roles.${role}`)).toBe(true);
    }
  });
});

describe("components", () => {
  it("hold no user-visible text outside the translation files", () => {
    const offences: string[] = [];
    for (const { file, text } of files.filter((f) => f.file.endsWith(".tsx"))) {
      // Text between JSX tags that contains a letter, e.g. <h1>Welkom</h1>.
      const code = text.replace(/\{\/\*[\s\S]*?\*\/\}/g, "");
      for (const match of code.matchAll(/(?<!=)>([^<>{}()=;]*\p{L}[^<>{}()=;]*)</gu)) {
        const content = match[1]!.trim();
        if (content) offences.push(`${file}: text "${content}"`);
      }
      // Literal texts in attributes people read or hear.
      for (const match of code.matchAll(/\b(aria-label|title|placeholder|alt)="([^"]*\p{L}[^"]*)"/gu)) {
        offences.push(`${file}: ${match[1]}="${match[2]}"`);
      }
    }
    expect(offences).toEqual([]);
  });
});

import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testServerUrl, type TestDatabase } from "../support/database";

/** The CLI as operators use it: a child process, stdout for results, stderr for the rest. */
let database: TestDatabase | null = null;
let env: Record<string, string>;
const work = mkdtempSync(path.join(tmpdir(), "jr-cli-"));

beforeAll(async () => {
  const base = { ...process.env, LOG_LEVEL: "warn" } as Record<string, string>;
  delete base.DATABASE_URL;
  delete base.TEST_DATABASE_URL;
  if (testServerUrl()) {
    database = await createTestDatabase({ seed: false });
    env = { ...base, DATABASE_URL: database.url! };
  } else {
    env = { ...base, DATA_DIR: path.join(work, "data") };
  }
});
afterAll(async () => {
  await database?.close();
});

/** Asynchronous, so the test worker keeps answering the runner while the CLI works. */
function cli(args: string[], input?: string, extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      path.resolve("node_modules/.bin/tsx"),
      ["app/cli/main.server.ts", ...args],
      { env: { ...env, ...extraEnv } as NodeJS.ProcessEnv, encoding: "utf8", timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(input ?? "");
  });
}

function file(name: string, content: string) {
  const full = path.join(work, name);
  writeFileSync(full, content);
  return full;
}

describe("cli", () => {
  it("migrates and seeds the reference data", async () => {
    const migrate = await cli(["migrate"]);
    expect(migrate.code, migrate.stderr).toBe(0);
    const seed = await cli(["seed"]);
    expect(seed.code, seed.stderr).toBe(0);
    expect(seed.stderr).toMatch(/reference data/);
    expect(seed.stdout).toBe("");
  });

  it("creates, lists, disables and resets users; JSON output is pure JSON on stdout", async () => {
    const created = await cli(
      ["user", "create", "--email", "Beleid@Groningen.nl", "--name", "Beleid", "--role", "municipal_editor", "--municipality", "GM0014", "--password-stdin", "--format", "json"],
      "a-long-enough-password\n",
    );
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toEqual([{ id: expect.any(String), email: "beleid@groningen.nl" }]);

    const listed = await cli(["user", "list", "--format", "json"]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toContainEqual({
      email: "beleid@groningen.nl", name: "Beleid", role: "municipal_editor", municipality: "GM0014", status: "active",
    });

    expect((await cli(["user", "disable", "beleid@groningen.nl"])).code).toBe(0);
    const afterDisable = JSON.parse((await cli(["user", "list", "--format", "json"])).stdout) as { email: string; status: string }[];
    expect(afterDisable.find((u) => u.email === "beleid@groningen.nl")?.status).toBe("disabled");

    const reset = await cli(["user", "reset-password", "beleid@groningen.nl"]);
    expect(reset.code).toBe(0);
    expect(reset.stderr).toMatch(/Generated password \(shown once\): \S{12,}/);
    expect(reset.stdout).toBe("");
  });

  it("refuses invalid users with a clear message and a non-zero exit", async () => {
    const noMunicipality = await cli(["user", "create", "--email", "x@y.nl", "--name", "X", "--role", "municipal_viewer", "--password-stdin"], "a-long-enough-password\n");
    expect(noMunicipality.code).toBe(1);
    expect(noMunicipality.stderr).toMatch(/municipality_required/);
    const badRole = await cli(["user", "create", "--email", "x@y.nl", "--name", "X", "--role", "king"]);
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toMatch(/Allowed choices/);
  });

  it("imports a Dutch population file all or nothing", async () => {
    const good = file("bevolking.csv", "\uFEFFmunicipality_code;year;inhabitants_0_17\r\nGM0014;2030;40000\r\nGM1966;2030;9000\r\n");
    const ok = await cli(["import", "population", good, "--format", "json"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, rows: 2, inserted: 2, updated: 0 });

    const bad = file("fout.csv", "municipality_code,year,inhabitants_0_17\nGM0014,2031,41000\nGM9999,2031,1\nGM1966,twintig,5\n");
    const failed = await cli(["import", "population", bad]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/line 3.*municipality_code/);
    expect(failed.stderr).toMatch(/line 4.*year/);
    expect(failed.stderr).toMatch(/nothing was stored/);
    // Line 2 was valid, yet nothing of the file was stored.
    const again = await cli(["import", "population", file("check.csv", "municipality_code,year,inhabitants_0_17\nGM0014,2031,41000\n"), "--format", "json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ inserted: 1, updated: 0 });
  });

  it("lists batches and refuses to roll back or report on what does not exist", async () => {
    const list = await cli(["batch", "list", "--format", "json"]);
    expect(list.code, list.stderr).toBe(0);
    expect(Array.isArray(JSON.parse(list.stdout))).toBe(true);
    const rollback = await cli(["batch", "rollback", "00000000-0000-4000-8000-000000000000"]);
    expect(rollback.code).toBe(1);
    expect(rollback.stderr).toMatch(/No committed batch/);
    const report = await cli(["report", "segments", "--year", "2024", "--municipality", "GM9999"]);
    expect(report.code).toBe(1);
    expect(report.stderr).toMatch(/Unknown municipality GM9999/);
    const missingFile = await cli(["import", "declarations", "/nonexistent/declaraties.csv"]);
    expect(missingFile.code).toBe(1);
    expect(missingFile.stdout).toBe("");
  });

  it("reports providers covering 80% and the comparison of municipalities, as JSON and CSV", async () => {
    // 2022 only in this file: GM0037 spends 600 at A, 300 at B, 100 at C; GM0047 500 at C.
    const declarations = file(
      "concentratie.csv",
      [
        "period;municipality_code;provider_code;provider_name;product_code;client_key;amount",
        "2022-01;GM0037;10000001;Aanbieder A;45A51;C1;600,00",
        "2022-01;GM0037;10000002;Aanbieder B;45A51;C2;300,00",
        "2022-02;GM0037;10000003;Aanbieder C;45A51;C3;100,00",
        "2022-02;GM0047;10000003;Aanbieder C;45A51;C4;500,00",
      ].join("\r\n"),
    );
    const imported = await cli(["import", "declarations", declarations]);
    expect(imported.code, imported.stderr).toBe(0);
    const concentration = await cli(["report", "concentration", "--year", "2022", "--municipality", "GM0037", "--format", "json"]);
    expect(concentration.code, concentration.stderr).toBe(0);
    const report = JSON.parse(concentration.stdout);
    // 600 + 300 = 900 ≥ 800 → 2 providers; HHI = 60² + 30² + 10² = 4,600.
    expect(report).toMatchObject({ year: 2022, scope: "GM0037", segment: "all", spending: "1000.00", providers: 3, providers_80: 2, top10_share: "1.000000", hhi: "4600.00" });
    expect(report.rows.map((r: { provider_name: string; in_80: boolean }) => [r.provider_name, r.in_80])).toEqual([
      ["Aanbieder A", true],
      ["Aanbieder B", true],
      ["Aanbieder C", false],
    ]);
    const csv = await cli(["report", "concentration", "--year", "2022", "--format", "csv"]);
    expect(csv.stdout.split("\n")[0]).toBe("rank,provider_code,provider_name,spending,share,cumulative_share,clients,in_80");
    const compare = await cli(["report", "compare", "--year", "2022", "--format", "json"]);
    expect(compare.code, compare.stderr).toBe(0);
    const rows = JSON.parse(compare.stdout).rows as { scope: string; segments: { all: { spending: string; providers_80: number } } }[];
    expect(rows.at(-1)).toMatchObject({ scope: "region", segments: { all: { spending: "1500.00", providers_80: 2 } } });
    expect(rows.find((r) => r.scope === "GM0047")?.segments.all).toMatchObject({ spending: "500.00", providers_80: 1 });
    const unknown = await cli(["report", "concentration", "--year", "2022", "--municipality", "GM9999"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Unknown municipality GM9999/);
  });

  it("reports the roadmap with its warnings as of a month, and refuses a month that is not one", async () => {
    const roadmap = await cli(["report", "roadmap", "--today", "2026-02", "--format", "json"]);
    expect(roadmap.code, roadmap.stderr).toBe(0);
    const result = JSON.parse(roadmap.stdout) as { today: string; tracks: { id: string; steps: { step: string; late: boolean }[]; warnings: { kind: string }[] }[] };
    expect(result.today).toBe("2026-02");
    const hsj = result.tracks.find((t) => t.id === "hsj")!;
    expect(hsj.steps.filter((s) => s.late).map((s) => s.step)).toEqual(["tender_award", "dialogue_implementation_plan"]);
    expect(result.tracks.filter((t) => t.id.startsWith("basishulp-")).length).toBeGreaterThanOrEqual(10);
    const table = await cli(["report", "roadmap", "--today", "2024-12"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/hsj\s.*tender_award/);
    const bad = await cli(["report", "roadmap", "--today", "2026-13"]);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/--today must be a month YYYY-MM/)]);
  });

  it("writes a scale-profile file, and refuses a size that is not a whole positive number", async () => {
    const out = path.join(work, "scale.csv");
    const written = await cli(["demo", "scale", "--lines", "500", "--municipalities", "3", "--out", out]);
    expect(written.code, written.stderr).toBe(0);
    expect(readFileSync(out, "utf8").split("\r\n").filter(Boolean).length).toBe(501);
    const bad = await cli(["demo", "scale", "--lines", "0", "--out", out]);
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/--lines must be a whole number from 1/)]);
  });

  it("explains each command with --help", async () => {
    for (const args of [["--help"], ["user", "create", "--help"], ["import", "population", "--help"], ["seed", "--help"]]) {
      const help = await cli(args);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Usage:/);
    }
  });

  it("names a malformed setting and exits non-zero", async () => {
    const result = await cli(["migrate"], undefined, { DATABASE_URL: "mysql://nope" });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/DATABASE_URL: must start with postgres/);
  });
});

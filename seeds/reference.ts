import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readTable } from "@jeugdregio/tabular";
import { seedRoadmapPlan } from "./roadmap-plan";
import type { Kysely } from "kysely";
import type { Database } from "~db/schema";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { importPopulation } from "~/modules/population/population-import.server";
import { importCatalog } from "~/modules/catalog/catalog.server";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REFERENCE_DIR = path.join(HERE, "reference");

async function rowsOf(file: string): Promise<Record<string, string>[]> {
  const table = await readTable(await readFile(path.join(REFERENCE_DIR, file)), { fileName: file });
  return table.rows.map((row) =>
    Object.fromEntries(Object.entries(row.cells).map(([key, value]) => [key, value === null ? "" : String(value)])),
  );
}

export interface SeedLog {
  (message: string): void;
}

/**
 * Reference data from the files in seeds/reference: upserted, so a revised
 * file updates names; population only fills years that are missing, so figures
 * imported later (CBS's) are never overwritten by the starting file.
 */
export async function seedReferenceData(db: Kysely<Database>, log: SeedLog = () => {}): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const m of await rowsOf("municipalities.csv")) {
      await trx
        .insertInto("municipality")
        .values({ code: m.code!, name: m.name! })
        .onConflict((oc) => oc.column("code").doUpdateSet({ name: (eb) => eb.ref("excluded.name") }))
        .execute();
    }
    for (const s of await rowsOf("segments.csv")) {
      await trx
        .insertInto("segment")
        .values({ key: s.key!, name_nl: s.name_nl!, name_en: s.name_en!, sort_order: Number(s.sort_order) })
        .onConflict((oc) =>
          oc.column("key").doUpdateSet({
            name_nl: (eb) => eb.ref("excluded.name_nl"),
            name_en: (eb) => eb.ref("excluded.name_en"),
            sort_order: (eb) => eb.ref("excluded.sort_order"),
          }),
        )
        .execute();
    }
    for (const c of await rowsOf("product-categories.csv")) {
      await trx
        .insertInto("product_category")
        .values({ code: c.code!.padStart(2, "0"), name_nl: c.name_nl!, name_en: c.name_en! })
        .onConflict((oc) =>
          oc.column("code").doUpdateSet({ name_nl: (eb) => eb.ref("excluded.name_nl"), name_en: (eb) => eb.ref("excluded.name_en") }),
        )
        .execute();
    }
    for (const p of await rowsOf("process-steps.csv")) {
      await trx
        .insertInto("process_step")
        .values({ number: Number(p.number), key: p.key!, name_nl: p.name_nl!, name_en: p.name_en! })
        .onConflict((oc) =>
          oc.column("number").doUpdateSet({
            key: (eb) => eb.ref("excluded.key"),
            name_nl: (eb) => eb.ref("excluded.name_nl"),
            name_en: (eb) => eb.ref("excluded.name_en"),
          }),
        )
        .execute();
    }
  });
  log("reference data: municipalities, segments, product categories, process steps");

  const file = "population-0-17.csv";
  const bytes = await readFile(path.join(REFERENCE_DIR, file));
  const result = await withTenantScope(db, ALL_TENANTS, (trx) =>
    importPopulation(trx, { userId: null, label: "seed" }, { name: file, bytes }, { source: "seed: starting estimate", onlyMissing: true }),
  );
  if (!result.ok) throw new Error(`Seed file ${file} is invalid: ${result.errors.map((e) => e.message).join("; ")}`);
  log(`population: ${result.inserted} missing years filled from the starting file`);

  // The starting catalogue only fills an empty catalogue: RIGG's later edits stand.
  await withTenantScope(db, ALL_TENANTS, async (trx) => {
    const existing = await trx.selectFrom("product").select("code").limit(1).executeTakeFirst();
    if (existing) return;
    const catalog = "catalog.csv";
    const imported = await importCatalog(trx, { userId: null, label: "seed" }, { name: catalog, bytes: await readFile(path.join(REFERENCE_DIR, catalog)) });
    if (!imported.ok) throw new Error(`Seed file ${catalog} is invalid: ${imported.errors.map((e) => e.message).join("; ")}`);
    log(`catalogue: ${imported.products} products with ${imported.mappings} mapping rows`);
  });
  await seedRoadmapPlan(db, log);
}

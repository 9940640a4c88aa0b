import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Kysely } from "kysely";
import type { Database } from "~db/schema";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { scaleDeclarationChunks, syntheticMunicipalities, type ScaleOptions } from "~seeds/scale-data";

/** Writes a scale-profile declaration file, streamed (constant memory whatever its size). */
export async function writeScaleFile(file: string, options: ScaleOptions): Promise<void> {
  await pipeline(Readable.from(scaleDeclarationChunks(options)), createWriteStream(file));
}

/**
 * Registers the profile's synthetic municipalities (GM5001…) and their inhabitants aged 0–17 for
 * the profile's years, so its files import; existing rows are left as they are.
 */
export async function registerSyntheticMunicipalities(db: Kysely<Database>, options: Pick<ScaleOptions, "municipalities" | "firstYear" | "years">): Promise<number> {
  const municipalities = syntheticMunicipalities(options.municipalities ?? 342);
  const firstYear = options.firstYear ?? 2022;
  const years = Array.from({ length: (options.years ?? 4) + 1 }, (_, i) => firstYear - 1 + i);
  // Municipalities are reference data: written as the owner, like the reference seed.
  await db.insertInto("municipality").values(municipalities.map((m) => ({ code: m.code, name: m.name }))).onConflict((oc) => oc.column("code").doNothing()).execute();
  await withTenantScope(db, ALL_TENANTS, async (trx) => {
    for (let i = 0; i < municipalities.length; i += 500) {
      const part = municipalities.slice(i, i + 500);
      await trx
        .insertInto("population")
        .values(part.flatMap((m) => years.map((year) => ({ municipality_code: m.code, year, inhabitants_0_17: m.youth, source: "synthetic scale profile" }))))
        .onConflict((oc) => oc.columns(["municipality_code", "year"]).doNothing())
        .execute();
    }
  });
  return municipalities.length;
}

import { PROCESS_STEPS } from "@jeugdregio/roadmap";
import type { Kysely } from "kysely";
import type { Database } from "~db/schema";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import type { SeedLog } from "./reference";

/**
 * The starting plan of the 2024–2029 roadmap, read from the rough timeline in seed `002_…`
 * (chapter 9, appendix 2): HSJ procurement first, aanvullende hulp from 2025, onderwijs from
 * 2026, day treatment/day activities and living (wonen) from 2027, implementation through 2028,
 * the end state in 2029; basishulp per municipality after the scan of local teams (Q4 2024),
 * Groningen already working with WIJ (SAMEN.) since 2023. States are as the plan was written
 * (end of 2024): a starting plan for the steering body to adjust, not a record of progress.
 */

type Step = [start: string, end: string, state?: "done" | "in_progress"];


export const REGIONAL_PLAN: Record<string, { steps: Step[]; contractStart: string }> = {
  hsj: {
    steps: [["2023-01", "2023-06", "done"], ["2023-07", "2023-12", "done"], ["2024-01", "2024-03", "done"], ["2024-04", "2024-09", "done"], ["2024-10", "2025-06", "in_progress"], ["2025-07", "2025-12"], ["2026-01", "2028-12"]],
    contractStart: "2026-01",
  },
  aanvullende_hulp: {
    steps: [["2025-01", "2025-06"], ["2025-07", "2025-12"], ["2026-01", "2026-03"], ["2026-04", "2026-09"], ["2026-10", "2027-06"], ["2027-07", "2027-12"], ["2028-01", "2028-12"]],
    contractStart: "2028-01",
  },
  onderwijs: {
    steps: [["2026-01", "2026-06"], ["2026-07", "2026-12"], ["2027-01", "2027-03"], ["2027-04", "2027-09"], ["2027-10", "2028-03"], ["2028-04", "2028-09"], ["2028-10", "2029-06"]],
    contractStart: "2028-10",
  },
  wonen: {
    steps: [["2027-01", "2027-03"], ["2027-04", "2027-06"], ["2027-07", "2027-09"], ["2027-10", "2027-12"], ["2028-01", "2028-06"], ["2028-07", "2028-09"], ["2028-10", "2029-09"]],
    contractStart: "2028-10",
  },
};

/** Basishulp: after the scan of local teams, each municipality at its own pace. */
const BASISHULP_PLAN: Step[] = [["2024-10", "2024-12", "in_progress"], ["2025-01", "2025-06"], ["2025-07", "2025-09"], ["2025-10", "2025-12"], ["2026-01", "2026-06"], ["2026-07", "2026-12"], ["2027-01", "2028-12"]];
/** Groningen moved basishulp to WIJ Groningen (SAMEN.) from 2023. */
const GRONINGEN_BASISHULP: Step[] = [["2021-01", "2021-06", "done"], ["2021-07", "2021-12", "done"], ["2022-01", "2022-03", "done"], ["2022-04", "2022-06", "done"], ["2022-07", "2022-09", "done"], ["2022-10", "2022-12", "done"], ["2023-01", "2025-12", "in_progress"]];

export const basishulpTrackId = (code: string) => `basishulp-${code.toLowerCase()}`;

/** Seeds the starting plan once: an existing roadmap is the steering body's and stays as it is. */
export async function seedRoadmapPlan(db: Kysely<Database>, log: SeedLog = () => {}): Promise<void> {
  await withTenantScope(db, ALL_TENANTS, async (trx) => {
    if (await trx.selectFrom("roadmap_track").select("id").limit(1).executeTakeFirst()) return;
    const municipalities = await trx.selectFrom("municipality").select("code").orderBy("code").execute();
    const tracks: { id: string; segment: string; municipality: string | null; steps: Step[]; contractStart: string | null }[] = [
      ...Object.entries(REGIONAL_PLAN).map(([segment, plan]) => ({ id: segment, segment, municipality: null, steps: plan.steps, contractStart: plan.contractStart })),
      ...municipalities.map((m) => ({
        id: basishulpTrackId(m.code),
        segment: "basishulp",
        municipality: m.code,
        steps: m.code === "GM0014" ? GRONINGEN_BASISHULP : BASISHULP_PLAN,
        contractStart: null,
      })),
    ];
    for (const track of tracks) {
      await trx.insertInto("roadmap_track").values({ id: track.id, segment_key: track.segment, municipality_code: track.municipality, updated_by: "seed" }).execute();
      await trx
        .insertInto("roadmap_step")
        .values(
          track.steps.map(([start, end, state], i) => ({
            track_id: track.id,
            step_key: PROCESS_STEPS[i]!,
            planned_start: start,
            planned_end: end,
            actual_start: state ? start : null,
            actual_end: state === "done" ? end : null,
            state: state ?? "not_started",
          })),
        )
        .execute();
      await trx
        .insertInto("roadmap_milestone")
        .values([
          ...(track.contractStart ? [{ track_id: track.id, month: track.contractStart, kind: "contract_start" as const, label: null }] : []),
          { track_id: track.id, month: "2029-12", kind: "end_state" as const, label: null },
        ])
        .execute();
    }
    log(`roadmap: starting plan for ${tracks.length} tracks`);
  });
}

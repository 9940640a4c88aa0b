import type { Role } from "./index";

/**
 * Who sees which client counts and provider lists (README, "Who sees which concentration
 * figures"), in one place for every page, JSON route and export:
 * - RIGG analysts: everything.
 * - A municipality's own users: their municipality in full.
 * - Steering members: every aggregate and the region's provider list, but no single
 *   municipality's provider list; client counts from 1 to 4 hidden ("< 5").
 * - Anyone else looking at a municipality not their own (the comparison's other rows):
 *   aggregates with small counts hidden, no provider list.
 * The CLI is run by operators with the database's own rights and is not bound by this rule.
 */
export interface Disclosure {
  /** Whether the scope's providers may be listed by name, with their amounts and clients. */
  providerList: boolean;
  /** Whether client counts from 1 to 4 (and what would give them away) are hidden. */
  hideSmallCounts: boolean;
}

/** What a disclosure is about: the region or one municipality. */
export type DisclosureScope = { kind: "region" } | { kind: "municipality"; code: string };

export const FULL_DISCLOSURE: Disclosure = Object.freeze({ providerList: true, hideSmallCounts: false });

export function disclosureFor(viewer: { role: Role; municipalityCode: string | null }, scope: DisclosureScope): Disclosure {
  if (viewer.role === "rigg_analyst") return FULL_DISCLOSURE;
  const own = scope.kind === "municipality" && viewer.municipalityCode !== null && scope.code === viewer.municipalityCode;
  if (own && (viewer.role === "municipal_viewer" || viewer.role === "municipal_editor")) return FULL_DISCLOSURE;
  if (viewer.role === "steering_member") return { providerList: scope.kind === "region", hideSmallCounts: true };
  // Municipal users on other municipalities (and admins, who read no figures at all).
  return { providerList: false, hideSmallCounts: true };
}

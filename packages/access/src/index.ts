/**
 * Who may do what: one matrix that serves both the server check and what the
 * UI shows. Pure: the app's request helper (`access.server.ts`) applies it.
 */

export const ROLES = [
  "municipal_viewer",
  "municipal_editor",
  "rigg_analyst",
  "steering_member",
  "admin",
] as const;
export type Role = (typeof ROLES)[number];

export const MUNICIPAL_ROLES: readonly Role[] = ["municipal_viewer", "municipal_editor"];

export function isMunicipalRole(role: Role): boolean {
  return MUNICIPAL_ROLES.includes(role);
}

type Action = "read" | "write" | "import" | "manage";
type Entity = "municipality" | "population" | "user" | "audit" | "segments" | "catalog" | "declarations" | "budgets" | "index" | "roadmap" | "reviews" | "targets";
export type Permission = `${Action}:${Entity}`;

const MATRIX: Record<Role, readonly Permission[]> = {
  municipal_viewer: ["read:municipality", "read:population", "read:segments", "read:budgets", "read:roadmap"],
  municipal_editor: ["read:municipality", "read:population", "read:segments", "read:budgets", "write:budgets", "read:roadmap", "write:roadmap"],
  rigg_analyst: [
    "read:municipality",
    "read:population",
    "import:population",
    "read:audit",
    "read:segments",
    "read:catalog",
    "manage:catalog",
    "import:declarations",
    "read:budgets",
    "write:budgets",
    "import:index",
    "read:roadmap",
    "write:roadmap",
  ],
  steering_member: ["read:municipality", "read:population", "read:segments", "read:budgets", "read:roadmap", "write:roadmap", "write:reviews", "write:targets"],
  admin: ["manage:user", "read:audit"],
};

export function permissionsOf(role: Role): readonly Permission[] {
  return MATRIX[role];
}

export function can(role: Role, permission: Permission): boolean {
  return MATRIX[role].includes(permission);
}

/** Municipality codes a role sees and changes; `all` for the regional roles. */
export interface MunicipalityScope {
  read: "all" | readonly string[];
  write: "all" | readonly string[];
}

export function municipalityScopeOf(role: Role, municipalityCode: string | null): MunicipalityScope {
  switch (role) {
    case "municipal_viewer":
      return { read: ownOnly(role, municipalityCode), write: [] };
    case "municipal_editor": {
      const own = ownOnly(role, municipalityCode);
      return { read: own, write: own };
    }
    case "rigg_analyst":
      return { read: "all", write: "all" };
    case "steering_member":
      return { read: "all", write: [] };
    case "admin":
      // Admins manage accounts, not youth-care figures.
      return { read: [], write: [] };
  }
}

function ownOnly(role: Role, municipalityCode: string | null): readonly string[] {
  if (!municipalityCode) throw new Error(`Role ${role} needs a municipality`);
  return [municipalityCode];
}

/** The concrete list of codes in a scope, given every municipality there is. */
export function codesInScope(scope: MunicipalityScope["read"], allCodes: readonly string[]): string[] {
  if (scope === "all") return [...allCodes];
  const known = new Set(allCodes);
  return scope.filter((code) => known.has(code));
}

export function inScope(scope: MunicipalityScope["read"], code: string): boolean {
  return scope === "all" || scope.includes(code);
}

/**
 * Who changes which roadmap track (issue "roadmap"): the regional tracks (no municipality) are
 * the steering body's and RIGG's (procurement); a basishulp track only its own municipality's
 * editors. `write:roadmap` is needed as well.
 */
export function canEditTrack(role: Role, userMunicipality: string | null, track: { municipalityCode: string | null }): boolean {
  if (!can(role, "write:roadmap")) return false;
  if (track.municipalityCode === null) return role === "steering_member" || role === "rigg_analyst";
  return role === "municipal_editor" && userMunicipality === track.municipalityCode;
}

/**
 * Tables shared by every municipality that a role may change, named for the database wall: the
 * request's transaction carries these (signed, db/tenant-scope.ts) and the row-level security
 * policies of the shared tables check them, so a request can write no more there than this
 * matrix allows, whatever SQL it sends.
 */
export const SHARED_WRITES = ["roadmap", "reviews", "targets", "catalog", "index", "users"] as const;
export type SharedWrite = (typeof SHARED_WRITES)[number];

export function sharedWritesOf(role: Role): SharedWrite[] {
  const writes: Record<SharedWrite, boolean> = {
    // the regional tracks (no municipality) and their steps, decisions and milestones
    roadmap: canEditTrack(role, null, { municipalityCode: null }),
    reviews: can(role, "write:reviews"),
    targets: can(role, "write:targets"),
    catalog: can(role, "manage:catalog"),
    index: can(role, "import:index"),
    users: can(role, "manage:user"),
  };
  return SHARED_WRITES.filter((name) => writes[name]);
}

export { disclosureFor, FULL_DISCLOSURE, type Disclosure, type DisclosureScope } from "./disclosure";

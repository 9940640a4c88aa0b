import { describe, expect, it } from "vitest";
import { ROLES, can, canEditTrack, codesInScope, inScope, municipalityScopeOf, permissionsOf, sharedWritesOf, type SharedWrite } from "./index";

const ALL = ["GM0014", "GM1966", "GM1969"];

describe("municipality scope per role", () => {
  it("binds municipal roles to their own municipality", () => {
    expect(municipalityScopeOf("municipal_viewer", "GM0014")).toEqual({ read: ["GM0014"], write: [] });
    expect(municipalityScopeOf("municipal_editor", "GM0014")).toEqual({ read: ["GM0014"], write: ["GM0014"] });
  });

  it("refuses a municipal role without a municipality", () => {
    expect(() => municipalityScopeOf("municipal_viewer", null)).toThrow(/needs a municipality/);
  });

  it("gives RIGG all municipalities, the steering body read-only, admins none", () => {
    expect(municipalityScopeOf("rigg_analyst", null)).toEqual({ read: "all", write: "all" });
    expect(municipalityScopeOf("steering_member", null)).toEqual({ read: "all", write: [] });
    expect(municipalityScopeOf("admin", null)).toEqual({ read: [], write: [] });
  });

  it("expands a scope to concrete codes and checks membership", () => {
    expect(codesInScope("all", ALL)).toEqual(ALL);
    expect(codesInScope(["GM1966", "GM9999"], ALL)).toEqual(["GM1966"]);
    expect(inScope(["GM0014"], "GM1966")).toBe(false);
    expect(inScope("all", "GM1966")).toBe(true);
  });
});

describe("permission matrix", () => {
  it("lets only admins manage users", () => {
    expect(ROLES.filter((role) => can(role, "manage:user"))).toEqual(["admin"]);
  });

  it("lets only RIGG analysts import population figures", () => {
    expect(ROLES.filter((role) => can(role, "import:population"))).toEqual(["rigg_analyst"]);
  });

  it("lets only RIGG analysts maintain the catalogue and import declarations", () => {
    expect(ROLES.filter((role) => can(role, "manage:catalog"))).toEqual(["rigg_analyst"]);
    expect(ROLES.filter((role) => can(role, "import:declarations"))).toEqual(["rigg_analyst"]);
  });

  it("shows segment figures to everyone but admins", () => {
    expect(ROLES.filter((role) => !can(role, "read:segments"))).toEqual(["admin"]);
  });

  it("gives every role at least one permission", () => {
    for (const role of ROLES) expect(permissionsOf(role).length).toBeGreaterThan(0);
  });
});

describe("local budgets", () => {
  it("are read by municipal users, RIGG analysts and steering members, and changed by editors and analysts only", () => {
    expect(ROLES.filter((role) => can(role, "read:budgets"))).toEqual(["municipal_viewer", "municipal_editor", "rigg_analyst", "steering_member"]);
    expect(ROLES.filter((role) => can(role, "write:budgets"))).toEqual(["municipal_editor", "rigg_analyst"]);
  });

  it("take their index series (regional reference data) from RIGG analysts only", () => {
    expect(ROLES.filter((role) => can(role, "import:index"))).toEqual(["rigg_analyst"]);
  });
});

describe("the roadmap", () => {
  it("is read by every role but the administrator; reviews and targets are the steering body's", () => {
    expect(ROLES.filter((role) => can(role, "read:roadmap"))).toEqual(["municipal_viewer", "municipal_editor", "rigg_analyst", "steering_member"]);
    expect(ROLES.filter((role) => can(role, "write:reviews"))).toEqual(["steering_member"]);
    expect(ROLES.filter((role) => can(role, "write:targets"))).toEqual(["steering_member"]);
  });

  it("lets steering members and RIGG analysts edit the regional tracks, and only a municipality's own editors its basishulp track", () => {
    const regional = { municipalityCode: null };
    const groningen = { municipalityCode: "GM0014" };
    const editors = (track: { municipalityCode: string | null }, municipality: string | null) =>
      ROLES.filter((role) => canEditTrack(role, role.startsWith("municipal") ? municipality : null, track));
    expect(editors(regional, "GM0014")).toEqual(["rigg_analyst", "steering_member"]);
    expect(editors(groningen, "GM0014")).toEqual(["municipal_editor"]);
    expect(editors(groningen, "GM1966")).toEqual([]);
  });
});

describe("shared tables", () => {
  it("are changed only by the roles the matrix names: regional tracks by steering and RIGG, the catalogue and index by RIGG, accounts by the administrator", () => {
    const writers = (name: SharedWrite) => ROLES.filter((role) => sharedWritesOf(role).includes(name));
    expect(writers("roadmap")).toEqual(["rigg_analyst", "steering_member"]);
    expect(writers("reviews")).toEqual(["steering_member"]);
    expect(writers("targets")).toEqual(["steering_member"]);
    expect(writers("catalog")).toEqual(["rigg_analyst"]);
    expect(writers("index")).toEqual(["rigg_analyst"]);
    expect(writers("users")).toEqual(["admin"]);
    expect(sharedWritesOf("municipal_editor")).toEqual([]);
    expect(sharedWritesOf("municipal_viewer")).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { disclosureFor } from "./index";

const region = { kind: "region" } as const;
const groningen = { kind: "municipality", code: "GM0014" } as const;

describe("disclosureFor", () => {
  it("gives RIGG analysts everything, region and municipality", () => {
    for (const scope of [region, groningen]) {
      expect(disclosureFor({ role: "rigg_analyst", municipalityCode: null }, scope)).toEqual({ providerList: true, hideSmallCounts: false });
    }
  });

  it("gives a municipality's own users their municipality in full", () => {
    for (const role of ["municipal_viewer", "municipal_editor"] as const) {
      expect(disclosureFor({ role, municipalityCode: "GM0014" }, groningen)).toEqual({ providerList: true, hideSmallCounts: false });
    }
  });

  it("gives steering members the region's provider list, no municipality's, and never small counts", () => {
    const member = { role: "steering_member", municipalityCode: null } as const;
    expect(disclosureFor(member, region)).toEqual({ providerList: true, hideSmallCounts: true });
    expect(disclosureFor(member, groningen)).toEqual({ providerList: false, hideSmallCounts: true });
  });

  it("gives municipal users only protected aggregates of anything not their own", () => {
    const viewer = { role: "municipal_viewer", municipalityCode: "GM1966" } as const;
    expect(disclosureFor(viewer, groningen)).toEqual({ providerList: false, hideSmallCounts: true });
    expect(disclosureFor(viewer, region)).toEqual({ providerList: false, hideSmallCounts: true });
    expect(disclosureFor({ role: "admin", municipalityCode: null }, region)).toEqual({ providerList: false, hideSmallCounts: true });
  });
});

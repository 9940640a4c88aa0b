import { parse } from "csv-parse/sync";
import Decimal from "decimal.js";
import { describe, expect, it } from "vitest";
import {
  DOMAIN_2023_EXPECTED,
  FIXTURE_MUNICIPALITIES,
  generateDomain2023Fixture,
  writeFixtureCsv,
  type DeclarationRow,
} from "../../../seeds/fixtures/domain-2023";
import { figuresToJson, SEGMENT_COLUMNS, SEGMENT_KEYS, type SegmentKey } from "./index";
import { segmentTableFromLines, type SegmentLine } from "./lines";

const line = (
  clientKey: string,
  providerCode: string,
  amount: string,
  segment: SegmentKey | null,
  municipalityCode = "GM0014",
): SegmentLine => ({ municipalityCode, providerCode, clientKey, amount, segment });

describe("segmentTableFromLines", () => {
  it("sums net amounts per column, with unassigned lines only in all", () => {
    const table = segmentTableFromLines([
      line("c1", "P1", "100.00", "basishulp"),
      line("c1", "P1", "-25.50", "basishulp"), // credit
      line("c2", "P2", "200.10", "wonen"),
      line("c2", "P3", "50.00", null),
    ]);
    expect(figuresToJson(table.all)).toEqual({
      clients: 2,
      spending: "324.60",
      avg_per_client: "162.30",
      providers: 3,
      spending_80: "259.68",
      providers_80: 2, // 200.10 + 74.50 ≥ 259.68
    });
    expect(figuresToJson(table.basishulp)).toMatchObject({ clients: 1, spending: "74.50", providers: 1, providers_80: 1 });
    expect(figuresToJson(table.wonen)).toMatchObject({ clients: 1, spending: "200.10", providers: 1 });
    expect(figuresToJson(table.unassigned)).toMatchObject({ clients: 1, spending: "50.00", providers: 1 });
    expect(figuresToJson(table.hsj)).toEqual({
      clients: 0,
      spending: "0.00",
      avg_per_client: null,
      providers: 0,
      spending_80: "0.00",
      providers_80: 0,
    });
  });

  it("does not count a client whose net in a column is 0, but counts them where their net is positive", () => {
    const table = segmentTableFromLines([
      line("c1", "P1", "300.00", "aanvullende_hulp"),
      line("c1", "P2", "80.00", "hsj"),
      line("c1", "P2", "-80.00", "hsj"),
      line("c2", "P2", "500.00", "hsj"),
    ]);
    expect(table.hsj.clients).toBe(1);
    expect(table.hsj.spending.toFixed(2)).toBe("500.00");
    expect(table.aanvullende_hulp.clients).toBe(1);
    expect(table.all.clients).toBe(2);
  });

  it("does not count a provider whose net in a column is 0 or negative, yet keeps its credits in the spending", () => {
    const table = segmentTableFromLines([
      line("c1", "P1", "400.00", "onderwijs"),
      line("c2", "P2", "90.00", "onderwijs"),
      line("c2", "P2", "-90.00", "onderwijs"),
      line("c3", "P3", "-10.00", "onderwijs"), // a late credit only
      line("c3", "P2", "60.00", "basishulp"),
    ]);
    expect(figuresToJson(table.onderwijs)).toMatchObject({ providers: 1, spending: "390.00", clients: 1, providers_80: 1 });
    expect(table.basishulp.providers).toBe(1);
    expect(table.all.providers).toBe(2); // P1 400, P2 60; P3 −10 is not counted
    expect(table.all.clients).toBe(2); // c1 400, c3 50; c2 nets 0
  });

  it("counts a client in two municipalities once in the region and once in each municipality", () => {
    const lines = [
      line("moved", "P1", "100.00", "wonen", "GM0014"),
      line("moved", "P1", "150.00", "wonen", "GM1966"),
      line("stays", "P1", "70.00", "wonen", "GM1966"),
    ];
    expect(segmentTableFromLines(lines).wonen.clients).toBe(2);
    expect(segmentTableFromLines(lines, {}).all.clients).toBe(2);
    expect(segmentTableFromLines(lines, { municipalityCode: "GM0014" }).wonen.clients).toBe(1);
    expect(segmentTableFromLines(lines, { municipalityCode: "GM1966" }).wonen.clients).toBe(2);
  });

  it("filters by municipality, nets within the scope only, and accepts any iterable", () => {
    function* lines(): Generator<SegmentLine> {
      yield line("c1", "P1", "100.00", "hsj", "GM0014");
      yield line("c1", "P1", "-100.00", "hsj", "GM0047"); // nets to 0 in the region, not per municipality
      yield line("c2", "P2", "40.00", null, "GM0047");
    }
    const region = segmentTableFromLines(lines());
    expect(figuresToJson(region.hsj)).toMatchObject({ clients: 0, providers: 0, spending: "0.00" });
    const groningen = segmentTableFromLines(lines(), { municipalityCode: "GM0014" });
    expect(figuresToJson(groningen.hsj)).toMatchObject({ clients: 1, providers: 1, spending: "100.00" });
    expect(groningen.unassigned.spending.isZero()).toBe(true);
    const veendam = segmentTableFromLines(lines(), { municipalityCode: "GM0047" });
    expect(figuresToJson(veendam.all)).toMatchObject({ clients: 1, providers: 1, spending: "-60.00" });
    expect(segmentTableFromLines(lines(), { municipalityCode: "GM9999" }).all.spending.isZero()).toBe(true);
  });

  it("keeps cents exact over many lines", () => {
    const many = Array.from({ length: 1000 }, (_, i) => line(`c${i % 7}`, `P${i % 3}`, "0.10", "basishulp"));
    expect(segmentTableFromLines(many).basishulp.spending.toFixed(2)).toBe("100.00");
  });
});

const fixture = generateDomain2023Fixture();

describe("the domain-2023 fixture", () => {
  const segmentOf = new Map(fixture.catalog.map((row) => [row.product_code, row.segment === "" ? null : row.segment]));
  const toLine = (row: DeclarationRow): SegmentLine => {
    const segment = segmentOf.get(row.product_code);
    if (segment === undefined) throw new Error(`product ${row.product_code} not in the catalogue`);
    return {
      municipalityCode: row.municipality_code,
      providerCode: row.provider_code,
      clientKey: row.client_key,
      amount: row.amount,
      segment,
    };
  };
  const rows2023 = fixture.declarations.filter((row) => row.period.startsWith("2023-"));
  const lines2023 = rows2023.map(toLine);
  const region = segmentTableFromLines(lines2023, {});

  it("states DOMAIN.md's table with the 80% row by its definition", () => {
    expect(DOMAIN_2023_EXPECTED).toEqual({
      all: { clients: 15962, spending: "216210114.00", avg_per_client: "13545.30", providers: 375, spending_80: "172968091.20", providers_80: 38 },
      basishulp: { clients: 2877, spending: "33908066.00", avg_per_client: "11785.91", providers: 206, spending_80: "27126452.80", providers_80: 56 },
      onderwijs: { clients: 2133, spending: "26515933.00", avg_per_client: "12431.29", providers: 64, spending_80: "21212746.40", providers_80: 4 },
      aanvullende_hulp: { clients: 11747, spending: "65294838.00", avg_per_client: "5558.43", providers: 228, spending_80: "52235870.40", providers_80: 21 },
      hsj: { clients: 1350, spending: "39072306.00", avg_per_client: "28942.45", providers: 82, spending_80: "31257844.80", providers_80: 13 },
      wonen: { clients: 1720, spending: "38984951.00", avg_per_client: "22665.67", providers: 100, spending_80: "31187960.80", providers_80: 20 },
    });
  });

  it("reproduces every cell of the 2023 regional table", () => {
    for (const column of ["all", ...SEGMENT_KEYS] as const) {
      expect({ column, ...figuresToJson(region[column]) }).toEqual({ column, ...DOMAIN_2023_EXPECTED[column] });
    }
  });

  it("adds up: segments plus unassigned make all, municipalities make the region", () => {
    const segments = SEGMENT_KEYS.reduce((sum, key) => sum.plus(region[key].spending), new Decimal(0));
    // DOMAIN.md's segment columns add up to 203,776,094, so 12,434,020 is unassigned
    expect(segments.toFixed(2)).toBe("203776094.00");
    expect(region.unassigned.spending.toFixed(2)).toBe("12434020.00");
    expect(segments.plus(region.unassigned.spending).equals(region.all.spending)).toBe(true);

    const codes = FIXTURE_MUNICIPALITIES.map((m) => m.code);
    const perMunicipality = codes.map((municipalityCode) => segmentTableFromLines(lines2023, { municipalityCode }));
    for (const column of SEGMENT_COLUMNS) {
      const sum = perMunicipality.reduce((total, table) => total.plus(table[column].spending), new Decimal(0));
      expect({ column, sum: sum.toFixed(2) }).toEqual({ column, sum: region[column].spending.toFixed(2) });
    }
    // moved clients count in both municipalities, so the municipalities' clients add up to more
    const clientsSum = perMunicipality.reduce((total, table) => total + table.all.clients, 0);
    expect(clientsSum).toBeGreaterThan(region.all.clients);
    // Groningen is the largest municipality
    const spending = perMunicipality.map((table) => table.all.spending.toNumber());
    expect(Math.max(...spending)).toBe(spending[codes.indexOf("GM0014")]);
  });

  it("has well-formed lines of plausible size, spread over municipalities, months and years", () => {
    expect(rows2023.length).toBeGreaterThanOrEqual(20_000);
    expect(rows2023.length).toBeLessThanOrEqual(40_000);
    const years = new Set(fixture.declarations.map((row) => row.period.slice(0, 4)));
    expect([...years].sort()).toEqual(["2022", "2023", "2024"]);
    expect(new Set(rows2023.map((row) => row.period)).size).toBe(12);
    expect(new Set(rows2023.map((row) => row.municipality_code))).toEqual(new Set(FIXTURE_MUNICIPALITIES.map((m) => m.code)));
    const referrers = new Set(["local_team", "gp", "youth_doctor", "medical_specialist", "certified_institution", "other"]);
    const wellFormed = (row: DeclarationRow): boolean =>
      /^20(22|23|24)-(0[1-9]|1[0-2])$/.test(row.period) &&
      /^GM\d{4}$/.test(row.municipality_code) &&
      /^\d{8}$/.test(row.provider_code) &&
      row.provider_name.length > 0 &&
      /^\d{2}[A-Z0-9]{3}$/.test(row.product_code) &&
      /^K[0-9a-f]{5}x[0-9a-f]{5}$/.test(row.client_key) &&
      /^-?\d+\.\d{2}$/.test(row.amount) &&
      !/^-?0\.00$/.test(row.amount) &&
      (row.units === undefined || /^-?\d+\.\d{2}$/.test(row.units)) &&
      (row.referrer === undefined || referrers.has(row.referrer)) &&
      segmentOf.has(row.product_code);
    expect(fixture.declarations.filter((row) => !wellFormed(row))).toEqual([]);
    const withReferrer = rows2023.filter((row) => row.referrer !== undefined).length / rows2023.length;
    expect(withReferrer).toBeGreaterThan(0.4);
    expect(withReferrer).toBeLessThan(0.6);
    // one provider code, one name
    const names = new Map<string, Set<string>>();
    for (const row of fixture.declarations) (names.get(row.provider_code) ?? names.set(row.provider_code, new Set()).get(row.provider_code)!).add(row.provider_name);
    expect([...names.values()].every((set) => set.size === 1)).toBe(true);
    // Groningen declares none of its lump-sum (SAMEN) basishulp products from 2023 on
    const samen2023 = ["45A51", "45A04", "45A56", "45A53"];
    expect(rows2023.some((row) => row.municipality_code === "GM0014" && samen2023.includes(row.product_code))).toBe(false);
    expect(
      fixture.declarations.some(
        (row) => row.period >= "2024" && row.municipality_code === "GM0014" && segmentOf.get(row.product_code) === "basishulp",
      ),
    ).toBe(false);
  });

  it("maps every product to exactly one segment or none", () => {
    const codes = fixture.catalog.map((row) => row.product_code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const row of fixture.catalog) {
      expect(row.product_code).toMatch(/^\d{2}[A-Z0-9]{3}$/);
      expect(["", ...SEGMENT_KEYS]).toContain(row.segment);
      expect(row).toMatchObject({ municipality_code: "", valid_from: "2015-01-01", valid_to: "" });
    }
    for (const segment of ["", ...SEGMENT_KEYS]) expect(fixture.catalog.some((row) => row.segment === segment)).toBe(true);
  });

  it("contains the edge cases: credits, net-zero clients and providers, moved clients, other years", () => {
    expect(rows2023.filter((row) => row.amount.startsWith("-")).length).toBeGreaterThan(500);

    // nets per (client, column) and (provider, column)
    const net = new Map<string, Decimal>();
    const add = (key: string, amount: string) => net.set(key, (net.get(key) ?? new Decimal(0)).plus(amount));
    for (const l of lines2023) {
      const column = l.segment ?? "unassigned";
      add(`client|${l.clientKey}|${column}`, l.amount as string);
      add(`client|${l.clientKey}|all`, l.amount as string);
      add(`provider|${l.providerCode}|${column}`, l.amount as string);
      add(`provider|${l.providerCode}|all`, l.amount as string);
    }
    const zeroIn = (kind: string) =>
      [...net].filter(([key, value]) => key.startsWith(`${kind}|`) && !key.endsWith("|all") && value.isZero()).map(([key]) => key.split("|"));
    const countedElsewhere = (kind: string) =>
      zeroIn(kind).filter(([, id]) => net.get(`${kind}|${id}|all`)!.greaterThan(0));
    expect(countedElsewhere("client").length).toBeGreaterThanOrEqual(1);
    expect(countedElsewhere("provider").length).toBeGreaterThanOrEqual(1);
    // and someone whose 2023 lines net to zero altogether
    expect([...net].some(([key, value]) => key.startsWith("client|") && key.endsWith("|all") && value.isZero())).toBe(true);
    expect([...net].some(([key, value]) => key.startsWith("provider|") && key.endsWith("|all") && value.isZero())).toBe(true);

    const municipalities = new Map<string, Set<string>>();
    for (const row of rows2023) (municipalities.get(row.client_key) ?? municipalities.set(row.client_key, new Set()).get(row.client_key)!).add(row.municipality_code);
    expect([...municipalities.values()].filter((set) => set.size > 1).length).toBe(50);

    // lines outside 2023 exist, and would change the table if they were not left out
    const everything = segmentTableFromLines(fixture.declarations.map(toLine));
    expect(fixture.declarations.length - rows2023.length).toBeGreaterThan(1000);
    expect(everything.all.spending.equals(region.all.spending)).toBe(false);
  });

  it("names providers with CSV-hostile and formula-looking text", () => {
    const names = new Set(fixture.declarations.map((row) => row.provider_name));
    expect([...names].some((name) => name.includes(";") && name.includes('"'))).toBe(true);
    expect([...names].some((name) => name.startsWith("="))).toBe(true);
  });

  it("is the same on every run", () => {
    const again = generateDomain2023Fixture();
    expect(again.catalog).toEqual(fixture.catalog);
    expect(JSON.stringify(again.declarations)).toBe(JSON.stringify(fixture.declarations));
  });
});

describe("writeFixtureCsv", () => {
  const row: DeclarationRow = {
    period: "2023-05",
    municipality_code: "GM0014",
    provider_code: "98123456",
    provider_name: 'Stichting "De Linde"; jeugd & gezin',
    product_code: "45A51",
    client_key: "K0123456789",
    amount: "-1234.56",
    units: "18.16",
    referrer: "gp",
  };
  const formula: DeclarationRow = { ...row, provider_name: "=Zorg+Welzijn B.V.", amount: "10.00", units: undefined, referrer: undefined };

  it("writes the header and quotes only what needs quoting, with a decimal comma when asked", () => {
    const csv = writeFixtureCsv([row, formula], { delimiter: ";", decimalComma: true });
    expect(csv).toBe(
      [
        "period;municipality_code;provider_code;provider_name;product_code;client_key;amount;units;referrer",
        '2023-05;GM0014;98123456;"Stichting ""De Linde""; jeugd & gezin";45A51;K0123456789;-1234,56;18,16;gp',
        "2023-05;GM0014;98123456;=Zorg+Welzijn B.V.;45A51;K0123456789;10,00;;",
        "",
      ].join("\n"),
    );
  });

  it("round-trips through a CSV parser in every delimiter and decimal combination", () => {
    for (const delimiter of [";", ","] as const) {
      for (const decimalComma of [false, true]) {
        const parsed: string[][] = parse(writeFixtureCsv([row, formula], { delimiter, decimalComma }), { delimiter });
        expect(parsed).toHaveLength(3);
        expect(parsed[0]![3]).toBe("provider_name");
        expect(parsed[1]![3]).toBe(row.provider_name);
        expect(parsed[2]![3]).toBe("=Zorg+Welzijn B.V.");
        expect(parsed[1]![6]).toBe(decimalComma ? "-1234,56" : "-1234.56");
        expect(parsed[1]).toHaveLength(9);
      }
    }
  });

  it("writes the catalogue with its own header", () => {
    const { catalog } = fixture;
    const csv = writeFixtureCsv(catalog, { delimiter: ",", decimalComma: false });
    const parsed: string[][] = parse(csv, { delimiter: "," });
    expect(parsed[0]).toEqual(["product_code", "name_nl", "name_en", "segment", "municipality_code", "valid_from", "valid_to"]);
    expect(parsed).toHaveLength(catalog.length + 1);
    expect(parsed.find((r) => r[0] === "45A51")).toEqual(["45A51", "Gezinsbegeleiding basis", "Family guidance, basic", "basishulp", "", "2015-01-01", ""]);
    expect(writeFixtureCsv([], { delimiter: ";", decimalComma: false, kind: "catalog" })).toBe(
      "product_code;name_nl;name_en;segment;municipality_code;valid_from;valid_to\n",
    );
  });
});

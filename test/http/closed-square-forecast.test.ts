import { formatMoney } from "@jeugdregio/format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "~/i18n/en.json";
import nl from "~/i18n/nl.json";
import { parseBudgetDefinition, saveBudgetDefinition } from "~/modules/budgets/budgets.server";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { ALL_TENANTS, withTenantScope } from "~db/tenant-scope";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";
import { csvOf, laterDelivery, LINES, M, monthOf, netOf, TODAY, YEAR, type Line } from "../support/square-forecast-data";

/**
 * The closed square and budget pages as of a date, over the real HTTP stack (issue 14 §2, §4):
 * `asOf=` read (400 when bad) and kept, "figures through …, declared up to …" under the title,
 * the current year's RIGG part as forecast with its band beside the realised figure (none for a
 * complete year), and who sees it: the municipality's own users and regional roles; another
 * municipality gets a 404, a role without budget rights a 403.
 */
let database: TestDatabase;
let server: TestServer;
const users = {
  groningen: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  hogeland: { email: "editor@hogeland.test", role: "municipal_editor", municipalityCode: "GM1966" },
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  admin: { email: "admin@rigg.test", role: "admin" },
} as const;
const sessions = new Map<string, HttpClient>();
const actor = { userId: null, label: "test" };
const D = `${monthOf(M - 3)}-15`;
const COMPLETE_AT = `${YEAR - 1}-12-31`;

async function load(lines: readonly Line[]) {
  const bytes = new TextEncoder().encode(csvOf(lines));
  const result = await importDeclarations(database.db, actor, { name: `d${Math.random()}.csv`, size: bytes.length, async *open() { yield bytes; } }, { mode: "append", pseudonymKey: "closed-square-forecast-test-key-0123456789", bulk: database.bulk });
  if (!result.ok) throw new Error(JSON.stringify(result.errors.shown.slice(0, 2)));
}

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
  await load(LINES);
  const definition = parseBudgetDefinition(
    JSON.stringify({
      municipality_code: "GM0014",
      key: "samen",
      name: "SAMEN.",
      executor: "WIJ Groningen",
      funding_form: "task_based",
      ict_share: "0",
      housing_share: "0",
      products: [{ product_code: "45A51", transferred_on: `${YEAR - 4}-01-01` }],
      years: [{ year: YEAR }],
    }),
  );
  await withTenantScope(database.db, ALL_TENANTS, (trx) => saveBudgetDefinition(trx, actor, definition));
}, 240_000);
afterAll(async () => {
  await server?.close();
  await database?.close();
});

async function as(user: keyof typeof users) {
  const existing = sessions.get(user);
  if (existing) return existing;
  const client = new HttpClient(server.baseUrl);
  expect((await client.logIn(users[user].email)).status).toBe(302);
  sessions.set(user, client);
  return client;
}
const get = async (user: keyof typeof users, path: string) => (await as(user)).request(path);
async function html(user: keyof typeof users, path: string) {
  const response = await get(user, path);
  expect(response.status, path).toBe(200);
  return response.text();
}

interface SquareData {
  asOf: string;
  requestedAsOf: string | null;
  dataThrough: string | null;
  square: {
    years: { year: number; parts: { rigg: string | null } }[];
    incompleteYears: { year: number; dataThrough: string }[];
    riggForecast: { year: number; forecast: string; low: string | null; high: string | null; declaredThrough: string } | null;
  };
}
async function squareData(user: keyof typeof users, query = ""): Promise<SquareData> {
  const response = await get(user, `/budgets/GM0014?${query}${query ? "&" : ""}_data=routes%2Fbudgets.%24code._index`);
  expect(response.status, query).toBe(200);
  return (await response.json()) as SquareData;
}

describe("the closed square of an incomplete year", () => {
  it("shows the RIGG part as forecast, labelled, with its band, beside the realised figure, in chart, legend and table", async () => {
    const view = await squareData("groningen");
    const forecast = view.square.riggForecast!;
    expect(forecast).toMatchObject({ year: YEAR });
    expect(forecast.low).not.toBeNull();
    // The same figure as the forecast page for the municipality.
    const page = (await (await get("groningen", `/forecast?scope=GM0014&year=${YEAR}&_data=routes%2Fforecast`)).json()) as { report: { segments: { all: { forecast: string; low: string; high: string } } } };
    const { forecast: value, low, high } = page.report.segments.all;
    expect(forecast).toMatchObject({ forecast: value, low, high });

    const body = await html("groningen", "/budgets/GM0014");
    expect(body).toContain(`data-testid="square-rigg-forecast" data-year="${YEAR}" data-forecast="${forecast.forecast}"`);
    expect(body).toContain(nl.square.forecast.band.replace("{{low}}", formatMoney(forecast.low!, "nl")).replace("{{high}}", formatMoney(forecast.high!, "nl")));
    // The legend lists what is drawn: the RIGG part and its forecast (no other part has money, no OVA carries a base line here).
    const legend = body.match(/<ul class="chart-legend"[^>]*>([\s\S]*?)<\/ul>/)![1]!;
    expect([...legend.matchAll(/<\/span>([^<]+)<\/li>/g)].map((m) => m[1])).toEqual([nl.square.parts.rigg, nl.square.forecast.legend]);
    expect(body).not.toContain(nl.square.lineHint.slice(0, 12));
    expect(body).toContain(`<th scope="col">${nl.square.forecast.column}</th>`);
    expect(body).toMatch(new RegExp(`data-part="rigg_forecast">${formatMoney(forecast.forecast, "nl").replace(/[.$()]/g, "\\$&")}`));
    // The realised figure stays in the RIGG column and the total.
    const year = view.square.years.find((y) => y.year === YEAR)!;
    expect(year.parts.rigg).toBe(netOf(LINES, "GM0014", YEAR, null));
    expect(body).toContain('data-testid="square-incomplete"');
    expect(body).toContain('data-testid="data-through"');
    expect(body).toContain(`data-through="${view.dataThrough}"`);
  });

  it("says it in English too", async () => {
    const client = new HttpClient(server.baseUrl, { "accept-language": "en-GB,en;q=0.9" });
    expect((await client.logIn(users.analyst.email)).status).toBe(302);
    expect([200, 302, 303]).toContain((await client.post("/language", { language: "en", redirectTo: "/budgets/GM0014" })).status);
    const body = await (await client.request("/budgets/GM0014")).text();
    expect(body).toContain(en.square.forecast.legend);
    expect(body).toMatch(/data-testid="data-through"[^>]*>figures through /);
  });

  it("shows no forecast for a complete year, and nothing of it in the legend", async () => {
    const view = await squareData("groningen", `asOf=${COMPLETE_AT}`);
    expect(view.square.riggForecast).toBeNull();
    expect(view.square.incompleteYears).toEqual([]);
    expect(view.dataThrough).toBe(`${YEAR - 1}-12`);
    const body = await html("groningen", `/budgets/GM0014?asOf=${COMPLETE_AT}`);
    expect(body).not.toContain('data-testid="square-rigg-forecast"');
    expect(body).not.toContain(nl.square.forecast.legend);
    expect(body).not.toContain('data-part="rigg_forecast"');
  });
});

describe("as of a date", () => {
  it("counts the lines declared by then, keeps the date in forms and links, and stays the same after a later delivery", async () => {
    const before = await squareData("groningen", `asOf=${D}`);
    expect(before).toMatchObject({ asOf: D, requestedAsOf: D, dataThrough: monthOf(M - 4) });
    const year = Number(D.slice(0, 4));
    expect(before.square.years.find((y) => y.year === year)!.parts.rigg).toBe(netOf(LINES, "GM0014", year, D));
    const body = await html("groningen", `/budgets/GM0014?asOf=${D}`);
    expect(body).toContain('href="/budgets/GM0014/samen?asOf=' + D + '"');
    expect(body).toMatch(new RegExp(`name="asOf"[^>]*value="${D}"`));
    const budget = await html("groningen", `/budgets/GM0014/samen?asOf=${D}`);
    expect(budget).toContain(`data-declared-up-to="${D}"`);
    expect(budget).toContain(`href="/budgets/GM0014?asOf=${D}"`);

    await load(laterDelivery(M - 5));
    expect(await squareData("groningen", `asOf=${D}`)).toEqual(before);
    expect((await squareData("groningen")).asOf).toBe(TODAY);
  });

  it("refuses a malformed or future as-of date with a 400 naming it", async () => {
    for (const path of ["/budgets/GM0014?asOf=15-03-2026", `/budgets/GM0014?asOf=${YEAR + 2}-01-01`, "/budgets/GM0014/samen?asOf=2026-02-30"]) {
      const response = await get("groningen", path);
      expect(response.status, path).toBe(400);
      expect(await response.text()).toMatch(/as of: /);
    }
  });
});

describe("who sees the closed square's forecast", () => {
  it("refuses another municipality (404) and a role without budget rights (403), as of a date too", async () => {
    for (const path of [
      "/budgets/GM0014",
      `/budgets/GM0014?asOf=${D}`,
      "/budgets/GM0014?_data=routes%2Fbudgets.%24code._index",
      `/budgets/GM0014/samen?asOf=${D}`,
    ]) {
      const other = await get("hogeland", path);
      expect(other.status, path).toBe(404);
      expect(await other.text()).not.toContain("Groot Zorg");
      expect((await get("admin", path)).status, path).toBe(403);
    }
  });

  it("shows a regional analyst the same forecast as the municipality's own user", async () => {
    expect((await squareData("analyst")).square.riggForecast).toEqual((await squareData("groningen")).square.riggForecast);
  });
});

import { formatMoney, todayInAmsterdam } from "@jeugdregio/format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "~/i18n/en.json";
import nl from "~/i18n/nl.json";
import { importDeclarations } from "~/modules/declarations/declaration-import.server";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { addUser, HttpClient, startTestServer, type TestServer } from "../support/server";

/**
 * The forecast page (`/forecast`), its export and the segment overview's forecast section over
 * the real HTTP stack, and who sees what: the segment table's rules (municipal users their own
 * municipality only, whether asked as `?scope=` or `?municipality=`; administrators nothing).
 *
 * Data relative to today: M is the last complete month; Groningen (GM0014) and Het Hogeland
 * (GM1966, three clients) have one line per client and service month from January two years
 * before M's year to the month before M, each declared on the 5th of the month after its
 * service month (column `declared_on`). Stadskanaal (GM0037) starts in January of M's year:
 * too little history for a forecast.
 */
const TODAY = todayInAmsterdam();
const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthOf = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
const LAST_COMPLETE = monthIndex(TODAY.slice(0, 7)) - 1; // M (today is not a month's last day in any run that matters)
const YEAR = Math.floor(LAST_COMPLETE / 12);
const FIRST = (YEAR - 2) * 12;
const LAST_DATA = LAST_COMPLETE - 1;

const rows: string[] = [];
for (let m = FIRST; m <= LAST_DATA; m++) {
  const declared = `${monthOf(m + 1)}-05`;
  for (let c = 0; c < 8; c++) rows.push(`${monthOf(m)};GM0014;11111111;Groot Zorg;45A51;KG${c};${1000 + c * 10},00;1;;${declared}`);
  for (let c = 0; c < 3; c++) rows.push(`${monthOf(m)};GM1966;22222222;Hogeland Zorg;45A51;KH${c};${500 + c},00;1;;${declared}`);
  if (m >= YEAR * 12) rows.push(`${monthOf(m)};GM0037;33333333;Kanaal Zorg;45A51;KS1;700,00;1;;${declared}`);
}
const FILE = ["period;municipality_code;provider_code;provider_name;product_code;client_key;amount;units;referrer;declared_on", ...rows].join("\r\n");

let database: TestDatabase;
let server: TestServer;
const users = {
  groningen: { email: "viewer@groningen.test", role: "municipal_viewer", municipalityCode: "GM0014" },
  hogeland: { email: "viewer@hogeland.test", role: "municipal_viewer", municipalityCode: "GM1966" },
  analyst: { email: "analyst@rigg.test", role: "rigg_analyst" },
  steering: { email: "member@soo.test", role: "steering_member" },
  admin: { email: "admin@rigg.test", role: "admin" },
} as const;
const sessions = new Map<string, HttpClient>();

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(database.db);
  for (const user of Object.values(users)) await addUser(database.db, user);
  const bytes = Buffer.from(FILE, "utf8");
  const imported = await importDeclarations(
    database.db,
    { userId: null, label: "test" },
    { name: "d.csv", size: bytes.length, open: async function* () { yield bytes; } },
    { mode: "append", pseudonymKey: "forecast-page-test-key-forecast-page-test-key", bulk: database.bulk },
  );
  expect(imported).toMatchObject({ ok: true, lines: rows.length });
});
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

async function get(user: keyof typeof users, path: string) {
  return (await as(user)).request(path);
}

async function html(user: keyof typeof users, path: string) {
  const response = await get(user, path);
  expect(response.status, path).toBe(200);
  return response.text();
}

interface PageData {
  scope: string;
  year: number | null;
  years: { year: number; dataThrough: string; complete: boolean }[];
  report: {
    year: number;
    scope: string;
    declared_through: string;
    available: boolean;
    reason: { code: string; data_starts: string | null; needed_from: string } | null;
    segments: Record<string, { realised: string; forecast: string; low: string | null; high: string | null; clients_realised: number | null }>;
    months: { month: string; column: string; kind: string }[];
    factors: { column: string; lag: number; factor: string }[];
  } | null;
}

async function data(user: keyof typeof users, query: string): Promise<PageData> {
  const response = await get(user, `/forecast?${query}${query ? "&" : ""}_data=routes%2Fforecast`);
  expect(response.status, query).toBe(200);
  return (await response.json()) as PageData;
}

const lastDay = (index: number) => {
  const [y, m] = monthOf(index).split("-").map(Number);
  return `${monthOf(index)}-${String(new Date(Date.UTC(y!, m!, 0)).getUTCDate()).padStart(2, "0")}`;
};

describe("the forecast page", () => {
  it("shows the region's forecast of the current year: note, figures, chart with its table, lag pattern, backtest", async () => {
    const view = await data("analyst", "scope=region");
    expect(view.year).toBe(YEAR);
    expect(view.years.find((y) => y.year === YEAR)).toEqual({ year: YEAR, dataThrough: monthOf(LAST_DATA), complete: false });
    const report = view.report!;
    expect(report.available).toBe(true);
    expect(report.declared_through).toBe(lastDay(LAST_COMPLETE));
    expect(report.months.filter((m) => m.column === "all")).toHaveLength(12);
    expect(report.factors.filter((f) => f.column === "all").length).toBeGreaterThan(0);
    const page = await html("analyst", "/forecast?scope=region");
    for (const id of ["forecast-basis", "forecast-figures", "forecast-chart", "forecast-chart-table", "forecast-factors"]) expect(page, id).toContain(`data-testid="${id}"`);
    expect(page).toContain(`data-figure="forecast">${formatMoney(report.segments.all!.forecast, "nl")}<`);
    // The year choice marks the incomplete year with its last month.
    const month = nl.forecast.monthShort[monthOf(LAST_DATA).slice(5, 7) as keyof typeof nl.forecast.monthShort];
    expect(page).toContain(`>${YEAR} · t/m ${month}</option>`);
  });

  it("answers in English with the English texts", async () => {
    const client = new HttpClient(server.baseUrl, { "accept-language": "en-GB,en;q=0.9" });
    expect((await client.logIn(users.analyst.email)).status).toBe(302);
    const language = await client.post("/language", { language: "en", redirectTo: "/forecast" });
    expect([200, 302, 303]).toContain(language.status);
    const page = await (await client.request("/forecast")).text();
    expect(page).toContain(en.forecast.title);
    expect(page).toContain(en.forecast.factors.title);
  });

  it("says what is missing when there is too little history", async () => {
    const view = await data("analyst", "scope=GM0037");
    expect(view.report?.available).toBe(false);
    expect(view.report?.reason).toMatchObject({ code: "needs_history", data_starts: `${YEAR}-01`, needed_from: monthOf(LAST_COMPLETE - 24) });
    const page = await html("analyst", "/forecast?scope=GM0037");
    expect(page).toContain('data-testid="forecast-unavailable"');
    expect(page).toContain(`${YEAR}-01`);
  });

  it("refuses a malformed or future as-of date with a 400", async () => {
    expect((await get("analyst", "/forecast?asOf=02-12-2026")).status).toBe(400);
    expect((await get("analyst", `/forecast?asOf=${YEAR + 1}-12-31`)).status).toBe(400);
  });

  it("downloads the same figures as CSV and XLSX", async () => {
    const view = await data("analyst", "scope=region");
    const csv = await get("analyst", `/forecast/export?scope=region&year=${YEAR}&table=summary&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = (await csv.text()).replace(/^\uFEFF/, "").split(/\r?\n/);
    // In the session's language (an earlier test switched this analyst to English).
    const texts = lines[0]!.includes(nl.forecast.export.forecast) ? nl : en;
    expect(lines[0]).toContain(texts.forecast.export.forecast);
    const total = lines.find((l) => l.startsWith(texts.segments.columns.all))!;
    const forecast = view.report!.segments.all!.forecast;
    expect(total).toContain(texts === nl ? forecast.replace(".", ",") : forecast);
    for (const table of ["months", "factors", "backtest"]) {
      const response = await get("analyst", `/forecast/export?scope=region&year=${YEAR}&table=${table}&format=xlsx`);
      expect(response.status, table).toBe(200);
      expect(response.headers.get("content-disposition")).toMatch(/\.xlsx/);
    }
    expect((await get("analyst", `/forecast/export?scope=region&table=nope&format=csv`)).status).toBe(404);
  });
});

describe("the segment overview of an incomplete year", () => {
  it("shows realised, expected late, expected remaining, forecast with band and same period last year per column", async () => {
    const page = await html("analyst", `/segments?scope=region&year=${YEAR}`);
    expect(page).toContain('data-testid="segment-forecast-table"');
    for (const row of ["realised", "expected_late", "expected_remaining", "forecast", "band", "same_period_last_year"]) {
      expect(page).toContain(`data-testid="forecast-all-${row}"`);
    }
    expect(page).toContain('data-testid="year-incomplete"');
  });

  it("shows no forecast section for a complete year", async () => {
    const page = await html("analyst", `/segments?scope=region&year=${YEAR - 2}`);
    expect(page).not.toContain('data-testid="segment-forecast-table"');
  });
});

describe("who sees which forecast", () => {
  it("gives a municipal user their own municipality, and 404 for another one, however asked", async () => {
    const own = await data("groningen", "");
    expect(own.scope).toBe("GM0014");
    expect(own.report?.scope).toBe("GM0014");
    for (const path of [
      "/forecast?municipality=GM1966",
      "/forecast?scope=GM1966",
      "/forecast?scope=region",
      "/forecast/export?municipality=GM1966&table=summary&format=csv",
      "/forecast/export?scope=GM1966&table=months&format=xlsx",
      "/forecast?municipality=GM1966&_data=routes%2Fforecast",
      "/segments?scope=GM1966",
    ]) {
      const response = await get("groningen", path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain("Hogeland Zorg");
    }
  });

  it("lets regional roles choose a municipality", async () => {
    const view = await data("steering", "municipality=GM1966");
    expect(view.scope).toBe("GM1966");
    expect(view.report?.available).toBe(true);
    // Three clients: hidden from the steering body, shown to the municipality itself.
    expect(view.report?.segments.all?.clients_realised).toBeNull();
    const own = await data("hogeland", "");
    expect(own.report?.segments.all?.clients_realised).toBe(3);
  });

  it("refuses a role without report access, on the page and the export", async () => {
    for (const path of ["/forecast", "/forecast?scope=region", "/forecast/export?table=summary&format=csv", "/forecast?_data=routes%2Fforecast"]) {
      expect((await get("admin", path)).status, path).toBe(403);
    }
  });

  it("sends a logged-out visitor to the login page", async () => {
    const response = await new HttpClient(server.baseUrl).request("/forecast");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/login/);
  });
});

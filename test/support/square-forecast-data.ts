import { todayInAmsterdam } from "@jeugdregio/format";
import { lastCompleteMonth, monthEnd } from "@jeugdregio/forecast";
import Decimal from "decimal.js";

/**
 * Declarations with declared dates for the budget as-of tests, relative to today: M is the last
 * complete month. Groningen (GM0014) and Het Hogeland (GM1966) have eight lines per service month
 * from four years before M up to M (to November when M is December, so the current year is not
 * complete): six declared on the last day of the service month, two on the last day of the month
 * after (those only when that day has passed). Four years of history give the forecast a band.
 * Stadskanaal (GM0037) starts in M's year: too little history for a forecast.
 */
export const TODAY = todayInAmsterdam();
export const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
export const monthOf = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
export const M = monthIndex(lastCompleteMonth(TODAY));
export const LAST_DATA = M % 12 === 11 ? M - 1 : M;
/** The current (incomplete) year: the year of the last service month with data. */
export const YEAR = Math.floor(LAST_DATA / 12);
export const FIRST = M - 48;

export interface Line {
  month: string;
  municipality: string;
  client: string;
  amount: string;
  declaredOn: string;
}

export const HEADER = "period;municipality_code;provider_code;provider_name;product_code;client_key;amount;units;referrer;declared_on";

export function csvOf(lines: readonly Line[]): string {
  const provider = (code: string) => (code === "GM0014" ? "11111111;Groot Zorg" : code === "GM1966" ? "22222222;Hogeland Zorg" : "33333333;Kanaal Zorg");
  return [HEADER, ...lines.map((l) => `${l.month};${l.municipality};${provider(l.municipality)};45A51;${l.client};${l.amount.replace(".", ",")};1;;${l.declaredOn}`)].join("\r\n");
}

function linesFor(municipality: string, prefix: string, first: number, base: number): Line[] {
  const lines: Line[] = [];
  for (let m = first; m <= LAST_DATA; m++) {
    for (let c = 0; c < 8; c++) {
      const declaredOn = c < 6 ? monthEnd(monthOf(m)) : monthEnd(monthOf(m + 1));
      if (declaredOn > TODAY) continue;
      // Some growth and a season, so the backtest has something to miss.
      const amount = new Decimal(base + c * 10 + (m - first) * 3 + (m % 12) * 7).toFixed(2);
      lines.push({ month: monthOf(m), municipality, client: `${prefix}${c}`, amount, declaredOn });
    }
  }
  return lines;
}

export const LINES: Line[] = [...linesFor("GM0014", "KG", FIRST, 1000), ...linesFor("GM1966", "KH", FIRST, 500), ...linesFor("GM0037", "KS", YEAR * 12, 700)];

/** A later delivery, declared today: more lines for an earlier month and a credit. */
export function laterDelivery(month: number): Line[] {
  return [
    { month: monthOf(month), municipality: "GM0014", client: "KGX", amount: "4321.00", declaredOn: TODAY },
    { month: monthOf(month), municipality: "GM0014", client: "KG0", amount: "-250.00", declaredOn: TODAY },
  ];
}

/** The net amount of a municipality's lines of a year declared on or before `asOf` (all lines when null). */
export function netOf(lines: readonly Line[], municipality: string, year: number, asOf: string | null): string {
  return lines
    .filter((l) => l.municipality === municipality && l.month.startsWith(`${year}-`) && (asOf === null || l.declaredOn <= asOf))
    .reduce((sum, l) => sum.plus(l.amount), new Decimal(0))
    .toFixed(2);
}

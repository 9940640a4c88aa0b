import { yearInAmsterdam } from "@jeugdregio/format";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { SQUARE_PARTS, type SquarePart } from "@jeugdregio/budgets";
import { ParentSize } from "@visx/responsive";
import Decimal from "decimal.js";
import { useTranslation } from "react-i18next";
import { AsOfField } from "~/components/AsOfField";
import { DataThrough } from "~/components/DataThrough";
import { TableScroll } from "~/components/TableScroll";
import { ChartLegend } from "~/components/charts/ChartLegend";
import { StackedBarChart } from "~/components/charts/StackedBarChart";
import { ChangeHistory, FinanceNotice, typedValue, type FinanceResult } from "~/components/finance/FinanceFields";
import { BandReason } from "~/components/forecast/ForecastParts";
import { useYearLabel } from "~/components/forecast/useYearLabel";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { youthCareFinances } from "~/modules/budgets/budget-view.server";
import { financeAction } from "~/modules/budgets/finance-action.server";
import { saveOtherSpending } from "~/modules/budgets/finance-entries.server";
import { requestAsOf } from "~/modules/reports/as-of-view.server";
import { pageTitle } from "~/i18n/title";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, (t) => [t("square.title"), data?.municipalityName]);

/** `/budgets/GM0014?base=2023&asOf=2026-06-30`: the municipality's closed square and its local budgets (a bad `asOf` is a 400). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:budgets");
  const url = new URL(request.url);
  const asOf = requestAsOf(url);
  return json(await youthCareFinances(access, params.code ?? "", url.searchParams.get("base"), asOf));
}

/** Finance staff type in non-contracted care and PGB per year. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const code = params.code ?? "";
  return financeAction(request, context, code, (trx, { intent, fields, actor, separator }) => {
    if (intent !== "other_spending") throw new Response("Bad Request", { status: 400 });
    return saveOtherSpending(trx, actor, code, fields, separator);
  });
}

/** Lightness steps that stay apart in greyscale; the base line is a dashed red. */
const PART_COLORS: Record<SquarePart, string> = { rigg: "#2a788e", non_contracted: "#7ad151", pgb: "#fde725", local_budgets: "#440154" };
/** The indexed base line and the RIGG part's forecast (a diamond with its band), both ≥ 3:1 against white. */
const BASE_COLOR = "#cf222e";
const FORECAST_COLOR = "#bc4c00";
type LegendKey = SquarePart | "base" | "rigg_forecast";
const HEIGHT = 320;

/** `?asOf=` to carry into links, when the page was asked as of a date. */
function asOfQuery(requested: string | null, separator: "?" | "&" = "?") {
  return requested ? `${separator}asOf=${encodeURIComponent(requested)}` : "";
}

export default function YouthCareFinancesPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as FinanceResult | undefined;
  const { t } = useTranslation();
  const format = useFormat();
  const busy = useNavigation().state === "submitting";
  const square = data.square;
  const partLabel = (part: SquarePart) => t(`square.parts.${part}`);
  const missingText = (m: (typeof square.years)[number]["missing"][number]) =>
    m.part === "local_budget" ? t("square.missing.local_budget", { name: m.name, year: m.year }) : t(`square.missing.${m.part}`, { year: m.year });
  const typedYears = data.otherSpending.map((o) => o.year);
  const nextYear = typedYears.length ? Math.max(...typedYears) + 1 : (square.years[0]?.year ?? yearInAmsterdam());
  const yearLabel = useYearLabel(square.incompleteYears.map((y) => ({ ...y, complete: false })));
  const forecast = square.riggForecast;
  // Only what the chart draws goes in its legend: parts with an amount, the base line where it runs, the forecast when there is one.
  const drawnParts = SQUARE_PARTS.filter((p) => square.years.some((y) => y.parts[p] !== null && new Decimal(y.parts[p]!).gt(0)));
  const legendKeys: LegendKey[] = [
    ...drawnParts,
    ...(square.years.some((y) => y.indexedBase !== null) ? (["base"] as const) : []),
    ...(forecast ? (["rigg_forecast"] as const) : []),
  ];
  const legendLabel = (key: LegendKey) =>
    key === "base" ? t("square.indexedBase", { year: square.baseYear }) : key === "rigg_forecast" ? t("square.forecast.legend") : partLabel(key);
  const legendColor = (key: LegendKey) => (key === "base" ? BASE_COLOR : key === "rigg_forecast" ? FORECAST_COLOR : PART_COLORS[key]);
  const band = (f: NonNullable<typeof forecast>) =>
    f.low !== null && f.high !== null ? t("square.forecast.band", { low: format.money(f.low), high: format.money(f.high) }) : null;
  return (
    <>
      <h1>
        {t("square.title")} <span className="meta">{data.municipalityName}</span>
      </h1>
      <DataThrough through={data.dataThrough} declaredUpTo={data.asOf} />
      <p className="hint">{t("square.intro")}</p>
      {data.budgets.length ? (
        <p>
          {t("square.localBudgets")}:{" "}
          {data.budgets.map((b, i) => (
            <span key={b.key}>
              {i ? ", " : null}
              <Link to={`/budgets/${data.municipalityCode}/${b.key}${asOfQuery(data.requestedAsOf)}`}>{b.name}</Link>
            </span>
          ))}
        </p>
      ) : null}
      {square.years.length === 0 ? (
        <p>{t("square.noData")}</p>
      ) : (
        <section aria-labelledby="square-title" data-testid="closed-square">
          <h2 id="square-title">{t("square.chartTitle", { year: square.baseYear })}</h2>
          <Form method="get" className="filters" data-testid="square-filters">
            {square.baseYears.length > 1 ? (
              <label>
                {t("square.baseYear")}
                <select name="base" defaultValue={String(square.baseYear)}>
                  {square.baseYears.map((y) => (
                    <option key={y} value={y}>
                      {y}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            <AsOfField value={data.requestedAsOf} max={data.today} />
            <button type="submit" className="secondary">
              {t("segments.show")}
            </button>
          </Form>
          {square.incompleteYears.length ? (
            <p className="message warning" data-testid="square-incomplete">
              {square.incompleteYears.map((y) => t("forecast.incompleteMark", { year: y.year, month: yearLabel.month(y.dataThrough) })).join(" ")}
            </p>
          ) : null}
          {forecast ? (
            <p data-testid="square-rigg-forecast" data-year={forecast.year} data-forecast={forecast.forecast} data-low={forecast.low ?? ""} data-high={forecast.high ?? ""}>
              <strong>{t("square.forecast.title", { year: forecast.year })}</strong>: {format.money(forecast.forecast)}
              {band(forecast) ? `, ${band(forecast)}` : <>, <BandReason reason={forecast.bandReason} /></>}.{" "}
              <span className="hint">
                {t("square.forecast.basis", { date: format.date(forecast.declaredThrough), year: forecast.year })}{" "}
                <Link to={`/forecast?scope=${data.municipalityCode}&year=${forecast.year}${asOfQuery(data.requestedAsOf, "&")}`}>{t("forecast.overview.link")}</Link>
              </span>
            </p>
          ) : square.riggForecastMissing ? (
            <p className="hint" data-testid="square-rigg-forecast-missing">
              {square.riggForecastMissing.dataStarts
                ? t("square.forecast.needsHistory", { year: square.riggForecastMissing.year, neededFrom: square.riggForecastMissing.neededFrom, dataStarts: square.riggForecastMissing.dataStarts })
                : t("square.forecast.needsHistoryNoData", { year: square.riggForecastMissing.year, neededFrom: square.riggForecastMissing.neededFrom })}
            </p>
          ) : null}
          <ChartLegend keys={legendKeys} color={legendColor} keyLabel={legendLabel} label={t("square.legend")} />
          {legendKeys.includes("base") ? <p className="hint">{t("square.lineHint", { year: square.baseYear })}</p> : null}
          <div className="chart-frame" style={{ height: HEIGHT }} data-testid="square-chart">
            <ParentSize initialSize={{ width: 720, height: HEIGHT }} debounceTime={50}>
              {({ width }) => (
                <StackedBarChart
                  width={width}
                  height={HEIGHT}
                  data={square.years.map((y) => ({
                    label: yearLabel.label(y.year),
                    values: Object.fromEntries(SQUARE_PARTS.map((p) => [p, y.parts[p] ?? "0"])) as Record<SquarePart, string>,
                    total: y.total ?? SQUARE_PARTS.reduce((sum, p) => sum.plus(y.parts[p] ?? 0), new Decimal(0)).toFixed(2),
                  }))}
                  keys={SQUARE_PARTS}
                  color={(p) => PART_COLORS[p]}
                  keyLabel={partLabel}
                  formatValue={(v) => format.money(v)}
                  formatTick={(v) => format.money(v, { cents: false })}
                  totalLabel={t("square.total")}
                  line={{ label: t("square.indexedBase", { year: square.baseYear }), color: BASE_COLOR, values: Object.fromEntries(square.years.map((y) => [yearLabel.label(y.year), y.indexedBase])) }}
                  estimate={
                    forecast
                      ? { label: t("square.forecast.legend"), color: FORECAST_COLOR, values: { [yearLabel.label(forecast.year)]: { value: forecast.forecast, low: forecast.low, high: forecast.high } } }
                      : undefined
                  }
                />
              )}
            </ParentSize>
          </div>
          <TableScroll labelledBy="square-table-caption">
            <table className="data" data-testid="square-table">
              <caption id="square-table-caption">{t("square.tableCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("square.year")}</th>
                  {SQUARE_PARTS.map((p) => (
                    <th scope="col" key={p}>
                      {partLabel(p)}
                    </th>
                  ))}
                  {forecast ? <th scope="col">{t("square.forecast.column")}</th> : null}
                  <th scope="col">{t("square.total")}</th>
                  <th scope="col">{t("square.indexedBase", { year: square.baseYear })}</th>
                  <th scope="col">{t("square.deviation")}</th>
                </tr>
              </thead>
              <tbody>
                {square.years.map((y) => (
                  <tr key={y.year} data-year={y.year}>
                    <th scope="row">{yearLabel.label(y.year)}</th>
                    {SQUARE_PARTS.map((p) => (
                      <td className="num" key={p} data-part={p}>
                        {y.parts[p] === null ? <span className="meta">{t("square.notKnown")}</span> : format.money(y.parts[p])}
                      </td>
                    ))}
                    {forecast ? (
                      <td className="num" data-part="rigg_forecast">
                        {forecast.year === y.year ? (
                          <>
                            {format.money(forecast.forecast)}
                            <br />
                            <span className="meta">{band(forecast) ?? <BandReason reason={forecast.bandReason} />}</span>
                          </>
                        ) : null}
                      </td>
                    ) : null}
                    <td className="num" data-total>
                      {y.total === null ? <span className="meta">{t("square.notKnown")}</span> : format.money(y.total)}
                    </td>
                    <td className="num">{y.indexedBase === null ? "" : format.money(y.indexedBase)}</td>
                    <td className="num" data-deviation>
                      {y.deviation === null ? "" : `${format.money(y.deviation)} (${format.percent(y.deviationShare ?? "0", 1)})`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          {square.years.some((y) => y.missing.length) ? (
            <ul className="hint" data-testid="square-missing">
              {square.years
                .filter((y) => y.missing.length)
                .map((y) => (
                  <li key={y.year}>{t("square.cannotAdd", { year: y.year, missing: y.missing.map(missingText).join(", ") })}</li>
                ))}
            </ul>
          ) : null}
          <p className="hint">
            {t("square.indexUsed")}:{" "}
            {square.indexUsed.map((r) => t(`square.index.${r.kind}`, { year: r.year, pct: format.percent(new Decimal(r.pct).dividedBy(100).toString(), 2) })).join("; ")}
          </p>
          {data.square.versions.some((v) => v.version) ? (
            <p className="hint">
              {t("square.versions")}:{" "}
              {data.square.versions
                .filter((v) => v.version)
                .map((v) => `${v.year} ${data.budgets.find((b) => b.key === v.key)?.name ?? v.key}: ${t(`budgets.${v.version}`)}`)
                .join("; ")}
            </p>
          ) : null}
        </section>
      )}
      <section aria-labelledby="other-title" data-testid="other-spending">
        <h2 id="other-title">{t("square.otherTitle")}</h2>
        <p className="hint">{t("square.otherIntro")}</p>
        {data.otherSpending.length || data.canWrite ? (
          <TableScroll labelledBy="other-title">
            <table className="data" data-testid="other-spending-table">
              <thead>
                <tr>
                  <th scope="col">{t("square.year")}</th>
                  <th scope="col">{t("square.parts.non_contracted")}</th>
                  <th scope="col">{t("square.parts.pgb")}</th>
                  {data.canWrite ? <th scope="col">{t("finance.change")}</th> : null}
                </tr>
              </thead>
              <tbody>
                {data.otherSpending.map((o) =>
                  data.canWrite ? (
                    // One form per year, so a save never touches another year's figures.
                    <tr key={o.year} data-year={o.year}>
                      <th scope="row">{o.year}</th>
                      <td>
                        <input form={`other-${o.year}`} name="non_contracted" aria-label={t("square.fieldInYear", { field: t("finance.fields.non_contracted"), year: o.year })} inputMode="decimal" size={14} defaultValue={typedValue("non_contracted", o.non_contracted, format.language)} />
                      </td>
                      <td>
                        <input form={`other-${o.year}`} name="pgb" aria-label={t("square.fieldInYear", { field: t("finance.fields.pgb"), year: o.year })} inputMode="decimal" size={14} defaultValue={typedValue("pgb", o.pgb, format.language)} />
                      </td>
                      <td>
                        <Form method="post" id={`other-${o.year}`} className="inline">
                          <input type="hidden" name="intent" value="other_spending" />
                          <input type="hidden" name="year" value={o.year} />
                          <button type="submit" className="secondary" disabled={busy}>
                            {t("finance.save")}
                          </button>
                        </Form>
                      </td>
                    </tr>
                  ) : (
                    <tr key={o.year} data-year={o.year}>
                      <th scope="row">{o.year}</th>
                      <td className="num">{o.non_contracted === null ? "" : format.money(o.non_contracted)}</td>
                      <td className="num">{o.pgb === null ? "" : format.money(o.pgb)}</td>
                    </tr>
                  ),
                )}
                {data.canWrite ? (
                  <tr data-testid="other-spending-new">
                    <td>
                      <input form="other-new" name="year" aria-label={t("square.newYear")} inputMode="numeric" size={6} defaultValue={String(nextYear)} />
                    </td>
                    <td>
                      <input form="other-new" name="non_contracted" aria-label={t("square.fieldInNewYear", { field: t("finance.fields.non_contracted") })} inputMode="decimal" size={14} />
                    </td>
                    <td>
                      <input form="other-new" name="pgb" aria-label={t("square.fieldInNewYear", { field: t("finance.fields.pgb") })} inputMode="decimal" size={14} />
                    </td>
                    <td>
                      <Form method="post" id="other-new" className="inline">
                        <input type="hidden" name="intent" value="other_spending" />
                        <button type="submit" className="secondary" disabled={busy}>
                          {t("square.addYear")}
                        </button>
                      </Form>
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </TableScroll>
        ) : null}
        <FinanceNotice result={result} intent="other_spending" />
      </section>
      <ChangeHistory changes={data.history} />
    </>
  );
}

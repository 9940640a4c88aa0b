import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ParentSize } from "@visx/responsive";
import type { BudgetOutcome } from "@jeugdregio/budgets";
import Decimal from "decimal.js";
import { useTranslation } from "react-i18next";
import { AsOfField } from "~/components/AsOfField";
import { DataThrough } from "~/components/DataThrough";
import { TableScroll } from "~/components/TableScroll";
import { YearSelect } from "~/components/filters/FilterFields";
import { WaterfallChart } from "~/components/charts/WaterfallChart";
import { MonitorChart } from "~/components/charts/MonitorChart";
import { ChangeHistory, FinanceNotice, NumberField, type FinanceResult } from "~/components/finance/FinanceFields";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { budgetView } from "~/modules/budgets/budget-view.server";
import { financeAction } from "~/modules/budgets/finance-action.server";
import { addBudgetYear, saveBudgetParameters, saveRealisation, saveTrancheSpending } from "~/modules/budgets/finance-entries.server";
import { requestAsOf } from "~/modules/reports/as-of-view.server";
import { pageTitle } from "~/i18n/title";
import type { TFunction } from "i18next";
import { populationSourceLabel } from "~/i18n/stored";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, (t) => [data?.name, data?.municipalityName, t("nav.budgets")]);

/** `/budgets/GM0014/samen?year=2025&asOf=2026-06-30`: both versions step by step, their difference, the settlement (a bad `asOf` is a 400). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:budgets");
  const url = new URL(request.url);
  const asOf = requestAsOf(url);
  const view = await budgetView(access, params.code ?? "", params.key ?? "", url.searchParams.get("year"), asOf);
  return json(view);
}

/** Finance staff set yearly parameters, quarterly realisations and tranche spending here. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const target = { municipalityCode: params.code ?? "", key: params.key ?? "" };
  return financeAction(request, context, target.municipalityCode, (trx, { intent, fields, actor, separator }) => {
    if (intent === "parameters") return saveBudgetParameters(trx, actor, target, fields, separator);
    if (intent === "add_year") return addBudgetYear(trx, actor, target, fields);
    if (intent === "realisation") return saveRealisation(trx, actor, target, fields, separator);
    if (intent === "tranche") return saveTrancheSpending(trx, actor, target, fields, separator);
    throw new Response("Bad Request", { status: 400 });
  });
}

const MONEY_STEPS = new Set(["base", "structural_adjustment", "gross", "execution"]);
const TOTAL_STEPS = new Set(["base", "gross", "execution"]);

function Computation({ outcome, title, testId }: { outcome: BudgetOutcome; title: string; testId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (!outcome.ok) {
    const missing = outcome.missing.map((m) => t(`budgets.missing.${m.input}`, { year: m.year })).join(", ");
    return (
      <section data-testid={testId}>
        <h2>{title}</h2>
        <p className="error" data-testid={`${testId}-missing`}>
          {t("budgets.cannotCompute", { missing })}
        </p>
      </section>
    );
  }
  const shown = outcome.steps.filter((s) => s.key !== "ict" && s.key !== "housing");
  // Amounts as money, shares and the expected development as percentages, the volume as a factor.
  const stepInput = (key: string, input: string) => {
    if (input === "") return null;
    if (MONEY_STEPS.has(key)) return format.money(input);
    if (key === "index") return format.percent(new Decimal(input).dividedBy(100).toString(), 2);
    if (key === "volume") return format.number(input, 6);
    return format.percent(input, 2);
  };
  return (
    <section data-testid={testId}>
      <h2>{title}</h2>
      <div className="chart-frame" style={{ height: 300 }}>
        <ParentSize initialSize={{ width: 700, height: 300 }} debounceTime={50}>
          {({ width }) => (
            <WaterfallChart
              width={width}
              height={300}
              steps={shown.map((s) => ({ label: t(`budgets.steps.${s.key}`), amount: s.amount, total: TOTAL_STEPS.has(s.key) }))}
              formatMoney={(v) => format.money(v)}
              formatTick={(v) => format.money(v, { cents: false })}
            />
          )}
        </ParentSize>
      </div>
      <TableScroll labelledBy="waterfall-caption">
        <table className="data">
          <caption id="waterfall-caption">{t("budgets.waterfall")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("budgets.step")}</th>
              <th scope="col">{t("budgets.input")}</th>
              <th scope="col">{t("budgets.amount")}</th>
              <th scope="col">{t("budgets.source")}</th>
            </tr>
          </thead>
          <tbody>
            {outcome.steps.map((s) => (
              <tr key={s.key} data-step={s.key}>
                <th scope="row">{t(`budgets.steps.${s.key}`)}</th>
                <td className="num">{stepInput(s.key, s.input)}</td>
                <td className="num" data-amount>
                  {format.money(s.amount)}
                </td>
                <td>{s.sources.map((ref) => t(`budgets.sources.${ref.key}`, sourceParams(t, ref.params))).join("; ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

function YearlyParameters({ data, result }: { data: ReturnType<typeof useLoaderData<typeof loader>>; result: FinanceResult | undefined }) {
  const { t } = useTranslation();
  const format = useFormat();
  const busy = useNavigation().state === "submitting";
  const selected = data.parameters.find((p) => p.year === data.year);
  return (
    <section aria-labelledby="parameters-title" data-testid="budget-parameters">
      <h2 id="parameters-title">{t("budgets.parametersTitle")}</h2>
      <p className="hint">{t("budgets.parametersIntro")}</p>
      {data.parameters.length === 0 ? (
        <p>{t("budgets.noParameters")}</p>
      ) : (
        <TableScroll labelledBy="parameters-title">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t("budgets.year")}</th>
                <th scope="col">{t("finance.fields.scope_share")}</th>
                <th scope="col">{t("finance.fields.expected_development")}</th>
                <th scope="col">{t("finance.fields.manual_base")}</th>
                <th scope="col">{t("finance.fields.structural_adjustment")}</th>
                {[1, 2, 3, 4].map((q) => (
                  <th scope="col" key={q}>
                    {t(`finance.fields.realised_q${q}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.parameters.map((p) => (
                <tr key={p.year} data-year={p.year}>
                  <th scope="row">{p.year}</th>
                  <td className="num">{format.percent(p.scope_share, 1)}</td>
                  <td className="num">{p.expected_development === null ? "" : format.percent(p.expected_development, 2)}</td>
                  <td className="num" title={p.manual_base_reason ?? undefined}>
                    {p.manual_base === null ? "" : format.money(p.manual_base)}
                  </td>
                  <td className="num">{format.money(p.structural_adjustment)}</td>
                  {p.realised.map((q, i) => (
                    <td className="num" key={i} data-quarter={i + 1}>
                      {q === null ? "" : format.money(q)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {data.canWrite ? (
        <div className="finance-forms">
          {selected ? (
            <Form method="post" className="stacked" data-testid="parameters-form" key={`parameters-${data.year}`}>
              <h3>{t("budgets.editParameters", { year: data.year })}</h3>
              <input type="hidden" name="intent" value="parameters" />
              <input type="hidden" name="year" value={data.year} />
              <NumberField name="scope_share" label={t("finance.fields.scope_share")} value={selected.scope_share} hint={t("finance.percentHint")} result={result} intent="parameters" />
              <NumberField name="expected_development" label={t("finance.fields.expected_development")} value={selected.expected_development} hint={t("finance.percentHint")} result={result} intent="parameters" />
              <NumberField name="manual_base" label={t("finance.fields.manual_base")} value={selected.manual_base} hint={t("budgets.manualBaseHint")} result={result} intent="parameters" />
              <NumberField name="manual_base_reason" label={t("finance.fields.manual_base_reason")} value={selected.manual_base_reason} result={result} intent="parameters" multiline />
              <NumberField name="structural_adjustment" label={t("finance.fields.structural_adjustment")} value={selected.structural_adjustment} hint={t("budgets.adjustmentHint")} result={result} intent="parameters" />
              <FinanceNotice result={result} intent="parameters" />
              <button type="submit" disabled={busy}>
                {t("finance.save")}
              </button>
            </Form>
          ) : null}
          {selected ? (
            <Form method="post" className="stacked" data-testid="realisation-form" key={`realisation-${data.year}`}>
              <h3>{t("budgets.editRealisation", { year: data.year })}</h3>
              <input type="hidden" name="intent" value="realisation" />
              <input type="hidden" name="year" value={data.year} />
              {[1, 2, 3, 4].map((q) => (
                <NumberField key={q} name={`realised_q${q}`} label={t(`finance.fields.realised_q${q}`)} value={selected.realised[q - 1] ?? null} result={result} intent="realisation" />
              ))}
              <FinanceNotice result={result} intent="realisation" />
              <button type="submit" disabled={busy}>
                {t("finance.save")}
              </button>
            </Form>
          ) : null}
          <Form method="post" className="stacked" data-testid="add-year-form">
            <h3>{t("budgets.addYear")}</h3>
            <input type="hidden" name="intent" value="add_year" />
            <label>
              {t("finance.fields.year")}
              <input name="year" inputMode="numeric" size={6} defaultValue={String((data.parameters[data.parameters.length - 1]?.year ?? data.year - 1) + 1)} />
              <span className="hint">{t("budgets.addYearHint")}</span>
            </label>
            <FinanceNotice result={result} intent="add_year" />
            <button type="submit" className="secondary" disabled={busy}>
              {t("budgets.addYear")}
            </button>
          </Form>
        </div>
      ) : null}
    </section>
  );
}

/** A step's source texts; the population's source is a stored code (or a file name), given in the page's words. */
function sourceParams(t: TFunction, params: Record<string, string | number> | undefined) {
  return params && typeof params.source === "string" ? { ...params, source: populationSourceLabel(t, params.source) } : (params ?? {});
}

export default function BudgetPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as FinanceResult | undefined;
  const { t } = useTranslation();
  const format = useFormat();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <h1>
        {data.name} <span className="meta">{data.municipalityName}</span>
      </h1>
      <DataThrough through={data.dataThrough} declaredUpTo={data.asOf} />
      <p className="hint">
        {t("budgets.executor")}: {data.executor} ·{" "}
        <Link to={`/budgets/${data.municipalityCode}${data.requestedAsOf ? `?asOf=${encodeURIComponent(data.requestedAsOf)}` : ""}`}>{t("square.link", { municipality: data.municipalityName })}</Link>
      </p>
      <Form method="get" className="filters" data-testid="budget-filters">
        <YearSelect years={data.years} value={data.year} label={t("budgets.year")} />
        <AsOfField value={data.requestedAsOf} max={data.today} />
        <button type="submit" className="secondary">
          {t("segments.show")}
        </button>
      </Form>
      <Computation outcome={data.october} title={t("budgets.october")} testId="budget-october" />
      <Computation outcome={data.march} title={t("budgets.march")} testId="budget-march" />
      {data.difference !== null ? (
        <p data-testid="budget-difference">
          {t("budgets.difference")}: {format.money(data.difference)}
        </p>
      ) : null}
      <YearlyParameters data={data} result={result} />
      <section aria-labelledby="monitor-title" data-testid="transition-monitor">
        <h2 id="monitor-title">{t("budgets.monitorTitle")}</h2>
        {data.monitor.closesOn ? <p className="hint">{t("budgets.monitorIntro", { date: format.date(data.monitor.closesOn) })}</p> : null}
        {data.monitor.months.length === 0 ? (
          <p>{t("budgets.noMonitor")}</p>
        ) : (
          <MonitorChart perProduct={data.monitor.perProduct} months={data.monitor.months} closesOn={data.monitor.closesOn} />
        )}
        {data.monitor.months.length === 0 ? null : (
          <details>
            <summary>{t("budgets.monitorTable")}</summary>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t("budgets.month")}</th>
                <th scope="col">{t("budgets.spending")}</th>
                <th scope="col">{t("budgets.clients")}</th>
              </tr>
            </thead>
            <tbody>
              {data.monitor.months.map((m) => {
                const closed = data.monitor.closesOn !== null && `${m.month}-01` >= data.monitor.closesOn;
                return (
                  <tr key={m.month} className={closed ? "after-closing" : undefined}>
                    <th scope="row">
                      {m.month}
                      {closed ? <span className="meta">{t("budgets.closed")}</span> : null}
                    </th>
                    <td className="num">{format.money(m.spending)}</td>
                    <td className="num">{m.clients === null ? t("segments.fewerThan5") : format.number(m.clients)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          </details>
        )}
        {data.monitor.perProvider === null ? (
          <p className="hint" data-testid="monitor-providers-hidden">
            {t("budgets.providersHidden")}
          </p>
        ) : data.monitor.perProvider.length ? (
          <TableScroll labelledBy="monitor-providers-caption">
            <table className="data" data-testid="monitor-providers">
              <caption id="monitor-providers-caption">{t("budgets.perProvider")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("budgets.provider")}</th>
                  <th scope="col">{t("budgets.spending")}</th>
                  <th scope="col">{t("budgets.afterClosing")}</th>
                  <th scope="col">{t("budgets.clients")}</th>
                  <th scope="col">{t("budgets.lastMonth")}</th>
                </tr>
              </thead>
              <tbody>
                {data.monitor.perProvider.map((p) => (
                  <tr key={p.provider_code}>
                    <th scope="row">{p.provider_name}</th>
                    <td className="num">{format.money(p.spending)}</td>
                    <td className="num">{format.money(p.spending_after_closing)}</td>
                    <td className="num">{p.clients === null ? t("segments.fewerThan5") : format.number(p.clients)}</td>
                    <td>{p.last_month}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        ) : null}
        <h3 id="signals-title">{t("budgets.signalsTitle")}</h3>
        <p className="hint">{t("budgets.signalsIntro")}</p>
        {data.monitor.signals === null ? (
          <p className="hint">{t("budgets.providersHidden")}</p>
        ) : data.monitor.signals.length === 0 ? (
          <p data-testid="no-signals">{t("budgets.noSignals")}</p>
        ) : (
          <TableScroll labelledBy="signals-title">
            <table className="data" data-testid="monitor-signals">
              <thead>
                <tr>
                  <th scope="col">{t("budgets.month")}</th>
                  <th scope="col">{t("budgets.provider")}</th>
                  <th scope="col">{t("budgets.product")}</th>
                  <th scope="col">{t("budgets.spending")}</th>
                  <th scope="col">{t("budgets.clients")}</th>
                </tr>
              </thead>
              <tbody>
                {data.monitor.signals.map((s) => (
                  <tr key={`${s.month}-${s.provider_code}-${s.product_code}`}>
                    <td>{s.month}</td>
                    <td>{s.provider_name}</td>
                    <td>{s.product_code}</td>
                    <td className="num">{format.money(s.spending)}</td>
                    <td className="num">{s.clients === null ? t("segments.fewerThan5") : format.number(s.clients)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
      <section aria-labelledby="tranches-title" data-testid="budget-tranches">
        <h2 id="tranches-title">{t("budgets.tranchesTitle")}</h2>
        <p className="hint">{t("budgets.tranchesIntro")}</p>
        {data.tranches.length === 0 ? <p>{t("budgets.noTranches")}</p> : null}
        <FinanceNotice result={result} intent="tranche" />
        {data.tranches.map((ledger) => (
          <TableScroll key={ledger.kind} labelledBy={`tranche-${ledger.kind}-caption`}>
            <table className="data" data-kind={ledger.kind}>
              <caption id={`tranche-${ledger.kind}-caption`}>{t(`budgets.kinds.${ledger.kind}`)}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("budgets.tranche")}</th>
                  <th scope="col">{t("budgets.decided")}</th>
                  <th scope="col">{t("budgets.carriedIn")}</th>
                  <th scope="col">{t("budgets.trancheAmount")}</th>
                  <th scope="col">{t("budgets.available")}</th>
                  <th scope="col">{t("budgets.spent")}</th>
                  <th scope="col">{t("budgets.carriedOut")}</th>
                  {data.canWrite ? <th scope="col">{t("budgets.editSpent")}</th> : null}
                </tr>
              </thead>
              <tbody>
                {ledger.lines.map((line) => {
                  const decision = ledger.decisions.find((d) => d.year === line.year);
                  return (
                    <tr key={line.year}>
                      <th scope="row">{line.year}</th>
                      <td>{decision ? `${format.date(decision.decided_on)}, ${decision.decided_by}` : null}</td>
                      <td className="num">{format.money(line.carriedIn)}</td>
                      <td className="num">{format.money(line.amount)}</td>
                      <td className="num">{format.money(line.available)}</td>
                      <td className="num">{format.money(line.spent)}</td>
                      <td className="num">{format.money(line.carriedOut)}</td>
                      {data.canWrite ? (
                        <td>
                          <Form method="post" className="inline" data-testid={`tranche-form-${ledger.kind}-${line.year}`}>
                            <input type="hidden" name="intent" value="tranche" />
                            <input type="hidden" name="kind" value={ledger.kind} />
                            <input type="hidden" name="year" value={line.year} />
                            <input name="spent" aria-label={t("budgets.spentIn", { year: line.year })} inputMode="decimal" size={12} defaultValue={format.language === "nl" ? line.spent.replace(".", ",") : line.spent} />
                            <button type="submit" className="secondary" disabled={busy}>
                              {t("finance.save")}
                            </button>
                          </Form>
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={6}>
                    {t("budgets.toReturn")}
                  </th>
                  <td className="num" data-to-return>
                    {format.money(ledger.toReturn)}
                  </td>
                  {data.canWrite ? <td /> : null}
                </tr>
              </tfoot>
            </table>
          </TableScroll>
        ))}
      </section>
      <section aria-labelledby="settlement-title">
        <h2 id="settlement-title">{t("budgets.settlementTitle")}</h2>
        <p className="hint">{t("budgets.settlementIntro")}</p>
        {data.settlement.length === 0 ? (
          <p>{t("budgets.noSettlement")}</p>
        ) : (
          <TableScroll labelledBy="settlement-title">
            <table className="data" data-testid="budget-settlement">
              <thead>
                <tr>
                  <th scope="col">{t("budgets.year")}</th>
                  <th scope="col">{t("budgets.version")}</th>
                  <th scope="col">{t("budgets.execution")}</th>
                  <th scope="col">{t("budgets.realised")}</th>
                  <th scope="col">{t("budgets.settlementDifference")}</th>
                  <th scope="col">{t("budgets.cumulative")}</th>
                </tr>
              </thead>
              <tbody>
                {data.settlement.map((s) => (
                  <tr key={s.year}>
                    <th scope="row">{s.year}</th>
                    <td>{t(`budgets.${s.version}`)}</td>
                    <td className="num">{format.money(s.execution)}</td>
                    <td className="num">{format.money(s.realised)}</td>
                    <td className="num">{format.money(s.difference)}</td>
                    <td className="num">{format.money(s.cumulative)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </section>
      <ChangeHistory changes={data.history} />
    </>
  );
}

import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { SEGMENT_COLUMNS } from "@jeugdregio/metrics";
import { useTranslation } from "react-i18next";
import { todayInAmsterdam } from "@jeugdregio/format";
import { AsOfField, AsOfHidden } from "~/components/AsOfField";
import { DataThrough } from "~/components/DataThrough";
import { TableScroll } from "~/components/TableScroll";
import { DataTable, type TableColumn } from "~/components/table/DataTable";
import { DownloadLinks, SegmentColumnHeaders, SegmentSelect, YearSelect } from "~/components/filters/FilterFields";
import { IncompleteYearNote } from "~/components/forecast/ForecastParts";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { yearMarks } from "~/modules/reports/forecast-view.server";
import { COMPARE_METRICS, parseMetric } from "~/modules/reports/compare-metrics";
import { compareView } from "~/modules/reports/concentration-view.server";
import { pageTitle } from "~/i18n/title";
import { heat } from "~/components/heat";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, (t) => [t("nav.compare"), data?.year]);

/** `/compare?year=&metric=&segment=&min=&asOf=`: municipalities × segments, as the CLI's `report compare` (as of a date, default today). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "read:segments");
  const url = new URL(request.url);
  const view = await compareView(access, context, url);
  const completeness = await yearMarks(access, url);
  return json({ ...view, completeness, metric: parseMetric(url.searchParams.get("metric")), today: todayInAmsterdam() });
}

/** Before a pair is chosen: the first two municipalities, never one against itself. */
function pairDefault(municipalities: readonly string[], which: "first" | "second"): string {
  return (which === "first" ? municipalities[0] : (municipalities[1] ?? municipalities[0])) ?? "";
}

export default function ComparePage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const format = useFormat();
  const metric = data.metric;
  const value = (cell: (typeof data.rows)[number]["segments"]["all"]): string | number | null => cell[metric];
  const show = (raw: string | number | null, hidden: boolean) => {
    if (hidden) return t("compare.hidden");
    if (raw === null) return t("compare.notAvailable");
    if (metric === "providers_80") return format.number(raw);
    if (metric === "clients_per_1000") return format.number(raw, 1);
    return format.money(String(raw));
  };
  const municipalRows = data.rows.filter((r) => r.scope !== "region");
  const nameOf = (code: string) => data.rows.find((r) => r.scope === code)?.name ?? code;
  type SharedRow = NonNullable<typeof data.shared>["providers"][number];
  // One column per municipality with any provider in its 80% set: a mark, sorted as 1 or 0.
  const sharedColumns = (codes: readonly string[]): TableColumn<SharedRow>[] => [
    { id: "provider", header: t("compare.provider"), value: (p) => p.provider_name, rowHeader: true },
    { id: "count", header: t("compare.count"), kind: "number", value: (p) => p.municipalities.length, text: (p) => format.number(p.municipalities.length) },
    ...codes.map(
      (code): TableColumn<SharedRow> => ({
        id: `m_${code}`,
        header: nameOf(code),
        value: (p) => (p.municipalities.includes(code) ? 1 : 0),
        text: (p) => (p.municipalities.includes(code) ? t("compare.inSetMark") : ""),
        csv: (p) => (p.municipalities.includes(code) ? t("compare.inSet") : ""),
        cellProps: (p) => ({ className: "mark", title: p.municipalities.includes(code) ? t("compare.inSet") : undefined }),
      }),
    ),
  ];
  const query = new URLSearchParams({ metric, ...(data.year ? { year: String(data.year) } : {}), ...(data.requestedAsOf ? { asOf: data.requestedAsOf } : {}) });
  return (
    <>
      <h1>{t("compare.title")}</h1>
      <DataThrough through={data.dataThrough} declaredUpTo={data.asOf} />
      <p className="hint">{t("compare.intro")}</p>
      <Form method="get" className="filters" data-testid="compare-filters">
        <label>
          {t("compare.metric")}
          <select name="metric" defaultValue={metric} data-testid="metric-select">
            {COMPARE_METRICS.map((m) => (
              <option key={m} value={m}>
                {t(`compare.metrics.${m}`)}
              </option>
            ))}
          </select>
        </label>
        <YearSelect years={data.years} value={data.year} completeness={data.completeness} />
        <AsOfField value={data.requestedAsOf} max={data.today} />
        <button type="submit" className="secondary">
          {t("segments.show")}
        </button>
      </Form>
      <IncompleteYearNote year={data.year} completeness={data.completeness} />
      {data.rows.length === 0 ? (
        <p>{t("concentration.noData")}</p>
      ) : (
        <>
          <Downloads query={query} table="matrix" />
          <TableScroll labelledBy="compare-matrix-caption">
            <table className="data heat" data-testid="compare-matrix">
              <caption id="compare-matrix-caption">{t(`compare.metrics.${metric}`)}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("compare.municipality")}</th>
                  <SegmentColumnHeaders />
                </tr>
              </thead>
              <tbody>
                {data.rows.map((row) => (
                  <tr key={row.scope} data-scope={row.scope} className={row.scope === "region" ? "total" : row.own ? "own" : undefined}>
                    <th scope="row">{row.scope === "region" ? t("compare.region") : row.name}</th>
                    {SEGMENT_COLUMNS.map((col) => {
                      const numbers = municipalRows.map((r) => Number(value(r.segments[col]))).filter((n) => Number.isFinite(n));
                      const cell = row.segments[col];
                      const raw = value(cell);
                      const hidden = cell.clients === null && (metric === "clients_per_1000" || metric === "avg_per_client");
                      const style = row.scope === "region" || hidden || raw === null ? {} : heat(Number(raw), Math.min(...numbers), Math.max(...numbers));
                      return (
                        <td key={col} className="num" style={style} data-column={col}>
                          {show(raw, hidden)}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          {data.viewer !== "analyst" ? <p className="hint">{t("compare.hiddenHint")}</p> : null}
        </>
      )}

      {data.shared ? (
        <section aria-labelledby="shared-title" data-testid="shared-providers">
          <h2 id="shared-title">{t("compare.sharedTitle")}</h2>
          <p className="hint">{t("compare.sharedIntro")}</p>
          <Form method="get" className="filters">
            <input type="hidden" name="metric" value={metric} />
            {data.year ? <input type="hidden" name="year" value={data.year} /> : null}
            <AsOfHidden value={data.requestedAsOf} />
            <SegmentSelect value={data.shared.segment} testId="shared-segment-select" />
            <label>
              {t("compare.minMunicipalities")}
              <input type="number" name="min" min={1} max={10} defaultValue={data.shared.min} />
            </label>
            <button type="submit" className="secondary">
              {t("segments.show")}
            </button>
          </Form>
          <Downloads query={new URLSearchParams({ ...Object.fromEntries(query), segment: data.shared.segment, min: String(data.shared.min) })} table="shared" />
          {data.shared.providers.length === 0 ? (
            <p>{t("compare.noShared")}</p>
          ) : (
            <DataTable
              mode="client"
              id="shared"
              testId="shared-table"
              className="grid"
              caption={t("compare.sharedTitle")}
              captionHidden
              fileName={`gedeelde-aanbieders-${data.shared.segment}-${data.year ?? ""}`}
              rows={data.shared.providers}
              rowKey={(p) => p.provider_code}
              rowProps={(p) => ({ "data-provider": p.provider_code })}
              columns={sharedColumns(data.shared.municipalities)}
            />
          )}
          <h3>{t("compare.pairTitle")}</h3>
          <Form method="get" className="filters">
            <input type="hidden" name="metric" value={metric} />
            <input type="hidden" name="segment" value={data.shared.segment} />
            <input type="hidden" name="min" value={data.shared.min} />
            {data.year ? <input type="hidden" name="year" value={data.year} /> : null}
            <AsOfHidden value={data.requestedAsOf} />
            {(["first", "second"] as const).map((which) => (
              <label key={which}>
                {t(`compare.${which}`)}
                <select name={which} defaultValue={data.shared?.pair?.[which] ?? pairDefault(data.shared!.municipalities, which)}>
                  {data.shared!.municipalities.map((code) => (
                    <option key={code} value={code}>
                      {data.rows.find((r) => r.scope === code)?.name ?? code}
                    </option>
                  ))}
                </select>
              </label>
            ))}
            <button type="submit" className="secondary">
              {t("segments.show")}
            </button>
          </Form>
          {data.shared.pair ? (
            <div className="overlap" data-testid="pair-overlap">
              {(
                [
                  [t("compare.both"), data.shared.pair.shared],
                  [t("compare.onlyIn", { name: nameOf(data.shared.pair.first) }), data.shared.pair.onlyFirst],
                  [t("compare.onlyIn", { name: nameOf(data.shared.pair.second) }), data.shared.pair.onlySecond],
                ] as const
              ).map(([title, names]) => (
                <section key={title}>
                  <h4>
                    {title} ({names.length})
                  </h4>
                  <ul>
                    {names.map((name) => (
                      <li key={name}>{name}</li>
                    ))}
                  </ul>
                </section>
              ))}
            </div>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

function Downloads({ query, table }: { query: URLSearchParams; table: "matrix" | "shared" }) {
  return <DownloadLinks table={table} href={(format) => `/compare/export?${query}&table=${table}&format=${format}`} />;
}

import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useFormat } from "~/i18n/useFormat";
import type { SegmentReportJson } from "./api";
import { MEASURES, SEGMENT_COLUMNS, type Measure } from "./columns";
import { scopeQuery } from "./api";

const MONEY: ReadonlySet<Measure> = new Set(["spending", "avg_per_client", "spending_80"]);

/**
 * The figure's definition in the glossary: a "?" drawn by CSS, named by its label, so that the
 * header's text stays the figure's name alone.
 */
function TermLink({ term, name }: { term: string; name: string }) {
  const { t } = useTranslation();
  return <Link to={`/glossary#term-${term}`} className="term-link" aria-label={t("glossary.definitionOf", { term: name })} data-testid={`term-link-${term}`} />;
}

/** DOMAIN.md's segment table; each column header opens the column's products, and each header links to its definition. */
export function SegmentTable({ report, scopeName, asOf = null }: { report: SegmentReportJson; scopeName: string; asOf?: string | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const query = scopeQuery(report.scope, report.year, asOf);
  const cell = (measure: Measure, value: string | number | null, hidden: boolean) => {
    // A hidden client count (the disclosure rule) hides its average too.
    if (hidden && (measure === "clients" || measure === "avg_per_client")) return t("segments.fewerThan5");
    if (value === null) return t("segments.none");
    // Whole euros on screen; the JSON and the CLI keep the cents.
    return MONEY.has(measure) ? format.money(value, { cents: false }) : format.number(value);
  };
  return (
    // Focusable, so keyboard users can scroll the table sideways on narrow screens.
    <div className="table-scroll" role="region" aria-labelledby="segment-table-caption" tabIndex={0}>
      <table className="segment-table" data-testid="segment-table">
        <caption id="segment-table-caption">{t("segments.tableCaption", { scope: scopeName, year: report.year })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("segments.measure")}</th>
            {SEGMENT_COLUMNS.map((column) => (
              <th scope="col" className="num" key={column}>
                <Link to={`/segments/${column}${query}`} data-testid={`column-link-${column}`}>
                  {t(`segments.columns.${column}`)}
                </Link>
                <TermLink term={column} name={t(`segments.columns.${column}`)} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {MEASURES.map((measure) => (
            <tr key={measure}>
              <th scope="row">
                {t(`segments.measures.${measure}`)}
                <TermLink term={measure} name={t(`segments.measures.${measure}`)} />
              </th>
              {SEGMENT_COLUMNS.map((column) => (
                <td className="num" key={column} data-testid={`cell-${column}-${measure}`}>
                  {cell(measure, report.segments[column][measure], report.segments[column].clients === null)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

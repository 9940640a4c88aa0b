import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ScopePicker, type ScopeChoice } from "~/components/filters/ScopePicker";
import { DownloadLinks, YearSelect } from "~/components/filters/FilterFields";

/**
 * The drill-downs' own choice of scope and year (a GET form to the same page, so it works
 * without JavaScript), like the overview's, and the downloads of the table as shown.
 */
export function DrilldownFilters({
  action,
  scope,
  scopeName,
  year,
  years,
  municipalities,
  requestedAsOf,
  downloadTable,
}: {
  action: string;
  scope: string;
  scopeName: string | null;
  year: number;
  years: readonly number[];
  municipalities: readonly ScopeChoice[];
  requestedAsOf: string | null;
  downloadTable: string;
}) {
  const { t } = useTranslation();
  const query = new URLSearchParams({ scope, year: String(year), ...(requestedAsOf ? { asOf: requestedAsOf } : {}) });
  return (
    <>
      <Form method="get" action={action} className="filters" data-testid="drilldown-filters">
        {municipalities.length ? (
          <ScopePicker value={scope} municipalities={municipalities} />
        ) : (
          <p className="filters-scope">
            <span className="filters-label">{t("segments.scope")}</span>
            <span className="filters-value" data-testid="scope-name">
              {scopeName ?? t("segments.region")}
            </span>
          </p>
        )}
        <YearSelect years={years.includes(year) ? years : [...years, year].sort((a, b) => b - a)} value={year} />
        {requestedAsOf ? <input type="hidden" name="asOf" value={requestedAsOf} /> : null}
        <button type="submit" className="secondary">
          {t("segments.show")}
        </button>
      </Form>
      <DownloadLinks table={downloadTable} href={(format) => `${action}/download?${query}&format=${format}`} />
    </>
  );
}

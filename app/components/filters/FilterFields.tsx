import { SEGMENT_COLUMNS } from "@jeugdregio/metrics";
import type { ChangeEvent } from "react";
import { useTranslation } from "react-i18next";
import type { YearCompletenessJson } from "~/components/forecast/api";
import { useYearLabel } from "~/components/forecast/useYearLabel";

/**
 * The year choice of a filter form, on every page that has one. Uncontrolled (the GET form
 * submits it), or with `onChange` controlled (the page reacts at once). With `completeness` an
 * incomplete year reads "2026 · t/m sep" (its data runs through September). `label`: the page's
 * own wording, else "Year".
 */
export function YearSelect({
  years,
  value,
  completeness,
  label: text,
  onChange,
}: {
  years: readonly number[];
  value: number | null;
  completeness?: readonly YearCompletenessJson[];
  label?: string;
  onChange?: (year: string) => void;
}) {
  const { t } = useTranslation();
  const { label } = useYearLabel(completeness);
  if (!years.length) return null;
  const state = onChange ? { value: String(value), onChange: (event: ChangeEvent<HTMLSelectElement>) => onChange(event.target.value) } : { defaultValue: String(value) };
  return (
    <label>
      {text ?? t("segments.year")}
      <select name="year" {...state} data-testid="year-select">
        {years.map((y) => (
          <option key={y} value={y}>
            {label(y)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A segment column choice (all, the five segments, unassigned). */
export function SegmentSelect({ value, testId = "segment-select" }: { value: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <label>
      {t("concentration.segment")}
      <select name="segment" defaultValue={value} data-testid={testId}>
        {SEGMENT_COLUMNS.map((col) => (
          <option key={col} value={col}>
            {t(`segments.columns.${col}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** CSV and XLSX links for one table; the export route applies the page's own rules. */
export function DownloadLinks({ href, table }: { href: (format: "csv" | "xlsx") => string; table: string }) {
  const { t } = useTranslation();
  return (
    <p className="downloads">
      {t("concentration.download")}:{" "}
      <a href={href("csv")} download data-testid={`download-${table}-csv`}>
        {t("concentration.csv")}
      </a>{" "}
      <a href={href("xlsx")} download data-testid={`download-${table}-xlsx`}>
        {t("concentration.xlsx")}
      </a>
    </p>
  );
}

/** The header cells of the segment columns (all, the five segments, unassigned), after a first header cell. */
export function SegmentColumnHeaders() {
  const { t } = useTranslation();
  return (
    <>
      {SEGMENT_COLUMNS.map((col) => (
        <th scope="col" key={col}>
          {t(`segments.columns.${col}`)}
        </th>
      ))}
    </>
  );
}

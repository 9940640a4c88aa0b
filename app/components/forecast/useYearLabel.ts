import { useTranslation } from "react-i18next";
import type { YearCompletenessJson } from "./api";

/**
 * The label of a year in a year choice: `2026 · t/m sep` / `2026 · through Sep` while the year
 * is not complete (its data runs through that month), else just the year.
 */
export function useYearLabel(completeness: readonly YearCompletenessJson[] | undefined) {
  const { t } = useTranslation();
  const month = (yyyyMm: string) => t(`forecast.monthShort.${yyyyMm.slice(5, 7)}`);
  return {
    month,
    label(year: number): string {
      const entry = completeness?.find((c) => c.year === year);
      return entry && !entry.complete ? t("forecast.yearIncomplete", { year, month: month(entry.dataThrough) }) : String(year);
    },
    /** The entry of an incomplete year, or null when complete or unknown. */
    incomplete(year: number | null): YearCompletenessJson | null {
      const entry = completeness?.find((c) => c.year === year);
      return entry && !entry.complete ? entry : null;
    },
  };
}

import { useTranslation } from "react-i18next";
import { useFormat } from "~/i18n/useFormat";

/**
 * "figures through {month}, declared up to {date}" (issue 14 §2), next to the title of every
 * page that shows declaration figures: how far the figures reach (`through`, 'YYYY-MM', the
 * latest service month with a line declared by then; null without any) and the as-of date
 * (`declaredUpTo`, 'YYYY-MM-DD'), both in the page's language.
 */
export function DataThrough({ through, declaredUpTo }: { through: string | null; declaredUpTo: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const date = format.date(declaredUpTo);
  return (
    <p className="hint data-through" data-testid="data-through" data-through={through ?? ""} data-declared-up-to={declaredUpTo}>
      {through === null ? t("asOf.dataThroughNone", { date }) : t("asOf.dataThrough", { month: format.month(through), date })}
    </p>
  );
}

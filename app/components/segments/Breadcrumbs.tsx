import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

export interface Crumb {
  label: string;
  /** Omitted for the current page. */
  to?: string;
}

/** Where a drill-down page sits: overview › column › product. */
export function Breadcrumbs({ items }: { items: Crumb[] }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t("segments.drilldown.breadcrumb")} className="breadcrumbs">
      <ol>
        {items.map((item, index) => (
          <li key={index}>
            {item.to ? (
              <Link to={item.to}>{item.label}</Link>
            ) : (
              <span aria-current="page">{item.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

import { useId } from "react";
import { useTranslation } from "react-i18next";

/**
 * The as-of date of a GET filter form (issue 14 §2): empty is today; only lines declared on or
 * before the date count. `value`: the date the URL named (null: today); `max`: today.
 */
export function AsOfField({ value, max }: { value: string | null; max: string }) {
  const { t } = useTranslation();
  const hint = useId();
  return (
    <>
      <label>
        {t("asOf.label")}
        <input type="date" name="asOf" defaultValue={value ?? ""} max={max} aria-describedby={hint} data-testid="as-of-input" />
      </label>
      <span id={hint} className="hint">
        {t("asOf.hint")}
      </span>
    </>
  );
}

/** Keeps the as-of date in a form that does not show it (a secondary filter form). */
export function AsOfHidden({ value }: { value: string | null }) {
  return value ? <input type="hidden" name="asOf" value={value} /> : null;
}

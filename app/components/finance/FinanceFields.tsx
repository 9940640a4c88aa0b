import Decimal from "decimal.js";
import { useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TableScroll } from "~/components/TableScroll";
import { useFormat } from "~/i18n/useFormat";
import type { FormIssue, FormOutcome } from "~/modules/http.server";
import { refusalKeys } from "~/modules/refusal";
import { FormField } from "~/components/forms/FormField";
import { actorLabel } from "~/i18n/stored";

/** What a finance form's action answered (see finance-action.server.ts). */
export type FinanceResult = FormOutcome;

/** Fields whose stored value is a fraction typed as a percentage. */
const PERCENT_FIELDS = new Set(["scope_share", "expected_development"]);
const TEXT_FIELDS = new Set(["manual_base_reason"]);

/** A stored number as the user types it: percent fields ×100, the language's decimal separator, no grouping. */
export function typedValue(field: string, value: string | null, language: string): string {
  if (value === null) return "";
  const shown = PERCENT_FIELDS.has(field) ? new Decimal(value).times(100).toString() : value;
  return language === "nl" ? shown.replace(".", ",") : shown;
}

/** The outcome of the form with this intent: saved (with the number of changes) or the refused field. */
export function FinanceNotice({ result, intent }: { result: FinanceResult | undefined; intent: string }) {
  const { t } = useTranslation();
  // Shown once the page shows the saved figures too (the loaders run again after the action).
  const settled = useNavigation().state === "idle";
  if (!result || result.intent !== intent || !settled) return null;
  if (result.ok) {
    return (
      <p className="message" role="status" data-testid="finance-saved">
        {t("finance.saved", { count: result.changed ?? 0 })}
      </p>
    );
  }
  // A field such as "line 3, pgb" names its line too; the label is the field's own.
  const describe = (issue: FormIssue) => {
    const field = issue.field.split(", ").pop() ?? issue.field;
    return t("finance.refused", { field: t(`finance.fields.${field}`, { defaultValue: field }), reason: t(refusalKeys("finance", { code: issue.code }), issue.params) });
  };
  const issues = result.issues?.length ? result.issues : [result];
  const first = result.field.split(", ").pop() ?? result.field;
  if (issues.length === 1) {
    return (
      <p className="message error" role="alert" data-testid="finance-error" data-field={first}>
        {describe(issues[0]!)}
      </p>
    );
  }
  return (
    <div className="message error" role="alert" data-testid="finance-error" data-field={first}>
      <p>{t("finance.refusedMany", { count: issues.length })}</p>
      <ul>
        {issues.map((issue) => (
          <li key={issue.field}>{describe(issue)}</li>
        ))}
      </ul>
    </div>
  );
}

/** The refusal of one field of the form with this intent, and what the user had typed there; none after a save. */
function refusedField(result: FinanceResult | undefined, intent: string, name: string): { issue: FormIssue | undefined; typed: string | undefined } {
  if (!result || result.ok || result.intent !== intent) return { issue: undefined, typed: undefined };
  const issue = (result.issues ?? [result]).find((i) => (i.field.split(", ").pop() ?? i.field) === name);
  return { issue, typed: result.values?.[name] };
}

/**
 * A field of a finance form, prefilled as the user would type it. After a refused save it keeps
 * what was typed, and a refused field is marked (aria-invalid) with its reason next to it.
 */
export function NumberField({
  name,
  label,
  value,
  hint,
  result,
  intent,
  multiline,
}: {
  name: string;
  label: string;
  value: string | null;
  hint?: string;
  /** The form's answer, to mark this field when it was refused. */
  result?: FinanceResult;
  intent?: string;
  /** A text area (a written reason) instead of a number. */
  multiline?: boolean;
}) {
  const format = useFormat();
  const { t } = useTranslation();
  const { issue, typed } = intent ? refusedField(result, intent, name) : { issue: undefined, typed: undefined };
  const id = `${intent ?? "field"}-${name}`;
  const shown = typed ?? (multiline ? (value ?? "") : typedValue(name, value, format.language));
  return (
    <FormField
      className="field"
      label={label}
      hint={hint}
      hintId={`${id}-hint`}
      error={issue ? t(refusalKeys("finance", { code: issue.code }), issue.params) : undefined}
      errorId={`${id}-error`}
    >
      {(props) =>
        multiline ? (
          <textarea rows={2} name={name} defaultValue={shown} {...props} />
        ) : (
          <input inputMode="decimal" autoComplete="off" size={14} name={name} defaultValue={shown} {...props} />
        )
      }
    </FormField>
  );
}

/** Shows a logged value by what the field holds: a percentage, a text, or an amount. */
function LoggedValue({ field, value }: { field: string; value: string | null }) {
  const format = useFormat();
  const { t } = useTranslation();
  if (value === null) return <span className="meta">{t("finance.empty")}</span>;
  if (TEXT_FIELDS.has(field)) return <>{value}</>;
  if (PERCENT_FIELDS.has(field)) return <>{format.percent(value, 2)}</>;
  return <>{format.money(value)}</>;
}

/** Who changed which typed figure, when, and what it was before: newest first. */
export function ChangeHistory({ changes }: { changes: { year: number | null; field: string; previousValue: string | null; newValue: string | null; changedBy: string; changedAt: string }[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <section aria-labelledby="history-title" data-testid="finance-history">
      <h2 id="history-title">{t("finance.historyTitle")}</h2>
      {changes.length === 0 ? (
        <p>{t("finance.noHistory")}</p>
      ) : (
        <TableScroll labelledBy="history-title">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">{t("finance.when")}</th>
                <th scope="col">{t("finance.who")}</th>
                <th scope="col">{t("finance.year")}</th>
                <th scope="col">{t("finance.field")}</th>
                <th scope="col">{t("finance.previous")}</th>
                <th scope="col">{t("finance.new")}</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c, i) => (
                <tr key={`${c.changedAt}-${c.field}-${i}`}>
                  <td>{format.dateTime(c.changedAt)}</td>
                  <td>{actorLabel(t, c.changedBy)}</td>
                  <td>{c.year ?? ""}</td>
                  <td>{t(`finance.fields.${c.field}`)}</td>
                  <td className={TEXT_FIELDS.has(c.field) ? undefined : "num"}>
                    <LoggedValue field={c.field} value={c.previousValue} />
                  </td>
                  <td className={TEXT_FIELDS.has(c.field) ? undefined : "num"}>
                    <LoggedValue field={c.field} value={c.newValue} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}

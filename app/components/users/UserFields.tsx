import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { LANGUAGES } from "~/i18n/config";
import { refusalKeys } from "~/modules/refusal";

/** What a user form's action answers when it refuses: every refused field at once. */
export interface UserFormIssue {
  code: string;
  field: string | null;
}

/**
 * The translated message per field of a refused answer (the field `null`, the form as a
 * whole, under "form"); only issues of `intent` when the page has several forms.
 */
export function useUserFieldErrors(issues: readonly UserFormIssue[] | undefined): Record<string, string> {
  const { t } = useTranslation();
  const errors: Record<string, string> = {};
  for (const issue of issues ?? []) errors[issue.field ?? "form"] ??= t(refusalKeys("users", issue));
  return errors;
}

/**
 * One labelled control with its hint and its error: hints and errors sit outside the label, so
 * they are read once; a refused control is marked (`aria-invalid`) and points at its message.
 * The error id is the prefix, the field and "-error"; the hint id is given or the prefix, field and "-hint".
 */
export function UserField({
  field,
  label,
  idPrefix,
  error,
  hint,
  hintId,
  autoFocus,
  children,
}: {
  field: string;
  label: string;
  idPrefix: string;
  error: string | undefined;
  hint?: string;
  hintId?: string;
  autoFocus?: boolean;
  children: (props: { name: string; "aria-invalid"?: true; "aria-describedby"?: string; autoFocus?: true }) => ReactNode;
}) {
  const errorId = `${idPrefix}${field}-error`;
  const describedBy = [error ? errorId : null, hint ? (hintId ?? `${idPrefix}${field}-hint`) : null].filter(Boolean).join(" ");
  return (
    <div>
      <label>
        {label}
        {children({
          name: field,
          "aria-invalid": error ? true : undefined,
          "aria-describedby": describedBy || undefined,
          autoFocus: error && autoFocus ? true : undefined,
        })}
      </label>
      {hint ? (
        <div className="hint" id={hintId ?? `${idPrefix}${field}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="message error" id={errorId} role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}

export interface UserFieldValues {
  email: string;
  displayName: string;
  role: string;
  municipalityCode: string;
  language: string;
}

/**
 * The account fields shared by the new-user and the edit-user form: e-mail, name, role,
 * municipality and language. The first refused field takes the focus.
 */
export function UserFields({
  idPrefix,
  values,
  errors,
  roles,
  municipalities,
  roleHint,
  chooseRole,
}: {
  idPrefix: string;
  values: Partial<UserFieldValues> | undefined;
  errors: Record<string, string>;
  roles: readonly string[];
  municipalities: readonly { code: string; name: string }[];
  roleHint?: string;
  /** Offer an empty "choose a role" first (a new user has none yet). */
  chooseRole?: boolean;
}) {
  const { t } = useTranslation();
  const first = ["email", "displayName", "role", "municipalityCode", "language"].find((field) => errors[field]);
  const common = (field: string) => ({ field, idPrefix, error: errors[field], autoFocus: first === field });
  return (
    <>
      <UserField {...common("email")} label={t("users.email")}>
        {(props) => <input type="email" autoComplete="off" required defaultValue={values?.email ?? ""} {...props} />}
      </UserField>
      <UserField {...common("displayName")} label={t("users.displayName")}>
        {(props) => <input type="text" autoComplete="off" required maxLength={200} defaultValue={values?.displayName ?? ""} {...props} />}
      </UserField>
      <UserField {...common("role")} label={t("users.role")} hint={roleHint} hintId="role-hint">
        {(props) => (
          <select required defaultValue={values?.role ?? ""} {...props}>
            {chooseRole ? (
              <option value="" disabled>
                {t("users.chooseRole")}
              </option>
            ) : null}
            {roles.map((role) => (
              <option key={role} value={role}>
                {t(`roles.${role}`)}
              </option>
            ))}
          </select>
        )}
      </UserField>
      <UserField {...common("municipalityCode")} label={t("users.municipality")} hint={t("users.municipalityHint")} hintId="municipality-hint">
        {(props) => (
          <select defaultValue={values?.municipalityCode ?? ""} {...props}>
            <option value="">{t("users.municipalityNone")}</option>
            {municipalities.map((m) => (
              <option key={m.code} value={m.code}>
                {m.name}
              </option>
            ))}
          </select>
        )}
      </UserField>
      <UserField {...common("language")} label={t("users.language")} hint={t("users.languageHint")} hintId="language-hint">
        {(props) => (
          <select defaultValue={values?.language ?? ""} {...props}>
            <option value="">{t("users.languageBrowser")}</option>
            {LANGUAGES.map((language) => (
              <option key={language} value={language} lang={language}>
                {t(`language.${language}`)}
              </option>
            ))}
          </select>
        )}
      </UserField>
    </>
  );
}

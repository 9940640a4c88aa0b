import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { LANGUAGES } from "~/i18n/config";
import { refusalKeys } from "~/modules/refusal";
import { FormField, type ControlProps } from "~/components/forms/FormField";

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
 * One account field in the shared form-field shell (~/components/forms/FormField), with the
 * users forms' ids: the error is the prefix, the field and "-error"; the hint id is given or the
 * prefix, field and "-hint". The first refused field takes the focus.
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
  children: (props: ControlProps & { name: string; autoFocus?: true }) => ReactNode;
}) {
  return (
    <FormField label={label} hint={hint} hintId={hintId ?? `${idPrefix}${field}-hint`} error={error} errorId={`${idPrefix}${field}-error`} errorAlert>
      {(props) => children({ name: field, ...props, autoFocus: error && autoFocus ? true : undefined })}
    </FormField>
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

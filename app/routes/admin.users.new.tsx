import { ROLES } from "@jeugdregio/access";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireAccess } from "~/modules/access/access.server";
import { MIN_PASSWORD_LENGTH } from "~/modules/auth/password.server";
import { createUser, UserError } from "~/modules/users/users.server";
import { pageTitle } from "~/i18n/title";
import { refusalKeys } from "~/modules/refusal";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, (t) => [t("users.new")]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "manage:user");
  // Every municipality, not the admin's (empty) data scope: accounts are managed across tenants.
  const municipalities = await access.run((trx) =>
    trx.selectFrom("municipality").select(["code", "name"]).orderBy("name").execute(),
  );
  return json({ municipalities, roles: ROLES, minPasswordLength: MIN_PASSWORD_LENGTH });
}

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

export async function action({ request, context }: ActionFunctionArgs) {
  const access = await requireAccess(request, context, "manage:user");
  const form = await request.formData();
  const values = {
    email: text(form, "email"),
    displayName: text(form, "displayName"),
    role: text(form, "role"),
    municipalityCode: text(form, "municipalityCode"),
  };
  const actor = access.actor;
  try {
    await access.run((trx) =>
      createUser(trx, actor, { ...values, municipalityCode: values.municipalityCode || null, password: text(form, "password") }),
    );
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    // The password is never sent back.
    return json({ error: { code: error.code, field: error.field }, values }, { status: error.status });
  }
  return redirect("/admin/users?created=1");
}

export default function NewUser() {
  const { municipalities, roles, minPasswordLength } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const location = useLocation();
  const { t } = useTranslation();
  const values = actionData?.values;
  const error = actionData?.error;
  const errorFor = (field: string) => (error && (error.field ?? "form") === field ? t(refusalKeys("users", { code: error.code })) : null);
  /** Name, error state and descriptions of a control; hints and errors sit outside the label, so they are read once. */
  const fieldProps = (field: string, ...hints: string[]) => {
    const invalid = Boolean(errorFor(field));
    const describedBy = [invalid ? `${field}-error` : null, ...hints].filter(Boolean).join(" ");
    return {
      name: field,
      "aria-invalid": invalid || undefined,
      "aria-describedby": describedBy || undefined,
      autoFocus: invalid || undefined,
    };
  };
  const fieldError = (field: string) => {
    const message = errorFor(field);
    return message ? (
      <div className="message error" id={`${field}-error`} role="alert">
        {message}
      </div>
    ) : null;
  };

  return (
    <>
      <p>
        <Link to="/admin/users">{t("users.backToList")}</Link>
      </p>
      <h1>{t("users.new")}</h1>
      {errorFor("form") ? (
        <p className="message error" role="alert">
          {errorFor("form")}
        </p>
      ) : null}
      {/* Re-mounted after every answer: the password field starts empty again. */}
      <Form method="post" className="stacked" noValidate key={location.key}>
        <div>
          <label>
            {t("users.email")}
            <input type="email" autoComplete="off" required defaultValue={values?.email ?? ""} {...fieldProps("email")} />
          </label>
          {fieldError("email")}
        </div>
        <div>
          <label>
            {t("users.displayName")}
            <input
              type="text"
              autoComplete="off"
              required
              maxLength={200}
              defaultValue={values?.displayName ?? ""}
              {...fieldProps("displayName")}
            />
          </label>
          {fieldError("displayName")}
        </div>
        <div>
          <label>
            {t("users.role")}
            <select required defaultValue={values?.role ?? ""} {...fieldProps("role")}>
              <option value="" disabled>
                {t("users.chooseRole")}
              </option>
              {roles.map((role) => (
                <option key={role} value={role}>
                  {t(`roles.${role}`)}
                </option>
              ))}
            </select>
          </label>
          {fieldError("role")}
        </div>
        <div>
          <label>
            {t("users.municipality")}
            <select defaultValue={values?.municipalityCode ?? ""} {...fieldProps("municipalityCode", "municipality-hint")}>
              <option value="">{t("users.municipalityNone")}</option>
              {municipalities.map((m) => (
                <option key={m.code} value={m.code}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
          <div className="hint" id="municipality-hint">
            {t("users.municipalityHint")}
          </div>
          {fieldError("municipalityCode")}
        </div>
        <div>
          <label>
            {t("users.password")}
            <input
              type="password"
              autoComplete="new-password"
              required
              minLength={minPasswordLength}
              {...fieldProps("password", "password-hint")}
            />
          </label>
          <div className="hint" id="password-hint">
            {t("users.passwordHint", { min: minPasswordLength })}
          </div>
          {fieldError("password")}
        </div>
        <div>
          <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
            {t("users.create")}
          </button>
        </div>
      </Form>
    </>
  );
}

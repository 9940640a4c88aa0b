import { ROLES } from "@jeugdregio/access";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireAccess } from "~/modules/access/access.server";
import { MIN_PASSWORD_LENGTH } from "~/modules/auth/password.server";
import { createUser, UserError } from "~/modules/users/users.server";
import { pageTitle } from "~/i18n/title";
import { UserField, UserFields, useUserFieldErrors } from "~/components/users/UserFields";

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
    language: text(form, "language"),
  };
  const actor = access.actor;
  try {
    await access.run((trx) =>
      createUser(trx, actor, { ...values, municipalityCode: values.municipalityCode || null, password: text(form, "password") }),
    );
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    // The password is never sent back.
    return json({ error: { code: error.code, field: error.field }, issues: error.issues, values }, { status: error.status });
  }
  return redirect("/admin/users?created=1");
}

export default function NewUser() {
  const { municipalities, roles, minPasswordLength } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const location = useLocation();
  const { t } = useTranslation();
  // Every refused field at once, each at its field.
  const errors = useUserFieldErrors(actionData?.issues);

  return (
    <>
      <p>
        <Link to="/admin/users">{t("users.backToList")}</Link>
      </p>
      <h1>{t("users.new")}</h1>
      {errors.form ? (
        <p className="message error" role="alert">
          {errors.form}
        </p>
      ) : null}
      {/* Re-mounted after every answer: the password field starts empty again. */}
      <Form method="post" className="stacked" noValidate key={location.key}>
        <UserFields idPrefix="" values={actionData?.values} errors={errors} roles={roles} municipalities={municipalities} chooseRole />
        <UserField
          field="password"
          idPrefix=""
          label={t("users.password")}
          error={errors.password}
          hint={t("users.passwordHint", { min: minPasswordLength })}
          hintId="password-hint"
          autoFocus={Object.keys(errors).length === 1}
        >
          {(props) => <input type="password" autoComplete="new-password" required minLength={minPasswordLength} {...props} />}
        </UserField>
        <div>
          <button type="submit" className="primary" disabled={navigation.state === "submitting"}>
            {t("users.create")}
          </button>
        </div>
      </Form>
    </>
  );
}

import { ROLES } from "@jeugdregio/access";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useFormat } from "~/i18n/useFormat";
import { requireAccess } from "~/modules/access/access.server";
import { MIN_PASSWORD_LENGTH } from "~/modules/auth/password.server";
import { notFound } from "~/modules/http.server";
import { findUser, resetPassword, setUserDisabled, updateUser, UserError } from "~/modules/users/users.server";
import { pageTitle } from "~/i18n/title";
import { refusalKeys } from "~/modules/refusal";
import { UserField, UserFields, useUserFieldErrors } from "~/components/users/UserFields";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Only ids: `findUser` also takes an e-mail, which has no place in this URL. */
function userId(params: LoaderFunctionArgs["params"]): string {
  const id = params.id ?? "";
  if (!UUID.test(id)) throw notFound();
  return id;
}

// What the page says after a successful change (?done=…).
const NOTICES = {
  saved: "users.saved",
  disabled: "users.disabledNotice",
  enabled: "users.enabledNotice",
  passwordReset: "users.passwordReset",
} as const;

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, (t) => [t("users.edit"), data?.user.displayName]);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const access = await requireAccess(request, context, "manage:user");
  const id = userId(params);
  const [user, municipalities] = await access.run((trx) =>
    Promise.all([findUser(trx, id), trx.selectFrom("municipality").select(["code", "name"]).orderBy("name").execute()]),
  );
  if (!user) throw notFound();
  const done = new URL(request.url).searchParams.get("done");
  return json({
    user: {
      id: user.id,
      email: user.email,
      displayName: user.display_name,
      role: user.role,
      municipalityCode: user.municipality_code ?? "",
      language: user.language ?? "",
      disabledAt: user.disabled_at ? new Date(user.disabled_at).toISOString() : null,
    },
    notice: done && Object.hasOwn(NOTICES, done) ? NOTICES[done as keyof typeof NOTICES] : null,
    municipalities,
    roles: ROLES,
    minPasswordLength: MIN_PASSWORD_LENGTH,
  });
}

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

type Intent = "update" | "disable" | "enable" | "reset";
const INTENTS: readonly string[] = ["update", "disable", "enable", "reset"] satisfies Intent[];

export async function action({ request, context, params }: ActionFunctionArgs) {
  const access = await requireAccess(request, context, "manage:user");
  const id = userId(params);
  const form = await request.formData();
  const intent = text(form, "intent");
  if (!INTENTS.includes(intent)) throw new Response("Bad Request", { status: 400 });
  const actor = access.actor;
  const values = {
    email: text(form, "email"),
    displayName: text(form, "displayName"),
    role: text(form, "role"),
    municipalityCode: text(form, "municipalityCode"),
    language: text(form, "language"),
  };
  try {
    const done = await access.run(async (trx): Promise<keyof typeof NOTICES> => {
      switch (intent as Intent) {
        case "update":
          await updateUser(trx, actor, id, { ...values, municipalityCode: values.municipalityCode || null });
          return "saved";
        case "disable":
        case "enable":
          await setUserDisabled(trx, actor, id, intent === "disable");
          return intent === "disable" ? "disabled" : "enabled";
        case "reset":
          await resetPassword(trx, actor, id, text(form, "password"));
          return "passwordReset";
      }
    });
    return redirect(`/admin/users/${id}?done=${done}`);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    if (error.kind === "not_found") throw notFound();
    // Entered values go back to the edit form; a password never does.
    return json(
      { intent, error: { code: error.code, field: error.field }, issues: error.issues, values: intent === "update" ? values : null },
      { status: error.status },
    );
  }
}

export default function EditUser() {
  const { user, notice, municipalities, roles, minPasswordLength } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const location = useLocation();
  const { t } = useTranslation();
  const format = useFormat();
  const busy = navigation.state === "submitting";
  const values = actionData?.values ?? user;

  /** The translated errors of one of the page's forms, per field ("form" for the form as a whole). */
  const updateErrors = useUserFieldErrors(actionData?.intent === "update" ? actionData.issues : undefined);
  const resetErrors = useUserFieldErrors(actionData?.intent === "reset" ? actionData.issues : undefined);
  const errorFor = (intent: string, field: string | null) =>
    actionData && actionData.intent === intent && actionData.error.field === field ? t(refusalKeys("users", { code: actionData.error.code })) : null;
  const statusIntent = user.disabledAt ? "enable" : "disable";
  const statusError = errorFor("disable", null) ?? errorFor("enable", null);

  return (
    <>
      <p>
        <Link to="/admin/users">{t("users.backToList")}</Link>
      </p>
      <h1>{t("users.edit")}</h1>
      {notice ? (
        <p className="message success" role="status">
          {t(notice)}
        </p>
      ) : null}

      {/* Re-mounted after every answer: defaults follow the saved record, passwords start empty. */}
      <Form method="post" className="stacked" noValidate key={`update-${location.key}`}>
        <input type="hidden" name="intent" value="update" />
        <UserFields idPrefix="update-" values={values} errors={updateErrors} roles={roles} municipalities={municipalities} roleHint={t("users.roleChangeHint")} />
        <div>
          <button type="submit" className="primary" disabled={busy}>
            {t("users.save")}
          </button>
        </div>
      </Form>

      <section aria-labelledby="access-title">
        <h2 id="access-title">{t("users.accessTitle")}</h2>
        <p data-testid="user-status">
          {user.disabledAt ? t("users.disabledSince", { when: format.dateTime(user.disabledAt) }) : t("users.active")}
        </p>
        {user.disabledAt ? null : (
          <p className="hint" id="status-hint">
            {t("users.disableHint")}
          </p>
        )}
        {statusError ? (
          <p className="message error" role="alert" id="status-error">
            {statusError}
          </p>
        ) : null}
        <Form method="post" key={`status-${location.key}`}>
          <input type="hidden" name="intent" value={statusIntent} />
          <button
            type="submit"
            disabled={busy}
            aria-describedby={[user.disabledAt ? null : "status-hint", statusError ? "status-error" : null].filter(Boolean).join(" ") || undefined}
          >
            {user.disabledAt ? t("users.enable") : t("users.disable")}
          </button>
        </Form>
      </section>

      <section aria-labelledby="reset-title">
        <h2 id="reset-title">{t("users.resetPassword")}</h2>
        <Form method="post" className="stacked" noValidate key={`reset-${location.key}`}>
          <input type="hidden" name="intent" value="reset" />
          <UserField
            field="password"
            idPrefix="reset-"
            label={t("users.newPassword")}
            error={resetErrors.password}
            hint={t("users.passwordHint", { min: minPasswordLength })}
            hintId="reset-password-hint"
            autoFocus
          >
            {(props) => <input type="password" autoComplete="new-password" required minLength={minPasswordLength} {...props} />}
          </UserField>
          <div>
            <button type="submit" className="primary" disabled={busy}>
              {t("users.resetPassword")}
            </button>
          </div>
        </Form>
      </section>
    </>
  );
}
